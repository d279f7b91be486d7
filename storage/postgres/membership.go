package postgres

import (
	"context"

	"github.com/badged/badged/issuer"
	"github.com/badged/badged/storage/internal/record"
	"github.com/jackc/pgx/v5"
)

func activeAdmin(m *record.Membership) bool {
	return m != nil && m.Role == string(issuer.RoleInstitutionAdmin) && m.UserID != ""
}

// keepAnAdmin fails with issuer.ErrLastAdmin when old is an active
// institution admin, next (nil for a deletion) is not, and no other active
// institution admin exists. It locks the institution's row first, so that
// such changes to one institution happen one at a time.
func keepAnAdmin(ctx context.Context, tx pgx.Tx, old, next *record.Membership) error {
	if !activeAdmin(old) || activeAdmin(next) {
		return nil
	}
	if _, err := tx.Exec(ctx, "SELECT 1 FROM institutions WHERE id = $1 FOR UPDATE", old.InstitutionID); err != nil {
		return storeError(err, "institution", old.InstitutionID, "")
	}
	var others bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM memberships
		WHERE institution_id = $1 AND role = $2 AND user_id <> '' AND id <> $3)`,
		old.InstitutionID, string(issuer.RoleInstitutionAdmin), old.ID).Scan(&others)
	if err != nil {
		return storeError(err, "membership", old.ID, "")
	}
	if !others {
		return issuer.ErrLastAdmin
	}
	return nil
}

// CreateMembership implements [issuer.Store].
func (db *DB) CreateMembership(ctx context.Context, m *issuer.Membership) error {
	r := record.FromMembership(m)
	r.Version = 1
	data, err := encode(r)
	if err != nil {
		return err
	}
	_, err = db.pool.Exec(ctx, `INSERT INTO memberships (id, institution_id, node_id, role, user_id, email, version, created_ns, data)
		VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8)`,
		m.ID, m.InstitutionID, m.NodeID, string(m.Role), m.UserID, m.Email, m.Created.UnixNano(), data)
	if err != nil {
		return storeError(err, "membership", m.ID, "institution "+m.InstitutionID)
	}
	m.Version = 1
	return nil
}

// Membership implements [issuer.Store].
func (db *DB) Membership(ctx context.Context, id string) (*issuer.Membership, error) {
	r, err := get[record.Membership](ctx, db.pool, tMemberships, "membership", id, false)
	if err != nil {
		return nil, err
	}
	return r.Domain(), nil
}

// UpdateMembership implements [issuer.Store].
func (db *DB) UpdateMembership(ctx context.Context, m *issuer.Membership) error {
	r := record.FromMembership(m)
	err := update(ctx, db, tMemberships, "membership", r,
		func(tx pgx.Tx, old, next *record.Membership) error {
			next.InstitutionID, next.NodeID = old.InstitutionID, old.NodeID
			return keepAnAdmin(ctx, tx, old, next)
		},
		func(tx pgx.Tx, data []byte) error {
			_, err := tx.Exec(ctx, "UPDATE memberships SET role = $2, user_id = $3, email = $4, version = $5, data = $6 WHERE id = $1",
				r.ID, r.Role, r.UserID, r.Email, r.Version, data)
			return err
		})
	if err == nil {
		m.Version, m.Created, m.InstitutionID, m.NodeID = r.Version, r.Created, r.InstitutionID, r.NodeID
	}
	return err
}

// DeleteMembership implements [issuer.Store].
func (db *DB) DeleteMembership(ctx context.Context, m *issuer.Membership) error {
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		old, err := get[record.Membership](ctx, tx, tMemberships, "membership", m.ID, true)
		if err != nil {
			return err
		}
		if old.Version != m.Version {
			return conflict("membership", m.ID, old.Version, m.Version)
		}
		if err := keepAnAdmin(ctx, tx, old, nil); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM memberships WHERE id = $1", m.ID); err != nil {
			return storeError(err, "membership", m.ID, "")
		}
		return nil
	})
}

// MembershipsByUser implements [issuer.Store].
func (db *DB) MembershipsByUser(ctx context.Context, userID string) ([]*issuer.Membership, error) {
	return list(ctx, db.pool, "membership", (*record.Membership).Domain,
		"SELECT data, version, id FROM memberships WHERE user_id = $1 AND user_id <> '' ORDER BY created_ns, id", userID)
}

// MembershipsByNode implements [issuer.Store].
func (db *DB) MembershipsByNode(ctx context.Context, nodeID string) ([]*issuer.Membership, error) {
	return list(ctx, db.pool, "membership", (*record.Membership).Domain,
		"SELECT data, version, id FROM memberships WHERE node_id = $1 ORDER BY created_ns, id", nodeID)
}

// Invitations implements [issuer.Store].
func (db *DB) Invitations(ctx context.Context, email string) ([]*issuer.Membership, error) {
	return list(ctx, db.pool, "membership", (*record.Membership).Domain,
		"SELECT data, version, id FROM memberships WHERE email = $1 AND user_id = '' AND email <> '' ORDER BY created_ns, id", email)
}
