package vcapi

import (
	"encoding/json"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/audit"
	"github.com/badged/badged/issuance"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/statuslist"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

// updateStatusRequest is the body of POST /credentials/status, the
// VC-API's updateStatus.
type updateStatusRequest struct {
	CredentialID     string `json:"credentialId"`
	CredentialStatus []struct {
		Type   string `json:"type"`
		Status string `json:"status"`
	} `json:"credentialStatus"`
}

// Statuses of updateStatus that badged sets.
const (
	statusRevoked     = "revoked"
	statusSuspended   = "suspended"
	statusUnsuspended = "unsuspended"
)

// handleUpdateStatus changes the status of a credential issued through the
// VC-API, for a system of the issuer's institution (200): revoked, for
// good; suspended or unsuspended, for one issued with a suspension entry
// (409 for another). A credential issued for an award is revoked through
// its award (409).
func (h *Handler) handleUpdateStatus(w http.ResponseWriter, r *http.Request) error {
	p := request.Principal(r)
	if p == nil || !p.System() {
		return badged.Errorf(badged.Forbidden, "only an institution's system (an API client) changes a credential's status through the VC-API")
	}
	return h.updateStatus(w, r, func(c *issuance.Credential) (string, error) {
		is, err := h.Issuer.Issuer(r.Context(), request.Actor(r), c.IssuerID)
		if err == nil && is.InstitutionID != p.Client.InstitutionID || badged.KindOf(err) == badged.Forbidden {
			// As for an id badged never issued: which credentials exist
			// is not for other institutions to learn.
			return "", badged.Errorf(badged.NotFound, "no credential %s of your institution", c.ID)
		}
		if err != nil {
			return "", err
		}
		return is.InstitutionID, nil
	})
}

// handleIssuerCredentialStatus is updateStatus in the issuer API, for the
// staff (and systems) who may award as the issuer: the credential must be
// the issuer's (404 otherwise).
func (h *Handler) HandleIssuerCredentialStatus(w http.ResponseWriter, r *http.Request) error {
	issuerID := chi.URLParam(r, "issuerID")
	if err := h.Issuer.MayAward(r.Context(), request.Actor(r), issuerID); err != nil {
		return err
	}
	return h.updateStatus(w, r, func(c *issuance.Credential) (string, error) {
		if c.IssuerID != issuerID {
			return "", badged.Errorf(badged.NotFound, "no credential %s of issuer %s", c.ID, issuerID)
		}
		is, err := h.Issuer.Issuer(r.Context(), request.Actor(r), issuerID)
		if err != nil {
			return "", err
		}
		return is.InstitutionID, nil
	})
}

// updateStatus reads an updateStatus request and applies it to the
// credential it names, once may allows the caller (and says the
// credential's institution, for the audit trail).
func (h *Handler) updateStatus(w http.ResponseWriter, r *http.Request, may func(c *issuance.Credential) (string, error)) error {
	var req updateStatusRequest
	if err := h.readIssuing(r, &req, "credentialId and credentialStatus"); err != nil {
		return err
	}
	var fields []badged.FieldError
	if req.CredentialID == "" {
		fields = append(fields, badged.FieldError{Field: "credentialId", Message: "required: the id of the credential"})
	}
	if len(req.CredentialStatus) != 1 {
		fields = append(fields, badged.FieldError{Field: "credentialStatus", Message: "required: one entry, {type, status}"})
	} else {
		st := req.CredentialStatus[0]
		if st.Type != statuslist.TypeBitstring {
			fields = append(fields, badged.FieldError{Field: "credentialStatus/0/type", Message: "must be " + statuslist.TypeBitstring})
		}
		switch st.Status {
		case statusRevoked, statusSuspended, statusUnsuspended:
		default:
			fields = append(fields, badged.FieldError{Field: "credentialStatus/0/status", Message: "must be revoked, suspended or unsuspended"})
		}
	}
	if len(fields) > 0 {
		return badged.InvalidFields("request", fields...)
	}
	c, err := h.Credentials.IssuedCredential(r.Context(), req.CredentialID)
	if err != nil {
		return err
	}
	institutionID, err := may(c)
	if err != nil {
		return err
	}
	status := req.CredentialStatus[0].Status
	switch status {
	case statusRevoked:
		err = h.Credentials.RevokeCredential(r.Context(), c.ID, "revoked through the API")
	default:
		err = h.Credentials.SuspendCredential(r.Context(), c.ID, status == statusSuspended)
	}
	if err != nil {
		return err
	}
	action := map[string]string{statusRevoked: audit.ActionCredentialRevoke, statusSuspended: audit.ActionCredentialSuspend,
		statusUnsuspended: audit.ActionCredentialUnsuspend}[status]
	if status != statusRevoked || c.Revoked.IsZero() {
		h.audit(r, institutionID, action, c.ID, map[string]string{"issuer": c.IssuerID})
	}
	render.JSON(w, http.StatusOK, map[string]any{"credentialId": c.ID, "credentialStatus": []any{
		map[string]any{"type": statuslist.TypeBitstring, "status": status}}})
	return nil
}

// audit records an action of the caller on a credential, logging (not
// failing the request) when the trail cannot be written.
func (h *Handler) audit(r *http.Request, institutionID, action, credentialID string, details map[string]string) {
	if h.Audit == nil {
		return
	}
	if _, err := h.Audit.Record(r.Context(), entry(r, institutionID, action, credentialID, details)); err != nil {
		h.Log.Error("audit: not recorded", "action", action, "credential", credentialID, "err", err)
	}
}

// effects is the audit entry of an action of the caller on a credential,
// prepared to be stored in the action's own transaction (none without an
// audit trail).
func (h *Handler) effects(r *http.Request, institutionID, action, credentialID string, details map[string]string) (issuer.Effects, error) {
	if h.Audit == nil {
		return issuer.Effects{}, nil
	}
	e, err := h.Audit.Prepare(entry(r, institutionID, action, credentialID, details))
	if err != nil {
		return issuer.Effects{}, err
	}
	return issuer.Effects{Audit: []*audit.Entry{e}}, nil
}

// entry is the audit entry of an action of the caller on a credential;
// empty details are left out.
func entry(r *http.Request, institutionID, action, credentialID string, details map[string]string) audit.Entry {
	for k, v := range details {
		if v == "" {
			delete(details, k)
		}
	}
	d, _ := json.Marshal(details)
	return audit.Entry{InstitutionID: institutionID, Actor: request.Actor(r).UserID, Action: action,
		Target: audit.Target{Kind: "credential", ID: credentialID}, Details: d}
}
