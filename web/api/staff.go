package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

func (h *Handler) registerStaffRoutes(r chi.Router) {
	r.Post("/staff", h.handle(h.handleInviteStaff))
	r.Patch("/staff/{membershipID}", h.handle(h.handleChangeRole))
	r.Delete("/staff/{membershipID}", h.handle(h.handleRevokeRole))
}

// handleStaff lists the memberships at a node of the given level, whose ID
// is the URL parameter param.
func (h *Handler) handleStaff(l issuer.Level, param string) render.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		list, err := h.Issuer.Staff(r.Context(), request.Actor(r), l, chi.URLParam(r, param))
		if err != nil {
			return err
		}
		return writePage(w, r, list, func(m *issuer.Membership) string { return m.ID }, membershipView)
	}
}

type inviteJSON struct {
	Email  string `json:"email"`
	Role   string `json:"role"`
	NodeID string `json:"nodeId"` // the institution, group, issuer or badge class, by the role's level
}

// handleInviteStaff invites someone by email to a role.
func (h *Handler) handleInviteStaff(w http.ResponseWriter, r *http.Request) error {
	var in inviteJSON
	if err := decode(r, "invitation", &in); err != nil {
		return err
	}
	m, err := h.Issuer.InviteStaff(r.Context(), request.Actor(r), in.Email, issuer.Role(in.Role), in.NodeID)
	if err != nil {
		return err
	}
	created(w, "/api/v1/staff/"+m.ID, membershipView(m))
	return nil
}

type changeRoleJSON struct {
	Role    string `json:"role"`
	Version *int64 `json:"version"`
}

func (h *Handler) handleChangeRole(w http.ResponseWriter, r *http.Request) error {
	var in changeRoleJSON
	if err := decode(r, "role change", &in); err != nil {
		return err
	}
	if in.Version == nil {
		return badged.InvalidFields("role change", badged.FieldError{Field: "version", Message: "required: the version you last read"})
	}
	m, err := h.Issuer.ChangeRole(r.Context(), request.Actor(r), chi.URLParam(r, "membershipID"), *in.Version, issuer.Role(in.Role))
	if err != nil {
		return err
	}
	render.JSON(w, http.StatusOK, membershipView(m))
	return nil
}

// handleRevokeRole removes a membership or withdraws an invitation at
// ?version=.
func (h *Handler) handleRevokeRole(w http.ResponseWriter, r *http.Request) error {
	v, err := queryVersion(r)
	if err != nil {
		return err
	}
	if err := h.Issuer.RevokeRole(r.Context(), request.Actor(r), chi.URLParam(r, "membershipID"), v); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
