package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/lti"
	"github.com/badged/badged/storage/internal/record"
)

// CreatePlatform implements [lti.Store].
func (db *DB) CreatePlatform(ctx context.Context, p *lti.Platform) error {
	data, err := json.Marshal(record.FromLTIPlatform(p))
	if err != nil {
		return err
	}
	_, err = db.pool.Exec(ctx, `INSERT INTO lti_platforms (id, institution_id, iss, client_id, data) VALUES ($1, $2, $3, $4, $5)`,
		p.ID, p.InstitutionID, p.Issuer, p.ClientID, data)
	if isUniqueViolation(err) {
		return badged.Errorf(badged.Conflict, "a platform %s with client id %s is registered already", p.Issuer, p.ClientID)
	}
	return ltiError(err, "platform")
}

func scanPlatforms(rows pgx.Rows, err error) ([]*lti.Platform, error) {
	if err != nil {
		return nil, ltiError(err, "platform")
	}
	out := []*lti.Platform{}
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		var r record.LTIPlatform
		if err := record.Decode(data, &r); err != nil {
			return nil, badged.Wrap(badged.Internal, err, "stored record unreadable")
		}
		out = append(out, r.Domain())
	}
	return out, rows.Err()
}

// Platform implements [lti.Store].
func (db *DB) Platform(ctx context.Context, id string) (*lti.Platform, error) {
	ps, err := scanPlatforms(db.pool.Query(ctx, `SELECT data FROM lti_platforms WHERE id = $1`, id))
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, notFound("platform", id)
	}
	return ps[0], nil
}

// PlatformByIssuer implements [lti.Store]: without a client id, the one
// platform of the issuer (Invalid when it has several).
func (db *DB) PlatformByIssuer(ctx context.Context, iss, clientID string) (*lti.Platform, error) {
	ps, err := scanPlatforms(db.pool.Query(ctx, `SELECT data FROM lti_platforms WHERE iss = $1 AND ($2 = '' OR client_id = $2) ORDER BY id LIMIT 2`, iss, clientID))
	switch {
	case err != nil:
		return nil, err
	case len(ps) == 0:
		return nil, notFound("platform", iss)
	case len(ps) > 1:
		return nil, badged.Errorf(badged.Invalid, "several platforms %s are registered: the login must name its client_id", iss)
	}
	return ps[0], nil
}

// Platforms implements [lti.Store].
func (db *DB) Platforms(ctx context.Context, institutionID string) ([]*lti.Platform, error) {
	return scanPlatforms(db.pool.Query(ctx, `SELECT data FROM lti_platforms WHERE institution_id = $1 ORDER BY id`, institutionID))
}

// CreateLTINonce implements [lti.Store].
func (db *DB) CreateLTINonce(ctx context.Context, hash string, expires time.Time) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO lti_nonces (hash, expires) VALUES ($1, $2)`, hash, expires)
	return ltiError(err, "nonce")
}

// TakeLTINonce implements [lti.Store].
func (db *DB) TakeLTINonce(ctx context.Context, hash string) (time.Time, error) {
	var expires time.Time
	if err := db.pool.QueryRow(ctx, `DELETE FROM lti_nonces WHERE hash = $1 RETURNING expires`, hash).Scan(&expires); err != nil {
		return time.Time{}, ltiError(err, "nonce")
	}
	return utc(expires), nil
}

// PutLink implements [lti.Store].
func (db *DB) PutLink(ctx context.Context, l *lti.Link) error {
	r := record.FromLTILink(l)
	r.Version = l.Version + 1
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	var tag interface{ RowsAffected() int64 }
	if l.Version == 0 {
		tag, err = db.pool.Exec(ctx, `INSERT INTO lti_links (platform_id, context_id, version, data) VALUES ($1, $2, 1, $3)
			ON CONFLICT (platform_id, context_id) DO NOTHING`, l.PlatformID, l.ContextID, data)
	} else {
		tag, err = db.pool.Exec(ctx, `UPDATE lti_links SET version = version + 1, data = $4
			WHERE platform_id = $1 AND context_id = $2 AND version = $3`, l.PlatformID, l.ContextID, l.Version, data)
	}
	if err != nil {
		return ltiError(err, "course link")
	}
	if tag.RowsAffected() == 0 {
		return badged.Errorf(badged.Conflict, "course link %s was changed by someone else; reload and try again", l.ContextID)
	}
	l.Version = r.Version
	return nil
}

// Link implements [lti.Store].
func (db *DB) Link(ctx context.Context, platformID, contextID string) (*lti.Link, error) {
	var data []byte
	err := db.pool.QueryRow(ctx, `SELECT data FROM lti_links WHERE platform_id = $1 AND context_id = $2`, platformID, contextID).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("course link", contextID)
	}
	if err != nil {
		return nil, ltiError(err, "course link")
	}
	var r record.LTILink
	if err := record.Decode(data, &r); err != nil {
		return nil, badged.Wrap(badged.Internal, err, "stored record unreadable")
	}
	return r.Domain(), nil
}

// ToolKey implements [lti.Store].
func (db *DB) ToolKey(ctx context.Context, create func() ([]byte, error)) ([]byte, error) {
	var key []byte
	err := db.pool.QueryRow(ctx, `SELECT sealed FROM lti_tool_keys WHERE id = 'tool'`).Scan(&key)
	if err == nil {
		return key, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return nil, ltiError(err, "tool key")
	}
	fresh, err := create()
	if err != nil {
		return nil, err
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO lti_tool_keys (id, sealed) VALUES ('tool', $1) ON CONFLICT (id) DO NOTHING`, fresh); err != nil {
		return nil, ltiError(err, "tool key")
	}
	// Another node may have won the race: its key is the one.
	if err := db.pool.QueryRow(ctx, `SELECT sealed FROM lti_tool_keys WHERE id = 'tool'`).Scan(&key); err != nil {
		return nil, ltiError(err, "tool key")
	}
	return key, nil
}

// ltiError is authError's translation of a failure, and nil for nil.
func ltiError(err error, what string) error {
	if err == nil {
		return nil
	}
	return authError(err, what)
}
