package contexts_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/badged/badged/contexts"
)

// TestPinned: every embedded context has exactly the bytes its pinned
// SHA-256 names, and parses.
func TestPinned(t *testing.T) {
	l := contexts.NewLoader()
	for _, u := range contexts.URLs() {
		b, ok := contexts.Bytes(u)
		if !ok {
			t.Fatalf("%s: not embedded", u)
		}
		sum := sha256.Sum256(b)
		if got, want := hex.EncodeToString(sum[:]), contexts.SHA256(u); got != want {
			t.Errorf("%s: sha256 %s, pinned %s", u, got, want)
		}
		if !l.Known(u) {
			t.Errorf("%s: not served", u)
		}
	}
	if !l.Known(contexts.Examples) {
		t.Error("the W3C examples context is not served")
	}
}

func TestWithDir(t *testing.T) {
	const ctx = `{"@context": {"@version": 1.1, "shoeSize": "https://example.edu/ns#shoeSize"}}`
	sum := sha256.Sum256([]byte(ctx))
	digest := hex.EncodeToString(sum[:])
	const u = "https://example.edu/ns/v1"
	write := func(t *testing.T, manifest string, files map[string]string) string {
		t.Helper()
		dir := t.TempDir()
		if manifest != "" {
			if err := os.WriteFile(filepath.Join(dir, contexts.ManifestName), []byte(manifest), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		for name, body := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	entry := func(url, file, sha string) string {
		return `{"contexts": [{"url": "` + url + `", "file": "` + file + `", "sha256": "` + sha + `"}]}`
	}
	ok := map[string]string{"ns-v1.jsonld": ctx}

	t.Run("ok/served", func(t *testing.T) {
		l, err := contexts.NewLoader().WithDir(write(t, entry(u, "ns-v1.jsonld", strings.ToUpper(digest)), ok))
		if err != nil {
			t.Fatal(err)
		}
		if !l.Known(u) || !l.Known(contexts.VCv2) {
			t.Fatal("the operator's context or the embedded ones are not served")
		}
		if contexts.NewLoader().Known(u) {
			t.Fatal("WithDir changed the loader it was called on")
		}
		if _, err := l.LoadDocument("https://example.edu/ns/v2"); err == nil {
			t.Fatal("a context not in the manifest was served")
		}
	})
	tests := []struct {
		name, manifest string
		files          map[string]string
		want           string
	}{
		{"fail/no-manifest", "", ok, "manifest.json"},
		{"fail/manifest-not-json", "{", ok, "not a manifest"},
		{"fail/digest-mismatch", entry(u, "ns-v1.jsonld", strings.Repeat("0", 64)), ok, "the manifest pins"},
		{"fail/no-digest", entry(u, "ns-v1.jsonld", ""), ok, "sha256 is required"},
		{"fail/missing-file", entry(u, "other.jsonld", digest), ok, "other.jsonld"},
		{"fail/file-outside", entry(u, "../ns-v1.jsonld", digest), ok, "inside the directory"},
		{"fail/relative-url", entry("ns/v1", "ns-v1.jsonld", digest), ok, "absolute http(s) URL"},
		{"fail/replaces-embedded", entry(contexts.VCv2, "ns-v1.jsonld", digest), ok, "cannot be replaced"},
		{"fail/not-a-context", entry(u, "x.json", func() string { s := sha256.Sum256([]byte(`{"a":1}`)); return hex.EncodeToString(s[:]) }()), map[string]string{"x.json": `{"a":1}`}, "no @context"},
	}
	t.Run("fail/replaces-own-v2", func(t *testing.T) {
		l, err := contexts.NewLoader().WithBase("https://example.edu")
		if err != nil {
			t.Fatal(err)
		}
		_, err = l.WithDir(write(t, entry("https://example.edu/ns/badged/v2", "ns-v1.jsonld", digest), ok))
		if err == nil || !strings.Contains(err.Error(), "cannot be replaced") {
			t.Fatalf("error %v, want one saying the deployment's v2 context cannot be replaced", err)
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := contexts.NewLoader().WithDir(write(t, tt.manifest, tt.files))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
}

// TestBadgedV2: the v2 context is pinned, protected, and served only at
// the URL of the deployment the loader was given.
func TestBadgedV2(t *testing.T) {
	sum := sha256.Sum256(contexts.BadgedV2())
	if got := hex.EncodeToString(sum[:]); got != contexts.BadgedV2SHA256() {
		t.Fatalf("badged-v2.jsonld sha256 %s, pinned %s", got, contexts.BadgedV2SHA256())
	}
	l, err := contexts.NewLoader().WithBase("https://badges.example.edu/")
	if err != nil {
		t.Fatal(err)
	}
	if got := contexts.BadgedV2URL("https://badges.example.edu/"); got != "https://badges.example.edu/ns/badged/v2" {
		t.Fatalf("BadgedV2URL = %s", got)
	}
	d, err := l.LoadDocument("https://badges.example.edu/ns/badged/v2")
	if err != nil {
		t.Fatal(err)
	}
	ctx := d.Document.(map[string]any)["@context"].(map[string]any)
	if ctx["@protected"] != true || ctx["studyLoad"] == nil || ctx["ectsCredits"] != nil {
		t.Errorf("v2 context: %v", ctx)
	}
	for _, u := range []string{"https://other.example.edu/ns/badged/v2", "https://badges.example.edu/ns/badged/v3"} {
		if _, err := l.LoadDocument(u); err == nil {
			t.Errorf("%s: loaded; only the deployment's own URL may be", u)
		}
	}
	if contexts.NewLoader().Known("https://badges.example.edu/ns/badged/v2") {
		t.Error("a loader without a base serves a deployment's v2 URL")
	}
	for _, base := range []string{"", "badges.example.edu", "ftp://x.example", "https://x.example/?q=1"} {
		if _, err := contexts.NewLoader().WithBase(base); err == nil {
			t.Errorf("WithBase(%q): no error", base)
		}
	}
}
