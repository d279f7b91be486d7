package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

func (s *Server) registerInstitutionRoutes(r chi.Router) {
	r.Get("/institutions", s.handleInstitutions)
	r.Post("/institutions", s.handleCreateInstitution)
	r.Get("/institutions/{institutionID}", s.handleInstitution)
	r.Put("/institutions/{institutionID}", s.handleUpdateInstitution)
	r.Get("/institutions/{institutionID}/groups", s.handleGroups)
	r.Post("/institutions/{institutionID}/groups", s.handleCreateGroup)
	r.Get("/institutions/{institutionID}/staff", s.handleStaff(issuer.LevelInstitution, "institutionID"))
}

// handleInstitutions lists the institutions the caller may read: all of
// them for a platform administrator, else those of the caller's
// memberships that grant reading the institution itself.
func (s *Server) handleInstitutions(w http.ResponseWriter, r *http.Request) {
	a := request.Actor(r)
	var list []*issuer.Institution
	if a.Superuser {
		all, err := s.Institutions.Institutions(r.Context())
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		list = all
	} else {
		ms, err := s.Issuer.Memberships(r.Context(), a)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		seen := map[string]bool{}
		for _, m := range ms {
			if seen[m.InstitutionID] {
				continue
			}
			seen[m.InstitutionID] = true
			in, err := s.Issuer.Institution(r.Context(), a, m.InstitutionID)
			switch badged.KindOf(err) {
			case badged.Forbidden, badged.NotFound:
				continue
			}
			if err != nil {
				s.writeError(w, r, err)
				return
			}
			list = append(list, in)
		}
	}
	writePage(s, w, r, list, func(in *issuer.Institution) string { return in.ID }, institutionView)
}

func (s *Server) handleCreateInstitution(w http.ResponseWriter, r *http.Request) {
	var in institutionJSON
	if err := decode(r, "institution", &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	got, err := s.Issuer.CreateInstitution(r.Context(), request.Actor(r), in.domain())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	created(w, "/api/v1/institutions/"+got.ID, institutionView(got))
}

func (s *Server) handleInstitution(w http.ResponseWriter, r *http.Request) {
	in, err := s.Issuer.Institution(r.Context(), request.Actor(r), chi.URLParam(r, "institutionID"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	render.JSON(w, http.StatusOK, institutionView(in))
}

func (s *Server) handleUpdateInstitution(w http.ResponseWriter, r *http.Request) {
	var in institutionJSON
	if err := decode(r, "institution", &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	d := in.domain()
	d.ID = chi.URLParam(r, "institutionID")
	got, err := s.Issuer.UpdateInstitution(r.Context(), request.Actor(r), d)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	render.JSON(w, http.StatusOK, institutionView(got))
}
