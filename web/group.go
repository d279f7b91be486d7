package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged/issuer"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

func (s *Server) registerGroupRoutes(r chi.Router) {
	r.Get("/groups/{groupID}", s.handleGroup)
	r.Put("/groups/{groupID}", s.handleUpdateGroup)
	r.Post("/groups/{groupID}/archive", s.handleArchiveGroup)
	r.Get("/groups/{groupID}/issuers", s.handleIssuers)
	r.Post("/groups/{groupID}/issuers", s.handleCreateIssuer)
	r.Get("/groups/{groupID}/staff", s.handleStaff(issuer.LevelGroup, "groupID"))
}

// handleGroups lists the groups of an institution.
func (s *Server) handleGroups(w http.ResponseWriter, r *http.Request) {
	list, err := s.Issuer.Groups(r.Context(), request.Actor(r), chi.URLParam(r, "institutionID"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writePage(s, w, r, list, func(g *issuer.Group) string { return g.ID }, groupView)
}

func (s *Server) handleCreateGroup(w http.ResponseWriter, r *http.Request) {
	var in groupJSON
	if err := decode(r, "issuer group", &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	d := in.domain()
	d.InstitutionID = chi.URLParam(r, "institutionID")
	got, err := s.Issuer.CreateGroup(r.Context(), request.Actor(r), d)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	created(w, "/api/v1/groups/"+got.ID, groupView(got))
}

func (s *Server) handleGroup(w http.ResponseWriter, r *http.Request) {
	g, err := s.Issuer.Group(r.Context(), request.Actor(r), chi.URLParam(r, "groupID"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	render.JSON(w, http.StatusOK, groupView(g))
}

func (s *Server) handleUpdateGroup(w http.ResponseWriter, r *http.Request) {
	var in groupJSON
	if err := decode(r, "issuer group", &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	d := in.domain()
	d.ID = chi.URLParam(r, "groupID")
	got, err := s.Issuer.UpdateGroup(r.Context(), request.Actor(r), d)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	render.JSON(w, http.StatusOK, groupView(got))
}

func (s *Server) handleArchiveGroup(w http.ResponseWriter, r *http.Request) {
	v, err := decodeVersion(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	got, err := s.Issuer.ArchiveGroup(r.Context(), request.Actor(r), chi.URLParam(r, "groupID"), v)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	render.JSON(w, http.StatusOK, groupView(got))
}
