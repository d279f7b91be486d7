package web

import (
	"bytes"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged/badgeimage"
)

// imageCSP is the Content-Security-Policy of a served image: an SVG
// opened on its own is a document, and this one may load nothing, run
// nothing (sandbox) and style itself only from within.
const imageCSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"

// registerImageRoutes serves the badge images badged holds, by content:
// GET /images/{sha256}.png and /images/{sha256}.svg (HEAD too).
func (s *Server) registerImageRoutes(r chi.Router) {
	r.Get("/images/{file}", s.handleImage)
}

// handleImage sends a stored image. Its name is the SHA-256 of its bytes,
// so it never changes: it is cached for a year as immutable, with that
// hash as a strong ETag (If-None-Match gets 304). An unknown name, or a
// known one with the other extension, is 404.
func (s *Server) handleImage(w http.ResponseWriter, r *http.Request) {
	sum, ext, _ := strings.Cut(chi.URLParam(r, "file"), ".")
	if s.images == nil || !isSHA256(sum) || (ext != "png" && ext != "svg") {
		s.writeError(w, r, badgeimage.ErrNotFound)
		return
	}
	im, err := s.images.Image(r.Context(), sum)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if im.Ext() != ext {
		s.writeError(w, r, badgeimage.ErrNotFound)
		return
	}
	h := w.Header()
	h.Set("Content-Type", im.MediaType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", `"`+sum+`"`)
	h.Set("Content-Security-Policy", imageCSP)
	h.Set("Access-Control-Allow-Origin", "*") // wallets and verifiers in browsers show them
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(im.Data))
}

// isSHA256 reports whether s is a SHA-256 in lowercase hex.
func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := range len(s) {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
