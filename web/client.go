package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged/auth"
	"github.com/badged/badged/web/request"
)

func (s *Server) registerClientRoutes(r chi.Router) {
	r.Get("/institutions/{institutionID}/clients", s.handleClients)
	r.Post("/institutions/{institutionID}/clients", s.handleCreateClient)
	r.Delete("/institutions/{institutionID}/clients/{clientID}", s.handleRevokeClient)
}

func (s *Server) handleClients(w http.ResponseWriter, r *http.Request) {
	list, err := s.Auth.Clients(r.Context(), request.Actor(r), chi.URLParam(r, "institutionID"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writePage(s, w, r, list, func(c *auth.Client) string { return c.ID }, clientView)
}

type newClientJSON struct {
	Name string `json:"name"`
	// The scope for the VC-API (see auth.Scope): issuers and badge
	// classes (ids; none: all of the institution's), and whether it may
	// issue credentials that fit no badge class.
	Issuers      []string `json:"issuers"`
	BadgeClasses []string `json:"badgeClasses"`
	FreeForm     bool     `json:"freeForm"`
}

// createdClientJSON is a new client with its secret, sent this once.
type createdClientJSON struct {
	*clientJSON
	Secret string `json:"clientSecret"`
}

func (s *Server) handleCreateClient(w http.ResponseWriter, r *http.Request) {
	var in newClientJSON
	if err := decode(r, "API client", &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	institutionID := chi.URLParam(r, "institutionID")
	c, secret, err := s.Auth.CreateScopedClient(r.Context(), request.Actor(r), institutionID, in.Name,
		auth.Scope{Issuers: in.Issuers, BadgeClasses: in.BadgeClasses, FreeForm: in.FreeForm})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	created(w, "/api/v1/institutions/"+institutionID+"/clients/"+c.ID, createdClientJSON{clientView(c), secret})
}

func (s *Server) handleRevokeClient(w http.ResponseWriter, r *http.Request) {
	err := s.Auth.RevokeClient(r.Context(), request.Actor(r), chi.URLParam(r, "institutionID"), chi.URLParam(r, "clientID"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
