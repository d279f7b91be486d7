package bolt

import (
	"context"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/auth"
	bolt "go.etcd.io/bbolt"
)

var _ auth.Store = (*DB)(nil)

// Buckets of package auth's records. Sessions and access tokens are keyed
// by the hash of their token, clients by ID.
var (
	bktSessions      = []byte("auth:sessions")
	bktClients       = []byte("auth:clients")
	bktAccessTokens  = []byte("auth:tokens")
	idxClientSecrets = []byte("idx:clients:secret")      // secret hash → client ID
	idxClientsByInst = []byte("idx:clients:institution") // indexKey(institution, created, id)
)

// authFormat is the format number of the auth records.
const authFormat = 1

type sessionRecord struct {
	Format    int       `json:"format"`
	Hash      string    `json:"hash"`
	UserID    string    `json:"userId"`
	Email     string    `json:"email,omitempty"`
	Superuser bool      `json:"superuser,omitempty"`
	Created   time.Time `json:"created"`
	Expires   time.Time `json:"expires"`
}

type clientRecord struct {
	Format        int       `json:"format"`
	ID            string    `json:"id"`
	InstitutionID string    `json:"institution"`
	Name          string    `json:"name"`
	SecretHash    string    `json:"secretHash"`
	CreatedBy     string    `json:"createdBy,omitempty"`
	Created       time.Time `json:"created"`
	LastUsed      time.Time `json:"lastUsed,omitzero"`
	Revoked       time.Time `json:"revoked,omitzero"`
	// The scope; absent in records written before scopes (the zero Scope).
	Issuers      []string `json:"issuers,omitempty"`
	BadgeClasses []string `json:"badgeClasses,omitempty"`
	FreeForm     bool     `json:"freeForm,omitempty"`
}

type tokenRecord struct {
	Format   int       `json:"format"`
	Hash     string    `json:"hash"`
	ClientID string    `json:"client"`
	Created  time.Time `json:"created"`
	Expires  time.Time `json:"expires"`
}

func (r *clientRecord) domain() *auth.Client {
	return &auth.Client{ID: r.ID, InstitutionID: r.InstitutionID, Name: r.Name, SecretHash: r.SecretHash,
		CreatedBy: r.CreatedBy, Created: r.Created, LastUsed: r.LastUsed, Revoked: r.Revoked,
		Scope: auth.Scope{Issuers: r.Issuers, BadgeClasses: r.BadgeClasses, FreeForm: r.FreeForm}}
}

// CreateSession implements [auth.Store].
func (db *DB) CreateSession(ctx context.Context, s *auth.Session) error {
	r := &sessionRecord{Format: authFormat, Hash: s.Hash, UserID: s.User.ID, Email: s.User.Email,
		Superuser: s.User.Superuser, Created: s.Created, Expires: s.Expires}
	return db.update(ctx, func(tx *bolt.Tx) error { return insert(tx, bktSessions, "session", s.Hash, r) })
}

// Session implements [auth.Store].
func (db *DB) Session(ctx context.Context, hash string) (*auth.Session, error) {
	var r sessionRecord
	if err := db.view(ctx, func(tx *bolt.Tx) error { return getAuth(tx, bktSessions, "session", hash, &r) }); err != nil {
		return nil, err
	}
	return &auth.Session{Hash: r.Hash, User: auth.User{ID: r.UserID, Email: r.Email, Superuser: r.Superuser},
		Created: r.Created, Expires: r.Expires}, nil
}

// DeleteSession implements [auth.Store].
func (db *DB) DeleteSession(ctx context.Context, hash string) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		if err := exists(tx, bktSessions, "session", hash); err != nil {
			return err
		}
		return tx.Bucket(bktSessions).Delete([]byte(hash))
	})
}

// CreateClient implements [auth.Store].
func (db *DB) CreateClient(ctx context.Context, c *auth.Client) error {
	r := &clientRecord{Format: authFormat, ID: c.ID, InstitutionID: c.InstitutionID, Name: c.Name,
		SecretHash: c.SecretHash, CreatedBy: c.CreatedBy, Created: c.Created, LastUsed: c.LastUsed, Revoked: c.Revoked,
		Issuers: c.Scope.Issuers, BadgeClasses: c.Scope.BadgeClasses, FreeForm: c.Scope.FreeForm}
	return db.update(ctx, func(tx *bolt.Tx) error {
		if err := checkID("API client secret", c.SecretHash); err != nil {
			return err
		}
		if tx.Bucket(idxClientSecrets).Get([]byte(c.SecretHash)) != nil {
			return badged.Errorf(badged.Conflict, "API client secret already exists")
		}
		if err := insert(tx, bktClients, "API client", c.ID, r); err != nil {
			return err
		}
		if err := tx.Bucket(idxClientSecrets).Put([]byte(c.SecretHash), []byte(c.ID)); err != nil {
			return err
		}
		return tx.Bucket(idxClientsByInst).Put(indexKey(c.InstitutionID, c.Created, c.ID), nil)
	})
}

// Client implements [auth.Store].
func (db *DB) Client(ctx context.Context, id string) (*auth.Client, error) {
	var r clientRecord
	if err := db.view(ctx, func(tx *bolt.Tx) error { return getAuth(tx, bktClients, "API client", id, &r) }); err != nil {
		return nil, err
	}
	return r.domain(), nil
}

// ClientBySecret implements [auth.Store].
func (db *DB) ClientBySecret(ctx context.Context, secretHash string) (*auth.Client, error) {
	var r clientRecord
	err := db.view(ctx, func(tx *bolt.Tx) error {
		id := tx.Bucket(idxClientSecrets).Get([]byte(secretHash))
		if id == nil {
			return badged.Errorf(badged.NotFound, "API client not found")
		}
		return getAuth(tx, bktClients, "API client", string(id), &r)
	})
	if err != nil {
		return nil, err
	}
	return r.domain(), nil
}

// Clients implements [auth.Store].
func (db *DB) Clients(ctx context.Context, institutionID string) ([]*auth.Client, error) {
	return listAuth(ctx, db, idxClientsByInst, bktClients, "API client", institutionID, (*clientRecord).domain)
}

// RevokeClient implements [auth.Store].
func (db *DB) RevokeClient(ctx context.Context, id string, at time.Time) error {
	return db.modifyClient(ctx, id, func(r *clientRecord) bool {
		if !r.Revoked.IsZero() {
			return false
		}
		r.Revoked = at
		return true
	})
}

// TouchClient implements [auth.Store].
func (db *DB) TouchClient(ctx context.Context, id string, at time.Time) error {
	return db.modifyClient(ctx, id, func(r *clientRecord) bool {
		if !at.After(r.LastUsed) {
			return false
		}
		r.LastUsed = at
		return true
	})
}

func (db *DB) modifyClient(ctx context.Context, id string, change func(*clientRecord) bool) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		var r clientRecord
		if err := getAuth(tx, bktClients, "API client", id, &r); err != nil {
			return err
		}
		if !change(&r) {
			return nil
		}
		return put(tx, bktClients, id, &r)
	})
}

// CreateAccessToken implements [auth.Store].
func (db *DB) CreateAccessToken(ctx context.Context, t *auth.AccessToken) error {
	r := &tokenRecord{Format: authFormat, Hash: t.Hash, ClientID: t.ClientID, Created: t.Created, Expires: t.Expires}
	return db.update(ctx, func(tx *bolt.Tx) error { return insert(tx, bktAccessTokens, "access token", t.Hash, r) })
}

// AccessToken implements [auth.Store].
func (db *DB) AccessToken(ctx context.Context, hash string) (*auth.AccessToken, error) {
	var r tokenRecord
	if err := db.view(ctx, func(tx *bolt.Tx) error { return getAuth(tx, bktAccessTokens, "access token", hash, &r) }); err != nil {
		return nil, err
	}
	return &auth.AccessToken{Hash: r.Hash, ClientID: r.ClientID, Created: r.Created, Expires: r.Expires}, nil
}

// getAuth is get for the auth records, which are not in the shared record
// package and number their own format. A missing key is NotFound without
// echoing the key, which may be a credential's hash (nor does an unreadable
// record's logged error).
func getAuth(tx *bolt.Tx, bucket []byte, what, key string, r any) error {
	data := tx.Bucket(bucket).Get([]byte(key))
	if data == nil {
		return badged.Errorf(badged.NotFound, "%s not found", what)
	}
	return decode(data, what, "record", authFormat, r)
}

func listAuth[R any, D any](ctx context.Context, db *DB, index, bucket []byte, what, parent string, domain func(*R) D) ([]D, error) {
	out := []D{}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		p := prefix(parent)
		c := tx.Bucket(index).Cursor()
		for k, _ := c.Seek(p); k != nil && len(k) >= len(p)+8 && string(k[:len(p)]) == string(p); k, _ = c.Next() {
			r := new(R)
			if err := getAuth(tx, bucket, what, string(k[len(p)+8:]), r); err != nil {
				return badged.Wrap(badged.Internal, err, "index names a missing "+what)
			}
			out = append(out, domain(r))
		}
		return nil
	})
	return out, err
}
