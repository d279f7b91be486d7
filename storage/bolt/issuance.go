package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/issuance"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/keys"
	"github.com/badged/badged/storage/internal/record"
	bolt "go.etcd.io/bbolt"
)

var _ issuance.Store = (*DB)(nil)

// Buckets of package issuance.
var (
	bktKeyRings    = []byte("issuance:keyrings")       // institution ID → keyRingRecord
	bktStatusLists = []byte("issuance:statuslists")    // list ID → statusListRecord
	bktCredentials = []byte("issuance:credentials")    // award ID → credentialRecord
	idxCurrentList = []byte("idx:statuslists:current") // issuer ID, 0x00, purpose → list ID
	idxSlots       = []byte("idx:statuslists:slots")   // list ID, 0x00, index (4 bytes) → award ID
	idxSlotOfAward = []byte("idx:statuslists:award")   // award ID → slotRecord
	idxCredentials = []byte("idx:credentials:id")      // credential ID → award ID
	// idxAllocated counts a list's reserved indexes (8 bytes, big
	// endian), so that a reservation rewrites 8 bytes rather than the
	// whole list record with its signed credential. A list without a count
	// here (written before it existed) has it in its record.
	idxAllocated = []byte("idx:statuslists:allocated") // list ID → count
)

// getList reads the status list id, with its count of reserved indexes.
func getList(tx *bolt.Tx, id string, l *statusListRecord) error {
	if err := getFormat(tx, bktStatusLists, "status list", id, issuanceFormat, l); err != nil {
		return err
	}
	l.Allocated = reserved(tx, id, l.Allocated)
	return nil
}

// reserved is how many indexes of list id are reserved: its count in
// idxAllocated, or recorded, the count its record holds, when it has none.
func reserved(tx *bolt.Tx, id string, recorded int) int {
	if v := tx.Bucket(idxAllocated).Get([]byte(id)); len(v) == 8 {
		return int(binary.BigEndian.Uint64(v))
	}
	return recorded
}

// listCount is what reserving an index reads of a status list: its size
// and how many of its indexes are reserved, without decoding its
// bitstring and signed credential.
type listCount struct {
	Format    int    `json:"format"`
	ID        string `json:"id"`
	Size      int    `json:"size"`
	Allocated int    `json:"allocated"`
}

// getListCount reads the listCount of status list id.
func getListCount(tx *bolt.Tx, id string) (listCount, error) {
	var l listCount
	if err := getFormat(tx, bktStatusLists, "status list", id, issuanceFormat, &l); err != nil {
		return l, err
	}
	l.Allocated = reserved(tx, id, l.Allocated)
	return l, nil
}

// countReserved counts one more reserved index of list id, of which
// *allocated were reserved.
func countReserved(tx *bolt.Tx, id string, allocated *int) error {
	*allocated++
	return tx.Bucket(idxAllocated).Put([]byte(id), binary.BigEndian.AppendUint64(nil, uint64(*allocated)))
}

// issuanceFormat is the format number of the records below.
const issuanceFormat = 1

type keyRingRecord struct {
	Format  int             `json:"format"`
	Version int64           `json:"version"`
	Ring    json.RawMessage `json:"ring"` // keys.Ring, itself versioned
}

type statusListRecord struct {
	Format            int       `json:"format"`
	ID                string    `json:"id"`
	IssuerID          string    `json:"issuer"`
	Purpose           string    `json:"purpose"`
	Seq               int       `json:"seq"`
	Size              int       `json:"size"`
	Allocated         int       `json:"allocated"`
	Encoded           string    `json:"encodedList"`
	Version           int64     `json:"version"`
	Credential        []byte    `json:"credential,omitempty"`
	CredentialVersion int64     `json:"credentialVersion,omitempty"`
	Signed            time.Time `json:"signed,omitzero"`
	Created           time.Time `json:"created"`
}

type slotRecord struct {
	Format int    `json:"format"`
	ListID string `json:"list"`
	Index  int    `json:"index"`
}

type credentialRecord struct {
	Format           int             `json:"format"`
	ID               string          `json:"id"`
	AwardID          string          `json:"award"`
	IssuerID         string          `json:"issuer"`
	ListID           string          `json:"list"`
	StatusList       string          `json:"statusList"`
	StatusIdx        int             `json:"statusIndex"`
	IssuedAt         time.Time       `json:"issuedAt"`
	ValidUntil       time.Time       `json:"validUntil,omitzero"`
	Revoked          time.Time       `json:"revoked,omitzero"`
	RevocationReason string          `json:"revocationReason,omitempty"`
	JSON             json.RawMessage `json:"credential"`
	// JWT is the VC-JWT form; absent from records written before badged
	// signed both forms, which read as an empty JWT.
	JWT string `json:"jwt,omitempty"`
	// JWTHeader and JWTSignature are set, in a packed record (pack.go),
	// instead of JWT: the payload follows the record.
	JWTHeader    string `json:"jwtHeader,omitempty"`
	JWTSignature string `json:"jwtSignature,omitempty"`
}

func (r *statusListRecord) domain() *issuance.StatusList {
	return &issuance.StatusList{
		ID: r.ID, IssuerID: r.IssuerID, Purpose: r.Purpose, Seq: r.Seq, Size: r.Size, Allocated: r.Allocated,
		Encoded: r.Encoded, Version: r.Version, Credential: bytes.Clone(r.Credential),
		CredentialVersion: r.CredentialVersion, Signed: r.Signed, Created: r.Created,
	}
}

func (r *credentialRecord) domain() *issuance.Credential {
	c := &issuance.Credential{IssuerID: r.IssuerID, ListID: r.ListID, Revoked: r.Revoked, RevocationReason: r.RevocationReason}
	c.ID, c.AwardID, c.JSON, c.ValidUntil = r.ID, r.AwardID, bytes.Clone(r.JSON), r.ValidUntil
	if r.JWT != "" {
		c.JWT = []byte(r.JWT)
	}
	c.StatusList, c.StatusIdx, c.IssuedAt = r.StatusList, r.StatusIdx, r.IssuedAt
	return c
}

// KeyRing implements [issuance.Store].
func (db *DB) KeyRing(ctx context.Context, institutionID string) (*keys.Ring, int64, error) {
	var r keyRingRecord
	if err := db.view(ctx, func(tx *bolt.Tx) error {
		return getFormat(tx, bktKeyRings, "key ring of institution", institutionID, issuanceFormat, &r)
	}); err != nil {
		return nil, 0, err
	}
	var ring keys.Ring
	if err := json.Unmarshal(r.Ring, &ring); err != nil {
		return nil, 0, badged.Wrap(badged.Internal, fmt.Errorf("key ring of %s: %v", institutionID, err), "stored record unreadable")
	}
	return &ring, r.Version, nil
}

// PutKeyRing implements [issuance.Store].
func (db *DB) PutKeyRing(ctx context.Context, institutionID string, ring *keys.Ring, version int64) (int64, error) {
	if err := checkID("key ring of institution", institutionID); err != nil {
		return 0, err
	}
	raw, err := json.Marshal(ring)
	if err != nil {
		return 0, fmt.Errorf("encode key ring: %w", err)
	}
	next := version + 1
	err = db.update(ctx, func(tx *bolt.Tx) error {
		var stored int64
		if data := tx.Bucket(bktKeyRings).Get([]byte(institutionID)); data != nil {
			var old keyRingRecord
			if err := decode(data, "key ring of institution", institutionID, issuanceFormat, &old); err != nil {
				return err
			}
			stored = old.Version
		}
		if stored != version {
			return conflict("key ring of institution", institutionID, stored, version)
		}
		return put(tx, bktKeyRings, institutionID, keyRingRecord{Format: issuanceFormat, Version: next, Ring: raw})
	})
	if err != nil {
		return 0, err
	}
	return next, nil
}

func slotKey(listID string, idx int) []byte {
	k := make([]byte, 0, len(listID)+5)
	k = append(k, listID...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint32(k, uint32(idx))
}

// Allocate implements [issuance.Store]: everything happens in one bbolt
// write transaction, which bbolt serializes.
func (db *DB) Allocate(ctx context.Context, a *issuance.Allocation) (issuance.Slot, error) {
	if err := checkID("award", a.AwardID); err != nil {
		return issuance.Slot{}, err
	}
	if err := checkID("issuer", a.IssuerID); err != nil {
		return issuance.Slot{}, err
	}
	var slot issuance.Slot
	err := db.update(ctx, func(tx *bolt.Tx) error {
		if data := tx.Bucket(idxSlotOfAward).Get([]byte(a.AwardID)); data != nil {
			var s slotRecord
			if err := decode(data, "status slot of award", a.AwardID, issuanceFormat, &s); err != nil {
				return err
			}
			slot = issuance.Slot{ListID: s.ListID, Index: s.Index}
			return nil
		}
		curKey := append(append([]byte(a.IssuerID), 0), a.Purpose...)
		var l statusListRecord
		if id := tx.Bucket(idxCurrentList).Get(curKey); id != nil {
			if err := getList(tx, string(id), &l); err != nil {
				return err
			}
		}
		if l.ID == "" || l.Allocated >= l.Size {
			if err := checkID("status list", a.NewListID); err != nil {
				return err
			}
			if tx.Bucket(bktStatusLists).Get([]byte(a.NewListID)) != nil {
				return badged.Errorf(badged.Conflict, "status list %s already exists", a.NewListID)
			}
			l = statusListRecord{
				Format: issuanceFormat, ID: a.NewListID, IssuerID: a.IssuerID, Purpose: a.Purpose,
				Seq: l.Seq + 1, Size: a.Size, Encoded: a.EmptyList, Version: 1, Created: a.Now,
			}
			if err := tx.Bucket(idxCurrentList).Put(curKey, []byte(l.ID)); err != nil {
				return err
			}
			slot.NewList = true
		}
		slots := tx.Bucket(idxSlots)
		idx, err := freeIndex(a, l.Size, func(i int) bool { return slots.Get(slotKey(l.ID, i)) != nil })
		if err != nil {
			return err
		}
		if err := slots.Put(slotKey(l.ID, idx), []byte(a.AwardID)); err != nil {
			return err
		}
		if err := put(tx, idxSlotOfAward, a.AwardID, slotRecord{Format: issuanceFormat, ListID: l.ID, Index: idx}); err != nil {
			return err
		}
		slot.ListID, slot.Index = l.ID, idx
		if slot.NewList {
			if err := put(tx, bktStatusLists, l.ID, l); err != nil {
				return err
			}
		}
		return countReserved(tx, l.ID, &l.Allocated)
	})
	return slot, err
}

// freeIndex draws random candidates until taken reports one free, then
// scans from a random start (only a nearly full list gets there).
func freeIndex(a *issuance.Allocation, size int, taken func(int) bool) (int, error) {
	for range issuance.Probes {
		i, err := a.Candidate(size)
		if err != nil {
			return 0, err
		}
		if !taken(i) {
			return i, nil
		}
	}
	start, err := a.Candidate(size)
	if err != nil {
		return 0, err
	}
	for n := range size {
		if i := (start + n) % size; !taken(i) {
			return i, nil
		}
	}
	return 0, badged.Errorf(badged.Internal, "status list is full although its count says otherwise")
}

// StatusList implements [issuance.Store].
func (db *DB) StatusList(ctx context.Context, id string) (*issuance.StatusList, error) {
	var l statusListRecord
	if err := db.view(ctx, func(tx *bolt.Tx) error { return getList(tx, id, &l) }); err != nil {
		return nil, err
	}
	return l.domain(), nil
}

// PutListCredential implements [issuance.Store].
func (db *DB) PutListCredential(ctx context.Context, id string, version int64, credential []byte, signed time.Time) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		var l statusListRecord
		if err := getList(tx, id, &l); err != nil {
			return err
		}
		if l.Credential != nil && l.CredentialVersion >= version {
			return nil
		}
		l.Credential, l.CredentialVersion, l.Signed = bytes.Clone(credential), version, signed
		return put(tx, bktStatusLists, id, l)
	})
}

// FreeSlot implements [issuance.Store] in a read transaction.
func (db *DB) FreeSlot(ctx context.Context, a *issuance.Allocation) (issuance.Slot, error) {
	var slot issuance.Slot
	err := db.view(ctx, func(tx *bolt.Tx) error {
		if data := tx.Bucket(idxSlotOfAward).Get([]byte(a.AwardID)); data != nil {
			var s slotRecord
			if err := decode(data, "status slot of award", a.AwardID, issuanceFormat, &s); err != nil {
				return err
			}
			slot = issuance.Slot{ListID: s.ListID, Index: s.Index, Held: true}
			return nil
		}
		curKey := append(append([]byte(a.IssuerID), 0), a.Purpose...)
		id := tx.Bucket(idxCurrentList).Get(curKey)
		if id == nil {
			return notFound("status list of issuer", a.IssuerID)
		}
		l, err := getListCount(tx, string(id))
		if err != nil {
			return err
		}
		if l.Allocated >= l.Size {
			return badged.Errorf(badged.NotFound, "status list %s is full", l.ID)
		}
		slots := tx.Bucket(idxSlots)
		idx, err := freeIndex(a, l.Size, func(i int) bool { return slots.Get(slotKey(l.ID, i)) != nil })
		if err != nil {
			return err
		}
		slot = issuance.Slot{ListID: l.ID, Index: idx}
		return nil
	})
	return slot, err
}

// stampBuckets are where the records of each kind of stamp are.
var stampBuckets = map[issuer.StampKind][]byte{
	issuer.StampInstitution: bktInstitutions, issuer.StampGroup: bktGroups, issuer.StampIssuer: bktIssuers,
	issuer.StampBadgeClass: bktBadgeClasses, issuer.StampKeyRing: bktKeyRings,
}

// unchanged fails with Conflict wrapping issuer.ErrStale unless each
// stamped record has its stamp's version.
func unchanged(tx *bolt.Tx, stamps []issuer.Stamp) error {
	for _, st := range stamps {
		bucket, ok := stampBuckets[st.Kind]
		if !ok {
			return badged.Errorf(badged.Invalid, "a write cannot depend on a record of kind %q", st.Kind)
		}
		version := int64(-1) // none: gone
		if data := tx.Bucket(bucket).Get([]byte(st.ID)); data != nil {
			var err error
			if version, err = record.VersionOf(data); err != nil {
				return badged.Wrap(badged.Internal, fmt.Errorf("%s %s: %v", st.Kind, st.ID, err), "stored record unreadable")
			}
		}
		if version != st.Version {
			return badged.Wrap(badged.Conflict, issuer.ErrStale, fmt.Sprintf("the %s %s changed meanwhile; try again", strings.ReplaceAll(string(st.Kind), "_", " "), st.ID))
		}
	}
	return nil
}

// CreateCredential implements [issuance.Store]. It runs in the store's
// group commit (batch): concurrent calls share one write transaction, and
// so one commit's fsyncs. Its stamps (c.Unchanged) are checked in that
// transaction.
func (db *DB) CreateCredential(ctx context.Context, c *issuance.Credential) error {
	if err := checkID("credential", c.ID); err != nil {
		return err
	}
	if err := checkID("credential of award", c.AwardID); err != nil {
		return err
	}
	if err := checkID("status list", c.ListID); err != nil {
		return err
	}
	r := credentialRecord{
		Format: issuanceFormat, ID: c.ID, AwardID: c.AwardID, IssuerID: c.IssuerID, ListID: c.ListID,
		StatusList: c.StatusList, StatusIdx: c.StatusIdx, IssuedAt: c.IssuedAt, ValidUntil: c.ValidUntil,
		Revoked: c.Revoked, RevocationReason: c.RevocationReason, JSON: bytes.Clone(c.JSON), JWT: string(c.JWT),
	}
	// Encoded before the write, which may share its transaction (and its
	// time holding bbolt's one writer) with others.
	data, err := packCredential(r)
	if err != nil {
		return err
	}
	effects, err := encodeEffects(c.Effects)
	if err != nil {
		return err
	}
	var award *awardUpdate
	if c.Award != nil {
		u, err := newAwardUpdate(c.Award)
		if err != nil {
			return err
		}
		award = &u
	}
	// batch may run fn again, so fn has no effect outside tx (but on the
	// award update's record, set anew each time).
	err = db.batch(ctx, func(tx *bolt.Tx) error {
		if err := unchanged(tx, c.Unchanged); err != nil {
			return err
		}
		if tx.Bucket(bktCredentials).Get([]byte(c.AwardID)) != nil {
			return badged.Errorf(badged.Conflict, "credential of award %s already exists", c.AwardID)
		}
		if tx.Bucket(idxCredentials).Get([]byte(c.ID)) != nil {
			return badged.Errorf(badged.Conflict, "credential %s already exists", c.ID)
		}
		if err := reserve(tx, c); err != nil {
			return err
		}
		if err := tx.Bucket(bktCredentials).Put([]byte(c.AwardID), data); err != nil {
			return err
		}
		if err := tx.Bucket(idxCredentials).Put([]byte(c.ID), []byte(c.AwardID)); err != nil {
			return err
		}
		if award != nil {
			if err := award.write(tx); err != nil {
				return err
			}
		}
		return effects.write(tx)
	})
	if err == nil && award != nil {
		award.done()
	}
	return err
}

// reserve reserves c's status list index for its award, unless the award
// holds it already.
func reserve(tx *bolt.Tx, c *issuance.Credential) error {
	if data := tx.Bucket(idxSlotOfAward).Get([]byte(c.AwardID)); data != nil {
		var s slotRecord
		if err := decode(data, "status slot of award", c.AwardID, issuanceFormat, &s); err != nil {
			return err
		}
		if s.ListID != c.ListID || s.Index != c.StatusIdx {
			return badged.Errorf(badged.Conflict, "award %s holds index %d of status list %s, not %d of %s",
				c.AwardID, s.Index, s.ListID, c.StatusIdx, c.ListID)
		}
		return nil
	}
	l, err := getListCount(tx, c.ListID)
	if err != nil {
		return err
	}
	switch {
	case c.StatusIdx < 0 || c.StatusIdx >= l.Size:
		return badged.Errorf(badged.Invalid, "status list %s has no index %d", l.ID, c.StatusIdx)
	case l.Allocated >= l.Size:
		return badged.Errorf(badged.Conflict, "status list %s is full", l.ID)
	}
	slots, key := tx.Bucket(idxSlots), slotKey(l.ID, c.StatusIdx)
	if slots.Get(key) != nil {
		return badged.Errorf(badged.Conflict, "index %d of status list %s is taken", c.StatusIdx, l.ID)
	}
	if err := slots.Put(key, []byte(c.AwardID)); err != nil {
		return err
	}
	if err := put(tx, idxSlotOfAward, c.AwardID, slotRecord{Format: issuanceFormat, ListID: l.ID, Index: c.StatusIdx}); err != nil {
		return err
	}
	return countReserved(tx, l.ID, &l.Allocated)
}

// CredentialByAward implements [issuance.Store].
func (db *DB) CredentialByAward(ctx context.Context, awardID string) (*issuance.Credential, error) {
	var r credentialRecord
	if err := db.view(ctx, func(tx *bolt.Tx) error {
		return getCredential(tx, awardID, &r)
	}); err != nil {
		return nil, err
	}
	return r.domain(), nil
}

// Credentials implements [issuance.Store].
func (db *DB) Credentials(ctx context.Context, after string, limit int) ([]*issuance.Credential, error) {
	var out []*issuance.Credential
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bktCredentials).Cursor()
		k, v := c.Seek([]byte(after))
		if after != "" && string(k) == after {
			k, v = c.Next()
		}
		for ; k != nil && len(out) < limit; k, v = c.Next() {
			var r credentialRecord
			if err := decodeCredential(v, string(k), &r); err != nil {
				return err
			}
			out = append(out, r.domain())
		}
		return nil
	})
	return out, err
}

// Credential implements [issuance.Store].
func (db *DB) Credential(ctx context.Context, id string) (*issuance.Credential, error) {
	var r credentialRecord
	if err := db.view(ctx, func(tx *bolt.Tx) error {
		award := tx.Bucket(idxCredentials).Get([]byte(id))
		if award == nil {
			return notFound("credential", id)
		}
		return getCredential(tx, string(award), &r)
	}); err != nil {
		return nil, err
	}
	return r.domain(), nil
}

// Revoke implements [issuance.Store].
func (db *DB) Revoke(ctx context.Context, awardID, reason string, at time.Time) (*issuance.StatusList, error) {
	var out *issuance.StatusList
	err := db.update(ctx, func(tx *bolt.Tx) error {
		var c credentialRecord
		if err := getCredential(tx, awardID, &c); err != nil {
			return err
		}
		var l statusListRecord
		if err := getList(tx, c.ListID, &l); err != nil {
			return err
		}
		out = l.domain()
		if !c.Revoked.IsZero() {
			return nil
		}
		c.Revoked, c.RevocationReason = at, reason
		data, err := packCredential(c)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bktCredentials).Put([]byte(awardID), data); err != nil {
			return err
		}
		if _, err := issuance.SetBit(out, c.StatusIdx); err != nil {
			return err
		}
		l.Encoded, l.Version = out.Encoded, out.Version
		return put(tx, bktStatusLists, l.ID, l)
	})
	return out, err
}

// SetStatus implements [issuance.Store].
func (db *DB) SetStatus(ctx context.Context, listID string, idx int, set bool) (*issuance.StatusList, error) {
	var out *issuance.StatusList
	err := db.update(ctx, func(tx *bolt.Tx) error {
		var l statusListRecord
		if err := getList(tx, listID, &l); err != nil {
			return err
		}
		out = l.domain()
		changed, err := issuance.SetBitTo(out, idx, set)
		if err != nil || !changed {
			return err
		}
		l.Encoded, l.Version = out.Encoded, out.Version
		return put(tx, bktStatusLists, l.ID, l)
	})
	return out, err
}
