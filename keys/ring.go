package keys

import (
	"crypto"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/did"
)

// ringVersion is the version of the Ring JSON this package writes and reads.
const ringVersion = 1

// ErrNoKey is returned by [Ring.Signer] when the ring has no current key;
// callers create one with [Ring.Rotate].
var ErrNoKey = errors.New("keys: the ring has no current key")

// Key is one key of a [Ring]: its public Multikey, when it was created and
// retired, and its seed sealed by a [Sealer] (bound to ID).
type Key struct {
	ID      string    `json:"id"`
	Created time.Time `json:"created"`
	Retired time.Time `json:"retired,omitzero"`
	Sealed  []byte    `json:"sealed"`
}

// Ring is an issuer's signing keys: the current one and those it replaced,
// whose public keys stay in the DID document so that credentials signed
// with them still verify. Its JSON carries a version.
type Ring struct {
	Current *Key  `json:"current,omitempty"`
	Retired []Key `json:"retired,omitempty"`
}

// PublicKey is a public key of a ring, for the DID document.
type PublicKey struct {
	ID      string // the Multikey, "z6Mk..."
	Key     ed25519.PublicKey
	Created time.Time
	Retired time.Time // zero for the current key
}

type ringJSON struct {
	Version int   `json:"version"`
	Current *Key  `json:"current,omitempty"`
	Retired []Key `json:"retired,omitempty"`
}

// MarshalJSON writes r with its version.
func (r Ring) MarshalJSON() ([]byte, error) {
	return json.Marshal(ringJSON{Version: ringVersion, Current: r.Current, Retired: r.Retired})
}

// UnmarshalJSON reads a ring written by [Ring.MarshalJSON], refusing
// versions it does not know.
func (r *Ring) UnmarshalJSON(b []byte) error {
	var j ringJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	if j.Version != ringVersion {
		return fmt.Errorf("keys: ring version %d is not supported (want %d)", j.Version, ringVersion)
	}
	r.Current, r.Retired = j.Current, j.Retired
	return nil
}

// sealAD binds a sealed seed to its public key, so that sealed values
// cannot be swapped between keys.
func sealAD(id string) []byte { return []byte("badged keys ring v1 " + id) }

// Rotate makes a new key, generated from random and sealed by sealer, the
// current one, and retires the previous current key at now. The error is
// the reader's or the sealer's.
func (r *Ring) Rotate(random io.Reader, sealer *Sealer, now time.Time) error {
	key, err := Generate(random)
	if err != nil {
		return err
	}
	id, err := did.EncodeMultikey(key.Public())
	if err != nil {
		return err
	}
	sealed, err := sealer.Seal(key.Seed(), sealAD(id))
	if err != nil {
		return fmt.Errorf("rotate: %w", err)
	}
	if r.Current != nil {
		old := *r.Current
		old.Retired = now
		r.Retired = append(r.Retired, old)
	}
	r.Current = &Key{ID: id, Created: now, Sealed: sealed}
	return nil
}

// Signer unseals the current key and returns it with its Multikey id. The
// error is [ErrNoKey] for an empty ring, wraps [ErrUnknownKey] or
// [ErrCorrupt] when it cannot be unsealed, and is Internal when the
// unsealed key does not match its id.
func (r *Ring) Signer(sealer *Sealer) (crypto.Signer, string, error) {
	if r.Current == nil {
		return nil, "", ErrNoKey
	}
	seed, err := sealer.Open(r.Current.Sealed, sealAD(r.Current.ID))
	if err != nil {
		return nil, "", fmt.Errorf("unseal key %s: %w", r.Current.ID, err)
	}
	if len(seed) != ed25519.SeedSize {
		return nil, "", badged.Errorf(badged.Internal, "sealed key %s is not an Ed25519 seed", r.Current.ID)
	}
	key := ed25519.NewKeyFromSeed(seed)
	id, err := did.EncodeMultikey(key.Public())
	if err != nil {
		return nil, "", err
	}
	if id != r.Current.ID {
		return nil, "", badged.Errorf(badged.Internal, "sealed key does not match its id %s", r.Current.ID)
	}
	return key, id, nil
}

// Public returns the ring's public keys, current first, then retired from
// the most recently retired. The error is Invalid when an id is not an
// Ed25519 Multikey.
func (r *Ring) Public() ([]PublicKey, error) {
	var keys []Key
	if r.Current != nil {
		keys = append(keys, *r.Current)
	}
	for i := len(r.Retired) - 1; i >= 0; i-- {
		keys = append(keys, r.Retired[i])
	}
	out := make([]PublicKey, 0, len(keys))
	for _, k := range keys {
		pub, err := did.DecodeMultikey(k.ID)
		if err != nil {
			return nil, err
		}
		ed, ok := pub.(ed25519.PublicKey)
		if !ok {
			return nil, badged.Errorf(badged.Invalid, "ring key %s is not Ed25519", k.ID)
		}
		out = append(out, PublicKey{ID: k.ID, Key: ed, Created: k.Created, Retired: k.Retired})
	}
	return out, nil
}
