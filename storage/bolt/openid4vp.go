package bolt

import (
	"context"
	"encoding/json"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/openid4vp"
	"github.com/badged/badged/storage/internal/record"
	bolt "go.etcd.io/bbolt"
)

var _ openid4vp.Store = (*DB)(nil)

// bktVPTransactions holds package openid4vp's transactions by ID.
var bktVPTransactions = []byte("openid4vp:transactions")

// vpTransactionRecord is the stored form of openid4vp.Transaction.
type vpTransactionRecord struct {
	Format  int        `json:"format"`
	ID      string     `json:"id"`
	Ask     vpAsk      `json:"ask"`
	Created time.Time  `json:"created"`
	Expires time.Time  `json:"expires"`
	Outcome *vpOutcome `json:"outcome,omitempty"`
}

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

func vpTransactionRecordOf(t *openid4vp.Transaction) *vpTransactionRecord {
	r := &vpTransactionRecord{Format: record.Format, ID: t.ID, Ask: vpAsk(t.Ask), Created: t.Created.UTC(), Expires: t.Expires.UTC()}
	if o := t.Outcome; o != nil {
		r.Outcome = &vpOutcome{Received: o.Received.UTC(), Error: o.Error, Description: o.Description, Declined: o.Declined, Result: o.Result}
	}
	return r
}

func (r *vpTransactionRecord) domain() *openid4vp.Transaction {
	t := &openid4vp.Transaction{ID: r.ID, Ask: openid4vp.Ask(r.Ask), Created: r.Created, Expires: r.Expires}
	if o := r.Outcome; o != nil {
		t.Outcome = &openid4vp.Outcome{Received: o.Received, Error: o.Error, Description: o.Description, Declined: o.Declined, Result: o.Result}
	}
	return t
}

// CreateTransaction implements [openid4vp.Store].
func (db *DB) CreateTransaction(ctx context.Context, t *openid4vp.Transaction) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		return insert(tx, bktVPTransactions, "transaction", t.ID, vpTransactionRecordOf(t))
	})
}

// Transaction implements [openid4vp.Store].
func (db *DB) Transaction(ctx context.Context, id string) (*openid4vp.Transaction, error) {
	var t *openid4vp.Transaction
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var r vpTransactionRecord
		if err := get(tx, bktVPTransactions, "transaction", id, &r); err != nil {
			return err
		}
		t = r.domain()
		return nil
	})
	return t, err
}

// UpdateTransaction implements [openid4vp.Store].
func (db *DB) UpdateTransaction(ctx context.Context, id string, fn func(*openid4vp.Transaction) error) (*openid4vp.Transaction, error) {
	var t *openid4vp.Transaction
	err := db.update(ctx, func(tx *bolt.Tx) error {
		var r vpTransactionRecord
		if err := get(tx, bktVPTransactions, "transaction", id, &r); err != nil {
			return err
		}
		t = r.domain()
		if err := fn(t); err != nil {
			return err
		}
		t.ID = r.ID
		return put(tx, bktVPTransactions, id, vpTransactionRecordOf(t))
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// PurgeTransactions implements [openid4vp.Store].
func (db *DB) PurgeTransactions(ctx context.Context, before time.Time) (int, error) {
	n := 0
	err := db.update(ctx, func(tx *bolt.Tx) error {
		n = 0
		b := tx.Bucket(bktVPTransactions)
		var dead [][]byte
		err := b.ForEach(func(k, v []byte) error {
			var r vpTransactionRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return badged.Wrap(badged.Internal, err, "stored record unreadable")
			}
			if r.Expires.Before(before) {
				dead = append(dead, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range dead {
			if err := b.Delete(k); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
