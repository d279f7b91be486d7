package notify

import (
	"context"
	"time"

	"github.com/badged/badged"
)

// Status is where a [Mail] is in delivery.
type Status string

// Statuses of a mail.
const (
	Pending Status = "pending" // waiting for its first or next attempt
	Sent    Status = "sent"    // accepted by the SMTP server
	Failed  Status = "failed"  // given up: attempts exhausted or rejected for good
)

// Valid reports whether s is one of the statuses above.
func (s Status) Valid() bool { return s == Pending || s == Sent || s == Failed }

// Mail is a rendered email in the outbox.
type Mail struct {
	ID            string
	InstitutionID string
	To            string // one address, as given to Enqueue
	Lang          string // "nl" or "en"
	Template      Template
	Subject       string // unencoded UTF-8, one line
	Text          string
	HTML          string

	Status      Status
	Attempts    int       // attempts started
	NextAttempt time.Time // when a Pending mail is due
	LastError   string    // of the last failed attempt; kept after success
	Sent        time.Time // zero unless Status is Sent

	Version int64 // raised by one on every update
	Created time.Time
}

// Cursor returns the position of m in the order of [Outbox.List].
func (m *Mail) Cursor() badged.Cursor { return badged.Cursor{Time: m.Created, ID: m.ID} }

// MailQuery selects mails for [Store.Mails].
type MailQuery struct {
	InstitutionID string        // required
	Status        Status        // empty: every status
	To            string        // exact address (compared case-insensitively); empty: all
	After         badged.Cursor // skip up to and including this position
	Limit         int           // at most this many; 0: no limit
}

// Store keeps the outbox. Storage adapters implement it; all of them pass
// storage/storagetest.RunOutbox.
//
// Error contract: AddMail fails with a [badged.Conflict] *badged.Error when
// a mail with the ID exists. Mail fails with [badged.NotFound] for an
// unknown ID. UpdateMail succeeds only when m.Version equals the stored
// version, storing m at Version+1 (and setting m.Version), else it fails
// with [badged.Conflict]; it changes only the delivery fields (Status,
// Attempts, NextAttempt, LastError, Sent). Failures of the backend are
// [badged.Unavailable].
type Store interface {
	AddMail(ctx context.Context, m *Mail) error
	Mail(ctx context.Context, id string) (*Mail, error)
	UpdateMail(ctx context.Context, m *Mail) error
	// DueMails returns up to limit Pending mails whose NextAttempt is at or
	// before now, the earliest first (then by ID).
	DueMails(ctx context.Context, now time.Time, limit int) ([]*Mail, error)
	// Mails returns the mails q selects, newest first (Created, then ID,
	// both descending).
	Mails(ctx context.Context, q MailQuery) ([]*Mail, error)
}
