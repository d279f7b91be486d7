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
	"net/url"
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
	// Examples is the W3C's context for examples and tests: one @vocab
	// under https://www.w3.org/ns/credentials/examples#. The W3C test
	// suites write their credentials with it.
	Examples = "https://www.w3.org/ns/credentials/examples/v2"
	// Badged is badged's first extension context, which credentials issued
	// before v2 name; it cannot be dereferenced, so new credentials name
	// [BadgedV2URL] instead. It stays embedded so they keep verifying.
	Badged = "https://w3id.org/badged/v1"
)

// BadgedV2Path is where a deployment serves [BadgedV2], under its base URL.
const BadgedV2Path = "/ns/badged/v2"

// badgedV2SHA256 pins [BadgedV2]: the document is the same in every
// deployment (its terms are IRIs under https://w3id.org/badged/vocab#),
// only the URL naming it differs.
const badgedV2SHA256 = "9e60e0399fcb8ec85d76e0ccc7dc276348be7dfc11a55f0fa76ff6d8235d6db2"

// BadgedV2URL is the URL of the deployment at base (no trailing slash
// needed) for its badged v2 context.
func BadgedV2URL(base string) string { return strings.TrimRight(base, "/") + BadgedV2Path }

// BadgedV2 returns badged's v2 extension context: the badge class and
// institution fields Open Badges 3.0 has no property for (study load,
// assessment, quality assurance, participation...). It is @protected.
func BadgedV2() []byte {
	b, err := files.ReadFile("files/badged-v2.jsonld")
	if err != nil {
		panic(err) // unreachable: embedded
	}
	return b
}

// BadgedV2SHA256 returns the pinned SHA-256 (hex) of [BadgedV2].
func BadgedV2SHA256() string { return badgedV2SHA256 }

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
	Examples:             "credentials-examples-v2.jsonld",
	Badged:               "badged-v1.jsonld",
}

// sha256Of pins each embedded file: the SHA-256 (hex) of its bytes, as
// published (the W3C digests of VC 2.0, the vectors' sources for the
// others). A test checks every file against it.
var sha256Of = map[string]string{
	VCv2:                 "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
	VCv1:                 "ab4ddd9a531758807a79a5b450510d61ae8d147eab966cc9a200c07095b0cdcc",
	DataIntegrityV1:      "b5d829bd09aa7c42abc6efa0c8ed7635313b5487f37ccfce3ecd149ca9418554",
	DataIntegrityV2:      "67f21e6e33a6c14e5ccfd2fc7865f7474fb71a04af7e94136cb399dfac8ae8f4",
	Multikey:             "ba2c182de2d92f7e47184bcca8fcf0beaee6d3986c527bf664c195bbc7c58597",
	DIDv1:                "62c1054bf404d6dd3a4b26b64f830fd72095f6a26edc4469908c94351352ce5f",
	Ed25519Signature2020: "b9e1ab971fd8bf2c7553e0c4a9438e0b9450afde1ea1ca5b2492368b9f549588",
	OB:                   "b077fa134d909d92c1dcd1c153f2af1b244aeb415967fdc1467d7fc5dd48ac10",
	OB301:                "d582f3564282fb3b709136d28412e78e70b678b4dbc2f0221f67d84932748355",
	OB302:                "00666ad080ba407687ed1846b7f5e7495f5019042b202a727de47c48a1755c53",
	OB303:                "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761",
	OBExtensions:         "146f85aa16effd7ca1da8056eb443f53ce1eca8a34186cb062832c0a97d889c3",
	Examples:             "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c",
	Badged:               "3d33401e6930be3afe93ef89f8ebcf6763872f65925724e7095a7414ed6748f4",
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

// With returns a copy of l that also serves doc at url: a deployment's own
// context ([Loader.WithBase]) or a test vector's. It returns an error if doc is not a JSON object.
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

// WithBase returns a copy of l that also serves [BadgedV2] at
// [BadgedV2URL](base), the deployment's own URL for it, from memory. The
// error says why base is not an absolute http(s) URL without query or
// fragment.
func (l *Loader) WithBase(base string) (*Loader, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("base URL %q: must be an absolute http(s) URL without query or fragment", base)
	}
	return l.With(BadgedV2URL(base), BadgedV2())
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

// SHA256 returns the pinned SHA-256 (hex) of the embedded context at url,
// or "" if badged does not embed it.
func SHA256(url string) string { return sha256Of[url] }
