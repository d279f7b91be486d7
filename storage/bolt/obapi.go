package bolt

import (
	"context"
	"slices"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/obapi"
	"github.com/badged/badged/storage/internal/record"
	bolt "go.etcd.io/bbolt"
)

var _ obapi.Store = (*DB)(nil)

// Buckets of package obapi: clients by ID, grants by ID with the index
// indexKey(user, created, id), tokens by hash, profiles by user ID.
var (
	bktOBClients    = []byte("obapi:clients")
	bktOBGrants     = []byte("obapi:grants")
	idxOBGrantsUser = []byte("idx:obapi:grants:user")
	bktOBTokens     = []byte("obapi:tokens")
	bktOBProfiles   = []byte("obapi:profiles")
)

type obClientRecord struct {
	Format       int       `json:"format"`
	ID           string    `json:"id"`
	SecretHash   string    `json:"secretHash"`
	Name         string    `json:"name"`
	URI          string    `json:"uri"`
	LogoURI      string    `json:"logoUri,omitempty"`
	RedirectURIs []string  `json:"redirectUris"`
	Scopes       []string  `json:"scopes"`
	Created      time.Time `json:"created"`
}

type obGrantRecord struct {
	Format   int       `json:"format"`
	ID       string    `json:"id"`
	ClientID string    `json:"client"`
	UserID   string    `json:"user"`
	Scopes   []string  `json:"scopes"`
	Created  time.Time `json:"created"`
	Revoked  time.Time `json:"revoked,omitzero"`
}

type obTokenRecord struct {
	Format        int       `json:"format"`
	Hash          string    `json:"hash"`
	Kind          string    `json:"kind"`
	GrantID       string    `json:"grant"`
	RedirectURI   string    `json:"redirectUri,omitempty"`
	CodeChallenge string    `json:"codeChallenge,omitempty"`
	Created       time.Time `json:"created"`
	Expires       time.Time `json:"expires"`
	Used          time.Time `json:"used,omitzero"`
	Scopes        []string  `json:"scopes,omitempty"`
}

type obProfileRecord struct {
	Format      int       `json:"format"`
	UserID      string    `json:"user"`
	Name        string    `json:"name,omitempty"`
	Description string    `json:"description,omitempty"`
	URL         string    `json:"url,omitempty"`
	Updated     time.Time `json:"updated"`
}

func (r *obClientRecord) domain() *obapi.Client {
	return &obapi.Client{ID: r.ID, SecretHash: r.SecretHash, Name: r.Name, URI: r.URI, LogoURI: r.LogoURI,
		RedirectURIs: r.RedirectURIs, Scopes: r.Scopes, Created: r.Created}
}

func (r *obGrantRecord) domain() *obapi.Grant {
	return &obapi.Grant{ID: r.ID, ClientID: r.ClientID, UserID: r.UserID, Scopes: r.Scopes, Created: r.Created, Revoked: r.Revoked}
}

func (r *obTokenRecord) domain() *obapi.Token {
	return &obapi.Token{Hash: r.Hash, Kind: r.Kind, GrantID: r.GrantID, RedirectURI: r.RedirectURI,
		CodeChallenge: r.CodeChallenge, Created: r.Created, Expires: r.Expires, Used: r.Used, Scopes: slices.Clone(r.Scopes)}
}

// CreateOBClient implements [obapi.Store].
func (db *DB) CreateOBClient(ctx context.Context, c *obapi.Client) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		return insert(tx, bktOBClients, "client", c.ID, &obClientRecord{Format: record.Format, ID: c.ID,
			SecretHash: c.SecretHash, Name: c.Name, URI: c.URI, LogoURI: c.LogoURI, RedirectURIs: c.RedirectURIs,
			Scopes: c.Scopes, Created: c.Created.UTC()})
	})
}

// OBClient implements [obapi.Store].
func (db *DB) OBClient(ctx context.Context, id string) (*obapi.Client, error) {
	return read(ctx, db, bktOBClients, "client", id, (*obClientRecord).domain)
}

// CreateGrant implements [obapi.Store].
func (db *DB) CreateGrant(ctx context.Context, g *obapi.Grant) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		err := insert(tx, bktOBGrants, "grant", g.ID, &obGrantRecord{Format: record.Format, ID: g.ID,
			ClientID: g.ClientID, UserID: g.UserID, Scopes: g.Scopes, Created: g.Created.UTC(), Revoked: g.Revoked.UTC()})
		if err != nil {
			return err
		}
		return tx.Bucket(idxOBGrantsUser).Put(indexKey(g.UserID, g.Created, g.ID), nil)
	})
}

// Grant implements [obapi.Store].
func (db *DB) Grant(ctx context.Context, id string) (*obapi.Grant, error) {
	return read(ctx, db, bktOBGrants, "grant", id, (*obGrantRecord).domain)
}

// Grants implements [obapi.Store].
func (db *DB) Grants(ctx context.Context, userID string) ([]*obapi.Grant, error) {
	return list(ctx, db, idxOBGrantsUser, bktOBGrants, "grant", userID, (*obGrantRecord).domain)
}

// RevokeGrant implements [obapi.Store].
func (db *DB) RevokeGrant(ctx context.Context, id string, at time.Time) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		var r obGrantRecord
		if err := get(tx, bktOBGrants, "grant", id, &r); err != nil {
			return err
		}
		if !r.Revoked.IsZero() {
			return nil
		}
		r.Revoked = at.UTC()
		return put(tx, bktOBGrants, id, &r)
	})
}

// CreateToken implements [obapi.Store].
func (db *DB) CreateToken(ctx context.Context, t *obapi.Token) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		return insert(tx, bktOBTokens, "token", t.Hash, &obTokenRecord{Format: record.Format, Hash: t.Hash,
			Kind: t.Kind, GrantID: t.GrantID, RedirectURI: t.RedirectURI, CodeChallenge: t.CodeChallenge,
			Created: t.Created.UTC(), Expires: t.Expires.UTC(), Used: t.Used.UTC(), Scopes: slices.Clone(t.Scopes)})
	})
}

// Token implements [obapi.Store].
func (db *DB) Token(ctx context.Context, hash string) (*obapi.Token, error) {
	return read(ctx, db, bktOBTokens, "token", hash, (*obTokenRecord).domain)
}

// UseToken implements [obapi.Store].
func (db *DB) UseToken(ctx context.Context, hash string, at time.Time) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		var r obTokenRecord
		if err := get(tx, bktOBTokens, "token", hash, &r); err != nil {
			return err
		}
		if !r.Used.IsZero() {
			return badged.Errorf(badged.Conflict, "the token was already used")
		}
		r.Used = at.UTC()
		return put(tx, bktOBTokens, hash, &r)
	})
}

// Profile implements [obapi.Store].
func (db *DB) Profile(ctx context.Context, userID string) (*obapi.Profile, error) {
	var r obProfileRecord
	if err := db.view(ctx, func(tx *bolt.Tx) error { return get(tx, bktOBProfiles, "profile", userID, &r) }); err != nil {
		return nil, err
	}
	return &obapi.Profile{UserID: r.UserID, Name: r.Name, Description: r.Description, URL: r.URL, Updated: r.Updated}, nil
}

// PutProfile implements [obapi.Store].
func (db *DB) PutProfile(ctx context.Context, p *obapi.Profile) error {
	if err := checkID("profile", p.UserID); err != nil {
		return err
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		return put(tx, bktOBProfiles, p.UserID, &obProfileRecord{Format: record.Format, UserID: p.UserID,
			Name: p.Name, Description: p.Description, URL: p.URL, Updated: p.Updated.UTC()})
	})
}
