package endorsement

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/badged/badged"
	"github.com/badged/badged/contexts"
	"github.com/badged/badged/credential"
	"github.com/badged/badged/issuance"
	"github.com/badged/badged/issuer"
)

// Hierarchy reads the records an endorsement names. issuer.Store
// implements it. The errors are NotFound for a missing record.
type Hierarchy interface {
	Institution(ctx context.Context, id string) (*issuer.Institution, error)
	BadgeClass(ctx context.Context, id string) (*issuer.BadgeClass, error)
	Award(ctx context.Context, id string) (*issuer.Award, error)
}

// Access decides what an actor may do; issuer.Service implements it.
// Each returns Unauthorized, Forbidden or NotFound when the actor may not.
type Access interface {
	MayUpdate(ctx context.Context, a issuer.Actor, l issuer.Level, id string) error
	Issuer(ctx context.Context, a issuer.Actor, id string) (*issuer.Issuer, error)
	BadgeClass(ctx context.Context, a issuer.Actor, id string) (*issuer.BadgeClass, error)
}

// Signer signs and revokes the EndorsementCredentials and reads the
// credentials endorsed; issuance.Service implements it.
type Signer interface {
	SignCredential(ctx context.Context, issuerID string, doc map[string]any, o issuance.SignOptions) (*issuance.Signed, error)
	RevokeCredential(ctx context.Context, id, reason string) error
	IssuedCredential(ctx context.Context, id string) (*issuance.Credential, error)
	IssuerProfile(ctx context.Context, issuerID string) (*credential.Profile, error)
	AchievementID(badgeClassID string) string
}

// Service makes, decides and revokes endorsements on behalf of an
// [issuer.Actor].
//
// Errors are *badged.Error values: Unauthorized or Forbidden when the
// actor may not, NotFound for a missing endorsement or target, Invalid for
// bad input, Conflict for a stale Version, a change the state does not
// allow, or an endorsement the issuer already made of the same thing.
type Service struct {
	store     Store
	hierarchy Hierarchy
	access    Access
	signer    Signer
	now       func() time.Time
	changes   func(issuer.Change)
}

// WithChanges makes the service report every endorsement it makes,
// decides or revokes to fn (the audit trail), after it is stored: to the
// endorsing institution's trail for a creation and a revocation, to the
// endorsed one's for a decision.
func WithChanges(fn func(issuer.Change)) Option { return func(s *Service) { s.changes = fn } }

// Audit actions of endorsements.
const (
	ChangeCreate  = "endorsement.create"
	ChangeAccept  = "endorsement.accept"
	ChangeDecline = "endorsement.decline"
	ChangeRevoke  = "endorsement.revoke"
)

// changed reports a stored change of e by a, if changes are reported.
func (s *Service) changed(action string, a issuer.Actor, e *Endorsement) {
	if s.changes == nil {
		return
	}
	inst := e.InstitutionID
	if action == ChangeAccept || action == ChangeDecline {
		inst = e.EndorsedInstitutionID
	}
	actor := a.UserID
	if actor == "" {
		actor = "system"
	}
	// What the trail keeps of it: who endorsed what, and where it stands.
	summary := map[string]any{"issuer": e.IssuerID, "badgeClass": e.BadgeClassID, "credential": e.CredentialID,
		"state": e.State, "comment": e.Comment}
	if e.RevokeReason != "" {
		summary["reason"] = e.RevokeReason
	}
	s.changes(issuer.Change{Action: action, InstitutionID: inst, TargetKind: "endorsement", TargetID: e.ID,
		ActorID: actor, After: summary, At: e.Updated})
}

// Option sets an optional property of a [Service].
type Option func(*Service)

// WithClock sets the clock (default time.Now).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// NewService returns a Service keeping endorsements in store.
func NewService(store Store, h Hierarchy, access Access, signer Signer, opts ...Option) *Service {
	s := &Service{store: store, hierarchy: h, access: access, signer: signer, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	return s
}

// MaxComment bounds an endorsement's comment, in characters.
const MaxComment = 5000

// Request asks for an endorsement: by IssuerID, of either a badge class or
// a credential, with a comment.
type Request struct {
	IssuerID     string
	BadgeClassID string
	CredentialID string
	Comment      string
}

// Create signs an EndorsementCredential of the request's badge class or
// credential by the issuer, and stores it, pending the endorsed party's
// decision. The actor needs the update permission on the issuer. An
// institution never endorses its own: Forbidden. A second endorsement by
// the same issuer of the same thing while the first is pending or
// accepted is a Conflict. A credential issued through the VC-API belongs
// to no badge class and cannot be endorsed (Invalid).
func (s *Service) Create(ctx context.Context, a issuer.Actor, r Request) (*Endorsement, error) {
	var fields []badged.FieldError
	if r.IssuerID == "" {
		fields = append(fields, badged.FieldError{Field: "issuerId", Message: "required: the issuer that endorses"})
	}
	if (r.BadgeClassID == "") == (r.CredentialID == "") {
		fields = append(fields, badged.FieldError{Field: "badgeClassId", Message: "give either a badge class or a credential to endorse"})
	}
	r.Comment = strings.TrimSpace(r.Comment)
	if r.Comment == "" {
		fields = append(fields, badged.FieldError{Field: "comment", Message: "required: what you endorse it for"})
	} else if utf8.RuneCountInString(r.Comment) > MaxComment {
		fields = append(fields, badged.FieldError{Field: "comment", Message: fmt.Sprintf("at most %d characters", MaxComment)})
	}
	if len(fields) > 0 {
		return nil, badged.InvalidFields("endorsement", fields...)
	}
	if err := s.access.MayUpdate(ctx, a, issuer.LevelIssuer, r.IssuerID); err != nil {
		return nil, err
	}
	is, err := s.access.Issuer(ctx, a, r.IssuerID)
	if err != nil {
		return nil, err
	}
	e := &Endorsement{
		IssuerID: is.ID, InstitutionID: is.InstitutionID, Comment: r.Comment, State: Pending,
		CreatedBy: a.UserID, BadgeClassID: r.BadgeClassID,
	}
	if r.CredentialID != "" {
		e.Target, e.CredentialID, e.SubjectID = TargetCredential, r.CredentialID, r.CredentialID
		c, err := s.signer.IssuedCredential(ctx, r.CredentialID)
		if err != nil {
			return nil, err
		}
		if strings.HasPrefix(c.AwardID, issuance.APIAwardPrefix) {
			return nil, badged.InvalidFields("endorsement", badged.FieldError{Field: "credentialId", Message: "a credential issued through the VC-API belongs to no badge class and cannot be endorsed"})
		}
		aw, err := s.hierarchy.Award(ctx, c.AwardID)
		if err != nil {
			return nil, fmt.Errorf("award of credential %s: %w", r.CredentialID, err)
		}
		e.BadgeClassID = aw.BadgeClassID
	} else {
		e.Target = TargetBadgeClass
	}
	bc, err := s.hierarchy.BadgeClass(ctx, e.BadgeClassID)
	if err != nil {
		return nil, err
	}
	e.EndorsedInstitutionID = bc.InstitutionID
	if e.EndorsedInstitutionID == e.InstitutionID {
		return nil, badged.Errorf(badged.Forbidden, "an institution cannot endorse its own badge classes or credentials")
	}
	if e.Target == TargetBadgeClass {
		if bc.State != issuer.Published {
			return nil, badged.InvalidFields("endorsement", badged.FieldError{Field: "badgeClassId", Message: "only a published badge class can be endorsed"})
		}
		e.SubjectID = s.signer.AchievementID(bc.ID)
	}
	made, err := s.store.EndorsementsByIssuer(ctx, is.ID)
	if err != nil {
		return nil, err
	}
	for _, m := range made {
		if m.SubjectID == e.SubjectID && (m.State == Pending || m.State == Accepted) {
			return nil, badged.Errorf(badged.Conflict, "this issuer already endorses that (endorsement %s); revoke it first", m.ID)
		}
	}
	endorsed, err := s.hierarchy.Institution(ctx, e.EndorsedInstitutionID)
	if err != nil {
		return nil, err
	}
	doc, err := s.document(ctx, e, bc.Name.In(endorsed.DefaultLanguage))
	if err != nil {
		return nil, err
	}
	signed, err := s.signer.SignCredential(ctx, is.ID, doc, issuance.SignOptions{})
	if err != nil {
		return nil, err
	}
	if e.Credential, err = json.Marshal(signed.Credential); err != nil {
		return nil, fmt.Errorf("encode endorsement credential: %w", err)
	}
	e.SignedID = signed.ID
	e.ID = newID()
	now := s.timestamp()
	e.Created, e.Updated = now, now
	if err := s.store.CreateEndorsement(ctx, e); err != nil {
		return nil, err
	}
	s.changed(ChangeCreate, a, e)
	return e, nil
}

// document is the unsigned EndorsementCredential of e; name is the name of
// what is endorsed.
func (s *Service) document(ctx context.Context, e *Endorsement, name string) (map[string]any, error) {
	p, err := s.signer.IssuerProfile(ctx, e.IssuerID)
	if err != nil {
		return nil, err
	}
	// The plain OB 3.0 terms only: the credential stays readable to any
	// verifier without badged's extension context.
	profile := map[string]any{"id": p.ID, "type": []any{"Profile"}, "name": p.Name}
	if p.URL != "" {
		profile["url"] = p.URL
	}
	if p.Email != "" {
		profile["email"] = p.Email
	}
	return map[string]any{
		"@context":  []any{contexts.VCv2, contexts.OB303},
		"type":      []any{credential.TypeVerifiableCredential, credential.TypeEndorsementCredential},
		"name":      "Endorsement of " + name,
		"issuer":    profile,
		"validFrom": credential.FormatTime(s.now()),
		"credentialSubject": map[string]any{
			"id":                 e.SubjectID,
			"type":               []any{"EndorsementSubject"},
			"endorsementComment": e.Comment,
		},
	}, nil
}

// Endorsement returns an endorsement the actor may read: staff who may read
// the endorsing issuer or the endorsed badge class.
func (s *Service) Endorsement(ctx context.Context, a issuer.Actor, id string) (*Endorsement, error) {
	e, err := s.store.Endorsement(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.access.Issuer(ctx, a, e.IssuerID); err == nil {
		return e, nil
	}
	if _, err := s.access.BadgeClass(ctx, a, e.BadgeClassID); err != nil {
		return nil, err
	}
	return e, nil
}

// Filter chooses the endorsements [Service.Endorsements] lists: those an
// issuer made, or those of a badge class (and its credentials).
type Filter struct {
	IssuerID     string
	BadgeClassID string
}

// Endorsements lists the endorsements an issuer made or a badge class
// received; the actor needs read permission on that issuer or badge class.
// Exactly one of the filter's fields is set, or the error is Invalid.
func (s *Service) Endorsements(ctx context.Context, a issuer.Actor, f Filter) ([]*Endorsement, error) {
	switch {
	case (f.IssuerID == "") == (f.BadgeClassID == ""):
		return nil, badged.InvalidFields("filter", badged.FieldError{Field: "issuer", Message: "give either issuer or badgeClass"})
	case f.IssuerID != "":
		if _, err := s.access.Issuer(ctx, a, f.IssuerID); err != nil {
			return nil, err
		}
		return s.store.EndorsementsByIssuer(ctx, f.IssuerID)
	}
	if _, err := s.access.BadgeClass(ctx, a, f.BadgeClassID); err != nil {
		return nil, err
	}
	return s.store.EndorsementsOfBadgeClass(ctx, f.BadgeClassID)
}

// Accept makes a pending endorsement public; the actor needs the update
// permission on the endorsed badge class.
func (s *Service) Accept(ctx context.Context, a issuer.Actor, id string, version int64) (*Endorsement, error) {
	return s.decide(ctx, a, id, version, Accepted)
}

// Decline refuses a pending endorsement; it is never shown. The actor
// needs the update permission on the endorsed badge class.
func (s *Service) Decline(ctx context.Context, a issuer.Actor, id string, version int64) (*Endorsement, error) {
	return s.decide(ctx, a, id, version, Declined)
}

func (s *Service) decide(ctx context.Context, a issuer.Actor, id string, version int64, to State) (*Endorsement, error) {
	e, err := s.changing(ctx, a, id, version, to)
	if err != nil {
		return nil, err
	}
	e.State, e.DecidedBy = to, a.UserID
	e.Decided = s.timestamp()
	e.Updated = e.Decided
	if err := s.store.UpdateEndorsement(ctx, e); err != nil {
		return nil, err
	}
	action := ChangeAccept
	if to == Declined {
		action = ChangeDecline
	}
	s.changed(action, a, e)
	return e, nil
}

// changing reads endorsement id for a change to state to, which must be
// allowed from its state, at version, by a: revoking needs the update
// permission on the endorsing issuer, deciding on the endorsed badge
// class.
func (s *Service) changing(ctx context.Context, a issuer.Actor, id string, version int64, to State) (*Endorsement, error) {
	e, err := s.store.Endorsement(ctx, id)
	if err != nil {
		return nil, err
	}
	level, node := issuer.LevelBadgeClass, e.BadgeClassID
	if to == Revoked {
		level, node = issuer.LevelIssuer, e.IssuerID
	}
	if err := s.access.MayUpdate(ctx, a, level, node); err != nil {
		return nil, err
	}
	if e.Version != version {
		return nil, badged.Errorf(badged.Conflict, "the endorsement was changed by someone else (version %d, not %d); reload and try again", e.Version, version)
	}
	if !may(e.State, to) {
		return nil, notAllowed(e.State, to)
	}
	return e, nil
}

// Revoke withdraws an endorsement, pending or accepted: its credential's
// revocation bit is set, so that every verifier sees it, and it is no
// longer shown. The actor needs the update permission on the endorsing
// issuer.
func (s *Service) Revoke(ctx context.Context, a issuer.Actor, id string, version int64, reason string) (*Endorsement, error) {
	e, err := s.changing(ctx, a, id, version, Revoked)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > MaxComment {
		return nil, badged.InvalidFields("revocation", badged.FieldError{Field: "reason", Message: fmt.Sprintf("at most %d characters", MaxComment)})
	}
	// The bit first: revoking twice is harmless, a stored revocation
	// whose bit is not set would not be.
	if err := s.signer.RevokeCredential(ctx, e.SignedID, reason); err != nil {
		return nil, fmt.Errorf("revoke endorsement credential %s: %w", e.SignedID, err)
	}
	e.State, e.RevokedBy, e.RevokeReason = Revoked, a.UserID, reason
	e.RevokedAt = s.timestamp()
	e.Updated = e.RevokedAt
	if err := s.store.UpdateEndorsement(ctx, e); err != nil {
		return nil, err
	}
	s.changed(ChangeRevoke, a, e)
	return e, nil
}

// Shown returns the public endorsements of a badge class: accepted and
// not revoked, of the badge class itself and, when credentialID is given,
// of that credential. Anyone may read them; they are what the catalogue,
// the share page and the backpack show.
func (s *Service) Shown(ctx context.Context, badgeClassID, credentialID string) ([]*Endorsement, error) {
	return shown(ctx, s.store, badgeClassID, credentialID)
}

// ShownFor is Shown for the badge class whose Achievement id (in
// badged's credentials) is achievementID; an id of no badge class of this
// server has none.
func (s *Service) ShownFor(ctx context.Context, achievementID, credentialID string) ([]*Endorsement, error) {
	prefix := s.signer.AchievementID("")
	rest, ok := strings.CutPrefix(achievementID, prefix)
	if !ok || rest == "" || strings.Contains(rest, "/") {
		return []*Endorsement{}, nil
	}
	id, err := url.PathUnescape(rest)
	if err != nil {
		return []*Endorsement{}, nil
	}
	return shown(ctx, s.store, id, credentialID)
}

func shown(ctx context.Context, st Store, badgeClassID, credentialID string) ([]*Endorsement, error) {
	all, err := st.EndorsementsOfBadgeClass(ctx, badgeClassID)
	if err != nil {
		return nil, err
	}
	out := []*Endorsement{}
	for _, e := range all {
		if e.Public() && (e.Target == TargetBadgeClass || (credentialID != "" && e.CredentialID == credentialID)) {
			out = append(out, e)
		}
	}
	return out, nil
}

// Embedded returns a function giving the signed EndorsementCredentials of
// a badge class's public endorsements (not those of single credentials),
// which package issuance puts in the achievement's endorsement array of
// the credentials it issues from then on (issuance.WithEndorsements). It
// reads st only, so that issuance, which this package signs with, can be
// built first.
func Embedded(st Store) func(ctx context.Context, badgeClassID string) ([]json.RawMessage, error) {
	return func(ctx context.Context, badgeClassID string) ([]json.RawMessage, error) {
		l, err := shown(ctx, st, badgeClassID, "")
		if err != nil {
			return nil, err
		}
		out := make([]json.RawMessage, 0, len(l))
		for _, e := range l {
			out = append(out, json.RawMessage(e.Credential))
		}
		return out, nil
	}
}

// timestamp is now in UTC at microsecond precision, as every store reads
// it back.
func (s *Service) timestamp() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

func newID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("endorsement: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}
