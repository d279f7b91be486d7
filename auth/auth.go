// Package auth establishes who is calling badged: a person signed in with
// a server-side session, or a system (an SIS) of one institution calling
// with a bearer token. It owns the credentials (sessions, API clients and
// their secrets, OAuth 2.0 access tokens) and turns each into a
// [Principal], whose [Principal.Actor] is what the issuer service
// authorizes.
//
// # Credentials
//
// Every credential is 32 random bytes, base64url encoded, and only its
// SHA-256 is stored, so a copy of the database lets no one sign in.
//
//   - A session token is the value of the session cookie. Sessions expire
//     and can be revoked. Login itself (OpenID Connect) calls
//     [Service.CreateSession].
//   - An API client belongs to one institution and is created by one of
//     its admins. Its secret ("bdg_sk_…") is shown once. It serves both as
//     a static API token (Authorization: Bearer) and as the client_secret
//     of the OAuth 2.0 client credentials grant (RFC 6749 §4.4), which
//     returns a short-lived access token ("bdg_at_…").
//
// # Systems as actors
//
// A client acts as the issuer user "client:<id>", holding an
// [issuer.RoleInstitutionAwarder] membership at its institution: created
// with the client, removed when the client is revoked. It may therefore
// read, award and sign in its institution and nothing else.
package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/badged/badged/issuer"
)

// ClientUserPrefix starts the issuer user ID of every API client, and no
// person's user ID.
const ClientUserPrefix = "client:"

// Prefixes of the bearer credentials, so that a token says what it is
// (and secret scanners can find leaked ones).
const (
	secretPrefix = "bdg_sk_"
	tokenPrefix  = "bdg_at_"
)

// User is a person as the login layer knows them.
type User struct {
	ID        string
	Email     string // verified, lower case; may be empty
	Superuser bool
}

// Session is a signed-in user's server-side session.
type Session struct {
	Hash    string // hex SHA-256 of the session token
	User    User
	Created time.Time
	Expires time.Time
}

// Client is a system of one institution, such as its SIS, that calls the
// API with bearer tokens.
type Client struct {
	ID            string
	InstitutionID string
	Name          string
	SecretHash    string // hex SHA-256 of the secret
	CreatedBy     string // the issuer user ID of the admin who created it
	Created       time.Time
	LastUsed      time.Time // zero until first used
	Revoked       time.Time // zero while active
	Scope         Scope     // what it may issue through the VC-API
}

// Scope limits what an API client issues through the VC-API. The zero
// Scope allows every issuer and badge class of its institution, and only
// credentials that fit a badge class.
type Scope struct {
	// Issuers, when not empty, are the only issuers (ids) the client
	// issues as.
	Issuers []string
	// BadgeClasses, when not empty, are the only badge classes (ids)
	// whose credentials the client issues.
	BadgeClasses []string
	// FreeForm lets the client issue credentials that fit no badge class
	// (any VC its issuers sign).
	FreeForm bool
}

// AllowsIssuer reports whether the scope lets its client issue as the
// issuer id (of the client's institution: the scope does not check that).
func (s Scope) AllowsIssuer(id string) bool {
	return len(s.Issuers) == 0 || slices.Contains(s.Issuers, id)
}

// AllowsBadgeClass reports whether the scope lets its client issue
// credentials of the badge class id.
func (s Scope) AllowsBadgeClass(id string) bool {
	return len(s.BadgeClasses) == 0 || slices.Contains(s.BadgeClasses, id)
}

// Active reports whether c has not been revoked.
func (c *Client) Active() bool { return c.Revoked.IsZero() }

// UserID returns the issuer user ID the client acts as.
func (c *Client) UserID() string { return ClientUserPrefix + c.ID }

// AccessToken is a short-lived OAuth 2.0 access token of a client.
type AccessToken struct {
	Hash     string // hex SHA-256 of the token
	ClientID string
	Created  time.Time
	Expires  time.Time
}

// Principal is an authenticated caller: exactly one of User and Client is
// set.
type Principal struct {
	User   *User
	Client *Client
}

// System reports whether p is a system client rather than a person.
func (p *Principal) System() bool { return p.Client != nil }

// Actor returns the issuer actor p acts as.
func (p *Principal) Actor() issuer.Actor {
	if p.Client != nil {
		return issuer.Actor{UserID: p.Client.UserID()}
	}
	return issuer.Actor{UserID: p.User.ID, Email: p.User.Email, Superuser: p.User.Superuser}
}

// Hash returns the hex SHA-256 of a credential, as stored.
func Hash(credential string) string {
	h := sha256.Sum256([]byte(credential))
	return hex.EncodeToString(h[:])
}

func isClientUser(id string) bool { return strings.HasPrefix(id, ClientUserPrefix) }
