package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/notify"
	bolt "go.etcd.io/bbolt"
)

var _ notify.Store = (*DB)(nil)

// Buckets of package notify.
var (
	bktMails       = []byte("notify:mails")           // mail ID → mailRecord
	idxMailsDue    = []byte("idx:notify:due")         // 0x00, next attempt, mail ID (pending mails only)
	idxMailsByInst = []byte("idx:notify:institution") // institution ID, 0x00, created, mail ID
)

// mailFormat is the format number of mailRecord.
const mailFormat = 1

type mailRecord struct {
	Format        int       `json:"format"`
	ID            string    `json:"id"`
	Version       int64     `json:"version"`
	InstitutionID string    `json:"institution"`
	To            string    `json:"to"`
	Lang          string    `json:"lang"`
	Template      string    `json:"template"`
	Subject       string    `json:"subject"`
	Text          string    `json:"text"`
	HTML          string    `json:"html"`
	Status        string    `json:"status"`
	Attempts      int       `json:"attempts,omitempty"`
	NextAttempt   time.Time `json:"nextAttempt"`
	LastError     string    `json:"lastError,omitempty"`
	Sent          time.Time `json:"sent,omitzero"`
	Created       time.Time `json:"created"`
}

func fromMail(m *notify.Mail) *mailRecord {
	return &mailRecord{Format: mailFormat, ID: m.ID, Version: m.Version, InstitutionID: m.InstitutionID, To: m.To,
		Lang: m.Lang, Template: string(m.Template), Subject: m.Subject, Text: m.Text, HTML: m.HTML,
		Status: string(m.Status), Attempts: m.Attempts, NextAttempt: m.NextAttempt.UTC(), LastError: m.LastError,
		Sent: m.Sent.UTC(), Created: m.Created.UTC()}
}

func (r *mailRecord) domain() *notify.Mail {
	return &notify.Mail{ID: r.ID, Version: r.Version, InstitutionID: r.InstitutionID, To: r.To, Lang: r.Lang,
		Template: notify.Template(r.Template), Subject: r.Subject, Text: r.Text, HTML: r.HTML,
		Status: notify.Status(r.Status), Attempts: r.Attempts, NextAttempt: r.NextAttempt, LastError: r.LastError,
		Sent: r.Sent, Created: r.Created}
}

// getMail reads a mail record, without the generic record.Decode (which
// expects the issuer records' header).
func getMail(tx *bolt.Tx, id string) (*mailRecord, error) {
	var r mailRecord
	if err := getFormat(tx, bktMails, "mail", id, mailFormat, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// AddMail implements [notify.Store].
func (db *DB) AddMail(ctx context.Context, m *notify.Mail) error {
	if err := db.update(ctx, func(tx *bolt.Tx) error { return addMail(tx, m) }); err != nil {
		return storeErr(err)
	}
	m.Version = 1
	return nil
}

// addMail adds m at version 1 in tx; it fails with Conflict when its ID
// exists.
func addMail(tx *bolt.Tx, m *notify.Mail) error {
	w, err := encodeMail(m)
	if err != nil {
		return err
	}
	return w.write(tx)
}

// mailWrite is a new mail encoded for addMail's write, which may happen
// in a transaction shared with other writes.
type mailWrite struct {
	id, data  []byte
	due, inst []byte // index keys; due is nil unless the mail is pending
}

func encodeMail(m *notify.Mail) (mailWrite, error) {
	if m.InstitutionID == "" || strings.ContainsRune(m.InstitutionID, 0) {
		return mailWrite{}, badged.Errorf(badged.Invalid, "mail %s has no valid institution", m.ID)
	}
	if err := checkID("mail", m.ID); err != nil {
		return mailWrite{}, err
	}
	r := fromMail(m)
	r.Version = 1
	data, err := json.Marshal(r)
	if err != nil {
		return mailWrite{}, fmt.Errorf("encode mail %s: %w", m.ID, err)
	}
	w := mailWrite{id: []byte(m.ID), data: data, inst: indexKey(r.InstitutionID, r.Created, r.ID)}
	if r.Status == string(notify.Pending) {
		w.due = indexKey("", r.NextAttempt, r.ID)
	}
	return w, nil
}

// write adds the mail in tx; Conflict when its ID exists.
func (w mailWrite) write(tx *bolt.Tx) error {
	mails := tx.Bucket(bktMails)
	if mails.Get(w.id) != nil {
		return badged.Errorf(badged.Conflict, "mail %s already exists", w.id)
	}
	if err := mails.Put(w.id, w.data); err != nil {
		return err
	}
	if w.due != nil {
		if err := tx.Bucket(idxMailsDue).Put(w.due, nil); err != nil {
			return err
		}
	}
	return tx.Bucket(idxMailsByInst).Put(w.inst, nil)
}

// Mail implements [notify.Store].
func (db *DB) Mail(ctx context.Context, id string) (*notify.Mail, error) {
	var m *notify.Mail
	err := db.view(ctx, func(tx *bolt.Tx) error {
		r, err := getMail(tx, id)
		if err != nil {
			return err
		}
		m = r.domain()
		return nil
	})
	return m, storeErr(err)
}

// UpdateMail implements [notify.Store].
func (db *DB) UpdateMail(ctx context.Context, m *notify.Mail) error {
	var next int64
	err := db.update(ctx, func(tx *bolt.Tx) error {
		old, err := getMail(tx, m.ID)
		if err != nil {
			return err
		}
		if old.Version != m.Version {
			return conflict("mail", m.ID, old.Version, m.Version)
		}
		if old.Status == string(notify.Pending) {
			if err := tx.Bucket(idxMailsDue).Delete(indexKey("", old.NextAttempt, old.ID)); err != nil {
				return err
			}
		}
		r := *old
		r.Version++
		r.Status, r.Attempts, r.NextAttempt = string(m.Status), m.Attempts, m.NextAttempt.UTC()
		r.LastError, r.Sent = m.LastError, m.Sent.UTC()
		if err := put(tx, bktMails, r.ID, &r); err != nil {
			return err
		}
		if r.Status == string(notify.Pending) {
			if err := tx.Bucket(idxMailsDue).Put(indexKey("", r.NextAttempt, r.ID), nil); err != nil {
				return err
			}
		}
		next = r.Version
		return nil
	})
	if err != nil {
		return storeErr(err)
	}
	m.Version = next
	return nil
}

// DueMails implements [notify.Store].
func (db *DB) DueMails(ctx context.Context, now time.Time, limit int) ([]*notify.Mail, error) {
	out := []*notify.Mail{}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		p := prefix("")
		c := tx.Bucket(idxMailsDue).Cursor()
		end := indexKey("", now, "")
		for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
			if bytes.Compare(k[:len(p)+8], end) > 0 || (limit > 0 && len(out) == limit) {
				break
			}
			r, err := getMail(tx, string(k[len(p)+8:]))
			if err != nil {
				return err
			}
			out = append(out, r.domain())
		}
		return nil
	})
	return out, storeErr(err)
}

// Mails implements [notify.Store].
func (db *DB) Mails(ctx context.Context, q notify.MailQuery) ([]*notify.Mail, error) {
	out := []*notify.Mail{}
	if q.InstitutionID == "" || strings.ContainsRune(q.InstitutionID, 0) {
		return out, nil
	}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var start []byte
		if !q.After.IsZero() {
			start = indexKey(q.InstitutionID, q.After.Time, q.After.ID)
		}
		return reverseScan(tx.Bucket(idxMailsByInst), q.InstitutionID, start, func(id string) (bool, error) {
			r, err := getMail(tx, id)
			if err != nil {
				return false, err
			}
			if (q.Status != "" && r.Status != string(q.Status)) || (q.To != "" && !strings.EqualFold(r.To, q.To)) {
				return true, nil
			}
			out = append(out, r.domain())
			return q.Limit <= 0 || len(out) < q.Limit, nil
		})
	})
	return out, storeErr(err)
}

// reverseScan calls fn with the record ID of each key of index under parent
// (as indexKey makes them) that sorts before start, or of every one when
// start is nil, from the last down, until fn returns false or an error.
func reverseScan(index *bolt.Bucket, parent string, start []byte, fn func(id string) (bool, error)) error {
	n := len(parent) + 1 + 8
	return reverseScanKeys(index, parent, start, func(k []byte) (bool, error) { return fn(string(k[n:])) })
}

// storeErr passes *badged.Errors on and makes any other error (of bbolt)
// Unavailable.
func storeErr(err error) error {
	if err == nil {
		return nil
	}
	var be *badged.Error
	if errors.As(err, &be) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return badged.Wrap(badged.Unavailable, err, "the database failed")
}
