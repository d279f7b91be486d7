package portal

import (
	"cmp"
	"github.com/badged/badged/endorsement"
	"net/http"
	"net/url"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/audit"
	"github.com/badged/badged/web/page"
)

// The audit trail (audit.go): every change to an institution, newest
// first, for its admins, filtered by who, what, which object and when,
// a page at a time.

var auditPages = page.Templates(templates, "audit")

func (h *Handler) auditRoutes(r chi.Router) {
	r.Get("/audit", h.Handle(h.handleAudit))
}

// auditActions are the actions the filter suggests, in the order shown.
var auditActions = []string{
	audit.ActionAwardCreate, audit.ActionAwardApprove, audit.ActionAwardDeny, audit.ActionAwardClaim,
	audit.ActionAwardReject, audit.ActionAwardRevoke, audit.ActionAwardExpire,
	"badgeclass.create", "badgeclass.update", "badgeclass.publish", "badgeclass.archive",
	"institution.update", "group.create", "group.update", "group.archive", "issuer.create", "issuer.update", "issuer.archive",
	audit.ActionStaffInvite, audit.ActionStaffGrant, "staff.change", audit.ActionStaffRevoke,
	audit.ActionClientCreate, audit.ActionClientRevoke, ActionKeyRotate, audit.ActionCredentialIssue, audit.ActionCredentialRevoke,
	"bulk.submit", endorsement.ChangeCreate, endorsement.ChangeAccept, endorsement.ChangeDecline, endorsement.ChangeRevoke,
}

// auditKinds are the kinds of object an entry can be about.
var auditKinds = []string{"award", "badgeclass", "issuer", "group", "institution", "membership", "client", "credential", "bulkjob", "endorsement"}

type auditEntry struct {
	Time, Actor, Action, Kind, ID, Link string
	Details                             string
	You                                 bool // the actor is the person reading
}

type auditPage struct {
	Base
	Institutions                           []option
	InstitutionID, Who, What, Kind, Object string // the filters: actor, action, object
	Since, Until                           string // days, YYYY-MM-DD
	Actions, Kinds                         []option
	Errors                                 map[string]string
	Entries                                []auditEntry
	Next                                   string // the next page's URL
}

func (h *Handler) handleAudit(w http.ResponseWriter, r *http.Request) error {
	p := &auditPage{Base: h.base(w, r, "audit"), Errors: map[string]string{}}
	p.Title = p.T["auditTitle"]
	ids, err := h.adminInstitutions(r.Context(), p.Actor)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return badged.Errorf(badged.Forbidden, "the audit trail is for the institution's admins")
	}
	if h.Audit == nil {
		return badged.Errorf(badged.Unavailable, "the audit trail is not available")
	}
	q := r.URL.Query()
	p.InstitutionID, p.Institutions = h.institutionChoice(r, p.Actor, p.Lang, ids)
	if err := h.Issuer.AuthorizeInstitutionAdmin(r.Context(), p.Actor, p.InstitutionID); err != nil {
		return err
	}
	p.Who, p.What, p.Kind, p.Object = q.Get("actor"), q.Get("action"), q.Get("kind"), q.Get("object")
	p.Since, p.Until = q.Get("since"), q.Get("until")
	for _, a := range auditActions {
		p.Actions = append(p.Actions, option{a, cmp.Or(p.T["audit_"+a], a)})
	}
	for _, k := range auditKinds {
		p.Kinds = append(p.Kinds, option{k, cmp.Or(p.T["auditKind_"+k], k)})
	}
	f := audit.Filter{Actor: p.Who, Action: p.What, Target: audit.Target{Kind: p.Kind, ID: p.Object}}
	day := func(name, v string, next bool) time.Time {
		if v == "" {
			return time.Time{}
		}
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			p.Errors[name] = p.T["auditBadDate"]
			return time.Time{}
		}
		if next {
			t = t.AddDate(0, 0, 1) // until the end of that day
		}
		return t
	}
	f.Since, f.Until = day("since", p.Since, false), day("until", p.Until, true)
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Since.Before(f.Until) {
		p.Errors["until"] = p.T["auditUntilBefore"]
	}
	after, err := badged.ParseCursor(q.Get("cursor"))
	if err != nil {
		after = badged.Cursor{}
	}
	status := http.StatusOK
	if len(p.Errors) > 0 {
		status = http.StatusUnprocessableEntity
		f.Since, f.Until = time.Time{}, time.Time{}
	}
	list, err := h.Audit.List(r.Context(), p.InstitutionID, f, audit.Page{After: after})
	if err != nil {
		return err
	}
	for _, e := range list.Entries {
		ae := auditEntry{Time: e.Time.UTC().Format("2006-01-02 15:04:05 UTC"), Actor: e.Actor, Action: cmp.Or(p.T["audit_"+e.Action], e.Action),
			Kind: cmp.Or(p.T["auditKind_"+e.Target.Kind], e.Target.Kind), ID: e.Target.ID, You: e.Actor == p.Actor.UserID}
		switch e.Target.Kind {
		case "award":
			ae.Link = "/portal/awards/" + e.Target.ID
		case "badgeclass":
			ae.Link = "/portal/badgeclasses/" + e.Target.ID
		}
		if len(e.Details) > 0 {
			ae.Details = string(e.Details)
		}
		p.Entries = append(p.Entries, ae)
	}
	if !list.Next.IsZero() {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("cursor", list.Next.String())
		p.Next = "/portal/audit?" + v.Encode()
	}
	h.Render(w, r, status, auditPages["audit"], p)
	return nil
}
