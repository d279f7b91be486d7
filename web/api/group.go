package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged/issuer"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

func (h *Handler) registerGroupRoutes(r chi.Router) {
	r.Get("/groups/{groupID}", h.handleGroup)
	r.Put("/groups/{groupID}", h.handleUpdateGroup)
	r.Post("/groups/{groupID}/archive", h.handleArchiveGroup)
	r.Get("/groups/{groupID}/issuers", h.handleIssuers)
	r.Post("/groups/{groupID}/issuers", h.handleCreateIssuer)
	r.Get("/groups/{groupID}/staff", h.handleStaff(issuer.LevelGroup, "groupID"))
}

// handleGroups lists the groups of an institution.
func (h *Handler) handleGroups(w http.ResponseWriter, r *http.Request) {
	list, err := h.Issuer.Groups(r.Context(), request.Actor(r), chi.URLParam(r, "institutionID"))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	writePage(h, w, r, list, func(g *issuer.Group) string { return g.ID }, GroupOf)
}

func (h *Handler) handleCreateGroup(w http.ResponseWriter, r *http.Request) {
	var in Group
	if err := decode(r, "issuer group", &in); err != nil {
		h.writeError(w, r, err)
		return
	}
	d := in.domain()
	d.InstitutionID = chi.URLParam(r, "institutionID")
	got, err := h.Issuer.CreateGroup(r.Context(), request.Actor(r), d)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	created(w, "/api/v1/groups/"+got.ID, GroupOf(got))
}

func (h *Handler) handleGroup(w http.ResponseWriter, r *http.Request) {
	g, err := h.Issuer.Group(r.Context(), request.Actor(r), chi.URLParam(r, "groupID"))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	render.JSON(w, http.StatusOK, GroupOf(g))
}

func (h *Handler) handleUpdateGroup(w http.ResponseWriter, r *http.Request) {
	var in Group
	if err := decode(r, "issuer group", &in); err != nil {
		h.writeError(w, r, err)
		return
	}
	d := in.domain()
	d.ID = chi.URLParam(r, "groupID")
	got, err := h.Issuer.UpdateGroup(r.Context(), request.Actor(r), d)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	render.JSON(w, http.StatusOK, GroupOf(got))
}

func (h *Handler) handleArchiveGroup(w http.ResponseWriter, r *http.Request) {
	v, err := decodeVersion(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	got, err := h.Issuer.ArchiveGroup(r.Context(), request.Actor(r), chi.URLParam(r, "groupID"), v)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	render.JSON(w, http.StatusOK, GroupOf(got))
}
