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
	r.Post("/staff", h.handleInviteStaff)
	r.Patch("/staff/{membershipID}", h.handleChangeRole)
	r.Delete("/staff/{membershipID}", h.handleRevokeRole)
}

// handleStaff lists the memberships at a node of the given level, whose ID
// is the URL parameter param.
func (h *Handler) handleStaff(l issuer.Level, param string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		list, err := h.Issuer.Staff(r.Context(), request.Actor(r), l, chi.URLParam(r, param))
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		writePage(h, w, r, list, func(m *issuer.Membership) string { return m.ID }, membershipView)
	}
}

type inviteJSON struct {
	Email  string `json:"email"`
	Role   string `json:"role"`
	NodeID string `json:"nodeId"` // the institution, group, issuer or badge class, by the role's level
}

// handleInviteStaff invites someone by email to a role.
func (h *Handler) handleInviteStaff(w http.ResponseWriter, r *http.Request) {
	var in inviteJSON
	if err := decode(r, "invitation", &in); err != nil {
		h.writeError(w, r, err)
		return
	}
	m, err := h.Issuer.InviteStaff(r.Context(), request.Actor(r), in.Email, issuer.Role(in.Role), in.NodeID)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	created(w, "/api/v1/staff/"+m.ID, membershipView(m))
}

type changeRoleJSON struct {
	Role    string `json:"role"`
	Version *int64 `json:"version"`
}

func (h *Handler) handleChangeRole(w http.ResponseWriter, r *http.Request) {
	var in changeRoleJSON
	if err := decode(r, "role change", &in); err != nil {
		h.writeError(w, r, err)
		return
	}
	if in.Version == nil {
		h.writeError(w, r, badged.InvalidFields("role change", badged.FieldError{Field: "version", Message: "required: the version you last read"}))
		return
	}
	m, err := h.Issuer.ChangeRole(r.Context(), request.Actor(r), chi.URLParam(r, "membershipID"), *in.Version, issuer.Role(in.Role))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	render.JSON(w, http.StatusOK, membershipView(m))
}

// handleRevokeRole removes a membership or withdraws an invitation at
// ?version=.
func (h *Handler) handleRevokeRole(w http.ResponseWriter, r *http.Request) {
	v, err := queryVersion(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if err := h.Issuer.RevokeRole(r.Context(), request.Actor(r), chi.URLParam(r, "membershipID"), v); err != nil {
		h.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
