package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/audit"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

// registerAuditRoutes serves an institution's audit trail to its admins.
func (h *Handler) registerAuditRoutes(r chi.Router) {
	r.Get("/institutions/{institutionID}/audit", h.handle(h.handleAudit))
}

// AuditTarget is what an audit entry is about.
type AuditTarget struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// AuditEntry is an entry of the audit trail.
type AuditEntry struct {
	ID      string          `json:"id"`
	Time    time.Time       `json:"time"`
	Actor   string          `json:"actor"`
	Action  string          `json:"action"`
	Target  AuditTarget     `json:"target"`
	Details json.RawMessage `json:"details,omitempty"`
}

func auditEntryView(e *audit.Entry) AuditEntry {
	return AuditEntry{ID: e.ID, Time: e.Time, Actor: e.Actor, Action: e.Action,
		Target: AuditTarget{Kind: e.Target.Kind, ID: e.Target.ID}, Details: e.Details}
}

// requireInstitutionAdmin answers for r and returns false unless the
// caller administrates the institution of the URL; what it guards is
// there (503 otherwise).
func (h *Handler) requireInstitutionAdmin(r *http.Request, configured bool, what string) (string, error) {
	id := chi.URLParam(r, "institutionID")
	if err := h.Issuer.AuthorizeInstitutionAdmin(r.Context(), request.Actor(r), id); err != nil {
		return "", err
	}
	if !configured {
		return "", badged.Errorf(badged.Unavailable, "the %s is not configured", what)
	}
	return id, nil
}

// queryCursor reads ?limit= (0 when absent) and ?cursor= of a list paged
// by a store's cursor, adding their problems to problems.
func queryCursor(q url.Values, problems *[]badged.FieldError) (limit int, after badged.Cursor) {
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			*problems = append(*problems, badged.FieldError{Field: "limit", Message: "must be a whole number from 1 to " + strconv.Itoa(maxLimit)})
		} else {
			limit = n
		}
	}
	after, err := badged.ParseCursor(q.Get("cursor"))
	if err != nil {
		*problems = append(*problems, badged.FieldError{Field: "cursor", Message: "not a cursor of this list; start from the first page"})
	}
	return limit, after
}

// sendCursorPage sends items, a store's page whose next cursor is next,
// as a Page of their views, with a Link header to the next page.
func sendCursorPage[T, V any](w http.ResponseWriter, r *http.Request, items []T, next badged.Cursor, view func(T) V) {
	page := Page[V]{Items: mapSlice(items, view), Next: next.String()}
	if page.Next != "" {
		setNextLink(w, r, page.Next)
	}
	render.JSON(w, http.StatusOK, page)
}

// queryTime reads an RFC 3339 time parameter: zero when absent.
func queryTime(q url.Values, name string, problems *[]badged.FieldError) time.Time {
	v := q.Get(name)
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		*problems = append(*problems, badged.FieldError{Field: name, Message: "must be an RFC 3339 time"})
	}
	return t
}

// setNextLink sets the Link header of a page whose next cursor is next.
func setNextLink(w http.ResponseWriter, r *http.Request, next string) {
	q := url.Values{}
	for k, v := range r.URL.Query() {
		q[k] = v
	}
	q.Set("cursor", next)
	w.Header().Set("Link", "<"+r.URL.Path+"?"+q.Encode()+`>; rel="next"`)
}

// handleAudit lists the audit trail of an institution, newest first,
// filtered by ?actor=, ?action=, ?target= (KIND, KIND:ID or :ID), ?since=
// (inclusive) and ?until= (exclusive), a page of ?limit= at ?cursor=.
func (h *Handler) handleAudit(w http.ResponseWriter, r *http.Request) error {
	id, err := h.requireInstitutionAdmin(r, h.Audit != nil, "audit trail")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	var problems []badged.FieldError
	f := audit.Filter{Actor: q.Get("actor"), Action: q.Get("action"),
		Since: queryTime(q, "since", &problems), Until: queryTime(q, "until", &problems)}
	if t := q.Get("target"); t != "" {
		kind, tid, _ := strings.Cut(t, ":")
		f.Target = audit.Target{Kind: kind, ID: tid}
	}
	limit, after := queryCursor(q, &problems)
	if len(problems) > 0 {
		return badged.InvalidFields("audit query", problems...)
	}
	list, err := h.Audit.List(r.Context(), id, f, audit.Page{After: after, Limit: limit})
	if err != nil {
		return err
	}
	sendCursorPage(w, r, list.Entries, list.Next, auditEntryView)
	return nil
}
