package storagetest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/openid4vci"
)

// RunOpenID4VCI runs the conformance suite of [openid4vci.Store]. newStore
// returns a new, empty store for one subtest; it registers its own cleanup.
func RunOpenID4VCI(t *testing.T, newStore func(t *testing.T) openid4vci.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s openid4vci.Store)
	}{
		{"Offer", testVCIOffer},
		{"Update", testVCIUpdate},
		{"Nonce", testVCINonce},
		{"Purge", testVCIPurge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore(t)) })
	}
}

func vciOfferFixture(id, code string) *openid4vci.Offer {
	return &openid4vci.Offer{ID: id, AwardID: "a-" + id, Configurations: []string{"c1", "c2"},
		CodeHash: code, TxCodeHash: "tx-" + id, Created: t0, Expires: t0.Add(10 * time.Minute),
		TokenExpires: time.Time{}.UTC()}
}

// vciAuthorizedFixture is an offer of the authorization code flow.
func vciAuthorizedFixture(id, code string) *openid4vci.Offer {
	o := vciOfferFixture(id, code)
	o.TxCodeHash, o.ClientID, o.RedirectURI = "", "wallet-"+id, "https://wallet.example/cb?x=1"
	o.CodeChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGemw-cM"
	return o
}

func testVCIOffer(t *testing.T, s openid4vci.Store) {
	ctx := context.Background()
	want := vciOfferFixture("o1", "code1")
	if err := s.CreateOffer(ctx, want); err != nil {
		t.Fatal(err)
	}
	wantAuthKind(t, "duplicate offer", s.CreateOffer(ctx, vciOfferFixture("o1", "code2")), badged.Conflict)
	wantAuthKind(t, "duplicate code", s.CreateOffer(ctx, vciOfferFixture("o2", "code1")), badged.Conflict)
	got, err := s.Offer(ctx, "o1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Offer = %+v, want %+v", got, want)
	}
	authorized := vciAuthorizedFixture("o3", "code3")
	if err := s.CreateOffer(ctx, authorized); err != nil {
		t.Fatal(err)
	}
	if got, err := s.OfferByCode(ctx, "code3"); err != nil || !reflect.DeepEqual(got, authorized) {
		t.Errorf("authorized OfferByCode = %+v, %v; want %+v", got, err, authorized)
	}
	if got, err := s.OfferByCode(ctx, "code1"); err != nil || got.ID != "o1" {
		t.Errorf("OfferByCode = %v, %v; want o1", got, err)
	}
	_, err = s.Offer(ctx, "nope")
	wantAuthKind(t, "unknown offer", err, badged.NotFound)
	_, err = s.OfferByCode(ctx, "nope")
	wantAuthKind(t, "unknown code", err, badged.NotFound)
	_, err = s.OfferByToken(ctx, "")
	wantAuthKind(t, "no token", err, badged.NotFound)
}

func testVCIUpdate(t *testing.T, s openid4vci.Store) {
	ctx := context.Background()
	if err := s.CreateOffer(ctx, vciOfferFixture("o1", "code1")); err != nil {
		t.Fatal(err)
	}
	// An error from fn changes nothing and comes back as is.
	stop := errors.New("stop")
	if _, err := s.UpdateOffer(ctx, "o1", func(o *openid4vci.Offer) error {
		o.Redeemed, o.TokenHash = true, "tok1"
		return stop
	}); err != stop {
		t.Fatalf("UpdateOffer error = %v, want fn's", err)
	}
	if _, err := s.OfferByToken(ctx, "tok1"); badged.KindOf(err) != badged.NotFound {
		t.Fatalf("aborted update left a token: %v", err)
	}
	got, err := s.UpdateOffer(ctx, "o1", func(o *openid4vci.Offer) error {
		o.TxAttempts++
		o.Redeemed, o.TokenHash, o.TokenExpires = true, "tok1", t0.Add(time.Hour)
		return nil
	})
	if err != nil || got.TxAttempts != 1 || !got.Redeemed {
		t.Fatalf("UpdateOffer = %+v, %v", got, err)
	}
	byToken, err := s.OfferByToken(ctx, "tok1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(byToken, got) {
		t.Errorf("OfferByToken = %+v, want %+v", byToken, got)
	}
	_, err = s.UpdateOffer(ctx, "nope", func(*openid4vci.Offer) error { return nil })
	wantAuthKind(t, "update unknown", err, badged.NotFound)
}

func testVCINonce(t *testing.T, s openid4vci.Store) {
	ctx := context.Background()
	exp := t0.Add(5 * time.Minute)
	if err := s.CreateNonce(ctx, "n1", exp); err != nil {
		t.Fatal(err)
	}
	wantAuthKind(t, "duplicate nonce", s.CreateNonce(ctx, "n1", exp), badged.Conflict)
	got, err := s.TakeNonce(ctx, "n1")
	if err != nil || !got.Equal(exp) {
		t.Fatalf("TakeNonce = %v, %v; want %v", got, err, exp)
	}
	_, err = s.TakeNonce(ctx, "n1")
	wantAuthKind(t, "second take", err, badged.NotFound)
}

// testVCIPurge: PurgeExpired removes the offers whose code and token both
// expired, with their indexes, and the expired nonces; nothing alive.
func testVCIPurge(t *testing.T, s openid4vci.Store) {
	ctx := context.Background()
	// o1: code expired, never redeemed: dead. o2: code expired, token
	// still valid: alive. o3: code still valid: alive. o4: code and token
	// expired: dead.
	for _, o := range []*openid4vci.Offer{vciOfferFixture("o1", "code1"), vciOfferFixture("o2", "code2"),
		vciOfferFixture("o3", "code3"), vciOfferFixture("o4", "code4")} {
		if o.ID == "o3" {
			o.Expires = t0.Add(2 * time.Hour)
		}
		if err := s.CreateOffer(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	redeem := func(id, token string, expires time.Time) {
		t.Helper()
		if _, err := s.UpdateOffer(ctx, id, func(o *openid4vci.Offer) error {
			o.Redeemed, o.TokenHash, o.TokenExpires = true, token, expires
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	redeem("o2", "tok2", t0.Add(2*time.Hour))
	redeem("o4", "tok4", t0.Add(30*time.Minute))
	for _, n := range []struct {
		hash    string
		expires time.Time
	}{{"n-old", t0.Add(time.Minute)}, {"n-new", t0.Add(2 * time.Hour)}} {
		if err := s.CreateNonce(ctx, n.hash, n.expires); err != nil {
			t.Fatal(err)
		}
	}
	offers, nonces, err := s.PurgeExpired(ctx, t0.Add(time.Hour))
	if err != nil || offers != 2 || nonces != 1 {
		t.Fatalf("PurgeExpired = %d offers, %d nonces, %v; want 2, 1", offers, nonces, err)
	}
	for _, id := range []string{"o1", "o4"} {
		_, err := s.Offer(ctx, id)
		wantAuthKind(t, "purged offer "+id, err, badged.NotFound)
	}
	_, err = s.OfferByCode(ctx, "code1")
	wantAuthKind(t, "purged code", err, badged.NotFound)
	_, err = s.OfferByToken(ctx, "tok4")
	wantAuthKind(t, "purged token", err, badged.NotFound)
	if got, err := s.OfferByToken(ctx, "tok2"); err != nil || got.ID != "o2" {
		t.Errorf("OfferByToken(tok2) = %v, %v; want o2 kept", got, err)
	}
	if got, err := s.OfferByCode(ctx, "code3"); err != nil || got.ID != "o3" {
		t.Errorf("OfferByCode(code3) = %v, %v; want o3 kept", got, err)
	}
	_, err = s.TakeNonce(ctx, "n-old")
	wantAuthKind(t, "purged nonce", err, badged.NotFound)
	if _, err := s.TakeNonce(ctx, "n-new"); err != nil {
		t.Errorf("TakeNonce(n-new): %v; want it kept", err)
	}
	// Again: nothing left to purge.
	if offers, nonces, err := s.PurgeExpired(ctx, t0.Add(time.Hour)); err != nil || offers != 0 || nonces != 0 {
		t.Errorf("second PurgeExpired = %d, %d, %v; want 0, 0", offers, nonces, err)
	}
}
