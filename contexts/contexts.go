// Package contexts owns every JSON-LD context badged reads or writes. The
// contexts are embedded in the binary, and [Loader] serves only them: no
// context is ever fetched from the network, and any other URL is refused.
//
// The documents a Loader returns are parsed once and shared; callers must
// treat them as read-only.
package contexts

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/piprate/json-gold/ld"
)

// URLs of the contexts badged knows.
const (
	VCv2                 = "https://www.w3.org/ns/credentials/v2"
	VCv1                 = "https://www.w3.org/2018/credentials/v1"
	DataIntegrityV1      = "https://w3id.org/security/data-integrity/v1"
	DataIntegrityV2      = "https://w3id.org/security/data-integrity/v2"
	Multikey             = "https://w3id.org/security/multikey/v1"
	DIDv1                = "https://www.w3.org/ns/did/v1"
	Ed25519Signature2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
	OB                   = "https://purl.imsglobal.org/spec/ob/v3p0/context.json"
	OB301                = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"
	OB302                = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"
	OB303                = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
	OBExtensions         = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
	// Badged is badged's own extension context: institution and badge class
	// fields that Open Badges 3.0 lacks (EQF/NLQF level, ECTS, study load...).
	Badged = "https://w3id.org/badged/v1"
)

//go:embed files
var files embed.FS

var fileOf = map[string]string{
	VCv2:                 "credentials-v2.jsonld",
	VCv1:                 "credentials-v1.jsonld",
	DataIntegrityV1:      "data-integrity-v1.jsonld",
	DataIntegrityV2:      "data-integrity-v2.jsonld",
	Multikey:             "multikey-v1.jsonld",
	DIDv1:                "did-v1.jsonld",
	Ed25519Signature2020: "ed25519-signature-2020-v1.jsonld",
	OB:                   "ob-v3p0-context.json",
	OB301:                "ob-v3p0-context-3.0.1.json",
	OB302:                "ob-v3p0-context-3.0.2.json",
	OB303:                "ob-v3p0-context-3.0.3.json",
	OBExtensions:         "ob-v3p0-extensions.json",
	Badged:               "badged-v1.jsonld",
}

// URLs lists every context URL badged embeds, sorted.
func URLs() []string {
	urls := make([]string, 0, len(fileOf))
	for u := range fileOf {
		urls = append(urls, u)
	}
	sort.Strings(urls)
	return urls
}

// Bytes returns the embedded context published at url, exactly as stored, and
// false if badged does not embed it.
func Bytes(url string) ([]byte, bool) {
	name, ok := fileOf[url]
	if !ok {
		return nil, false
	}
	b, err := files.ReadFile("files/" + name)
	if err != nil {
		return nil, false
	}
	return b, true
}

// Loader is a json-gold document loader that serves the embedded contexts
// and refuses every other URL. It is safe for concurrent use.
type Loader struct {
	docs map[string]*ld.RemoteDocument
}

// NewLoader returns a loader of the embedded contexts, each parsed once.
// It panics only if an embedded file is not JSON, which a test rules out.
func NewLoader() *Loader {
	l := &Loader{docs: make(map[string]*ld.RemoteDocument, len(fileOf))}
	for u := range fileOf {
		b, _ := Bytes(u)
		if err := l.add(u, b); err != nil {
			panic(err)
		}
	}
	return l
}

// With returns a copy of l that also serves doc at url. It exists for test
// vectors whose contexts badged does not otherwise read (the W3C examples).
// It returns an error if doc is not a JSON object.
func (l *Loader) With(url string, doc []byte) (*Loader, error) {
	c := &Loader{docs: make(map[string]*ld.RemoteDocument, len(l.docs)+1)}
	for u, d := range l.docs {
		c.docs[u] = d
	}
	if err := c.add(url, doc); err != nil {
		return nil, err
	}
	return c, nil
}

func (l *Loader) add(url string, b []byte) error {
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("context %s: %v", url, err)
	}
	l.docs[url] = &ld.RemoteDocument{DocumentURL: url, Document: v}
	return nil
}

// LoadDocument returns the parsed context at u. It never touches the
// network: a URL that is not embedded gives a json-gold LoadingDocumentFailed
// error naming it.
func (l *Loader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	if d, ok := l.docs[u]; ok {
		return d, nil
	}
	return nil, ld.NewJsonLdError(ld.LoadingDocumentFailed,
		fmt.Sprintf("context %q is not one badged knows (contexts are never fetched from the network)", u))
}

// Known reports whether u is served by l.
func (l *Loader) Known(u string) bool {
	_, ok := l.docs[strings.TrimSpace(u)]
	return ok
}
