package bolt

import (
	"context"

	"github.com/badged/badged/endorsement"
	"github.com/badged/badged/storage/internal/record"
	bolt "go.etcd.io/bbolt"
)

var _ endorsement.Store = (*DB)(nil)

// Endorsements by ID, indexed by endorsed badge class and by endorsing
// issuer (index keys as in bolt.go).
var (
	bktEndorsements         = []byte("endorsements")
	idxEndorsementsByClass  = []byte("idx:endorsements:badgeclass")
	idxEndorsementsByIssuer = []byte("idx:endorsements:issuer")
)

// CreateEndorsement implements [endorsement.Store].
func (db *DB) CreateEndorsement(ctx context.Context, e *endorsement.Endorsement) error {
	r := record.FromEndorsement(e)
	r.Version = 1
	err := db.update(ctx, func(tx *bolt.Tx) error {
		if err := insert(tx, bktEndorsements, "endorsement", r.ID, r); err != nil {
			return err
		}
		if err := tx.Bucket(idxEndorsementsByClass).Put(indexKey(r.BadgeClassID, r.Created, r.ID), nil); err != nil {
			return err
		}
		return tx.Bucket(idxEndorsementsByIssuer).Put(indexKey(r.IssuerID, r.Created, r.ID), nil)
	})
	if err == nil {
		e.Version = 1
	}
	return err
}

// Endorsement implements [endorsement.Store].
func (db *DB) Endorsement(ctx context.Context, id string) (*endorsement.Endorsement, error) {
	return read(ctx, db, bktEndorsements, "endorsement", id, (*record.Endorsement).Domain)
}

// UpdateEndorsement implements [endorsement.Store].
func (db *DB) UpdateEndorsement(ctx context.Context, e *endorsement.Endorsement) error {
	r := record.FromEndorsement(e)
	err := db.update(ctx, func(tx *bolt.Tx) error {
		var old record.Endorsement
		if err := get(tx, bktEndorsements, "endorsement", r.ID, &old); err != nil {
			return err
		}
		if old.Version != r.Version {
			return conflict("endorsement", r.ID, old.Version, r.Version)
		}
		r.KeepFixed(&old)
		r.Version++
		return put(tx, bktEndorsements, r.ID, r)
	})
	if err == nil {
		e.Version++
	}
	return err
}

// EndorsementsOfBadgeClass implements [endorsement.Store].
func (db *DB) EndorsementsOfBadgeClass(ctx context.Context, badgeClassID string) ([]*endorsement.Endorsement, error) {
	return list(ctx, db, idxEndorsementsByClass, bktEndorsements, "endorsement", badgeClassID, (*record.Endorsement).Domain)
}

// EndorsementsByIssuer implements [endorsement.Store].
func (db *DB) EndorsementsByIssuer(ctx context.Context, issuerID string) ([]*endorsement.Endorsement, error) {
	return list(ctx, db, idxEndorsementsByIssuer, bktEndorsements, "endorsement", issuerID, (*record.Endorsement).Domain)
}
