package notify

import (
	"cmp"
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/badged/badged"
)

// Page sizes of [Outbox.List].
const (
	defaultPage = 50
	maxPage     = 1000
)

// Message is an email to enqueue: a template, its data and a recipient.
type Message struct {
	// ID identifies the message for idempotency: enqueueing an ID twice
	// stores and sends it once. Derive it from what caused the email, such
	// as "award-waiting:" + award ID.
	ID            string
	InstitutionID string // whose outbox holds it
	To            string // one address
	Lang          string // a language tag; see [Lang]
	Template      Template
	Data          any // the template's data type, or a pointer to it
}

// Filter narrows [Outbox.List].
type Filter struct {
	Status Status // empty: every status
	To     string // one recipient; empty: all
}

// Page asks for one page of a newest-first list.
type Page struct {
	After badged.Cursor // the Next of the previous page; zero for the first
	Limit int           // 0: a default of 50; at most 1000
}

// MailList is one page of the outbox, newest first.
type MailList struct {
	Mails []*Mail
	Next  badged.Cursor // zero on the last page
}

// Outbox renders messages and keeps them in a [Store] until a [Deliverer]
// sends them.
type Outbox struct {
	store     Store
	templates *Templates
	now       func() time.Time
}

// OutboxOption sets an optional setting of an [Outbox].
type OutboxOption func(*Outbox)

// WithClock sets the clock the outbox stamps mails with; the default is
// time.Now.
func WithClock(now func() time.Time) OutboxOption { return func(o *Outbox) { o.now = now } }

// NewOutbox returns an outbox on store, parsing the templates. It fails
// only when an embedded template is broken.
func NewOutbox(store Store, opts ...OutboxOption) (*Outbox, error) {
	t, err := ParseTemplates()
	if err != nil {
		return nil, err
	}
	o := &Outbox{store: store, templates: t, now: time.Now}
	for _, opt := range opts {
		opt(o)
	}
	return o, nil
}

// Enqueue renders m and stores it, due at once. When a message with m.ID
// was enqueued before, Enqueue does nothing and returns nil, so a retried
// job does not send twice.
//
// It fails as [Outbox.Prepare] does, and with [badged.Unavailable] when
// the store fails.
func (o *Outbox) Enqueue(ctx context.Context, m Message) error {
	mail, err := o.Prepare(m)
	if err != nil {
		return err
	}
	err = o.store.AddMail(ctx, mail)
	if badged.KindOf(err) == badged.Conflict {
		return nil
	}
	if err != nil {
		return fmt.Errorf("enqueue %s: %w", m.ID, err)
	}
	return nil
}

// Prepare renders m into the mail [Outbox.Enqueue] would store, pending
// and due at once. It stores nothing: a caller that writes the mail in
// its own transaction (an award and its mail, see issuer.Effects) uses it.
//
// It fails with a [badged.Invalid] *badged.Error when m lacks an ID or an
// institution, when To is not one email address, or when Data is not the
// template's data type.
func (o *Outbox) Prepare(m Message) (*Mail, error) {
	if err := checkID("message", m.ID); err != nil {
		return nil, err
	}
	if m.InstitutionID == "" {
		return nil, badged.Errorf(badged.Invalid, "message %s has no institution", m.ID)
	}
	to, err := Address(m.To)
	if err != nil {
		return nil, err
	}
	lang := Lang(m.Lang)
	r, err := o.templates.render(m.Template, lang, m.Data)
	if err != nil {
		return nil, badged.Wrap(badged.Invalid, err, fmt.Sprintf("message %s cannot be rendered", m.ID))
	}
	now := o.now().UTC().Truncate(time.Microsecond)
	return &Mail{
		ID: m.ID, InstitutionID: m.InstitutionID, To: to, Lang: lang, Template: m.Template,
		Subject: r.Subject, Text: r.Text, HTML: r.HTML,
		Status: Pending, NextAttempt: now, Created: now,
	}, nil
}

// List returns a page of institutionID's outbox, newest first. It fails
// with a [badged.Invalid] *badged.Error for an unknown status or a page
// size out of range.
func (o *Outbox) List(ctx context.Context, institutionID string, f Filter, p Page) (*MailList, error) {
	if institutionID == "" {
		return nil, badged.Errorf(badged.Invalid, "an outbox belongs to an institution")
	}
	if f.Status != "" && !f.Status.Valid() {
		return nil, badged.Errorf(badged.Invalid, "unknown mail status %q", f.Status)
	}
	limit := cmp.Or(p.Limit, defaultPage)
	if limit < 0 || limit > maxPage {
		return nil, badged.Errorf(badged.Invalid, "a page holds 1 to %d mails", maxPage)
	}
	mails, err := o.store.Mails(ctx, MailQuery{InstitutionID: institutionID, Status: f.Status,
		To: strings.ToLower(strings.TrimSpace(f.To)), After: p.After, Limit: limit + 1})
	if err != nil {
		return nil, err
	}
	list := &MailList{Mails: mails}
	if len(mails) > limit {
		list.Mails = mails[:limit]
		list.Next = mails[limit-1].Cursor()
	}
	return list, nil
}

// Mail returns the mail id of institutionID's outbox. It fails with a
// [badged.NotFound] *badged.Error when there is none.
func (o *Outbox) Mail(ctx context.Context, institutionID, id string) (*Mail, error) {
	m, err := o.store.Mail(ctx, id)
	if err != nil {
		return nil, err
	}
	if m.InstitutionID != institutionID {
		return nil, badged.Errorf(badged.NotFound, "mail %s not found", id)
	}
	return m, nil
}

// Retry makes a failed mail of institutionID's outbox due again, with a
// fresh count of attempts. It fails with [badged.NotFound] for an unknown
// mail, [badged.Conflict] when the mail has not failed or changed
// meanwhile.
func (o *Outbox) Retry(ctx context.Context, institutionID, id string) error {
	m, err := o.Mail(ctx, institutionID, id)
	if err != nil {
		return err
	}
	if m.Status != Failed {
		return badged.Errorf(badged.Conflict, "mail %s is %s, not failed", id, m.Status)
	}
	m.Status, m.Attempts, m.NextAttempt = Pending, 0, o.now().UTC().Truncate(time.Microsecond)
	return o.store.UpdateMail(ctx, m)
}

// Address returns the bare address of s, in lower case, as [Outbox.Prepare]
// writes to it. It fails with a [badged.Invalid] *badged.Error unless s
// is exactly one email address.
func Address(s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil || strings.ContainsAny(a.Address, "\r\n") {
		return "", badged.Errorf(badged.Invalid, "%q is not an email address", s)
	}
	return strings.ToLower(a.Address), nil
}

func checkID(what, id string) error {
	if id == "" {
		return badged.Errorf(badged.Invalid, "%s without an ID", what)
	}
	if len(id) > 200 || strings.ContainsRune(id, 0) {
		return badged.Errorf(badged.Invalid, "%s ID is longer than 200 bytes or contains a NUL byte", what)
	}
	return nil
}
