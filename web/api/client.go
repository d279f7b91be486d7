package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged/auth"
	"github.com/badged/badged/web/request"
)

func (h *Handler) registerClientRoutes(r chi.Router) {
	r.Get("/institutions/{institutionID}/clients", h.handle(h.handleClients))
	r.Post("/institutions/{institutionID}/clients", h.handle(h.handleCreateClient))
	r.Delete("/institutions/{institutionID}/clients/{clientID}", h.handle(h.handleRevokeClient))
}

func (h *Handler) handleClients(w http.ResponseWriter, r *http.Request) error {
	list, err := h.Auth.Clients(r.Context(), request.Actor(r), chi.URLParam(r, "institutionID"))
	if err != nil {
		return err
	}
	return writePage(w, r, list, func(c *auth.Client) string { return c.ID }, clientView)
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
	*Client
	Secret string `json:"clientSecret"`
}

func (h *Handler) handleCreateClient(w http.ResponseWriter, r *http.Request) error {
	var in newClientJSON
	if err := decode(r, "API client", &in); err != nil {
		return err
	}
	institutionID := chi.URLParam(r, "institutionID")
	c, secret, err := h.Auth.CreateScopedClient(r.Context(), request.Actor(r), institutionID, in.Name,
		auth.Scope{Issuers: in.Issuers, BadgeClasses: in.BadgeClasses, FreeForm: in.FreeForm})
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	created(w, "/api/v1/institutions/"+institutionID+"/clients/"+c.ID, createdClientJSON{clientView(c), secret})
	return nil
}

func (h *Handler) handleRevokeClient(w http.ResponseWriter, r *http.Request) error {
	err := h.Auth.RevokeClient(r.Context(), request.Actor(r), chi.URLParam(r, "institutionID"), chi.URLParam(r, "clientID"))
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
