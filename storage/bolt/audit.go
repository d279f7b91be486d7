package bolt

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/audit"
	bolt "go.etcd.io/bbolt"
)

var _ audit.Store = (*DB)(nil)

// Buckets of package audit. Nothing deletes from them or overwrites a key.
var (
	bktAudit    = []byte("audit:entries") // institution ID, 0x00, time, entry ID → auditRecord
	idxAuditIDs = []byte("audit:ids")     // entry ID → its key in bktAudit
)

// auditFormat is the format number of auditRecord.
const auditFormat = 1

type auditRecord struct {
	Format        int       `json:"format"`
	ID            string    `json:"id"`
	Time          time.Time `json:"time"`
	InstitutionID string    `json:"institution"`
	Actor         string    `json:"actor"`
	Action        string    `json:"action"`
	TargetKind    string    `json:"targetKind"`
	TargetID      string    `json:"targetId"`
	Details       string    `json:"details,omitempty"` // as recorded; a RawMessage would be re-escaped
}

func (r *auditRecord) domain() *audit.Entry {
	var details json.RawMessage
	if r.Details != "" {
		details = json.RawMessage(r.Details)
	}
	return &audit.Entry{ID: r.ID, Time: r.Time, InstitutionID: r.InstitutionID, Actor: r.Actor, Action: r.Action,
		Target: audit.Target{Kind: r.TargetKind, ID: r.TargetID}, Details: details}
}

// Append implements [audit.Store].
func (db *DB) Append(ctx context.Context, e *audit.Entry) error {
	return storeErr(db.update(ctx, func(tx *bolt.Tx) error { return appendEntry(tx, e) }))
}

// appendEntry adds e in tx; it fails with Conflict when its ID exists.
func appendEntry(tx *bolt.Tx, e *audit.Entry) error {
	w, err := encodeEntry(e)
	if err != nil {
		return err
	}
	return w.write(tx)
}

// entryWrite is an audit entry encoded for appendEntry's write, which
// may happen in a transaction shared with other writes.
type entryWrite struct {
	id, key, data []byte
}

func encodeEntry(e *audit.Entry) (entryWrite, error) {
	if e.InstitutionID == "" || strings.ContainsRune(e.InstitutionID, 0) {
		return entryWrite{}, badged.Errorf(badged.Invalid, "audit entry %s has no valid institution", e.ID)
	}
	if err := checkID("audit entry", e.ID); err != nil {
		return entryWrite{}, err
	}
	r := &auditRecord{Format: auditFormat, ID: e.ID, Time: e.Time.UTC(), InstitutionID: e.InstitutionID,
		Actor: e.Actor, Action: e.Action, TargetKind: e.Target.Kind, TargetID: e.Target.ID, Details: string(e.Details)}
	data, err := json.Marshal(r)
	if err != nil {
		return entryWrite{}, err
	}
	return entryWrite{id: []byte(e.ID), key: indexKey(r.InstitutionID, r.Time, r.ID), data: data}, nil
}

// write adds the entry in tx; Conflict when its ID exists.
func (w entryWrite) write(tx *bolt.Tx) error {
	ids := tx.Bucket(idxAuditIDs)
	if ids.Get(w.id) != nil {
		return badged.Errorf(badged.Conflict, "audit entry %s already exists", w.id)
	}
	if err := tx.Bucket(bktAudit).Put(w.key, w.data); err != nil {
		return err
	}
	return ids.Put(w.id, w.key)
}

// Entries implements [audit.Store]. Filters other than the institution
// are applied while scanning the institution's entries, newest first.
func (db *DB) Entries(ctx context.Context, q audit.Query) ([]*audit.Entry, error) {
	out := []*audit.Entry{}
	if q.InstitutionID == "" || strings.ContainsRune(q.InstitutionID, 0) {
		return out, nil
	}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var start []byte
		switch {
		case !q.After.IsZero() && (q.Until.IsZero() || q.After.Time.Before(q.Until)):
			start = indexKey(q.InstitutionID, q.After.Time, q.After.ID)
		case !q.Until.IsZero():
			start = indexKey(q.InstitutionID, q.Until, "")
		}
		entries := tx.Bucket(bktAudit)
		p := prefix(q.InstitutionID)
		return reverseScanKeys(entries, q.InstitutionID, start, func(k []byte) (bool, error) {
			var r auditRecord
			if err := decode(entries.Get(k), "audit entry", string(k[len(p)+8:]), auditFormat, &r); err != nil {
				return false, err
			}
			if !q.Since.IsZero() && r.Time.Before(q.Since) {
				return false, nil // older entries follow
			}
			e := r.domain()
			if !q.Match(e) {
				return true, nil
			}
			out = append(out, e)
			return q.Limit <= 0 || len(out) < q.Limit, nil
		})
	})
	return out, storeErr(err)
}

// reverseScanKeys is reverseScan passing whole keys.
func reverseScanKeys(b *bolt.Bucket, parent string, start []byte, fn func(k []byte) (bool, error)) error {
	p := prefix(parent)
	if start == nil {
		start = append([]byte(parent), 1)
	}
	c := b.Cursor()
	k, _ := c.Seek(start)
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	for ; k != nil && len(k) >= len(p)+8 && string(k[:len(p)]) == string(p); k, _ = c.Prev() {
		more, err := fn(k)
		if err != nil || !more {
			return err
		}
	}
	return nil
}
