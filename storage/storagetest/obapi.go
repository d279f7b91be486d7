package storagetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/obapi"
)

// RunOBAPI runs the conformance suite of [obapi.Store]. newStore returns a
// new, empty store for one subtest; it registers its own cleanup.
func RunOBAPI(t *testing.T, newStore func(t *testing.T) obapi.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s obapi.Store)
	}{
		{"Client", testOBClient},
		{"Grant", testOBGrant},
		{"Token", testOBToken},
		{"Profile", testOBProfile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore(t)) })
	}
}

func obClientFixture(id string) *obapi.Client {
	return &obapi.Client{ID: id, SecretHash: "sh-" + id, Name: "App " + id, URI: "https://app.example/",
		RedirectURIs: []string{"https://app.example/cb", "http://127.0.0.1:8080/cb"},
		Scopes:       []string{obapi.ScopeCredentialReadonly, obapi.ScopeProfileReadonly}, Created: t0}
}

func obGrantFixture(id, client, user string, created time.Time) *obapi.Grant {
	return &obapi.Grant{ID: id, ClientID: client, UserID: user, Scopes: []string{obapi.ScopeCredentialReadonly}, Created: created}
}

func testOBClient(t *testing.T, s obapi.Store) {
	ctx := context.Background()
	want := obClientFixture("c1")
	if err := s.CreateOBClient(ctx, want); err != nil {
		t.Fatal(err)
	}
	wantAuthKind(t, "duplicate client", s.CreateOBClient(ctx, obClientFixture("c1")), badged.Conflict)
	got, err := s.OBClient(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("OBClient = %+v, want %+v", got, want)
	}
	_, err = s.OBClient(ctx, "nope")
	wantAuthKind(t, "unknown client", err, badged.NotFound)
}

func testOBGrant(t *testing.T, s obapi.Store) {
	ctx := context.Background()
	if err := s.CreateOBClient(ctx, obClientFixture("c1")); err != nil {
		t.Fatal(err)
	}
	g2 := obGrantFixture("g2", "c1", "u1", t0.Add(time.Minute))
	g1 := obGrantFixture("g1", "c1", "u1", t0)
	other := obGrantFixture("g3", "c1", "u2", t0)
	for _, g := range []*obapi.Grant{g2, g1, other} {
		if err := s.CreateGrant(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	wantAuthKind(t, "duplicate grant", s.CreateGrant(ctx, obGrantFixture("g1", "c1", "u1", t0)), badged.Conflict)
	got, err := s.Grants(ctx, "u1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, []*obapi.Grant{g1, g2}) {
		t.Errorf("Grants(u1) = %+v, want g1, g2", got)
	}
	at := t0.Add(time.Hour)
	if err := s.RevokeGrant(ctx, "g1", at); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeGrant(ctx, "g1", at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	g, err := s.Grant(ctx, "g1")
	if err != nil {
		t.Fatal(err)
	}
	if !g.Revoked.Equal(at) || g.Active() {
		t.Errorf("revoked grant: Revoked = %v, want %v (the first revocation)", g.Revoked, at)
	}
	wantAuthKind(t, "revoke unknown grant", s.RevokeGrant(ctx, "nope", at), badged.NotFound)
	_, err = s.Grant(ctx, "nope")
	wantAuthKind(t, "unknown grant", err, badged.NotFound)
}

func testOBToken(t *testing.T, s obapi.Store) {
	ctx := context.Background()
	if err := s.CreateOBClient(ctx, obClientFixture("c1")); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateGrant(ctx, obGrantFixture("g1", "c1", "u1", t0)); err != nil {
		t.Fatal(err)
	}
	code := &obapi.Token{Hash: "h1", Kind: obapi.KindCode, GrantID: "g1", RedirectURI: "https://app.example/cb",
		CodeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGemw-cM", Created: t0, Expires: t0.Add(time.Minute)}
	refresh := &obapi.Token{Hash: "h2", Kind: obapi.KindRefresh, GrantID: "g1", Created: t0, Expires: t0.Add(time.Hour)}
	narrow := &obapi.Token{Hash: "h3", Kind: obapi.KindAccess, GrantID: "g1", Created: t0, Expires: t0.Add(time.Hour),
		Scopes: []string{obapi.ScopeCredentialReadonly}}
	for _, tk := range []*obapi.Token{code, refresh, narrow} {
		if err := s.CreateToken(ctx, tk); err != nil {
			t.Fatal(err)
		}
	}
	wantAuthKind(t, "duplicate token", s.CreateToken(ctx, code), badged.Conflict)
	got, err := s.Token(ctx, "h1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, code) {
		t.Errorf("Token = %+v, want %+v", got, code)
	}
	if got, err := s.Token(ctx, "h3"); err != nil || !reflect.DeepEqual(got, narrow) {
		t.Errorf("an access token with its own scopes: %+v, %v; want %+v", got, err, narrow)
	}
	at := t0.Add(time.Second)
	if err := s.UseToken(ctx, "h1", at); err != nil {
		t.Fatal(err)
	}
	wantAuthKind(t, "second use", s.UseToken(ctx, "h1", at.Add(time.Second)), badged.Conflict)
	wantAuthKind(t, "use unknown", s.UseToken(ctx, "nope", at), badged.NotFound)
	got, err = s.Token(ctx, "h1")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Used.Equal(at) {
		t.Errorf("Used = %v, want %v", got.Used, at)
	}
	if got, err := s.Token(ctx, "h2"); err != nil || !got.Used.IsZero() {
		t.Errorf("the other token: %+v, %v; want it unused", got, err)
	}
	_, err = s.Token(ctx, "nope")
	wantAuthKind(t, "unknown token", err, badged.NotFound)
}

func testOBProfile(t *testing.T, s obapi.Store) {
	ctx := context.Background()
	_, err := s.Profile(ctx, "u1")
	wantAuthKind(t, "no profile", err, badged.NotFound)
	p := &obapi.Profile{UserID: "u1", Name: "Ada", Description: "learner", URL: "https://ada.example", Updated: t0}
	if err := s.PutProfile(ctx, p); err != nil {
		t.Fatal(err)
	}
	p2 := &obapi.Profile{UserID: "u1", Name: "Ada L.", Updated: t0.Add(time.Hour)}
	if err := s.PutProfile(ctx, p2); err != nil {
		t.Fatal(err)
	}
	got, err := s.Profile(ctx, "u1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, p2) {
		t.Errorf("Profile = %+v, want %+v", got, p2)
	}
}
