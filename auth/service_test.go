package auth_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/auth"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/storage/bolt"
)

func TestService(t *testing.T) {
	ctx := context.Background()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "badged.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	is := issuer.NewService(db)
	s := auth.NewService(db, is, auth.WithClock(func() time.Time { return now }), auth.WithAccessTokenTTL(time.Minute))
	root := issuer.Actor{UserID: "root", Superuser: true}

	t.Run("fail/session as a client", func(t *testing.T) {
		if _, _, err := s.CreateSession(ctx, auth.User{ID: "client:x"}); badged.KindOf(err) != badged.Invalid {
			t.Errorf("err %v", err)
		}
	})
	t.Run("ok/session stores only a hash", func(t *testing.T) {
		token, ss, err := s.CreateSession(ctx, auth.User{ID: "u", Email: " A@Example.org "})
		if err != nil {
			t.Fatal(err)
		}
		if ss.Hash == token || ss.Hash != auth.Hash(token) || len(token) < 43 || ss.User.Email != "a@example.org" {
			t.Errorf("session %+v for token %q", ss, token)
		}
		if _, err := db.Session(ctx, token); badged.KindOf(err) != badged.NotFound {
			t.Error("the token itself is a key")
		}
	})
	t.Run("ok/client acts as an institution awarder, and not after revocation", func(t *testing.T) {
		in, err := is.CreateInstitution(ctx, root, issuer.Institution{Name: issuer.Text{EN: "U"}, SCHACHome: "u.example.edu",
			Type: issuer.WO, Country: "NL", DefaultLanguage: issuer.LangEN})
		if err != nil {
			t.Fatal(err)
		}
		c, secret, err := s.CreateClient(ctx, root, in.ID, "SIS")
		if err != nil {
			t.Fatal(err)
		}
		token, _, err := s.ClientCredentials(ctx, c.ID, secret)
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.BearerPrincipal(ctx, token)
		if err != nil || !p.System() || p.Actor().UserID != "client:"+c.ID {
			t.Fatalf("principal %+v, %v", p, err)
		}
		ms, _ := is.Memberships(ctx, p.Actor())
		if len(ms) != 1 || ms[0].Role != issuer.RoleInstitutionAwarder || ms[0].NodeID != in.ID {
			t.Errorf("memberships %+v", ms)
		}
		now = now.Add(2 * time.Minute)
		if _, err := s.BearerPrincipal(ctx, token); badged.KindOf(err) != badged.Unauthorized {
			t.Errorf("expired access token: %v", err)
		}
		if err := s.RevokeClient(ctx, root, in.ID, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.BearerPrincipal(ctx, secret); badged.KindOf(err) != badged.Unauthorized {
			t.Errorf("revoked API token: %v", err)
		}
		if _, _, err := s.ClientCredentials(ctx, c.ID, secret); err != auth.ErrInvalidClient {
			t.Errorf("revoked client credentials: %v", err)
		}
		if ms, _ := is.Memberships(ctx, p.Actor()); len(ms) != 0 {
			t.Errorf("memberships after revocation %+v", ms)
		}
	})
}
