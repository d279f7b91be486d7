package issuer_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/audit"
	"github.com/badged/badged/effects"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/notify"
)

// TestDirectAwardBundleChosenIDs: rows with chosen IDs go into the given
// bundle, and a retry of the same rows (after a crash) creates only the
// awards that are missing; with their audit entries and mails stored in
// the awards' transaction, every award ends with exactly one "award
// waiting" mail and one audit entry, however often its batch is retried.
func TestDirectAwardBundleChosenIDs(t *testing.T) {
	var rec *effects.Recorder
	e := newAwardEnv(t, issuer.WithEffects(func(ctx context.Context, evs []issuer.Event) (issuer.Effects, error) {
		return rec.Awards(ctx, evs)
	}))
	outbox, err := notify.NewOutbox(e.db)
	must(t, err)
	rec = effects.New(audit.New(e.db), outbox, e.db, "https://badges.example.edu")
	ctx := context.Background()
	row := func(id, email string) issuer.DirectAwardInput {
		return issuer.DirectAwardInput{ID: id, Recipient: issuer.Recipient{Email: email}}
	}
	// onePerAward checks that each award of the bundle has one mail and
	// one audit entry, and that nothing else has any.
	onePerAward := func(what string, ids ...string) {
		t.Helper()
		mails, err := e.db.Mails(ctx, notify.MailQuery{InstitutionID: e.ids["i"]})
		must(t, err)
		entries, err := e.db.Entries(ctx, audit.Query{InstitutionID: e.ids["i"], Target: audit.Target{Kind: "award"}})
		must(t, err)
		perAward := map[string][2]int{}
		for _, m := range mails {
			if m.Template != notify.TemplateAwardWaiting {
				t.Errorf("%s: a %s mail", what, m.Template)
			}
			n := perAward[m.ID]
			n[0]++
			perAward[m.ID] = n
		}
		for _, en := range entries {
			n := perAward["direct-award-sent:"+en.Target.ID+":0"]
			n[1]++
			perAward["direct-award-sent:"+en.Target.ID+":0"] = n
		}
		if len(perAward) != len(ids) {
			t.Fatalf("%s: mails and entries of %d awards, want %d: %v", what, len(perAward), len(ids), perAward)
		}
		for _, id := range ids {
			if n := perAward["direct-award-sent:"+id+":0"]; n != [2]int{1, 1} {
				t.Fatalf("%s: award %s has %d mails and %d audit entries, want one each", what, id, n[0], n[1])
			}
		}
	}

	got, err := e.svc.DirectAwardBundle(ctx, e.awarder, e.ids["b"], "job1", []issuer.DirectAwardInput{row("a1", "a@example.org")}, time.Time{})
	must(t, err)
	if len(got) != 1 || got[0].ID != "a1" || got[0].BundleID != "job1" {
		t.Fatalf("first call = %+v", got[0])
	}
	onePerAward("first call", "a1")

	// The batch again, later, after a crash that lost its progress: a1
	// exists, a2 does not. Entry IDs depend on the time, so a1's would
	// differ if it were written again.
	e.set(start.Add(time.Minute))
	got, err = e.svc.DirectAwardBundle(ctx, e.awarder, e.ids["b"], "job1",
		[]issuer.DirectAwardInput{row("a1", "a@example.org"), row("a2", "b@example.org")}, time.Time{})
	must(t, err)
	if len(got) != 1 || got[0].ID != "a2" {
		t.Fatalf("retry created %d awards, want only a2", len(got))
	}
	onePerAward("retry", "a1", "a2")
	as, err := e.db.Awards(ctx, issuer.AwardQuery{BundleID: "job1"})
	must(t, err)
	if len(as) != 2 {
		t.Fatalf("%d awards in the bundle, want 2", len(as))
	}
	// The same again: a no-op success that writes nothing.
	e.set(start.Add(2 * time.Minute))
	got, err = e.svc.DirectAwardBundle(ctx, e.awarder, e.ids["b"], "job1",
		[]issuer.DirectAwardInput{row("a1", "a@example.org"), row("a2", "b@example.org")}, time.Time{})
	if err != nil || len(got) != 0 {
		t.Fatalf("third call = %d awards, %v", len(got), err)
	}
	onePerAward("third call", "a1", "a2")
	// Without the permission, nothing.
	if _, err := e.svc.DirectAwardBundle(ctx, e.stranger, e.ids["b"], "job2", []issuer.DirectAwardInput{row("x", "x@example.org")}, time.Time{}); badged.KindOf(err) != badged.Forbidden {
		t.Fatalf("stranger: %v", err)
	}
	if _, _, err := e.svc.DirectAwardTarget(ctx, e.awarder, e.ids["draft"]); badged.KindOf(err) != badged.Conflict {
		t.Fatalf("target of a draft: %v", err)
	}
	onePerAward("refusals", "a1", "a2")
}

// TestAwardWithoutEffects: when the effects of a change cannot be derived,
// the change is not stored: no award stands without its audit entry and
// mail.
func TestAwardWithoutEffects(t *testing.T) {
	broken := errors.New("the trail is broken")
	e := newAwardEnv(t, issuer.WithEffects(func(context.Context, []issuer.Event) (issuer.Effects, error) {
		return issuer.Effects{}, broken
	}))
	ctx := context.Background()
	_, err := e.svc.DirectAwardBundle(ctx, e.awarder, e.ids["b"], "job1",
		[]issuer.DirectAwardInput{{ID: "a1", Recipient: issuer.Recipient{Email: "a@example.org"}}}, time.Time{})
	if !errors.Is(err, broken) {
		t.Fatalf("award with broken effects: %v", err)
	}
	if _, err := e.db.Award(ctx, "a1"); badged.KindOf(err) != badged.NotFound {
		t.Fatalf("the award was stored without its effects: %v", err)
	}
	if evs := e.took(); len(evs) != 0 {
		t.Fatalf("events of a change not stored: %v", evs)
	}
}
