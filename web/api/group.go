package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged/issuer"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

func (h *Handler) registerGroupRoutes(r chi.Router) {
	r.Get("/groups/{groupID}", h.handle(h.handleGroup))
	r.Put("/groups/{groupID}", h.handle(h.handleUpdateGroup))
	r.Post("/groups/{groupID}/archive", h.handle(h.handleArchiveGroup))
	r.Get("/groups/{groupID}/issuers", h.handle(h.handleIssuers))
	r.Post("/groups/{groupID}/issuers", h.handle(h.handleCreateIssuer))
	r.Get("/groups/{groupID}/staff", h.handle(h.handleStaff(issuer.LevelGroup, "groupID")))
}

// handleGroups lists the groups of an institution.
func (h *Handler) handleGroups(w http.ResponseWriter, r *http.Request) error {
	list, err := h.Issuer.Groups(r.Context(), request.Actor(r), chi.URLParam(r, "institutionID"))
	if err != nil {
		return err
	}
	return writePage(w, r, list, func(g *issuer.Group) string { return g.ID }, GroupOf)
}

func (h *Handler) handleCreateGroup(w http.ResponseWriter, r *http.Request) error {
	var in Group
	if err := decode(r, "issuer group", &in); err != nil {
		return err
	}
	d := in.domain()
	d.InstitutionID = chi.URLParam(r, "institutionID")
	got, err := h.Issuer.CreateGroup(r.Context(), request.Actor(r), d)
	if err != nil {
		return err
	}
	created(w, "/api/v1/groups/"+got.ID, GroupOf(got))
	return nil
}

func (h *Handler) handleGroup(w http.ResponseWriter, r *http.Request) error {
	g, err := h.Issuer.Group(r.Context(), request.Actor(r), chi.URLParam(r, "groupID"))
	if err != nil {
		return err
	}
	render.JSON(w, http.StatusOK, GroupOf(g))
	return nil
}

func (h *Handler) handleUpdateGroup(w http.ResponseWriter, r *http.Request) error {
	var in Group
	if err := decode(r, "issuer group", &in); err != nil {
		return err
	}
	d := in.domain()
	d.ID = chi.URLParam(r, "groupID")
	got, err := h.Issuer.UpdateGroup(r.Context(), request.Actor(r), d)
	if err != nil {
		return err
	}
	render.JSON(w, http.StatusOK, GroupOf(got))
	return nil
}

func (h *Handler) handleArchiveGroup(w http.ResponseWriter, r *http.Request) error {
	v, err := decodeVersion(r)
	if err != nil {
		return err
	}
	got, err := h.Issuer.ArchiveGroup(r.Context(), request.Actor(r), chi.URLParam(r, "groupID"), v)
	if err != nil {
		return err
	}
	render.JSON(w, http.StatusOK, GroupOf(got))
	return nil
}
