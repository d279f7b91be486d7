package storagetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/login"
)

// RunLogin runs the conformance suite of [login.Store]. newStore returns a
// new, empty store for one subtest; it registers its own cleanup.
func RunLogin(t *testing.T, newStore func(t *testing.T) login.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s login.Store)
	}{
		{"User", testLoginUser},
		{"Subject", testLoginSubject},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore(t)) })
	}
}

func loginUserFixture(iss, sub string) *login.User {
	return &login.User{ID: login.UserID(iss, sub), Kind: login.Learner, Provider: "eduid", Issuer: iss, Subject: sub,
		Emails: []string{"a@example.org", "b@example.org"}, Name: "Anna", EduID: "e-" + sub,
		EPPNs: []string{"anna@university-example.org"}, Created: t0, LastLogin: t0}
}

func testLoginUser(t *testing.T, s login.Store) {
	ctx := context.Background()
	want := loginUserFixture("https://login.example.org", "s1")
	if err := s.CreateUser(ctx, want); err != nil {
		t.Fatal(err)
	}
	wantAuthKind(t, "duplicate user", s.CreateUser(ctx, want), badged.Conflict)
	got, err := s.User(ctx, want.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("User = %+v, want %+v", got, want)
	}
	_, err = s.User(ctx, "usr_nobody")
	wantAuthKind(t, "unknown user", err, badged.NotFound)

	upd := *got
	upd.Kind, upd.Provider, upd.Name = login.Staff, "conext", "Anna B."
	upd.Emails, upd.EPPNs = []string{"c@example.org"}, nil
	upd.SCHACHome, upd.InstitutionID = "university-example.org", "inst1"
	upd.LastLogin = t0.Add(time.Hour)
	upd.Issuer, upd.Subject, upd.Created = "https://other.example.org", "s2", t0.Add(time.Minute) // kept as stored
	if err := s.UpdateUser(ctx, &upd); err != nil {
		t.Fatal(err)
	}
	got, err = s.User(ctx, want.ID)
	if err != nil {
		t.Fatal(err)
	}
	upd.Issuer, upd.Subject, upd.Created = want.Issuer, want.Subject, want.Created
	if !reflect.DeepEqual(got, &upd) {
		t.Errorf("updated User = %+v, want %+v", got, &upd)
	}
	missing := loginUserFixture("https://login.example.org", "missing")
	wantAuthKind(t, "update unknown user", s.UpdateUser(ctx, missing), badged.NotFound)

	if err := s.DeleteUser(ctx, want.ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.User(ctx, want.ID)
	wantAuthKind(t, "deleted user", err, badged.NotFound)
	wantAuthKind(t, "delete twice", s.DeleteUser(ctx, want.ID), badged.NotFound)
	// The subject is free again.
	if err := s.CreateUser(ctx, want); err != nil {
		t.Fatalf("create after delete: %v", err)
	}
}

func testLoginSubject(t *testing.T, s login.Store) {
	ctx := context.Background()
	a := loginUserFixture("https://login.example.org", "s1")
	if err := s.CreateUser(ctx, a); err != nil {
		t.Fatal(err)
	}
	b := *a
	b.ID = "usr_other"
	wantAuthKind(t, "same issuer and subject", s.CreateUser(ctx, &b), badged.Conflict)
	c := loginUserFixture("https://other.example.org", "s1")
	if err := s.CreateUser(ctx, c); err != nil {
		t.Fatalf("same subject at another issuer: %v", err)
	}
}
