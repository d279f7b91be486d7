package effects_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/badged/badged/audit"
	"github.com/badged/badged/effects"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/notify"
	"github.com/badged/badged/storage/bolt"
)

var at = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)

// pseudonyms names learners "learner:<user>", as a wallet would with a
// pseudonym, and staff by their user ID.
type pseudonyms struct{}

func (pseudonyms) AuditActor(_ context.Context, e issuer.Event) string {
	if e.ActorID == e.Recipient.UserID && e.ActorID != "" {
		return audit.LearnerPrefix + "p-" + e.ActorID
	}
	if e.ActorID == "" {
		return "system"
	}
	return e.ActorID
}

// TestAwards maps each award event to its audit entry and mail, on a real
// store for the names the mails show.
func TestAwards(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "badged.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	for _, err := range []error{
		db.CreateInstitution(ctx, &issuer.Institution{ID: "uni", Name: issuer.Text{EN: "Example University", NL: "Voorbeeld Universiteit"},
			Type: issuer.WO, Country: "NL", DefaultLanguage: issuer.LangEN, Created: at, Updated: at}),
		db.CreateGroup(ctx, &issuer.Group{ID: "fac", InstitutionID: "uni", Name: issuer.Text{EN: "Science"}, Created: at, Updated: at}),
		db.CreateIssuer(ctx, &issuer.Issuer{ID: "math", InstitutionID: "uni", GroupID: "fac", Name: issuer.Text{EN: "Mathematics"}, Created: at, Updated: at}),
		db.CreateBadgeClass(ctx, &issuer.BadgeClass{ID: "stats", InstitutionID: "uni", GroupID: "fac", IssuerID: "math",
			Name: issuer.Text{EN: "Statistics"}, Language: issuer.LangEN, State: issuer.Published, Created: at, Updated: at}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	outbox, err := notify.NewOutbox(db)
	if err != nil {
		t.Fatal(err)
	}
	rec := effects.New(audit.New(db), outbox, db, "https://badges.example.edu")

	ev := func(kind issuer.EventKind, from, to issuer.AwardState, actor string, email string) issuer.Event {
		return issuer.Event{Kind: kind, AwardID: "a/1", InstitutionID: "uni", IssuerID: "math", BadgeClassID: "stats",
			Recipient: issuer.Recipient{UserID: "u1", Email: email, Name: "Ada"}, ActorID: actor, From: from, To: to,
			ClaimDeadline: at.Add(82 * 24 * time.Hour), At: at}
	}
	tests := []struct {
		name   string
		e      issuer.Event
		action string
		actor  string
		mail   notify.Template // empty: none
	}{
		{"ok/sent at once", ev(issuer.EventDirectAwardSent, "", issuer.AwardSent, "staff", "ada@example.org"), audit.ActionAwardCreate, "staff", notify.TemplateAwardWaiting},
		{"ok/sent after a schedule", ev(issuer.EventDirectAwardSent, issuer.AwardScheduled, issuer.AwardSent, "", "ada@example.org"), "award.send", "system", notify.TemplateAwardWaiting},
		{"ok/sent to a malformed address", ev(issuer.EventDirectAwardSent, "", issuer.AwardSent, "staff", "Ada <ada@example.org>, bob@example.org"), audit.ActionAwardCreate, "staff", ""},
		{"ok/sent to an EPPN", ev(issuer.EventDirectAwardSent, "", issuer.AwardSent, "staff", ""), audit.ActionAwardCreate, "staff", ""},
		{"ok/scheduled", ev(issuer.EventScheduled, "", issuer.AwardScheduled, "staff", "ada@example.org"), audit.ActionAwardCreate, "staff", ""},
		{"ok/requested", ev(issuer.EventRequested, "", issuer.AwardRequested, "u1", "ada@example.org"), "award.request", audit.LearnerPrefix + "p-u1", ""},
		{"ok/approved", ev(issuer.EventAccepted, issuer.AwardRequested, issuer.AwardAccepted, "staff", "ada@example.org"), audit.ActionAwardApprove, "staff", ""},
		{"ok/denied", ev(issuer.EventRequestDenied, issuer.AwardRequested, issuer.AwardDenied, "staff", "ada@example.org"), audit.ActionAwardDeny, "staff", notify.TemplateRequestDenied},
		{"ok/claimed", ev(issuer.EventAccepted, issuer.AwardSent, issuer.AwardAccepted, "u1", "ada@example.org"), audit.ActionAwardClaim, audit.LearnerPrefix + "p-u1", ""},
		{"ok/rejected", ev(issuer.EventRejected, issuer.AwardSent, issuer.AwardRejected, "u1", "ada@example.org"), audit.ActionAwardReject, audit.LearnerPrefix + "p-u1", ""},
		{"ok/reminded", ev(issuer.EventReminder, issuer.AwardSent, issuer.AwardSent, "", "ada@example.org"), "award.remind", "system", notify.TemplateAwardReminder},
		{"ok/expired", ev(issuer.EventExpired, issuer.AwardSent, issuer.AwardExpired, "", "ada@example.org"), audit.ActionAwardExpire, "system", notify.TemplateAwardExpired},
		{"ok/issued", ev(issuer.EventIssued, issuer.AwardAccepted, issuer.AwardAccepted, "u1", "ada@example.org"), "award.issue", audit.LearnerPrefix + "p-u1", notify.TemplateBadgeReceived},
		{"ok/revoked", ev(issuer.EventRevoked, issuer.AwardAccepted, issuer.AwardRevoked, "staff", "ada@example.org"), audit.ActionAwardRevoke, "staff", notify.TemplateRevoked},
		{"ok/deleted", ev(issuer.EventDeleted, issuer.AwardSent, issuer.AwardDeleted, "staff", "ada@example.org"), "award.delete", "staff", ""},
	}
	rec.SetActors(pseudonyms{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.e.Kind == issuer.EventReminder {
				tt.e.DaysLeft = 42
			}
			fx, err := rec.Awards(ctx, []issuer.Event{tt.e})
			if err != nil {
				t.Fatal(err)
			}
			if len(fx.Audit) != 1 {
				t.Fatalf("%d audit entries, want 1", len(fx.Audit))
			}
			en := fx.Audit[0]
			if en.Action != tt.action || en.Actor != tt.actor || en.Target != (audit.Target{Kind: "award", ID: "a/1"}) ||
				en.InstitutionID != "uni" || !en.Time.Equal(at) || en.ID != effects.EventID(tt.e) {
				t.Errorf("entry = %+v, want action %s by %s", en, tt.action, tt.actor)
			}
			if tt.mail == "" {
				if len(fx.Mails) != 0 {
					t.Fatalf("mails %+v, want none", fx.Mails)
				}
				return
			}
			if len(fx.Mails) != 1 {
				t.Fatalf("%d mails, want 1", len(fx.Mails))
			}
			m := fx.Mails[0]
			if m.Template != tt.mail || m.To != "ada@example.org" || m.InstitutionID != "uni" || m.Lang != notify.LangEN ||
				!strings.Contains(m.Text, "Statistics") || m.Status != notify.Pending {
				t.Errorf("mail = %+v, want %s to ada@example.org about Statistics", m, tt.mail)
			}
			if tt.mail == notify.TemplateAwardWaiting && !strings.Contains(m.Text, effects.AwardURL("https://badges.example.edu", "a/1")) {
				t.Errorf("the award waiting mail does not link to the award:\n%s", m.Text)
			}
		})
	}

	// Without an Actors, a learner's own action is never recorded under
	// their user ID.
	bare := effects.New(audit.New(db), outbox, db, "https://badges.example.edu")
	fx, err := bare.Awards(ctx, []issuer.Event{ev(issuer.EventAccepted, issuer.AwardSent, issuer.AwardAccepted, "u1", "")})
	if err != nil || fx.Audit[0].Actor != "learner" {
		t.Fatalf("claim without actors: %+v, %v", fx.Audit, err)
	}
}

func TestAwardURL(t *testing.T) {
	if got := effects.AwardURL("https://badges.example.edu", "a/1 b"); got != "https://badges.example.edu/backpack/awards/a%2F1%20b" {
		t.Errorf("AwardURL = %s", got)
	}
}

// TestEventID checks that event IDs are stable, differ per event, and
// share their first four bytes (8 hex digits) within one award only.
func TestEventID(t *testing.T) {
	at := time.Date(2026, 12, 5, 17, 0, 0, 0, time.UTC)
	accepted := issuer.Event{Kind: issuer.EventAccepted, AwardID: "a1", At: at}
	issued := issuer.Event{Kind: issuer.EventIssued, AwardID: "a1", At: at}
	other := issuer.Event{Kind: issuer.EventAccepted, AwardID: "a2", At: at}
	a, i, o := effects.EventID(accepted), effects.EventID(issued), effects.EventID(other)
	switch {
	case len(a) != 32 || a != effects.EventID(accepted):
		t.Errorf("EventID = %q, not 32 stable hex digits", a)
	case a == i || a == o:
		t.Errorf("events share an ID: %s %s %s", a, i, o)
	case a[:8] != i[:8]:
		t.Errorf("one award's events %s and %s do not share a prefix", a, i)
	case a[:8] == o[:8]:
		t.Errorf("two awards' events %s and %s share a prefix", a, o)
	}
}
