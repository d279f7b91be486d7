package postgres

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/issuance"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/keys"
	"github.com/badged/badged/storage/internal/record"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

var _ issuance.Store = (*DB)(nil)

// issuanceError translates pgx errors of the issuance tables.
func issuanceError(err error, what, id string) error {
	var be *badged.Error
	if errors.As(err, &be) {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return notFound(what, id)
	}
	if isUniqueViolation(err) {
		return badged.Errorf(badged.Conflict, "%s %s already exists", what, id)
	}
	return badged.Wrap(badged.Unavailable, err, "the database failed")
}

func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// optTime maps the zero time to NULL.
func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func fromOptTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// KeyRing implements [issuance.Store].
func (db *DB) KeyRing(ctx context.Context, institutionID string) (*keys.Ring, int64, error) {
	var (
		raw     []byte
		version int64
	)
	err := db.pool.QueryRow(ctx, "SELECT ring, version FROM issuance_key_rings WHERE institution_id = $1", institutionID).Scan(&raw, &version)
	if err != nil {
		return nil, 0, issuanceError(err, "key ring of institution", institutionID)
	}
	var ring keys.Ring
	if err := json.Unmarshal(raw, &ring); err != nil {
		return nil, 0, badged.Wrap(badged.Internal, fmt.Errorf("key ring of %s: %v", institutionID, err), "stored record unreadable")
	}
	return &ring, version, nil
}

// PutKeyRing implements [issuance.Store].
func (db *DB) PutKeyRing(ctx context.Context, institutionID string, ring *keys.Ring, version int64) (int64, error) {
	if institutionID == "" {
		return 0, badged.Errorf(badged.Invalid, "key ring without an institution")
	}
	raw, err := json.Marshal(ring)
	if err != nil {
		return 0, fmt.Errorf("encode key ring: %w", err)
	}
	var tag pgconn.CommandTag
	if version == 0 {
		tag, err = db.pool.Exec(ctx, `INSERT INTO issuance_key_rings (institution_id, version, ring) VALUES ($1, 1, $2)
			ON CONFLICT (institution_id) DO NOTHING`, institutionID, raw)
	} else {
		tag, err = db.pool.Exec(ctx, `UPDATE issuance_key_rings SET ring = $2, version = version + 1
			WHERE institution_id = $1 AND version = $3`, institutionID, raw, version)
	}
	if err != nil {
		return 0, issuanceError(err, "key ring of institution", institutionID)
	}
	if tag.RowsAffected() != 1 {
		return 0, badged.Errorf(badged.Conflict, "the key ring of institution %s was changed by someone else; reload and try again", institutionID)
	}
	return version + 1, nil
}

// Allocate implements [issuance.Store]. The transaction locks the issuer's
// current list row (SELECT … FOR UPDATE), so allocations in one list take
// turns; the primary key (list_id, idx) of issuance_status_slots and the
// unique (issuer_id, purpose, seq) of the lists make a duplicate index or
// a second new list impossible even so: a transaction that hits one is
// retried from the start.
func (db *DB) Allocate(ctx context.Context, a *issuance.Allocation) (issuance.Slot, error) {
	if a.AwardID == "" || a.IssuerID == "" {
		return issuance.Slot{}, badged.Errorf(badged.Invalid, "an allocation needs an award and an issuer")
	}
	var err error
	for range 20 {
		var slot issuance.Slot
		err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
			var e error
			slot, e = allocate(ctx, tx, a)
			return e
		})
		if err == nil {
			return slot, nil
		}
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.ConstraintName == "issuance_status_lists_pkey" {
			return issuance.Slot{}, badged.Errorf(badged.Conflict, "status list %s already exists", a.NewListID)
		}
		if !isUniqueViolation(err) {
			return issuance.Slot{}, issuanceError(err, "status list slot of award", a.AwardID)
		}
	}
	return issuance.Slot{}, badged.Wrap(badged.Unavailable, err, "status list allocation keeps colliding; try again")
}

func allocate(ctx context.Context, tx pgx.Tx, a *issuance.Allocation) (issuance.Slot, error) {
	var slot issuance.Slot
	err := tx.QueryRow(ctx, "SELECT list_id, idx FROM issuance_status_slots WHERE award_id = $1", a.AwardID).Scan(&slot.ListID, &slot.Index)
	if err == nil {
		return slot, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return slot, err
	}
	var (
		id                   string
		seq, size, allocated int
	)
	err = tx.QueryRow(ctx, `SELECT id, seq, size, `+allocatedColumn+` FROM issuance_status_lists
		WHERE issuer_id = $1 AND purpose = $2 ORDER BY seq DESC LIMIT 1 FOR UPDATE`, a.IssuerID, a.Purpose).Scan(&id, &seq, &size, &allocated)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return slot, err
	}
	if id == "" || allocated >= size {
		if a.NewListID == "" || a.Size <= 0 {
			return slot, badged.Errorf(badged.Invalid, "a new status list needs an id and a size")
		}
		id, seq, size = a.NewListID, seq+1, a.Size
		_, err := tx.Exec(ctx, `INSERT INTO issuance_status_lists (id, issuer_id, purpose, seq, size, encoded_list, version, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, 1, $7)`, id, a.IssuerID, a.Purpose, seq, size, a.EmptyList, a.Now)
		if err != nil {
			return slot, err
		}
		slot.NewList = true
	}
	claim := func(i int) (bool, error) {
		tag, err := tx.Exec(ctx, `INSERT INTO issuance_status_slots (list_id, idx, award_id) VALUES ($1, $2, $3)
			ON CONFLICT (list_id, idx) DO NOTHING`, id, i, a.AwardID)
		return err == nil && tag.RowsAffected() == 1, err
	}
	idx := -1
	for range issuance.Probes {
		i, err := a.Candidate(size)
		if err != nil {
			return slot, err
		}
		ok, err := claim(i)
		if err != nil {
			return slot, err
		}
		if ok {
			idx = i
			break
		}
	}
	if idx < 0 {
		// A nearly full list: the first free index from a random start.
		start, err := a.Candidate(size)
		if err != nil {
			return slot, err
		}
		err = tx.QueryRow(ctx, `SELECT i FROM generate_series(0, $2::int - 1) AS i
			WHERE NOT EXISTS (SELECT 1 FROM issuance_status_slots WHERE list_id = $1 AND idx = i)
			ORDER BY (i < $3::int), i LIMIT 1`, id, size, start).Scan(&idx)
		if err != nil {
			return slot, err
		}
		if ok, err := claim(idx); err != nil || !ok {
			return slot, errors.Join(err, badged.Errorf(badged.Internal, "status list %s: free index %d was taken", id, idx))
		}
	}
	if _, err := tx.Exec(ctx, "UPDATE issuance_status_lists SET allocated = allocated + 1 WHERE id = $1", id); err != nil {
		return slot, err
	}
	slot.ListID, slot.Index = id, idx
	return slot, nil
}

// allocatedColumn is how many indexes of a list (a row of
// issuance_status_lists) are reserved: its own count plus those of
// issuance_status_counts, where claims count theirs (migration 019).
const allocatedColumn = `allocated + coalesce((SELECT sum(c.reserved) FROM issuance_status_counts c
	WHERE c.list_id = issuance_status_lists.id), 0)::int`

// countStripes is how many rows of issuance_status_counts a list's
// claims spread their counts over.
const countStripes = 16

const statusListColumns = `id, issuer_id, purpose, seq, size, ` + allocatedColumn + `, encoded_list, version, credential, credential_version, signed_at, created_at`

func scanStatusList(row pgx.Row) (*issuance.StatusList, error) {
	var (
		l              issuance.StatusList
		signed         *time.Time
		created        time.Time
		credentialJSON []byte
	)
	err := row.Scan(&l.ID, &l.IssuerID, &l.Purpose, &l.Seq, &l.Size, &l.Allocated, &l.Encoded, &l.Version,
		&credentialJSON, &l.CredentialVersion, &signed, &created)
	if err != nil {
		return nil, err
	}
	l.Credential, l.Signed, l.Created = credentialJSON, fromOptTime(signed), created.UTC()
	return &l, nil
}

// StatusList implements [issuance.Store].
func (db *DB) StatusList(ctx context.Context, id string) (*issuance.StatusList, error) {
	l, err := scanStatusList(db.pool.QueryRow(ctx, "SELECT "+statusListColumns+" FROM issuance_status_lists WHERE id = $1", id))
	if err != nil {
		return nil, issuanceError(err, "status list", id)
	}
	return l, nil
}

// PutListCredential implements [issuance.Store].
func (db *DB) PutListCredential(ctx context.Context, id string, version int64, credential []byte, signed time.Time) error {
	tag, err := db.pool.Exec(ctx, `UPDATE issuance_status_lists SET credential = $2, credential_version = $3, signed_at = $4
		WHERE id = $1 AND (credential IS NULL OR credential_version < $3)`, id, bytes.Clone(credential), version, signed)
	if err != nil {
		return issuanceError(err, "status list", id)
	}
	if tag.RowsAffected() == 0 {
		var one int
		if err := db.pool.QueryRow(ctx, "SELECT 1 FROM issuance_status_lists WHERE id = $1", id).Scan(&one); err != nil {
			return issuanceError(err, "status list", id)
		}
	}
	return nil
}

// FreeSlot implements [issuance.Store]. Most calls read nothing: they
// take an index from the node's candidates (freeSlots), free ones of the
// issuer's current list that one read found for many claims. That read,
// when none is left, also answers for the award itself: its own index
// when it holds one, else a free one. An index of this node's candidates
// that another node reserved meanwhile (rare: indexes are drawn among
// some 131,000) makes CreateCredential fail with Conflict, and the
// credential is signed again with another.
func (db *DB) FreeSlot(ctx context.Context, a *issuance.Allocation) (issuance.Slot, error) {
	key := a.IssuerID + "\x00" + a.Purpose
	if slot, ok := db.freeSlots.take(key); ok {
		return slot, nil
	}
	var candidates [freeSlotCandidates]int32 // without a.Size, drawn below under the list's size
	for i := range candidates {
		candidates[i] = -1
		if a.Size <= 0 {
			continue
		}
		c, err := a.Candidate(a.Size)
		if err != nil {
			return issuance.Slot{}, err
		}
		candidates[i] = int32(c)
	}
	var (
		heldList *string
		heldIdx  *int
		id       *string
		size     int
		taken    []*int32
	)
	args := []any{a.AwardID, a.IssuerID, a.Purpose}
	for _, c := range candidates {
		args = append(args, c)
	}
	err := db.pool.QueryRow(ctx, freeSlotSQL, args...).Scan(&heldList, &heldIdx, &id, &size, &taken)
	switch {
	case err != nil:
		return issuance.Slot{}, issuanceError(err, "status slot of award", a.AwardID)
	case heldList != nil:
		return issuance.Slot{ListID: *heldList, Index: *heldIdx, Held: true}, nil
	case id == nil:
		return issuance.Slot{}, notFound("status list of issuer", a.IssuerID)
	}
	var free []int
	for _, c := range candidates {
		if c >= 0 && int(c) < size && !slices.ContainsFunc(taken, func(t *int32) bool { return t != nil && *t == c }) {
			free = append(free, int(c))
		}
	}
	if idx, ok := db.freeSlots.add(key, *id, free); ok {
		return issuance.Slot{ListID: *id, Index: idx}, nil
	}
	for range issuance.Probes {
		i, err := a.Candidate(size)
		if err != nil {
			return issuance.Slot{}, err
		}
		var taken bool
		err = db.pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM issuance_status_slots WHERE list_id = $1 AND idx = $2)", *id, i).Scan(&taken)
		if err != nil {
			return issuance.Slot{}, issuanceError(err, "status list", *id)
		}
		if !taken {
			return issuance.Slot{ListID: *id, Index: i}, nil
		}
	}
	// A nearly full list: Allocate scans for a free index.
	return issuance.Slot{}, badged.Errorf(badged.NotFound, "status list %s is nearly full", *id)
}

// freeSlotCandidates is how many random indexes FreeSlot's read checks:
// one for the claim that reads, the others for the next claims.
const freeSlotCandidates = 32

// freeSlotSQL reads the slot award $1 holds, issuer $2's current list of
// purpose $3, and which of the candidates $4… are taken there: each
// looked up by both columns of the primary key, in a subquery of its own,
// so that the read costs the same however full the list is, whatever plan
// the server caches for it (an anti join of the candidates scanned every
// index of the list).
var freeSlotSQL = func() string {
	var b strings.Builder
	b.WriteString(`WITH cur AS (SELECT id, size FROM issuance_status_lists
			WHERE issuer_id = $2 AND purpose = $3 ORDER BY seq DESC LIMIT 1)
		SELECT h.list_id, h.idx, cur.id, coalesce(cur.size, 0), ARRAY[`)
	for i := range freeSlotCandidates {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "(SELECT s.idx FROM issuance_status_slots s WHERE s.list_id = cur.id AND s.idx = $%d)", i+4)
	}
	b.WriteString(`]
		FROM (SELECT 1) AS one
		LEFT JOIN issuance_status_slots h ON h.award_id = $1
		LEFT JOIN cur ON true`)
	return b.String()
}()

// freeSlots are, by issuer and purpose, the free indexes FreeSlot found
// and has not proposed yet, and those it proposed lately: a later read
// finds an index free until the claim it went to is stored, and must not
// propose it again.
type freeSlots struct {
	mu    sync.Mutex
	lists map[string]*freeList
}

type freeList struct {
	id     string
	unused []int            // free, not proposed yet
	seen   map[int]struct{} // unused or proposed lately
	order  []int            // seen, oldest first
}

// maxSeenSlots bounds the indexes remembered as proposed, per list.
const maxSeenSlots = 4096

// take returns the next unused index of key, if any.
func (f *freeSlots) take(key string) (issuance.Slot, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	l := f.lists[key]
	if l == nil || len(l.unused) == 0 {
		return issuance.Slot{}, false
	}
	idx := l.unused[len(l.unused)-1]
	l.unused = l.unused[:len(l.unused)-1]
	return issuance.Slot{ListID: l.id, Index: idx}, true
}

// add keeps the free indexes of list id (key's current one) that it has
// not seen, and returns the first of them, proposed now.
func (f *freeSlots) add(key, id string, free []int) (int, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.lists == nil {
		f.lists = map[string]*freeList{}
	}
	l := f.lists[key]
	if l == nil || l.id != id { // the issuer's current list changed
		l = &freeList{id: id, seen: map[int]struct{}{}}
		f.lists[key] = l
	}
	first, ok := -1, false
	for _, idx := range free {
		if _, seen := l.seen[idx]; seen {
			continue
		}
		l.seen[idx] = struct{}{}
		l.order = append(l.order, idx)
		if ok {
			l.unused = append(l.unused, idx)
		} else {
			first, ok = idx, true
		}
	}
	for len(l.order) > maxSeenSlots {
		if !slices.Contains(l.unused, l.order[0]) {
			delete(l.seen, l.order[0])
		}
		l.order = l.order[1:]
	}
	return first, ok
}

// CreateCredential implements [issuance.Store]: it reserves the index
// (counted on one of its list's count rows), inserts the credential,
// writes its effects and updates the award it completes, in one implicit
// transaction: one round trip. Concurrent calls are written together
// (groupCommit), one statement per table for all of them. A reservation
// of an index that is not free for its award, or an award changed
// meanwhile, fails its statement (badged_refuse), which undoes the
// transaction; a call written alone is then explained by asking the
// server again.
func (db *DB) CreateCredential(ctx context.Context, c *issuance.Credential) error {
	w, err := newCredentialWrite(c)
	if err != nil {
		return err
	}
	if err := db.credentialWrites.do(ctx, w, db.writeCredential, db.writeCredentials); err != nil {
		return err
	}
	if w.award != nil {
		c.Award.Version = w.award.Version
	}
	return nil
}

// credentialWrite is a credential to store, with the award record it
// completes, if any, encoded.
type credentialWrite struct {
	c         *issuance.Credential
	award     *record.Award
	awardData []byte
}

func newCredentialWrite(c *issuance.Credential) (*credentialWrite, error) {
	if c.ID == "" || c.AwardID == "" {
		return nil, badged.Errorf(badged.Invalid, "a credential needs an id and an award")
	}
	w := &credentialWrite{c: c}
	if c.Award != nil {
		w.award = record.FromAward(c.Award)
		w.award.Version = c.Award.Version + 1
		var err error
		if w.awardData, err = json.Marshal(w.award); err != nil {
			return nil, err
		}
	}
	return w, nil
}

func (w *credentialWrite) args() []any {
	c := w.c
	return []any{c.AwardID, c.ID, c.IssuerID, c.ListID, c.StatusList, c.StatusIdx, c.IssuedAt, optTime(c.ValidUntil),
		optTime(c.Revoked), c.RevocationReason, c.JSON, string(c.JWT)}
}

const credentialInsert = `INSERT INTO issuance_credentials (` + credentialColumns + `)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`

// writeCredential stores one credential.
func (db *DB) writeCredential(ctx context.Context, w *credentialWrite) error {
	c, award := w.c, w.award
	b := &pgx.Batch{}
	if err := queueUnchanged(b, c.Unchanged); err != nil {
		return err
	}
	b.Queue(`WITH slot AS (INSERT INTO issuance_status_slots (list_id, idx, award_id) VALUES ($1, $2, $3)
			ON CONFLICT DO NOTHING RETURNING 1),
		counted AS (INSERT INTO issuance_status_counts (list_id, stripe, reserved) SELECT $1, $4, 1 FROM slot
			ON CONFLICT (list_id, stripe) DO UPDATE SET reserved = issuance_status_counts.reserved + 1)
		SELECT badged_refuse('`+refusedIndex+`', 'the index is not free for the award') WHERE NOT EXISTS (SELECT 1 FROM slot)
			AND NOT EXISTS (SELECT 1 FROM issuance_status_slots WHERE list_id = $1 AND idx = $2 AND award_id = $3)`,
		c.ListID, c.StatusIdx, c.AwardID, c.StatusIdx%countStripes)
	if _, err := queueEffects(b, c.Effects); err != nil {
		return err
	}
	b.Queue(credentialInsert, w.args()...)
	if award != nil {
		args := append(append([]any{award.ID}, awardColumns(award)...), w.awardData, c.Award.Version)
		b.Queue(`WITH updated AS (`+awardUpdateSQL+` AND version = $13 RETURNING 1)
			SELECT badged_refuse('`+refusedAward+`', 'the award changed') WHERE NOT EXISTS (SELECT 1 FROM updated)`, args...)
	}
	err := db.pool.SendBatch(ctx, b).Close()
	if err == nil {
		return nil
	}
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &pe) && pe.Code == refusedIndex:
		if err := heldBy(ctx, db.pool, c); err != nil {
			return err
		}
		return badged.Errorf(badged.Conflict, "index %d of status list %s is taken", c.StatusIdx, c.ListID)
	case errors.As(err, &pe) && pe.Code == refusedAward:
		var v int64
		if err := db.pool.QueryRow(ctx, "SELECT version FROM awards WHERE id = $1", award.ID).Scan(&v); err != nil {
			return issuanceError(err, "award", award.ID)
		}
		return conflict("award", award.ID, v, c.Award.Version)
	case errors.As(err, &pe) && pe.Code == refusedStale:
		return badged.Wrap(badged.Conflict, issuer.ErrStale, "a record the credential states changed meanwhile; try again")
	case errors.As(err, &pe) && pe.Code == "23503":
		return badged.Errorf(badged.NotFound, "status list %s not found", c.ListID)
	}
	return issuanceError(err, "credential", c.ID)
}

// writeCredentials stores several credentials in one transaction, one
// statement per table, or none of them: any refusal or error fails the
// whole group, whose members are then written one by one.
func (db *DB) writeCredentials(ctx context.Context, ws []*credentialWrite) error {
	var (
		slots, creds, awards [][]any
		fxs                  []issuer.Effects
		stamps               []issuer.Stamp
	)
	for _, w := range ws {
		c := w.c
		stamps = append(stamps, c.Unchanged...)
		slots = append(slots, []any{c.ListID, c.StatusIdx, c.AwardID})
		creds = append(creds, w.args())
		fxs = append(fxs, c.Effects)
		if w.award != nil {
			cols := awardColumns(w.award)
			row := append([]any{w.award.ID}, slices.Delete(cols, awardRemindersColumn, awardRemindersColumn+1)...)
			awards = append(awards, append(row, w.awardData, c.Award.Version))
		}
	}
	b := &pgx.Batch{}
	if err := queueUnchanged(b, stamps); err != nil {
		return err
	}
	b.Queue(`WITH slot AS (INSERT INTO issuance_status_slots (list_id, idx, award_id)
			SELECT * FROM `+unnest("text", "integer", "text")+` AS s (list_id, idx, award_id) ORDER BY list_id, idx
			ON CONFLICT DO NOTHING RETURNING list_id, idx),
		counted AS (INSERT INTO issuance_status_counts (list_id, stripe, reserved)
			SELECT list_id, idx % `+strconv.Itoa(countStripes)+`, count(*) FROM slot GROUP BY 1, 2 ORDER BY 1, 2
			ON CONFLICT (list_id, stripe) DO UPDATE SET reserved = issuance_status_counts.reserved + excluded.reserved)
		SELECT badged_refuse('`+refusedIndex+`', 'an index is not free for its award')
		WHERE (SELECT count(*) FROM slot) <> cardinality($1::text[])`, columnArrays(slots)...)
	if _, err := queueEffectsOf(b, fxs); err != nil {
		return err
	}
	b.Queue(`INSERT INTO issuance_credentials (`+credentialColumns+`) SELECT * FROM `+
		unnest("text", "text", "text", "text", "text", "integer", "timestamptz", "timestamptz", "timestamptz", "text", "bytea", "text"),
		columnArrays(creds)...)
	if len(awards) > 0 {
		b.Queue(`WITH updated AS (UPDATE awards SET state = v.state, recipient_user = v.recipient_user,
				recipient_eduid = v.recipient_eduid, recipient_eppn = v.recipient_eppn, recipient_email = v.recipient_email,
				scheduled_ns = v.scheduled_ns, deadline_ns = v.deadline_ns,
				reminders = ARRAY(SELECT jsonb_array_elements_text(v.data -> 'reminders')::integer),
				credential_id = v.credential_id, version = v.version, data = v.data
			FROM `+unnest("text", "text", "text", "text", "text", "text", "bigint", "bigint", "text", "bigint", "jsonb", "bigint")+`
				AS v (id, state, recipient_user, recipient_eduid, recipient_eppn, recipient_email,
					scheduled_ns, deadline_ns, credential_id, version, data, expected)
			WHERE awards.id = v.id AND awards.version = v.expected RETURNING 1)
			SELECT badged_refuse('`+refusedAward+`', 'an award changed')
			WHERE (SELECT count(*) FROM updated) <> cardinality($1::text[])`, columnArrays(awards)...)
	}
	return db.pool.SendBatch(ctx, b).Close()
}

// The SQLSTATE codes of CreateCredential's refusals (badged_refuse).
const (
	refusedIndex = "BDG01"
	refusedAward = "BDG02"
	refusedStale = "BDG03"
)

// stampTables are the table and key column of each kind of stamp.
var stampTables = map[issuer.StampKind][2]string{
	issuer.StampInstitution: {"institutions", "id"}, issuer.StampGroup: {"issuer_groups", "id"},
	issuer.StampIssuer: {"issuers", "id"}, issuer.StampBadgeClass: {"badge_classes", "id"},
	issuer.StampKeyRing: {"issuance_key_rings", "institution_id"},
}

// queueUnchanged queues a statement refused (refusedStale) unless each
// stamped record has its stamp's version: each looked up by its key, the
// same stamps (sorted, once each) making the same statement.
func queueUnchanged(b *pgx.Batch, stamps []issuer.Stamp) error {
	if len(stamps) == 0 {
		return nil
	}
	stamps = slices.Clone(stamps)
	slices.SortFunc(stamps, func(a, b issuer.Stamp) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID), cmp.Compare(a.Version, b.Version))
	})
	stamps = slices.Compact(stamps)
	var (
		q    strings.Builder
		args []any
	)
	q.WriteString("SELECT badged_refuse('" + refusedStale + "', 'a record the write was prepared from changed') WHERE ")
	for i, st := range stamps {
		t, ok := stampTables[st.Kind]
		if !ok {
			return badged.Errorf(badged.Invalid, "a write cannot depend on a record of kind %q", st.Kind)
		}
		if i > 0 {
			q.WriteString(" OR ")
		}
		fmt.Fprintf(&q, "(SELECT version FROM %s WHERE %s = $%d) IS DISTINCT FROM $%d::bigint", t[0], t[1], len(args)+1, len(args)+2)
		args = append(args, st.ID, st.Version)
	}
	b.Queue(q.String(), args...)
	return nil
}

// heldBy explains a reservation that inserted nothing: fine when the
// award holds c's index already, Conflict when the index is another
// award's or the award holds another.
func heldBy(ctx context.Context, tx querier, c *issuance.Credential) error {
	var (
		listID string
		idx    int
	)
	err := tx.QueryRow(ctx, "SELECT list_id, idx FROM issuance_status_slots WHERE award_id = $1", c.AwardID).Scan(&listID, &idx)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return badged.Errorf(badged.Conflict, "index %d of status list %s is taken", c.StatusIdx, c.ListID)
	case err != nil:
		return err
	case listID != c.ListID || idx != c.StatusIdx:
		return badged.Errorf(badged.Conflict, "award %s holds index %d of status list %s, not %d of %s",
			c.AwardID, idx, listID, c.StatusIdx, c.ListID)
	}
	return nil
}

const credentialColumns = `award_id, id, issuer_id, list_id, status_list, idx, issued_at, valid_until, revoked_at, revocation_reason, credential, jwt`

func scanCredential(row pgx.Row) (*issuance.Credential, error) {
	var (
		c              issuance.Credential
		issued         time.Time
		until, revoked *time.Time
		jwt            string
	)
	err := row.Scan(&c.AwardID, &c.ID, &c.IssuerID, &c.ListID, &c.StatusList, &c.StatusIdx, &issued, &until, &revoked,
		&c.RevocationReason, &c.JSON, &jwt)
	if err != nil {
		return nil, err
	}
	if jwt != "" {
		c.JWT = []byte(jwt)
	}
	c.IssuedAt, c.ValidUntil, c.Revoked = issued.UTC(), fromOptTime(until), fromOptTime(revoked)
	return &c, nil
}

// CredentialByAward implements [issuance.Store].
func (db *DB) CredentialByAward(ctx context.Context, awardID string) (*issuance.Credential, error) {
	c, err := scanCredential(db.pool.QueryRow(ctx, "SELECT "+credentialColumns+" FROM issuance_credentials WHERE award_id = $1", awardID))
	if err != nil {
		return nil, issuanceError(err, "credential of award", awardID)
	}
	return c, nil
}

// Credentials implements [issuance.Store].
func (db *DB) Credentials(ctx context.Context, after string, limit int) ([]*issuance.Credential, error) {
	rows, err := db.pool.Query(ctx, "SELECT "+credentialColumns+" FROM issuance_credentials WHERE award_id > $1 ORDER BY award_id LIMIT $2", after, limit)
	if err != nil {
		return nil, issuanceError(err, "credentials", "")
	}
	defer rows.Close()
	var out []*issuance.Credential
	for rows.Next() {
		c, err := scanCredential(rows)
		if err != nil {
			return nil, issuanceError(err, "credentials", "")
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, issuanceError(err, "credentials", "")
	}
	return out, nil
}

// Credential implements [issuance.Store].
func (db *DB) Credential(ctx context.Context, id string) (*issuance.Credential, error) {
	c, err := scanCredential(db.pool.QueryRow(ctx, "SELECT "+credentialColumns+" FROM issuance_credentials WHERE id = $1", id))
	if err != nil {
		return nil, issuanceError(err, "credential", id)
	}
	return c, nil
}

// Revoke implements [issuance.Store]: the credential's row and then its
// list's row are locked, in that order, for the change.
func (db *DB) Revoke(ctx context.Context, awardID, reason string, at time.Time) (*issuance.StatusList, error) {
	var out *issuance.StatusList
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var (
			listID  string
			idx     int
			revoked *time.Time
		)
		err := tx.QueryRow(ctx, "SELECT list_id, idx, revoked_at FROM issuance_credentials WHERE award_id = $1 FOR UPDATE", awardID).
			Scan(&listID, &idx, &revoked)
		if err != nil {
			return issuanceError(err, "credential of award", awardID)
		}
		l, err := scanStatusList(tx.QueryRow(ctx, "SELECT "+statusListColumns+" FROM issuance_status_lists WHERE id = $1 FOR UPDATE", listID))
		if err != nil {
			return issuanceError(err, "status list", listID)
		}
		out = l
		if revoked != nil {
			return nil
		}
		if _, err := tx.Exec(ctx, "UPDATE issuance_credentials SET revoked_at = $2, revocation_reason = $3 WHERE award_id = $1", awardID, at, reason); err != nil {
			return err
		}
		if _, err := issuance.SetBit(l, idx); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE issuance_status_lists SET encoded_list = $2, version = $3 WHERE id = $1", listID, l.Encoded, l.Version)
		return err
	})
	if err != nil {
		return nil, issuanceError(err, "credential of award", awardID)
	}
	return out, nil
}

// SetStatus implements [issuance.Store]: the list's row is locked for the
// change.
func (db *DB) SetStatus(ctx context.Context, listID string, idx int, set bool) (*issuance.StatusList, error) {
	var out *issuance.StatusList
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		l, err := scanStatusList(tx.QueryRow(ctx, "SELECT "+statusListColumns+" FROM issuance_status_lists WHERE id = $1 FOR UPDATE", listID))
		if err != nil {
			return issuanceError(err, "status list", listID)
		}
		out = l
		changed, err := issuance.SetBitTo(l, idx, set)
		if err != nil || !changed {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE issuance_status_lists SET encoded_list = $2, version = $3 WHERE id = $1", listID, l.Encoded, l.Version)
		return err
	})
	if err != nil {
		return nil, issuanceError(err, "status list", listID)
	}
	return out, nil
}
