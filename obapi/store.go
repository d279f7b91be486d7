package obapi

import (
	"context"
	"time"
)

// Client is an application registered through dynamic client
// registration.
type Client struct {
	ID           string
	SecretHash   string // hex SHA-256 of the client secret
	Name         string
	URI          string // client_uri, the application's home page
	LogoURI      string
	RedirectURIs []string
	Scopes       []string // the scopes the client may ask for
	Created      time.Time
}

// Grant is a learner's consent to one client, for some scopes.
type Grant struct {
	ID       string
	ClientID string
	UserID   string
	Scopes   []string
	Created  time.Time
	Revoked  time.Time // zero while active
}

// Active reports whether g has not been revoked.
func (g *Grant) Active() bool { return g.Revoked.IsZero() }

// Kinds of [Token].
const (
	KindCode    = "code"
	KindAccess  = "access"
	KindRefresh = "refresh"
)

// Token is an authorization code, access token or refresh token of a
// grant, stored by its hash.
type Token struct {
	Hash    string
	Kind    string // KindCode, KindAccess or KindRefresh
	GrantID string
	// For a code: the redirect URI and the S256 PKCE challenge of the
	// authorization request.
	RedirectURI   string
	CodeChallenge string
	Created       time.Time
	Expires       time.Time
	Used          time.Time // zero until used (a code, a refresh token) or revoked
	// Scopes are an access token's scopes when a refresh asked for fewer
	// than its grant's; empty, the grant's.
	Scopes []string
}

// Profile is what a learner changed of their profile through the API
// (PUT /profile); empty fields keep what sign-in knows.
type Profile struct {
	UserID      string
	Name        string
	Description string
	URL         string
	Updated     time.Time
}

// Store keeps clients, grants, tokens and profiles. Implementations:
// storage/bolt and storage/postgres, checked by storagetest.RunOBAPI.
//
// Lookups return a *badged.Error of kind NotFound when nothing matches;
// Create* return kind Conflict for an existing key. Times are kept at
// microsecond precision in UTC.
type Store interface {
	CreateOBClient(ctx context.Context, c *Client) error
	OBClient(ctx context.Context, id string) (*Client, error)

	CreateGrant(ctx context.Context, g *Grant) error
	Grant(ctx context.Context, id string) (*Grant, error)
	// Grants lists the grants of a user, revoked ones included, ordered
	// by Created, then ID.
	Grants(ctx context.Context, userID string) ([]*Grant, error)
	// RevokeGrant sets Revoked to at, unless the grant is already
	// revoked.
	RevokeGrant(ctx context.Context, id string, at time.Time) error

	CreateToken(ctx context.Context, t *Token) error
	Token(ctx context.Context, hash string) (*Token, error)
	// UseToken sets Used to at, once: a token already used gives kind
	// Conflict, so that of two concurrent uses only one succeeds.
	UseToken(ctx context.Context, hash string, at time.Time) error

	// Profile returns the user's profile changes (NotFound when none).
	Profile(ctx context.Context, userID string) (*Profile, error)
	PutProfile(ctx context.Context, p *Profile) error
}
