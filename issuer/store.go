package issuer

import (
	"context"

	"github.com/badged/badged"
)

// ErrLastAdmin is returned, possibly wrapped, when a change would leave an
// institution without an active institution admin.
var ErrLastAdmin = &badged.Error{
	Kind:    badged.Conflict,
	Message: "an institution needs at least one institution admin; appoint another one first",
}

// Store keeps the hierarchy and the memberships. Storage adapters implement
// it; all of them pass storage/storagetest.
//
// Error contract, for every method: a record that does not exist gives a
// [badged.NotFound] *badged.Error; creating a record whose ID exists gives a
// [badged.Conflict]; creating a record whose parent does not exist gives
// [badged.NotFound]. Create sets Version to 1. Update and Delete succeed
// only when the record's Version equals the stored one, else they fail with
// [badged.Conflict]; Update increments Version in the record it was given.
// Parent IDs, NodeID and Created are fixed at creation: Update keeps the
// stored ones. Lists are ordered by Created, then ID, and are empty, not an
// error, when nothing matches.
type Store interface {
	AwardStore

	CreateInstitution(ctx context.Context, in *Institution) error
	Institution(ctx context.Context, id string) (*Institution, error)
	UpdateInstitution(ctx context.Context, in *Institution) error
	Institutions(ctx context.Context) ([]*Institution, error)

	CreateGroup(ctx context.Context, g *Group) error
	Group(ctx context.Context, id string) (*Group, error)
	UpdateGroup(ctx context.Context, g *Group) error
	// Groups lists the groups of an institution.
	Groups(ctx context.Context, institutionID string) ([]*Group, error)

	CreateIssuer(ctx context.Context, is *Issuer) error
	Issuer(ctx context.Context, id string) (*Issuer, error)
	UpdateIssuer(ctx context.Context, is *Issuer) error
	// Issuers lists the issuers of a group.
	Issuers(ctx context.Context, groupID string) ([]*Issuer, error)

	CreateBadgeClass(ctx context.Context, bc *BadgeClass) error
	BadgeClass(ctx context.Context, id string) (*BadgeClass, error)
	// Lineage reads the institution, group, issuer and badge class that p
	// names, in one read (an award's credential states all four); it
	// fails with NotFound when one of them is missing.
	Lineage(ctx context.Context, p Path) (Lineage, error)
	UpdateBadgeClass(ctx context.Context, bc *BadgeClass) error
	// BadgeClasses lists the badge classes of an issuer.
	BadgeClasses(ctx context.Context, issuerID string) ([]*BadgeClass, error)

	// CreateMembership stores m; its institution must exist. The store does
	// not check that NodeID names a node: the service does.
	CreateMembership(ctx context.Context, m *Membership) error
	Membership(ctx context.Context, id string) (*Membership, error)
	// UpdateMembership and DeleteMembership fail with [ErrLastAdmin] when
	// they would leave the institution with no active institution admin,
	// atomically with the change, so that two concurrent revocations never
	// both succeed.
	UpdateMembership(ctx context.Context, m *Membership) error
	DeleteMembership(ctx context.Context, m *Membership) error
	// MembershipsByUser lists the memberships bound to a user.
	MembershipsByUser(ctx context.Context, userID string) ([]*Membership, error)
	// MembershipsByNode lists the memberships, bound or pending, at a node.
	MembershipsByNode(ctx context.Context, nodeID string) ([]*Membership, error)
	// Invitations lists the pending memberships sent to an email address
	// (lower case).
	Invitations(ctx context.Context, email string) ([]*Membership, error)
}
