package api

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/endorsement"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

// Endorsement is the JSON form of an endorsement, with its signed
// EndorsementCredential.
type Endorsement struct {
	ID                    string          `json:"id"`
	IssuerID              string          `json:"issuerId"`
	InstitutionID         string          `json:"institutionId"`
	Target                string          `json:"target"`
	BadgeClassID          string          `json:"badgeClassId"`
	CredentialID          string          `json:"credentialId,omitempty"`
	EndorsedInstitutionID string          `json:"endorsedInstitutionId"`
	Comment               string          `json:"comment"`
	State                 string          `json:"state"`
	RevokeReason          string          `json:"revokeReason,omitempty"`
	Credential            json.RawMessage `json:"credential"`
	Version               int64           `json:"version"`
	Created               time.Time       `json:"created"`
	Updated               time.Time       `json:"updated"`
}

// EndorsementOf returns the JSON form of e.
func EndorsementOf(e *endorsement.Endorsement) Endorsement {
	return Endorsement{
		ID: e.ID, IssuerID: e.IssuerID, InstitutionID: e.InstitutionID, Target: string(e.Target),
		BadgeClassID: e.BadgeClassID, CredentialID: e.CredentialID, EndorsedInstitutionID: e.EndorsedInstitutionID,
		Comment: e.Comment, State: string(e.State), RevokeReason: e.RevokeReason, Credential: e.Credential,
		Version: e.Version, Created: ts(e.Created), Updated: ts(e.Updated),
	}
}

// endorsementRequest is the body of POST /api/v1/endorsements.
type endorsementRequest struct {
	IssuerID     string `json:"issuerId"`
	BadgeClassID string `json:"badgeClassId"`
	CredentialID string `json:"credentialId"`
	Comment      string `json:"comment"`
}

func (h *Handler) registerEndorsementRoutes(r chi.Router) {
	r.Post("/endorsements", h.endorsements(h.handleCreateEndorsement))
	r.Get("/endorsements/{endorsementID}", h.endorsements(h.handleEndorsement))
	r.Post("/endorsements/{endorsementID}/accept", h.endorsements(h.handleDecideEndorsement((*endorsement.Service).Accept)))
	r.Post("/endorsements/{endorsementID}/decline", h.endorsements(h.handleDecideEndorsement((*endorsement.Service).Decline)))
	r.Post("/endorsements/{endorsementID}/revoke", h.endorsements(h.handleRevokeEndorsement))
	r.Get("/issuers/{issuerID}/endorsements", h.endorsements(h.handleEndorsementList(func(r *http.Request) endorsement.Filter {
		return endorsement.Filter{IssuerID: chi.URLParam(r, "issuerID")}
	})))
	r.Get("/badgeclasses/{badgeClassID}/endorsements", h.endorsements(h.handleEndorsementList(func(r *http.Request) endorsement.Filter {
		return endorsement.Filter{BadgeClassID: chi.URLParam(r, "badgeClassID")}
	})))
}

// endorsements is handle for the endorsement routes, which answer 503
// without the endorsement service.
func (h *Handler) endorsements(f render.HandlerFunc) http.HandlerFunc {
	return h.handle(func(w http.ResponseWriter, r *http.Request) error {
		if h.Endorsements == nil {
			return badged.Errorf(badged.Unavailable, "endorsements are not configured")
		}
		return f(w, r)
	})
}

func (h *Handler) handleCreateEndorsement(w http.ResponseWriter, r *http.Request) error {
	var in endorsementRequest
	if err := decode(r, "endorsement", &in); err != nil {
		return err
	}
	e, err := h.Endorsements.Create(r.Context(), request.Actor(r), endorsement.Request(in))
	if err != nil {
		return err
	}
	created(w, "/api/v1/endorsements/"+e.ID, EndorsementOf(e))
	return nil
}

func (h *Handler) handleEndorsement(w http.ResponseWriter, r *http.Request) error {
	e, err := h.Endorsements.Endorsement(r.Context(), request.Actor(r), chi.URLParam(r, "endorsementID"))
	if err != nil {
		return err
	}
	render.JSON(w, http.StatusOK, EndorsementOf(e))
	return nil
}

func (h *Handler) handleEndorsementList(filter func(*http.Request) endorsement.Filter) render.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		list, err := h.Endorsements.Endorsements(r.Context(), request.Actor(r), filter(r))
		if err != nil {
			return err
		}
		return writePage(w, r, list, func(e *endorsement.Endorsement) string { return e.ID }, EndorsementOf)
	}
}

// decision is [endorsement.Service.Accept] or Decline.
type decision func(s *endorsement.Service, ctx context.Context, a issuer.Actor, id string, version int64) (*endorsement.Endorsement, error)

// handleDecideEndorsement accepts or declines an endorsement at the
// version the body gives.
func (h *Handler) handleDecideEndorsement(decide decision) render.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		v, err := decodeVersion(r)
		if err != nil {
			return err
		}
		e, err := decide(h.Endorsements, r.Context(), request.Actor(r), chi.URLParam(r, "endorsementID"), v)
		if err != nil {
			return err
		}
		render.JSON(w, http.StatusOK, EndorsementOf(e))
		return nil
	}
}

// revokeEndorsementBody is the body of POST .../revoke.
type revokeEndorsementBody struct {
	Version *int64 `json:"version"`
	Reason  string `json:"reason"`
}

func (h *Handler) handleRevokeEndorsement(w http.ResponseWriter, r *http.Request) error {
	var b revokeEndorsementBody
	if err := decode(r, "revocation", &b); err != nil {
		return err
	}
	if b.Version == nil {
		return badged.InvalidFields("revocation", badged.FieldError{Field: "version", Message: "required: the version you last read"})
	}
	e, err := h.Endorsements.Revoke(r.Context(), request.Actor(r), chi.URLParam(r, "endorsementID"), *b.Version, b.Reason)
	if err != nil {
		return err
	}
	render.JSON(w, http.StatusOK, EndorsementOf(e))
	return nil
}
