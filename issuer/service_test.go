package issuer_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/storage/bolt"
)

var root = issuer.Actor{UserID: "root", Superuser: true}

// env is a service on a real bbolt store with a fixed clock and sequential
// IDs, and the tree of role_test.go: institution i, groups g and g2,
// issuers s and s2 in g, badge classes b and b2 in s.
type env struct {
	svc *issuer.Service
	db  *bolt.DB
	ids map[string]string // tree name → record ID
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "badged.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	n := 0
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	svc := issuer.NewService(db,
		issuer.WithClock(func() time.Time { now = now.Add(time.Second); return now }),
		issuer.WithIDs(func() string { n++; return fmt.Sprintf("id%03d", n) }))
	e := &env{svc: svc, db: db, ids: map[string]string{}}
	ctx := context.Background()
	in, err := svc.CreateInstitution(ctx, root, institution())
	must(t, err)
	e.ids["i"] = in.ID
	for _, name := range []string{"g", "g2"} {
		g, err := svc.CreateGroup(ctx, root, issuer.Group{InstitutionID: in.ID, Name: issuer.Text{EN: name}})
		must(t, err)
		e.ids[name] = g.ID
	}
	for _, name := range []string{"s", "s2"} {
		is, err := svc.CreateIssuer(ctx, root, issuer.Issuer{GroupID: e.ids["g"], Name: issuer.Text{NL: name}})
		must(t, err)
		e.ids[name] = is.ID
	}
	for _, name := range []string{"b", "b2"} {
		bc, err := svc.CreateBadgeClass(ctx, root, badgeClass(e.ids["s"]))
		must(t, err)
		e.ids[name] = bc.ID
	}
	return e
}

func institution() issuer.Institution {
	return issuer.Institution{
		Name: issuer.Text{NL: "Universiteit van Voorbeeld", EN: "University of Example"}, SCHACHome: "example.edu",
		BRIN: "21PB", Type: issuer.WO, Country: "NL", DefaultLanguage: issuer.LangNL,
	}
}

func badgeClass(issuerID string) issuer.BadgeClass {
	return issuer.BadgeClass{
		IssuerID: issuerID, Name: issuer.Text{EN: "Statistics"}, Description: issuer.Text{EN: "Basic statistics"},
		Criteria: issuer.Criteria{Narrative: issuer.Text{EN: "Pass the exam."}}, Language: "en",
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantKind(t *testing.T, err error, kind badged.Kind) {
	t.Helper()
	if k := badged.KindOf(err); err == nil || k != kind {
		t.Fatalf("err = %v, want kind %s", err, kind)
	}
}

// TestServicePermissions gives a user each role in turn and has them try
// an operation of every action on nodes inside, beside and outside their
// reach; the expectation comes from the matrix of role_test.go.
func TestServicePermissions(t *testing.T) {
	ctx := context.Background()
	type op struct {
		action issuer.Action
		target string // tree name
		do     func(e *env, a issuer.Actor) error
	}
	ops := []op{
		{issuer.ActionRead, "i", func(e *env, a issuer.Actor) error { _, err := e.svc.Institution(ctx, a, e.ids["i"]); return err }},
		{issuer.ActionUpdate, "i", func(e *env, a issuer.Actor) error {
			in, _ := e.svc.Institution(ctx, root, e.ids["i"])
			in.BRIN = "00IC"
			_, err := e.svc.UpdateInstitution(ctx, a, *in)
			return err
		}},
		{issuer.ActionCreate, "i", func(e *env, a issuer.Actor) error {
			_, err := e.svc.CreateGroup(ctx, a, issuer.Group{InstitutionID: e.ids["i"], Name: issuer.Text{EN: "new"}})
			return err
		}},
		{issuer.ActionCreate, "g", func(e *env, a issuer.Actor) error {
			_, err := e.svc.CreateIssuer(ctx, a, issuer.Issuer{GroupID: e.ids["g"], Name: issuer.Text{EN: "new"}})
			return err
		}},
		{issuer.ActionDelete, "g2", func(e *env, a issuer.Actor) error { _, err := e.svc.ArchiveGroup(ctx, a, e.ids["g2"], 1); return err }},
		{issuer.ActionRead, "s2", func(e *env, a issuer.Actor) error { _, err := e.svc.Issuer(ctx, a, e.ids["s2"]); return err }},
		{issuer.ActionUpdate, "s", func(e *env, a issuer.Actor) error {
			is, _ := e.svc.Issuer(ctx, root, e.ids["s"])
			is.URL = "https://example.edu/s"
			_, err := e.svc.UpdateIssuer(ctx, a, *is)
			return err
		}},
		{issuer.ActionCreate, "s", func(e *env, a issuer.Actor) error {
			_, err := e.svc.CreateBadgeClass(ctx, a, badgeClass(e.ids["s"]))
			return err
		}},
		{issuer.ActionRead, "b", func(e *env, a issuer.Actor) error { _, err := e.svc.BadgeClass(ctx, a, e.ids["b"]); return err }},
		{issuer.ActionRead, "b2", func(e *env, a issuer.Actor) error { _, err := e.svc.BadgeClass(ctx, a, e.ids["b2"]); return err }},
		{issuer.ActionUpdate, "b", func(e *env, a issuer.Actor) error {
			bc, _ := e.svc.BadgeClass(ctx, root, e.ids["b"])
			bc.Tags = []string{"x"}
			_, err := e.svc.UpdateBadgeClass(ctx, a, *bc)
			return err
		}},
		{issuer.ActionUpdate, "b2", func(e *env, a issuer.Actor) error {
			_, err := e.svc.PublishBadgeClass(ctx, a, e.ids["b2"], 1)
			return err
		}},
		{issuer.ActionDelete, "b", func(e *env, a issuer.Actor) error {
			_, err := e.svc.ArchiveBadgeClass(ctx, a, e.ids["b"], 1)
			return err
		}},
		{issuer.ActionAdministrateUsers, "b", func(e *env, a issuer.Actor) error {
			_, err := e.svc.InviteStaff(ctx, a, "new@example.edu", issuer.RoleBadgeClassAwarder, e.ids["b"])
			return err
		}},
		{issuer.ActionAdministrateUsers, "s", func(e *env, a issuer.Actor) error {
			_, err := e.svc.GrantRole(ctx, a, "someone", issuer.RoleIssuerAwarder, e.ids["s"])
			return err
		}},
		{issuer.ActionAdministrateUsers, "i", func(e *env, a issuer.Actor) error {
			_, err := e.svc.Staff(ctx, a, issuer.LevelInstitution, e.ids["i"])
			return err
		}},
	}
	for _, role := range issuer.Roles {
		for _, o := range ops {
			want := strings.Contains(matrix[role], letter[o.action]) && contains(covered[role.Level()], treeName[o.target])
			t.Run(fmt.Sprintf("%s/%s/%s", role, o.action, o.target), func(t *testing.T) {
				e := newEnv(t)
				_, err := e.svc.GrantRole(ctx, root, "user", role, e.ids[nodeAt[role.Level()]])
				must(t, err)
				err = o.do(e, issuer.Actor{UserID: "user"})
				switch {
				case want && err != nil:
					t.Errorf("allowed, but: %v", err)
				case !want && badged.KindOf(err) != badged.Forbidden:
					t.Errorf("err = %v, want Forbidden", err)
				}
			})
		}
	}
	t.Run("fail/anonymous", func(t *testing.T) {
		e := newEnv(t)
		_, err := e.svc.BadgeClass(ctx, issuer.Actor{}, e.ids["b"])
		wantKind(t, err, badged.Unauthorized)
	})
	t.Run("fail/admin of another institution", func(t *testing.T) {
		e := newEnv(t)
		o := institution()
		o.SCHACHome = "other.example.edu"
		other, err := e.svc.CreateInstitution(ctx, root, o)
		must(t, err)
		_, err = e.svc.GrantRole(ctx, root, "user", issuer.RoleInstitutionAdmin, other.ID)
		must(t, err)
		_, err = e.svc.BadgeClass(ctx, issuer.Actor{UserID: "user"}, e.ids["b"])
		wantKind(t, err, badged.Forbidden)
		_, err = e.svc.InviteStaff(ctx, issuer.Actor{UserID: "user"}, "x@example.edu", issuer.RoleInstitutionAdmin, e.ids["i"])
		wantKind(t, err, badged.Forbidden)
	})
	t.Run("fail/only a superuser creates institutions", func(t *testing.T) {
		e := newEnv(t)
		_, err := e.svc.GrantRole(ctx, root, "user", issuer.RoleInstitutionAdmin, e.ids["i"])
		must(t, err)
		_, err = e.svc.CreateInstitution(ctx, issuer.Actor{UserID: "user"}, institution())
		wantKind(t, err, badged.Forbidden)
	})
}

// treeName maps the tree names of ops to the target names of role_test.go.
var treeName = map[string]string{
	"i": "institution", "g": "group", "g2": "sibling group", "s": "issuer", "s2": "sibling issuer",
	"b": "badge class", "b2": "sibling badge class",
}

func TestInvitation(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	inv, err := e.svc.InviteStaff(ctx, root, " Dave@Example.EDU ", issuer.RoleIssuerAdmin, e.ids["s"])
	must(t, err)
	if inv.Email != "dave@example.edu" || !inv.Pending() {
		t.Fatalf("invitation: %+v", inv)
	}
	_, err = e.svc.InviteStaff(ctx, root, "dave@example.edu", issuer.RoleIssuerAdmin, e.ids["s"])
	wantKind(t, err, badged.Conflict)

	dave := issuer.Actor{UserID: "dave-eduid", Email: "dave@example.edu"}
	// Before binding, the invitation grants nothing.
	_, err = e.svc.Issuer(ctx, dave, e.ids["s"])
	wantKind(t, err, badged.Forbidden)

	// Signed in through another institution's provider, the same address
	// binds nothing: the invitation waits, and still grants nothing.
	o := institution()
	o.SCHACHome = "other.example.edu"
	other, err := e.svc.CreateInstitution(ctx, root, o)
	must(t, err)
	bound, waiting, err := e.svc.BindInvitations(ctx, dave, other.ID)
	must(t, err)
	if len(bound) != 0 || len(waiting) != 1 || waiting[0].ID != inv.ID || !waiting[0].Pending() {
		t.Fatalf("through another institution: bound %+v, waiting %+v", bound, waiting)
	}
	if stored, err := e.db.Membership(ctx, inv.ID); err != nil || !stored.Pending() || stored.Version != inv.Version {
		t.Fatalf("invitation after a refused bind: %+v, %v", stored, err)
	}
	_, err = e.svc.Issuer(ctx, dave, e.ids["s"])
	wantKind(t, err, badged.Forbidden)
	// Without the institution that vouched for the sign-in, nothing binds.
	_, _, err = e.svc.BindInvitations(ctx, dave, "")
	wantKind(t, err, badged.Invalid)

	bound, waiting, err = e.svc.BindInvitations(ctx, dave, e.ids["i"])
	must(t, err)
	if len(bound) != 1 || bound[0].UserID != "dave-eduid" || len(waiting) != 0 {
		t.Fatalf("bound: %+v, waiting %+v", bound, waiting)
	}
	if _, err := e.svc.Issuer(ctx, dave, e.ids["s"]); err != nil {
		t.Fatalf("after binding: %v", err)
	}
	// The next sign-in binds nothing more; someone else's address binds nothing.
	again, _, err := e.svc.BindInvitations(ctx, dave, e.ids["i"])
	must(t, err)
	eve, _, err := e.svc.BindInvitations(ctx, issuer.Actor{UserID: "eve", Email: "eve@example.edu"}, e.ids["i"])
	must(t, err)
	if len(again)+len(eve) != 0 {
		t.Errorf("bound again: %d, %d", len(again), len(eve))
	}
	mine, err := e.svc.Memberships(ctx, dave)
	must(t, err)
	if len(mine) != 1 || mine[0].Role != issuer.RoleIssuerAdmin {
		t.Errorf("memberships: %+v", mine)
	}

	t.Run("fail/bad input", func(t *testing.T) {
		for name, c := range map[string]struct {
			email string
			role  issuer.Role
			node  string
			kind  badged.Kind
		}{
			"bad email":    {"not an email", issuer.RoleViewer, e.ids["i"], badged.Invalid},
			"display name": {"Dave <dave@example.edu>", issuer.RoleViewer, e.ids["i"], badged.Invalid},
			"unknown role": {"x@example.edu", "boss", e.ids["i"], badged.Invalid},
			"wrong level":  {"x@example.edu", issuer.RoleIssuerAdmin, e.ids["g"], badged.NotFound},
			"no node":      {"x@example.edu", issuer.RoleViewer, "", badged.Invalid},
			"unknown node": {"x@example.edu", issuer.RoleGroupAdmin, "nope", badged.NotFound},
		} {
			t.Run(name, func(t *testing.T) {
				_, err := e.svc.InviteStaff(ctx, root, c.email, c.role, c.node)
				wantKind(t, err, c.kind)
			})
		}
	})
}

func TestLastAdmin(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	alice := issuer.Actor{UserID: "alice"}
	m1, err := e.svc.GrantRole(ctx, root, "alice", issuer.RoleInstitutionAdmin, e.ids["i"])
	must(t, err)
	// A pending invitation is no admin yet.
	pending, err := e.svc.InviteStaff(ctx, alice, "bob@example.edu", issuer.RoleInstitutionAdmin, e.ids["i"])
	must(t, err)

	if err := e.svc.RevokeRole(ctx, alice, m1.ID, m1.Version); !errors.Is(err, issuer.ErrLastAdmin) {
		t.Fatalf("revoke the last admin: %v", err)
	}
	if _, err := e.svc.ChangeRole(ctx, alice, m1.ID, m1.Version, issuer.RoleViewer); !errors.Is(err, issuer.ErrLastAdmin) {
		t.Fatalf("demote the last admin: %v", err)
	}
	wantKind(t, e.svc.RevokeRole(ctx, alice, m1.ID, m1.Version), badged.Conflict)

	// Bob signs in: now there are two, and alice may step down.
	_, _, err = e.svc.BindInvitations(ctx, issuer.Actor{UserID: "bob", Email: "bob@example.edu"}, e.ids["i"])
	must(t, err)
	m1, err = e.svc.ChangeRole(ctx, alice, m1.ID, m1.Version, issuer.RoleViewer)
	must(t, err)
	// Alice, a viewer now, can no longer manage staff.
	pb, err := e.db.Membership(ctx, pending.ID)
	must(t, err)
	wantKind(t, e.svc.RevokeRole(ctx, alice, pb.ID, pb.Version), badged.Forbidden)
	// And bob, the last admin, cannot remove himself.
	if err := e.svc.RevokeRole(ctx, issuer.Actor{UserID: "bob"}, pb.ID, pb.Version); !errors.Is(err, issuer.ErrLastAdmin) {
		t.Fatalf("revoke bob: %v", err)
	}
	// Role changes stay within a level.
	_, err = e.svc.ChangeRole(ctx, issuer.Actor{UserID: "bob"}, m1.ID, m1.Version, issuer.RoleGroupAdmin)
	wantKind(t, err, badged.Invalid)
	must(t, e.svc.RevokeRole(ctx, issuer.Actor{UserID: "bob"}, m1.ID, m1.Version))
}

func TestValidation(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	ptr := func(v int) *int { return &v }
	f := func(v float64) *float64 { return &v }
	long := strings.Repeat("x", 256)
	tests := map[string]struct {
		mod  func(bc *issuer.BadgeClass)
		want string // in the message; "" means valid
	}{
		"ok/english name only": {func(bc *issuer.BadgeClass) { bc.Name = issuer.Text{EN: "x"} }, ""},
		"ok/dutch name only":   {func(bc *issuer.BadgeClass) { bc.Name = issuer.Text{NL: "x"} }, ""},
		"ok/ects one decimal":  {func(bc *issuer.BadgeClass) { bc.ECTSCredits = f(2.5) }, ""},
		"ok/ects zero":         {func(bc *issuer.BadgeClass) { bc.ECTSCredits = f(0) }, ""},
		"ok/eqf 1 and nlqf entry": {func(bc *issuer.BadgeClass) {
			bc.EQFLevel, bc.NLQFLevel = ptr(1), issuer.NLQFEntry1
		}, ""},
		"ok/8 alignments":            {func(bc *issuer.BadgeClass) { bc.Alignments = alignments(8) }, ""},
		"fail/no name":               {func(bc *issuer.BadgeClass) { bc.Name = issuer.Text{NL: "  "} }, "name: required in Dutch or English"},
		"fail/long name":             {func(bc *issuer.BadgeClass) { bc.Name.NL = long }, "name.nl: longer than"},
		"fail/eqf 0":                 {func(bc *issuer.BadgeClass) { bc.EQFLevel = ptr(0) }, "eqfLevel: must be 1 to 8"},
		"fail/eqf 9":                 {func(bc *issuer.BadgeClass) { bc.EQFLevel = ptr(9) }, "eqfLevel: must be 1 to 8"},
		"fail/nlqf 9":                {func(bc *issuer.BadgeClass) { bc.NLQFLevel = "9" }, "nlqfLevel"},
		"fail/nlqf entry-4":          {func(bc *issuer.BadgeClass) { bc.NLQFLevel = "entry-4" }, "nlqfLevel"},
		"fail/negative ects":         {func(bc *issuer.BadgeClass) { bc.ECTSCredits = f(-1) }, "ectsCredits: must be between"},
		"fail/ects two decimals":     {func(bc *issuer.BadgeClass) { bc.ECTSCredits = f(2.55) }, "ectsCredits: may have at most one decimal"},
		"fail/ects and study load":   {func(bc *issuer.BadgeClass) { bc.ECTSCredits, bc.StudyLoad = f(1), ptr(28) }, "not both"},
		"fail/9 alignments":          {func(bc *issuer.BadgeClass) { bc.Alignments = alignments(9) }, "alignments: at most 8"},
		"fail/alignment without url": {func(bc *issuer.BadgeClass) { bc.Alignments = []issuer.Alignment{{TargetName: "x"}} }, "alignments[0].targetUrl: required"},
		"fail/programme code":        {func(bc *issuer.BadgeClass) { bc.EducationProgramIdentifier = "12a45" }, "educationProgramIdentifier"},
		"fail/participation":         {func(bc *issuer.BadgeClass) { bc.Participation = "hybrid" }, "participation"},
		"fail/criteria url":          {func(bc *issuer.BadgeClass) { bc.Criteria.URL = "javascript:alert(1)" }, "criteria.url"},
		"fail/duplicate tag":         {func(bc *issuer.BadgeClass) { bc.Tags = []string{"a", " a"} }, "duplicate tag"},
		"fail/negative expiry":       {func(bc *issuer.BadgeClass) { bc.ExpiryDays = -1 }, "expiryDays"},
		"fail/all listed": {func(bc *issuer.BadgeClass) { bc.EQFLevel, bc.Participation = ptr(0), "x" },
			"eqfLevel: must be 1 to 8; participation"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			bc := badgeClass(e.ids["s"])
			tt.mod(&bc)
			_, err := e.svc.CreateBadgeClass(ctx, root, bc)
			if tt.want == "" {
				must(t, err)
				return
			}
			wantKind(t, err, badged.Invalid)
			if !strings.Contains(badged.MessageOf(err), tt.want) {
				t.Errorf("message %q lacks %q", badged.MessageOf(err), tt.want)
			}
		})
	}

	t.Run("fail/institution", func(t *testing.T) {
		in := institution()
		in.Name, in.SCHACHome, in.BRIN, in.Type, in.Country, in.DefaultLanguage = issuer.Text{}, "Not A Domain", "21pb", "ROC", "nl", "de"
		_, err := e.svc.CreateInstitution(ctx, root, in)
		wantKind(t, err, badged.Invalid)
		for _, field := range []string{"name", "schacHome", "brin", "type", "country", "defaultLanguage"} {
			if !strings.Contains(badged.MessageOf(err), field+": ") {
				t.Errorf("message %q lacks %s", badged.MessageOf(err), field)
			}
		}
	})

	t.Run("publish needs a complete microcredential", func(t *testing.T) {
		bc := badgeClass(e.ids["s"])
		bc.Microcredential = true
		created, err := e.svc.CreateBadgeClass(ctx, root, bc)
		must(t, err)
		_, err = e.svc.PublishBadgeClass(ctx, root, created.ID, created.Version)
		wantKind(t, err, badged.Invalid)
		for _, field := range []string{"learningOutcome", "eqfLevel", "ectsCredits", "assessmentType", "qualityAssurance.name"} {
			if !strings.Contains(badged.MessageOf(err), field) {
				t.Errorf("message %q lacks %s", badged.MessageOf(err), field)
			}
		}
		created.LearningOutcome, created.EQFLevel, created.ECTSCredits = issuer.Text{EN: "Can do it"}, ptr(5), f(3)
		created.AssessmentType, created.QualityAssurance.Name = "testing", "NVAO"
		created, err = e.svc.UpdateBadgeClass(ctx, root, *created)
		must(t, err)
		created, err = e.svc.PublishBadgeClass(ctx, root, created.ID, created.Version)
		must(t, err)
		// Published, it must stay complete.
		created.LearningOutcome = issuer.Text{}
		_, err = e.svc.UpdateBadgeClass(ctx, root, *created)
		wantKind(t, err, badged.Invalid)
		archived, err := e.svc.ArchiveBadgeClass(ctx, root, created.ID, created.Version)
		must(t, err)
		_, err = e.svc.UpdateBadgeClass(ctx, root, *archived)
		wantKind(t, err, badged.Conflict)
	})
}

func alignments(n int) []issuer.Alignment {
	var out []issuer.Alignment
	for i := range n {
		out = append(out, issuer.Alignment{TargetName: fmt.Sprint("skill ", i), TargetURL: fmt.Sprint("https://esco.example/", i)})
	}
	return out
}

func TestUpdateConflictsAndArchive(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	g, err := e.svc.Group(ctx, root, e.ids["g"])
	must(t, err)
	first, second := *g, *g
	first.Name.EN = "first"
	_, err = e.svc.UpdateGroup(ctx, root, first)
	must(t, err)
	second.Name.EN = "second"
	_, err = e.svc.UpdateGroup(ctx, root, second)
	wantKind(t, err, badged.Conflict)

	// An archived group takes no new issuers, an archived issuer no badge classes.
	_, err = e.svc.ArchiveGroup(ctx, root, e.ids["g2"], 1)
	must(t, err)
	_, err = e.svc.CreateIssuer(ctx, root, issuer.Issuer{GroupID: e.ids["g2"], Name: issuer.Text{EN: "x"}})
	wantKind(t, err, badged.Conflict)
	_, err = e.svc.ArchiveIssuer(ctx, root, e.ids["s2"], 1)
	must(t, err)
	_, err = e.svc.CreateBadgeClass(ctx, root, badgeClass(e.ids["s2"]))
	wantKind(t, err, badged.Conflict)

	// Children list in creation order; the service's clock and IDs are used.
	list, err := e.svc.BadgeClasses(ctx, root, e.ids["s"])
	must(t, err)
	if len(list) != 2 || list[0].ID != e.ids["b"] || list[1].ID != e.ids["b2"] || list[0].State != issuer.Draft {
		t.Errorf("badge classes: %+v", list)
	}
	if !list[1].Created.After(list[0].Created) || list[0].InstitutionID != e.ids["i"] || list[0].GroupID != e.ids["g"] {
		t.Errorf("badge class ancestry or time: %+v", list[0])
	}
	_, err = e.svc.Groups(ctx, root, "nope")
	wantKind(t, err, badged.NotFound)
}

// TestInstitutionTerms checks the rules for an institution's terms: a
// text needs a version, a version a text, and a changed text a new
// version.
func TestInstitutionTerms(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	update := func(terms issuer.Terms) (*issuer.Institution, error) {
		in, err := e.svc.Institution(ctx, root, e.ids["i"])
		must(t, err)
		in.Terms = terms
		return e.svc.UpdateInstitution(ctx, root, *in)
	}
	text := issuer.Text{NL: "Door te accepteren …", EN: "By claiming …"}
	for name, tt := range map[string]struct {
		terms issuer.Terms
		want  string
	}{
		"text without version": {issuer.Terms{Text: text, Version: "  "}, "terms.version: required"},
		"version without text": {issuer.Terms{Version: "2026-1", Text: issuer.Text{EN: " "}}, "terms.text: required"},
		"long text":            {issuer.Terms{Version: "2026-1", Text: issuer.Text{EN: strings.Repeat("x", 10001)}}, "terms.text.en: longer than"},
		"long version":         {issuer.Terms{Version: strings.Repeat("1", 256), Text: text}, "terms.version: longer than"},
	} {
		_, err := update(tt.terms)
		wantKind(t, err, badged.Invalid)
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", name, err, tt.want)
		}
	}

	got, err := update(issuer.Terms{Version: " 2026-1 ", Text: issuer.Text{NL: text.NL + "\n", EN: text.EN}})
	must(t, err)
	if got.Terms != (issuer.Terms{Version: "2026-1", Text: text}) {
		t.Fatalf("terms %+v", got.Terms)
	}
	// The same text again, or a new version of it, is fine; a new text
	// under the old version is not.
	_, err = update(issuer.Terms{Version: "2026-1", Text: text})
	must(t, err)
	_, err = update(issuer.Terms{Version: "2026-1", Text: issuer.Text{NL: text.NL, EN: "Changed."}})
	wantKind(t, err, badged.Invalid)
	if !strings.Contains(err.Error(), "new version") {
		t.Errorf("changed text, same version: %v", err)
	}
	got, err = update(issuer.Terms{Version: "2026-2", Text: issuer.Text{NL: text.NL, EN: "Changed."}})
	must(t, err)
	stored, err := e.svc.Institution(ctx, root, e.ids["i"])
	must(t, err)
	if stored.Terms != got.Terms || stored.Terms.Version != "2026-2" {
		t.Errorf("stored terms %+v, want %+v", stored.Terms, got.Terms)
	}
	// Terms can be removed.
	got, err = update(issuer.Terms{})
	must(t, err)
	if !got.Terms.IsZero() {
		t.Errorf("terms %+v after removing them", got.Terms)
	}
}

// TestSCHACHome checks that an institution's SCHAC home, which maps staff
// sign-ins to it (and so decides which identities its invitations bind
// to), names one institution and is changed by a platform administrator
// only.
func TestSCHACHome(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	admin := issuer.Actor{UserID: "admin"}
	_, err := e.svc.GrantRole(ctx, root, admin.UserID, issuer.RoleInstitutionAdmin, e.ids["i"])
	must(t, err)
	o := institution()
	o.SCHACHome = "other.example.edu"
	other, err := e.svc.CreateInstitution(ctx, root, o)
	must(t, err)
	update := func(a issuer.Actor, home string) error {
		t.Helper()
		in, err := e.db.Institution(ctx, e.ids["i"])
		must(t, err)
		in.SCHACHome = home
		_, err = e.svc.UpdateInstitution(ctx, a, *in)
		return err
	}

	t.Run("fail/create with another institution's SCHAC home", func(t *testing.T) {
		dup := institution()
		dup.SCHACHome = other.SCHACHome
		_, err := e.svc.CreateInstitution(ctx, root, dup)
		wantKind(t, err, badged.Conflict)
	})
	t.Run("fail/institution admin changes it", func(t *testing.T) {
		wantKind(t, update(admin, "mine.example.edu"), badged.Forbidden)
	})
	t.Run("fail/superuser changes it to another institution's", func(t *testing.T) {
		wantKind(t, update(root, other.SCHACHome), badged.Conflict)
	})
	t.Run("ok/institution admin keeps it", func(t *testing.T) {
		must(t, update(admin, institution().SCHACHome))
	})
	t.Run("ok/superuser changes it", func(t *testing.T) {
		must(t, update(root, "renamed.example.edu"))
		in, err := e.db.Institution(ctx, e.ids["i"])
		must(t, err)
		if in.SCHACHome != "renamed.example.edu" {
			t.Errorf("SCHAC home %q", in.SCHACHome)
		}
	})
}
