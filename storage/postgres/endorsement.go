package postgres

import (
	"context"

	"github.com/badged/badged/endorsement"
	"github.com/badged/badged/storage/internal/record"
	"github.com/jackc/pgx/v5"
)

var _ endorsement.Store = (*DB)(nil)

// CreateEndorsement implements [endorsement.Store].
func (db *DB) CreateEndorsement(ctx context.Context, e *endorsement.Endorsement) error {
	r := record.FromEndorsement(e)
	r.Version = 1
	data, err := encode(r)
	if err != nil {
		return err
	}
	_, err = db.pool.Exec(ctx, "INSERT INTO endorsements (id, badge_class_id, issuer_id, version, created_ns, data) VALUES ($1, $2, $3, 1, $4, $5)",
		e.ID, e.BadgeClassID, e.IssuerID, e.Created.UnixNano(), data)
	if err != nil {
		return storeError(err, "endorsement", e.ID, "")
	}
	e.Version = 1
	return nil
}

// Endorsement implements [endorsement.Store].
func (db *DB) Endorsement(ctx context.Context, id string) (*endorsement.Endorsement, error) {
	r, err := get[record.Endorsement](ctx, db.pool, "endorsements", "endorsement", id, false)
	if err != nil {
		return nil, err
	}
	return r.Domain(), nil
}

// UpdateEndorsement implements [endorsement.Store].
func (db *DB) UpdateEndorsement(ctx context.Context, e *endorsement.Endorsement) error {
	r := record.FromEndorsement(e)
	err := update(ctx, db, "endorsements", "endorsement", r,
		func(_ pgx.Tx, old, next *record.Endorsement) error {
			next.KeepFixed(old)
			return nil
		},
		func(tx pgx.Tx, data []byte) error {
			_, err := tx.Exec(ctx, "UPDATE endorsements SET version = $2, data = $3 WHERE id = $1", r.ID, r.Version, data)
			return err
		})
	if err == nil {
		e.Version = r.Version
	}
	return err
}

// EndorsementsOfBadgeClass implements [endorsement.Store].
func (db *DB) EndorsementsOfBadgeClass(ctx context.Context, badgeClassID string) ([]*endorsement.Endorsement, error) {
	return list(ctx, db.pool, "endorsement", (*record.Endorsement).Domain,
		"SELECT data, version, id FROM endorsements WHERE badge_class_id = $1 ORDER BY created_ns, id", badgeClassID)
}

// EndorsementsByIssuer implements [endorsement.Store].
func (db *DB) EndorsementsByIssuer(ctx context.Context, issuerID string) ([]*endorsement.Endorsement, error) {
	return list(ctx, db.pool, "endorsement", (*record.Endorsement).Domain,
		"SELECT data, version, id FROM endorsements WHERE issuer_id = $1 ORDER BY created_ns, id", issuerID)
}
