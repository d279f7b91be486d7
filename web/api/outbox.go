package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/audit"
	"github.com/badged/badged/notify"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

// registerOutboxRoutes serves an institution's outbox to its admins: the
// mail badged sent or will send for it, readable in full where no SMTP
// server is configured (demo), and the retry of a failed mail.
func (h *Handler) registerOutboxRoutes(r chi.Router) {
	r.Get("/institutions/{institutionID}/outbox", h.handle(h.handleOutbox))
	r.Get("/institutions/{institutionID}/outbox/{mailID}", h.handle(h.handleOutboxMail))
	r.Post("/institutions/{institutionID}/outbox/{mailID}/retry", h.handle(h.handleRetryMail))
}

// Mail is a mail in a list: what and to whom, and how its delivery
// went.
type Mail struct {
	ID          string        `json:"id"`
	To          string        `json:"to"`
	Lang        string        `json:"lang"`
	Template    string        `json:"template"`
	Subject     string        `json:"subject"`
	Status      notify.Status `json:"status"`
	Attempts    int           `json:"attempts"`
	NextAttempt *time.Time    `json:"nextAttempt,omitempty"`
	LastError   string        `json:"lastError,omitempty"`
	Sent        *time.Time    `json:"sent,omitempty"`
	Created     time.Time     `json:"created"`
	Version     int64         `json:"version"`
}

// MailDetail is one mail with its rendered text and HTML.
type MailDetail struct {
	Mail
	Text string `json:"text"`
	HTML string `json:"html"`
}

func mailView(m *notify.Mail) Mail {
	v := Mail{ID: m.ID, To: m.To, Lang: m.Lang, Template: string(m.Template), Subject: m.Subject,
		Status: m.Status, Attempts: m.Attempts, LastError: m.LastError, Created: m.Created, Version: m.Version}
	if m.Status == notify.Pending && !m.NextAttempt.IsZero() {
		v.NextAttempt = &m.NextAttempt
	}
	if !m.Sent.IsZero() {
		v.Sent = &m.Sent
	}
	return v
}

// handleOutbox lists an institution's mail, newest first, filtered by
// ?status= (pending, sent, failed) and ?to=, a page of ?limit= at
// ?cursor=.
func (h *Handler) handleOutbox(w http.ResponseWriter, r *http.Request) error {
	id, err := h.requireInstitutionAdmin(r, h.Outbox != nil, "outbox")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	var problems []badged.FieldError
	status := notify.Status(q.Get("status"))
	if status != "" && !status.Valid() {
		problems = append(problems, badged.FieldError{Field: "status", Message: "must be pending, sent or failed"})
	}
	limit, after := queryCursor(q, &problems)
	if len(problems) > 0 {
		return badged.InvalidFields("outbox query", problems...)
	}
	list, err := h.Outbox.List(r.Context(), id, notify.Filter{Status: status, To: q.Get("to")},
		notify.Page{After: after, Limit: limit})
	if err != nil {
		return err
	}
	sendCursorPage(w, r, list.Mails, list.Next, mailView)
	return nil
}

// handleOutboxMail sends one mail as rendered: subject, text and HTML,
// with its delivery status.
func (h *Handler) handleOutboxMail(w http.ResponseWriter, r *http.Request) error {
	id, err := h.requireInstitutionAdmin(r, h.Outbox != nil, "outbox")
	if err != nil {
		return err
	}
	m, err := h.Outbox.Mail(r.Context(), id, chi.URLParam(r, "mailID"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	render.JSON(w, http.StatusOK, MailDetail{mailView(m), m.Text, m.HTML})
	return nil
}

// handleRetryMail puts a failed mail back in the queue, with its attempts
// reset; a mail that has not failed is a Conflict.
func (h *Handler) handleRetryMail(w http.ResponseWriter, r *http.Request) error {
	id, err := h.requireInstitutionAdmin(r, h.Outbox != nil, "outbox")
	if err != nil {
		return err
	}
	mailID := chi.URLParam(r, "mailID")
	if err := h.Outbox.Retry(r.Context(), id, mailID); err != nil {
		return err
	}
	m, err := h.Outbox.Mail(r.Context(), id, mailID)
	if err != nil {
		return err
	}
	if h.Audit != nil {
		_, err := h.Audit.Record(r.Context(), audit.Entry{InstitutionID: id, Actor: request.Actor(r).UserID, Action: "mail.retry",
			Target: audit.Target{Kind: "mail", ID: mailID}, Details: mailRetryDetails(m)})
		if err != nil {
			h.Log.Error("audit: mail retry not recorded", "mail", mailID, "err", err)
		}
	}
	render.JSON(w, http.StatusOK, mailView(m))
	return nil
}

func mailRetryDetails(m *notify.Mail) json.RawMessage {
	b, _ := json.Marshal(map[string]string{"to": m.To, "template": string(m.Template)})
	return b
}
