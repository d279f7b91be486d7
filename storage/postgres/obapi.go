package postgres

import (
	"context"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/obapi"
	"github.com/jackc/pgx/v5"
)

var _ obapi.Store = (*DB)(nil)

func obError(err error, what string) error {
	if err == nil {
		return nil
	}
	return authError(err, what)
}

// CreateOBClient implements [obapi.Store].
func (db *DB) CreateOBClient(ctx context.Context, c *obapi.Client) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO obapi_clients (id, secret_hash, name, uri, logo_uri, redirect_uris, scopes, created)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		c.ID, c.SecretHash, c.Name, c.URI, c.LogoURI, nonNil(c.RedirectURIs), nonNil(c.Scopes), c.Created)
	return obError(err, "client")
}

// OBClient implements [obapi.Store].
func (db *DB) OBClient(ctx context.Context, id string) (*obapi.Client, error) {
	c := &obapi.Client{}
	err := db.pool.QueryRow(ctx, `SELECT id, secret_hash, name, uri, logo_uri, redirect_uris, scopes, created
		FROM obapi_clients WHERE id = $1`, id).Scan(&c.ID, &c.SecretHash, &c.Name, &c.URI, &c.LogoURI,
		&c.RedirectURIs, &c.Scopes, &c.Created)
	if err != nil {
		return nil, obError(err, "client")
	}
	c.Created = utc(c.Created)
	return c, nil
}

// CreateGrant implements [obapi.Store].
func (db *DB) CreateGrant(ctx context.Context, g *obapi.Grant) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO obapi_grants (id, client_id, user_id, scopes, created, revoked)
		VALUES ($1, $2, $3, $4, $5, $6)`, g.ID, g.ClientID, g.UserID, nonNil(g.Scopes), g.Created, nullTime(g.Revoked))
	return obError(err, "grant")
}

const obGrantColumns = `id, client_id, user_id, scopes, created, revoked`

func scanGrant(row pgx.Row) (*obapi.Grant, error) {
	g := &obapi.Grant{}
	var revoked *time.Time
	if err := row.Scan(&g.ID, &g.ClientID, &g.UserID, &g.Scopes, &g.Created, &revoked); err != nil {
		return nil, obError(err, "grant")
	}
	g.Created, g.Revoked = utc(g.Created), utc(fromNull(revoked))
	return g, nil
}

// Grant implements [obapi.Store].
func (db *DB) Grant(ctx context.Context, id string) (*obapi.Grant, error) {
	return scanGrant(db.pool.QueryRow(ctx, `SELECT `+obGrantColumns+` FROM obapi_grants WHERE id = $1`, id))
}

// Grants implements [obapi.Store].
func (db *DB) Grants(ctx context.Context, userID string) ([]*obapi.Grant, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+obGrantColumns+` FROM obapi_grants WHERE user_id = $1 ORDER BY created, id`, userID)
	if err != nil {
		return nil, obError(err, "grant")
	}
	defer rows.Close()
	out := []*obapi.Grant{}
	for rows.Next() {
		g, err := scanGrant(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, obError(rows.Err(), "grant")
}

// RevokeGrant implements [obapi.Store].
func (db *DB) RevokeGrant(ctx context.Context, id string, at time.Time) error {
	tag, err := db.pool.Exec(ctx, `UPDATE obapi_grants SET revoked = coalesce(revoked, $2) WHERE id = $1`, id, at)
	if err != nil {
		return obError(err, "grant")
	}
	if tag.RowsAffected() == 0 {
		return badged.Errorf(badged.NotFound, "grant not found")
	}
	return nil
}

// CreateToken implements [obapi.Store].
func (db *DB) CreateToken(ctx context.Context, t *obapi.Token) error {
	scopes := t.Scopes
	if scopes == nil {
		scopes = []string{}
	}
	_, err := db.pool.Exec(ctx, `INSERT INTO obapi_tokens (hash, kind, grant_id, redirect_uri, code_challenge, created, expires, used, scopes)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, t.Hash, t.Kind, t.GrantID, t.RedirectURI, t.CodeChallenge,
		t.Created, t.Expires, nullTime(t.Used), scopes)
	return obError(err, "token")
}

// Token implements [obapi.Store].
func (db *DB) Token(ctx context.Context, hash string) (*obapi.Token, error) {
	t := &obapi.Token{}
	var used *time.Time
	err := db.pool.QueryRow(ctx, `SELECT hash, kind, grant_id, redirect_uri, code_challenge, created, expires, used, scopes
		FROM obapi_tokens WHERE hash = $1`, hash).Scan(&t.Hash, &t.Kind, &t.GrantID, &t.RedirectURI, &t.CodeChallenge,
		&t.Created, &t.Expires, &used, &t.Scopes)
	if err != nil {
		return nil, obError(err, "token")
	}
	t.Created, t.Expires, t.Used = utc(t.Created), utc(t.Expires), utc(fromNull(used))
	if len(t.Scopes) == 0 {
		t.Scopes = nil
	}
	return t, nil
}

// UseToken implements [obapi.Store].
func (db *DB) UseToken(ctx context.Context, hash string, at time.Time) error {
	tag, err := db.pool.Exec(ctx, `UPDATE obapi_tokens SET used = $2 WHERE hash = $1 AND used IS NULL`, hash, at)
	if err != nil {
		return obError(err, "token")
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	if _, err := db.Token(ctx, hash); err != nil {
		return err
	}
	return badged.Errorf(badged.Conflict, "the token was already used")
}

// Profile implements [obapi.Store].
func (db *DB) Profile(ctx context.Context, userID string) (*obapi.Profile, error) {
	p := &obapi.Profile{}
	err := db.pool.QueryRow(ctx, `SELECT user_id, name, description, url, updated FROM obapi_profiles WHERE user_id = $1`,
		userID).Scan(&p.UserID, &p.Name, &p.Description, &p.URL, &p.Updated)
	if err != nil {
		return nil, obError(err, "profile")
	}
	p.Updated = utc(p.Updated)
	return p, nil
}

// PutProfile implements [obapi.Store].
func (db *DB) PutProfile(ctx context.Context, p *obapi.Profile) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO obapi_profiles (user_id, name, description, url, updated)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id) DO UPDATE
		SET name = EXCLUDED.name, description = EXCLUDED.description, url = EXCLUDED.url, updated = EXCLUDED.updated`,
		p.UserID, p.Name, p.Description, p.URL, p.Updated)
	return obError(err, "profile")
}
