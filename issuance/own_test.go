package issuance_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/did"
	"github.com/badged/badged/egress"
	"github.com/badged/badged/issuance"
	"github.com/badged/badged/verifier"
)

var (
	_ verifier.KeyResolver = (*issuance.OwnKeys)(nil)
	_ verifier.Fetcher     = (*issuance.OwnLists)(nil)
)

// counted is a real loopback server that counts the requests it gets: a
// foreign issuer's host that the egress policy must never reach.
func counted(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func newMultikey(t *testing.T) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	mk, err := did.EncodeMultikey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return mk
}

// TestOwnKeys resolves this server's issuers from the store: the current
// key and a key retired by a rotation resolve, a key the ring never held
// and an issuer that does not exist are NotFound, a store that cannot be
// read is Unavailable, and a foreign did:web goes to the fallback, here
// the real egress policy, which refuses loopback without a request.
func TestOwnKeys(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	before := e.issue(t, e.request("before"))
	if err := e.svc.RotateKey(ctx, "uni"); err != nil {
		t.Fatal(err)
	}
	after := e.issue(t, e.request("after"))
	vm := func(raw []byte) string {
		return decode(t, raw)["proof"].([]any)[0].(map[string]any)["verificationMethod"].(string)
	}
	foreign, hits := counted(t)
	fu, _ := url.Parse(foreign.URL)
	keys := e.svc.OwnKeys(did.NewResolver(egress.NewClient(egress.DefaultPolicy())))
	issuerDID := e.svc.IssuerDID("math")

	for name, m := range map[string]string{"ok/current": vm(after.JSON), "ok/retired": vm(before.JSON)} {
		t.Run(name, func(t *testing.T) {
			k, err := keys.ResolveKey(ctx, m)
			if err != nil || k.Controller != issuerDID || !k.AssertionMethod || k.ID != m {
				t.Fatalf("ResolveKey(%s) = %+v, %v", m, k, err)
			}
		})
	}
	tests := []struct {
		name, vm string
		kind     badged.Kind
		want     string
	}{
		{"fail/key-never-in-ring", issuerDID + "#" + newMultikey(t), badged.NotFound, "is not in the DID document"},
		{"fail/unknown-issuer", e.svc.IssuerDID("nope") + "#" + newMultikey(t), badged.NotFound, "no such issuer"},
		{"fail/no-fragment", issuerDID, badged.Invalid, "no fragment"},
		{"fail/foreign-loopback", did.WebDID("localhost:"+fu.Port(), "issuers", "math") + "#k", badged.Unavailable, "loopback"}, // refused by egress: could not be checked
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := keys.ResolveKey(ctx, tt.vm)
			if badged.KindOf(err) != tt.kind || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ResolveKey(%s) = %+v, %v; want %s containing %q", tt.vm, k, err, tt.kind, tt.want)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the loopback server was reached %d times", n)
	}

	// A credential whose proof names a key the issuer never had fails its
	// proof: a definite failure, not a check that could not be made.
	forged := strings.Replace(string(after.JSON), vm(after.JSON), issuerDID+"#"+newMultikey(t), 1)
	res := e.verifier.Verify(ctx, []byte(forged))
	if c, _ := res.Check(verifier.CheckProof); res.Verified || c.Verdict != verifier.Fail {
		t.Errorf("a proof by a key never in the ring: verified %v, proof %+v", res.Verified, c)
	}

	// A store that cannot be read: the key could not be checked.
	e.db.Close()
	if _, err := keys.ResolveKey(ctx, vm(after.JSON)); badged.KindOf(err) != badged.Unavailable {
		t.Errorf("with the store closed: %v, want Unavailable", err)
	}
}

// TestOwnKeysReadOnly checks that resolving an issuer whose institution
// has no key ring yet finds no key and creates none: a verification never
// writes.
func TestOwnKeysReadOnly(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	keys := e.svc.OwnKeys(did.NewResolver(egress.NewClient(egress.DefaultPolicy())))
	if _, err := keys.ResolveKey(ctx, e.svc.IssuerDID("math")+"#"+newMultikey(t)); badged.KindOf(err) != badged.NotFound {
		t.Fatalf("no ring: %v, want NotFound", err)
	}
	if _, _, err := e.db.KeyRing(ctx, "uni"); badged.KindOf(err) != badged.NotFound {
		t.Errorf("resolving created a key ring: %v", err)
	}
}

// fetcher records the URLs it is asked for: the fallback of OwnLists, to
// see which URLs leave the process.
type fetcher struct{ urls []string }

func (f *fetcher) Fetch(_ context.Context, u string) ([]byte, error) {
	f.urls = append(f.urls, u)
	return nil, badged.Errorf(badged.Unavailable, "not fetched")
}

// TestOwnLists reads this server's status lists from the store. Behind the
// production cache a revocation shows at the very next verification;
// unknown lists are NotFound; lookalike URLs and foreign ones go to the
// fallback, and through the real egress policy loopback is refused.
func TestOwnLists(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.issue(t, e.request("award-1"))
	client := egress.NewClient(egress.DefaultPolicy())
	v := verifier.New(e.ld, e.svc.OwnKeys(did.NewResolver(client)),
		verifier.WithStatus(e.svc.OwnLists(verifier.NewCachingFetcher(client))),
		verifier.WithClock(func() time.Time { return t0.Add(time.Hour) }))
	if res := v.Verify(ctx, c.JSON); !res.Verified {
		t.Fatalf("before revocation: %+v", res.Failed())
	}
	if err := e.svc.Revoke(ctx, "award-1", "issued in error"); err != nil {
		t.Fatal(err)
	}
	res := v.Verify(ctx, c.JSON)
	if st, _ := res.Check(verifier.CheckStatus); res.Verified || st.Verdict != verifier.Fail || !strings.Contains(st.Message, "revoked") {
		t.Errorf("right after revocation: verified %v, status %+v", res.Verified, st)
	}

	rec := &fetcher{}
	lists := e.svc.OwnLists(rec)
	if _, err := lists.Fetch(ctx, e.svc.StatusListURL("nope")); badged.KindOf(err) != badged.NotFound {
		t.Errorf("unknown list: %v, want NotFound", err)
	}
	lookalikes := []string{
		base + ".evil.example/status/" + "L",
		base + "/status/a/b",
		base + "/status/",
		"http://badges.example.edu/status/L",
	}
	for _, u := range lookalikes {
		if _, err := lists.Fetch(ctx, u); err == nil {
			t.Errorf("Fetch(%s) succeeded", u)
		}
	}
	if strings.Join(rec.urls, " ") != strings.Join(lookalikes, " ") {
		t.Errorf("fallback got %q, want %q", rec.urls, lookalikes)
	}

	foreign, hits := counted(t)
	_, err := e.svc.OwnLists(verifier.HTTPFetcher{Client: client}).Fetch(ctx, foreign.URL+"/status/L")
	if badged.KindOf(err) != badged.Unavailable || !errors.Is(err, egress.ErrRefused) || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("foreign loopback list: %v, want refused (loopback)", err)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the loopback server was reached %d times", n)
	}

	e.db.Close()
	if _, err := lists.Fetch(ctx, c.StatusList); badged.KindOf(err) != badged.Unavailable {
		t.Errorf("with the store closed: %v, want Unavailable", err)
	}
}
