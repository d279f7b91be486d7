package issuer

import "time"

// Action is something a user may do to a node of the hierarchy.
type Action string

// Actions. Create on a node means creating its children.
const (
	ActionCreate            Action = "create"
	ActionRead              Action = "read"
	ActionUpdate            Action = "update"
	ActionDelete            Action = "delete"
	ActionAward             Action = "award"
	ActionSign              Action = "sign"
	ActionAdministrateUsers Action = "administrate_users"
)

// Actions lists every action.
var Actions = []Action{ActionCreate, ActionRead, ActionUpdate, ActionDelete, ActionAward, ActionSign, ActionAdministrateUsers}

// Role is a set of actions granted at one level of the hierarchy.
type Role string

// Roles, as edubadges has them.
const (
	RoleInstitutionAdmin  Role = "institution_admin"
	RoleGroupAdmin        Role = "group_admin"
	RoleGroupAwarder      Role = "group_awarder"
	RoleIssuerAdmin       Role = "issuer_admin"
	RoleIssuerAwarder     Role = "issuer_awarder"
	RoleBadgeClassOwner   Role = "badgeclass_owner"
	RoleBadgeClassEditor  Role = "badgeclass_editor"
	RoleBadgeClassAwarder Role = "badgeclass_awarder"
	RoleViewer            Role = "viewer" // read-only, at institution level
	// RoleInstitutionAwarder may read, award and sign anywhere in an
	// institution. It is held by the system clients (an SIS) of package
	// auth, as the user "client:<id>".
	RoleInstitutionAwarder Role = "institution_awarder"
)

// Roles lists every role, from the top of the hierarchy down.
var Roles = []Role{
	RoleInstitutionAdmin, RoleViewer, RoleInstitutionAwarder,
	RoleGroupAdmin, RoleGroupAwarder,
	RoleIssuerAdmin, RoleIssuerAwarder,
	RoleBadgeClassOwner, RoleBadgeClassEditor, RoleBadgeClassAwarder,
}

type roleDef struct {
	level   Level
	actions []Action
}

var (
	all     = Actions
	awarder = []Action{ActionRead, ActionAward, ActionSign}
	roles   = map[Role]roleDef{
		RoleInstitutionAdmin:   {LevelInstitution, all},
		RoleViewer:             {LevelInstitution, []Action{ActionRead}},
		RoleInstitutionAwarder: {LevelInstitution, awarder},
		RoleGroupAdmin:         {LevelGroup, all},
		RoleGroupAwarder:       {LevelGroup, awarder},
		RoleIssuerAdmin:        {LevelIssuer, all},
		RoleIssuerAwarder:      {LevelIssuer, awarder},
		RoleBadgeClassOwner:    {LevelBadgeClass, all},
		RoleBadgeClassEditor:   {LevelBadgeClass, []Action{ActionCreate, ActionRead, ActionUpdate, ActionAward, ActionSign}},
		RoleBadgeClassAwarder:  {LevelBadgeClass, awarder},
	}
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { _, ok := roles[r]; return ok }

// Level returns the level at which r is granted, or 0 for an unknown role.
func (r Role) Level() Level { return roles[r].level }

// Allows reports whether r grants action a on its node and the nodes below.
func (r Role) Allows(a Action) bool {
	for _, x := range roles[r].actions {
		if x == a {
			return true
		}
	}
	return false
}

// Membership binds a user to a role at one node of the hierarchy. While an
// invitation is pending, UserID is empty and Email holds the address it was
// sent to; the invitation is bound to a user at their first sign-in with
// that address.
type Membership struct {
	ID            string
	InstitutionID string
	Role          Role
	NodeID        string // the ID of the institution, group, issuer or badge class, by Role.Level()
	UserID        string // empty while the invitation is pending
	Email         string // lower case
	InvitedBy     string // the user ID of the inviter; empty when granted directly
	Version       int64
	Created       time.Time
	Updated       time.Time
}

// Pending reports whether m is an invitation not yet bound to a user.
func (m *Membership) Pending() bool { return m.UserID == "" }

// Can reports whether the memberships, all of one user, allow action on the
// node target names. A membership counts when it is bound to a user (not a
// pending invitation), its role allows the action, and its node is the
// target or one of the target's ancestors in the same institution.
// Permissions are inherited downwards only: never up, never to siblings,
// never across institutions.
func Can(memberships []*Membership, action Action, target Path) bool {
	if !target.valid() {
		return false
	}
	for _, m := range memberships {
		if m == nil || m.Pending() || m.InstitutionID != target.Institution || !m.Role.Allows(action) {
			continue
		}
		if id := target.ID(m.Role.Level()); id != "" && id == m.NodeID {
			return true
		}
	}
	return false
}
