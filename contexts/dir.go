package contexts

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/piprate/json-gold/ld"
)

// ManifestName is the file in an operator's contexts directory that lists
// the contexts it holds; see [Loader.WithDir].
const ManifestName = "manifest.json"

// Manifest is the content of [ManifestName]: each context's URL, the file
// (in the same directory) that holds it, and the SHA-256 (hex) of that
// file's bytes, which pins it.
//
//	{"contexts": [{"url": "https://example.edu/ns/v1", "file": "example-v1.jsonld",
//	  "sha256": "57393fbc…"}]}
type Manifest struct {
	Contexts []ManifestEntry `json:"contexts"`
}

// ManifestEntry is one context of a [Manifest].
type ManifestEntry struct {
	URL    string `json:"url"`
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
}

// WithDir returns a copy of l that also serves the contexts an operator put
// in dir, as its [ManifestName] lists them. Each file must have exactly the
// SHA-256 the manifest gives and be a JSON object with an @context; its URL
// must be an absolute http(s) URL that l does not already serve (the W3C
// and 1EdTech contexts, and badged's own, cannot be replaced). Nothing is fetched: a context that
// is not in the manifest stays unknown.
//
// The error names the entry and what is wrong: a missing or unreadable
// manifest or file, a digest mismatch, a file outside dir, a bad URL, a URL
// listed twice or one badged embeds.
func (l *Loader) WithDir(dir string) (*Loader, error) {
	mpath := filepath.Join(dir, ManifestName)
	raw, err := os.ReadFile(mpath)
	if err != nil {
		return nil, fmt.Errorf("contexts directory: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("%s: not a manifest ({\"contexts\": [{\"url\", \"file\", \"sha256\"}]}): %v", mpath, err)
	}
	c := &Loader{docs: make(map[string]*ld.RemoteDocument, len(l.docs)+len(m.Contexts))}
	for u, d := range l.docs {
		c.docs[u] = d
	}
	seen := map[string]bool{}
	for i, e := range m.Contexts {
		where := fmt.Sprintf("%s: contexts[%d] (%s)", mpath, i, e.URL)
		u, err := url.Parse(e.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Fragment != "" {
			return nil, fmt.Errorf("%s: url must be an absolute http(s) URL without a fragment", where)
		}
		if _, ok := l.docs[e.URL]; ok {
			return nil, fmt.Errorf("%s: badged embeds this context; it cannot be replaced", where)
		}
		if seen[e.URL] {
			return nil, fmt.Errorf("%s: listed twice", where)
		}
		seen[e.URL] = true
		if e.File == "" || !filepath.IsLocal(e.File) {
			return nil, fmt.Errorf("%s: file must be a name inside the directory", where)
		}
		b, err := os.ReadFile(filepath.Join(dir, e.File))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		sum := sha256.Sum256(b)
		if got, want := hex.EncodeToString(sum[:]), strings.ToLower(e.SHA256); got != want {
			if want == "" {
				return nil, fmt.Errorf("%s: sha256 is required (the file's is %s)", where, got)
			}
			return nil, fmt.Errorf("%s: %s has SHA-256 %s, the manifest pins %s", where, e.File, got, want)
		}
		if err := c.add(e.URL, b); err != nil {
			return nil, fmt.Errorf("%s: %v", where, err)
		}
		if _, ok := c.docs[e.URL].Document.(map[string]any)["@context"]; !ok {
			return nil, fmt.Errorf("%s: %s has no @context", where, e.File)
		}
	}
	return c, nil
}
