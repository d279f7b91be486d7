package issuer_test

import (
	"context"

	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/storage/bolt"
)

// credentials is a small real CredentialIssuer for tests: it "signs" by
// recording, idempotently per award, and stores a request's Record change
// before it records (under its lock: as one transaction would), as the
// contract requires. It is a test double of the seam to package issuance,
// not of storage.
type credentials struct {
	mu      sync.Mutex
	store   issuer.Store
	issued  map[string]issuer.IssueRequest
	revoked map[string]string
	calls   int
	fail    error
}

func (c *credentials) Issue(ctx context.Context, r issuer.IssueRequest) (*issuer.IssuedCredential, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	if c.fail != nil {
		return nil, c.fail
	}
	id := "urn:cred:" + r.AwardID
	if prior, ok := c.issued[r.AwardID]; ok {
		return &issuer.IssuedCredential{ID: id, AwardID: r.AwardID, IssuedAt: prior.IssuedAt}, nil
	}
	recorded := false
	if r.Record != nil {
		change, err := r.Record(id)
		if err != nil {
			return nil, err
		}
		if err := c.store.UpdateAward(ctx, change.Award, change.Effects); err != nil {
			return nil, err
		}
		recorded = true
	}
	c.issued[r.AwardID] = r
	return &issuer.IssuedCredential{ID: id, AwardID: r.AwardID, IssuedAt: r.IssuedAt, Recorded: recorded}, nil
}

func (c *credentials) Revoke(_ context.Context, awardID, reason string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.revoked[awardID] = reason
	return nil
}

func (c *credentials) has(id string) (issuer.IssueRequest, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.issued[id]
	return r, ok
}

// awardEnv is a service on real bbolt with a settable clock, the tree of
// newEnv (badge classes b and b2 in issuer s, published), an awarder of
// issuer s and one of issuer s2, the events the service reported, and
// those it derived effects of.
type awardEnv struct {
	*env
	ci       *credentials
	mu       sync.Mutex
	now      time.Time
	events   []issuer.Event
	derived  map[string]bool // eventKey of the events given to the EffectsFunc
	awarder  issuer.Actor    // issuer awarder of s
	stranger issuer.Actor    // issuer awarder of s2
}

var start = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func eventKey(ev issuer.Event) string {
	return fmt.Sprint(ev.AwardID, ev.Kind, ev.DaysLeft, ev.At.UnixNano())
}

func newAwardEnv(t *testing.T, opts ...issuer.Option) *awardEnv {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "badged.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &awardEnv{ci: &credentials{store: db, issued: map[string]issuer.IssueRequest{}, revoked: map[string]string{}}, now: start}
	n := 0
	var idMu sync.Mutex
	opts = append([]issuer.Option{
		issuer.WithClock(func() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now }),
		issuer.WithIDs(func() string { idMu.Lock(); defer idMu.Unlock(); n++; return fmt.Sprintf("id%04d", n) }),
		issuer.WithCredentialIssuer(e.ci),
		issuer.WithEvents(func(ev issuer.Event) { e.mu.Lock(); defer e.mu.Unlock(); e.events = append(e.events, ev) }),
		issuer.WithEffects(func(_ context.Context, evs []issuer.Event) (issuer.Effects, error) {
			e.mu.Lock()
			defer e.mu.Unlock()
			for _, ev := range evs {
				e.derived[eventKey(ev)] = true
			}
			return issuer.Effects{}, nil
		}),
	}, opts...)
	e.derived = map[string]bool{}
	// Every change stores its effects: each event reported was first given
	// to the EffectsFunc (unless a test installs its own).
	t.Cleanup(func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		if len(e.derived) == 0 {
			return
		}
		for _, ev := range e.events {
			if !e.derived[eventKey(ev)] {
				t.Errorf("event %s of award %s was reported without its effects", ev.Kind, ev.AwardID)
			}
		}
	})
	svc := issuer.NewService(db, opts...)
	e.env = &env{svc: svc, db: db, ids: map[string]string{}}
	ctx := context.Background()
	in, err := svc.CreateInstitution(ctx, root, institution())
	must(t, err)
	e.ids["i"] = in.ID
	g, err := svc.CreateGroup(ctx, root, issuer.Group{InstitutionID: in.ID, Name: issuer.Text{EN: "g"}})
	must(t, err)
	for _, name := range []string{"s", "s2"} {
		is, err := svc.CreateIssuer(ctx, root, issuer.Issuer{GroupID: g.ID, Name: issuer.Text{NL: name}})
		must(t, err)
		e.ids[name] = is.ID
	}
	for _, name := range []string{"b", "b2"} {
		bc := badgeClass(e.ids["s"])
		if name == "b2" {
			bc.NarrativeRequired, bc.EvidenceRequired, bc.GradeAchievedRequired = true, true, true
		}
		created, err := svc.CreateBadgeClass(ctx, root, bc)
		must(t, err)
		_, err = svc.PublishBadgeClass(ctx, root, created.ID, created.Version)
		must(t, err)
		e.ids[name] = created.ID
	}
	draft, err := svc.CreateBadgeClass(ctx, root, badgeClass(e.ids["s"]))
	must(t, err)
	e.ids["draft"] = draft.ID
	e.awarder, e.stranger = issuer.Actor{UserID: "awarder"}, issuer.Actor{UserID: "stranger"}
	_, err = svc.GrantRole(ctx, root, "awarder", issuer.RoleIssuerAwarder, e.ids["s"])
	must(t, err)
	_, err = svc.GrantRole(ctx, root, "stranger", issuer.RoleIssuerAwarder, e.ids["s2"])
	must(t, err)
	return e
}

func (e *awardEnv) set(t time.Time) { e.mu.Lock(); e.now = t; e.mu.Unlock() }

// took returns the kinds of the events reported since the last call.
func (e *awardEnv) took() []issuer.EventKind {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []issuer.EventKind
	for _, ev := range e.events {
		out = append(out, ev.Kind)
	}
	e.events = nil
	return out
}

func wantEvents(t *testing.T, got []issuer.EventKind, want ...issuer.EventKind) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
}

func kinds(evs []issuer.Event) []issuer.EventKind {
	var out []issuer.EventKind
	for _, ev := range evs {
		out = append(out, ev.Kind)
	}
	return out
}

var (
	alice = issuer.Learner{UserID: "alice", EduID: "edu-alice", Emails: []string{"alice@example.org"}, EPPNs: []string{"alice@uni.example"}, HolderDID: "did:key:alice"}
	bob   = issuer.Learner{UserID: "bob", Emails: []string{"bob@example.org"}}
)

func day(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

func TestRequestApprove(t *testing.T) {
	ctx := context.Background()
	e := newAwardEnv(t)
	_, err := e.svc.RequestBadge(ctx, issuer.Learner{}, e.ids["b"], "", nil)
	wantKind(t, err, badged.Unauthorized)
	_, err = e.svc.RequestBadge(ctx, issuer.Learner{UserID: "nameless"}, e.ids["b"], "", nil)
	wantKind(t, err, badged.Forbidden) // nothing to name the learner by in a credential
	_, err = e.svc.RequestBadge(ctx, alice, e.ids["draft"], "", nil)
	wantKind(t, err, badged.Conflict)
	_, err = e.svc.RequestBadge(ctx, alice, "nope", "", nil)
	wantKind(t, err, badged.NotFound)
	_, err = e.svc.RequestBadge(ctx, alice, e.ids["b2"], "", []string{"ftp://x"})
	wantKind(t, err, badged.Invalid)
	if msg := badged.MessageOf(err); !strings.Contains(msg, "narrative") || !strings.Contains(msg, "evidence[0]") {
		t.Errorf("message %q lacks a problem", msg)
	}
	e.took()

	req, err := e.svc.RequestBadge(ctx, alice, e.ids["b"], " I did it ", []string{"https://example.org/work"})
	must(t, err)
	if req.State != issuer.AwardRequested || req.Kind != issuer.KindRequest || req.Narrative != "I did it" ||
		req.Recipient.UserID != "alice" || req.Recipient.Email != "alice@example.org" || !req.Requested.Equal(start) {
		t.Fatalf("request: %+v", req)
	}
	wantEvents(t, e.took(), issuer.EventRequested)
	_, err = e.svc.RequestBadge(ctx, alice, e.ids["b"], "again", nil)
	wantKind(t, err, badged.Conflict)

	// Permissions: another issuer's awarder, a learner, an anonymous caller.
	for _, a := range []issuer.Actor{e.stranger, {UserID: "alice"}, {}} {
		_, err = e.svc.ApproveRequests(ctx, a, req.ID)
		if k := badged.KindOf(err); k != badged.Forbidden && k != badged.Unauthorized {
			t.Fatalf("approve by %q: %v", a.UserID, err)
		}
	}
	_, err = e.svc.ApproveRequests(ctx, e.awarder, req.ID, "nope")
	wantKind(t, err, badged.NotFound)
	if _, ok := e.ci.has(req.ID); ok {
		t.Fatal("a refused batch issued a credential")
	}

	e.set(start.Add(time.Hour))
	req2, err := e.svc.RequestBadge(ctx, alice, e.ids["b2"], "narrative", []string{"https://example.org/w"})
	must(t, err)
	e.took()
	done, err := e.svc.ApproveRequests(ctx, e.awarder, req.ID, req2.ID, req.ID)
	must(t, err)
	if len(done) != 2 {
		t.Fatalf("approved %d", len(done))
	}
	for _, a := range done {
		if a.State != issuer.AwardAccepted || a.CredentialID != "urn:cred:"+a.ID || a.DecidedBy != "awarder" || !a.Decided.Equal(start.Add(time.Hour)) {
			t.Errorf("approved: %+v", a)
		}
		r, ok := e.ci.has(a.ID)
		if !ok || r.BadgeClass.ID != a.BadgeClassID || r.Institution.ID != e.ids["i"] || r.Recipient.UserID != "alice" ||
			r.Narrative != a.Narrative || !r.IssuedAt.Equal(a.Decided) {
			t.Errorf("issue request: %+v", r)
		}
	}
	wantEvents(t, e.took(), issuer.EventAccepted, issuer.EventIssued, issuer.EventAccepted, issuer.EventIssued)
	stored, err := e.db.Award(ctx, req.ID)
	must(t, err)
	if stored.CredentialID == "" || stored.Version != 3 {
		t.Errorf("stored: %+v", stored)
	}
	_, err = e.svc.ApproveRequests(ctx, e.awarder, req.ID)
	wantKind(t, err, badged.Conflict)
	// Approved, the learner may ask again (a new open request).
	_, err = e.svc.RequestBadge(ctx, alice, e.ids["b"], "", nil)
	must(t, err)
}

func TestRequestDeny(t *testing.T) {
	ctx := context.Background()
	e := newAwardEnv(t)
	req, err := e.svc.RequestBadge(ctx, alice, e.ids["b"], "", nil)
	must(t, err)
	e.took()
	_, err = e.svc.DenyRequest(ctx, e.awarder, req.ID, "  ")
	wantKind(t, err, badged.Invalid)
	_, err = e.svc.DenyRequest(ctx, e.stranger, req.ID, "no")
	wantKind(t, err, badged.Forbidden)
	denied, err := e.svc.DenyRequest(ctx, e.awarder, req.ID, "Not enough evidence")
	must(t, err)
	if denied.State != issuer.AwardDenied || denied.DenyReason != "Not enough evidence" || denied.DecidedBy != "awarder" {
		t.Fatalf("denied: %+v", denied)
	}
	e.mu.Lock()
	ev := e.events[0]
	e.mu.Unlock()
	if ev.Kind != issuer.EventRequestDenied || ev.Reason != "Not enough evidence" || ev.From != issuer.AwardRequested ||
		ev.To != issuer.AwardDenied || ev.ActorID != "awarder" || ev.Recipient.UserID != "alice" {
		t.Fatalf("event: %+v", ev)
	}
	_, err = e.svc.ApproveRequests(ctx, e.awarder, req.ID)
	wantKind(t, err, badged.Conflict)
	_, err = e.svc.DenyRequest(ctx, e.awarder, req.ID, "again")
	wantKind(t, err, badged.Conflict)
	if e.ci.calls != 0 {
		t.Error("a denial issued a credential")
	}
}

func direct(t *testing.T, e *awardEnv, class string, at time.Time, rows ...issuer.DirectAwardInput) []*issuer.Award {
	t.Helper()
	as, err := e.svc.DirectAward(context.Background(), e.awarder, e.ids[class], rows, at)
	must(t, err)
	return as
}

// setTerms gives the award environment's institution terms of version v.
func setTerms(t *testing.T, e *awardEnv, v string) {
	t.Helper()
	in, err := e.svc.Institution(context.Background(), root, e.ids["i"])
	must(t, err)
	in.Terms = issuer.Terms{Version: v, Text: issuer.Text{NL: "Voorwaarden " + v, EN: "Terms " + v}}
	_, err = e.svc.UpdateInstitution(context.Background(), root, *in)
	must(t, err)
}

func TestClaimTerms(t *testing.T) {
	ctx := context.Background()
	e := newAwardEnv(t)
	var as []*issuer.Award
	for range 3 {
		as = append(as, direct(t, e, "b", time.Time{}, issuer.DirectAwardInput{Recipient: issuer.Recipient{Email: "alice@example.org"}})...)
	}

	// Without institution terms any version, or none, is accepted.
	got, err := e.svc.ClaimAward(ctx, alice, as[0].ID, "")
	must(t, err)
	if got.State != issuer.AwardAccepted || got.TermsVersion != "" {
		t.Fatalf("claimed without terms: %s, terms %q", got.State, got.TermsVersion)
	}

	// Terms of the institution's: the page showed 2026-1, and then the
	// institution published 2026-2.
	setTerms(t, e, "2026-1")
	setTerms(t, e, "2026-2")
	_, err = e.svc.ClaimAward(ctx, alice, as[1].ID, "2026-1")
	wantKind(t, err, badged.Conflict)
	if !strings.Contains(err.Error(), "the terms changed") {
		t.Errorf("conflict: %v", err)
	}
	_, err = e.svc.ClaimAward(ctx, alice, as[1].ID, "")
	wantKind(t, err, badged.Invalid)
	got, err = e.svc.ClaimAward(ctx, alice, as[1].ID, "2026-2")
	must(t, err)
	if got.TermsVersion != "2026-2" {
		t.Errorf("terms version %q", got.TermsVersion)
	}

	// Removing the terms accepts any version again.
	in, err := e.svc.Institution(ctx, root, e.ids["i"])
	must(t, err)
	in.Terms = issuer.Terms{}
	_, err = e.svc.UpdateInstitution(ctx, root, *in)
	must(t, err)
	got, err = e.svc.ClaimAward(ctx, alice, as[2].ID, "whatever")
	must(t, err)
	if got.TermsVersion != "whatever" {
		t.Errorf("terms version %q", got.TermsVersion)
	}
}

func TestDirectClaim(t *testing.T) {
	ctx := context.Background()
	e := newAwardEnv(t)
	_, err := e.svc.DirectAward(ctx, e.stranger, e.ids["b"], []issuer.DirectAwardInput{{Recipient: issuer.Recipient{Email: "a@example.org"}}}, time.Time{})
	wantKind(t, err, badged.Forbidden)
	_, err = e.svc.DirectAward(ctx, e.awarder, e.ids["draft"], []issuer.DirectAwardInput{{Recipient: issuer.Recipient{Email: "a@example.org"}}}, time.Time{})
	wantKind(t, err, badged.Conflict)

	as := direct(t, e, "b", time.Time{},
		issuer.DirectAwardInput{Recipient: issuer.Recipient{Email: " Alice@Example.ORG "}, Narrative: "well done", Grade: "9"},
		issuer.DirectAwardInput{Recipient: issuer.Recipient{EPPN: "bob@uni.example"}})
	a := as[0]
	if a.State != issuer.AwardSent || a.Recipient.Email != "alice@example.org" || !a.Sent.Equal(start) ||
		!a.ClaimDeadline.Equal(start.Add(day(82))) || a.BundleID == "" || as[1].BundleID != a.BundleID || a.AwardedBy != "awarder" {
		t.Fatalf("direct award: %+v", a)
	}
	wantEvents(t, e.took(), issuer.EventDirectAwardSent, issuer.EventDirectAwardSent)

	// Someone else cannot see, claim or reject it.
	_, err = e.svc.ClaimAward(ctx, bob, a.ID, "v1")
	wantKind(t, err, badged.Forbidden)
	_, err = e.svc.RejectAward(ctx, bob, a.ID)
	wantKind(t, err, badged.Forbidden)
	_, err = e.svc.LearnerAward(ctx, bob, a.ID)
	wantKind(t, err, badged.Forbidden)
	_, err = e.svc.ClaimAward(ctx, issuer.Learner{Emails: []string{"alice@example.org"}}, a.ID, "v1")
	wantKind(t, err, badged.Unauthorized)
	// The institution has terms: the claim needs their current version.
	setTerms(t, e, "terms-v2")
	_, err = e.svc.ClaimAward(ctx, alice, a.ID, "")
	wantKind(t, err, badged.Invalid)
	_, err = e.svc.ClaimAward(ctx, alice, a.ID, "terms-v1")
	wantKind(t, err, badged.Conflict)

	e.set(start.Add(day(3)))
	claimed, err := e.svc.ClaimAward(ctx, alice, a.ID, " terms-v2 ")
	must(t, err)
	if claimed.State != issuer.AwardAccepted || claimed.Recipient.UserID != "alice" || claimed.Recipient.HolderDID != "did:key:alice" ||
		claimed.TermsVersion != "terms-v2" || claimed.CredentialID != "urn:cred:"+a.ID || !claimed.Claimed.Equal(start.Add(day(3))) {
		t.Fatalf("claimed: %+v", claimed)
	}
	r, _ := e.ci.has(a.ID)
	if r.Grade != "9" || r.Narrative != "well done" || r.Recipient.HolderDID != "did:key:alice" || !r.IssuedAt.Equal(claimed.Claimed) {
		t.Errorf("issue request: %+v", r)
	}
	wantEvents(t, e.took(), issuer.EventAccepted, issuer.EventIssued)
	_, err = e.svc.ClaimAward(ctx, alice, a.ID, "terms-v2")
	wantKind(t, err, badged.Conflict)
	_, err = e.svc.DeleteDirectAward(ctx, e.awarder, a.ID)
	wantKind(t, err, badged.Conflict)

	// Bob's award is his by EPPN.
	bobEPPN := issuer.Learner{UserID: "bob", EPPNs: []string{"bob@uni.example"}}
	got, err := e.svc.LearnerAward(ctx, bobEPPN, as[1].ID)
	must(t, err)
	if got.ID != as[1].ID {
		t.Fatal(got.ID)
	}
}

func TestDirectReject(t *testing.T) {
	ctx := context.Background()
	e := newAwardEnv(t)
	a := direct(t, e, "b", time.Time{}, issuer.DirectAwardInput{Recipient: issuer.Recipient{EduID: "edu-alice"}})[0]
	e.took()
	rejected, err := e.svc.RejectAward(ctx, alice, a.ID)
	must(t, err)
	if rejected.State != issuer.AwardRejected {
		t.Fatal(rejected.State)
	}
	wantEvents(t, e.took(), issuer.EventRejected)
	_, err = e.svc.ClaimAward(ctx, alice, a.ID, "v1")
	wantKind(t, err, badged.Conflict)
	evs, err := e.svc.ProcessDue(ctx, start.Add(day(100)))
	must(t, err)
	wantEvents(t, kinds(evs))
}

func TestDirectAwardValidation(t *testing.T) {
	ctx := context.Background()
	e := newAwardEnv(t)
	ok := issuer.DirectAwardInput{Recipient: issuer.Recipient{Email: "a@example.org"}, Narrative: "n", EvidenceURL: "https://example.org/e", Grade: "8"}
	_, err := e.svc.DirectAward(ctx, e.awarder, e.ids["b2"], nil, time.Time{})
	wantKind(t, err, badged.Invalid)
	rows := []issuer.DirectAwardInput{
		ok,
		{Recipient: issuer.Recipient{Email: "not an email"}, Narrative: "n", EvidenceURL: "https://example.org/e", Grade: "8"},
		{Recipient: issuer.Recipient{Name: "nobody"}, Narrative: "n", EvidenceURL: "https://example.org/e", Grade: "8"},
		{Recipient: issuer.Recipient{EPPN: "x@uni.example"}, Narrative: "n", EvidenceURL: "javascript:alert(1)"},
		{Recipient: issuer.Recipient{Email: "A@example.org"}, Narrative: "n", EvidenceURL: "https://example.org/e", Grade: "8"},
		{Recipient: issuer.Recipient{EduID: "edu-x"}},
	}
	_, err = e.svc.DirectAward(ctx, e.awarder, e.ids["b2"], rows, time.Time{})
	wantKind(t, err, badged.Invalid)
	msg := badged.MessageOf(err)
	for _, want := range []string{
		"row 2: email: not a valid email address",
		"row 3: recipient: an eduID, EPPN or email is required",
		"row 4: evidence[0]: must be an absolute http or https URL",
		"row 4: grade: required",
		"row 5: recipient: the same recipient as row 1",
		"row 6: narrative: required", "row 6: evidence: required", "row 6: grade: required",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "row 1:") {
		t.Errorf("row 1 is fine: %s", msg)
	}
	page, err := e.svc.BadgeClassAwards(ctx, e.awarder, e.ids["b2"], issuer.AwardFilter{})
	must(t, err)
	if len(page.Awards) != 0 {
		t.Fatalf("a rejected batch created %d awards", len(page.Awards))
	}
	too := make([]issuer.DirectAwardInput, issuer.MaxDirectAwards+1)
	_, err = e.svc.DirectAward(ctx, e.awarder, e.ids["b"], too, time.Time{})
	wantKind(t, err, badged.TooLarge)
}

// TestRemindAndExpire follows an unclaimed direct award through its
// reminders at 62 and 42 days left to its expiry, running ProcessDue
// twice at each step: the second run does nothing.
func TestRemindAndExpire(t *testing.T) {
	ctx := context.Background()
	e := newAwardEnv(t)
	a := direct(t, e, "b", time.Time{}, issuer.DirectAwardInput{Recipient: issuer.Recipient{Email: "alice@example.org"}})[0]
	e.took()
	steps := []struct {
		at   time.Duration
		want []issuer.EventKind
		days int
	}{
		{day(1), nil, 0},
		{day(20) - time.Microsecond, nil, 0},
		{day(20), []issuer.EventKind{issuer.EventReminder}, 62},
		{day(30), nil, 0},
		{day(40), []issuer.EventKind{issuer.EventReminder}, 42},
		{day(82) - time.Microsecond, nil, 0},
		{day(82), []issuer.EventKind{issuer.EventExpired}, 0},
		{day(200), nil, 0},
	}
	for _, st := range steps {
		for run := range 2 {
			before, err := e.db.Award(ctx, a.ID)
			must(t, err)
			evs, err := e.svc.ProcessDue(ctx, start.Add(st.at))
			must(t, err)
			want := st.want
			if run == 1 {
				want = nil
				after, err := e.db.Award(ctx, a.ID)
				must(t, err)
				if after.Version != before.Version {
					t.Fatalf("at %v, the second run changed the award", st.at)
				}
			}
			wantEvents(t, kinds(evs), want...)
			wantEvents(t, e.took(), want...) // the callback saw the same
			if len(evs) == 1 && evs[0].Kind == issuer.EventReminder && (evs[0].DaysLeft != st.days || evs[0].AwardID != a.ID) {
				t.Errorf("reminder: %+v", evs[0])
			}
		}
	}
	got, err := e.db.Award(ctx, a.ID)
	must(t, err)
	if got.State != issuer.AwardExpired || !slices.Equal(got.Reminders, []int{62, 42}) {
		t.Fatalf("after expiry: %+v", got)
	}
	e.set(start.Add(day(81)))
	_, err = e.svc.ClaimAward(ctx, alice, a.ID, "v1")
	wantKind(t, err, badged.Conflict)
}

func TestClaimAfterDeadlineBeforeExpiry(t *testing.T) {
	ctx := context.Background()
	e := newAwardEnv(t)
	a := direct(t, e, "b", time.Time{}, issuer.DirectAwardInput{Recipient: issuer.Recipient{Email: "alice@example.org"}})[0]
	e.set(start.Add(day(82)))
	_, err := e.svc.ClaimAward(ctx, alice, a.ID, "v1")
	wantKind(t, err, badged.Conflict)
}

// TestLateProcessing runs ProcessDue for the first time with 30 days left:
// one reminder, for 42 days left, and the 62 mark recorded with it.
func TestLateProcessing(t *testing.T) {
	ctx := context.Background()
	e := newAwardEnv(t)
	a := direct(t, e, "b", time.Time{}, issuer.DirectAwardInput{Recipient: issuer.Recipient{Email: "alice@example.org"}})[0]
	evs, err := e.svc.ProcessDue(ctx, start.Add(day(52)))
	must(t, err)
	if len(evs) != 1 || evs[0].Kind != issuer.EventReminder || evs[0].DaysLeft != 42 {
		t.Fatalf("events: %+v", evs)
	}
	got, err := e.db.Award(ctx, a.ID)
	must(t, err)
	if !slices.Contains(got.Reminders, 62) || !slices.Contains(got.Reminders, 42) {
		t.Fatalf("reminders: %v", got.Reminders)
	}
}

func TestClaimPeriodAndReminderOptions(t *testing.T) {
	ctx := context.Background()
	e := newAwardEnv(t, issuer.WithClaimPeriod(day(50)), issuer.WithReminders(10, 42, 62, 0))
	a := direct(t, e, "b", time.Time{}, issuer.DirectAwardInput{Recipient: issuer.Recipient{Email: "alice@example.org"}})[0]
	if !a.ClaimDeadline.Equal(start.Add(day(50))) || !slices.Equal(a.Reminders, []int{62}) {
		t.Fatalf("award: %+v", a) // sent with 50 days left: the 62 mark is passed
	}
	var got []int
	for d := 0; d <= 60; d++ {
		evs, err := e.svc.ProcessDue(ctx, start.Add(day(d)))
		must(t, err)
		for _, ev := range evs {
			if ev.Kind == issuer.EventReminder {
				got = append(got, ev.DaysLeft)
			}
		}
	}
	if !slices.Equal(got, []int{42, 10}) {
		t.Fatalf("reminders %v, want [42 10]", got)
	}
	off := newAwardEnv(t, issuer.WithReminders())
	direct(t, off, "b", time.Time{}, issuer.DirectAwardInput{Recipient: issuer.Recipient{Email: "alice@example.org"}})
	evs, err := off.svc.ProcessDue(ctx, start.Add(day(50)))
	must(t, err)
	wantEvents(t, kinds(evs))
}

func TestScheduledAward(t *testing.T) {
	ctx := context.Background()
	e := newAwardEnv(t)
	at := start.Add(day(7))
	as := direct(t, e, "b", at,
		issuer.DirectAwardInput{Recipient: issuer.Recipient{Email: "alice@example.org"}},
		issuer.DirectAwardInput{Recipient: issuer.Recipient{Email: "bob@example.org"}})
	if as[0].State != issuer.AwardScheduled || !as[0].ScheduledFor.Equal(at) || !as[0].ClaimDeadline.IsZero() {
		t.Fatalf("scheduled: %+v", as[0])
	}
	wantEvents(t, e.took(), issuer.EventScheduled, issuer.EventScheduled)
	_, err := e.svc.ClaimAward(ctx, alice, as[0].ID, "v1")
	wantKind(t, err, badged.Conflict)
	deleted, err := e.svc.DeleteDirectAward(ctx, e.awarder, as[1].ID)
	must(t, err)
	if deleted.State != issuer.AwardDeleted {
		t.Fatal(deleted.State)
	}
	e.took()

	evs, err := e.svc.ProcessDue(ctx, at.Add(-time.Second))
	must(t, err)
	wantEvents(t, kinds(evs))
	evs, err = e.svc.ProcessDue(ctx, at.Add(time.Hour))
	must(t, err)
	wantEvents(t, kinds(evs), issuer.EventDirectAwardSent)
	evs, err = e.svc.ProcessDue(ctx, at.Add(time.Hour))
	must(t, err)
	wantEvents(t, kinds(evs))
	got, err := e.db.Award(ctx, as[0].ID)
	must(t, err)
	if got.State != issuer.AwardSent || !got.Sent.Equal(at.Add(time.Hour)) || !got.ClaimDeadline.Equal(at.Add(time.Hour+day(82))) {
		t.Fatalf("sent: %+v", got)
	}
	// A scheduled award in the past is sent at once.
	past := direct(t, e, "b", start.Add(-time.Hour), issuer.DirectAwardInput{Recipient: issuer.Recipient{Email: "c@example.org"}})
	if past[0].State != issuer.AwardSent {
		t.Fatal(past[0].State)
	}
}

func TestRevokeAndDelete(t *testing.T) {
	ctx := context.Background()
	e := newAwardEnv(t)
	as := direct(t, e, "b", time.Time{},
		issuer.DirectAwardInput{Recipient: issuer.Recipient{Email: "alice@example.org"}},
		issuer.DirectAwardInput{Recipient: issuer.Recipient{Email: "bob@example.org"}})
	_, err := e.svc.RevokeAward(ctx, e.awarder, as[0].ID, "fraud")
	wantKind(t, err, badged.Conflict) // not claimed
	_, err = e.svc.ClaimAward(ctx, alice, as[0].ID, "v1")
	must(t, err)
	e.took()
	_, err = e.svc.RevokeAward(ctx, e.awarder, as[0].ID, "")
	wantKind(t, err, badged.Invalid)
	_, err = e.svc.RevokeAward(ctx, e.stranger, as[0].ID, "fraud")
	wantKind(t, err, badged.Forbidden)
	revoked, err := e.svc.RevokeAward(ctx, e.awarder, as[0].ID, "fraud")
	must(t, err)
	if revoked.State != issuer.AwardRevoked || revoked.RevokeReason != "fraud" || revoked.RevokedBy != "awarder" || e.ci.revoked[as[0].ID] != "fraud" {
		t.Fatalf("revoked: %+v", revoked)
	}
	wantEvents(t, e.took(), issuer.EventRevoked)
	_, err = e.svc.RevokeAward(ctx, e.awarder, as[0].ID, "fraud")
	wantKind(t, err, badged.Conflict)

	_, err = e.svc.DeleteDirectAward(ctx, e.stranger, as[1].ID)
	wantKind(t, err, badged.Forbidden)
	deleted, err := e.svc.DeleteDirectAward(ctx, e.awarder, as[1].ID)
	must(t, err)
	if deleted.State != issuer.AwardDeleted {
		t.Fatal(deleted.State)
	}
	_, err = e.svc.ClaimAward(ctx, bob, as[1].ID, "v1")
	wantKind(t, err, badged.Conflict)
	req, err := e.svc.RequestBadge(ctx, alice, e.ids["b"], "", nil)
	must(t, err)
	_, err = e.svc.DeleteDirectAward(ctx, e.awarder, req.ID)
	wantKind(t, err, badged.Conflict)
}

// TestIssuanceRetry: when the issuer fails, a claim changes nothing (the
// award waits for a claim, without a credential) and the learner claims
// again; an approval stands and ProcessDue issues its credential later,
// once.
func TestIssuanceRetry(t *testing.T) {
	ctx := context.Background()
	e := newAwardEnv(t)
	a := direct(t, e, "b", time.Time{}, issuer.DirectAwardInput{Recipient: issuer.Recipient{Email: "alice@example.org"}})[0]
	e.ci.fail = badged.Errorf(badged.Unavailable, "signer down")
	e.took()
	_, err := e.svc.ClaimAward(ctx, alice, a.ID, "v1")
	wantKind(t, err, badged.Unavailable)
	got, err := e.db.Award(ctx, a.ID)
	must(t, err)
	if got.State != issuer.AwardSent || got.CredentialID != "" || got.Version != a.Version {
		t.Fatalf("after a failed issuance: %+v", got)
	}
	wantEvents(t, e.took())
	e.ci.fail = nil
	claimed, err := e.svc.ClaimAward(ctx, alice, a.ID, "v1")
	must(t, err)
	if claimed.State != issuer.AwardAccepted || claimed.CredentialID != "urn:cred:"+a.ID {
		t.Fatalf("claimed again: %+v", claimed)
	}
	wantEvents(t, e.took(), issuer.EventAccepted, issuer.EventIssued)

	req, err := e.svc.RequestBadge(ctx, alice, e.ids["b"], "", nil)
	must(t, err)
	e.ci.fail = badged.Errorf(badged.Unavailable, "signer down")
	_, err = e.svc.ApproveRequests(ctx, e.awarder, req.ID)
	wantKind(t, err, badged.Unavailable)
	got, err = e.db.Award(ctx, req.ID)
	must(t, err)
	if got.State != issuer.AwardAccepted || got.CredentialID != "" {
		t.Fatalf("after a failed issuance: %+v", got)
	}
	_, err = e.svc.RevokeAward(ctx, e.awarder, req.ID, "x")
	wantKind(t, err, badged.Conflict)
	evs, err := e.svc.ProcessDue(ctx, start)
	wantKind(t, err, badged.Unavailable)
	wantEvents(t, kinds(evs))
	e.ci.fail = nil
	e.took()
	evs, err = e.svc.ProcessDue(ctx, start)
	must(t, err)
	wantEvents(t, kinds(evs), issuer.EventIssued)
	wantEvents(t, e.took(), issuer.EventIssued)
	evs, err = e.svc.ProcessDue(ctx, start)
	must(t, err)
	wantEvents(t, kinds(evs))
	got, err = e.db.Award(ctx, req.ID)
	must(t, err)
	if got.CredentialID != "urn:cred:"+req.ID {
		t.Fatal(got.CredentialID)
	}

	// Without an issuer, nothing is accepted.
	bare := newAwardEnv(t, issuer.WithCredentialIssuer(nil))
	b := direct(t, bare, "b", time.Time{}, issuer.DirectAwardInput{Recipient: issuer.Recipient{Email: "alice@example.org"}})[0]
	_, err = bare.svc.ClaimAward(ctx, alice, b.ID, "v1")
	wantKind(t, err, badged.Unavailable)
}

// TestClaimRacesExpiry claims awards while ProcessDue expires them at
// their deadline: for each, exactly one wins, and a credential exists
// exactly when the claim won.
func TestClaimRacesExpiry(t *testing.T) {
	ctx := context.Background()
	e := newAwardEnv(t)
	const n = 20
	rows := make([]issuer.DirectAwardInput, n)
	for i := range rows {
		rows[i] = issuer.DirectAwardInput{Recipient: issuer.Recipient{Email: fmt.Sprintf("l%d@example.org", i)}}
	}
	as := direct(t, e, "b", time.Time{}, rows...)
	e.set(start.Add(day(82) - time.Second)) // the learners' clock: just in time
	var wg sync.WaitGroup
	claimErrs := make([]error, n)
	for i, a := range as {
		wg.Go(func() {
			l := issuer.Learner{UserID: fmt.Sprintf("u%d", i), Emails: []string{a.Recipient.Email}}
			_, claimErrs[i] = e.svc.ClaimAward(ctx, l, a.ID, "v1")
		})
	}
	var dueErr error
	wg.Go(func() { _, dueErr = e.svc.ProcessDue(ctx, start.Add(day(82))) })
	wg.Wait()
	must(t, dueErr)
	_, err := e.svc.ProcessDue(ctx, start.Add(day(82))) // whatever the race left
	must(t, err)
	for i, a := range as {
		got, err := e.db.Award(ctx, a.ID)
		must(t, err)
		_, issued := e.ci.has(a.ID)
		switch got.State {
		case issuer.AwardAccepted:
			if claimErrs[i] != nil || !issued || got.CredentialID == "" {
				t.Errorf("%s accepted: claim %v, issued %v", a.ID, claimErrs[i], issued)
			}
		case issuer.AwardExpired:
			if claimErrs[i] == nil || badged.KindOf(claimErrs[i]) != badged.Conflict || issued {
				t.Errorf("%s expired: claim %v, issued %v", a.ID, claimErrs[i], issued)
			}
		default:
			t.Errorf("%s is %s", a.ID, got.State)
		}
	}
}

func TestAwardLists(t *testing.T) {
	ctx := context.Background()
	e := newAwardEnv(t)
	var rows []issuer.DirectAwardInput
	for i := range 7 {
		rows = append(rows, issuer.DirectAwardInput{Recipient: issuer.Recipient{Email: fmt.Sprintf("l%d@example.org", i)}})
	}
	rows = append(rows, issuer.DirectAwardInput{Recipient: issuer.Recipient{EPPN: "alice@uni.example"}})
	as := direct(t, e, "b", time.Time{}, rows...)
	e.set(start.Add(time.Minute))
	req, err := e.svc.RequestBadge(ctx, alice, e.ids["b"], "", nil)
	must(t, err)
	_, err = e.svc.RejectAward(ctx, issuer.Learner{UserID: "l0", Emails: []string{"l0@example.org"}}, as[0].ID)
	must(t, err)

	// Staff page through the badge class's awards.
	var got []string
	f := issuer.AwardFilter{Limit: 3}
	for {
		p, err := e.svc.BadgeClassAwards(ctx, e.awarder, e.ids["b"], f)
		must(t, err)
		for _, a := range p.Awards {
			got = append(got, a.ID)
		}
		if p.Next.IsZero() {
			break
		}
		f.After, err = badged.ParseCursor(p.Next.String())
		must(t, err)
	}
	if len(got) != 9 || got[8] != req.ID {
		t.Fatalf("pages: %v", got)
	}
	p, err := e.svc.BadgeClassAwards(ctx, e.awarder, e.ids["b"], issuer.AwardFilter{States: []issuer.AwardState{issuer.AwardRejected, issuer.AwardRequested}})
	must(t, err)
	if len(p.Awards) != 2 || p.Awards[0].ID != as[0].ID || !p.Next.IsZero() {
		t.Fatalf("filtered: %v", p.Awards)
	}
	_, err = e.svc.BadgeClassAwards(ctx, e.stranger, e.ids["b"], issuer.AwardFilter{})
	wantKind(t, err, badged.Forbidden)
	_, err = e.svc.BadgeClassAwards(ctx, e.awarder, e.ids["b"], issuer.AwardFilter{States: []issuer.AwardState{"bogus"}})
	wantKind(t, err, badged.Invalid)
	_, err = e.svc.BadgeClassAwards(ctx, e.awarder, e.ids["b"], issuer.AwardFilter{Limit: 5000})
	wantKind(t, err, badged.Invalid)

	// The bundle.
	p, err = e.svc.BundleAwards(ctx, e.awarder, as[0].BundleID, issuer.AwardFilter{Limit: 100})
	must(t, err)
	if len(p.Awards) != 8 {
		t.Fatalf("bundle: %d", len(p.Awards))
	}
	_, err = e.svc.BundleAwards(ctx, e.stranger, as[0].BundleID, issuer.AwardFilter{})
	wantKind(t, err, badged.Forbidden)
	_, err = e.svc.BundleAwards(ctx, e.awarder, "nope", issuer.AwardFilter{})
	wantKind(t, err, badged.NotFound)

	// Alice sees her request and the award to her EPPN; Bob sees none.
	p, err = e.svc.LearnerAwards(ctx, alice, issuer.AwardFilter{})
	must(t, err)
	if len(p.Awards) != 2 || p.Awards[0].ID != as[7].ID || p.Awards[1].ID != req.ID {
		t.Fatalf("alice's awards: %v", p.Awards)
	}
	p, err = e.svc.LearnerAwards(ctx, bob, issuer.AwardFilter{})
	must(t, err)
	if len(p.Awards) != 0 {
		t.Fatalf("bob's awards: %v", p.Awards)
	}
	_, err = e.svc.LearnerAwards(ctx, issuer.Learner{Emails: []string{"alice@example.org"}}, issuer.AwardFilter{})
	wantKind(t, err, badged.Unauthorized)

	// Staff read one award; a stranger may not.
	_, err = e.svc.Award(ctx, e.awarder, req.ID)
	must(t, err)
	_, err = e.svc.Award(ctx, e.stranger, req.ID)
	wantKind(t, err, badged.Forbidden)
}
