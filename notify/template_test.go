package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/notify"
)

var (
	expires = time.Date(2026, 5, 22, 0, 0, 0, 0, time.UTC)
	badge   = notify.Badge{Name: "Café <script>alert(1)</script>", IssuerName: "Faculteit Bètawetenschappen",
		InstitutionName: "Universiteit Utrecht"}
)

// messages returns one message of every template, with the facts each
// rendering must show, per language.
func messages() []struct {
	tmpl  notify.Template
	data  any
	facts map[string][]string // by language; the subject must hold the first
} {
	return []struct {
		tmpl  notify.Template
		data  any
		facts map[string][]string
	}{
		{notify.TemplateBadgeReceived, notify.BadgeReceived{RecipientName: "Anna", Badge: badge, URL: "https://badged.example/backpack/b1"},
			map[string][]string{"nl": {"ontvangen", "Anna", "https://badged.example/backpack/b1"}, "en": {"received", "Anna", "https://badged.example/backpack/b1"}}},
		{notify.TemplateAwardWaiting, &notify.AwardWaiting{RecipientName: "Anna", Badge: badge, ClaimURL: "https://badged.example/claim/a1", Expires: expires},
			map[string][]string{"nl": {"klaar", "https://badged.example/claim/a1", "22 mei 2026"}, "en": {"waiting", "https://badged.example/claim/a1", "22 May 2026"}}},
		{notify.TemplateAwardReminder, notify.AwardReminder{Badge: badge, ClaimURL: "https://badged.example/claim/a1", DaysLeft: 42, Expires: expires},
			map[string][]string{"nl": {"Herinnering", "42 dagen", "22 mei 2026"}, "en": {"Reminder", "42 days", "22 May 2026"}}},
		{notify.TemplateAwardExpired, notify.AwardExpired{RecipientName: "Anna", Badge: badge},
			map[string][]string{"nl": {"verlopen", "Anna"}, "en": {"expired", "Anna"}}},
		{notify.TemplateRequestDenied, notify.RequestDenied{RecipientName: "Anna", Badge: badge, Reason: "Bewijs ontbreekt & <b>meer</b>", URL: "https://badged.example/requests/r1"},
			map[string][]string{"nl": {"afgewezen", "Reden", "Bewijs ontbreekt"}, "en": {"denied", "Reason", "Bewijs ontbreekt"}}},
		{notify.TemplateRevoked, notify.Revoked{RecipientName: "Anna", Badge: badge, Reason: "Fraude"},
			map[string][]string{"nl": {"ingetrokken", "Fraude"}, "en": {"revoked", "Fraude"}}},
		{notify.TemplateStaffInvitation, notify.StaffInvitation{InviterName: "Piet", InstitutionName: "Universiteit Utrecht", Role: "awarder", Entity: "Faculteit Bètawetenschappen", AcceptURL: "https://badged.example/invitations/i1"},
			map[string][]string{"nl": {"uitgenodigd", "Piet", "awarder", "https://badged.example/invitations/i1"}, "en": {"invited", "Piet", "awarder", "https://badged.example/invitations/i1"}}},
	}
}

// TestTemplates renders every template in both languages and checks the
// subject, the facts in both bodies, and that HTML escapes user input.
func TestTemplates(t *testing.T) {
	if len(messages()) != len(notify.AllTemplates()) {
		t.Fatalf("the test covers %d templates of %d", len(messages()), len(notify.AllTemplates()))
	}
	ctx := context.Background()
	for _, m := range messages() {
		for _, lang := range []string{"nl", "en"} {
			t.Run("ok/"+string(m.tmpl)+"/"+lang, func(t *testing.T) {
				o, store := newOutbox(t)
				err := o.Enqueue(ctx, notify.Message{ID: "m", InstitutionID: "i1", To: "Anna <Anna@Example.org>",
					Lang: lang, Template: m.tmpl, Data: m.data})
				if err != nil {
					t.Fatal(err)
				}
				got, err := store.Mail(ctx, "m")
				if err != nil {
					t.Fatal(err)
				}
				facts := m.facts[lang]
				if !strings.Contains(got.Subject, facts[0]) || strings.Contains(got.Subject, "\n") {
					t.Errorf("subject %q lacks %q or has a line break", got.Subject, facts[0])
				}
				for _, f := range facts[1:] {
					if !strings.Contains(got.Text, f) {
						t.Errorf("text lacks %q:\n%s", f, got.Text)
					}
					if !strings.Contains(got.HTML, strings.ReplaceAll(f, "&", "&amp;")) {
						t.Errorf("HTML lacks %q:\n%s", f, got.HTML)
					}
				}
				if m.tmpl != notify.TemplateStaffInvitation {
					if !strings.Contains(got.Text, badge.Name) || !strings.Contains(got.Subject, badge.Name) {
						t.Errorf("subject or text lacks the badge name as given: %q", got.Subject)
					}
					if strings.Contains(got.HTML, "<script>") || !strings.Contains(got.HTML, "Café &lt;script&gt;alert(1)&lt;/script&gt;") {
						t.Errorf("HTML does not escape the badge name:\n%s", got.HTML)
					}
				}
				if strings.Contains(got.HTML, "<b>meer</b>") {
					t.Errorf("HTML does not escape the reason")
				}
				if !strings.Contains(got.HTML, `<html lang="`+lang+`">`) {
					t.Errorf("HTML lacks lang %s", lang)
				}
				if got.To != "anna@example.org" || got.Lang != lang || got.Status != notify.Pending {
					t.Errorf("mail = to %q, lang %q, status %q", got.To, got.Lang, got.Status)
				}
			})
		}
	}
}

func TestEnqueueInvalid(t *testing.T) {
	ok := notify.Message{ID: "m", InstitutionID: "i1", To: "a@example.org", Lang: "en",
		Template: notify.TemplateRevoked, Data: notify.Revoked{Badge: badge, Reason: "x"}}
	for _, tt := range []struct {
		name   string
		change func(m *notify.Message)
	}{
		{"fail/no ID", func(m *notify.Message) { m.ID = "" }},
		{"fail/no institution", func(m *notify.Message) { m.InstitutionID = "" }},
		{"fail/bad address", func(m *notify.Message) { m.To = "not an address" }},
		{"fail/two addresses", func(m *notify.Message) { m.To = "a@example.org, b@example.org" }},
		{"fail/header injection", func(m *notify.Message) { m.To = "a@example.org\r\nBcc: b@example.org" }},
		{"fail/unknown template", func(m *notify.Message) { m.Template = "nope" }},
		{"fail/wrong data", func(m *notify.Message) { m.Data = notify.BadgeReceived{} }},
		{"fail/nil data", func(m *notify.Message) { m.Data = nil }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o, _ := newOutbox(t)
			m := ok
			tt.change(&m)
			err := o.Enqueue(context.Background(), m)
			if badged.KindOf(err) != badged.Invalid {
				t.Errorf("Enqueue: %v, want Invalid", err)
			}
		})
	}
}

func TestLang(t *testing.T) {
	for in, want := range map[string]string{"nl": "nl", "NL-be": "nl", "en": "en", "en-GB": "en", "de": "en", "": "en"} {
		if got := notify.Lang(in); got != want {
			t.Errorf("Lang(%q) = %q, want %q", in, got, want)
		}
	}
}

// A subject with a line break in the data stays one line.
func TestSubjectOneLine(t *testing.T) {
	o, store := newOutbox(t)
	b := badge
	b.Name = "Evil\r\nBcc: x@example.org"
	err := o.Enqueue(context.Background(), notify.Message{ID: "m", InstitutionID: "i1", To: "a@example.org",
		Lang: "en", Template: notify.TemplateRevoked, Data: notify.Revoked{Badge: b, Reason: "x"}})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := store.Mail(context.Background(), "m")
	if strings.ContainsAny(m.Subject, "\r\n") {
		t.Errorf("subject %q spans lines", m.Subject)
	}
}
