package login

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"strings"
	"time"
)

// Kind is the kind of person a provider signs in.
type Kind string

// Kinds of provider and user.
const (
	Learner Kind = "learner"
	Staff   Kind = "staff"
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == Learner || k == Staff }

// User is a person who has signed in at least once.
type User struct {
	ID       string // derived from Issuer and Subject by [UserID]
	Kind     Kind
	Provider string // the name of the provider last used
	Issuer   string // the provider's issuer URL
	Subject  string // the provider's sub claim
	// Emails are the verified addresses the provider vouched for, lower
	// case, most recent first.
	Emails []string
	Name   string
	// EduID is the eduID subject (pairwise per relying party) of a
	// learner; recipients of awards are identified by it.
	EduID string
	// EPPNs are the eduPersonPrincipalNames the provider released.
	EPPNs []string
	// SCHACHome is the staff member's home organisation, and
	// InstitutionID the institution it maps to.
	SCHACHome     string
	InstitutionID string
	Created       time.Time
	LastLogin     time.Time
}

// Email returns the user's most recent verified email address, or "".
func (u *User) Email() string {
	if len(u.Emails) == 0 {
		return ""
	}
	return u.Emails[0]
}

// UserID returns the user ID of the subject sub of the provider whose
// issuer URL is iss: "usr_" and 32 base32 characters of a SHA-256 of both,
// stable for as long as the provider keeps the subject.
func UserID(iss, sub string) string {
	h := sha256.Sum256([]byte(iss + "\x00" + sub))
	return "usr_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(h[:20]))
}

// Store keeps users. Storage adapters implement it; all of them pass
// storage/storagetest.RunLogin.
//
// Error contract: a user that does not exist gives a [badged.NotFound]
// *badged.Error; creating a user whose ID, or whose Issuer and Subject,
// exist gives [badged.Conflict]. Times are stored at microsecond precision
// in UTC.
type Store interface {
	CreateUser(ctx context.Context, u *User) error
	User(ctx context.Context, id string) (*User, error)
	// UpdateUser replaces the stored user of u.ID; ID, Issuer, Subject
	// and Created are kept as stored.
	UpdateUser(ctx context.Context, u *User) error
	DeleteUser(ctx context.Context, id string) error
}
