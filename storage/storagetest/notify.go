package storagetest

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/notify"
)

// RunOutbox runs the conformance suite of [notify.Store]. newStore returns
// a new, empty store for one subtest; it registers its own cleanup.
func RunOutbox(t *testing.T, newStore func(t *testing.T) notify.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s notify.Store)
	}{
		{"AddAndRead", testMailAdd},
		{"Update", testMailUpdate},
		{"Due", testMailDue},
		{"List", testMailList},
		{"ParallelClaims", testMailParallelClaims},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore(t)) })
	}
}

func mail(id, inst string, created time.Time) *notify.Mail {
	return &notify.Mail{ID: id, InstitutionID: inst, To: id + "@example.org", Lang: "nl",
		Template: notify.TemplateBadgeReceived, Subject: "Je hebt de badge “Café” ontvangen",
		Text: "Beste student,\n", HTML: "<p>Beste student,</p>", Status: notify.Pending,
		NextAttempt: created, Created: created}
}

func testMailAdd(t *testing.T, s notify.Store) {
	ctx := context.Background()
	want := mail("m1", "i1", t0)
	if err := s.AddMail(ctx, want); err != nil {
		t.Fatal(err)
	}
	if want.Version != 1 {
		t.Errorf("Version after AddMail = %d, want 1", want.Version)
	}
	wantAuthKind(t, "duplicate mail", s.AddMail(ctx, mail("m1", "i2", t0)), badged.Conflict)
	got, err := s.Mail(ctx, "m1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Mail = %+v, want %+v", got, want)
	}
	_, err = s.Mail(ctx, "nope")
	wantAuthKind(t, "unknown mail", err, badged.NotFound)
}

func testMailUpdate(t *testing.T, s notify.Store) {
	ctx := context.Background()
	m := mail("m1", "i1", t0)
	if err := s.AddMail(ctx, m); err != nil {
		t.Fatal(err)
	}
	stale := *m
	m.Attempts, m.NextAttempt, m.LastError = 1, t0.Add(time.Minute), "451 try later"
	m.Subject = "changed" // not a delivery field: ignored
	if err := s.UpdateMail(ctx, m); err != nil {
		t.Fatal(err)
	}
	if m.Version != 2 {
		t.Errorf("Version after UpdateMail = %d, want 2", m.Version)
	}
	wantAuthKind(t, "stale update", s.UpdateMail(ctx, &stale), badged.Conflict)
	m.Status, m.Sent = notify.Sent, t0.Add(2*time.Minute)
	if err := s.UpdateMail(ctx, m); err != nil {
		t.Fatal(err)
	}
	got, err := s.Mail(ctx, "m1")
	if err != nil {
		t.Fatal(err)
	}
	want := *m
	want.Subject = stale.Subject
	if !reflect.DeepEqual(got, &want) {
		t.Errorf("Mail = %+v, want %+v", got, &want)
	}
	wantAuthKind(t, "update unknown", s.UpdateMail(ctx, mail("nope", "i1", t0)), badged.NotFound)
}

func mailIDs(mails []*notify.Mail) []string {
	out := []string{}
	for _, m := range mails {
		out = append(out, m.ID)
	}
	return out
}

func testMailDue(t *testing.T, s notify.Store) {
	ctx := context.Background()
	for i, id := range []string{"b", "a", "c", "d"} {
		m := mail(id, "i1", t0.Add(time.Duration(i%2)*time.Minute)) // b, c at t0; a, d at t0+1m
		if err := s.AddMail(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	d, _ := s.Mail(ctx, "d")
	d.Status, d.Sent = notify.Sent, t0
	if err := s.UpdateMail(ctx, d); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		now   time.Time
		limit int
		want  []string
	}{
		{"ok/before", t0.Add(-time.Second), 0, []string{}},
		{"ok/at", t0, 0, []string{"b", "c"}},
		{"ok/later", t0.Add(time.Hour), 0, []string{"b", "c", "a"}},
		{"ok/limit", t0.Add(time.Hour), 2, []string{"b", "c"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.DueMails(ctx, tt.now, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(mailIDs(got), tt.want) {
				t.Errorf("DueMails = %v, want %v", mailIDs(got), tt.want)
			}
		})
	}
	// A retried mail moves in the due order.
	b, _ := s.Mail(ctx, "b")
	b.Attempts, b.NextAttempt = 1, t0.Add(2*time.Hour)
	if err := s.UpdateMail(ctx, b); err != nil {
		t.Fatal(err)
	}
	got, err := s.DueMails(ctx, t0.Add(3*time.Hour), 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"c", "a", "b"}; !reflect.DeepEqual(mailIDs(got), want) {
		t.Errorf("DueMails after retry = %v, want %v", mailIDs(got), want)
	}
}

func testMailList(t *testing.T, s notify.Store) {
	ctx := context.Background()
	// m0..m5 in i1, two of them at the same time; x in i2.
	times := []time.Duration{0, time.Second, time.Second, 2 * time.Second, 3 * time.Second, 4 * time.Second}
	for i, d := range times {
		m := mail(fmt.Sprintf("m%d", i), "i1", t0.Add(d))
		if err := s.AddMail(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddMail(ctx, mail("x", "i2", t0)); err != nil {
		t.Fatal(err)
	}
	m3, _ := s.Mail(ctx, "m3")
	m3.Status = notify.Failed
	if err := s.UpdateMail(ctx, m3); err != nil {
		t.Fatal(err)
	}
	all := []string{"m5", "m4", "m3", "m2", "m1", "m0"}
	for _, tt := range []struct {
		name string
		q    notify.MailQuery
		want []string
	}{
		{"ok/all", notify.MailQuery{InstitutionID: "i1"}, all},
		{"ok/limit", notify.MailQuery{InstitutionID: "i1", Limit: 2}, all[:2]},
		{"ok/after", notify.MailQuery{InstitutionID: "i1", After: badged.Cursor{Time: t0.Add(time.Second), ID: "m2"}}, []string{"m1", "m0"}},
		{"ok/status", notify.MailQuery{InstitutionID: "i1", Status: notify.Failed}, []string{"m3"}},
		{"ok/to", notify.MailQuery{InstitutionID: "i1", To: "M4@example.org"}, []string{"m4"}},
		{"ok/other institution", notify.MailQuery{InstitutionID: "i2"}, []string{"x"}},
		{"ok/unknown institution", notify.MailQuery{InstitutionID: "i"}, []string{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Mails(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(mailIDs(got), tt.want) {
				t.Errorf("Mails = %v, want %v", mailIDs(got), tt.want)
			}
		})
	}
	// Paging through one at a time visits every mail once.
	var seen []string
	q := notify.MailQuery{InstitutionID: "i1", Limit: 1}
	for range 10 {
		page, err := s.Mails(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		seen = append(seen, page[0].ID)
		q.After = page[0].Cursor()
	}
	if !reflect.DeepEqual(seen, all) {
		t.Errorf("paged = %v, want %v", seen, all)
	}
}

// testMailParallelClaims has deliverers on several nodes claim one mail at
// once: exactly one succeeds.
func testMailParallelClaims(t *testing.T, s notify.Store) {
	ctx := context.Background()
	if err := s.AddMail(ctx, mail("m1", "i1", t0)); err != nil {
		t.Fatal(err)
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		wins int
	)
	for range 8 {
		wg.Go(func() {
			m, err := s.Mail(ctx, "m1")
			if err != nil {
				t.Error(err)
				return
			}
			m.Attempts++
			m.NextAttempt = t0.Add(10 * time.Minute)
			err = s.UpdateMail(ctx, m)
			switch badged.KindOf(err) {
			case badged.Conflict:
			default:
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				wins++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	m, err := s.Mail(ctx, "m1")
	if err != nil {
		t.Fatal(err)
	}
	if m.Attempts != wins || m.Version != int64(wins)+1 {
		t.Errorf("after %d successful claims: attempts %d, version %d", wins, m.Attempts, m.Version)
	}
}
