package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

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
	if h.Uploads == nil {
		return badged.Errorf(badged.Unavailable, "badge images are not configured")
	}
	if err := h.Issuer.MayUpdateBadgeClass(r.Context(), request.Actor(r), id); err != nil {
		return err
	}
	imageURL, err := h.Uploads.Put(r.Context(), r.Body, r.Host)
	if err != nil {
		return err
	}
	bc, err := h.Issuer.BadgeClass(r.Context(), request.Actor(r), id)
	if err != nil {
		return err
	}
	bc.ImageURL = imageURL
	got, err := h.Issuer.UpdateBadgeClass(r.Context(), request.Actor(r), *bc)
	if err != nil {
		return err
	}
	render.JSON(w, http.StatusOK, BadgeClassOf(got))
	return nil
}
