package storagetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/verifier"
	"github.com/badged/badged/wallet"
)

// RunWallet runs the conformance suite of [wallet.Store]. newStore returns
// a new, empty store for one subtest; it registers its own cleanup.
func RunWallet(t *testing.T, newStore func(t *testing.T) wallet.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s wallet.Store)
	}{
		{"Key", testWalletKey},
		{"Share", testWalletShare},
		{"Import", testWalletImport},
		{"Presentation", testWalletPresentation},
		{"Collection", testWalletCollection},
		{"DeleteWallet", testDeleteWallet},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore(t)) })
	}
}

func wantEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %+v, want %+v", what, got, want)
	}
}

func testWalletKey(t *testing.T, s wallet.Store) {
	ctx := context.Background()
	_, err := s.WalletKey(ctx, "u1")
	wantAuthKind(t, "no key", err, badged.NotFound)
	k := &wallet.Key{UserID: "u1", DID: "did:key:z6Mk1", Sealed: []byte{1, 2, 3}, Created: t0}
	if err := s.CreateWalletKey(ctx, k); err != nil {
		t.Fatal(err)
	}
	wantAuthKind(t, "second key", s.CreateWalletKey(ctx, &wallet.Key{UserID: "u1", DID: "did:key:z6Mk2", Sealed: []byte{4}, Created: t0}), badged.Conflict)
	got, err := s.WalletKey(ctx, "u1")
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "WalletKey", got, k)
}

func testWalletShare(t *testing.T, s wallet.Store) {
	ctx := context.Background()
	sh := &wallet.Share{ID: "sh1", UserID: "u1", HoldingID: "h1", Public: true, Created: t0, Updated: t0}
	if err := s.PutShare(ctx, sh); err != nil {
		t.Fatal(err)
	}
	got, err := s.ShareByID(ctx, "sh1")
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "ShareByID", got, sh)
	off := *sh
	off.Public, off.Updated = false, t0.Add(time.Minute)
	if err := s.PutShare(ctx, &off); err != nil {
		t.Fatal(err)
	}
	got, err = s.Share(ctx, "u1", "h1")
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "Share after update", got, &off)
	_, err = s.Share(ctx, "u2", "h1")
	wantAuthKind(t, "another user's share", err, badged.NotFound)
	_, err = s.ShareByID(ctx, "nope")
	wantAuthKind(t, "unknown share", err, badged.NotFound)
	wantAuthKind(t, "share ID of another holding", s.PutShare(ctx, &wallet.Share{ID: "sh1", UserID: "u2", HoldingID: "h9", Created: t0, Updated: t0}), badged.Conflict)
	list, err := s.Shares(ctx, "u1")
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "Shares", list, []*wallet.Share{&off})
	list, _ = s.Shares(ctx, "u2")
	wantEqual(t, "Shares of u2", list, []*wallet.Share{})
}

func testWalletImport(t *testing.T, s wallet.Store) {
	ctx := context.Background()
	res := &verifier.Result{Verified: true, Container: "json", Checks: []verifier.Check{{ID: "proof", Verdict: verifier.Pass, Message: "ok"}}}
	a := &wallet.Import{ID: "imp_a", UserID: "u1", Source: "json", Credential: []byte(`{"a":1}`), Format: wallet.FormatJSON, Verification: res, Created: t0}
	b := &wallet.Import{ID: "imp_b", UserID: "u1", Source: "url", URL: "https://x.example/c", Credential: []byte("h.p.s"), Format: wallet.FormatJWT, Verification: res, Created: t0.Add(time.Second)}
	for _, im := range []*wallet.Import{b, a} {
		if err := s.CreateImport(ctx, im); err != nil {
			t.Fatal(err)
		}
	}
	wantAuthKind(t, "duplicate import", s.CreateImport(ctx, a), badged.Conflict)
	got, err := s.Import(ctx, "u1", "imp_a")
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "Import", got, a)
	_, err = s.Import(ctx, "u2", "imp_a")
	wantAuthKind(t, "another user's import", err, badged.NotFound)
	list, err := s.Imports(ctx, "u1")
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "Imports", list, []*wallet.Import{a, b})
	wantAuthKind(t, "delete another user's import", s.DeleteImport(ctx, "u2", "imp_a"), badged.NotFound)
	if err := s.PutShare(ctx, &wallet.Share{ID: "sha", UserID: "u1", HoldingID: "imp_a", Public: true, Created: t0, Updated: t0}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteImport(ctx, "u1", "imp_a"); err != nil {
		t.Fatal(err)
	}
	_, err = s.ShareByID(ctx, "sha")
	wantAuthKind(t, "share of a deleted import", err, badged.NotFound)
}

func testWalletPresentation(t *testing.T, s wallet.Store) {
	ctx := context.Background()
	p := &wallet.Presentation{ID: "vp_1", UserID: "u1", HoldingIDs: []string{"h1"}, Challenge: "c", Domain: "d",
		JSON: []byte(`{"type":"VerifiablePresentation"}`), Created: t0, Expires: t0.Add(time.Hour)}
	if err := s.CreatePresentation(ctx, p); err != nil {
		t.Fatal(err)
	}
	wantAuthKind(t, "duplicate presentation", s.CreatePresentation(ctx, p), badged.Conflict)
	got, err := s.Presentation(ctx, "vp_1")
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "Presentation", got, p)
	list, _ := s.Presentations(ctx, "u1")
	wantEqual(t, "Presentations", list, []*wallet.Presentation{p})
	wantAuthKind(t, "delete another user's", s.DeletePresentation(ctx, "u2", "vp_1"), badged.NotFound)
	if err := s.DeletePresentation(ctx, "u1", "vp_1"); err != nil {
		t.Fatal(err)
	}
	_, err = s.Presentation(ctx, "vp_1")
	wantAuthKind(t, "deleted presentation", err, badged.NotFound)
}

func testWalletCollection(t *testing.T, s wallet.Store) {
	ctx := context.Background()
	c := &wallet.Collection{ID: "col_1", UserID: "u1", Name: "Data", HoldingIDs: []string{"h1", "h2"}, Created: t0, Updated: t0}
	if err := s.PutCollection(ctx, c); err != nil {
		t.Fatal(err)
	}
	c.Name, c.Updated = "Data science", t0.Add(time.Hour)
	if err := s.PutCollection(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, err := s.Collection(ctx, "u1", "col_1")
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "Collection", got, c)
	_, err = s.Collection(ctx, "u2", "col_1")
	wantAuthKind(t, "another user's collection", err, badged.NotFound)
	wantAuthKind(t, "another user's collection ID", s.PutCollection(ctx, &wallet.Collection{ID: "col_1", UserID: "u2", Name: "x", Created: t0, Updated: t0}), badged.Conflict)
	list, _ := s.Collections(ctx, "u1")
	wantEqual(t, "Collections", list, []*wallet.Collection{c})
	if err := s.DeleteCollection(ctx, "u1", "col_1"); err != nil {
		t.Fatal(err)
	}
	wantAuthKind(t, "deleted collection", s.DeleteCollection(ctx, "u1", "col_1"), badged.NotFound)
}

func testDeleteWallet(t *testing.T, s wallet.Store) {
	ctx := context.Background()
	for _, u := range []string{"u1", "u2"} {
		must(t, s.CreateWalletKey(ctx, &wallet.Key{UserID: u, DID: "did:key:" + u, Sealed: []byte{1}, Created: t0}))
		must(t, s.PutShare(ctx, &wallet.Share{ID: "sh-" + u, UserID: u, HoldingID: "h", Public: true, Created: t0, Updated: t0}))
		must(t, s.CreateImport(ctx, &wallet.Import{ID: "imp_" + u, UserID: u, Credential: []byte("{}"), Format: wallet.FormatJSON, Created: t0}))
		must(t, s.CreatePresentation(ctx, &wallet.Presentation{ID: "vp_" + u, UserID: u, JSON: []byte("{}"), Created: t0, Expires: t0}))
		must(t, s.PutCollection(ctx, &wallet.Collection{ID: "col_" + u, UserID: u, Name: "c", Created: t0, Updated: t0}))
	}
	must(t, s.DeleteWallet(ctx, "u1"))
	must(t, s.DeleteWallet(ctx, "u1")) // again: nothing to do
	_, err := s.WalletKey(ctx, "u1")
	wantAuthKind(t, "deleted key", err, badged.NotFound)
	_, err = s.ShareByID(ctx, "sh-u1")
	wantAuthKind(t, "deleted share", err, badged.NotFound)
	_, err = s.Presentation(ctx, "vp_u1")
	wantAuthKind(t, "deleted presentation", err, badged.NotFound)
	for what, n := range map[string]int{
		"imports":     len(mustList(s.Imports(ctx, "u1"))),
		"shares":      len(mustList(s.Shares(ctx, "u1"))),
		"collections": len(mustList(s.Collections(ctx, "u1"))),
	} {
		if n != 0 {
			t.Errorf("%d %s left", n, what)
		}
	}
	if _, err := s.ShareByID(ctx, "sh-u2"); err != nil {
		t.Errorf("the other user's share: %v", err)
	}
	if _, err := s.Presentation(ctx, "vp_u2"); err != nil {
		t.Errorf("the other user's presentation: %v", err)
	}
}

func mustList[T any](l []T, err error) []T {
	if err != nil {
		panic(err)
	}
	return l
}
