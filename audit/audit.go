// Package audit owns badged's audit trail: an append-only log of every
// state change, saying who did what to which thing and when, read by
// institution admins through [Log.List].
//
// Nothing in the package or its [Store] updates or deletes an entry: the
// Store interface has no such methods, storage/bolt keys entries by time in
// a bucket nothing deletes from, and storage/postgres has a trigger that
// refuses UPDATE, DELETE and TRUNCATE on its table. Both pass
// storage/storagetest.RunAudit.
package audit

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/badged/badged"
)

// Some actions. An action is a lower-case noun and verb joined by a dot;
// the services that record entries may use others of that form.
const (
	ActionBadgeClassCreate = "badgeclass.create"
	ActionBadgeClassUpdate = "badgeclass.update"
	ActionBadgeClassDelete = "badgeclass.delete"
	ActionAwardCreate      = "award.create"
	ActionAwardApprove     = "award.approve"
	ActionAwardDeny        = "award.deny"
	ActionAwardClaim       = "award.claim"
	ActionAwardReject      = "award.reject"
	ActionAwardRevoke      = "award.revoke"
	ActionAwardExpire      = "award.expire"
	ActionStaffInvite      = "staff.invite"
	ActionStaffGrant       = "staff.grant"
	ActionStaffRevoke      = "staff.revoke"
	ActionClientCreate     = "client.create"
	ActionClientRevoke     = "client.revoke"
	// A credential issued, or revoked, through the VC-API (not for an
	// award, whose actions record those).
	ActionCredentialIssue  = "credential.issue"
	ActionCredentialRevoke = "credential.revoke"
	// A credential issued as suspendable through the VC-API, suspended or
	// resumed.
	ActionCredentialSuspend   = "credential.suspend"
	ActionCredentialUnsuspend = "credential.unsuspend"
)

// MaxDetails is the largest Details, in bytes.
const MaxDetails = 8 << 10

// Target is the thing an entry is about.
type Target struct {
	Kind string // "badgeclass", "award", "membership", …
	ID   string
}

// Entry is one line of the trail.
type Entry struct {
	ID            string
	Time          time.Time // UTC, microseconds
	InstitutionID string
	Actor         string // a user ID, or an API client's ID; "system" for the scheduler
	Action        string // such as [ActionAwardRevoke]
	Target        Target
	// Details is a small JSON object: the before and after of changed
	// fields (see [Diff]), or a reason (see [Reason]). Nil when there is
	// nothing to add.
	Details json.RawMessage
}

// Cursor returns the position of e in the order of [Log.List].
func (e *Entry) Cursor() badged.Cursor { return badged.Cursor{Time: e.Time, ID: e.ID} }

// Query selects entries for [Store.Entries]. Empty fields match all.
type Query struct {
	InstitutionID string // required
	Actor         string
	Action        string
	Target        Target        // Kind, ID or both
	Since         time.Time     // inclusive
	Until         time.Time     // exclusive
	After         badged.Cursor // skip up to and including this position
	Limit         int           // 0: no limit
}

// Match reports whether e is selected by q, cursor and limit aside.
func (q *Query) Match(e *Entry) bool {
	return e.InstitutionID == q.InstitutionID &&
		(q.Actor == "" || e.Actor == q.Actor) &&
		(q.Action == "" || e.Action == q.Action) &&
		(q.Target.Kind == "" || e.Target.Kind == q.Target.Kind) &&
		(q.Target.ID == "" || e.Target.ID == q.Target.ID) &&
		(q.Since.IsZero() || !e.Time.Before(q.Since)) &&
		(q.Until.IsZero() || e.Time.Before(q.Until))
}

// Store keeps the trail. It has no way to change or remove an entry.
//
// Error contract: Append fails with a [badged.Conflict] *badged.Error when
// an entry with e.ID exists, and with [badged.Unavailable] when the
// backend fails. Entries returns the entries q selects, newest first.
type Store interface {
	Append(ctx context.Context, e *Entry) error
	Entries(ctx context.Context, q Query) ([]*Entry, error)
}

// Log records and reads the trail.
type Log struct {
	store Store
	now   func() time.Time
	rand  io.Reader
}

// Option sets an optional setting of a [Log].
type Option func(*Log)

// WithClock sets the clock that stamps entries; the default is time.Now.
func WithClock(now func() time.Time) Option { return func(l *Log) { l.now = now } }

// WithRand sets the source of entry IDs; the default is crypto/rand.
func WithRand(r io.Reader) Option { return func(l *Log) { l.rand = r } }

// New returns a log on store.
func New(store Store, opts ...Option) *Log {
	l := &Log{store: store, now: time.Now, rand: rand.Reader}
	for _, opt := range opts {
		opt(l)
	}
	return l
}

var actionRE = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$`)

// Record appends e and returns it as stored. An empty ID is filled with a
// random one and a zero Time with the clock's; a caller that may retry
// (a job) sets ID itself, and recording an ID again does nothing.
//
// It fails as [Log.Prepare] does, and with [badged.Unavailable] when the
// store fails.
func (l *Log) Record(ctx context.Context, e Entry) (*Entry, error) {
	p, err := l.Prepare(e)
	if err != nil {
		return nil, err
	}
	err = l.store.Append(ctx, p)
	if badged.KindOf(err) == badged.Conflict {
		return p, nil
	}
	if err != nil {
		return nil, fmt.Errorf("record %s on %s %s: %w", p.Action, p.Target.Kind, p.Target.ID, err)
	}
	return p, nil
}

// Prepare checks e and returns it as [Log.Record] would store it: an empty
// ID filled with a random one, a zero Time with the clock's, Details
// compacted. It stores nothing: a caller that writes the entry in its own
// transaction (an award and its entry, see issuer.Effects) uses it.
//
// It fails with a [badged.Invalid] *badged.Error when e lacks an
// institution, actor or target, when the action is not of the form
// "noun.verb", or when Details is not a JSON object of at most
// [MaxDetails] bytes.
func (l *Log) Prepare(e Entry) (*Entry, error) {
	switch {
	case e.InstitutionID == "":
		return nil, badged.Errorf(badged.Invalid, "an audit entry needs an institution")
	case e.Actor == "":
		return nil, badged.Errorf(badged.Invalid, "an audit entry needs an actor")
	case !actionRE.MatchString(e.Action):
		return nil, badged.Errorf(badged.Invalid, "audit action %q is not of the form noun.verb", e.Action)
	case e.Target.Kind == "" || e.Target.ID == "":
		return nil, badged.Errorf(badged.Invalid, "an audit entry needs a target kind and ID")
	case len(e.Details) > MaxDetails:
		return nil, badged.Errorf(badged.TooLarge, "audit details exceed %d bytes", MaxDetails)
	}
	for _, s := range []string{e.ID, e.InstitutionID, e.Actor, e.Target.Kind, e.Target.ID} {
		if strings.ContainsRune(s, 0) || len(s) > 200 {
			return nil, badged.Errorf(badged.Invalid, "audit entry field longer than 200 bytes or containing a NUL byte")
		}
	}
	if len(e.Details) > 0 {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(e.Details, &obj); err != nil || obj == nil {
			return nil, badged.Errorf(badged.Invalid, "audit details are not a JSON object")
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, e.Details); err != nil {
			return nil, badged.Errorf(badged.Invalid, "audit details are not a JSON object")
		}
		e.Details = buf.Bytes()
	} else {
		e.Details = nil
	}
	if e.ID == "" {
		var b [16]byte
		if _, err := io.ReadFull(l.rand, b[:]); err != nil {
			return nil, badged.Wrap(badged.Internal, err, "cannot make an audit entry ID")
		}
		e.ID = hex.EncodeToString(b[:])
	}
	if e.Time.IsZero() {
		e.Time = l.now()
	}
	e.Time = e.Time.UTC().Truncate(time.Microsecond)
	return &e, nil
}

// Filter narrows [Log.List]; empty fields match all.
type Filter struct {
	Actor  string
	Action string
	Target Target    // Kind, ID or both
	Since  time.Time // inclusive
	Until  time.Time // exclusive
}

// Page asks for one page of the trail.
type Page struct {
	After badged.Cursor // the Next of the previous page; zero for the first
	Limit int           // 0: a default of 50; at most 1000
}

// EntryList is one page of the trail, newest first.
type EntryList struct {
	Entries []*Entry
	Next    badged.Cursor // zero on the last page
}

// List returns a page of institutionID's trail, newest first. It fails
// with a [badged.Invalid] *badged.Error for a missing institution or a
// page size out of range.
func (l *Log) List(ctx context.Context, institutionID string, f Filter, p Page) (*EntryList, error) {
	if institutionID == "" {
		return nil, badged.Errorf(badged.Invalid, "an audit trail belongs to an institution")
	}
	limit := cmp.Or(p.Limit, 50)
	if limit < 0 || limit > 1000 {
		return nil, badged.Errorf(badged.Invalid, "a page holds 1 to 1000 entries")
	}
	entries, err := l.store.Entries(ctx, Query{InstitutionID: institutionID, Actor: f.Actor, Action: f.Action,
		Target: f.Target, Since: f.Since, Until: f.Until, After: p.After, Limit: limit + 1})
	if err != nil {
		return nil, err
	}
	list := &EntryList{Entries: entries}
	if len(entries) > limit {
		list.Entries = entries[:limit]
		list.Next = entries[limit-1].Cursor()
	}
	return list, nil
}

// Reason returns Details holding a reason: {"reason": reason}.
func Reason(reason string) json.RawMessage {
	b, _ := json.Marshal(map[string]string{"reason": reason})
	return b
}

// Diff returns Details holding the fields that differ between before and
// after, two values of the same type marshalled to JSON objects:
// {"before": {field: old}, "after": {field: new}}. A field missing on one
// side appears only on the other. It returns nil when nothing differs, and
// fails when either value does not marshal to a JSON object.
func Diff(before, after any) (json.RawMessage, error) {
	var b, a map[string]json.RawMessage
	if err := remarshal(before, &b); err != nil {
		return nil, fmt.Errorf("audit diff: before: %w", err)
	}
	if err := remarshal(after, &a); err != nil {
		return nil, fmt.Errorf("audit diff: after: %w", err)
	}
	ob, oa := map[string]json.RawMessage{}, map[string]json.RawMessage{}
	for k, v := range b {
		if w, ok := a[k]; !ok || !bytes.Equal(v, w) {
			ob[k] = v
		}
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !bytes.Equal(v, w) {
			oa[k] = v
		}
	}
	if len(ob) == 0 && len(oa) == 0 {
		return nil, nil
	}
	return json.Marshal(map[string]any{"before": ob, "after": oa})
}

func remarshal(v any, m *map[string]json.RawMessage) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, m); err != nil || *m == nil {
		return fmt.Errorf("%T is not a JSON object", v)
	}
	return nil
}
