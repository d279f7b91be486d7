package issuer_test

import (
	"context"
	"strings"
	"testing"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
)

// TestPrerequisites: a badge class may require published badge classes,
// not itself, a draft or one that does not exist; a learner requests it
// only once holding every one of them, and a revoked award no longer
// counts.
func TestPrerequisites(t *testing.T) {
	ctx := context.Background()
	e := newAwardEnv(t)
	bc := badgeClass(e.ids["s"])
	for _, bad := range [][]string{{"nope"}, {e.ids["draft"]}, {e.ids["b"], e.ids["b2"], "c", "d", "e", "f"}} {
		bc.Prerequisites = bad
		_, err := e.svc.CreateBadgeClass(ctx, root, bc)
		if fs := badged.FieldsOf(err); len(fs) == 0 || fs[0].Field != "prerequisites" {
			t.Errorf("prerequisites %v: %v, want a refusal of the field", bad, err)
		}
	}
	bc.Prerequisites = []string{" " + e.ids["b"], e.ids["b"]}
	adv, err := e.svc.CreateBadgeClass(ctx, root, bc)
	must(t, err)
	if len(adv.Prerequisites) != 1 || adv.Prerequisites[0] != e.ids["b"] {
		t.Fatalf("prerequisites stored as %q", adv.Prerequisites)
	}
	adv.Prerequisites = []string{adv.ID}
	if _, err := e.svc.UpdateBadgeClass(ctx, root, *adv); len(badged.FieldsOf(err)) == 0 {
		t.Errorf("a badge class requiring itself: %v", err)
	}
	adv, err = e.svc.PublishBadgeClass(ctx, root, adv.ID, adv.Version)
	must(t, err)

	_, err = e.svc.RequestBadge(ctx, alice, adv.ID, "", nil)
	wantKind(t, err, badged.Conflict)
	if err == nil || !strings.Contains(err.Error(), "hold first") {
		t.Errorf("refusal %v does not say what is missing", err)
	}
	req, err := e.svc.RequestBadge(ctx, alice, e.ids["b"], "", nil)
	must(t, err)
	_, err = e.svc.ApproveRequests(ctx, e.awarder, req.ID)
	must(t, err)
	got, err := e.svc.RequestBadge(ctx, alice, adv.ID, "", nil)
	must(t, err)
	if got.State != issuer.AwardRequested {
		t.Errorf("request with the prerequisite held: %s", got.State)
	}
	_, err = e.svc.RequestBadge(ctx, bob, adv.ID, "", nil)
	wantKind(t, err, badged.Conflict)
	req, err = e.svc.RequestBadge(ctx, bob, e.ids["b"], "", nil)
	must(t, err)
	_, err = e.svc.ApproveRequests(ctx, e.awarder, req.ID)
	must(t, err)
	_, err = e.svc.RevokeAward(ctx, e.awarder, req.ID, "fraud")
	must(t, err)
	if _, err = e.svc.RequestBadge(ctx, bob, adv.ID, "", nil); err == nil || !strings.Contains(err.Error(), "hold first") {
		t.Errorf("with the prerequisite revoked: %v, want the refusal", err)
	}
}
