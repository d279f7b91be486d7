package issuer

import (
	"context"
	"time"
)

// CredentialIssuer turns an accepted award into a signed Open Badges 3.0
// credential and revokes it later. The awards flows call it; package
// issuance implements it (keys, status lists, signing), so that this
// package stays free of cryptography and storage of credentials.
type CredentialIssuer interface {
	// Issue signs a credential for the award and records it. It is
	// idempotent per IssueRequest.AwardID: issuing an award twice returns
	// the credential issued the first time, so a retried bulk job never
	// issues twice.
	Issue(ctx context.Context, r IssueRequest) (*IssuedCredential, error)
	// Revoke sets the revocation bit of the award's credential and
	// re-signs its status list. Revoking twice is not an error.
	Revoke(ctx context.Context, awardID, reason string) error
}

// IssueRequest is everything a credential states, taken from the
// hierarchy and the award at the moment of issuance.
type IssueRequest struct {
	AwardID     string
	Institution *Institution
	Group       *Group
	Issuer      *Issuer
	BadgeClass  *BadgeClass
	Recipient   Recipient
	Narrative   string   // the award's narrative (credentialSubject's narrative / evidence)
	EvidenceURL []string // evidence URLs given with the award
	Grade       string   // the grade achieved, when given
	IssuedAt    time.Time
	// Record, when set, returns the award change that the credential
	// completes (an award accepted, with the credential's ID), given the
	// credential's ID before anything is stored. The issuer stores the
	// change in the same transaction as the credential, so that the award
	// and its credential are written at once or not at all, and says so in
	// [IssuedCredential.Recorded] (not set when the award had a credential
	// already, which Issue returns without storing anything).
	Record func(credentialID string) (AwardChange, error)
	// Unchanged are the records the request was made from, at the
	// versions read: the credential is stored only while they have them
	// (else Conflict wrapping [ErrStale]).
	Unchanged []Stamp
}

// AwardChange is an award as a change leaves it (its Version still the
// one read: the store checks it and sets the next), with the change's
// effects.
type AwardChange struct {
	Award   *Award
	Effects Effects
}

// Recipient identifies who receives an award. At least one identifier is
// set. The credential names the learner by salted hashes of these
// identifiers, and by HolderDID when the learner's wallet has one.
type Recipient struct {
	UserID    string // the learner's account, once known
	EduID     string // the eduID subject identifier (pairwise per relying party)
	EPPN      string // eduPersonPrincipalName from an institution account
	Email     string // lower case
	Name      string // display name, never put in the credential unhashed
	HolderDID string // the learner wallet's DID, when known
}

// IssuedCredential is a signed credential as stored.
type IssuedCredential struct {
	// Recorded is set when the request's Record change was stored with
	// the credential; not when the award had a credential already.
	Recorded bool   `json:"-"`
	ID       string // the credential's id (a URL or urn:uuid)
	AwardID  string
	JSON     []byte // the signed credential, eddsa-rdfc-2022
	// JWT is the same credential signed as an OB 3.0 VC-JWT (EdDSA, the
	// same verification method as kid); empty for a credential issued
	// before badged signed both forms.
	JWT        []byte
	ValidUntil time.Time
	StatusList string // URL of the status list credential
	StatusIdx  int
	IssuedAt   time.Time
}
