package postgres

import (
	"context"

	"github.com/badged/badged"
	"github.com/badged/badged/login"
)

var _ login.Store = (*DB)(nil)

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// CreateUser implements [login.Store].
func (db *DB) CreateUser(ctx context.Context, u *login.User) error {
	if u.ID == "" {
		return badged.Errorf(badged.Invalid, "user without an ID")
	}
	_, err := db.pool.Exec(ctx, `INSERT INTO login_users (id, kind, provider, issuer, subject, emails, name, eduid, eppns,
		schac_home, institution_id, created, last_login) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		u.ID, string(u.Kind), u.Provider, u.Issuer, u.Subject, nonNil(u.Emails), u.Name, u.EduID, nonNil(u.EPPNs),
		u.SCHACHome, u.InstitutionID, u.Created, u.LastLogin)
	if err != nil {
		return authError(err, "user")
	}
	return nil
}

// User implements [login.Store].
func (db *DB) User(ctx context.Context, id string) (*login.User, error) {
	u := &login.User{ID: id}
	var kind string
	err := db.pool.QueryRow(ctx, `SELECT kind, provider, issuer, subject, emails, name, eduid, eppns, schac_home,
		institution_id, created, last_login FROM login_users WHERE id = $1`, id).
		Scan(&kind, &u.Provider, &u.Issuer, &u.Subject, &u.Emails, &u.Name, &u.EduID, &u.EPPNs, &u.SCHACHome,
			&u.InstitutionID, &u.Created, &u.LastLogin)
	if err != nil {
		return nil, authError(err, "user")
	}
	u.Kind, u.Emails, u.EPPNs = login.Kind(kind), nilIfEmpty(u.Emails), nilIfEmpty(u.EPPNs)
	u.Created, u.LastLogin = utc(u.Created), utc(u.LastLogin)
	return u, nil
}

// UpdateUser implements [login.Store].
func (db *DB) UpdateUser(ctx context.Context, u *login.User) error {
	tag, err := db.pool.Exec(ctx, `UPDATE login_users SET kind = $2, provider = $3, emails = $4, name = $5, eduid = $6,
		eppns = $7, schac_home = $8, institution_id = $9, last_login = $10 WHERE id = $1`,
		u.ID, string(u.Kind), u.Provider, nonNil(u.Emails), u.Name, u.EduID, nonNil(u.EPPNs), u.SCHACHome,
		u.InstitutionID, u.LastLogin)
	if err != nil {
		return authError(err, "user")
	}
	if tag.RowsAffected() == 0 {
		return badged.Errorf(badged.NotFound, "user %s not found", u.ID)
	}
	return nil
}

// DeleteUser implements [login.Store].
func (db *DB) DeleteUser(ctx context.Context, id string) error {
	tag, err := db.pool.Exec(ctx, `DELETE FROM login_users WHERE id = $1`, id)
	if err != nil {
		return authError(err, "user")
	}
	if tag.RowsAffected() == 0 {
		return badged.Errorf(badged.NotFound, "user %s not found", id)
	}
	return nil
}
