package bolt

import (
	"context"

	"github.com/badged/badged/issuer"
	"github.com/badged/badged/storage/internal/record"
	bolt "go.etcd.io/bbolt"
)

// CreateInstitution implements [issuer.Store].
func (db *DB) CreateInstitution(ctx context.Context, in *issuer.Institution) error {
	r := record.FromInstitution(in)
	r.Version = 1
	err := db.update(ctx, func(tx *bolt.Tx) error {
		if err := insert(tx, bktInstitutions, "institution", in.ID, r); err != nil {
			return err
		}
		return tx.Bucket(idxInstitutions).Put(indexKey("", in.Created, in.ID), nil)
	})
	if err == nil {
		in.Version = 1
	}
	return err
}

// Institution implements [issuer.Store].
func (db *DB) Institution(ctx context.Context, id string) (*issuer.Institution, error) {
	return read(ctx, db, bktInstitutions, "institution", id, (*record.Institution).Domain)
}

// UpdateInstitution implements [issuer.Store].
func (db *DB) UpdateInstitution(ctx context.Context, in *issuer.Institution) error {
	r := record.FromInstitution(in)
	var old record.Institution
	err := db.update(ctx, func(tx *bolt.Tx) error {
		if err := get(tx, bktInstitutions, "institution", in.ID, &old); err != nil {
			return err
		}
		if old.Version != in.Version {
			return conflict("institution", in.ID, old.Version, in.Version)
		}
		r.Version, r.Created = old.Version+1, old.Created
		return put(tx, bktInstitutions, in.ID, r)
	})
	if err == nil {
		in.Version, in.Created = r.Version, r.Created
	}
	return err
}

// Institutions implements [issuer.Store].
func (db *DB) Institutions(ctx context.Context) ([]*issuer.Institution, error) {
	return list(ctx, db, idxInstitutions, bktInstitutions, "institution", "", (*record.Institution).Domain)
}

// CreateGroup implements [issuer.Store].
func (db *DB) CreateGroup(ctx context.Context, g *issuer.Group) error {
	r := record.FromGroup(g)
	r.Version = 1
	err := db.update(ctx, func(tx *bolt.Tx) error {
		if err := exists(tx, bktInstitutions, "institution", g.InstitutionID); err != nil {
			return err
		}
		if err := insert(tx, bktGroups, "issuer group", g.ID, r); err != nil {
			return err
		}
		return tx.Bucket(idxGroups).Put(indexKey(g.InstitutionID, g.Created, g.ID), nil)
	})
	if err == nil {
		g.Version = 1
	}
	return err
}

// Group implements [issuer.Store].
func (db *DB) Group(ctx context.Context, id string) (*issuer.Group, error) {
	return read(ctx, db, bktGroups, "issuer group", id, (*record.Group).Domain)
}

// UpdateGroup implements [issuer.Store].
func (db *DB) UpdateGroup(ctx context.Context, g *issuer.Group) error {
	r := record.FromGroup(g)
	var old record.Group
	err := db.update(ctx, func(tx *bolt.Tx) error {
		if err := get(tx, bktGroups, "issuer group", g.ID, &old); err != nil {
			return err
		}
		if old.Version != g.Version {
			return conflict("issuer group", g.ID, old.Version, g.Version)
		}
		r.Version, r.Created, r.InstitutionID = old.Version+1, old.Created, old.InstitutionID
		return put(tx, bktGroups, g.ID, r)
	})
	if err == nil {
		g.Version, g.Created, g.InstitutionID = r.Version, r.Created, r.InstitutionID
	}
	return err
}

// Groups implements [issuer.Store].
func (db *DB) Groups(ctx context.Context, institutionID string) ([]*issuer.Group, error) {
	return list(ctx, db, idxGroups, bktGroups, "issuer group", institutionID, (*record.Group).Domain)
}

// CreateIssuer implements [issuer.Store].
func (db *DB) CreateIssuer(ctx context.Context, is *issuer.Issuer) error {
	r := record.FromIssuer(is)
	r.Version = 1
	err := db.update(ctx, func(tx *bolt.Tx) error {
		var g record.Group
		if err := get(tx, bktGroups, "issuer group", is.GroupID, &g); err != nil {
			return err
		}
		r.InstitutionID = g.InstitutionID
		if err := insert(tx, bktIssuers, "issuer", is.ID, r); err != nil {
			return err
		}
		return tx.Bucket(idxIssuers).Put(indexKey(is.GroupID, is.Created, is.ID), nil)
	})
	if err == nil {
		is.Version, is.InstitutionID = 1, r.InstitutionID
	}
	return err
}

// Issuer implements [issuer.Store].
func (db *DB) Issuer(ctx context.Context, id string) (*issuer.Issuer, error) {
	return read(ctx, db, bktIssuers, "issuer", id, (*record.Issuer).Domain)
}

// UpdateIssuer implements [issuer.Store].
func (db *DB) UpdateIssuer(ctx context.Context, is *issuer.Issuer) error {
	r := record.FromIssuer(is)
	var old record.Issuer
	err := db.update(ctx, func(tx *bolt.Tx) error {
		if err := get(tx, bktIssuers, "issuer", is.ID, &old); err != nil {
			return err
		}
		if old.Version != is.Version {
			return conflict("issuer", is.ID, old.Version, is.Version)
		}
		r.Version, r.Created, r.InstitutionID, r.GroupID = old.Version+1, old.Created, old.InstitutionID, old.GroupID
		return put(tx, bktIssuers, is.ID, r)
	})
	if err == nil {
		is.Version, is.Created, is.InstitutionID, is.GroupID = r.Version, r.Created, r.InstitutionID, r.GroupID
	}
	return err
}

// Issuers implements [issuer.Store].
func (db *DB) Issuers(ctx context.Context, groupID string) ([]*issuer.Issuer, error) {
	return list(ctx, db, idxIssuers, bktIssuers, "issuer", groupID, (*record.Issuer).Domain)
}

// CreateBadgeClass implements [issuer.Store].
func (db *DB) CreateBadgeClass(ctx context.Context, bc *issuer.BadgeClass) error {
	r := record.FromBadgeClass(bc)
	r.Version = 1
	err := db.update(ctx, func(tx *bolt.Tx) error {
		var is record.Issuer
		if err := get(tx, bktIssuers, "issuer", bc.IssuerID, &is); err != nil {
			return err
		}
		r.InstitutionID, r.GroupID = is.InstitutionID, is.GroupID
		if err := insert(tx, bktBadgeClasses, "badge class", bc.ID, r); err != nil {
			return err
		}
		return tx.Bucket(idxBadgeClasses).Put(indexKey(bc.IssuerID, bc.Created, bc.ID), nil)
	})
	if err == nil {
		bc.Version, bc.InstitutionID, bc.GroupID = 1, r.InstitutionID, r.GroupID
	}
	return err
}

// BadgeClass implements [issuer.Store].
func (db *DB) BadgeClass(ctx context.Context, id string) (*issuer.BadgeClass, error) {
	return read(ctx, db, bktBadgeClasses, "badge class", id, (*record.BadgeClass).Domain)
}

// Lineage implements [issuer.Store] in one read transaction.
func (db *DB) Lineage(ctx context.Context, p issuer.Path) (issuer.Lineage, error) {
	var (
		in record.Institution
		g  record.Group
		is record.Issuer
		bc record.BadgeClass
	)
	err := db.view(ctx, func(tx *bolt.Tx) error {
		for _, r := range []struct {
			bucket   []byte
			what, id string
			into     any
		}{
			{bktInstitutions, "institution", p.Institution, &in}, {bktGroups, "issuer group", p.Group, &g},
			{bktIssuers, "issuer", p.Issuer, &is}, {bktBadgeClasses, "badge class", p.BadgeClass, &bc},
		} {
			if err := get(tx, r.bucket, r.what, r.id, r.into); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return issuer.Lineage{}, err
	}
	return issuer.Lineage{Institution: in.Domain(), Group: g.Domain(), Issuer: is.Domain(), BadgeClass: bc.Domain()}, nil
}

// UpdateBadgeClass implements [issuer.Store].
func (db *DB) UpdateBadgeClass(ctx context.Context, bc *issuer.BadgeClass) error {
	r := record.FromBadgeClass(bc)
	var old record.BadgeClass
	err := db.update(ctx, func(tx *bolt.Tx) error {
		if err := get(tx, bktBadgeClasses, "badge class", bc.ID, &old); err != nil {
			return err
		}
		if old.Version != bc.Version {
			return conflict("badge class", bc.ID, old.Version, bc.Version)
		}
		r.Version, r.Created = old.Version+1, old.Created
		r.InstitutionID, r.GroupID, r.IssuerID = old.InstitutionID, old.GroupID, old.IssuerID
		return put(tx, bktBadgeClasses, bc.ID, r)
	})
	if err == nil {
		bc.Version, bc.Created = r.Version, r.Created
		bc.InstitutionID, bc.GroupID, bc.IssuerID = r.InstitutionID, r.GroupID, r.IssuerID
	}
	return err
}

// BadgeClasses implements [issuer.Store].
func (db *DB) BadgeClasses(ctx context.Context, issuerID string) ([]*issuer.BadgeClass, error) {
	return list(ctx, db, idxBadgeClasses, bktBadgeClasses, "badge class", issuerID, (*record.BadgeClass).Domain)
}
