package wallet

import (
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/verifier"
)

// Key is a learner's wallet key: an Ed25519 key, sealed, and its did:key.
type Key struct {
	UserID  string
	DID     string // did:key:z6Mk...
	Sealed  []byte // the private key (seed), sealed with the operator's master key
	Created time.Time
}

// VerificationMethod returns the DID URL of the key.
func (k *Key) VerificationMethod() string { return k.DID + "#" + k.DID[len("did:key:"):] }

// Share says whether one holding of a user is public. Its ID is the
// unguessable part of the public URL, kept when the share is turned off
// and on again.
type Share struct {
	ID        string
	UserID    string
	HoldingID string
	Public    bool
	Created   time.Time
	Updated   time.Time
}

// Import is a credential issued elsewhere that the learner brought in.
type Import struct {
	ID         string // "imp_…"
	UserID     string
	Source     string // "json", "jwt", "png", "svg" or "url"
	URL        string // where it was fetched from, for Source "url"
	Credential []byte // the credential as held: JSON, or a compact JWT
	Format     string // FormatJSON or FormatJWT
	// Verification is the result at import.
	Verification *verifier.Result
	Created      time.Time
}

// Credential formats of a holding.
const (
	FormatJSON = "json" // JSON-LD with an embedded proof
	FormatJWT  = "jwt"  // a compact VC-JWT / VC-JOSE
)

// Presentation is a verifiable presentation the learner signed, kept to
// be shared as a link until it expires.
type Presentation struct {
	ID         string // "vp_…"
	UserID     string
	HoldingIDs []string
	Challenge  string
	Domain     string
	JSON       []byte // the signed presentation
	Created    time.Time
	Expires    time.Time
}

// Collection is a named group of the learner's holdings.
type Collection struct {
	ID         string
	UserID     string
	Name       string
	HoldingIDs []string
	Created    time.Time
	Updated    time.Time
}

// Holding states.
const (
	StateIssued    = "issued"
	StateRevoked   = "revoked"   // the issuer's status list has its bit set, or this platform revoked it
	StateSuspended = "suspended" // the issuer's status list has its suspension bit set
	StateExpired   = "expired"
	StateInvalid   = "invalid" // it does not verify for another reason: altered or not signed by its issuer, say
	// StateUnchecked: it could not be fully checked right now (its issuer's
	// key or status list could not be fetched); nothing was found against it.
	StateUnchecked = "unchecked"
)

// States are the holding states, in the order pages offer them.
var States = []string{StateIssued, StateRevoked, StateSuspended, StateExpired, StateInvalid, StateUnchecked}

// Presentable reports whether a holding in state may be put forward as a
// credential that counts: added to a LinkedIn profile, or presented to a
// verifier. One its issuer withdrew (revoked or suspended), or that does
// not verify, may not; an expired one may (it says until when it was
// valid), and so may one that could not be checked right now.
func Presentable(state string) bool {
	return state != StateRevoked && state != StateSuspended && state != StateInvalid
}

// Holding sources.
const (
	SourcePlatform = "platform"
	SourceImport   = "import"
)

// Holding is a credential the learner holds, with what it means and
// whether it verifies now.
type Holding struct {
	ID           string
	Source       string // SourcePlatform or SourceImport
	AwardID      string // platform holdings
	CredentialID string
	Format       string // FormatJSON or FormatJWT
	Credential   []byte // the credential as held (JSON or a JWT)
	Summary      Summary
	State        string
	RevokeReason string // why the issuer revoked it, for a revoked platform holding whose award says
	Verification *verifier.Result
	Share        *Share // nil: private, never shared
	Created      time.Time
}

// Offerable says why h cannot be sent to the learner's own wallet over
// OpenID4VCI (an Invalid error), or nil when it can: a badge this
// platform issued and did not revoke.
func (h *Holding) Offerable() error {
	switch {
	case h.AwardID == "":
		return badged.Errorf(badged.Invalid, "only a badge this platform issued can be sent to a wallet")
	case h.State == StateRevoked:
		return badged.Errorf(badged.Invalid, "a revoked badge cannot be sent to a wallet")
	}
	return nil
}

// Summary is what a credential says, read from it for people.
type Summary struct {
	Name            string   `json:"name"`
	Description     string   `json:"description,omitempty"`
	Image           string   `json:"image,omitempty"`
	IssuerID        string   `json:"issuerId,omitempty"`
	IssuerName      string   `json:"issuerName,omitempty"`
	IssuerURL       string   `json:"issuerUrl,omitempty"`
	AchievementID   string   `json:"achievementId,omitempty"`
	AchievementType string   `json:"achievementType,omitempty"`
	Criteria        string   `json:"criteria,omitempty"`
	CriteriaURL     string   `json:"criteriaUrl,omitempty"`
	ECTS            *float64 `json:"ects,omitempty"`
	EQFLevel        *float64 `json:"eqfLevel,omitempty"`
	NLQFLevel       string   `json:"nlqfLevel,omitempty"`
	StudyLoad       *float64 `json:"studyLoad,omitempty"`
	Language        string   `json:"language,omitempty"`
	Tags            []string `json:"tags,omitempty"`
	Microcredential bool     `json:"microcredential,omitempty"`
	Grade           string   `json:"grade,omitempty"`
	Issued          string   `json:"issued,omitempty"`
	ValidUntil      string   `json:"validUntil,omitempty"`
}
