package storagetest

import (
	"cmp"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/badged/badged/insights"
	"github.com/badged/badged/issuer"
)

// InsightsStore is what [RunInsights] needs: a hierarchy and award store to
// fill, and the insights counts to check.
type InsightsStore interface {
	issuer.Store
	insights.Store
}

// RunInsights checks [insights.Store.AwardCounts] on a fixed data set with
// exact expected numbers, the same for every adapter.
func RunInsights(t *testing.T, newStore func(t *testing.T) InsightsStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s InsightsStore)
	}{
		{"Counts", testInsightsCounts},
		{"Range", testInsightsRange},
		{"Empty", testInsightsEmpty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, newStore(t))
		})
	}
}

func day(m time.Month, d int) time.Time { return time.Date(2026, m, d, 10, 0, 0, 0, time.UTC) }

// insightsData stores institution i1 (group g1; issuers s1 with badge
// classes b1 and b2, s2 with b3) and i2 (b9), and awards whose events fall
// in December 2025 to April 2026, with edges at month boundaries.
func insightsData(t *testing.T, s issuer.Store) {
	t.Helper()
	ctx := context.Background()
	tree(t, s) // i1, g1, s1, b1
	must(t, s.CreateBadgeClass(ctx, badgeClass("b2", "i1", "g1", "s1", t0)))
	must(t, s.CreateIssuer(ctx, issuerRec("s2", "i1", "g1", t0)))
	must(t, s.CreateBadgeClass(ctx, badgeClass("b3", "i1", "g1", "s2", t0)))
	must(t, s.CreateInstitution(ctx, institution("i2", t0)))
	must(t, s.CreateGroup(ctx, group("g9", "i2", t0)))
	must(t, s.CreateIssuer(ctx, issuerRec("s9", "i2", "g9", t0)))
	must(t, s.CreateBadgeClass(ctx, badgeClass("b9", "i2", "g9", "s9", t0)))

	direct := func(id, inst, grp, iss, bc string, state issuer.AwardState, sent time.Time) *issuer.Award {
		a := &issuer.Award{
			ID: id, InstitutionID: inst, GroupID: grp, IssuerID: iss, BadgeClassID: bc,
			Kind: issuer.KindDirect, State: state, Recipient: issuer.Recipient{Email: id + "@example.org"},
			Sent: sent, Created: t0, Updated: t0,
		}
		if !sent.IsZero() {
			a.ClaimDeadline = sent.Add(82 * 24 * time.Hour)
		}
		return a
	}
	req := func(id, bc, iss string, state issuer.AwardState, requested time.Time) *issuer.Award {
		a := request(id, bc, "user-"+id, t0)
		a.IssuerID, a.State, a.Requested = iss, state, requested
		return a
	}
	var awards []*issuer.Award
	add := func(a *issuer.Award, change func(a *issuer.Award)) {
		if change != nil {
			change(a)
		}
		awards = append(awards, a)
	}
	endOfJan := time.Date(2026, time.January, 31, 23, 59, 59, 999999000, time.UTC)
	// b1: direct awards.
	add(direct("d1", "i1", "g1", "s1", "b1", issuer.AwardAccepted, day(1, 10)), func(a *issuer.Award) { a.Claimed = day(1, 20) })
	add(direct("d2", "i1", "g1", "s1", "b1", issuer.AwardRevoked, day(1, 10)), func(a *issuer.Award) { a.Claimed, a.RevokedAt = day(2, 5), day(3, 1) })
	add(direct("d3", "i1", "g1", "s1", "b1", issuer.AwardRejected, day(1, 10)), func(a *issuer.Award) { a.Claimed = day(1, 15) })
	add(direct("d4", "i1", "g1", "s1", "b1", issuer.AwardExpired, endOfJan), nil) // expires in April: outside
	add(direct("d5", "i1", "g1", "s1", "b1", issuer.AwardSent, endOfJan.Add(time.Microsecond)), nil)
	add(direct("d6", "i1", "g1", "s1", "b1", issuer.AwardScheduled, time.Time{}), func(a *issuer.Award) { a.ScheduledFor = day(5, 1) })
	add(direct("d7", "i1", "g1", "s1", "b1", issuer.AwardDeleted, day(2, 3)), nil)
	// b2: a claim of a December send, and requests.
	add(direct("d8", "i1", "g1", "s1", "b2", issuer.AwardAccepted, day(12, 1).AddDate(-1, 0, 0)), func(a *issuer.Award) { a.Claimed = day(1, 2) })
	add(req("r1", "b2", "s1", issuer.AwardAccepted, day(1, 3)), func(a *issuer.Award) { a.Decided = day(1, 4) })
	add(req("r2", "b2", "s1", issuer.AwardDenied, day(1, 3)), func(a *issuer.Award) { a.Decided, a.DenyReason = day(2, 2), "no" })
	add(req("r3", "b2", "s1", issuer.AwardRequested, day(2, 10)), nil)
	// b3, of issuer s2.
	add(req("r4", "b3", "s2", issuer.AwardRevoked, day(3, 1)), func(a *issuer.Award) { a.Decided, a.RevokedAt = day(3, 2), day(3, 3) })
	add(direct("d9", "i1", "g1", "s2", "b3", issuer.AwardExpired, day(3, 5)), func(a *issuer.Award) { a.ClaimDeadline = day(3, 20) })
	// Another institution's award never counts.
	add(direct("d10", "i2", "g9", "s9", "b9", issuer.AwardAccepted, day(1, 10)), func(a *issuer.Award) { a.Claimed = day(1, 11) })
	must(t, s.CreateAwards(ctx, awards, issuer.Effects{}))
}

func sortCounts(cs []insights.Count) {
	slices.SortFunc(cs, func(a, b insights.Count) int {
		return cmp.Or(cmp.Compare(a.Month, b.Month), cmp.Compare(a.IssuerID, b.IssuerID), cmp.Compare(a.BadgeClassID, b.BadgeClassID))
	})
}

func wantCounts(t *testing.T, got []insights.Count, err error, want []insights.Count) {
	t.Helper()
	must(t, err)
	sortCounts(got)
	if want == nil {
		want = []insights.Count{}
	}
	if got == nil {
		got = []insights.Count{}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("counts:\n got  %+v\n want %+v", got, want)
	}
}

func testInsightsCounts(t *testing.T, s InsightsStore) {
	insightsData(t, s)
	got, err := s.AwardCounts(context.Background(), "i1", day(1, 1).Add(-10*time.Hour), day(4, 1).Add(-10*time.Hour))
	wantCounts(t, got, err, []insights.Count{
		{Month: "2026-01", IssuerID: "s1", BadgeClassID: "b1", Counts: insights.Counts{Sent: 4, Claimed: 1, Rejected: 1}},
		{Month: "2026-01", IssuerID: "s1", BadgeClassID: "b2", Counts: insights.Counts{Claimed: 1, Requested: 2, Approved: 1}},
		{Month: "2026-02", IssuerID: "s1", BadgeClassID: "b1", Counts: insights.Counts{Sent: 2, Claimed: 1}},
		{Month: "2026-02", IssuerID: "s1", BadgeClassID: "b2", Counts: insights.Counts{Requested: 1, Denied: 1}},
		{Month: "2026-03", IssuerID: "s1", BadgeClassID: "b1", Counts: insights.Counts{Revoked: 1}},
		{Month: "2026-03", IssuerID: "s2", BadgeClassID: "b3", Counts: insights.Counts{Sent: 1, Expired: 1, Requested: 1, Approved: 1, Revoked: 1}},
	})
	// The other institution sees only its own.
	got, err = s.AwardCounts(context.Background(), "i2", day(1, 1).Add(-10*time.Hour), day(4, 1).Add(-10*time.Hour))
	wantCounts(t, got, err, []insights.Count{
		{Month: "2026-01", IssuerID: "s9", BadgeClassID: "b9", Counts: insights.Counts{Sent: 1, Claimed: 1}},
	})
}

// testInsightsRange checks that the range is half-open, to the
// microsecond: d4 (sent at the last microsecond of January) is in
// January, d5 (a microsecond later) in February.
func testInsightsRange(t *testing.T, s InsightsStore) {
	insightsData(t, s)
	feb := time.Date(2026, time.February, 1, 0, 0, 0, 0, time.UTC)
	got, err := s.AwardCounts(context.Background(), "i1", feb, feb.AddDate(0, 1, 0))
	wantCounts(t, got, err, []insights.Count{
		{Month: "2026-02", IssuerID: "s1", BadgeClassID: "b1", Counts: insights.Counts{Sent: 2, Claimed: 1}},
		{Month: "2026-02", IssuerID: "s1", BadgeClassID: "b2", Counts: insights.Counts{Requested: 1, Denied: 1}},
	})
	got, err = s.AwardCounts(context.Background(), "i1", feb.Add(-time.Microsecond), feb)
	wantCounts(t, got, err, []insights.Count{
		{Month: "2026-01", IssuerID: "s1", BadgeClassID: "b1", Counts: insights.Counts{Sent: 1}},
	})
	// December 2025 to May 2026: d8's send, d4's expiry in April.
	got, err = s.AwardCounts(context.Background(), "i1", time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	must(t, err)
	var total insights.Counts
	for _, c := range got {
		total.Plus(c.Counts)
	}
	if want := (insights.Counts{Sent: 8, Claimed: 3, Rejected: 1, Expired: 2, Requested: 4, Approved: 2, Denied: 1, Revoked: 2}); total != want {
		t.Errorf("total %+v, want %+v", total, want)
	}
}

func testInsightsEmpty(t *testing.T, s InsightsStore) {
	tree(t, s)
	got, err := s.AwardCounts(context.Background(), "i1", day(1, 1), day(4, 1))
	wantCounts(t, got, err, nil)
	got, err = s.AwardCounts(context.Background(), "nope", day(1, 1), day(4, 1))
	wantCounts(t, got, err, nil)
}
