package bolt

import (
	"context"

	"github.com/badged/badged/issuer"
	"github.com/badged/badged/storage/internal/record"
	bolt "go.etcd.io/bbolt"
)

// indexMembership adds (or, with del, removes) m's index entries.
func indexMembership(tx *bolt.Tx, m *record.Membership, del bool) error {
	entries := []indexEntry{{idxMembersByNode, indexKey(m.NodeID, m.Created, m.ID)}}
	if m.UserID != "" {
		entries = append(entries, indexEntry{idxMembersByUser, indexKey(m.UserID, m.Created, m.ID)})
	} else if m.Email != "" {
		entries = append(entries, indexEntry{idxInvitations, indexKey(m.Email, m.Created, m.ID)})
	}
	return setIndex(tx, entries, del)
}

func activeAdmin(m *record.Membership) bool {
	return m != nil && m.Role == string(issuer.RoleInstitutionAdmin) && m.UserID != ""
}

// keepAnAdmin fails with issuer.ErrLastAdmin when old is an active
// institution admin, next (nil for a deletion) is not, and no other active
// institution admin of the institution exists.
func keepAnAdmin(tx *bolt.Tx, old, next *record.Membership) error {
	if !activeAdmin(old) || activeAdmin(next) {
		return nil
	}
	p := prefix(old.InstitutionID)
	c := tx.Bucket(idxMembersByNode).Cursor()
	for k, _ := c.Seek(p); k != nil && len(k) >= len(p)+8 && string(k[:len(p)]) == string(p); k, _ = c.Next() {
		id := string(k[len(p)+8:])
		if id == old.ID {
			continue
		}
		var o record.Membership
		if err := get(tx, bktMemberships, "membership", id, &o); err != nil {
			return err
		}
		if activeAdmin(&o) {
			return nil
		}
	}
	return issuer.ErrLastAdmin
}

// CreateMembership implements [issuer.Store].
func (db *DB) CreateMembership(ctx context.Context, m *issuer.Membership) error {
	r := record.FromMembership(m)
	r.Version = 1
	err := db.update(ctx, func(tx *bolt.Tx) error {
		if err := exists(tx, bktInstitutions, "institution", m.InstitutionID); err != nil {
			return err
		}
		if err := insert(tx, bktMemberships, "membership", m.ID, r); err != nil {
			return err
		}
		return indexMembership(tx, r, false)
	})
	if err == nil {
		m.Version = 1
	}
	return err
}

// Membership implements [issuer.Store].
func (db *DB) Membership(ctx context.Context, id string) (*issuer.Membership, error) {
	return read(ctx, db, bktMemberships, "membership", id, (*record.Membership).Domain)
}

// UpdateMembership implements [issuer.Store].
func (db *DB) UpdateMembership(ctx context.Context, m *issuer.Membership) error {
	r := record.FromMembership(m)
	var old record.Membership
	err := db.update(ctx, func(tx *bolt.Tx) error {
		if err := get(tx, bktMemberships, "membership", m.ID, &old); err != nil {
			return err
		}
		if old.Version != m.Version {
			return conflict("membership", m.ID, old.Version, m.Version)
		}
		r.Version, r.Created, r.InstitutionID, r.NodeID = old.Version+1, old.Created, old.InstitutionID, old.NodeID
		if err := keepAnAdmin(tx, &old, r); err != nil {
			return err
		}
		if err := indexMembership(tx, &old, true); err != nil {
			return err
		}
		if err := put(tx, bktMemberships, m.ID, r); err != nil {
			return err
		}
		return indexMembership(tx, r, false)
	})
	if err == nil {
		m.Version, m.Created, m.InstitutionID, m.NodeID = r.Version, r.Created, r.InstitutionID, r.NodeID
	}
	return err
}

// DeleteMembership implements [issuer.Store].
func (db *DB) DeleteMembership(ctx context.Context, m *issuer.Membership) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		var old record.Membership
		if err := get(tx, bktMemberships, "membership", m.ID, &old); err != nil {
			return err
		}
		if old.Version != m.Version {
			return conflict("membership", m.ID, old.Version, m.Version)
		}
		if err := keepAnAdmin(tx, &old, nil); err != nil {
			return err
		}
		if err := indexMembership(tx, &old, true); err != nil {
			return err
		}
		return tx.Bucket(bktMemberships).Delete([]byte(m.ID))
	})
}

// MembershipsByUser implements [issuer.Store].
func (db *DB) MembershipsByUser(ctx context.Context, userID string) ([]*issuer.Membership, error) {
	return list(ctx, db, idxMembersByUser, bktMemberships, "membership", userID, (*record.Membership).Domain)
}

// MembershipsByNode implements [issuer.Store].
func (db *DB) MembershipsByNode(ctx context.Context, nodeID string) ([]*issuer.Membership, error) {
	return list(ctx, db, idxMembersByNode, bktMemberships, "membership", nodeID, (*record.Membership).Domain)
}

// Invitations implements [issuer.Store].
func (db *DB) Invitations(ctx context.Context, email string) ([]*issuer.Membership, error) {
	return list(ctx, db, idxInvitations, bktMemberships, "membership", email, (*record.Membership).Domain)
}
