package bolt

import (
	"context"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/login"
	bolt "go.etcd.io/bbolt"
)

var _ login.Store = (*DB)(nil)

// Buckets of package login's users: records by ID, and the index of
// issuer, 0x00, subject → ID that keeps a subject to one user.
var (
	bktLoginUsers    = []byte("login:users")
	idxLoginSubjects = []byte("idx:login:subject")
)

// loginFormat is the format number of the user records.
const loginFormat = 1

type loginUserRecord struct {
	Format        int       `json:"format"`
	ID            string    `json:"id"`
	Kind          string    `json:"kind"`
	Provider      string    `json:"provider"`
	Issuer        string    `json:"issuer"`
	Subject       string    `json:"subject"`
	Emails        []string  `json:"emails,omitempty"`
	Name          string    `json:"name,omitempty"`
	EduID         string    `json:"eduid,omitempty"`
	EPPNs         []string  `json:"eppns,omitempty"`
	SCHACHome     string    `json:"schacHome,omitempty"`
	InstitutionID string    `json:"institution,omitempty"`
	Created       time.Time `json:"created"`
	LastLogin     time.Time `json:"lastLogin"`
}

func loginUserRecordOf(u *login.User) *loginUserRecord {
	return &loginUserRecord{Format: loginFormat, ID: u.ID, Kind: string(u.Kind), Provider: u.Provider, Issuer: u.Issuer,
		Subject: u.Subject, Emails: u.Emails, Name: u.Name, EduID: u.EduID, EPPNs: u.EPPNs, SCHACHome: u.SCHACHome,
		InstitutionID: u.InstitutionID, Created: u.Created.UTC(), LastLogin: u.LastLogin.UTC()}
}

func (r *loginUserRecord) domain() *login.User {
	return &login.User{ID: r.ID, Kind: login.Kind(r.Kind), Provider: r.Provider, Issuer: r.Issuer, Subject: r.Subject,
		Emails: r.Emails, Name: r.Name, EduID: r.EduID, EPPNs: r.EPPNs, SCHACHome: r.SCHACHome,
		InstitutionID: r.InstitutionID, Created: r.Created, LastLogin: r.LastLogin}
}

func subjectKey(iss, sub string) []byte { return []byte(iss + "\x00" + sub) }

func getLoginUser(tx *bolt.Tx, id string) (*loginUserRecord, error) {
	var r loginUserRecord
	if err := getFormat(tx, bktLoginUsers, "user", id, loginFormat, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// CreateUser implements [login.Store].
func (db *DB) CreateUser(ctx context.Context, u *login.User) error {
	r := loginUserRecordOf(u)
	return db.update(ctx, func(tx *bolt.Tx) error {
		idx := tx.Bucket(idxLoginSubjects)
		if idx.Get(subjectKey(u.Issuer, u.Subject)) != nil {
			return badged.Errorf(badged.Conflict, "a user of this subject already exists")
		}
		if err := insert(tx, bktLoginUsers, "user", u.ID, r); err != nil {
			return err
		}
		return idx.Put(subjectKey(u.Issuer, u.Subject), []byte(u.ID))
	})
}

// User implements [login.Store].
func (db *DB) User(ctx context.Context, id string) (*login.User, error) {
	var r *loginUserRecord
	err := db.view(ctx, func(tx *bolt.Tx) (err error) { r, err = getLoginUser(tx, id); return err })
	if err != nil {
		return nil, err
	}
	return r.domain(), nil
}

// UpdateUser implements [login.Store].
func (db *DB) UpdateUser(ctx context.Context, u *login.User) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		old, err := getLoginUser(tx, u.ID)
		if err != nil {
			return err
		}
		r := loginUserRecordOf(u)
		r.Issuer, r.Subject, r.Created = old.Issuer, old.Subject, old.Created
		return put(tx, bktLoginUsers, u.ID, r)
	})
}

// DeleteUser implements [login.Store].
func (db *DB) DeleteUser(ctx context.Context, id string) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		old, err := getLoginUser(tx, id)
		if err != nil {
			return err
		}
		if err := tx.Bucket(idxLoginSubjects).Delete(subjectKey(old.Issuer, old.Subject)); err != nil {
			return err
		}
		return tx.Bucket(bktLoginUsers).Delete([]byte(id))
	})
}
