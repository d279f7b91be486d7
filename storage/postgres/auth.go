package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/auth"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

var _ auth.Store = (*DB)(nil)

// authError translates pgx errors for the auth tables. Keys are never put
// in messages: they are hashes of credentials.
func authError(err error, what string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return badged.Errorf(badged.NotFound, "%s not found", what)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return badged.Errorf(badged.Conflict, "%s already exists", what)
		case "23503":
			return badged.Errorf(badged.NotFound, "the parent of the %s was not found", what)
		}
	}
	return badged.Wrap(badged.Unavailable, err, "the database failed")
}

func utc(t time.Time) time.Time { return t.UTC() }

// nullTime maps a zero time to NULL and back.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func fromNull(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// CreateSession implements [auth.Store].
func (db *DB) CreateSession(ctx context.Context, s *auth.Session) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO auth_sessions (hash, user_id, email, superuser, created, expires)
		VALUES ($1, $2, $3, $4, $5, $6)`, s.Hash, s.User.ID, s.User.Email, s.User.Superuser, s.Created, s.Expires)
	if err != nil {
		return authError(err, "session")
	}
	return nil
}

// Session implements [auth.Store].
func (db *DB) Session(ctx context.Context, hash string) (*auth.Session, error) {
	s := &auth.Session{Hash: hash}
	err := db.pool.QueryRow(ctx, `SELECT user_id, email, superuser, created, expires FROM auth_sessions WHERE hash = $1`, hash).
		Scan(&s.User.ID, &s.User.Email, &s.User.Superuser, &s.Created, &s.Expires)
	if err != nil {
		return nil, authError(err, "session")
	}
	s.Created, s.Expires = utc(s.Created), utc(s.Expires)
	return s, nil
}

// DeleteSession implements [auth.Store].
func (db *DB) DeleteSession(ctx context.Context, hash string) error {
	tag, err := db.pool.Exec(ctx, `DELETE FROM auth_sessions WHERE hash = $1`, hash)
	if err != nil {
		return authError(err, "session")
	}
	if tag.RowsAffected() == 0 {
		return badged.Errorf(badged.NotFound, "session not found")
	}
	return nil
}

const clientColumns = `id, institution_id, name, secret_hash, created_by, created, last_used, revoked, issuers, badge_classes, free_form`

func scanClient(row pgx.Row) (*auth.Client, error) {
	var (
		c                 auth.Client
		lastUsed, revoked *time.Time
	)
	if err := row.Scan(&c.ID, &c.InstitutionID, &c.Name, &c.SecretHash, &c.CreatedBy, &c.Created, &lastUsed, &revoked,
		&c.Scope.Issuers, &c.Scope.BadgeClasses, &c.Scope.FreeForm); err != nil {
		return nil, err
	}
	if len(c.Scope.Issuers) == 0 {
		c.Scope.Issuers = nil
	}
	if len(c.Scope.BadgeClasses) == 0 {
		c.Scope.BadgeClasses = nil
	}
	c.Created, c.LastUsed, c.Revoked = utc(c.Created), fromNull(lastUsed), fromNull(revoked)
	return &c, nil
}

// CreateClient implements [auth.Store].
func (db *DB) CreateClient(ctx context.Context, c *auth.Client) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO auth_clients (`+clientColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		c.ID, c.InstitutionID, c.Name, c.SecretHash, c.CreatedBy, c.Created, nullTime(c.LastUsed), nullTime(c.Revoked),
		nonNil(c.Scope.Issuers), nonNil(c.Scope.BadgeClasses), c.Scope.FreeForm)
	if err != nil {
		return authError(err, "API client")
	}
	return nil
}

// Client implements [auth.Store].
func (db *DB) Client(ctx context.Context, id string) (*auth.Client, error) {
	c, err := scanClient(db.pool.QueryRow(ctx, `SELECT `+clientColumns+` FROM auth_clients WHERE id = $1`, id))
	if err != nil {
		return nil, authError(err, "API client")
	}
	return c, nil
}

// ClientBySecret implements [auth.Store].
func (db *DB) ClientBySecret(ctx context.Context, secretHash string) (*auth.Client, error) {
	c, err := scanClient(db.pool.QueryRow(ctx, `SELECT `+clientColumns+` FROM auth_clients WHERE secret_hash = $1`, secretHash))
	if err != nil {
		return nil, authError(err, "API client")
	}
	return c, nil
}

// Clients implements [auth.Store].
func (db *DB) Clients(ctx context.Context, institutionID string) ([]*auth.Client, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+clientColumns+` FROM auth_clients WHERE institution_id = $1 ORDER BY created, id`, institutionID)
	if err != nil {
		return nil, authError(err, "API client")
	}
	defer rows.Close()
	out := []*auth.Client{}
	for rows.Next() {
		c, err := scanClient(rows)
		if err != nil {
			return nil, authError(err, "API client")
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, authError(err, "API client")
	}
	return out, nil
}

// RevokeClient implements [auth.Store].
func (db *DB) RevokeClient(ctx context.Context, id string, at time.Time) error {
	return db.execClient(ctx, id, `UPDATE auth_clients SET revoked = COALESCE(revoked, $2) WHERE id = $1`, at)
}

// TouchClient implements [auth.Store].
func (db *DB) TouchClient(ctx context.Context, id string, at time.Time) error {
	return db.execClient(ctx, id, `UPDATE auth_clients SET last_used = GREATEST(COALESCE(last_used, $2), $2) WHERE id = $1`, at)
}

func (db *DB) execClient(ctx context.Context, id, sql string, at time.Time) error {
	tag, err := db.pool.Exec(ctx, sql, id, at)
	if err != nil {
		return authError(err, "API client")
	}
	if tag.RowsAffected() == 0 {
		return badged.Errorf(badged.NotFound, "API client %s not found", id)
	}
	return nil
}

// CreateAccessToken implements [auth.Store].
func (db *DB) CreateAccessToken(ctx context.Context, t *auth.AccessToken) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO auth_access_tokens (hash, client_id, created, expires) VALUES ($1, $2, $3, $4)`,
		t.Hash, t.ClientID, t.Created, t.Expires)
	if err != nil {
		return authError(err, "access token")
	}
	return nil
}

// AccessToken implements [auth.Store].
func (db *DB) AccessToken(ctx context.Context, hash string) (*auth.AccessToken, error) {
	t := &auth.AccessToken{Hash: hash}
	err := db.pool.QueryRow(ctx, `SELECT client_id, created, expires FROM auth_access_tokens WHERE hash = $1`, hash).
		Scan(&t.ClientID, &t.Created, &t.Expires)
	if err != nil {
		return nil, authError(err, "access token")
	}
	t.Created, t.Expires = utc(t.Created), utc(t.Expires)
	return t, nil
}
