package endorsement

import (
	"context"
	"time"

	"github.com/badged/badged"
)

// State is where an endorsement stands.
type State string

// States. An endorsement starts Pending; the endorsed party's staff accept
// or decline it; the endorser may revoke it until it is declined.
const (
	Pending  State = "pending"
	Accepted State = "accepted"
	Declined State = "declined"
	Revoked  State = "revoked"
)

// Target is what kind of thing is endorsed.
type Target string

// Targets.
const (
	TargetBadgeClass Target = "badgeclass"
	TargetCredential Target = "credential"
)

// transitions lists, for each state, the states it may move to.
var transitions = map[State][]State{
	Pending:  {Accepted, Declined, Revoked},
	Accepted: {Revoked},
	Declined: {},
	Revoked:  {},
}

// may reports whether an endorsement in state from may move to to.
func may(from, to State) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Endorsement is one institution's signed statement about another's badge
// class or credential.
type Endorsement struct {
	ID string
	// InstitutionID and IssuerID are the endorser: the issuer whose DID
	// signs, and its institution.
	InstitutionID string
	IssuerID      string
	Target        Target
	// BadgeClassID is the endorsed badge class, or the endorsed
	// credential's; CredentialID the endorsed credential (TargetCredential).
	BadgeClassID string
	CredentialID string
	// EndorsedInstitutionID owns what is endorsed.
	EndorsedInstitutionID string
	// SubjectID is the credentialSubject's id: the Achievement's id or the
	// credential's.
	SubjectID string
	Comment   string
	State     State
	// SignedID is the EndorsementCredential's id and Credential its signed
	// JSON (eddsa-rdfc-2022).
	SignedID   string
	Credential []byte
	CreatedBy  string
	DecidedBy  string
	RevokedBy  string
	// RevokeReason says why the endorser revoked it.
	RevokeReason string
	Decided      time.Time
	RevokedAt    time.Time
	Version      int64
	Created      time.Time
	Updated      time.Time
}

// Public reports whether e is shown publicly: accepted and not revoked.
func (e *Endorsement) Public() bool { return e.State == Accepted }

// Store keeps endorsements. storage/bolt and storage/postgres implement it;
// storage/storagetest.RunEndorsements checks them.
//
// Error contract: a record that does not exist gives a [badged.NotFound]
// *badged.Error; creating a record whose ID exists gives a
// [badged.Conflict]. Create sets Version to 1. Update succeeds only when the
// record's Version equals the stored one, else it fails with Conflict; it
// increments Version in the record it was given and keeps the stored
// InstitutionID, IssuerID, Target, BadgeClassID, CredentialID,
// EndorsedInstitutionID, SubjectID, SignedID, Credential and Created. Lists
// are ordered by Created, then ID, and are empty, not an error, when
// nothing matches. Records handed in and out are copies.
type Store interface {
	CreateEndorsement(ctx context.Context, e *Endorsement) error
	Endorsement(ctx context.Context, id string) (*Endorsement, error)
	UpdateEndorsement(ctx context.Context, e *Endorsement) error
	// EndorsementsOfBadgeClass lists the endorsements of a badge class
	// and of its credentials.
	EndorsementsOfBadgeClass(ctx context.Context, badgeClassID string) ([]*Endorsement, error)
	// EndorsementsByIssuer lists the endorsements an issuer made.
	EndorsementsByIssuer(ctx context.Context, issuerID string) ([]*Endorsement, error)
}

func notAllowed(from, to State) error {
	return badged.Errorf(badged.Conflict, "an endorsement that is %s cannot become %s", from, to)
}
