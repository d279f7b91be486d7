package web

import (
	"bytes"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/badgeimage"
)

// maxImageUploads is how many uploaded images are decoded at once; more
// wait, their files read (at most 2 MiB each). Decoding may take up to
// 70 MB (docs/benchmarks.md): a few small files declaring the largest
// image allowed must not exhaust memory.
const maxImageUploads = 2

// imageCSP is the Content-Security-Policy of a served image: an SVG
// opened on its own is a document, and this one may load nothing, run
// nothing (sandbox) and style itself only from within.
const imageCSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"

// registerImageRoutes serves the badge images badged holds, by content:
// GET /images/{sha256}.png and /images/{sha256}.svg (HEAD too).
func (s *Server) registerImageRoutes(r chi.Router) {
	r.Get("/images/{file}", s.handleImage)
}

// registerImageUploadRoutes adds, to the JSON API, the upload of a badge
// class's image.
func (s *Server) registerImageUploadRoutes(r chi.Router) {
	r.Post("/badgeclasses/{badgeClassID}/image", s.handleImageUpload)
}

// isImageUpload reports whether r is an upload of a badge class's image,
// whose body is the image (not JSON) and is bounded by its handler.
func isImageUpload(r *http.Request) bool { return isBadgeClassUpload(r, "image") }

// handleImageUpload makes the body, a PNG, JPEG or SVG (whatever its
// Content-Type says), the image of a badge class: for whoever may update
// it, checked before the image is read. The image is sanitized
// (package badgeimage), stored, and the badge class's imageUrl set to
// where it is served; the answer is the badge class, as for PUT. A
// refused image is 400 with the reason, one beyond badgeimage.MaxBytes
// 413.
func (s *Server) handleImageUpload(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "badgeClassID")
	if s.Images == nil {
		s.writeError(w, r, badged.Errorf(badged.Unavailable, "badge images are not configured"))
		return
	}
	if err := s.Issuer.MayUpdateBadgeClass(r.Context(), actor(r), id); err != nil {
		s.writeError(w, r, err)
		return
	}
	file, err := badgeimage.ReadUpload(r.Body)
	if err != nil {
		if badged.KindOf(err) == badged.Internal { // reading the body failed
			err = badged.Wrap(badged.Invalid, err, "The upload was interrupted; send the image again.")
		}
		s.writeError(w, r, err)
		return
	}
	select {
	case s.imageSlots <- struct{}{}:
	case <-r.Context().Done():
		s.writeError(w, r, badged.Wrap(badged.Unavailable, r.Context().Err(), "The upload was cancelled while waiting for others to finish."))
		return
	}
	im, err := badgeimage.Sanitize(file)
	<-s.imageSlots
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.Images.PutImage(r.Context(), im); err != nil {
		s.writeError(w, r, err)
		return
	}
	bc, err := s.Issuer.BadgeClass(r.Context(), actor(r), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	bc.ImageURL = s.imageURL(r, im)
	got, err := s.Issuer.UpdateBadgeClass(r.Context(), actor(r), *bc)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, badgeClassView(got))
}

// imageURL is the absolute URL im is served at: under the base URL, or,
// on a server without one (tests), the host the request named.
func (s *Server) imageURL(r *http.Request, im *badgeimage.Image) string {
	base := strings.TrimSuffix(s.BaseURL, "/")
	if base == "" {
		base = "http://" + r.Host
	}
	return base + "/images/" + im.Name()
}

// handleImage sends a stored image. Its name is the SHA-256 of its bytes,
// so it never changes: it is cached for a year as immutable, with that
// hash as a strong ETag (If-None-Match gets 304). An unknown name, or a
// known one with the other extension, is 404.
func (s *Server) handleImage(w http.ResponseWriter, r *http.Request) {
	sum, ext, _ := strings.Cut(chi.URLParam(r, "file"), ".")
	if s.Images == nil || !isSHA256(sum) || (ext != "png" && ext != "svg") {
		s.writeError(w, r, badgeimage.ErrNotFound)
		return
	}
	im, err := s.Images.Image(r.Context(), sum)
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
