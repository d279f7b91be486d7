package record

import (
	"slices"
	"time"

	"github.com/badged/badged/issuer"
)

// Recipient is the stored form of issuer.Recipient.
type Recipient struct {
	UserID    string `json:"user,omitempty"`
	EduID     string `json:"eduid,omitempty"`
	EPPN      string `json:"eppn,omitempty"`
	Email     string `json:"email,omitempty"`
	Name      string `json:"name,omitempty"`
	HolderDID string `json:"holderDid,omitempty"`
}

// Award is the stored form of issuer.Award.
type Award struct {
	Meta
	InstitutionID string    `json:"institution"`
	GroupID       string    `json:"group"`
	IssuerID      string    `json:"issuer"`
	BadgeClassID  string    `json:"badgeClass"`
	Kind          string    `json:"kind"`
	State         string    `json:"state"`
	BundleID      string    `json:"bundle,omitempty"`
	Recipient     Recipient `json:"recipient"`
	Narrative     string    `json:"narrative,omitempty"`
	EvidenceURLs  []string  `json:"evidence,omitempty"`
	Grade         string    `json:"grade,omitempty"`
	AwardedBy     string    `json:"awardedBy,omitempty"`
	DecidedBy     string    `json:"decidedBy,omitempty"`
	DenyReason    string    `json:"denyReason,omitempty"`
	RevokedBy     string    `json:"revokedBy,omitempty"`
	RevokeReason  string    `json:"revokeReason,omitempty"`
	TermsVersion  string    `json:"termsVersion,omitempty"`
	Requested     time.Time `json:"requested,omitzero"`
	Decided       time.Time `json:"decided,omitzero"`
	ScheduledFor  time.Time `json:"scheduledFor,omitzero"`
	Sent          time.Time `json:"sent,omitzero"`
	ClaimDeadline time.Time `json:"claimDeadline,omitzero"`
	Claimed       time.Time `json:"claimed,omitzero"`
	RevokedAt     time.Time `json:"revokedAt,omitzero"`
	Reminders     []int     `json:"reminders,omitempty"`
	CredentialID  string    `json:"credential,omitempty"`
}

// FromAward returns the stored form of a.
func FromAward(a *issuer.Award) *Award {
	return &Award{
		Meta:          meta(a.ID, a.Version, a.Created, a.Updated),
		InstitutionID: a.InstitutionID, GroupID: a.GroupID, IssuerID: a.IssuerID, BadgeClassID: a.BadgeClassID,
		Kind: string(a.Kind), State: string(a.State), BundleID: a.BundleID,
		Recipient: Recipient(a.Recipient),
		Narrative: a.Narrative, EvidenceURLs: slices.Clone(a.EvidenceURLs), Grade: a.Grade,
		AwardedBy: a.AwardedBy, DecidedBy: a.DecidedBy, DenyReason: a.DenyReason,
		RevokedBy: a.RevokedBy, RevokeReason: a.RevokeReason, TermsVersion: a.TermsVersion,
		Requested: a.Requested, Decided: a.Decided, ScheduledFor: a.ScheduledFor, Sent: a.Sent,
		ClaimDeadline: a.ClaimDeadline, Claimed: a.Claimed, RevokedAt: a.RevokedAt,
		Reminders: slices.Clone(a.Reminders), CredentialID: a.CredentialID,
	}
}

// Domain returns the domain form of r.
func (r *Award) Domain() *issuer.Award {
	return &issuer.Award{
		ID: r.ID, InstitutionID: r.InstitutionID, GroupID: r.GroupID, IssuerID: r.IssuerID, BadgeClassID: r.BadgeClassID,
		Kind: issuer.AwardKind(r.Kind), State: issuer.AwardState(r.State), BundleID: r.BundleID,
		Recipient: issuer.Recipient(r.Recipient),
		Narrative: r.Narrative, EvidenceURLs: r.EvidenceURLs, Grade: r.Grade,
		AwardedBy: r.AwardedBy, DecidedBy: r.DecidedBy, DenyReason: r.DenyReason,
		RevokedBy: r.RevokedBy, RevokeReason: r.RevokeReason, TermsVersion: r.TermsVersion,
		Requested: r.Requested, Decided: r.Decided, ScheduledFor: r.ScheduledFor, Sent: r.Sent,
		ClaimDeadline: r.ClaimDeadline, Claimed: r.Claimed, RevokedAt: r.RevokedAt,
		Reminders: r.Reminders, CredentialID: r.CredentialID,
		Version: r.Version, Created: r.Created, Updated: r.Updated,
	}
}

// OpenRequest reports whether r is a request awaiting a decision: a
// learner has at most one per badge class.
func (r *Award) OpenRequest() bool {
	return r.Kind == string(issuer.KindRequest) && r.State == string(issuer.AwardRequested) && r.Recipient.UserID != ""
}

// Unissued reports whether r is accepted and awaits its credential.
func (r *Award) Unissued() bool {
	return r.State == string(issuer.AwardAccepted) && r.CredentialID == ""
}

// EraseLearner removes what the award says about its learner when they
// delete their account: who they are, and what they or the institution
// wrote about them (narrative, evidence, grade, a denial's reason). The
// award itself stays, for the institution's counts.
func (r *Award) EraseLearner() {
	r.Recipient = Recipient{}
	r.Narrative, r.EvidenceURLs, r.Grade, r.DenyReason = "", nil, "", ""
}
