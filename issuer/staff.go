package issuer

import (
	"context"
	"fmt"

	"github.com/badged/badged"
)

// node resolves the node a role at nodeID is granted on.
func (s *Service) node(ctx context.Context, role Role, nodeID string) (Path, error) {
	if !role.Valid() {
		return Path{}, badged.Errorf(badged.Invalid, "unknown role %q", role)
	}
	if nodeID == "" {
		return Path{}, badged.Errorf(badged.Invalid, "a %s role needs the %s it applies to", role, role.Level())
	}
	return s.path(ctx, role.Level(), nodeID)
}

// InviteStaff invites the owner of email to take role at the node nodeID
// (an institution, group, issuer or badge class, by the role's level). The
// invitation grants nothing until [Service.BindInvitations] binds it at the
// invitee's sign-in through the institution's own identity provider. The
// actor needs the administrate-users permission on the node. Inviting an address that already has a pending invitation to
// the same node is a Conflict.
func (s *Service) InviteStaff(ctx context.Context, a Actor, email string, role Role, nodeID string) (*Membership, error) {
	email, err := normalEmail(email)
	if err != nil {
		return nil, err
	}
	p, err := s.node(ctx, role, nodeID)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, a, ActionAdministrateUsers, p); err != nil {
		return nil, err
	}
	existing, err := s.store.MembershipsByNode(ctx, nodeID)
	if err != nil {
		return nil, fmt.Errorf("staff of %s: %w", nodeID, err)
	}
	for _, m := range existing {
		if m.Pending() && m.Email == email {
			return nil, badged.Errorf(badged.Conflict, "%s already has a pending invitation here", email)
		}
	}
	m, err := s.createMembership(ctx, &Membership{InstitutionID: p.Institution, Role: role, NodeID: nodeID, Email: email, InvitedBy: a.UserID})
	if err != nil {
		return nil, err
	}
	s.membershipChanged(ChangeStaffInvite, a, nil, ptrCopy(m))
	return m, nil
}

// GrantRole gives the user userID role at the node nodeID. The actor needs
// the administrate-users permission on the node. Granting a role the user
// already holds there is a Conflict.
func (s *Service) GrantRole(ctx context.Context, a Actor, userID string, role Role, nodeID string) (*Membership, error) {
	if userID == "" {
		return nil, badged.Errorf(badged.Invalid, "which user? the user ID is empty")
	}
	p, err := s.node(ctx, role, nodeID)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, a, ActionAdministrateUsers, p); err != nil {
		return nil, err
	}
	existing, err := s.store.MembershipsByNode(ctx, nodeID)
	if err != nil {
		return nil, fmt.Errorf("staff of %s: %w", nodeID, err)
	}
	for _, m := range existing {
		if m.UserID == userID && m.Role == role {
			return nil, badged.Errorf(badged.Conflict, "the user already is %s here", role)
		}
	}
	m, err := s.createMembership(ctx, &Membership{InstitutionID: p.Institution, Role: role, NodeID: nodeID, UserID: userID, InvitedBy: a.UserID})
	if err != nil {
		return nil, err
	}
	s.membershipChanged(ChangeStaffGrant, a, nil, ptrCopy(m))
	return m, nil
}

func (s *Service) createMembership(ctx context.Context, m *Membership) (*Membership, error) {
	m.ID = s.newID()
	m.Created = s.timestamp()
	m.Updated = m.Created
	if err := s.store.CreateMembership(ctx, m); err != nil {
		return nil, fmt.Errorf("create membership: %w", err)
	}
	return m, nil
}

// BindInvitations binds to the actor's user ID every pending invitation
// of the institution institutionID sent to the actor's verified email
// address, and returns the bound memberships. Invitations sent to the
// same address by other institutions are returned as waiting and stay
// pending: an invitation never binds on email alone, only to an identity
// vouched for by the inviting institution's own identity provider. The
// caller (the login layer, at each staff sign-in) passes the institution
// that provider vouched for; see package login for the rule. With no
// pending invitations it does nothing. It fails with Unauthorized for an
// actor without a user ID, and with Invalid for an empty institutionID.
func (s *Service) BindInvitations(ctx context.Context, a Actor, institutionID string) (bound, waiting []*Membership, err error) {
	if a.UserID == "" {
		return nil, nil, badged.Errorf(badged.Unauthorized, "sign in first")
	}
	if institutionID == "" {
		return nil, nil, badged.Errorf(badged.Invalid, "an invitation binds only within the institution whose identity provider vouched for the sign-in; none was given")
	}
	if a.Email == "" {
		return nil, nil, nil
	}
	email, err := normalEmail(a.Email)
	if err != nil {
		return nil, nil, err
	}
	invs, err := s.store.Invitations(ctx, email)
	if err != nil {
		return nil, nil, fmt.Errorf("invitations for %s: %w", email, err)
	}
	for _, m := range invs {
		if m.InstitutionID != institutionID {
			waiting = append(waiting, m)
			continue
		}
		before := ptrCopy(m)
		m.UserID, m.Updated = a.UserID, s.timestamp()
		if err := s.store.UpdateMembership(ctx, m); err != nil {
			if badged.KindOf(err) == badged.Conflict {
				continue // bound concurrently, by another sign-in of the same user
			}
			return bound, waiting, fmt.Errorf("bind invitation %s: %w", m.ID, err)
		}
		s.membershipChanged(ChangeStaffBind, a, before, ptrCopy(m))
		bound = append(bound, m)
	}
	return bound, waiting, nil
}

// Memberships lists the actor's own memberships.
func (s *Service) Memberships(ctx context.Context, a Actor) ([]*Membership, error) {
	if a.UserID == "" {
		return nil, badged.Errorf(badged.Unauthorized, "sign in first")
	}
	return s.store.MembershipsByUser(ctx, a.UserID)
}

// Staff lists the memberships, bound and pending, at the node nodeID of
// the given level. The actor needs the administrate-users permission on it.
func (s *Service) Staff(ctx context.Context, a Actor, l Level, nodeID string) ([]*Membership, error) {
	p, err := s.path(ctx, l, nodeID)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, a, ActionAdministrateUsers, p); err != nil {
		return nil, err
	}
	return s.store.MembershipsByNode(ctx, nodeID)
}

// membership loads a membership at version and checks that a may
// administrate users at its node.
func (s *Service) membership(ctx context.Context, a Actor, id string, version int64) (*Membership, error) {
	m, err := s.store.Membership(ctx, id)
	if err != nil {
		return nil, err
	}
	p, err := s.node(ctx, m.Role, m.NodeID)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, a, ActionAdministrateUsers, p); err != nil {
		return nil, err
	}
	if err := stale("membership", version, m.Version); err != nil {
		return nil, err
	}
	return m, nil
}

// ChangeRole changes the role of a membership to another role of the same
// level. It fails with [ErrLastAdmin] when it would demote the last active
// institution admin.
func (s *Service) ChangeRole(ctx context.Context, a Actor, id string, version int64, role Role) (*Membership, error) {
	m, err := s.membership(ctx, a, id, version)
	if err != nil {
		return nil, err
	}
	if !role.Valid() || role.Level() != m.Role.Level() {
		return nil, badged.Errorf(badged.Invalid, "role %q is not a role of the %s level", role, m.Role.Level())
	}
	if role == m.Role {
		return m, nil
	}
	if err := s.keepAnAdmin(ctx, m); err != nil {
		return nil, err
	}
	before := ptrCopy(m)
	m.Role, m.Updated = role, s.timestamp()
	if err := s.store.UpdateMembership(ctx, m); err != nil {
		return nil, fmt.Errorf("change role of membership %s: %w", id, err)
	}
	s.membershipChanged(ChangeStaffChange, a, before, ptrCopy(m))
	return m, nil
}

// RevokeRole removes a membership or withdraws an invitation. It fails
// with [ErrLastAdmin] when it would remove the last active institution
// admin.
func (s *Service) RevokeRole(ctx context.Context, a Actor, id string, version int64) error {
	m, err := s.membership(ctx, a, id, version)
	if err != nil {
		return err
	}
	if err := s.keepAnAdmin(ctx, m); err != nil {
		return err
	}
	if err := s.store.DeleteMembership(ctx, m); err != nil {
		return fmt.Errorf("revoke membership %s: %w", id, err)
	}
	if s.changes != nil {
		gone := ptrCopy(m)
		s.changed(ChangeStaffRevoke, "membership", m.ID, m.InstitutionID, a, gone, nil, s.timestamp())
	}
	return nil
}

// keepAnAdmin returns ErrLastAdmin when m is the only active institution
// admin of its institution. The store enforces the same rule atomically;
// this check gives the answer before any change is attempted.
func (s *Service) keepAnAdmin(ctx context.Context, m *Membership) error {
	if m.Role != RoleInstitutionAdmin || m.Pending() {
		return nil
	}
	staff, err := s.store.MembershipsByNode(ctx, m.InstitutionID)
	if err != nil {
		return fmt.Errorf("staff of %s: %w", m.InstitutionID, err)
	}
	for _, o := range staff {
		if o.ID != m.ID && o.Role == RoleInstitutionAdmin && !o.Pending() {
			return nil
		}
	}
	return ErrLastAdmin
}
