package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/wallet"
	"github.com/jackc/pgx/v5"
)

var _ wallet.Store = (*DB)(nil)

// Kinds of wallet_items.
const (
	kindShare        = "share" // id: the holding's; public_id: the share's
	kindImport       = "import"
	kindPresentation = "presentation"
	kindCollection   = "collection"
)

// walletFormat is the format number of the wallet records.
const walletFormat = 1

// walletRecord is the stored JSON of a wallet record: a format number
// and the record's fields.
type walletRecord[T any] struct {
	Format int `json:"format"`
	Record T   `json:"record"`
}

func walletEncode[T any](v *T) ([]byte, error) {
	return encode(walletRecord[*T]{Format: walletFormat, Record: v})
}

func walletDecode[T any](data []byte, what, id string) (*T, error) {
	var r walletRecord[*T]
	err := json.Unmarshal(data, &r)
	if err == nil && r.Format != walletFormat {
		err = fmt.Errorf("unknown format %d", r.Format)
	}
	if err == nil && r.Record == nil {
		err = errors.New("empty record")
	}
	if err != nil {
		return nil, badged.Wrap(badged.Internal, fmt.Errorf("%s %s: %v", what, id, err), "stored record unreadable")
	}
	return r.Record, nil
}

func walletItem[T any](ctx context.Context, db *DB, sql, what, id string, args ...any) (*T, error) {
	var data []byte
	if err := db.pool.QueryRow(ctx, sql, args...).Scan(&data); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, notFound(what, id)
		}
		return nil, storeError(err, what, id, "")
	}
	return walletDecode[T](data, what, id)
}

func walletItems[T any](ctx context.Context, db *DB, kind, userID string) ([]*T, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, data FROM wallet_items WHERE user_id = $1 AND kind = $2 ORDER BY created, id`, userID, kind)
	if err != nil {
		return nil, storeError(err, kind, "", "")
	}
	defer rows.Close()
	out := []*T{}
	for rows.Next() {
		var (
			id   string
			data []byte
		)
		if err := rows.Scan(&id, &data); err != nil {
			return nil, storeError(err, kind, "", "")
		}
		v, err := walletDecode[T](data, kind, id)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(err, kind, "", "")
	}
	return out, nil
}

func walletInsert[T any](ctx context.Context, db *DB, kind, userID, id, publicID string, created time.Time, v *T) error {
	data, err := walletEncode(v)
	if err != nil {
		return err
	}
	_, err = db.pool.Exec(ctx, `INSERT INTO wallet_items (kind, id, user_id, public_id, created, data) VALUES ($1, $2, $3, $4, $5, $6)`,
		kind, id, userID, publicID, created, data)
	if err != nil {
		return storeError(err, kind, id, "")
	}
	return nil
}

func walletDelete(ctx context.Context, db *DB, kind, userID, id string) error {
	tag, err := db.pool.Exec(ctx, `DELETE FROM wallet_items WHERE kind = $1 AND user_id = $2 AND id = $3`, kind, userID, id)
	if err != nil {
		return storeError(err, kind, id, "")
	}
	if tag.RowsAffected() == 0 {
		return notFound(kind, id)
	}
	return nil
}

// WalletKey implements [wallet.Store].
func (db *DB) WalletKey(ctx context.Context, userID string) (*wallet.Key, error) {
	return walletItem[wallet.Key](ctx, db, `SELECT data FROM wallet_keys WHERE user_id = $1`, "wallet key of", userID, userID)
}

// CreateWalletKey implements [wallet.Store].
func (db *DB) CreateWalletKey(ctx context.Context, k *wallet.Key) error {
	data, err := walletEncode(k)
	if err != nil {
		return err
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO wallet_keys (user_id, data) VALUES ($1, $2)`, k.UserID, data); err != nil {
		return storeError(err, "wallet key of", k.UserID, "")
	}
	return nil
}

// PutShare implements [wallet.Store].
func (db *DB) PutShare(ctx context.Context, s *wallet.Share) error {
	data, err := walletEncode(s)
	if err != nil {
		return err
	}
	_, err = db.pool.Exec(ctx, `INSERT INTO wallet_items (kind, id, user_id, public_id, created, data) VALUES ('share', $1, $2, $3, $4, $5)
		ON CONFLICT (kind, user_id, id) DO UPDATE SET public_id = EXCLUDED.public_id, data = EXCLUDED.data`,
		s.HoldingID, s.UserID, s.ID, s.Created, data)
	if err != nil {
		return storeError(err, "share", s.ID, "")
	}
	return nil
}

// Share implements [wallet.Store].
func (db *DB) Share(ctx context.Context, userID, holdingID string) (*wallet.Share, error) {
	return walletItem[wallet.Share](ctx, db, `SELECT data FROM wallet_items WHERE kind = 'share' AND user_id = $1 AND id = $2`,
		"share of", holdingID, userID, holdingID)
}

// ShareByID implements [wallet.Store].
func (db *DB) ShareByID(ctx context.Context, id string) (*wallet.Share, error) {
	return walletItem[wallet.Share](ctx, db, `SELECT data FROM wallet_items WHERE kind = 'share' AND public_id = $1`, "share", id, id)
}

// Shares implements [wallet.Store].
func (db *DB) Shares(ctx context.Context, userID string) ([]*wallet.Share, error) {
	return walletItems[wallet.Share](ctx, db, kindShare, userID)
}

// CreateImport implements [wallet.Store].
func (db *DB) CreateImport(ctx context.Context, im *wallet.Import) error {
	return walletInsert(ctx, db, kindImport, im.UserID, im.ID, im.ID, im.Created, im)
}

// Import implements [wallet.Store].
func (db *DB) Import(ctx context.Context, userID, id string) (*wallet.Import, error) {
	return walletItem[wallet.Import](ctx, db, `SELECT data FROM wallet_items WHERE kind = 'import' AND user_id = $1 AND id = $2`,
		"credential", id, userID, id)
}

// Imports implements [wallet.Store].
func (db *DB) Imports(ctx context.Context, userID string) ([]*wallet.Import, error) {
	return walletItems[wallet.Import](ctx, db, kindImport, userID)
}

// DeleteImport implements [wallet.Store]; it removes the import's share too.
func (db *DB) DeleteImport(ctx context.Context, userID, id string) error {
	if err := walletDelete(ctx, db, kindImport, userID, id); err != nil {
		return err
	}
	if err := walletDelete(ctx, db, kindShare, userID, id); err != nil && badged.KindOf(err) != badged.NotFound {
		return err
	}
	return nil
}

// CreatePresentation implements [wallet.Store].
func (db *DB) CreatePresentation(ctx context.Context, p *wallet.Presentation) error {
	return walletInsert(ctx, db, kindPresentation, p.UserID, p.ID, p.ID, p.Created, p)
}

// Presentation implements [wallet.Store].
func (db *DB) Presentation(ctx context.Context, id string) (*wallet.Presentation, error) {
	return walletItem[wallet.Presentation](ctx, db, `SELECT data FROM wallet_items WHERE kind = 'presentation' AND public_id = $1`,
		"presentation", id, id)
}

// Presentations implements [wallet.Store].
func (db *DB) Presentations(ctx context.Context, userID string) ([]*wallet.Presentation, error) {
	return walletItems[wallet.Presentation](ctx, db, kindPresentation, userID)
}

// DeletePresentation implements [wallet.Store].
func (db *DB) DeletePresentation(ctx context.Context, userID, id string) error {
	return walletDelete(ctx, db, kindPresentation, userID, id)
}

// PutCollection implements [wallet.Store]: Conflict when the ID is
// another user's collection.
func (db *DB) PutCollection(ctx context.Context, c *wallet.Collection) error {
	data, err := walletEncode(c)
	if err != nil {
		return err
	}
	_, err = db.pool.Exec(ctx, `INSERT INTO wallet_items (kind, id, user_id, public_id, created, data) VALUES ('collection', $1, $2, $1, $3, $4)
		ON CONFLICT (kind, user_id, id) DO UPDATE SET data = EXCLUDED.data`, c.ID, c.UserID, c.Created, data)
	if err != nil {
		return storeError(err, "collection", c.ID, "")
	}
	return nil
}

// Collection implements [wallet.Store].
func (db *DB) Collection(ctx context.Context, userID, id string) (*wallet.Collection, error) {
	return walletItem[wallet.Collection](ctx, db, `SELECT data FROM wallet_items WHERE kind = 'collection' AND user_id = $1 AND id = $2`,
		"collection", id, userID, id)
}

// Collections implements [wallet.Store].
func (db *DB) Collections(ctx context.Context, userID string) ([]*wallet.Collection, error) {
	return walletItems[wallet.Collection](ctx, db, kindCollection, userID)
}

// DeleteCollection implements [wallet.Store].
func (db *DB) DeleteCollection(ctx context.Context, userID, id string) error {
	return walletDelete(ctx, db, kindCollection, userID, id)
}

// DeleteWallet implements [wallet.Store].
func (db *DB) DeleteWallet(ctx context.Context, userID string) error {
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM wallet_items WHERE user_id = $1`, userID); err != nil {
			return storeError(err, "wallet of", userID, "")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM wallet_keys WHERE user_id = $1`, userID); err != nil {
			return storeError(err, "wallet of", userID, "")
		}
		return nil
	})
}
