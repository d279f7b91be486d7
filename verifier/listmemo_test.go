package verifier_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/badged/badged/credential/dataintegrity"
	"github.com/badged/badged/did"
	"github.com/badged/badged/statuslist"
	"github.com/badged/badged/verifier"
)

// countingKeys counts the keys a verifier resolves.
type countingKeys struct {
	next  verifier.KeyResolver
	calls atomic.Int64
}

func (k *countingKeys) ResolveKey(ctx context.Context, vm string) (*did.Key, error) {
	k.calls.Add(1)
	return k.next.ResolveKey(ctx, vm)
}

// TestStatusListVerifiedOnce checks that a status list whose bytes did not
// change is not verified again for the next credential (its key, another
// of the issuer's than the credential's, is not resolved again), and that
// a list that changed is: a bit set after the first verification is seen
// at the next.
func TestStatusListVerifiedOnce(t *testing.T) {
	e := newNegEnv(t)
	listKey := webSigner(t, scienceDID, 5)
	doc, err := did.WebDocument(scienceDID, e.science.vm, listKey.vm)
	if err != nil {
		t.Fatal(err)
	}
	e.serveJSON(t, webURL(t, scienceDID), doc)
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	serveList := func(revoked bool) {
		l := statuslist.New(statuslist.MinSize)
		if err := l.Set(94567, revoked); err != nil {
			t.Fatal(err)
		}
		lc := statuslist.ListCredential(statusURL, scienceDID, statuslist.PurposeRevocation, l, from)
		e.serveJSON(t, statusURL, e.signDI(t, lc, listKey, dataintegrity.RDFC))
	}
	serveList(false)
	keys := &countingKeys{next: did.NewResolver(e.remote.client())}
	v := verifier.New(e.ld, keys, verifier.WithStatus(verifier.HTTPFetcher{Client: e.remote.client()}), verifier.WithClock(negClock))
	cred := marshal(t, e.signDI(t, e.cred(t, listAt(statusURL)), e.science, dataintegrity.RDFC))
	verify := func(wantStatus string, wantKeys int64) {
		t.Helper()
		keys.calls.Store(0)
		res := v.Verify(context.Background(), cred)
		if res.Verdict == verifier.Invalid && wantStatus == "" || res.Status != wantStatus {
			t.Fatalf("verdict %s, status %q, want status %q:\n%s", res.Verdict, res.Status, wantStatus, describe(res))
		}
		if got := keys.calls.Load(); got != wantKeys {
			t.Errorf("%d keys resolved, want %d (the credential's%s)", got, wantKeys, map[bool]string{true: " and the list's", false: " only"}[wantKeys == 2])
		}
	}
	verify("", 2)
	verify("", 1)

	// The issuer revokes: the list's bytes change.
	serveList(true)
	verify(verifier.StatusRevoked, 2)
	verify(verifier.StatusRevoked, 1)
}
