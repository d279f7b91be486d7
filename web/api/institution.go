package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

func (h *Handler) registerInstitutionRoutes(r chi.Router) {
	r.Get("/institutions", h.handle(h.handleInstitutions))
	r.Post("/institutions", h.handle(h.handleCreateInstitution))
	r.Get("/institutions/{institutionID}", h.handle(h.handleInstitution))
	r.Put("/institutions/{institutionID}", h.handle(h.handleUpdateInstitution))
	r.Get("/institutions/{institutionID}/groups", h.handle(h.handleGroups))
	r.Post("/institutions/{institutionID}/groups", h.handle(h.handleCreateGroup))
	r.Get("/institutions/{institutionID}/staff", h.handle(h.handleStaff(issuer.LevelInstitution, "institutionID")))
}

// handleInstitutions lists the institutions the caller may read: all of
// them for a platform administrator, else those of the caller's
// memberships that grant reading the institution itself.
func (h *Handler) handleInstitutions(w http.ResponseWriter, r *http.Request) error {
	a := request.Actor(r)
	var list []*issuer.Institution
	if a.Superuser {
		all, err := h.Institutions.Institutions(r.Context())
		if err != nil {
			return err
		}
		list = all
	} else {
		ms, err := h.Issuer.Memberships(r.Context(), a)
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, m := range ms {
			if seen[m.InstitutionID] {
				continue
			}
			seen[m.InstitutionID] = true
			in, err := h.Issuer.Institution(r.Context(), a, m.InstitutionID)
			switch badged.KindOf(err) {
			case badged.Forbidden, badged.NotFound:
				continue
			}
			if err != nil {
				return err
			}
			list = append(list, in)
		}
	}
	return writePage(w, r, list, func(in *issuer.Institution) string { return in.ID }, InstitutionOf)
}

func (h *Handler) handleCreateInstitution(w http.ResponseWriter, r *http.Request) error {
	var in Institution
	if err := decode(r, "institution", &in); err != nil {
		return err
	}
	got, err := h.Issuer.CreateInstitution(r.Context(), request.Actor(r), in.domain())
	if err != nil {
		return err
	}
	created(w, "/api/v1/institutions/"+got.ID, InstitutionOf(got))
	return nil
}

func (h *Handler) handleInstitution(w http.ResponseWriter, r *http.Request) error {
	in, err := h.Issuer.Institution(r.Context(), request.Actor(r), chi.URLParam(r, "institutionID"))
	if err != nil {
		return err
	}
	render.JSON(w, http.StatusOK, InstitutionOf(in))
	return nil
}

func (h *Handler) handleUpdateInstitution(w http.ResponseWriter, r *http.Request) error {
	var in Institution
	if err := decode(r, "institution", &in); err != nil {
		return err
	}
	d := in.domain()
	d.ID = chi.URLParam(r, "institutionID")
	got, err := h.Issuer.UpdateInstitution(r.Context(), request.Actor(r), d)
	if err != nil {
		return err
	}
	render.JSON(w, http.StatusOK, InstitutionOf(got))
	return nil
}
