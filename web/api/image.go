package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/badgeimage"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

// maxImageUploads is how many uploaded images are decoded at once; more
// wait, their files read (at most 2 MiB each). Decoding may take up to
// 70 MB (docs/benchmarks.md): a few small files declaring the largest
// image allowed must not exhaust memory.
const maxImageUploads = 2

// registerImageUploadRoutes adds the upload of a badge class's image.
func (h *Handler) registerImageUploadRoutes(r chi.Router) {
	r.Post("/badgeclasses/{badgeClassID}/image", h.handle(h.handleImageUpload))
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
func (h *Handler) handleImageUpload(w http.ResponseWriter, r *http.Request) error {
	id := chi.URLParam(r, "badgeClassID")
	if h.Images == nil {
		return badged.Errorf(badged.Unavailable, "badge images are not configured")
	}
	if err := h.Issuer.MayUpdateBadgeClass(r.Context(), request.Actor(r), id); err != nil {
		return err
	}
	file, err := badgeimage.ReadUpload(r.Body)
	if err != nil {
		if badged.KindOf(err) == badged.Internal { // reading the body failed
			err = badged.Wrap(badged.Invalid, err, "The upload was interrupted; send the image again.")
		}
		return err
	}
	release, err := h.decodeSlot(r.Context())
	if err != nil {
		return err
	}
	im, err := badgeimage.Sanitize(file)
	release()
	if err != nil {
		return err
	}
	if err := h.Images.PutImage(r.Context(), im); err != nil {
		return err
	}
	bc, err := h.Issuer.BadgeClass(r.Context(), request.Actor(r), id)
	if err != nil {
		return err
	}
	bc.ImageURL = h.imageURL(r, im)
	got, err := h.Issuer.UpdateBadgeClass(r.Context(), request.Actor(r), *bc)
	if err != nil {
		return err
	}
	render.JSON(w, http.StatusOK, BadgeClassOf(got))
	return nil
}

// decodeSlot waits for one of the maxImageUploads turns to decode an
// image, or for ctx to end (Unavailable); release gives the turn back.
func (h *Handler) decodeSlot(ctx context.Context) (release func(), err error) {
	select {
	case h.imageSlots <- struct{}{}:
		return func() { <-h.imageSlots }, nil
	case <-ctx.Done():
		return nil, badged.Wrap(badged.Unavailable, ctx.Err(), "The upload was cancelled while waiting for others to finish.")
	}
}

// imageURL is the absolute URL im is served at: under the base URL, or,
// on a server without one (tests), the host the request named.
func (h *Handler) imageURL(r *http.Request, im *badgeimage.Image) string {
	base := strings.TrimSuffix(h.BaseURL, "/")
	if base == "" {
		base = "http://" + r.Host
	}
	return base + "/images/" + im.Name()
}
