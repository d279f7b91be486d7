package openid4vp

import (
	"context"
	"encoding/json"
	"time"
)

// Transaction is one request of an employer: what was asked, and, once a
// wallet answered, the outcome. It is stored under the hash of its
// request reference ([Hash]); state and nonce are derived from the
// reference and never stored.
type Transaction struct {
	ID      string // Hash of the request reference
	Ask     Ask
	Created time.Time
	Expires time.Time
	// Outcome is nil until the one response the transaction takes.
	Outcome *Outcome
}

// Outcome is what came of a wallet's response.
type Outcome struct {
	Received time.Time
	// Error is the protocol error the response was refused with, or that
	// the wallet sent (access_denied when the holder declined); empty
	// when the presentation was accepted. Description says why.
	Error, Description string
	// Declined says Error is the wallet's own error response (the holder
	// declined, or the wallet could not answer), not a refusal.
	Declined bool
	// Result is the verifier's result of the presentation
	// (verifier.Result as JSON), when it was checked.
	Result json.RawMessage
}

// Store keeps transactions. Implementations: storage/bolt and
// storage/postgres, checked by storage/storagetest.
//
// Transaction and UpdateTransaction return a *badged.Error of kind
// NotFound when there is no transaction id; CreateTransaction returns
// kind Conflict for an existing one.
type Store interface {
	CreateTransaction(ctx context.Context, t *Transaction) error
	Transaction(ctx context.Context, id string) (*Transaction, error)
	// UpdateTransaction reads transaction id, calls fn on it and stores
	// what fn left, in one transaction; an error from fn aborts without a
	// change and is returned as is.
	UpdateTransaction(ctx context.Context, id string, fn func(*Transaction) error) (*Transaction, error)
	// PurgeTransactions removes the transactions that expired before, and
	// returns how many.
	PurgeTransactions(ctx context.Context, before time.Time) (int, error)
}
