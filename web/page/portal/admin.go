package portal

import (
	"cmp"
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/auth"
	"github.com/badged/badged/notify"
	"github.com/badged/badged/web/page"
)

// The institution admin's pages (admin.go): the API clients of the
// institution's systems (created with a scope, the secret shown once,
// revoked) and the outbox of mails badged sends on its behalf (with a
// retry of a failed one). Only the institution's admins see them.

var adminPages = page.Templates(templates, "clients", "outbox")

func (h *Handler) adminRoutes(r chi.Router) {
	r.Get("/clients", h.Handle(h.handleClients))
	r.Post("/clients", h.Handle(h.handleCreateClient))
	r.Post("/clients/{clientID}/revoke", h.Handle(h.handleRevokeClient))
	r.Get("/outbox", h.Handle(h.handleOutbox))
	r.Post("/outbox/{mailID}/retry", h.Handle(h.handleRetryMail))
}

// adminBase starts an admin page: the institution chosen among those the
// person administrates, checked.
func (h *Handler) adminBase(w http.ResponseWriter, r *http.Request, nav string) (Base, string, []option, error) {
	b := h.base(w, r, nav)
	ids, err := h.adminInstitutions(r.Context(), b.Actor)
	if err != nil {
		return b, "", nil, err
	}
	if len(ids) == 0 {
		return b, "", nil, badged.Errorf(badged.Forbidden, "this page is for the institution's admins")
	}
	id, opts := h.institutionChoice(r, b.Actor, b.Lang, ids)
	if r.Method == http.MethodPost {
		id = cmp.Or(r.PostFormValue("institution"), id)
	}
	if err := h.Issuer.AuthorizeInstitutionAdmin(r.Context(), b.Actor, id); err != nil {
		return b, "", nil, err
	}
	return b, id, opts, nil
}

// ---- API clients

type clientRow struct {
	ID, Name, Created, LastUsed, Revoked, Scope string
}

type clientsPage struct {
	Base
	Institutions  []option
	InstitutionID string
	Clients       []clientRow
	Issuers       []option // to limit a new client to
	Name          string
	Chosen        map[string]bool // the issuers chosen, after a refusal
	FreeForm      bool
	Errors        map[string]string
	// NewID and NewSecret are shown once, right after a client is made.
	NewID, NewSecret string
}

func (h *Handler) clientsPage(w http.ResponseWriter, r *http.Request) (*clientsPage, error) {
	b, id, opts, err := h.adminBase(w, r, "clients")
	if err != nil {
		return nil, err
	}
	if h.Auth == nil {
		return nil, badged.Errorf(badged.Unavailable, "API clients are not available")
	}
	p := &clientsPage{Base: b, Institutions: opts, InstitutionID: id, Chosen: map[string]bool{}, Errors: map[string]string{}}
	p.Title = p.T["clientsTitle"]
	cs, err := h.Auth.Clients(r.Context(), p.Actor, id)
	if err != nil {
		return nil, err
	}
	t, err := h.Issuer.Tree(r.Context(), p.Actor, id)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, g := range t.Groups {
		for _, is := range g.Issuers {
			names[is.ID] = is.Name.In(p.Lang)
			if !is.Archived {
				p.Issuers = append(p.Issuers, option{is.ID, is.Name.In(p.Lang)})
			}
		}
	}
	for _, c := range cs {
		row := clientRow{ID: c.ID, Name: c.Name, Created: c.Created.UTC().Format("2006-01-02"), Scope: p.T["clientsAllIssuers"]}
		if !c.LastUsed.IsZero() {
			row.LastUsed = c.LastUsed.UTC().Format("2006-01-02 15:04 UTC")
		}
		if !c.Revoked.IsZero() {
			row.Revoked = c.Revoked.UTC().Format("2006-01-02")
		}
		if len(c.Scope.Issuers) > 0 {
			row.Scope = ""
			for i, is := range c.Scope.Issuers {
				if i > 0 {
					row.Scope += ", "
				}
				row.Scope += cmp.Or(names[is], is)
			}
		}
		if c.Scope.FreeForm {
			row.Scope += " · " + p.T["clientsFreeForm"]
		}
		p.Clients = append(p.Clients, row)
	}
	return p, nil
}

func (h *Handler) handleClients(w http.ResponseWriter, r *http.Request) error {
	p, err := h.clientsPage(w, r)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("done") == "revoked" {
		p.Notice = p.T["clientsRevokedNotice"]
	}
	h.Render(w, r, http.StatusOK, adminPages["clients"], p)
	return nil
}

// handleCreateClient makes an API client and shows its secret, once; a
// missing name is refused beside it, the form kept.
func (h *Handler) handleCreateClient(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badged.Errorf(badged.Invalid, "the form cannot be read")
	}
	p, err := h.clientsPage(w, r)
	if err != nil {
		return err
	}
	scope := auth.Scope{Issuers: r.PostForm["issuers"], FreeForm: r.PostForm.Get("freeForm") == "on"}
	c, secret, err := h.Auth.CreateScopedClient(r.Context(), p.Actor, p.InstitutionID, r.PostForm.Get("name"), scope)
	if fs := badged.FieldsOf(err); len(fs) > 0 {
		p.Name, p.FreeForm, p.Errors["name"] = r.PostForm.Get("name"), scope.FreeForm, p.T["clientsNameRequired"]
		for _, is := range scope.Issuers {
			p.Chosen[is] = true
		}
		h.Render(w, r, http.StatusUnprocessableEntity, adminPages["clients"], p)
		return nil
	} else if err != nil {
		return err
	}
	if p, err = h.clientsPage(w, r); err != nil {
		return err
	}
	p.NewID, p.NewSecret = c.ID, secret
	w.Header().Set("Cache-Control", "no-store")
	h.Render(w, r, http.StatusCreated, adminPages["clients"], p)
	return nil
}

func (h *Handler) handleRevokeClient(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badged.Errorf(badged.Invalid, "the form cannot be read")
	}
	b, id, _, err := h.adminBase(w, r, "clients")
	if err != nil {
		return err
	}
	if err := h.Auth.RevokeClient(r.Context(), b.Actor, id, chi.URLParam(r, "clientID")); err != nil {
		return err
	}
	page.SeeOther(w, r, "/portal/clients?"+url.Values{"institution": {id}}.Encode(), "revoked")
	return nil
}

// ---- the outbox

type mailRow struct {
	ID, To, Subject, Status, StatusText, When, Error string
	Attempts                                         int
	Failed                                           bool
}

type outboxPage struct {
	Base
	Institutions  []option
	InstitutionID string
	Status        string
	Statuses      []option
	Mails         []mailRow
	Next          string
}

func (h *Handler) handleOutbox(w http.ResponseWriter, r *http.Request) error {
	b, id, opts, err := h.adminBase(w, r, "outbox")
	if err != nil {
		return err
	}
	if h.Outbox == nil {
		return badged.Errorf(badged.Unavailable, "the outbox is not available")
	}
	p := &outboxPage{Base: b, Institutions: opts, InstitutionID: id, Status: r.URL.Query().Get("status")}
	p.Title = p.T["outboxTitle"]
	if p.Status != "" && !notify.Status(p.Status).Valid() {
		p.Status = ""
	}
	for _, s := range []notify.Status{notify.Pending, notify.Sent, notify.Failed} {
		p.Statuses = append(p.Statuses, option{string(s), p.T["outbox_"+string(s)]})
	}
	after, _ := badged.ParseCursor(r.URL.Query().Get("cursor"))
	list, err := h.Outbox.List(r.Context(), id, notify.Filter{Status: notify.Status(p.Status)}, notify.Page{After: after})
	if err != nil {
		return err
	}
	for _, m := range list.Mails {
		row := mailRow{ID: m.ID, To: m.To, Subject: m.Subject, Status: string(m.Status), StatusText: cmp.Or(p.T["outbox_"+string(m.Status)], string(m.Status)),
			When: m.Created.UTC().Format("2006-01-02 15:04 UTC"), Error: m.LastError, Attempts: m.Attempts, Failed: m.Status == notify.Failed}
		if !m.Sent.IsZero() {
			row.When = m.Sent.UTC().Format("2006-01-02 15:04 UTC")
		}
		p.Mails = append(p.Mails, row)
	}
	if !list.Next.IsZero() {
		p.Next = "/portal/outbox?" + url.Values{"institution": {id}, "status": {p.Status}, "cursor": {list.Next.String()}}.Encode()
	}
	switch r.URL.Query().Get("done") {
	case "retried":
		p.Notice = p.T["outboxRetried"]
	}
	h.Render(w, r, http.StatusOK, adminPages["outbox"], p)
	return nil
}

func (h *Handler) handleRetryMail(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badged.Errorf(badged.Invalid, "the form cannot be read")
	}
	_, id, _, err := h.adminBase(w, r, "outbox")
	if err != nil {
		return err
	}
	if h.Outbox == nil {
		return badged.Errorf(badged.Unavailable, "the outbox is not available")
	}
	if err := h.Outbox.Retry(r.Context(), id, chi.URLParam(r, "mailID")); err != nil {
		return err
	}
	page.SeeOther(w, r, "/portal/outbox?"+url.Values{"institution": {id}}.Encode(), "retried")
	return nil
}
