package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/openid4vp"
	"github.com/jackc/pgx/v5"
)

var _ openid4vp.Store = (*DB)(nil)

// vpAsk and vpOutcome are the stored (jsonb) forms of openid4vp.Ask and
// openid4vp.Outcome.
type vpAsk struct {
	Kind   string   `json:"kind"`
	Values []string `json:"values,omitempty"`
	Label  string   `json:"label,omitempty"`
}

type vpOutcome struct {
	Received    time.Time       `json:"received"`
	Error       string          `json:"error,omitempty"`
	Description string          `json:"description,omitempty"`
	Declined    bool            `json:"declined,omitempty"`
	Result      json.RawMessage `json:"result,omitempty"`
}

func vpOutcomeOf(o *openid4vp.Outcome) any {
	if o == nil {
		return nil
	}
	return vpOutcome{Received: o.Received.UTC(), Error: o.Error, Description: o.Description, Declined: o.Declined, Result: o.Result}
}

func scanVPTransaction(row pgx.Row) (*openid4vp.Transaction, error) {
	t := &openid4vp.Transaction{}
	var ask vpAsk
	var out *vpOutcome
	if err := row.Scan(&t.ID, &ask, &t.Created, &t.Expires, &out); err != nil {
		return nil, authError(err, "transaction")
	}
	t.Ask = openid4vp.Ask(ask)
	t.Created, t.Expires = utc(t.Created), utc(t.Expires)
	if out != nil {
		t.Outcome = &openid4vp.Outcome{Received: utc(out.Received), Error: out.Error, Description: out.Description, Declined: out.Declined, Result: out.Result}
	}
	return t, nil
}

const vpTransactionColumns = `id, ask, created, expires, outcome`

// CreateTransaction implements [openid4vp.Store].
func (db *DB) CreateTransaction(ctx context.Context, t *openid4vp.Transaction) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO openid4vp_transactions (id, ask, created, expires, outcome) VALUES ($1, $2, $3, $4, $5)`,
		t.ID, vpAsk(t.Ask), t.Created, t.Expires, vpOutcomeOf(t.Outcome))
	return vciError(err, "transaction")
}

// Transaction implements [openid4vp.Store].
func (db *DB) Transaction(ctx context.Context, id string) (*openid4vp.Transaction, error) {
	return scanVPTransaction(db.pool.QueryRow(ctx, `SELECT `+vpTransactionColumns+` FROM openid4vp_transactions WHERE id = $1`, id))
}

// UpdateTransaction implements [openid4vp.Store].
func (db *DB) UpdateTransaction(ctx context.Context, id string, fn func(*openid4vp.Transaction) error) (*openid4vp.Transaction, error) {
	var t *openid4vp.Transaction
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var err error
		t, err = scanVPTransaction(tx.QueryRow(ctx, `SELECT `+vpTransactionColumns+` FROM openid4vp_transactions WHERE id = $1 FOR UPDATE`, id))
		if err != nil {
			return err
		}
		if err := fn(t); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE openid4vp_transactions SET outcome = $2 WHERE id = $1`, id, vpOutcomeOf(t.Outcome))
		return vciError(err, "transaction")
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// PurgeTransactions implements [openid4vp.Store].
func (db *DB) PurgeTransactions(ctx context.Context, before time.Time) (int, error) {
	tag, err := db.pool.Exec(ctx, `DELETE FROM openid4vp_transactions WHERE expires < $1`, before)
	if err != nil {
		return 0, badged.Wrap(badged.Unavailable, err, "the database failed")
	}
	return int(tag.RowsAffected()), nil
}
