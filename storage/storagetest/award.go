package storagetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
)

// RunAwards runs the suite of [issuer.AwardStore]. newStore returns a new,
// empty store for one subtest; it registers its own cleanup.
func RunAwards(t *testing.T, newStore func(t *testing.T) issuer.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s issuer.Store)
	}{
		{"CRUD", testAwardCRUD},
		{"NotFound", testAwardNotFound},
		{"Duplicate", testAwardDuplicate},
		{"OpenRequest", testOpenRequest},
		{"ListByBadgeClass", testAwardsByBadgeClass},
		{"ListByLearner", testAwardsByLearner},
		{"ListByBundle", testAwardsByBundle},
		{"Pagination", testAwardPagination},
		{"BadQuery", testAwardBadQuery},
		{"ScheduledDue", testScheduledDue},
		{"ExpiryDue", testExpiryDue},
		{"RemindersDue", testRemindersDue},
		{"Unissued", testUnissued},
		{"ParallelUpdates", testAwardParallelUpdates},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, newStore(t))
		})
	}
}

// directAward returns a sent direct award of badge class "b1" of tree.
func directAward(id string, created time.Time, r issuer.Recipient) *issuer.Award {
	return &issuer.Award{
		ID: id, InstitutionID: "i1", GroupID: "g1", IssuerID: "s1", BadgeClassID: "b1",
		Kind: issuer.KindDirect, State: issuer.AwardSent, BundleID: "bundle1", Recipient: r,
		Narrative: "Did the work.", EvidenceURLs: []string{"https://example.org/e/" + id}, Grade: "8.5",
		AwardedBy: "staff1", Sent: created, ClaimDeadline: created.Add(82 * 24 * time.Hour),
		Created: created, Updated: created,
	}
}

func request(id, badgeClass, user string, created time.Time) *issuer.Award {
	return &issuer.Award{
		ID: id, InstitutionID: "i1", GroupID: "g1", IssuerID: "s1", BadgeClassID: badgeClass,
		Kind: issuer.KindRequest, State: issuer.AwardRequested,
		Recipient: issuer.Recipient{UserID: user, Email: user + "@example.org"},
		Requested: created, Created: created, Updated: created,
	}
}

func awardIDs(as []*issuer.Award) []string {
	return ids(as, func(a *issuer.Award) string { return a.ID })
}

func wantIDs(t *testing.T, what string, got []*issuer.Award, err error, want ...string) {
	t.Helper()
	must(t, err)
	if want == nil {
		want = []string{}
	}
	if g := awardIDs(got); !slices.Equal(g, want) {
		t.Fatalf("%s = %v, want %v", what, g, want)
	}
}

func testAwardCRUD(t *testing.T, s issuer.Store) {
	ctx := context.Background()
	tree(t, s)
	full := directAward("a1", t0, issuer.Recipient{EduID: "edu-1", EPPN: "x@uni.example", Email: "x@example.org", Name: "X", HolderDID: "did:key:z6Mk"})
	full.ScheduledFor, full.Reminders = t0.Add(-time.Hour), []int{62}
	crud(t, full, func(a *issuer.Award) *int64 { return &a.Version },
		func(a *issuer.Award) error { return s.CreateAwards(ctx, []*issuer.Award{a}, issuer.Effects{}) },
		func(a *issuer.Award) error { return s.UpdateAward(ctx, a, issuer.Effects{}) },
		func() (*issuer.Award, error) { return s.Award(ctx, "a1") },
		func(a *issuer.Award) {
			a.State, a.Claimed, a.TermsVersion, a.Recipient.UserID = issuer.AwardAccepted, t0.Add(time.Hour), "terms-2", "u1"
			a.CredentialID, a.Reminders, a.EvidenceURLs, a.Updated = "urn:uuid:c1", []int{62, 42}, nil, t0.Add(time.Hour)
		})

	// A minimal request (nil slices, zero times) reads back the same.
	min := request("a2", "b1", "u2", t0)
	must(t, s.CreateAwards(ctx, []*issuer.Award{min}, issuer.Effects{}))
	got, err := s.Award(ctx, "a2")
	must(t, err)
	same(t, got, min)

	// Update keeps the kind, the path, the bundle and the creation time.
	got.Kind, got.BadgeClassID, got.IssuerID, got.BundleID, got.Created = issuer.KindDirect, "elsewhere", "elsewhere", "b", t0.Add(time.Hour)
	got.State, got.DenyReason, got.DecidedBy, got.Decided = issuer.AwardDenied, "no", "staff1", t0.Add(time.Minute)
	must(t, s.UpdateAward(ctx, got, issuer.Effects{}))
	again, err := s.Award(ctx, "a2")
	must(t, err)
	if again.Kind != issuer.KindRequest || again.BadgeClassID != "b1" || again.IssuerID != "s1" || again.BundleID != "" || !again.Created.Equal(t0) {
		t.Errorf("update moved the award: %+v", again)
	}
	same(t, got, again)
}

func testAwardNotFound(t *testing.T, s issuer.Store) {
	ctx := context.Background()
	tree(t, s)
	wantKind(t, second(s.Award(ctx, "nope")), badged.NotFound)
	wantKind(t, s.UpdateAward(ctx, directAward("nope", t0, issuer.Recipient{Email: "a@example.org"}), issuer.Effects{}), badged.NotFound)
	// An unknown badge class fails the whole batch.
	bad := directAward("a2", t0, issuer.Recipient{Email: "b@example.org"})
	bad.BadgeClassID = "nope"
	wantKind(t, s.CreateAwards(ctx, []*issuer.Award{directAward("a1", t0, issuer.Recipient{Email: "a@example.org"}), bad}, issuer.Effects{}), badged.NotFound)
	wantKind(t, second(s.Award(ctx, "a1")), badged.NotFound)
	as, err := s.Awards(ctx, issuer.AwardQuery{BundleID: "bundle1"})
	wantIDs(t, "awards after a failed batch", as, err)
}

func testAwardDuplicate(t *testing.T, s issuer.Store) {
	ctx := context.Background()
	tree(t, s)
	must(t, s.CreateAwards(ctx, []*issuer.Award{directAward("a1", t0, issuer.Recipient{Email: "a@example.org"})}, issuer.Effects{}))
	batch := []*issuer.Award{
		directAward("a2", t0, issuer.Recipient{Email: "b@example.org"}),
		directAward("a1", t0, issuer.Recipient{Email: "c@example.org"}),
	}
	wantKind(t, s.CreateAwards(ctx, batch, issuer.Effects{}), badged.Conflict)
	wantKind(t, second(s.Award(ctx, "a2")), badged.NotFound) // all or none
	as, err := s.Awards(ctx, issuer.AwardQuery{Learner: &issuer.Learner{Emails: []string{"c@example.org"}}})
	wantIDs(t, "awards of the rejected duplicate", as, err)
}

func testOpenRequest(t *testing.T, s issuer.Store) {
	ctx := context.Background()
	tree(t, s)
	must(t, s.CreateBadgeClass(ctx, badgeClass("b2", "i1", "g1", "s1", t0)))
	must(t, s.CreateAwards(ctx, []*issuer.Award{request("r1", "b1", "u1", t0)}, issuer.Effects{}))
	wantKind(t, s.CreateAwards(ctx, []*issuer.Award{request("r2", "b1", "u1", t0.Add(time.Second))}, issuer.Effects{}), badged.Conflict)
	// Another class, another learner, or a direct award are not duplicates.
	must(t, s.CreateAwards(ctx, []*issuer.Award{
		request("r3", "b2", "u1", t0), request("r4", "b1", "u2", t0),
		directAward("d1", t0, issuer.Recipient{UserID: "u1"}),
	}, issuer.Effects{}))
	// Once decided, the learner may ask again.
	r1, err := s.Award(ctx, "r1")
	must(t, err)
	r1.State = issuer.AwardDenied
	must(t, s.UpdateAward(ctx, r1, issuer.Effects{}))
	must(t, s.CreateAwards(ctx, []*issuer.Award{request("r2", "b1", "u1", t0.Add(time.Second))}, issuer.Effects{}))
	wantKind(t, s.CreateAwards(ctx, []*issuer.Award{request("r5", "b1", "u1", t0.Add(2*time.Second))}, issuer.Effects{}), badged.Conflict)
}

func testAwardsByBadgeClass(t *testing.T, s issuer.Store) {
	ctx := context.Background()
	tree(t, s)
	must(t, s.CreateBadgeClass(ctx, badgeClass("b2", "i1", "g1", "s1", t0)))
	other := directAward("x1", t0, issuer.Recipient{Email: "x@example.org"})
	other.BadgeClassID = "b2"
	must(t, s.CreateAwards(ctx, []*issuer.Award{
		directAward("a3", t0.Add(time.Second), issuer.Recipient{Email: "a@example.org"}),
		directAward("a2", t0, issuer.Recipient{Email: "b@example.org"}),
		directAward("a1", t0, issuer.Recipient{Email: "c@example.org"}),
		directAward("a0", t0.Add(-time.Second), issuer.Recipient{Email: "d@example.org"}),
		other,
	}, issuer.Effects{}))
	as, err := s.Awards(ctx, issuer.AwardQuery{BadgeClassID: "b1"})
	wantIDs(t, "awards of b1", as, err, "a0", "a1", "a2", "a3")
	as, err = s.Awards(ctx, issuer.AwardQuery{BadgeClassID: "nope"})
	wantIDs(t, "awards of an unknown class", as, err)

	a2, err := s.Award(ctx, "a2")
	must(t, err)
	a2.State = issuer.AwardRejected
	must(t, s.UpdateAward(ctx, a2, issuer.Effects{}))
	as, err = s.Awards(ctx, issuer.AwardQuery{BadgeClassID: "b1", States: []issuer.AwardState{issuer.AwardSent}})
	wantIDs(t, "sent awards of b1", as, err, "a0", "a1", "a3")
	as, err = s.Awards(ctx, issuer.AwardQuery{BadgeClassID: "b1", States: []issuer.AwardState{issuer.AwardRejected, issuer.AwardExpired}})
	wantIDs(t, "rejected or expired awards of b1", as, err, "a2")
	as, err = s.Awards(ctx, issuer.AwardQuery{BadgeClassID: "b1", States: []issuer.AwardState{issuer.AwardSent}, Limit: 2})
	wantIDs(t, "two sent awards of b1", as, err, "a0", "a1")
}

func testAwardsByLearner(t *testing.T, s issuer.Store) {
	ctx := context.Background()
	tree(t, s)
	must(t, s.CreateAwards(ctx, []*issuer.Award{
		directAward("byEmail", t0.Add(1*time.Second), issuer.Recipient{Email: "me@example.org"}),
		directAward("byEmail2", t0.Add(2*time.Second), issuer.Recipient{Email: "me@student.example"}),
		directAward("byEPPN", t0.Add(3*time.Second), issuer.Recipient{EPPN: "me@uni.example"}),
		directAward("byEduID", t0.Add(4*time.Second), issuer.Recipient{EduID: "edu-me"}),
		directAward("byAll", t0.Add(5*time.Second), issuer.Recipient{EduID: "edu-me", Email: "me@example.org", EPPN: "me@uni.example"}),
		request("byUser", "b1", "u-me", t0.Add(6*time.Second)),
		directAward("notMe", t0.Add(7*time.Second), issuer.Recipient{Email: "you@example.org", EduID: "edu-you", EPPN: "you@uni.example"}),
	}, issuer.Effects{}))
	me := &issuer.Learner{UserID: "u-me", EduID: "edu-me", Emails: []string{"me@example.org", "me@student.example"}, EPPNs: []string{"me@uni.example"}}
	as, err := s.Awards(ctx, issuer.AwardQuery{Learner: me})
	wantIDs(t, "awards of the learner", as, err, "byEmail", "byEmail2", "byEPPN", "byEduID", "byAll", "byUser")
	as, err = s.Awards(ctx, issuer.AwardQuery{Learner: &issuer.Learner{EPPNs: []string{"me@uni.example"}}})
	wantIDs(t, "awards by EPPN", as, err, "byEPPN", "byAll")
	as, err = s.Awards(ctx, issuer.AwardQuery{Learner: &issuer.Learner{}})
	wantIDs(t, "awards of a learner without identifiers", as, err)

	// Claiming binds the award to the user: it is then found by user ID.
	a, err := s.Award(ctx, "byEmail2")
	must(t, err)
	a.State, a.Recipient.UserID = issuer.AwardAccepted, "u-me"
	must(t, s.UpdateAward(ctx, a, issuer.Effects{}))
	as, err = s.Awards(ctx, issuer.AwardQuery{Learner: &issuer.Learner{UserID: "u-me"}})
	wantIDs(t, "awards by user", as, err, "byEmail2", "byUser")
	as, err = s.Awards(ctx, issuer.AwardQuery{Learner: me, States: []issuer.AwardState{issuer.AwardAccepted, issuer.AwardRequested}})
	wantIDs(t, "accepted or requested awards of the learner", as, err, "byEmail2", "byUser")
	as, err = s.Awards(ctx, issuer.AwardQuery{Learner: me, After: badged.Cursor{Time: t0.Add(2 * time.Second), ID: "byEmail2"}, Limit: 2})
	wantIDs(t, "a page of the learner's awards", as, err, "byEPPN", "byEduID")
}

func testAwardsByBundle(t *testing.T, s issuer.Store) {
	ctx := context.Background()
	tree(t, s)
	var awards []*issuer.Award
	for i := range 3 {
		a := directAward(fmt.Sprintf("a%d", i), t0, issuer.Recipient{Email: fmt.Sprintf("%d@example.org", i)})
		awards = append(awards, a)
	}
	b := directAward("other", t0, issuer.Recipient{Email: "o@example.org"})
	b.BundleID = "bundle2"
	awards = append(awards, b, request("req", "b1", "u1", t0))
	must(t, s.CreateAwards(ctx, awards, issuer.Effects{}))
	as, err := s.Awards(ctx, issuer.AwardQuery{BundleID: "bundle1"})
	wantIDs(t, "bundle1", as, err, "a0", "a1", "a2")
	as, err = s.Awards(ctx, issuer.AwardQuery{BundleID: "bundle2"})
	wantIDs(t, "bundle2", as, err, "other")
}

// testAwardPagination pages through awards with many equal creation
// times, changing some between pages: every award is seen exactly once.
func testAwardPagination(t *testing.T, s issuer.Store) {
	ctx := context.Background()
	tree(t, s)
	var awards []*issuer.Award
	var want []string
	for i := range 23 {
		id := fmt.Sprintf("a%02d", i)
		awards = append(awards, directAward(id, t0.Add(time.Duration(i/4)*time.Microsecond), issuer.Recipient{Email: id + "@example.org"}))
		want = append(want, id)
	}
	slices.Reverse(awards) // creation order must not matter
	must(t, s.CreateAwards(ctx, awards, issuer.Effects{}))
	for _, limit := range []int{1, 4, 5, 23, 50} {
		var (
			got   []string
			after badged.Cursor
		)
		for page := 0; ; page++ {
			as, err := s.Awards(ctx, issuer.AwardQuery{BadgeClassID: "b1", After: after, Limit: limit})
			must(t, err)
			if len(as) > limit {
				t.Fatalf("limit %d: page of %d", limit, len(as))
			}
			if len(as) == 0 {
				break
			}
			got = append(got, awardIDs(as)...)
			after = as[len(as)-1].Cursor()
			// A change to an award already listed does not move it.
			as[0].State = issuer.AwardExpired
			must(t, s.UpdateAward(ctx, as[0], issuer.Effects{}))
			if page > 30 {
				t.Fatal("pagination does not end")
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("limit %d: pages = %v, want %v", limit, got, want)
		}
	}
}

func testAwardBadQuery(t *testing.T, s issuer.Store) {
	ctx := context.Background()
	for name, q := range map[string]issuer.AwardQuery{
		"none": {},
		"two":  {BadgeClassID: "b1", BundleID: "x"},
		"all":  {BadgeClassID: "b1", BundleID: "x", Learner: &issuer.Learner{UserID: "u"}},
	} {
		t.Run(name, func(t *testing.T) { wantKind(t, second(s.Awards(ctx, q)), badged.Invalid) })
	}
}

func scheduled(id string, at time.Time) *issuer.Award {
	a := directAward(id, t0, issuer.Recipient{Email: id + "@example.org"})
	a.State, a.ScheduledFor, a.Sent, a.ClaimDeadline = issuer.AwardScheduled, at, time.Time{}, time.Time{}
	return a
}

func sentWithDeadline(id string, deadline time.Time, reminders ...int) *issuer.Award {
	a := directAward(id, t0, issuer.Recipient{Email: id + "@example.org"})
	a.ClaimDeadline, a.Reminders = deadline, reminders
	return a
}

func testScheduledDue(t *testing.T, s issuer.Store) {
	ctx := context.Background()
	tree(t, s)
	now := t0.Add(24 * time.Hour)
	must(t, s.CreateAwards(ctx, []*issuer.Award{
		scheduled("later", now.Add(time.Microsecond)),
		scheduled("atNow", now),
		scheduled("past2", now.Add(-time.Hour)),
		scheduled("past1", now.Add(-2*time.Hour)),
		sentWithDeadline("sent", now.Add(-time.Hour)),
	}, issuer.Effects{}))
	as, err := s.ScheduledDue(ctx, now, 0)
	wantIDs(t, "scheduled due", as, err, "past1", "past2", "atNow")
	as, err = s.ScheduledDue(ctx, now, 2)
	wantIDs(t, "two scheduled due", as, err, "past1", "past2")
	// Once sent, it is no longer due.
	a := as[0]
	a.State, a.Sent, a.ClaimDeadline = issuer.AwardSent, now, now.Add(82*24*time.Hour)
	must(t, s.UpdateAward(ctx, a, issuer.Effects{}))
	as, err = s.ScheduledDue(ctx, now, 0)
	wantIDs(t, "scheduled due after sending one", as, err, "past2", "atNow")
	as, err = s.ScheduledDue(ctx, t0, 0)
	wantIDs(t, "scheduled due long ago", as, err)
}

func testExpiryDue(t *testing.T, s issuer.Store) {
	ctx := context.Background()
	tree(t, s)
	now := t0.Add(100 * 24 * time.Hour)
	must(t, s.CreateAwards(ctx, []*issuer.Award{
		sentWithDeadline("later", now.Add(time.Microsecond)),
		sentWithDeadline("atNow", now),
		sentWithDeadline("past", now.Add(-time.Hour)),
		scheduled("sched", now.Add(-time.Hour)),
	}, issuer.Effects{}))
	as, err := s.ExpiryDue(ctx, now, 0)
	wantIDs(t, "expiry due", as, err, "past", "atNow")
	a := as[0]
	a.State = issuer.AwardAccepted
	a.CredentialID = "c"
	must(t, s.UpdateAward(ctx, a, issuer.Effects{}))
	as, err = s.ExpiryDue(ctx, now, 0)
	wantIDs(t, "expiry due after a claim", as, err, "atNow")
	as, err = s.ExpiryDue(ctx, now.Add(time.Hour), 1)
	wantIDs(t, "one expiry due", as, err, "atNow")
}

func testRemindersDue(t *testing.T, s issuer.Store) {
	ctx := context.Background()
	tree(t, s)
	now := t0.Add(30 * 24 * time.Hour)
	d := func(days int) time.Time { return now.Add(time.Duration(days) * 24 * time.Hour) }
	must(t, s.CreateAwards(ctx, []*issuer.Award{
		sentWithDeadline("d70", d(70)),
		sentWithDeadline("d62", d(62)),
		sentWithDeadline("d50", d(50)),
		sentWithDeadline("d50r62", d(50), 62),
		sentWithDeadline("d42", d(42), 62),
		sentWithDeadline("d10r", d(10), 62, 42),
		sentWithDeadline("d0", now),
	}, issuer.Effects{}))
	as, err := s.RemindersDue(ctx, now, 62, 0)
	wantIDs(t, "reminders due at 62", as, err, "d50", "d62")
	as, err = s.RemindersDue(ctx, now, 42, 0)
	wantIDs(t, "reminders due at 42", as, err, "d42")
	as, err = s.RemindersDue(ctx, now, 62, 1)
	wantIDs(t, "one reminder due at 62", as, err, "d50")
	a := as[0]
	a.Reminders = append(a.Reminders, 62)
	must(t, s.UpdateAward(ctx, a, issuer.Effects{}))
	as, err = s.RemindersDue(ctx, now, 62, 0)
	wantIDs(t, "reminders due at 62 after one", as, err, "d62")
}

func testUnissued(t *testing.T, s issuer.Store) {
	ctx := context.Background()
	tree(t, s)
	accepted := func(id string, created time.Time, cred string) *issuer.Award {
		a := directAward(id, created, issuer.Recipient{UserID: "u-" + id})
		a.State, a.CredentialID = issuer.AwardAccepted, cred
		return a
	}
	must(t, s.CreateAwards(ctx, []*issuer.Award{
		accepted("u2", t0.Add(time.Second), ""), accepted("u1", t0, ""), accepted("done", t0, "urn:c"),
		directAward("sent", t0, issuer.Recipient{Email: "s@example.org"}),
	}, issuer.Effects{}))
	as, err := s.Unissued(ctx, 0)
	wantIDs(t, "unissued", as, err, "u1", "u2")
	a := as[0]
	a.CredentialID = "urn:c1"
	must(t, s.UpdateAward(ctx, a, issuer.Effects{}))
	as, err = s.Unissued(ctx, 5)
	wantIDs(t, "unissued after issuing one", as, err, "u2")
}

// testAwardParallelUpdates races a claim against an expiry, many times
// over: exactly one of each pair wins, the other gets a Conflict.
func testAwardParallelUpdates(t *testing.T, s issuer.Store) {
	ctx := context.Background()
	tree(t, s)
	const n = 8
	var awards []*issuer.Award
	for i := range n {
		awards = append(awards, sentWithDeadline(fmt.Sprintf("a%d", i), t0.Add(time.Hour)))
	}
	must(t, s.CreateAwards(ctx, awards, issuer.Effects{}))
	for i := range n {
		id := fmt.Sprintf("a%d", i)
		var (
			wg   sync.WaitGroup
			errs [2]error
		)
		// Both read the award before either writes.
		var read [2]*issuer.Award
		for j := range read {
			a, err := s.Award(ctx, id)
			must(t, err)
			read[j] = a
		}
		for j, to := range []issuer.AwardState{issuer.AwardAccepted, issuer.AwardExpired} {
			a := read[j]
			wg.Go(func() {
				a.State = to
				errs[j] = s.UpdateAward(ctx, a, issuer.Effects{})
			})
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			if err == nil {
				wins++
			} else if badged.KindOf(err) != badged.Conflict {
				t.Fatalf("%s: %v", id, err)
			}
		}
		if wins != 1 {
			t.Fatalf("%s: %d updates won, want 1 (%v)", id, wins, errs)
		}
		a, err := s.Award(ctx, id)
		must(t, err)
		if a.Version != 2 {
			t.Errorf("%s: version %d, want 2", id, a.Version)
		}
	}
}
