// Package storagetest is the conformance suite every [issuer.Store]
// adapter runs: [Run] checks the contract documented on issuer.Store
// against a fresh, empty store.
package storagetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
)

// Run runs the suite. newStore returns a new, empty store for one subtest;
// it registers its own cleanup.
func Run(t *testing.T, newStore func(t *testing.T) issuer.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s issuer.Store)
	}{
		{"Institution", testInstitution},
		{"Group", testGroup},
		{"Issuer", testIssuer},
		{"BadgeClass", testBadgeClass},
		{"Lineage", testLineage},
		{"NotFound", testNotFound},
		{"Duplicate", testDuplicate},
		{"Order", testOrder},
		{"Membership", testMembership},
		{"Invitation", testInvitation},
		{"LastAdmin", testLastAdmin},
		{"ParallelUpdates", testParallelUpdates},
		{"ParallelRevokes", testParallelRevokes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, newStore(t))
		})
	}
}

var t0 = time.Date(2026, 3, 1, 9, 30, 0, 123456000, time.UTC)

func ptr[T any](v T) *T { return &v }

// Fixtures. Each returns a record as the service would create it.

func institution(id string, created time.Time) *issuer.Institution {
	return &issuer.Institution{
		ID: id, Name: issuer.Text{NL: "Universiteit " + id, EN: "University " + id},
		Description: issuer.Text{EN: "A university"}, ImageURL: "https://example.org/logo.png",
		SCHACHome: id + ".example.org", BRIN: "21PB", Type: issuer.WO, Country: "NL",
		GradingTableURL: "https://example.org/grades", DefaultLanguage: issuer.LangNL,
		Created: created, Updated: created,
	}
}

func group(id, inst string, created time.Time) *issuer.Group {
	return &issuer.Group{
		ID: id, InstitutionID: inst, Name: issuer.Text{NL: "Faculteit " + id}, Description: issuer.Text{EN: "Faculty"},
		ImageURL: "https://example.org/g.png", Created: created, Updated: created,
	}
}

func issuerRec(id, inst, grp string, created time.Time) *issuer.Issuer {
	return &issuer.Issuer{
		ID: id, InstitutionID: inst, GroupID: grp, Name: issuer.Text{EN: "Issuer " + id},
		URL: "https://example.org/" + id, Email: id + "@example.org", Created: created, Updated: created,
	}
}

func badgeClass(id, inst, grp, iss string, created time.Time) *issuer.BadgeClass {
	return &issuer.BadgeClass{
		ID: id, InstitutionID: inst, GroupID: grp, IssuerID: iss,
		Name: issuer.Text{NL: "Statistiek", EN: "Statistics"}, Description: issuer.Text{EN: "Basic statistics"},
		ImageURL: "https://example.org/b.png",
		Criteria: issuer.Criteria{URL: "https://example.org/criteria", Narrative: issuer.Text{EN: "Pass the *exam*.", NL: "Haal het *tentamen*."}},
		Language: "en", LearningOutcome: issuer.Text{EN: "Can compute a mean."}, ECTSCredits: ptr(2.5), TimeInvestment: ptr(60),
		EQFLevel: ptr(6), NLQFLevel: issuer.NLQFEntry2, EducationProgramIdentifier: "34479",
		Alignments: []issuer.Alignment{
			{TargetName: "statistics", TargetURL: "http://data.europa.eu/esco/skill/x", TargetFramework: "ESCO", TargetCode: "x"},
			{TargetName: "maths", TargetURL: "https://example.org/maths", TargetDescription: "Mathematics"},
		},
		AssessmentType: "testing", AssessmentSupervised: ptr(true), AssessmentIdentityVerified: ptr(false),
		QualityAssurance: issuer.QualityAssurance{Name: "NVAO", URL: "https://www.nvao.net", Description: "accredited"},
		Stackable:        ptr(true), Participation: issuer.ParticipationBlended, GradeAchievedRequired: true,
		EvidenceRequired: true, NarrativeRequired: true, ExpiryDays: 730, Microcredential: true,
		Tags: []string{"maths", "data"}, State: issuer.Draft, Created: created, Updated: created,
	}
}

func membership(id, inst string, role issuer.Role, node, user, email string, created time.Time) *issuer.Membership {
	return &issuer.Membership{
		ID: id, InstitutionID: inst, Role: role, NodeID: node, UserID: user, Email: email, InvitedBy: "root",
		Created: created, Updated: created,
	}
}

// tree creates institution "i1" > group "g1" > issuer "s1" > badge class "b1".
func tree(t *testing.T, s issuer.Store) {
	t.Helper()
	ctx := context.Background()
	must(t, s.CreateInstitution(ctx, institution("i1", t0)))
	must(t, s.CreateGroup(ctx, group("g1", "i1", t0)))
	must(t, s.CreateIssuer(ctx, issuerRec("s1", "i1", "g1", t0)))
	must(t, s.CreateBadgeClass(ctx, badgeClass("b1", "i1", "g1", "s1", t0)))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantKind(t *testing.T, err error, kind badged.Kind) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want a %s error", kind)
	}
	if k := badged.KindOf(err); k != kind {
		t.Fatalf("err = %v (kind %s), want kind %s", err, k, kind)
	}
}

func same(t *testing.T, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("stored and read back differ:\n got %+v\nwant %+v", got, want)
	}
}

// crud checks create, read, update and stale update of one record type.
func crud[T any](t *testing.T, rec *T, version func(*T) *int64, create, update func(*T) error, read func() (*T, error), change func(*T)) {
	t.Helper()
	must(t, create(rec))
	if v := *version(rec); v != 1 {
		t.Fatalf("version after create = %d, want 1", v)
	}
	got, err := read()
	must(t, err)
	same(t, got, rec)

	change(got)
	must(t, update(got))
	if v := *version(got); v != 2 {
		t.Fatalf("version after update = %d, want 2", v)
	}
	again, err := read()
	must(t, err)
	same(t, again, got)

	// The original, at version 1, is now stale.
	change(rec)
	wantKind(t, update(rec), badged.Conflict)
	again, err = read()
	must(t, err)
	same(t, again, got)
}

func testInstitution(t *testing.T, s issuer.Store) {
	ctx := context.Background()
	crud(t, institution("i1", t0), func(r *issuer.Institution) *int64 { return &r.Version },
		func(r *issuer.Institution) error { return s.CreateInstitution(ctx, r) },
		func(r *issuer.Institution) error { return s.UpdateInstitution(ctx, r) },
		func() (*issuer.Institution, error) { return s.Institution(ctx, "i1") },
		func(r *issuer.Institution) {
			r.Name.EN, r.BRIN, r.Type, r.Updated = "Renamed", "00IC", issuer.HBO, t0.Add(time.Hour)
			r.Terms = issuer.Terms{Version: "2026-1", Text: issuer.Text{NL: "Voorwaarden.\n\nTweede alinea.", EN: "Terms."}}
		})

	// Terms in one language round-trip, and removing them leaves none.
	in, err := s.Institution(ctx, "i1")
	must(t, err)
	in.Terms = issuer.Terms{Version: "2026-2", Text: issuer.Text{EN: "Only English."}}
	must(t, s.UpdateInstitution(ctx, in))
	got, err := s.Institution(ctx, "i1")
	must(t, err)
	same(t, got, in)
	in.Terms = issuer.Terms{}
	must(t, s.UpdateInstitution(ctx, in))
	got, err = s.Institution(ctx, "i1")
	must(t, err)
	same(t, got, in)
}

func testGroup(t *testing.T, s issuer.Store) {
	ctx := context.Background()
	must(t, s.CreateInstitution(ctx, institution("i1", t0)))
	crud(t, group("g1", "i1", t0), func(r *issuer.Group) *int64 { return &r.Version },
		func(r *issuer.Group) error { return s.CreateGroup(ctx, r) },
		func(r *issuer.Group) error { return s.UpdateGroup(ctx, r) },
		func() (*issuer.Group, error) { return s.Group(ctx, "g1") },
		func(r *issuer.Group) { r.Name.NL, r.Archived, r.Updated = "Hernoemd", true, t0.Add(time.Hour) })
}

func testIssuer(t *testing.T, s issuer.Store) {
	ctx := context.Background()
	must(t, s.CreateInstitution(ctx, institution("i1", t0)))
	must(t, s.CreateGroup(ctx, group("g1", "i1", t0)))
	crud(t, issuerRec("s1", "i1", "g1", t0), func(r *issuer.Issuer) *int64 { return &r.Version },
		func(r *issuer.Issuer) error { return s.CreateIssuer(ctx, r) },
		func(r *issuer.Issuer) error { return s.UpdateIssuer(ctx, r) },
		func() (*issuer.Issuer, error) { return s.Issuer(ctx, "s1") },
		func(r *issuer.Issuer) { r.Email, r.Updated = "new@example.org", t0.Add(time.Hour) })
}

func testBadgeClass(t *testing.T, s issuer.Store) {
	ctx := context.Background()
	must(t, s.CreateInstitution(ctx, institution("i1", t0)))
	must(t, s.CreateGroup(ctx, group("g1", "i1", t0)))
	must(t, s.CreateIssuer(ctx, issuerRec("s1", "i1", "g1", t0)))
	crud(t, badgeClass("b1", "i1", "g1", "s1", t0), func(r *issuer.BadgeClass) *int64 { return &r.Version },
		func(r *issuer.BadgeClass) error { return s.CreateBadgeClass(ctx, r) },
		func(r *issuer.BadgeClass) error { return s.UpdateBadgeClass(ctx, r) },
		func() (*issuer.BadgeClass, error) { return s.BadgeClass(ctx, "b1") },
		func(r *issuer.BadgeClass) {
			r.State, r.ECTSCredits, r.NLQFLevel, r.Updated = issuer.Published, ptr(0.5), "4", t0.Add(time.Hour)
			r.Alignments, r.Tags, r.Stackable = r.Alignments[:1], nil, nil
		})

	// A minimal badge class (nil pointers and slices) reads back the same.
	min := &issuer.BadgeClass{ID: "b2", IssuerID: "s1", InstitutionID: "i1", GroupID: "g1",
		Name: issuer.Text{EN: "x"}, State: issuer.Draft, Created: t0, Updated: t0}
	must(t, s.CreateBadgeClass(ctx, min))
	got, err := s.BadgeClass(ctx, "b2")
	must(t, err)
	same(t, got, min)

	// Update keeps the parents and the creation time.
	got.IssuerID, got.GroupID, got.Created = "elsewhere", "elsewhere", t0.Add(time.Hour)
	must(t, s.UpdateBadgeClass(ctx, got))
	again, err := s.BadgeClass(ctx, "b2")
	must(t, err)
	if again.IssuerID != "s1" || again.GroupID != "g1" || !again.Created.Equal(t0) {
		t.Errorf("update moved the badge class: %+v", again)
	}
	same(t, got, again)
}

// testLineage checks that Lineage reads the four records of a path as
// their own reads do, and fails with NotFound when one is missing.
func testLineage(t *testing.T, s issuer.Store) {
	ctx := context.Background()
	tree(t, s)
	p := issuer.Path{Institution: "i1", Group: "g1", Issuer: "s1", BadgeClass: "b1"}
	got, err := s.Lineage(ctx, p)
	must(t, err)
	in, _ := s.Institution(ctx, "i1")
	g, _ := s.Group(ctx, "g1")
	is, _ := s.Issuer(ctx, "s1")
	bc, _ := s.BadgeClass(ctx, "b1")
	same(t, got, issuer.Lineage{Institution: in, Group: g, Issuer: is, BadgeClass: bc})
	for _, missing := range []issuer.Path{
		{Institution: "nope", Group: "g1", Issuer: "s1", BadgeClass: "b1"},
		{Institution: "i1", Group: "nope", Issuer: "s1", BadgeClass: "b1"},
		{Institution: "i1", Group: "g1", Issuer: "nope", BadgeClass: "b1"},
		{Institution: "i1", Group: "g1", Issuer: "s1", BadgeClass: "nope"},
	} {
		_, err := s.Lineage(ctx, missing)
		wantKind(t, err, badged.NotFound)
		if !strings.Contains(err.Error(), "nope") {
			t.Errorf("Lineage(%+v) = %v, want it to name the missing record", missing, err)
		}
	}
}

func testNotFound(t *testing.T, s issuer.Store) {
	ctx := context.Background()
	for name, err := range map[string]error{
		"Institution":  second(s.Institution(ctx, "nope")),
		"Group":        second(s.Group(ctx, "nope")),
		"Issuer":       second(s.Issuer(ctx, "nope")),
		"BadgeClass":   second(s.BadgeClass(ctx, "nope")),
		"Membership":   second(s.Membership(ctx, "nope")),
		"UpdateInst":   s.UpdateInstitution(ctx, institution("nope", t0)),
		"UpdateGroup":  s.UpdateGroup(ctx, group("nope", "i1", t0)),
		"UpdateIssuer": s.UpdateIssuer(ctx, issuerRec("nope", "i1", "g1", t0)),
		"UpdateBadge":  s.UpdateBadgeClass(ctx, badgeClass("nope", "i1", "g1", "s1", t0)),
		"UpdateMember": s.UpdateMembership(ctx, membership("nope", "i1", issuer.RoleViewer, "i1", "u", "", t0)),
		"DeleteMember": s.DeleteMembership(ctx, membership("nope", "i1", issuer.RoleViewer, "i1", "u", "", t0)),
		"GroupParent":  s.CreateGroup(ctx, group("g1", "nope", t0)),
		"IssuerParent": s.CreateIssuer(ctx, issuerRec("s1", "i1", "nope", t0)),
		"BadgeParent":  s.CreateBadgeClass(ctx, badgeClass("b1", "i1", "g1", "nope", t0)),
		"MemberInst":   s.CreateMembership(ctx, membership("m1", "nope", issuer.RoleViewer, "nope", "u", "", t0)),
	} {
		t.Run(name, func(t *testing.T) { wantKind(t, err, badged.NotFound) })
	}
	// Lists of unknown parents are empty.
	gs, err := s.Groups(ctx, "nope")
	must(t, err)
	ms, err := s.MembershipsByUser(ctx, "nope")
	must(t, err)
	if len(gs) != 0 || len(ms) != 0 {
		t.Errorf("lists of unknown parents: %d groups, %d memberships", len(gs), len(ms))
	}
}

func second[T any](_ T, err error) error { return err }

func testDuplicate(t *testing.T, s issuer.Store) {
	ctx := context.Background()
	tree(t, s)
	wantKind(t, s.CreateInstitution(ctx, institution("i1", t0)), badged.Conflict)
	wantKind(t, s.CreateGroup(ctx, group("g1", "i1", t0)), badged.Conflict)
	wantKind(t, s.CreateIssuer(ctx, issuerRec("s1", "i1", "g1", t0)), badged.Conflict)
	wantKind(t, s.CreateBadgeClass(ctx, badgeClass("b1", "i1", "g1", "s1", t0)), badged.Conflict)
	must(t, s.CreateMembership(ctx, membership("m1", "i1", issuer.RoleViewer, "i1", "u1", "", t0)))
	wantKind(t, s.CreateMembership(ctx, membership("m1", "i1", issuer.RoleViewer, "i1", "u1", "", t0)), badged.Conflict)
}

func ids[T any](list []*T, id func(*T) string) []string {
	out := []string{}
	for _, x := range list {
		out = append(out, id(x))
	}
	return out
}

func testOrder(t *testing.T, s issuer.Store) {
	ctx := context.Background()
	tree(t, s)
	must(t, s.CreateInstitution(ctx, institution("i0", t0.Add(-time.Hour))))
	must(t, s.CreateInstitution(ctx, institution("i2", t0.Add(time.Nanosecond*1000))))
	// Created out of order, with ties broken by ID; "g1" exists at t0.
	for _, g := range []*issuer.Group{
		group("g4", "i1", t0.Add(2*time.Second)),
		group("g0", "i1", t0),
		group("g3", "i1", t0.Add(-time.Second)),
		group("g2", "i1", t0),
		group("x1", "i2", t0), // another institution
	} {
		must(t, s.CreateGroup(ctx, g))
	}
	for i, id := range []string{"s3", "s2"} {
		must(t, s.CreateIssuer(ctx, issuerRec(id, "i1", "g1", t0.Add(time.Duration(i+1)*time.Minute))))
	}
	for _, id := range []string{"b3", "b2"} {
		must(t, s.CreateBadgeClass(ctx, badgeClass(id, "i1", "g1", "s1", t0)))
	}
	ins, err := s.Institutions(ctx)
	must(t, err)
	gs, err := s.Groups(ctx, "i1")
	must(t, err)
	iss, err := s.Issuers(ctx, "g1")
	must(t, err)
	bcs, err := s.BadgeClasses(ctx, "s1")
	must(t, err)
	for name, c := range map[string]struct{ got, want []string }{
		"institutions":  {ids(ins, func(x *issuer.Institution) string { return x.ID }), []string{"i0", "i1", "i2"}},
		"groups":        {ids(gs, func(x *issuer.Group) string { return x.ID }), []string{"g3", "g0", "g1", "g2", "g4"}},
		"issuers":       {ids(iss, func(x *issuer.Issuer) string { return x.ID }), []string{"s1", "s3", "s2"}},
		"badge classes": {ids(bcs, func(x *issuer.BadgeClass) string { return x.ID }), []string{"b1", "b2", "b3"}},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s in order %v, want %v", name, c.got, c.want)
		}
	}
	// Updates do not change the order.
	g := gs[0]
	g.Name.EN = "changed"
	must(t, s.UpdateGroup(ctx, g))
	gs, err = s.Groups(ctx, "i1")
	must(t, err)
	if got := ids(gs, func(x *issuer.Group) string { return x.ID }); got[0] != "g3" || len(got) != 5 {
		t.Errorf("after update: %v", got)
	}
}

func testMembership(t *testing.T, s issuer.Store) {
	ctx := context.Background()
	tree(t, s)
	admin := membership("m1", "i1", issuer.RoleInstitutionAdmin, "i1", "alice", "alice@example.org", t0)
	awarder := membership("m2", "i1", issuer.RoleIssuerAwarder, "s1", "alice", "", t0.Add(time.Second))
	owner := membership("m3", "i1", issuer.RoleBadgeClassOwner, "b1", "bob", "", t0)
	for _, m := range []*issuer.Membership{awarder, admin, owner} {
		must(t, s.CreateMembership(ctx, m))
	}
	got, err := s.Membership(ctx, "m1")
	must(t, err)
	same(t, got, admin)

	byUser, err := s.MembershipsByUser(ctx, "alice")
	must(t, err)
	same(t, byUser, []*issuer.Membership{admin, awarder})
	byNode, err := s.MembershipsByNode(ctx, "b1")
	must(t, err)
	same(t, byNode, []*issuer.Membership{owner})

	// Changing the role keeps the node; the user indexes follow the user.
	owner.Role, owner.UserID, owner.NodeID = issuer.RoleBadgeClassEditor, "carol", "elsewhere"
	must(t, s.UpdateMembership(ctx, owner))
	if owner.NodeID != "b1" || owner.Version != 2 {
		t.Errorf("after update: %+v", owner)
	}
	byUser, err = s.MembershipsByUser(ctx, "bob")
	must(t, err)
	if len(byUser) != 0 {
		t.Errorf("bob still has %d memberships", len(byUser))
	}
	byUser, err = s.MembershipsByUser(ctx, "carol")
	must(t, err)
	same(t, byUser, []*issuer.Membership{owner})

	// Delete: a stale version conflicts, the current one removes every trace.
	stale := *owner
	stale.Version = 1
	wantKind(t, s.DeleteMembership(ctx, &stale), badged.Conflict)
	must(t, s.DeleteMembership(ctx, owner))
	wantKind(t, second(s.Membership(ctx, "m3")), badged.NotFound)
	byNode, err = s.MembershipsByNode(ctx, "b1")
	must(t, err)
	byUser, err = s.MembershipsByUser(ctx, "carol")
	must(t, err)
	if len(byNode) != 0 || len(byUser) != 0 {
		t.Errorf("deleted membership still listed: %d by node, %d by user", len(byNode), len(byUser))
	}
	wantKind(t, s.DeleteMembership(ctx, owner), badged.NotFound)
}

func testInvitation(t *testing.T, s issuer.Store) {
	ctx := context.Background()
	tree(t, s)
	inv1 := membership("m1", "i1", issuer.RoleIssuerAdmin, "s1", "", "dave@example.org", t0)
	inv2 := membership("m2", "i1", issuer.RoleViewer, "i1", "", "dave@example.org", t0.Add(time.Second))
	other := membership("m3", "i1", issuer.RoleViewer, "i1", "", "erin@example.org", t0)
	for _, m := range []*issuer.Membership{inv2, other, inv1} {
		must(t, s.CreateMembership(ctx, m))
	}
	invs, err := s.Invitations(ctx, "dave@example.org")
	must(t, err)
	same(t, invs, []*issuer.Membership{inv1, inv2})
	byNode, err := s.MembershipsByNode(ctx, "i1")
	must(t, err)
	if len(byNode) != 2 {
		t.Errorf("%d memberships at i1, want the 2 pending ones", len(byNode))
	}

	// Binding the first invitation moves it from the invitations to the user.
	inv1.UserID = "dave"
	must(t, s.UpdateMembership(ctx, inv1))
	invs, err = s.Invitations(ctx, "dave@example.org")
	must(t, err)
	same(t, invs, []*issuer.Membership{inv2})
	byUser, err := s.MembershipsByUser(ctx, "dave")
	must(t, err)
	same(t, byUser, []*issuer.Membership{inv1})
	// Binding it again with the old version fails.
	inv1.Version = 1
	wantKind(t, s.UpdateMembership(ctx, inv1), badged.Conflict)
}

func testLastAdmin(t *testing.T, s issuer.Store) {
	ctx := context.Background()
	tree(t, s)
	a1 := membership("m1", "i1", issuer.RoleInstitutionAdmin, "i1", "alice", "", t0)
	pending := membership("m2", "i1", issuer.RoleInstitutionAdmin, "i1", "", "bob@example.org", t0)
	must(t, s.CreateMembership(ctx, a1))
	must(t, s.CreateMembership(ctx, pending))

	// A pending admin does not count: alice is the last active admin.
	err := s.DeleteMembership(ctx, a1)
	if !errors.Is(err, issuer.ErrLastAdmin) {
		t.Fatalf("delete last admin: err = %v, want ErrLastAdmin", err)
	}
	demoted := *a1
	demoted.Role = issuer.RoleViewer
	if err := s.UpdateMembership(ctx, &demoted); !errors.Is(err, issuer.ErrLastAdmin) {
		t.Fatalf("demote last admin: err = %v, want ErrLastAdmin", err)
	}
	unbound := *a1
	unbound.UserID = ""
	if err := s.UpdateMembership(ctx, &unbound); !errors.Is(err, issuer.ErrLastAdmin) {
		t.Fatalf("unbind last admin: err = %v, want ErrLastAdmin", err)
	}
	// The pending one can be withdrawn; an admin of another institution
	// does not count either.
	must(t, s.DeleteMembership(ctx, pending))
	must(t, s.CreateInstitution(ctx, institution("i2", t0)))
	must(t, s.CreateMembership(ctx, membership("m3", "i2", issuer.RoleInstitutionAdmin, "i2", "zed", "", t0)))
	if err := s.DeleteMembership(ctx, a1); !errors.Is(err, issuer.ErrLastAdmin) {
		t.Fatalf("delete with an admin elsewhere: err = %v, want ErrLastAdmin", err)
	}
	// With a second active admin, the first can go.
	must(t, s.CreateMembership(ctx, membership("m4", "i1", issuer.RoleInstitutionAdmin, "i1", "bob", "", t0)))
	must(t, s.DeleteMembership(ctx, a1))
}

// testParallelUpdates races updates of one record from one version: exactly
// one wins each round, the others get Conflict.
func testParallelUpdates(t *testing.T, s issuer.Store) {
	ctx := context.Background()
	tree(t, s)
	const workers, rounds = 8, 5
	for round := range rounds {
		base, err := s.Group(ctx, "g1")
		must(t, err)
		var (
			wg        sync.WaitGroup
			mu        sync.Mutex
			wins      int
			conflicts int
		)
		for w := range workers {
			wg.Go(func() {
				g := *base
				g.Name.EN = fmt.Sprintf("round %d worker %d", round, w)
				err := s.UpdateGroup(ctx, &g)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins++
				case badged.KindOf(err) == badged.Conflict:
					conflicts++
				default:
					t.Errorf("worker %d: %v", w, err)
				}
			})
		}
		wg.Wait()
		if wins != 1 || conflicts != workers-1 {
			t.Fatalf("round %d: %d wins and %d conflicts, want 1 and %d", round, wins, conflicts, workers-1)
		}
		after, err := s.Group(ctx, "g1")
		must(t, err)
		if after.Version != base.Version+1 {
			t.Fatalf("round %d: version %d, want %d", round, after.Version, base.Version+1)
		}
	}
}

// testParallelRevokes has the two admins of an institution revoke each
// other at once: the store must keep exactly one.
func testParallelRevokes(t *testing.T, s issuer.Store) {
	ctx := context.Background()
	for round := range 5 {
		inst := fmt.Sprintf("i%d", round)
		must(t, s.CreateInstitution(ctx, institution(inst, t0)))
		a := membership(inst+"a", inst, issuer.RoleInstitutionAdmin, inst, "alice", "", t0)
		b := membership(inst+"b", inst, issuer.RoleInstitutionAdmin, inst, "bob", "", t0)
		must(t, s.CreateMembership(ctx, a))
		must(t, s.CreateMembership(ctx, b))
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, m := range []*issuer.Membership{a, b} {
			wg.Go(func() { errs[i] = s.DeleteMembership(ctx, m) })
		}
		wg.Wait()
		failed := 0
		for _, err := range errs {
			if err != nil {
				if !errors.Is(err, issuer.ErrLastAdmin) {
					t.Fatalf("round %d: %v", round, err)
				}
				failed++
			}
		}
		ms, err := s.MembershipsByNode(ctx, inst)
		must(t, err)
		if failed != 1 || len(ms) != 1 {
			t.Fatalf("round %d: %d revocations failed and %d admins remain, want 1 and 1", round, failed, len(ms))
		}
	}
}
