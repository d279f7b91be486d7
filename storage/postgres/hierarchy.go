package postgres

import (
	"context"
	"errors"

	"github.com/badged/badged/issuer"
	"github.com/badged/badged/storage/internal/record"
	"github.com/jackc/pgx/v5"
)

const (
	tInstitutions = "institutions"
	tGroups       = "issuer_groups"
	tIssuers      = "issuers"
	tBadgeClasses = "badge_classes"
	tMemberships  = "memberships"
)

// CreateInstitution implements [issuer.Store].
func (db *DB) CreateInstitution(ctx context.Context, in *issuer.Institution) error {
	r := record.FromInstitution(in)
	r.Version = 1
	data, err := encode(r)
	if err != nil {
		return err
	}
	_, err = db.pool.Exec(ctx, "INSERT INTO institutions (id, version, created_ns, data) VALUES ($1, 1, $2, $3)",
		in.ID, in.Created.UnixNano(), data)
	if err != nil {
		return storeError(err, "institution", in.ID, "")
	}
	in.Version = 1
	return nil
}

// Institution implements [issuer.Store].
func (db *DB) Institution(ctx context.Context, id string) (*issuer.Institution, error) {
	r, err := get[record.Institution](ctx, db.pool, tInstitutions, "institution", id, false)
	if err != nil {
		return nil, err
	}
	return r.Domain(), nil
}

// UpdateInstitution implements [issuer.Store].
func (db *DB) UpdateInstitution(ctx context.Context, in *issuer.Institution) error {
	r := record.FromInstitution(in)
	err := update(ctx, db, tInstitutions, "institution", r,
		func(_ pgx.Tx, old, next *record.Institution) error { return nil },
		func(tx pgx.Tx, data []byte) error {
			_, err := tx.Exec(ctx, "UPDATE institutions SET version = $2, data = $3 WHERE id = $1", r.ID, r.Version, data)
			return err
		})
	if err == nil {
		in.Version, in.Created = r.Version, r.Created
	}
	return err
}

// Institutions implements [issuer.Store].
func (db *DB) Institutions(ctx context.Context) ([]*issuer.Institution, error) {
	return list(ctx, db.pool, "institution", (*record.Institution).Domain,
		"SELECT data, version, id FROM institutions ORDER BY created_ns, id")
}

// CreateGroup implements [issuer.Store].
func (db *DB) CreateGroup(ctx context.Context, g *issuer.Group) error {
	r := record.FromGroup(g)
	r.Version = 1
	data, err := encode(r)
	if err != nil {
		return err
	}
	_, err = db.pool.Exec(ctx, "INSERT INTO issuer_groups (id, institution_id, version, created_ns, data) VALUES ($1, $2, 1, $3, $4)",
		g.ID, g.InstitutionID, g.Created.UnixNano(), data)
	if err != nil {
		return storeError(err, "issuer group", g.ID, "institution "+g.InstitutionID)
	}
	g.Version = 1
	return nil
}

// Group implements [issuer.Store].
func (db *DB) Group(ctx context.Context, id string) (*issuer.Group, error) {
	r, err := get[record.Group](ctx, db.pool, tGroups, "issuer group", id, false)
	if err != nil {
		return nil, err
	}
	return r.Domain(), nil
}

// UpdateGroup implements [issuer.Store].
func (db *DB) UpdateGroup(ctx context.Context, g *issuer.Group) error {
	r := record.FromGroup(g)
	err := update(ctx, db, tGroups, "issuer group", r,
		func(_ pgx.Tx, old, next *record.Group) error { next.InstitutionID = old.InstitutionID; return nil },
		func(tx pgx.Tx, data []byte) error {
			_, err := tx.Exec(ctx, "UPDATE issuer_groups SET version = $2, data = $3 WHERE id = $1", r.ID, r.Version, data)
			return err
		})
	if err == nil {
		g.Version, g.Created, g.InstitutionID = r.Version, r.Created, r.InstitutionID
	}
	return err
}

// Groups implements [issuer.Store].
func (db *DB) Groups(ctx context.Context, institutionID string) ([]*issuer.Group, error) {
	return list(ctx, db.pool, "issuer group", (*record.Group).Domain,
		"SELECT data, version, id FROM issuer_groups WHERE institution_id = $1 ORDER BY created_ns, id", institutionID)
}

// CreateIssuer implements [issuer.Store].
func (db *DB) CreateIssuer(ctx context.Context, is *issuer.Issuer) error {
	g, err := get[record.Group](ctx, db.pool, tGroups, "issuer group", is.GroupID, false)
	if err != nil {
		return err
	}
	r := record.FromIssuer(is)
	r.Version, r.InstitutionID = 1, g.InstitutionID
	data, err := encode(r)
	if err != nil {
		return err
	}
	_, err = db.pool.Exec(ctx, "INSERT INTO issuers (id, institution_id, group_id, version, created_ns, data) VALUES ($1, $2, $3, 1, $4, $5)",
		is.ID, r.InstitutionID, is.GroupID, is.Created.UnixNano(), data)
	if err != nil {
		return storeError(err, "issuer", is.ID, "issuer group "+is.GroupID)
	}
	is.Version, is.InstitutionID = 1, r.InstitutionID
	return nil
}

// Issuer implements [issuer.Store].
func (db *DB) Issuer(ctx context.Context, id string) (*issuer.Issuer, error) {
	r, err := get[record.Issuer](ctx, db.pool, tIssuers, "issuer", id, false)
	if err != nil {
		return nil, err
	}
	return r.Domain(), nil
}

// UpdateIssuer implements [issuer.Store].
func (db *DB) UpdateIssuer(ctx context.Context, is *issuer.Issuer) error {
	r := record.FromIssuer(is)
	err := update(ctx, db, tIssuers, "issuer", r,
		func(_ pgx.Tx, old, next *record.Issuer) error {
			next.InstitutionID, next.GroupID = old.InstitutionID, old.GroupID
			return nil
		},
		func(tx pgx.Tx, data []byte) error {
			_, err := tx.Exec(ctx, "UPDATE issuers SET version = $2, data = $3 WHERE id = $1", r.ID, r.Version, data)
			return err
		})
	if err == nil {
		is.Version, is.Created, is.InstitutionID, is.GroupID = r.Version, r.Created, r.InstitutionID, r.GroupID
	}
	return err
}

// Issuers implements [issuer.Store].
func (db *DB) Issuers(ctx context.Context, groupID string) ([]*issuer.Issuer, error) {
	return list(ctx, db.pool, "issuer", (*record.Issuer).Domain,
		"SELECT data, version, id FROM issuers WHERE group_id = $1 ORDER BY created_ns, id", groupID)
}

// CreateBadgeClass implements [issuer.Store].
func (db *DB) CreateBadgeClass(ctx context.Context, bc *issuer.BadgeClass) error {
	is, err := get[record.Issuer](ctx, db.pool, tIssuers, "issuer", bc.IssuerID, false)
	if err != nil {
		return err
	}
	r := record.FromBadgeClass(bc)
	r.Version, r.InstitutionID, r.GroupID = 1, is.InstitutionID, is.GroupID
	data, err := encode(r)
	if err != nil {
		return err
	}
	_, err = db.pool.Exec(ctx, "INSERT INTO badge_classes (id, institution_id, issuer_id, version, created_ns, data) VALUES ($1, $2, $3, 1, $4, $5)",
		bc.ID, r.InstitutionID, bc.IssuerID, bc.Created.UnixNano(), data)
	if err != nil {
		return storeError(err, "badge class", bc.ID, "issuer "+bc.IssuerID)
	}
	bc.Version, bc.InstitutionID, bc.GroupID = 1, r.InstitutionID, r.GroupID
	return nil
}

// BadgeClass implements [issuer.Store].
func (db *DB) BadgeClass(ctx context.Context, id string) (*issuer.BadgeClass, error) {
	r, err := get[record.BadgeClass](ctx, db.pool, tBadgeClasses, "badge class", id, false)
	if err != nil {
		return nil, err
	}
	return r.Domain(), nil
}

// Lineage implements [issuer.Store] with one query; when it finds
// nothing, the records are read one by one to say which is missing.
func (db *DB) Lineage(ctx context.Context, p issuer.Path) (issuer.Lineage, error) {
	var (
		data    [4][]byte
		version [4]int64
	)
	err := db.pool.QueryRow(ctx, `SELECT i.data, i.version, g.data, g.version, s.data, s.version, b.data, b.version
		FROM institutions i, issuer_groups g, issuers s, badge_classes b
		WHERE i.id = $1 AND g.id = $2 AND s.id = $3 AND b.id = $4`, p.Institution, p.Group, p.Issuer, p.BadgeClass).
		Scan(&data[0], &version[0], &data[1], &version[1], &data[2], &version[2], &data[3], &version[3])
	if errors.Is(err, pgx.ErrNoRows) {
		return db.lineageOneByOne(ctx, p)
	}
	if err != nil {
		return issuer.Lineage{}, storeError(err, "badge class", p.BadgeClass, "")
	}
	in, err := decode[record.Institution](data[0], version[0], "institution", p.Institution)
	if err != nil {
		return issuer.Lineage{}, err
	}
	g, err := decode[record.Group](data[1], version[1], "issuer group", p.Group)
	if err != nil {
		return issuer.Lineage{}, err
	}
	is, err := decode[record.Issuer](data[2], version[2], "issuer", p.Issuer)
	if err != nil {
		return issuer.Lineage{}, err
	}
	bc, err := decode[record.BadgeClass](data[3], version[3], "badge class", p.BadgeClass)
	if err != nil {
		return issuer.Lineage{}, err
	}
	return issuer.Lineage{Institution: in.Domain(), Group: g.Domain(), Issuer: is.Domain(), BadgeClass: bc.Domain()}, nil
}

// lineageOneByOne reads the lineage p names record by record, failing
// with the first one's NotFound.
func (db *DB) lineageOneByOne(ctx context.Context, p issuer.Path) (issuer.Lineage, error) {
	var (
		l   issuer.Lineage
		err error
	)
	if l.Institution, err = db.Institution(ctx, p.Institution); err != nil {
		return issuer.Lineage{}, err
	}
	if l.Group, err = db.Group(ctx, p.Group); err != nil {
		return issuer.Lineage{}, err
	}
	if l.Issuer, err = db.Issuer(ctx, p.Issuer); err != nil {
		return issuer.Lineage{}, err
	}
	if l.BadgeClass, err = db.BadgeClass(ctx, p.BadgeClass); err != nil {
		return issuer.Lineage{}, err
	}
	return l, nil
}

// UpdateBadgeClass implements [issuer.Store].
func (db *DB) UpdateBadgeClass(ctx context.Context, bc *issuer.BadgeClass) error {
	r := record.FromBadgeClass(bc)
	err := update(ctx, db, tBadgeClasses, "badge class", r,
		func(_ pgx.Tx, old, next *record.BadgeClass) error {
			next.InstitutionID, next.GroupID, next.IssuerID = old.InstitutionID, old.GroupID, old.IssuerID
			return nil
		},
		func(tx pgx.Tx, data []byte) error {
			_, err := tx.Exec(ctx, "UPDATE badge_classes SET version = $2, data = $3 WHERE id = $1", r.ID, r.Version, data)
			return err
		})
	if err == nil {
		bc.Version, bc.Created = r.Version, r.Created
		bc.InstitutionID, bc.GroupID, bc.IssuerID = r.InstitutionID, r.GroupID, r.IssuerID
	}
	return err
}

// BadgeClasses implements [issuer.Store].
func (db *DB) BadgeClasses(ctx context.Context, issuerID string) ([]*issuer.BadgeClass, error) {
	return list(ctx, db.pool, "badge class", (*record.BadgeClass).Domain,
		"SELECT data, version, id FROM badge_classes WHERE issuer_id = $1 ORDER BY created_ns, id", issuerID)
}
