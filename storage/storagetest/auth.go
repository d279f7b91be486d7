package storagetest

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/auth"
)

// RunAuth runs the conformance suite of [auth.Store]. newStore returns a
// new, empty store for one subtest; it registers its own cleanup.
func RunAuth(t *testing.T, newStore func(t *testing.T) auth.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s auth.Store)
	}{
		{"Session", testSession},
		{"Client", testClient},
		{"ClientOrder", testClientOrder},
		{"AccessToken", testAccessToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore(t)) })
	}
}

func wantAuthKind(t *testing.T, what string, err error, kind badged.Kind) {
	t.Helper()
	if got := badged.KindOf(err); err == nil || got != kind {
		t.Errorf("%s: error %v (kind %s), want kind %s", what, err, got, kind)
	}
}

func testSession(t *testing.T, s auth.Store) {
	ctx := context.Background()
	want := &auth.Session{Hash: auth.Hash("token"), User: auth.User{ID: "u1", Email: "a@example.org", Superuser: true},
		Created: t0, Expires: t0.Add(time.Hour)}
	if err := s.CreateSession(ctx, want); err != nil {
		t.Fatal(err)
	}
	wantAuthKind(t, "duplicate session", s.CreateSession(ctx, want), badged.Conflict)
	got, err := s.Session(ctx, want.Hash)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Session = %+v, want %+v", got, want)
	}
	_, err = s.Session(ctx, auth.Hash("other"))
	wantAuthKind(t, "unknown session", err, badged.NotFound)
	if err := s.DeleteSession(ctx, want.Hash); err != nil {
		t.Fatal(err)
	}
	_, err = s.Session(ctx, want.Hash)
	wantAuthKind(t, "deleted session", err, badged.NotFound)
	wantAuthKind(t, "delete twice", s.DeleteSession(ctx, want.Hash), badged.NotFound)
}

func client(id, inst string, created time.Time) *auth.Client {
	return &auth.Client{ID: id, InstitutionID: inst, Name: "SIS " + id, SecretHash: auth.Hash("secret-" + id),
		CreatedBy: "admin", Created: created}
}

func testClient(t *testing.T, s auth.Store) {
	ctx := context.Background()
	c := client("c1", "i1", t0)
	if err := s.CreateClient(ctx, c); err != nil {
		t.Fatal(err)
	}
	wantAuthKind(t, "duplicate ID", s.CreateClient(ctx, c), badged.Conflict)
	dupSecret := client("c2", "i1", t0)
	dupSecret.SecretHash = c.SecretHash
	wantAuthKind(t, "duplicate secret", s.CreateClient(ctx, dupSecret), badged.Conflict)
	scoped := client("c3", "i1", t0)
	scoped.Scope = auth.Scope{Issuers: []string{"s1", "s2"}, BadgeClasses: []string{"b1"}, FreeForm: true}
	if err := s.CreateClient(ctx, scoped); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Client(ctx, "c3"); err != nil || !reflect.DeepEqual(got, scoped) {
		t.Errorf("scoped client = %+v, %v; want %+v", got, err, scoped)
	}

	for name, get := range map[string]func() (*auth.Client, error){
		"Client":         func() (*auth.Client, error) { return s.Client(ctx, "c1") },
		"ClientBySecret": func() (*auth.Client, error) { return s.ClientBySecret(ctx, c.SecretHash) },
	} {
		got, err := get()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got, c) {
			t.Errorf("%s = %+v, want %+v", name, got, c)
		}
	}
	_, err := s.Client(ctx, "nope")
	wantAuthKind(t, "unknown client", err, badged.NotFound)
	_, err = s.ClientBySecret(ctx, auth.Hash("nope"))
	wantAuthKind(t, "unknown secret", err, badged.NotFound)

	used := t0.Add(time.Minute)
	if err := s.TouchClient(ctx, "c1", used); err != nil {
		t.Fatal(err)
	}
	if err := s.TouchClient(ctx, "c1", t0); err != nil { // earlier: ignored
		t.Fatal(err)
	}
	revoked := t0.Add(2 * time.Minute)
	if err := s.RevokeClient(ctx, "c1", revoked); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeClient(ctx, "c1", revoked.Add(time.Hour)); err != nil { // twice: keeps the first
		t.Fatal(err)
	}
	got, err := s.Client(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	if !got.LastUsed.Equal(used) || !got.Revoked.Equal(revoked) || got.Active() {
		t.Errorf("after touch and revoke: LastUsed %v, Revoked %v", got.LastUsed, got.Revoked)
	}
	wantAuthKind(t, "revoke unknown", s.RevokeClient(ctx, "nope", revoked), badged.NotFound)
	wantAuthKind(t, "touch unknown", s.TouchClient(ctx, "nope", revoked), badged.NotFound)
}

func testClientOrder(t *testing.T, s auth.Store) {
	ctx := context.Background()
	// Created out of order, with a tie broken by ID, and one elsewhere.
	for _, c := range []*auth.Client{
		client("b", "i1", t0.Add(time.Second)), client("z", "i1", t0), client("a", "i1", t0.Add(time.Second)),
		client("x", "i2", t0),
	} {
		if err := s.CreateClient(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Clients(ctx, "i1")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range got {
		ids = append(ids, c.ID)
	}
	if fmt.Sprint(ids) != "[z a b]" {
		t.Errorf("Clients(i1) = %v, want [z a b]", ids)
	}
	none, err := s.Clients(ctx, "i3")
	if err != nil || none == nil || len(none) != 0 {
		t.Errorf("Clients(i3) = %v, %v; want empty, not nil", none, err)
	}
}

func testAccessToken(t *testing.T, s auth.Store) {
	ctx := context.Background()
	if err := s.CreateClient(ctx, client("c1", "i1", t0)); err != nil {
		t.Fatal(err)
	}
	want := &auth.AccessToken{Hash: auth.Hash("at"), ClientID: "c1", Created: t0, Expires: t0.Add(time.Hour)}
	if err := s.CreateAccessToken(ctx, want); err != nil {
		t.Fatal(err)
	}
	wantAuthKind(t, "duplicate token", s.CreateAccessToken(ctx, want), badged.Conflict)
	got, err := s.AccessToken(ctx, want.Hash)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("AccessToken = %+v, want %+v", got, want)
	}
	_, err = s.AccessToken(ctx, auth.Hash("other"))
	wantAuthKind(t, "unknown token", err, badged.NotFound)
}
