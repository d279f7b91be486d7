package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged/issuer"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

func (h *Handler) registerIssuerRoutes(r chi.Router) {
	r.Get("/issuers/{issuerID}", h.handleIssuer)
	r.Put("/issuers/{issuerID}", h.handleUpdateIssuer)
	r.Post("/issuers/{issuerID}/archive", h.handleArchiveIssuer)
	r.Get("/issuers/{issuerID}/badgeclasses", h.handleBadgeClasses)
	r.Post("/issuers/{issuerID}/badgeclasses", h.handleCreateBadgeClass)
	r.Get("/issuers/{issuerID}/staff", h.handleStaff(issuer.LevelIssuer, "issuerID"))
	// The status of credentials issued through the VC-API (vcapi_status.go).
	r.Post("/issuers/{issuerID}/credentials/status", h.IssuerCredentialStatus)
}

// handleIssuers lists the issuers of a group.
func (h *Handler) handleIssuers(w http.ResponseWriter, r *http.Request) {
	list, err := h.Issuer.Issuers(r.Context(), request.Actor(r), chi.URLParam(r, "groupID"))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	writePage(h, w, r, list, func(is *issuer.Issuer) string { return is.ID }, IssuerOf)
}

func (h *Handler) handleCreateIssuer(w http.ResponseWriter, r *http.Request) {
	var in Issuer
	if err := decode(r, "issuer", &in); err != nil {
		h.writeError(w, r, err)
		return
	}
	d := in.domain()
	d.GroupID = chi.URLParam(r, "groupID")
	got, err := h.Issuer.CreateIssuer(r.Context(), request.Actor(r), d)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	created(w, "/api/v1/issuers/"+got.ID, IssuerOf(got))
}

func (h *Handler) handleIssuer(w http.ResponseWriter, r *http.Request) {
	is, err := h.Issuer.Issuer(r.Context(), request.Actor(r), chi.URLParam(r, "issuerID"))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	render.JSON(w, http.StatusOK, IssuerOf(is))
}

func (h *Handler) handleUpdateIssuer(w http.ResponseWriter, r *http.Request) {
	var in Issuer
	if err := decode(r, "issuer", &in); err != nil {
		h.writeError(w, r, err)
		return
	}
	d := in.domain()
	d.ID = chi.URLParam(r, "issuerID")
	got, err := h.Issuer.UpdateIssuer(r.Context(), request.Actor(r), d)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	render.JSON(w, http.StatusOK, IssuerOf(got))
}

func (h *Handler) handleArchiveIssuer(w http.ResponseWriter, r *http.Request) {
	v, err := decodeVersion(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	got, err := h.Issuer.ArchiveIssuer(r.Context(), request.Actor(r), chi.URLParam(r, "issuerID"), v)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	render.JSON(w, http.StatusOK, IssuerOf(got))
}
