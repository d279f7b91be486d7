package web

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"image"
	"image/png"
	"net/http"
	"strings"
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

func TestUploadImage(t *testing.T) {
	e := newEnv(t)
	path := "/api/v1/badgeclasses/" + e.B.ID + "/image"
	upload := func(caller, contentType string, body []byte) (*http.Response, []byte) {
		t.Helper()
		req := e.request(caller, http.MethodPost, path, string(body))
		req.Header.Set("Content-Type", contentType)
		return e.send(req)
	}
	img := image.NewNRGBA(image.Rect(0, 0, 900, 300))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	var photo bytes.Buffer
	png.Encode(&photo, img)

	resp, body := upload(bcEditor, "application/octet-stream", photo.Bytes())
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	var bc struct {
		ImageURL string `json:"imageUrl"`
		Version  int64  `json:"version"`
	}
	if err := json.Unmarshal(body, &bc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(bc.ImageURL, e.ts.URL+"/images/") || !strings.HasSuffix(bc.ImageURL, ".png") {
		t.Fatalf("imageUrl %q", bc.ImageURL)
	}
	resp, served := e.send(must(http.NewRequest(http.MethodGet, bc.ImageURL, nil)))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", bc.ImageURL, resp.StatusCode)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(served))
	if err != nil || cfg.Width != 512 || cfg.Height != 170 {
		t.Errorf("served image: %v, %d × %d, want 512 × 170", err, cfg.Width, cfg.Height)
	}
	if stored := must(e.db.BadgeClass(context.Background(), e.B.ID)); stored.ImageURL != bc.ImageURL {
		t.Errorf("stored imageUrl %q", stored.ImageURL)
	}

	// A reader may not, and what they sent is not even stored.
	viewerSVG := []byte(strings.Replace(testSVG, "#c00", "#0c0", 1))
	resp, body = upload(viewer, "image/svg+xml", viewerSVG)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("viewer: %d %s", resp.StatusCode, body)
	}
	if _, err := e.db.Image(context.Background(), must(badgeimage.Sanitize(viewerSVG)).SHA256()); !errors.Is(err, badgeimage.ErrNotFound) {
		t.Errorf("a viewer's upload was stored: %v", err)
	}

	header := hugePNGHeader(100000, 100000)
	tests := []struct {
		name   string
		body   []byte
		status int
		detail string
	}{
		{"fail/script", []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><script>alert(1)</script></svg>`),
			http.StatusBadRequest, "The SVG contains a <script> element, which is not allowed: an image must not run code."},
		{"fail/external", []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><use href="https://evil.example/a.svg#x"/></svg>`),
			http.StatusBadRequest, "outside itself"},
		{"fail/huge header", header, http.StatusBadRequest, "The image is 100000 × 100000 pixels; at most 2048 × 2048 is allowed."},
		{"fail/not an image", []byte("%PDF-1.7"), http.StatusBadRequest, "This file is not a PNG, JPEG or SVG image."},
		{"fail/too large", make([]byte, badgeimage.MaxBytes+1), http.StatusRequestEntityTooLarge, "larger than 2 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := upload(bcEditor, "image/png", tt.body)
			p := problemOf(t, resp, body)
			if resp.StatusCode != tt.status || !strings.Contains(p.Detail, tt.detail) {
				t.Errorf("%d %q, want %d %q", resp.StatusCode, p.Detail, tt.status, tt.detail)
			}
		})
	}
}

// hugePNGHeader is the start of a PNG declaring w × h pixels: its
// signature and IHDR chunk, with a valid CRC, and no pixels.
func hugePNGHeader(w, h uint32) []byte {
	header := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR")
	header = binary.BigEndian.AppendUint32(header, w)
	header = binary.BigEndian.AppendUint32(header, h)
	header = append(header, 8, 6, 0, 0, 0)
	return binary.BigEndian.AppendUint32(header, crc32.ChecksumIEEE(header[12:]))
}
