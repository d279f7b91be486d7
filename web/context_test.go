package web

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/badged/badged/contexts"
)

// TestBadgedV2Context: the context credentials name is served at
// /ns/badged/v2 exactly as embedded, immutable, with a strong ETag that
// answers If-None-Match with 304, readable from any origin, and on HEAD.
func TestBadgedV2Context(t *testing.T) {
	ts := newServer(NewVerifierServer("test", slog.New(slog.NewTextHandler(io.Discard, nil)), API{BaseURL: "https://badges.example.edu"}))
	defer ts.Close()
	do := func(method string, h http.Header) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, ts.URL+contexts.BadgedV2Path, nil)
		for k, v := range h {
			req.Header[k] = v
		}
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	resp, body := do(http.MethodGet, nil)
	want := map[string]string{"Content-Type": "application/ld+json", "Cache-Control": "public, max-age=31536000, immutable",
		"Access-Control-Allow-Origin": "*"}
	for k, v := range want {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, contexts.BadgedV2()) || len(etag) < 3 || etag[0] != '"' {
		t.Fatalf("GET: %d, ETag %q, body %q", resp.StatusCode, etag, body)
	}
	if resp, body := do(http.MethodGet, http.Header{"If-None-Match": {etag}}); resp.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Errorf("If-None-Match: %d, %d bytes", resp.StatusCode, len(body))
	}
	if resp, body := do(http.MethodHead, nil); resp.StatusCode != http.StatusOK || len(body) != 0 || resp.Header.Get("ETag") != etag {
		t.Errorf("HEAD: %d, %d bytes, ETag %q", resp.StatusCode, len(body), resp.Header.Get("ETag"))
	}
}
