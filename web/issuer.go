package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged/issuer"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

func (s *Server) registerIssuerRoutes(r chi.Router) {
	r.Get("/issuers/{issuerID}", s.handleIssuer)
	r.Put("/issuers/{issuerID}", s.handleUpdateIssuer)
	r.Post("/issuers/{issuerID}/archive", s.handleArchiveIssuer)
	r.Get("/issuers/{issuerID}/badgeclasses", s.handleBadgeClasses)
	r.Post("/issuers/{issuerID}/badgeclasses", s.handleCreateBadgeClass)
	r.Get("/issuers/{issuerID}/staff", s.handleStaff(issuer.LevelIssuer, "issuerID"))
	// The status of credentials issued through the VC-API (vcapi_status.go).
	r.Post("/issuers/{issuerID}/credentials/status", s.handleIssuerCredentialStatus)
}

// handleIssuers lists the issuers of a group.
func (s *Server) handleIssuers(w http.ResponseWriter, r *http.Request) {
	list, err := s.Issuer.Issuers(r.Context(), request.Actor(r), chi.URLParam(r, "groupID"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writePage(s, w, r, list, func(is *issuer.Issuer) string { return is.ID }, issuerView)
}

func (s *Server) handleCreateIssuer(w http.ResponseWriter, r *http.Request) {
	var in issuerJSON
	if err := decode(r, "issuer", &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	d := in.domain()
	d.GroupID = chi.URLParam(r, "groupID")
	got, err := s.Issuer.CreateIssuer(r.Context(), request.Actor(r), d)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	created(w, "/api/v1/issuers/"+got.ID, issuerView(got))
}

func (s *Server) handleIssuer(w http.ResponseWriter, r *http.Request) {
	is, err := s.Issuer.Issuer(r.Context(), request.Actor(r), chi.URLParam(r, "issuerID"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	render.JSON(w, http.StatusOK, issuerView(is))
}

func (s *Server) handleUpdateIssuer(w http.ResponseWriter, r *http.Request) {
	var in issuerJSON
	if err := decode(r, "issuer", &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	d := in.domain()
	d.ID = chi.URLParam(r, "issuerID")
	got, err := s.Issuer.UpdateIssuer(r.Context(), request.Actor(r), d)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	render.JSON(w, http.StatusOK, issuerView(got))
}

func (s *Server) handleArchiveIssuer(w http.ResponseWriter, r *http.Request) {
	v, err := decodeVersion(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	got, err := s.Issuer.ArchiveIssuer(r.Context(), request.Actor(r), chi.URLParam(r, "issuerID"), v)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	render.JSON(w, http.StatusOK, issuerView(got))
}
