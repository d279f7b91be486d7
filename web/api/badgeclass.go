package api

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged/issuer"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

func (h *Handler) registerBadgeClassRoutes(r chi.Router) {
	r.Get("/badgeclasses/{badgeClassID}", h.handle(h.handleBadgeClass))
	r.Put("/badgeclasses/{badgeClassID}", h.handle(h.handleUpdateBadgeClass))
	r.Post("/badgeclasses/{badgeClassID}/publish", h.handle(h.handleBadgeClassState(h.Issuer.PublishBadgeClass)))
	r.Post("/badgeclasses/{badgeClassID}/archive", h.handle(h.handleBadgeClassState(h.Issuer.ArchiveBadgeClass)))
	r.Get("/badgeclasses/{badgeClassID}/staff", h.handle(h.handleStaff(issuer.LevelBadgeClass, "badgeClassID")))
}

// handleBadgeClasses lists the badge classes of an issuer.
func (h *Handler) handleBadgeClasses(w http.ResponseWriter, r *http.Request) error {
	list, err := h.Issuer.BadgeClasses(r.Context(), request.Actor(r), chi.URLParam(r, "issuerID"))
	if err != nil {
		return err
	}
	return writePage(w, r, list, func(bc *issuer.BadgeClass) string { return bc.ID }, BadgeClassOf)
}

func (h *Handler) handleCreateBadgeClass(w http.ResponseWriter, r *http.Request) error {
	var in BadgeClass
	if err := decode(r, "badge class", &in); err != nil {
		return err
	}
	d := in.domain()
	d.IssuerID = chi.URLParam(r, "issuerID")
	got, err := h.Issuer.CreateBadgeClass(r.Context(), request.Actor(r), d)
	if err != nil {
		return err
	}
	created(w, "/api/v1/badgeclasses/"+got.ID, BadgeClassOf(got))
	return nil
}

func (h *Handler) handleBadgeClass(w http.ResponseWriter, r *http.Request) error {
	bc, err := h.Issuer.BadgeClass(r.Context(), request.Actor(r), chi.URLParam(r, "badgeClassID"))
	if err != nil {
		return err
	}
	render.JSON(w, http.StatusOK, BadgeClassOf(bc))
	return nil
}

func (h *Handler) handleUpdateBadgeClass(w http.ResponseWriter, r *http.Request) error {
	var in BadgeClass
	if err := decode(r, "badge class", &in); err != nil {
		return err
	}
	d := in.domain()
	d.ID = chi.URLParam(r, "badgeClassID")
	got, err := h.Issuer.UpdateBadgeClass(r.Context(), request.Actor(r), d)
	if err != nil {
		return err
	}
	render.JSON(w, http.StatusOK, BadgeClassOf(got))
	return nil
}

type stateChange func(ctx context.Context, a issuer.Actor, id string, version int64) (*issuer.BadgeClass, error)

// handleBadgeClassState publishes or archives a badge class at the version
// the body gives.
func (h *Handler) handleBadgeClassState(change stateChange) render.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		v, err := decodeVersion(r)
		if err != nil {
			return err
		}
		got, err := change(r.Context(), request.Actor(r), chi.URLParam(r, "badgeClassID"), v)
		if err != nil {
			return err
		}
		render.JSON(w, http.StatusOK, BadgeClassOf(got))
		return nil
	}
}
