package issuance

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/keys"
	"github.com/badged/badged/statuslist"
)

// Store keeps what issuance needs: key rings, status lists with their
// allocations, and issued credentials. It reads the issuing hierarchy too.
// storage/bolt and storage/postgres implement it, and
// storage/storagetest.RunIssuance checks them.
//
// Error contract, for every method: a record that does not exist gives a
// [badged.NotFound] *badged.Error, and a write that clashes with the stored
// state (a version that moved on, an id that is taken) a
// [badged.Conflict].
type Store interface {
	// Institution, Issuer and BadgeClass read the hierarchy (see
	// issuer.Store).
	Institution(ctx context.Context, id string) (*issuer.Institution, error)
	Issuer(ctx context.Context, id string) (*issuer.Issuer, error)
	BadgeClass(ctx context.Context, id string) (*issuer.BadgeClass, error)

	// KeyRing returns an institution's key ring and its version.
	KeyRing(ctx context.Context, institutionID string) (*keys.Ring, int64, error)
	// PutKeyRing stores ring when the stored version is version (0: there
	// is no ring yet) and returns the new version; otherwise it fails with
	// Conflict and stores nothing.
	PutKeyRing(ctx context.Context, institutionID string, ring *keys.Ring, version int64) (int64, error)

	// Allocate reserves a status list index for an award, atomically: no
	// two calls, on any node, ever get the same index of the same list,
	// and an index is never handed out again. The index is drawn at random
	// (see [Allocation.Candidate]) among the free ones of the issuer's
	// current list for the purpose; when that list is full, or the issuer
	// has none, the store first creates a list with id a.NewListID. An
	// award that already has an index gets the same one back.
	Allocate(ctx context.Context, a *Allocation) (Slot, error)
	// FreeSlot proposes a status list index for a without reserving it,
	// so that the credential can be signed before the one transaction of
	// [Store.CreateCredential] reserves the index and stores it: the
	// award's own index when it holds one (Slot.Held), or otherwise an
	// index drawn as Allocate draws it among the free ones of the issuer's
	// current list for the purpose. A store that proposes indexes it found
	// free for earlier calls may propose another to an award that holds
	// one (from an Allocate whose credential was never stored), or one
	// another node took since: CreateCredential then fails with Conflict,
	// and Allocate returns the held index. It fails with NotFound when the
	// issuer has no such list or the list is full: then Allocate, which
	// creates lists, is the way.
	FreeSlot(ctx context.Context, a *Allocation) (Slot, error)
	// StatusList returns a status list.
	StatusList(ctx context.Context, id string) (*StatusList, error)
	// PutListCredential stores the signed credential of list id, stating
	// the list at version, unless the stored one states a later or the
	// same version (then it does nothing, without error).
	PutListCredential(ctx context.Context, id string, version int64, credential []byte, signed time.Time) error

	// CreateCredential stores an issued credential, and reserves its
	// status list index (ListID, StatusIdx) for its award in the same
	// transaction unless the award holds it already (from Allocate). It
	// fails with Conflict when its award or its id already has a
	// credential, when the index is held by another award or the award
	// holds another index, or when the list is full; with NotFound when the
	// list does not exist.
	CreateCredential(ctx context.Context, c *Credential) error
	// CredentialByAward returns the credential issued for an award.
	CredentialByAward(ctx context.Context, awardID string) (*Credential, error)
	// Credentials returns up to limit stored credentials, in the order of
	// their award IDs, after the award ID after ("" for the first): a
	// page of every credential, for a check of all of them (badged verify
	// --all).
	Credentials(ctx context.Context, after string, limit int) ([]*Credential, error)
	// Credential returns the credential with the given id.
	Credential(ctx context.Context, id string) (*Credential, error)
	// Revoke marks the award's credential revoked (at, reason) and sets its
	// bit in its status list (see [SetBit]), in one transaction, and
	// returns the list as it is afterwards. Revoking a revoked credential
	// changes nothing and returns the list.
	Revoke(ctx context.Context, awardID, reason string, at time.Time) (*StatusList, error)
	// SetStatus sets bit idx of list listID to set (see [SetBitTo]), in one
	// transaction, and returns the list as it is afterwards; a bit that is
	// already so changes nothing. It serves the lists whose bits go both
	// ways (suspension); revocation goes through Revoke. It fails with
	// NotFound for an unknown list and Invalid for an index outside it.
	SetStatus(ctx context.Context, listID string, idx int, set bool) (*StatusList, error)
}

// Credential is an issued credential as stored.
type Credential struct {
	issuer.IssuedCredential
	IssuerID         string
	ListID           string // the status list's id (StatusList holds its URL)
	Revoked          time.Time
	RevocationReason string
	// Effects are written by [Store.CreateCredential] with the credential,
	// in its transaction (entries and mails whose ID exists are skipped);
	// they are not part of the stored credential.
	Effects issuer.Effects
	// Award, when set, is the award this credential completes, as the
	// change leaves it: [Store.CreateCredential] updates it in the same
	// transaction (Conflict when its Version is not the stored one), and
	// sets its Version to the stored one after.
	Award *issuer.Award
	// Unchanged are the records the credential states, at the versions
	// read: [Store.CreateCredential] stores nothing, and fails with
	// Conflict wrapping [issuer.ErrStale], when one has another version.
	Unchanged []issuer.Stamp
}

// Allocation asks [Store.Allocate] for an index.
type Allocation struct {
	AwardID  string
	IssuerID string
	Purpose  string // statuslist.PurposeRevocation
	// NewListID, Size and EmptyList describe the list the store creates
	// when it needs a new one: its id, its number of entries and its
	// encodedList with no bit set.
	NewListID string
	Size      int
	EmptyList string
	// Random is read for candidate indexes; it must be safe for
	// concurrent use when the store is shared (crypto/rand is).
	Random io.Reader
	Now    time.Time
}

// Candidate returns an index drawn uniformly at random in [0, size) from
// a.Random. The error is the reader's.
func (a *Allocation) Candidate(size int) (int, error) {
	if size <= 0 {
		return 0, badged.Errorf(badged.Invalid, "a status list of %d entries has no index", size)
	}
	r := a.Random
	if r == nil {
		r = rand.Reader
	}
	// Rejection sampling: no modulo bias.
	limit := ^uint64(0) - ^uint64(0)%uint64(size)
	var b [8]byte
	for {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return 0, fmt.Errorf("random index: %w", err)
		}
		if v := binary.BigEndian.Uint64(b[:]); v < limit {
			return int(v % uint64(size)), nil
		}
	}
}

// Probes is how many random candidates a store tries before it scans for
// a free index from a random start (which only happens in a nearly full
// list).
const Probes = 32

// Slot is an allocated status list index.
type Slot struct {
	ListID  string
	Index   int
	NewList bool // the allocation created the list
	Held    bool // from FreeSlot: the award holds the index already
}

// StatusList is a status list as stored.
type StatusList struct {
	ID        string
	IssuerID  string
	Purpose   string
	Seq       int // 1 for the issuer's first list of the purpose
	Size      int // entries
	Allocated int // entries handed out
	Encoded   string
	// Version counts the changes of the bits: 1 at creation.
	Version int64
	// Credential is the signed list credential stating the list at
	// CredentialVersion, signed at Signed; nil until first signed.
	Credential        []byte
	CredentialVersion int64
	Signed            time.Time
	Created           time.Time
}

// SetBit sets bit idx of l's encoded list and increments its Version,
// reporting whether the bit changed (when not, l is unchanged). Stores call
// it from [Store.Revoke]. The error is Invalid for a bad index or list.
func SetBit(l *StatusList, idx int) (bool, error) { return SetBitTo(l, idx, true) }

// SetBitTo sets bit idx of l's encoded list to v and increments its
// Version, reporting whether the bit changed (when not, l is unchanged).
// Stores call it from [Store.SetStatus]. The error is Invalid for a bad
// index or list.
func SetBitTo(l *StatusList, idx int, v bool) (bool, error) {
	bits, err := statuslist.Decode(l.Encoded)
	if err != nil {
		return false, err
	}
	cur, err := bits.Get(idx)
	if err != nil || cur == v {
		return false, err
	}
	if err := bits.Set(idx, v); err != nil {
		return false, err
	}
	enc, err := bits.Encode()
	if err != nil {
		return false, err
	}
	l.Encoded = enc
	l.Version++
	return true, nil
}
