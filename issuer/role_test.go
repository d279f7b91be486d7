package issuer_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/badged/badged/issuer"
)

// The permission matrix, written out independently of the implementation:
// C create, R read, U update, D delete, A award, S sign, M administrate users.
var matrix = map[issuer.Role]string{
	issuer.RoleInstitutionAdmin:   "CRUDASM",
	issuer.RoleViewer:             "R",
	issuer.RoleInstitutionAwarder: "RAS",
	issuer.RoleGroupAdmin:         "CRUDASM",
	issuer.RoleGroupAwarder:       "RAS",
	issuer.RoleIssuerAdmin:        "CRUDASM",
	issuer.RoleIssuerAwarder:      "RAS",
	issuer.RoleBadgeClassOwner:    "CRUDASM",
	issuer.RoleBadgeClassEditor:   "CRUAS",
	issuer.RoleBadgeClassAwarder:  "RAS",
}

var letter = map[issuer.Action]string{
	issuer.ActionCreate: "C", issuer.ActionRead: "R", issuer.ActionUpdate: "U", issuer.ActionDelete: "D",
	issuer.ActionAward: "A", issuer.ActionSign: "S", issuer.ActionAdministrateUsers: "M",
}

// The tree: institution i (groups g, g2; g has issuers s, s2; s has badge
// classes b, b2) and institution x with the same shape, its IDs prefixed x.
var (
	pI  = issuer.Path{Institution: "i"}
	pG  = issuer.Path{Institution: "i", Group: "g"}
	pG2 = issuer.Path{Institution: "i", Group: "g2"}
	pS  = issuer.Path{Institution: "i", Group: "g", Issuer: "s"}
	pS2 = issuer.Path{Institution: "i", Group: "g", Issuer: "s2"}
	pB  = issuer.Path{Institution: "i", Group: "g", Issuer: "s", BadgeClass: "b"}
	pB2 = issuer.Path{Institution: "i", Group: "g", Issuer: "s", BadgeClass: "b2"}
	pX  = issuer.Path{Institution: "x"}
	pXB = issuer.Path{Institution: "x", Group: "xg", Issuer: "xs", BadgeClass: "xb"}
	// A path that claims a node of i under institution x: never allowed.
	pForged = issuer.Path{Institution: "x", Group: "g", Issuer: "s", BadgeClass: "b"}
)

var targets = map[string]issuer.Path{
	"institution": pI, "group": pG, "sibling group": pG2, "issuer": pS, "sibling issuer": pS2,
	"badge class": pB, "sibling badge class": pB2, "other institution": pX,
	"other institution's badge class": pXB, "forged path": pForged,
}

// covered lists, per level at which a role is held (on i, g, s or b), the
// targets it reaches: itself and its descendants.
var covered = map[issuer.Level][]string{
	issuer.LevelInstitution: {"institution", "group", "sibling group", "issuer", "sibling issuer", "badge class", "sibling badge class"},
	issuer.LevelGroup:       {"group", "issuer", "sibling issuer", "badge class", "sibling badge class"},
	issuer.LevelIssuer:      {"issuer", "badge class", "sibling badge class"},
	issuer.LevelBadgeClass:  {"badge class"},
}

var nodeAt = map[issuer.Level]string{
	issuer.LevelInstitution: "i", issuer.LevelGroup: "g", issuer.LevelIssuer: "s", issuer.LevelBadgeClass: "b",
}

func TestCan(t *testing.T) {
	if len(matrix) != len(issuer.Roles) {
		t.Fatalf("matrix has %d roles, issuer.Roles %d", len(matrix), len(issuer.Roles))
	}
	for _, role := range issuer.Roles {
		level := role.Level()
		m := &issuer.Membership{ID: "m", InstitutionID: "i", Role: role, NodeID: nodeAt[level], UserID: "u"}
		for name, target := range targets {
			for _, action := range issuer.Actions {
				want := strings.Contains(matrix[role], letter[action]) && contains(covered[level], name)
				t.Run(fmt.Sprintf("%s@%s/%s/%s", role, level, action, name), func(t *testing.T) {
					if got := issuer.Can([]*issuer.Membership{m}, action, target); got != want {
						t.Errorf("Can = %v, want %v", got, want)
					}
				})
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestCanRefuses(t *testing.T) {
	admin := func(mod func(m *issuer.Membership)) []*issuer.Membership {
		m := &issuer.Membership{InstitutionID: "i", Role: issuer.RoleInstitutionAdmin, NodeID: "i", UserID: "u"}
		mod(m)
		return []*issuer.Membership{m}
	}
	tests := map[string]struct {
		ms     []*issuer.Membership
		target issuer.Path
	}{
		"fail/pending invitation": {admin(func(m *issuer.Membership) { m.UserID = ""; m.Email = "a@example.org" }), pB},
		"fail/unknown role":       {admin(func(m *issuer.Membership) { m.Role = "superadmin" }), pB},
		"fail/no memberships":     {nil, pB},
		"fail/nil membership":     {[]*issuer.Membership{nil}, pB},
		"fail/empty target":       {admin(func(*issuer.Membership) {}), issuer.Path{}},
		"fail/target with a gap":  {admin(func(*issuer.Membership) {}), issuer.Path{Institution: "i", BadgeClass: "b"}},
		"fail/other institution":  {admin(func(m *issuer.Membership) { m.InstitutionID = "x" }), pB},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			for _, a := range issuer.Actions {
				if issuer.Can(tt.ms, a, tt.target) {
					t.Errorf("Can(%s) = true", a)
				}
			}
		})
	}
	// Several memberships: the union of their rights.
	ms := []*issuer.Membership{
		{InstitutionID: "i", Role: issuer.RoleViewer, NodeID: "i", UserID: "u"},
		{InstitutionID: "i", Role: issuer.RoleBadgeClassAwarder, NodeID: "b", UserID: "u"},
	}
	if !issuer.Can(ms, issuer.ActionRead, pB2) || !issuer.Can(ms, issuer.ActionAward, pB) || issuer.Can(ms, issuer.ActionAward, pB2) {
		t.Error("union of viewer and awarder wrong")
	}
}
