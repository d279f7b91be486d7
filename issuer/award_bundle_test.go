package issuer_test

import (
	"context"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
)

// TestDirectAwardBundleChosenIDs: rows with chosen IDs go into the given
// bundle, and a retry of the same rows (after a crash) creates only the
// awards that are missing, reporting nothing twice.
func TestDirectAwardBundleChosenIDs(t *testing.T) {
	e := newAwardEnv(t)
	ctx := context.Background()
	row := func(id, email string) issuer.DirectAwardInput {
		return issuer.DirectAwardInput{ID: id, Recipient: issuer.Recipient{Email: email}}
	}
	got, err := e.svc.DirectAwardBundle(ctx, e.awarder, e.ids["b"], "job1", []issuer.DirectAwardInput{row("a1", "a@example.org")}, time.Time{})
	must(t, err)
	if len(got) != 1 || got[0].ID != "a1" || got[0].BundleID != "job1" {
		t.Fatalf("first call = %+v", got[0])
	}
	e.took() // forget the first call's events
	got, err = e.svc.DirectAwardBundle(ctx, e.awarder, e.ids["b"], "job1",
		[]issuer.DirectAwardInput{row("a1", "a@example.org"), row("a2", "b@example.org")}, time.Time{})
	must(t, err)
	if len(got) != 1 || got[0].ID != "a2" {
		t.Fatalf("retry created %d awards, want only a2", len(got))
	}
	if n := len(e.took()); n != 1 {
		t.Fatalf("retry reported %d events, want 1", n)
	}
	as, err := e.db.Awards(ctx, issuer.AwardQuery{BundleID: "job1"})
	must(t, err)
	if len(as) != 2 {
		t.Fatalf("%d awards in the bundle, want 2", len(as))
	}
	// The same again: a no-op success.
	got, err = e.svc.DirectAwardBundle(ctx, e.awarder, e.ids["b"], "job1",
		[]issuer.DirectAwardInput{row("a1", "a@example.org"), row("a2", "b@example.org")}, time.Time{})
	if err != nil || len(got) != 0 {
		t.Fatalf("third call = %d awards, %v", len(got), err)
	}
	// Without the permission, nothing.
	if _, err := e.svc.DirectAwardBundle(ctx, e.stranger, e.ids["b"], "job2", []issuer.DirectAwardInput{row("x", "x@example.org")}, time.Time{}); badged.KindOf(err) != badged.Forbidden {
		t.Fatalf("stranger: %v", err)
	}
	if _, _, err := e.svc.DirectAwardTarget(ctx, e.awarder, e.ids["draft"]); badged.KindOf(err) != badged.Conflict {
		t.Fatalf("target of a draft: %v", err)
	}
}
