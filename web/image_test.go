package web

import (
	"context"
	"net/http"
	"testing"

	"github.com/badged/badged/badgeimage"
)

// testSVG is an uploaded SVG, sanitized.
const testSVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="#c00"/></svg>`

// image stores a sanitized SVG in e's store and returns it.
func (e *env) image() *badgeimage.Image {
	e.t.Helper()
	im, err := badgeimage.Sanitize([]byte(testSVG))
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.db.PutImage(context.Background(), im); err != nil {
		e.t.Fatal(err)
	}
	return im
}

func TestServeImage(t *testing.T) {
	e := newEnv(t)
	svg := e.image()
	png := badgeimage.Default("Statistics", "Department of Mathematics")
	if err := e.db.PutImage(context.Background(), png); err != nil {
		t.Fatal(err)
	}
	get := func(method, path string, header ...string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(method, e.ts.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, body := e.send(req)
		return resp, string(body)
	}

	for _, im := range []*badgeimage.Image{svg, png} {
		resp, body := get(http.MethodGet, "/images/"+im.Name())
		if resp.StatusCode != http.StatusOK || body != string(im.Data) {
			t.Fatalf("GET %s: %d, %d bytes", im.Name(), resp.StatusCode, len(body))
		}
		etag := `"` + im.SHA256() + `"`
		for k, want := range map[string]string{
			"Content-Type":            im.MediaType,
			"ETag":                    etag,
			"Cache-Control":           "public, max-age=31536000, immutable",
			"X-Content-Type-Options":  "nosniff",
			"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
		} {
			if got := resp.Header.Get(k); got != want {
				t.Errorf("%s %s: %q, want %q", im.Ext(), k, got, want)
			}
		}
		resp, body = get(http.MethodGet, "/images/"+im.Name(), "If-None-Match", etag)
		if resp.StatusCode != http.StatusNotModified || body != "" {
			t.Errorf("If-None-Match: %d, %q", resp.StatusCode, body)
		}
		resp, _ = get(http.MethodGet, "/images/"+im.Name(), "If-None-Match", `"other"`)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("If-None-Match of another: %d", resp.StatusCode)
		}
		resp, body = get(http.MethodHead, "/images/"+im.Name())
		if resp.StatusCode != http.StatusOK || body != "" || resp.Header.Get("Content-Type") != im.MediaType {
			t.Errorf("HEAD: %d, %q, %s", resp.StatusCode, body, resp.Header.Get("Content-Type"))
		}
	}

	other := "0000000000000000000000000000000000000000000000000000000000000000"
	for _, path := range []string{
		"/images/" + svg.SHA256() + ".png", // the wrong type
		"/images/" + png.SHA256() + ".svg",
		"/images/" + svg.SHA256(),
		"/images/" + svg.SHA256() + ".svg.png",
		"/images/" + other + ".svg",
		"/images/" + svg.SHA256()[:63] + ".svg",
		"/images/..%2f" + svg.SHA256() + ".svg",
	} {
		resp, body := get(http.MethodGet, path)
		if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s: %d %s, want 404 no-store; %s", path, resp.StatusCode, resp.Header.Get("Cache-Control"), body)
		}
	}
}
