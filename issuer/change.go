package issuer

import (
	"cmp"
	"context"
	"time"
)

// Change actions: the audit trail's action names for changes to the
// hierarchy and its memberships, reported through [WithChanges].
const (
	ChangeInstitutionCreate = "institution.create"
	ChangeInstitutionUpdate = "institution.update"
	ChangeGroupCreate       = "group.create"
	ChangeGroupUpdate       = "group.update"
	ChangeGroupArchive      = "group.archive"
	ChangeIssuerCreate      = "issuer.create"
	ChangeIssuerUpdate      = "issuer.update"
	ChangeIssuerArchive     = "issuer.archive"
	ChangeBadgeClassCreate  = "badgeclass.create"
	ChangeBadgeClassUpdate  = "badgeclass.update"
	ChangeBadgeClassPublish = "badgeclass.publish"
	ChangeBadgeClassArchive = "badgeclass.archive"
	ChangeStaffInvite       = "staff.invite"
	ChangeStaffGrant        = "staff.grant"
	ChangeStaffBind         = "staff.bind"
	ChangeStaffChange       = "staff.change"
	ChangeStaffRevoke       = "staff.revoke"
)

// Change is a change to an institution, group, issuer, badge class or
// membership, reported once it is stored through the callback
// [WithChanges] installs. Award changes are [Event]s.
type Change struct {
	Action        string // one of the Change* constants
	InstitutionID string
	TargetKind    string // "institution", "group", "issuer", "badgeclass" or "membership"
	TargetID      string
	// ActorID is the user (or API client user) who made the change;
	// "system" when the actor has no user ID.
	ActorID string
	// Before and After are the record before and after the change: Before
	// is nil for a creation, After nil for a removal. They are copies the
	// callback may keep.
	Before, After any
	// Membership is the membership a staff change is about (as it was
	// before a revocation).
	Membership *Membership
	At         time.Time
}

// WithChanges makes the service report every change to the hierarchy and
// its memberships to fn, in the goroutine that made it, after it is
// stored. fn must not call back into the service's write methods.
func WithChanges(fn func(Change)) Option { return func(s *Service) { s.changes = fn } }

// changed reports a change when a callback is installed.
func (s *Service) changed(action, kind, id, institutionID string, a Actor, before, after any, at time.Time) {
	if kind != "membership" {
		// What this node remembers for claims is read afresh; other
		// nodes' claims are refused by the store and read it then.
		s.lineages.Clear()
	}
	if s.changes == nil {
		return
	}
	c := Change{Action: action, InstitutionID: institutionID, TargetKind: kind, TargetID: id,
		ActorID: cmp.Or(a.UserID, "system"), Before: before, After: after, At: at}
	if m, ok := cmp.Or(after, before).(*Membership); ok {
		c.Membership = m
	}
	s.changes(c)
}

// membershipChanged reports a staff change.
func (s *Service) membershipChanged(action string, a Actor, before, after *Membership) {
	m := cmp.Or(after, before)
	var b, af any
	if before != nil {
		b = before
	}
	if after != nil {
		af = after
	}
	s.changed(action, "membership", m.ID, m.InstitutionID, a, b, af, m.Updated)
}

// AuthorizeInstitutionAdmin returns nil when a may administrate the users
// of the institution institutionID: its institution admins and superusers.
// It guards what only they may read, such as the audit trail and the
// outbox.
func (s *Service) AuthorizeInstitutionAdmin(ctx context.Context, a Actor, institutionID string) error {
	p, err := s.path(ctx, LevelInstitution, institutionID)
	if err != nil {
		return err
	}
	return s.authorize(ctx, a, ActionAdministrateUsers, p)
}

// ptrCopy returns a pointer to a shallow copy of *v, for a change report
// that must not see later edits of the record.
func ptrCopy[T any](v *T) *T {
	c := *v
	return &c
}
