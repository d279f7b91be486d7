package auth

import (
	"context"
	"time"
)

// Store keeps sessions, clients and access tokens. Storage adapters
// implement it; all of them pass storage/storagetest.RunAuth.
//
// Error contract: a record that does not exist gives a [badged.NotFound]
// *badged.Error; creating a record whose key exists gives
// [badged.Conflict]. Times are stored at microsecond precision in UTC.
type Store interface {
	CreateSession(ctx context.Context, s *Session) error
	// Session returns the session with the given hash, expired or not.
	Session(ctx context.Context, hash string) (*Session, error)
	DeleteSession(ctx context.Context, hash string) error

	// CreateClient stores c; its SecretHash must be unique.
	CreateClient(ctx context.Context, c *Client) error
	Client(ctx context.Context, id string) (*Client, error)
	ClientBySecret(ctx context.Context, secretHash string) (*Client, error)
	// Clients lists the clients of an institution, revoked ones included,
	// ordered by Created, then ID.
	Clients(ctx context.Context, institutionID string) ([]*Client, error)
	// RevokeClient sets Revoked to at, unless the client is already
	// revoked.
	RevokeClient(ctx context.Context, id string, at time.Time) error
	// TouchClient sets LastUsed to at when at is later.
	TouchClient(ctx context.Context, id string, at time.Time) error

	CreateAccessToken(ctx context.Context, t *AccessToken) error
	// AccessToken returns the token with the given hash, expired or not.
	AccessToken(ctx context.Context, hash string) (*AccessToken, error)
}
