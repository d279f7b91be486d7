package bolt

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/storage/internal/record"
	bolt "go.etcd.io/bbolt"
)

// Award buckets. Index keys are those of [indexKey]: a parent (badge
// class, bundle, a recipient identifier with a one-letter kind, or "" for
// the time-ordered due indexes), 0x00, a time, the award ID.
var (
	bktAwards = []byte("awards")

	idxAwardsByClass     = []byte("idx:awards:badgeclass")
	idxAwardsByBundle    = []byte("idx:awards:bundle")
	idxAwardsByRecipient = []byte("idx:awards:recipient")   // "u:"+user, "d:"+eduID, "p:"+EPPN, "e:"+email
	idxAwardsScheduled   = []byte("idx:awards:scheduled")   // by ScheduledFor, while scheduled
	idxAwardsDeadline    = []byte("idx:awards:deadline")    // by ClaimDeadline, while sent
	idxAwardsUnissued    = []byte("idx:awards:unissued")    // by Created, while accepted without credential
	idxAwardsOpenRequest = []byte("idx:awards:openrequest") // badge class, 0x00, user → award ID
)

var _ issuer.AwardStore = (*DB)(nil)

func recipientKeys(r record.Recipient) []string {
	var ks []string
	for _, k := range []string{"u:" + r.UserID, "d:" + r.EduID, "p:" + r.EPPN, "e:" + r.Email} {
		if len(k) > 2 {
			ks = append(ks, k)
		}
	}
	return ks
}

func openRequestKey(r *record.Award) []byte {
	return append(prefix(r.BadgeClassID), r.Recipient.UserID...)
}

// awardIndex returns r's index entries, but its open request's.
func awardIndex(r *record.Award) []indexEntry {
	entries := []indexEntry{{idxAwardsByClass, indexKey(r.BadgeClassID, r.Created, r.ID)}}
	if r.BundleID != "" {
		entries = append(entries, indexEntry{idxAwardsByBundle, indexKey(r.BundleID, r.Created, r.ID)})
	}
	for _, k := range recipientKeys(r.Recipient) {
		entries = append(entries, indexEntry{idxAwardsByRecipient, indexKey(k, r.Created, r.ID)})
	}
	switch {
	case r.State == string(issuer.AwardScheduled):
		entries = append(entries, indexEntry{idxAwardsScheduled, indexKey("", r.ScheduledFor, r.ID)})
	case r.State == string(issuer.AwardSent):
		entries = append(entries, indexEntry{idxAwardsDeadline, indexKey("", r.ClaimDeadline, r.ID)})
	case r.Unissued():
		entries = append(entries, indexEntry{idxAwardsUnissued, indexKey("", r.Created, r.ID)})
	}
	return entries
}

// missing returns the entries of a that b lacks.
func missing(a, b []indexEntry) []indexEntry {
	var out []indexEntry
	for _, e := range a {
		if !slices.ContainsFunc(b, func(o indexEntry) bool { return bytes.Equal(o.bucket, e.bucket) && bytes.Equal(o.key, e.key) }) {
			out = append(out, e)
		}
	}
	return out
}

// indexAward adds the index entries of the new award r. Adding an open
// request that exists fails with Conflict.
func indexAward(tx *bolt.Tx, r *record.Award) error { return reindexAward(tx, nil, r) }

// reindexAward moves an award's index entries from those of old to those
// of next (either may be nil): it touches only the entries that differ,
// since every key written costs its page in the commit. Adding an open
// request that exists fails with Conflict.
func reindexAward(tx *bolt.Tx, old, next *record.Award) error {
	var was, is []indexEntry
	if old != nil {
		was = awardIndex(old)
	}
	if next != nil {
		is = awardIndex(next)
	}
	if err := setIndex(tx, missing(was, is), true); err != nil {
		return err
	}
	if err := setIndex(tx, missing(is, was), false); err != nil {
		return err
	}
	b := tx.Bucket(idxAwardsOpenRequest)
	var oldKey []byte
	if old != nil && old.OpenRequest() {
		oldKey = openRequestKey(old)
	}
	if next == nil || !next.OpenRequest() {
		if oldKey != nil {
			return b.Delete(oldKey)
		}
		return nil
	}
	k := openRequestKey(next)
	if oldKey != nil && !bytes.Equal(oldKey, k) {
		if err := b.Delete(oldKey); err != nil {
			return err
		}
	}
	if id := b.Get(k); id != nil && string(id) != next.ID {
		return badged.Errorf(badged.Conflict, "an open request for badge class %s by %s exists", next.BadgeClassID, next.Recipient.UserID)
	} else if id != nil {
		return nil
	}
	return b.Put(k, []byte(next.ID))
}

// checkAward refuses identifiers the index keys cannot hold.
func checkAward(r *record.Award) error {
	if err := checkID("award", r.ID); err != nil {
		return err
	}
	for _, s := range []string{r.BadgeClassID, r.BundleID, r.Recipient.UserID, r.Recipient.EduID, r.Recipient.EPPN, r.Recipient.Email} {
		if strings.IndexByte(s, 0) >= 0 {
			return badged.Errorf(badged.Invalid, "award %s: an identifier contains a NUL byte", r.ID)
		}
	}
	return nil
}

// CreateAwards implements [issuer.AwardStore].
func (db *DB) CreateAwards(ctx context.Context, awards []*issuer.Award, fx issuer.Effects) error {
	rs := make([]*record.Award, len(awards))
	for i, a := range awards {
		rs[i] = record.FromAward(a)
		rs[i].Version = 1
		if err := checkAward(rs[i]); err != nil {
			return err
		}
	}
	effects, err := encodeEffects(fx)
	if err != nil {
		return err
	}
	err = db.update(ctx, func(tx *bolt.Tx) error {
		classes := map[string]bool{}
		for _, r := range rs {
			if !classes[r.BadgeClassID] {
				if err := exists(tx, bktBadgeClasses, "badge class", r.BadgeClassID); err != nil {
					return err
				}
				classes[r.BadgeClassID] = true
			}
			if err := insert(tx, bktAwards, "award", r.ID, r); err != nil {
				return err
			}
			if err := indexAward(tx, r); err != nil {
				return err
			}
		}
		return effects.write(tx)
	})
	if err == nil {
		for _, a := range awards {
			a.Version = 1
		}
	}
	return err
}

// effectWrites are the audit entries and mails of a change, encoded
// before the transaction that stores them: a commit shared by many
// writers does the least it can while it holds bbolt's one writer.
type effectWrites struct {
	entries []entryWrite
	mails   []mailWrite
}

func encodeEffects(fx issuer.Effects) (effectWrites, error) {
	var w effectWrites
	for _, e := range fx.Audit {
		ew, err := encodeEntry(e)
		if err != nil {
			return effectWrites{}, err
		}
		w.entries = append(w.entries, ew)
	}
	for _, m := range fx.Mails {
		mw, err := encodeMail(m)
		if err != nil {
			return effectWrites{}, err
		}
		w.mails = append(w.mails, mw)
	}
	return w, nil
}

// write adds the entries and mails in tx, skipping those whose ID exists.
func (w effectWrites) write(tx *bolt.Tx) error {
	for _, e := range w.entries {
		if err := e.write(tx); err != nil && badged.KindOf(err) != badged.Conflict {
			return err
		}
	}
	for _, m := range w.mails {
		if err := m.write(tx); err != nil && badged.KindOf(err) != badged.Conflict {
			return err
		}
	}
	return nil
}

// Award implements [issuer.AwardStore].
func (db *DB) Award(ctx context.Context, id string) (*issuer.Award, error) {
	return read(ctx, db, bktAwards, "award", id, (*record.Award).Domain)
}

// UpdateAward implements [issuer.AwardStore].
func (db *DB) UpdateAward(ctx context.Context, a *issuer.Award, fx issuer.Effects) error {
	u, err := newAwardUpdate(a)
	if err != nil {
		return err
	}
	effects, err := encodeEffects(fx)
	if err != nil {
		return err
	}
	// Concurrent updates (claims by many learners) share a commit; batch
	// may run fn again, so fn has no effect outside tx but on u's record,
	// which it sets anew from the stored record each time.
	err = db.batch(ctx, func(tx *bolt.Tx) error {
		if err := u.write(tx); err != nil {
			return err
		}
		return effects.write(tx)
	})
	if err == nil {
		u.done()
	}
	return err
}

// awardUpdate is an award's update, written in a transaction by write
// and reported back to the award by done once committed.
type awardUpdate struct {
	a *issuer.Award
	r *record.Award
}

func newAwardUpdate(a *issuer.Award) (awardUpdate, error) {
	r := record.FromAward(a)
	return awardUpdate{a, r}, checkAward(r)
}

// write stores the award in tx when its version is the stored one
// (Conflict otherwise), keeping what an update never changes.
func (u awardUpdate) write(tx *bolt.Tx) error {
	r := u.r
	var old record.Award
	if err := get(tx, bktAwards, "award", r.ID, &old); err != nil {
		return err
	}
	if old.Version != u.a.Version {
		return conflict("award", r.ID, old.Version, u.a.Version)
	}
	r.Version, r.Created, r.Kind, r.BundleID = old.Version+1, old.Created, old.Kind, old.BundleID
	r.InstitutionID, r.GroupID, r.IssuerID, r.BadgeClassID = old.InstitutionID, old.GroupID, old.IssuerID, old.BadgeClassID
	if err := put(tx, bktAwards, r.ID, r); err != nil {
		return err
	}
	return reindexAward(tx, &old, r)
}

// done sets the award's stored version and kept fields.
func (u awardUpdate) done() {
	a, r := u.a, u.r
	a.Version, a.Created, a.Kind, a.BundleID = r.Version, r.Created, issuer.AwardKind(r.Kind), r.BundleID
	a.InstitutionID, a.GroupID, a.IssuerID, a.BadgeClassID = r.InstitutionID, r.GroupID, r.IssuerID, r.BadgeClassID
}

// position returns the part of an index key after its parent: the time
// and the ID.
func position(t time.Time, id string) []byte {
	return indexKey("", t, id)[1:]
}

// tail returns, in order, the positions of the index entries under parent
// that come after the position after (nil: from the start).
func tail(tx *bolt.Tx, index []byte, parent string, after []byte) [][]byte {
	p := prefix(parent)
	c := tx.Bucket(index).Cursor()
	start := p
	if after != nil {
		start = append(slices.Clip(p), after...)
	}
	var out [][]byte
	for k, _ := c.Seek(start); k != nil && bytes.HasPrefix(k, p) && len(k) >= len(p)+8; k, _ = c.Next() {
		pos := k[len(p):]
		if after != nil && bytes.Equal(pos, after) {
			continue
		}
		out = append(out, slices.Clone(pos))
	}
	return out
}

func awardAt(tx *bolt.Tx, pos []byte) (*record.Award, error) {
	var r record.Award
	if err := get(tx, bktAwards, "award", string(pos[8:]), &r); err != nil {
		if badged.KindOf(err) == badged.NotFound {
			return nil, badged.Errorf(badged.Internal, "an award index names missing award %s", pos[8:])
		}
		return nil, err
	}
	return &r, nil
}

// Awards implements [issuer.AwardStore].
func (db *DB) Awards(ctx context.Context, q issuer.AwardQuery) ([]*issuer.Award, error) {
	var (
		index   []byte
		parents []string
		n       int
	)
	if q.BadgeClassID != "" {
		index, parents, n = idxAwardsByClass, []string{q.BadgeClassID}, n+1
	}
	if q.BundleID != "" {
		index, parents, n = idxAwardsByBundle, []string{q.BundleID}, n+1
	}
	if q.Learner != nil {
		index, parents, n = idxAwardsByRecipient, nil, n+1
		l := q.Learner
		parents = recipientKeys(record.Recipient{UserID: l.UserID, EduID: l.EduID})
		for _, e := range l.Emails {
			parents = append(parents, "e:"+e)
		}
		for _, e := range l.EPPNs {
			parents = append(parents, "p:"+e)
		}
	}
	if n != 1 {
		return nil, badged.Errorf(badged.Invalid, "select awards by one of badge class, bundle or learner")
	}
	var after []byte
	if !q.After.IsZero() {
		after = position(q.After.Time, q.After.ID)
	}
	out := []*issuer.Award{}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var positions [][]byte
		for _, p := range parents {
			if strings.IndexByte(p, 0) >= 0 {
				continue
			}
			positions = append(positions, tail(tx, index, p, after)...)
		}
		if len(parents) > 1 {
			slices.SortFunc(positions, bytes.Compare)
			positions = slices.CompactFunc(positions, bytes.Equal)
		}
		for _, pos := range positions {
			r, err := awardAt(tx, pos)
			if err != nil {
				return err
			}
			if len(q.States) > 0 && !slices.Contains(q.States, issuer.AwardState(r.State)) {
				continue
			}
			out = append(out, r.Domain())
			if q.Limit > 0 && len(out) == q.Limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// due lists, in order, the awards of a time-ordered index whose time is
// in (from, to], that keep says to, at most limit (0: all).
func (db *DB) due(ctx context.Context, index []byte, from, to time.Time, limit int, keep func(*record.Award) bool) ([]*issuer.Award, error) {
	out := []*issuer.Award{}
	end := position(to, "")[:8]
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(index).Cursor()
		var start []byte
		if !from.IsZero() {
			start = indexKey("", from.Add(time.Nanosecond), "")
		}
		for k, _ := c.Seek(start); k != nil && len(k) >= 9; k, _ = c.Next() {
			pos := k[1:]
			if bytes.Compare(pos[:8], end) > 0 {
				break
			}
			r, err := awardAt(tx, pos)
			if err != nil {
				return err
			}
			if keep != nil && !keep(r) {
				continue
			}
			out = append(out, r.Domain())
			if limit > 0 && len(out) == limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// ScheduledDue implements [issuer.AwardStore].
func (db *DB) ScheduledDue(ctx context.Context, t time.Time, limit int) ([]*issuer.Award, error) {
	return db.due(ctx, idxAwardsScheduled, time.Time{}, t, limit, nil)
}

// ExpiryDue implements [issuer.AwardStore].
func (db *DB) ExpiryDue(ctx context.Context, t time.Time, limit int) ([]*issuer.Award, error) {
	return db.due(ctx, idxAwardsDeadline, time.Time{}, t, limit, nil)
}

// RemindersDue implements [issuer.AwardStore].
func (db *DB) RemindersDue(ctx context.Context, t time.Time, daysLeft, limit int) ([]*issuer.Award, error) {
	return db.due(ctx, idxAwardsDeadline, t, t.Add(time.Duration(daysLeft)*24*time.Hour), limit,
		func(r *record.Award) bool { return !slices.Contains(r.Reminders, daysLeft) })
}

// Unissued implements [issuer.AwardStore].
func (db *DB) Unissued(ctx context.Context, limit int) ([]*issuer.Award, error) {
	max := time.Unix(0, 1<<63-1)
	return db.due(ctx, idxAwardsUnissued, time.Time{}, max, limit, nil)
}
