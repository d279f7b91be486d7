package postgres

import (
	"context"
	"time"

	"github.com/badged/badged/openid4vci"
	"github.com/jackc/pgx/v5"
)

var _ openid4vci.Store = (*DB)(nil)

const vciOfferColumns = `id, award_id, configurations, code_hash, tx_code_hash, tx_attempts, created, expires,
	redeemed, coalesce(token_hash, ''), coalesce(token_expires, '0001-01-01T00:00:00Z'), client_id, redirect_uri,
	code_challenge`

func scanVCIOffer(row pgx.Row) (*openid4vci.Offer, error) {
	o := &openid4vci.Offer{}
	if err := row.Scan(&o.ID, &o.AwardID, &o.Configurations, &o.CodeHash, &o.TxCodeHash, &o.TxAttempts, &o.Created,
		&o.Expires, &o.Redeemed, &o.TokenHash, &o.TokenExpires, &o.ClientID, &o.RedirectURI, &o.CodeChallenge); err != nil {
		return nil, authError(err, "offer")
	}
	o.Created, o.Expires, o.TokenExpires = utc(o.Created), utc(o.Expires), utc(o.TokenExpires)
	return o, nil
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullIfZero(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// CreateOffer implements [openid4vci.Store].
func (db *DB) CreateOffer(ctx context.Context, o *openid4vci.Offer) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO openid4vci_offers (id, award_id, configurations, code_hash, tx_code_hash,
		tx_attempts, created, expires, redeemed, token_hash, token_expires, client_id, redirect_uri, code_challenge)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		o.ID, o.AwardID, nonNil(o.Configurations), o.CodeHash, o.TxCodeHash, o.TxAttempts, o.Created, o.Expires,
		o.Redeemed, nullIfEmpty(o.TokenHash), nullIfZero(o.TokenExpires), o.ClientID, o.RedirectURI, o.CodeChallenge)
	return vciError(err, "offer")
}

// Offer implements [openid4vci.Store].
func (db *DB) Offer(ctx context.Context, id string) (*openid4vci.Offer, error) {
	return scanVCIOffer(db.pool.QueryRow(ctx, `SELECT `+vciOfferColumns+` FROM openid4vci_offers WHERE id = $1`, id))
}

// OfferByCode implements [openid4vci.Store].
func (db *DB) OfferByCode(ctx context.Context, codeHash string) (*openid4vci.Offer, error) {
	return scanVCIOffer(db.pool.QueryRow(ctx, `SELECT `+vciOfferColumns+` FROM openid4vci_offers WHERE code_hash = $1`, codeHash))
}

// OfferByToken implements [openid4vci.Store].
func (db *DB) OfferByToken(ctx context.Context, tokenHash string) (*openid4vci.Offer, error) {
	return scanVCIOffer(db.pool.QueryRow(ctx, `SELECT `+vciOfferColumns+` FROM openid4vci_offers WHERE token_hash = $1`, tokenHash))
}

// UpdateOffer implements [openid4vci.Store].
func (db *DB) UpdateOffer(ctx context.Context, id string, fn func(*openid4vci.Offer) error) (*openid4vci.Offer, error) {
	var o *openid4vci.Offer
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var err error
		o, err = scanVCIOffer(tx.QueryRow(ctx, `SELECT `+vciOfferColumns+` FROM openid4vci_offers WHERE id = $1 FOR UPDATE`, id))
		if err != nil {
			return err
		}
		if err := fn(o); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE openid4vci_offers SET tx_attempts = $2, redeemed = $3, token_hash = $4,
			token_expires = $5 WHERE id = $1`, id, o.TxAttempts, o.Redeemed, nullIfEmpty(o.TokenHash), nullIfZero(o.TokenExpires))
		return vciError(err, "offer")
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// CreateNonce implements [openid4vci.Store].
func (db *DB) CreateNonce(ctx context.Context, hash string, expires time.Time) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO openid4vci_nonces (hash, expires) VALUES ($1, $2)`, hash, expires)
	return vciError(err, "nonce")
}

// TakeNonce implements [openid4vci.Store].
func (db *DB) TakeNonce(ctx context.Context, hash string) (time.Time, error) {
	var expires time.Time
	err := db.pool.QueryRow(ctx, `DELETE FROM openid4vci_nonces WHERE hash = $1 RETURNING expires`, hash).Scan(&expires)
	if err != nil {
		return time.Time{}, authError(err, "nonce")
	}
	return utc(expires), nil
}

// PurgeExpired implements [openid4vci.Store].
func (db *DB) PurgeExpired(ctx context.Context, before time.Time) (offers, nonces int, err error) {
	tag, err := db.pool.Exec(ctx, `DELETE FROM openid4vci_offers
		WHERE expires < $1 AND (token_hash IS NULL OR token_expires < $1)`, before)
	if err != nil {
		return 0, 0, err
	}
	offers = int(tag.RowsAffected())
	if tag, err = db.pool.Exec(ctx, `DELETE FROM openid4vci_nonces WHERE expires < $1`, before); err != nil {
		return offers, 0, err
	}
	return offers, int(tag.RowsAffected()), nil
}

// vciError is authError, nil for nil.
func vciError(err error, what string) error {
	if err == nil {
		return nil
	}
	return authError(err, what)
}
