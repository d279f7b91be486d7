package record

import (
	"slices"
	"time"

	"github.com/badged/badged/endorsement"
)

// Endorsement is the stored form of endorsement.Endorsement.
type Endorsement struct {
	Meta
	InstitutionID         string    `json:"institution"`
	IssuerID              string    `json:"issuer"`
	Target                string    `json:"target"`
	BadgeClassID          string    `json:"badgeClass"`
	CredentialID          string    `json:"credential,omitempty"`
	EndorsedInstitutionID string    `json:"endorsedInstitution"`
	SubjectID             string    `json:"subject"`
	Comment               string    `json:"comment"`
	State                 string    `json:"state"`
	SignedID              string    `json:"signedId"`
	Signed                []byte    `json:"signed"`
	CreatedBy             string    `json:"createdBy,omitempty"`
	DecidedBy             string    `json:"decidedBy,omitempty"`
	RevokedBy             string    `json:"revokedBy,omitempty"`
	RevokeReason          string    `json:"revokeReason,omitempty"`
	Decided               time.Time `json:"decided,omitzero"`
	RevokedAt             time.Time `json:"revokedAt,omitzero"`
}

// FromEndorsement returns the stored form of e.
func FromEndorsement(e *endorsement.Endorsement) *Endorsement {
	return &Endorsement{
		Meta:          meta(e.ID, e.Version, e.Created, e.Updated),
		InstitutionID: e.InstitutionID, IssuerID: e.IssuerID, Target: string(e.Target),
		BadgeClassID: e.BadgeClassID, CredentialID: e.CredentialID, EndorsedInstitutionID: e.EndorsedInstitutionID,
		SubjectID: e.SubjectID, Comment: e.Comment, State: string(e.State),
		SignedID: e.SignedID, Signed: slices.Clone(e.Credential),
		CreatedBy: e.CreatedBy, DecidedBy: e.DecidedBy, RevokedBy: e.RevokedBy, RevokeReason: e.RevokeReason,
		Decided: e.Decided, RevokedAt: e.RevokedAt,
	}
}

// Domain returns the endorsement r stores.
func (r *Endorsement) Domain() *endorsement.Endorsement {
	return &endorsement.Endorsement{
		ID: r.ID, Version: r.Version, Created: r.Created, Updated: r.Updated,
		InstitutionID: r.InstitutionID, IssuerID: r.IssuerID, Target: endorsement.Target(r.Target),
		BadgeClassID: r.BadgeClassID, CredentialID: r.CredentialID, EndorsedInstitutionID: r.EndorsedInstitutionID,
		SubjectID: r.SubjectID, Comment: r.Comment, State: endorsement.State(r.State),
		SignedID: r.SignedID, Credential: slices.Clone(r.Signed),
		CreatedBy: r.CreatedBy, DecidedBy: r.DecidedBy, RevokedBy: r.RevokedBy, RevokeReason: r.RevokeReason,
		Decided: r.Decided, RevokedAt: r.RevokedAt,
	}
}

// KeepFixed copies into r the fields of stored that an update never
// changes.
func (r *Endorsement) KeepFixed(stored *Endorsement) {
	r.InstitutionID, r.IssuerID, r.Target = stored.InstitutionID, stored.IssuerID, stored.Target
	r.BadgeClassID, r.CredentialID, r.EndorsedInstitutionID = stored.BadgeClassID, stored.CredentialID, stored.EndorsedInstitutionID
	r.SubjectID, r.SignedID, r.Signed, r.Created = stored.SubjectID, stored.SignedID, stored.Signed, stored.Created
}
