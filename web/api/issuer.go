package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged/issuer"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

func (h *Handler) registerIssuerRoutes(r chi.Router) {
	r.Get("/issuers/{issuerID}", h.handle(h.handleIssuer))
	r.Put("/issuers/{issuerID}", h.handle(h.handleUpdateIssuer))
	r.Post("/issuers/{issuerID}/archive", h.handle(h.handleArchiveIssuer))
	r.Get("/issuers/{issuerID}/badgeclasses", h.handle(h.handleBadgeClasses))
	r.Post("/issuers/{issuerID}/badgeclasses", h.handle(h.handleCreateBadgeClass))
	r.Get("/issuers/{issuerID}/staff", h.handle(h.handleStaff(issuer.LevelIssuer, "issuerID")))
	// The status of credentials issued through the VC-API (vcapi_status.go).
	r.Post("/issuers/{issuerID}/credentials/status", h.handle(h.IssuerCredentialStatus))
}

// handleIssuers lists the issuers of a group.
func (h *Handler) handleIssuers(w http.ResponseWriter, r *http.Request) error {
	list, err := h.Issuer.Issuers(r.Context(), request.Actor(r), chi.URLParam(r, "groupID"))
	if err != nil {
		return err
	}
	return writePage(w, r, list, func(is *issuer.Issuer) string { return is.ID }, IssuerOf)
}

func (h *Handler) handleCreateIssuer(w http.ResponseWriter, r *http.Request) error {
	var in Issuer
	if err := decode(r, "issuer", &in); err != nil {
		return err
	}
	d := in.domain()
	d.GroupID = chi.URLParam(r, "groupID")
	got, err := h.Issuer.CreateIssuer(r.Context(), request.Actor(r), d)
	if err != nil {
		return err
	}
	created(w, "/api/v1/issuers/"+got.ID, IssuerOf(got))
	return nil
}

func (h *Handler) handleIssuer(w http.ResponseWriter, r *http.Request) error {
	is, err := h.Issuer.Issuer(r.Context(), request.Actor(r), chi.URLParam(r, "issuerID"))
	if err != nil {
		return err
	}
	render.JSON(w, http.StatusOK, IssuerOf(is))
	return nil
}

func (h *Handler) handleUpdateIssuer(w http.ResponseWriter, r *http.Request) error {
	var in Issuer
	if err := decode(r, "issuer", &in); err != nil {
		return err
	}
	d := in.domain()
	d.ID = chi.URLParam(r, "issuerID")
	got, err := h.Issuer.UpdateIssuer(r.Context(), request.Actor(r), d)
	if err != nil {
		return err
	}
	render.JSON(w, http.StatusOK, IssuerOf(got))
	return nil
}

func (h *Handler) handleArchiveIssuer(w http.ResponseWriter, r *http.Request) error {
	v, err := decodeVersion(r)
	if err != nil {
		return err
	}
	got, err := h.Issuer.ArchiveIssuer(r.Context(), request.Actor(r), chi.URLParam(r, "issuerID"), v)
	if err != nil {
		return err
	}
	render.JSON(w, http.StatusOK, IssuerOf(got))
	return nil
}
