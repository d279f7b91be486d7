package bolt

import (
	"context"
	"encoding/json"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/openid4vci"
	"github.com/badged/badged/storage/internal/record"
	bolt "go.etcd.io/bbolt"
)

var _ openid4vci.Store = (*DB)(nil)

// Buckets of package openid4vci: offers by ID, the indexes of code hash →
// offer ID and token hash → offer ID, and nonce hash → expiry.
var (
	bktVCIOffers = []byte("openid4vci:offers")
	idxVCICodes  = []byte("idx:openid4vci:code")
	idxVCITokens = []byte("idx:openid4vci:token")
	bktVCINonces = []byte("openid4vci:nonces")
)

// vciFormat is the format number of offer records (record.Format).
const vciFormat = record.Format

type vciOfferRecord struct {
	Format         int       `json:"format"`
	ID             string    `json:"id"`
	AwardID        string    `json:"award"`
	Configurations []string  `json:"configurations"`
	CodeHash       string    `json:"codeHash"`
	TxCodeHash     string    `json:"txCodeHash,omitempty"`
	TxAttempts     int       `json:"txAttempts,omitempty"`
	Created        time.Time `json:"created"`
	Expires        time.Time `json:"expires"`
	Redeemed       bool      `json:"redeemed,omitempty"`
	TokenHash      string    `json:"tokenHash,omitempty"`
	TokenExpires   time.Time `json:"tokenExpires,omitzero"`
	ClientID       string    `json:"clientId,omitempty"`
	RedirectURI    string    `json:"redirectUri,omitempty"`
	CodeChallenge  string    `json:"codeChallenge,omitempty"`
}

func vciOfferRecordOf(o *openid4vci.Offer) *vciOfferRecord {
	return &vciOfferRecord{Format: vciFormat, ID: o.ID, AwardID: o.AwardID, Configurations: o.Configurations,
		CodeHash: o.CodeHash, TxCodeHash: o.TxCodeHash, TxAttempts: o.TxAttempts, Created: o.Created.UTC(),
		Expires: o.Expires.UTC(), Redeemed: o.Redeemed, TokenHash: o.TokenHash, TokenExpires: o.TokenExpires.UTC(),
		ClientID: o.ClientID, RedirectURI: o.RedirectURI, CodeChallenge: o.CodeChallenge}
}

func (r *vciOfferRecord) domain() *openid4vci.Offer {
	return &openid4vci.Offer{ID: r.ID, AwardID: r.AwardID, Configurations: r.Configurations, CodeHash: r.CodeHash,
		TxCodeHash: r.TxCodeHash, TxAttempts: r.TxAttempts, Created: r.Created, Expires: r.Expires,
		Redeemed: r.Redeemed, TokenHash: r.TokenHash, TokenExpires: r.TokenExpires, ClientID: r.ClientID,
		RedirectURI: r.RedirectURI, CodeChallenge: r.CodeChallenge}
}

func getVCIOffer(tx *bolt.Tx, id string) (*vciOfferRecord, error) {
	var r vciOfferRecord
	if err := get(tx, bktVCIOffers, "offer", id, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// CreateOffer implements [openid4vci.Store].
func (db *DB) CreateOffer(ctx context.Context, o *openid4vci.Offer) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		if tx.Bucket(idxVCICodes).Get([]byte(o.CodeHash)) != nil {
			return badged.Errorf(badged.Conflict, "an offer of this code already exists")
		}
		if err := insert(tx, bktVCIOffers, "offer", o.ID, vciOfferRecordOf(o)); err != nil {
			return err
		}
		return tx.Bucket(idxVCICodes).Put([]byte(o.CodeHash), []byte(o.ID))
	})
}

// Offer implements [openid4vci.Store].
func (db *DB) Offer(ctx context.Context, id string) (*openid4vci.Offer, error) {
	var o *openid4vci.Offer
	err := db.view(ctx, func(tx *bolt.Tx) error {
		r, err := getVCIOffer(tx, id)
		if err == nil {
			o = r.domain()
		}
		return err
	})
	return o, err
}

// OfferByCode implements [openid4vci.Store].
func (db *DB) OfferByCode(ctx context.Context, codeHash string) (*openid4vci.Offer, error) {
	return db.vciOfferBy(ctx, idxVCICodes, codeHash)
}

// OfferByToken implements [openid4vci.Store].
func (db *DB) OfferByToken(ctx context.Context, tokenHash string) (*openid4vci.Offer, error) {
	return db.vciOfferBy(ctx, idxVCITokens, tokenHash)
}

func (db *DB) vciOfferBy(ctx context.Context, index []byte, hash string) (*openid4vci.Offer, error) {
	var o *openid4vci.Offer
	err := db.view(ctx, func(tx *bolt.Tx) error {
		id := tx.Bucket(index).Get([]byte(hash))
		if hash == "" || id == nil {
			return badged.Errorf(badged.NotFound, "offer not found")
		}
		r, err := getVCIOffer(tx, string(id))
		if err == nil {
			o = r.domain()
		}
		return err
	})
	return o, err
}

// UpdateOffer implements [openid4vci.Store].
func (db *DB) UpdateOffer(ctx context.Context, id string, fn func(*openid4vci.Offer) error) (*openid4vci.Offer, error) {
	var o *openid4vci.Offer
	err := db.update(ctx, func(tx *bolt.Tx) error {
		r, err := getVCIOffer(tx, id)
		if err != nil {
			return err
		}
		o = r.domain()
		if err := fn(o); err != nil {
			return err
		}
		o.ID, o.CodeHash = r.ID, r.CodeHash
		if o.TokenHash != r.TokenHash {
			if r.TokenHash != "" {
				if err := tx.Bucket(idxVCITokens).Delete([]byte(r.TokenHash)); err != nil {
					return err
				}
			}
			if o.TokenHash != "" {
				if err := tx.Bucket(idxVCITokens).Put([]byte(o.TokenHash), []byte(id)); err != nil {
					return err
				}
			}
		}
		return put(tx, bktVCIOffers, id, vciOfferRecordOf(o))
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// CreateNonce implements [openid4vci.Store].
func (db *DB) CreateNonce(ctx context.Context, hash string, expires time.Time) error {
	return db.createNonce(ctx, bktVCINonces, hash, expires)
}

// TakeNonce implements [openid4vci.Store].
func (db *DB) TakeNonce(ctx context.Context, hash string) (time.Time, error) {
	return db.takeNonce(ctx, bktVCINonces, hash)
}

// createNonce stores a nonce's hash in bucket until expires (Conflict
// when it exists).
func (db *DB) createNonce(ctx context.Context, bucket []byte, hash string, expires time.Time) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		return insert(tx, bucket, "nonce", hash, expires.UTC())
	})
}

// takeNonce removes a nonce's hash from bucket and returns its expiry:
// NotFound when it is not there (never stored, or taken before).
func (db *DB) takeNonce(ctx context.Context, bucket []byte, hash string) (time.Time, error) {
	var expires time.Time
	err := db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		data := b.Get([]byte(hash))
		if hash == "" || data == nil {
			return badged.Errorf(badged.NotFound, "nonce not found")
		}
		if err := json.Unmarshal(data, &expires); err != nil {
			return badged.Wrap(badged.Internal, err, "stored record unreadable")
		}
		return b.Delete([]byte(hash))
	})
	return expires, err
}

// PurgeExpired implements [openid4vci.Store].
func (db *DB) PurgeExpired(ctx context.Context, before time.Time) (offers, nonces int, err error) {
	err = db.update(ctx, func(tx *bolt.Tx) error {
		offers, nonces = 0, 0
		var dead []*vciOfferRecord
		err := tx.Bucket(bktVCIOffers).ForEach(func(_, v []byte) error {
			var r vciOfferRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return badged.Wrap(badged.Internal, err, "stored record unreadable")
			}
			if r.Expires.Before(before) && (r.TokenHash == "" || r.TokenExpires.Before(before)) {
				dead = append(dead, &r)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, r := range dead {
			if err := tx.Bucket(bktVCIOffers).Delete([]byte(r.ID)); err != nil {
				return err
			}
			if err := tx.Bucket(idxVCICodes).Delete([]byte(r.CodeHash)); err != nil {
				return err
			}
			if r.TokenHash != "" {
				if err := tx.Bucket(idxVCITokens).Delete([]byte(r.TokenHash)); err != nil {
					return err
				}
			}
		}
		offers = len(dead)
		var stale [][]byte
		err = tx.Bucket(bktVCINonces).ForEach(func(k, v []byte) error {
			var expires time.Time
			if err := json.Unmarshal(v, &expires); err != nil {
				return badged.Wrap(badged.Internal, err, "stored record unreadable")
			}
			if expires.Before(before) {
				stale = append(stale, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range stale {
			if err := tx.Bucket(bktVCINonces).Delete(k); err != nil {
				return err
			}
		}
		nonces = len(stale)
		return nil
	})
	return offers, nonces, err
}
