package web

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged/issuer"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

func (s *Server) registerBadgeClassRoutes(r chi.Router) {
	r.Get("/badgeclasses/{badgeClassID}", s.handleBadgeClass)
	r.Put("/badgeclasses/{badgeClassID}", s.handleUpdateBadgeClass)
	r.Post("/badgeclasses/{badgeClassID}/publish", s.handleBadgeClassState(s.Issuer.PublishBadgeClass))
	r.Post("/badgeclasses/{badgeClassID}/archive", s.handleBadgeClassState(s.Issuer.ArchiveBadgeClass))
	r.Get("/badgeclasses/{badgeClassID}/staff", s.handleStaff(issuer.LevelBadgeClass, "badgeClassID"))
}

// handleBadgeClasses lists the badge classes of an issuer.
func (s *Server) handleBadgeClasses(w http.ResponseWriter, r *http.Request) {
	list, err := s.Issuer.BadgeClasses(r.Context(), request.Actor(r), chi.URLParam(r, "issuerID"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writePage(s, w, r, list, func(bc *issuer.BadgeClass) string { return bc.ID }, badgeClassView)
}

func (s *Server) handleCreateBadgeClass(w http.ResponseWriter, r *http.Request) {
	var in badgeClassJSON
	if err := decode(r, "badge class", &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	d := in.domain()
	d.IssuerID = chi.URLParam(r, "issuerID")
	got, err := s.Issuer.CreateBadgeClass(r.Context(), request.Actor(r), d)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	created(w, "/api/v1/badgeclasses/"+got.ID, badgeClassView(got))
}

func (s *Server) handleBadgeClass(w http.ResponseWriter, r *http.Request) {
	bc, err := s.Issuer.BadgeClass(r.Context(), request.Actor(r), chi.URLParam(r, "badgeClassID"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	render.JSON(w, http.StatusOK, badgeClassView(bc))
}

func (s *Server) handleUpdateBadgeClass(w http.ResponseWriter, r *http.Request) {
	var in badgeClassJSON
	if err := decode(r, "badge class", &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	d := in.domain()
	d.ID = chi.URLParam(r, "badgeClassID")
	got, err := s.Issuer.UpdateBadgeClass(r.Context(), request.Actor(r), d)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	render.JSON(w, http.StatusOK, badgeClassView(got))
}

type stateChange func(ctx context.Context, a issuer.Actor, id string, version int64) (*issuer.BadgeClass, error)

// handleBadgeClassState publishes or archives a badge class at the version
// the body gives.
func (s *Server) handleBadgeClassState(change stateChange) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := decodeVersion(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		got, err := change(r.Context(), request.Actor(r), chi.URLParam(r, "badgeClassID"), v)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		render.JSON(w, http.StatusOK, badgeClassView(got))
	}
}
