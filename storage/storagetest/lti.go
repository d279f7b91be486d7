package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/lti"
)

// RunLTI runs the suite of [lti.Store]: registrations found by issuer and
// client id (one per pair), nonces taken once, course links with versions,
// and one tool key however many ask for it. newStore returns a new, empty
// store for one subtest.
func RunLTI(t *testing.T, newStore func(t *testing.T) lti.Store) {
	ctx := context.Background()
	t.Run("Platforms", func(t *testing.T) {
		s := newStore(t)
		p := &lti.Platform{ID: "plat_1", InstitutionID: "i1", Name: "Canvas", Issuer: "https://canvas.example.edu", ClientID: "100",
			DeploymentIDs: []string{"d1", "d2"}, JWKSURL: "https://canvas.example.edu/jwks", AuthURL: "https://canvas.example.edu/auth",
			TokenURL: "https://canvas.example.edu/token", Created: t0}
		must(t, s.CreatePlatform(ctx, p))
		dup := *p
		dup.ID = "plat_2"
		wantKind(t, s.CreatePlatform(ctx, &dup), badged.Conflict)
		got, err := s.PlatformByIssuer(ctx, p.Issuer, "100")
		must(t, err)
		if got.ID != p.ID || len(got.DeploymentIDs) != 2 || got.TokenURL != p.TokenURL || !got.Created.Equal(t0) {
			t.Errorf("by issuer: %+v", got)
		}
		if got, err := s.PlatformByIssuer(ctx, p.Issuer, ""); err != nil || got.ID != p.ID {
			t.Errorf("by issuer alone: %+v, %v", got, err)
		}
		_, err = s.PlatformByIssuer(ctx, p.Issuer, "other")
		wantKind(t, err, badged.NotFound)
		other := *p
		other.ID, other.ClientID = "plat_3", "200"
		must(t, s.CreatePlatform(ctx, &other))
		_, err = s.PlatformByIssuer(ctx, p.Issuer, "")
		wantKind(t, err, badged.Invalid)
		if ps, err := s.Platforms(ctx, "i1"); err != nil || len(ps) != 2 {
			t.Errorf("platforms of i1: %v, %v", ps, err)
		}
		if ps, err := s.Platforms(ctx, "i2"); err != nil || len(ps) != 0 {
			t.Errorf("platforms of i2: %v, %v", ps, err)
		}
		if got, err := s.Platform(ctx, "plat_3"); err != nil || got.ClientID != "200" {
			t.Errorf("platform: %+v, %v", got, err)
		}
		_, err = s.Platform(ctx, "nope")
		wantKind(t, err, badged.NotFound)
	})
	t.Run("Nonces", func(t *testing.T) {
		s := newStore(t)
		must(t, s.CreateLTINonce(ctx, "h1", t0.Add(time.Minute)))
		wantKind(t, s.CreateLTINonce(ctx, "h1", t0.Add(time.Minute)), badged.Conflict)
		exp, err := s.TakeLTINonce(ctx, "h1")
		if err != nil || !exp.Equal(t0.Add(time.Minute)) {
			t.Errorf("take: %v, %v", exp, err)
		}
		_, err = s.TakeLTINonce(ctx, "h1")
		wantKind(t, err, badged.NotFound)
	})
	t.Run("Links", func(t *testing.T) {
		s := newStore(t)
		must(t, s.CreatePlatform(ctx, &lti.Platform{ID: "plat_1", InstitutionID: "i1", Name: "Moodle", Issuer: "https://moodle.example.edu",
			ClientID: "c", DeploymentIDs: []string{"1"}, JWKSURL: "https://moodle.example.edu/jwks", AuthURL: "https://moodle.example.edu/auth",
			TokenURL: "https://moodle.example.edu/token", Created: t0}))
		_, err := s.Link(ctx, "plat_1", "course-1")
		wantKind(t, err, badged.NotFound)
		l := &lti.Link{PlatformID: "plat_1", ContextID: "course-1", Title: "Statistics", BadgeClasses: []string{"b1"}, Updated: t0}
		must(t, s.PutLink(ctx, l))
		if l.Version != 1 {
			t.Errorf("version after create: %d", l.Version)
		}
		stale := *l
		stale.Version = 0
		wantKind(t, s.PutLink(ctx, &stale), badged.Conflict)
		l.BadgeClasses = []string{"b1", "b2"}
		must(t, s.PutLink(ctx, l))
		got, err := s.Link(ctx, "plat_1", "course-1")
		if err != nil || got.Version != 2 || len(got.BadgeClasses) != 2 || got.Title != "Statistics" {
			t.Errorf("link: %+v, %v", got, err)
		}
	})
	t.Run("ToolKey", func(t *testing.T) {
		s := newStore(t)
		first, err := s.ToolKey(ctx, func() ([]byte, error) { return []byte("key-1"), nil })
		must(t, err)
		again, err := s.ToolKey(ctx, func() ([]byte, error) { return []byte("key-2"), nil })
		must(t, err)
		if string(first) != "key-1" || string(again) != "key-1" {
			t.Errorf("tool key: %q then %q", first, again)
		}
	})
}
