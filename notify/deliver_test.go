package notify_test

import (
	"context"
	"crypto/tls"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/notify"
	"github.com/badged/badged/storage/bolt"
)

var now = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func newOutbox(t *testing.T) (*notify.Outbox, *bolt.DB) {
	t.Helper()
	db, err := bolt.Open(t.TempDir() + "/badged.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	o, err := notify.NewOutbox(db, notify.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	return o, db
}

func smtpConfig(t *testing.T, s *smtpServer) notify.Config {
	t.Helper()
	host, port, _ := net.SplitHostPort(s.addr)
	p, _ := strconv.Atoi(port)
	return notify.Config{Host: host, Port: p, From: "badged <noreply@badged.example>", TLS: notify.TLSAuto,
		Timeout: 5 * time.Second}
}

func newSender(t *testing.T, cfg notify.Config) *notify.SMTP {
	t.Helper()
	s, err := notify.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.Now = func() time.Time { return now }
	return s
}

func enqueue(t *testing.T, o *notify.Outbox, id string) {
	t.Helper()
	err := o.Enqueue(context.Background(), notify.Message{ID: id, InstitutionID: "i1", To: "anna@example.org",
		Lang: "nl", Template: notify.TemplateBadgeReceived,
		Data: notify.BadgeReceived{RecipientName: "Anna", Badge: badge, URL: "https://badged.example/b/1"}})
	if err != nil {
		t.Fatal(err)
	}
}

func deliver(t *testing.T, d *notify.Deliverer, at time.Time, want notify.Report) {
	t.Helper()
	got, err := d.DeliverDue(context.Background(), at)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("DeliverDue(%v) = %+v, want %+v", at, got, want)
	}
}

// TestDeliver sends over STARTTLS with AUTH PLAIN to the test's server and
// checks the message as received.
func TestDeliver(t *testing.T) {
	serverTLS, roots := testCert(t)
	srv := newSMTPServer(t, func(s *smtpServer) { s.tls, s.user, s.pass = serverTLS, "badged", "s3cret" })
	cfg := smtpConfig(t, srv)
	cfg.TLS, cfg.Username, cfg.Password = notify.TLSStartTLS, "badged", "s3cret"
	cfg.TLSConfig = &tls.Config{RootCAs: roots}
	o, store := newOutbox(t)
	enqueue(t, o, "received:a1")
	enqueue(t, o, "received:a1") // a retried job
	d := notify.NewDeliverer(store, newSender(t, cfg))
	deliver(t, d, now, notify.Report{Sent: 1})
	deliver(t, d, now.Add(time.Hour), notify.Report{})

	msgs := srv.messages()
	if len(msgs) != 1 {
		t.Fatalf("server received %d messages, want 1", len(msgs))
	}
	got := msgs[0]
	if got.From != "noreply@badged.example" || len(got.To) != 1 || got.To[0] != "anna@example.org" || !got.TLS || got.Auth != "badged" {
		t.Errorf("envelope = %+v", got)
	}
	stored, err := store.Mail(context.Background(), "received:a1")
	if err != nil {
		t.Fatal(err)
	}
	if stored.Status != notify.Sent || !stored.Sent.Equal(now) || stored.Attempts != 1 {
		t.Errorf("stored mail = %s, sent %v, attempts %d", stored.Status, stored.Sent, stored.Attempts)
	}
	checkMessage(t, got.Data, stored)
}

func checkMessage(t *testing.T, data string, want *notify.Mail) {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	h := msg.Header
	if raw := h.Get("Subject"); !strings.HasPrefix(strings.ToUpper(raw), "=?UTF-8?Q?") {
		t.Errorf("Subject %q is not RFC 2047 encoded", raw)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil || subject != want.Subject {
		t.Errorf("Subject decodes to %q (%v), want %q", subject, err, want.Subject)
	}
	if to, err := mail.ParseAddress(h.Get("To")); err != nil || to.Address != want.To {
		t.Errorf("To = %q", h.Get("To"))
	}
	if from, err := mail.ParseAddress(h.Get("From")); err != nil || from.Address != "noreply@badged.example" || from.Name != "badged" {
		t.Errorf("From = %q", h.Get("From"))
	}
	if _, err := h.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	if h.Get("MIME-Version") != "1.0" || h.Get("Message-ID") == "" || h.Get("Content-Language") != want.Lang {
		t.Errorf("headers = %v", h)
	}
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type = %q", h.Get("Content-Type"))
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var types []string
	for {
		p, err := mr.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		ct, cp, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		types = append(types, ct)
		if cp["charset"] != "UTF-8" {
			t.Errorf("part %s charset %q", ct, cp["charset"])
		}
		wantBody := map[string]string{"text/plain": want.Text, "text/html": want.HTML}[ct]
		if got := strings.ReplaceAll(string(body), "\r\n", "\n"); got != wantBody {
			t.Errorf("part %s =\n%s\nwant\n%s", ct, got, wantBody)
		}
	}
	if strings.Join(types, ",") != "text/plain,text/html" {
		t.Errorf("parts = %v, want text/plain, text/html", types)
	}
}

// TestDeliverRetry has the server fail the first DATA: the mail is
// retried after the backoff, not lost, and sent once.
func TestDeliverRetry(t *testing.T) {
	failures := 1
	srv := newSMTPServer(t, func(s *smtpServer) {
		s.reply = func(cmd string) (int, string) {
			if cmd == "DATA" && failures > 0 {
				failures--
				return 451, "try again later"
			}
			return 0, ""
		}
	})
	o, store := newOutbox(t)
	enqueue(t, o, "m1")
	d := notify.NewDeliverer(store, newSender(t, smtpConfig(t, srv)))
	deliver(t, d, now, notify.Report{Retrying: 1})
	m, _ := store.Mail(context.Background(), "m1")
	if m.Status != notify.Pending || m.Attempts != 1 || !strings.Contains(m.LastError, "451") || !m.NextAttempt.Equal(now.Add(time.Minute)) {
		t.Errorf("after a failure: %s, attempts %d, next %v, error %q", m.Status, m.Attempts, m.NextAttempt, m.LastError)
	}
	deliver(t, d, now.Add(30*time.Second), notify.Report{}) // not yet due
	deliver(t, d, now.Add(time.Minute), notify.Report{Sent: 1})
	if n := len(srv.messages()); n != 1 {
		t.Errorf("server received %d messages, want 1", n)
	}
}

// TestDeliverGiveUp fails every attempt until MaxAttempts, then lets an
// admin retry.
func TestDeliverGiveUp(t *testing.T) {
	srv := newSMTPServer(t, func(s *smtpServer) {
		s.reply = func(cmd string) (int, string) {
			if cmd == "DATA" {
				return 452, "mailbox full"
			}
			return 0, ""
		}
	})
	o, store := newOutbox(t)
	enqueue(t, o, "m1")
	d := notify.NewDeliverer(store, newSender(t, smtpConfig(t, srv)), notify.WithMaxAttempts(3))
	deliver(t, d, now, notify.Report{Retrying: 1})
	deliver(t, d, now.Add(time.Hour), notify.Report{Retrying: 1})
	deliver(t, d, now.Add(2*time.Hour), notify.Report{Failed: 1})
	deliver(t, d, now.Add(3*time.Hour), notify.Report{})
	list, err := o.List(context.Background(), "i1", notify.Filter{Status: notify.Failed}, notify.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Mails) != 1 || list.Mails[0].Attempts != 3 || !strings.Contains(list.Mails[0].LastError, "mailbox full") {
		t.Fatalf("failed mails = %+v", list.Mails)
	}
	if err := o.Retry(context.Background(), "i1", "m1"); err != nil {
		t.Fatal(err)
	}
	if err := o.Retry(context.Background(), "i1", "m1"); badged.KindOf(err) != badged.Conflict {
		t.Errorf("retry of a pending mail: %v, want Conflict", err)
	}
	if err := o.Retry(context.Background(), "i2", "m1"); badged.KindOf(err) != badged.NotFound {
		t.Errorf("retry from another institution: %v, want NotFound", err)
	}
	deliver(t, d, now.Add(4*time.Hour), notify.Report{Retrying: 1})
}

// TestDeliverRejected gives up at once on a recipient refused for good.
func TestDeliverRejected(t *testing.T) {
	srv := newSMTPServer(t, func(s *smtpServer) {
		s.reply = func(cmd string) (int, string) {
			if cmd == "RCPT" {
				return 550, "no such user"
			}
			return 0, ""
		}
	})
	o, store := newOutbox(t)
	enqueue(t, o, "m1")
	d := notify.NewDeliverer(store, newSender(t, smtpConfig(t, srv)))
	deliver(t, d, now, notify.Report{Failed: 1})
	m, _ := store.Mail(context.Background(), "m1")
	if m.Status != notify.Failed || !strings.Contains(m.LastError, "550") {
		t.Errorf("mail = %s, %q", m.Status, m.LastError)
	}
}

// TestDeliverUnreachable keeps the mail when the server is down or does
// not offer what the configuration requires.
func TestDeliverUnreachable(t *testing.T) {
	for _, tt := range []struct {
		name   string
		config func(cfg *notify.Config)
		want   string
	}{
		{"fail/connection refused", func(cfg *notify.Config) {
			l, _ := net.Listen("tcp", "127.0.0.1:0")
			cfg.Port = l.Addr().(*net.TCPAddr).Port
			l.Close()
		}, "connect"},
		{"fail/no STARTTLS", func(cfg *notify.Config) { cfg.TLS = notify.TLSStartTLS }, "STARTTLS"},
		{"fail/no AUTH", func(cfg *notify.Config) { cfg.Username, cfg.Password = "u", "p" }, "AUTH"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := newSMTPServer(t, nil)
			cfg := smtpConfig(t, srv)
			tt.config(&cfg)
			o, store := newOutbox(t)
			enqueue(t, o, "m1")
			d := notify.NewDeliverer(store, newSender(t, cfg))
			deliver(t, d, now, notify.Report{Retrying: 1})
			m, _ := store.Mail(context.Background(), "m1")
			if m.Status != notify.Pending || !strings.Contains(m.LastError, tt.want) {
				t.Errorf("mail = %s, %q, want pending with %q", m.Status, m.LastError, tt.want)
			}
			if len(srv.messages()) != 0 {
				t.Errorf("server received a message")
			}
		})
	}
}

// TestOutboxList reads the outbox as an admin does when SMTP is not
// configured.
func TestOutboxList(t *testing.T) {
	o, store := newOutbox(t)
	for _, id := range []string{"m1", "m2", "m3"} {
		enqueue(t, o, id)
	}
	if err := o.Enqueue(context.Background(), notify.Message{ID: "other", InstitutionID: "i2", To: "b@example.org",
		Lang: "en", Template: notify.TemplateRevoked, Data: notify.Revoked{Badge: badge, Reason: "x"}}); err != nil {
		t.Fatal(err)
	}
	var got []string
	p := notify.Page{Limit: 2}
	for {
		list, err := o.List(context.Background(), "i1", notify.Filter{}, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range list.Mails {
			got = append(got, m.ID)
		}
		if list.Next.IsZero() {
			break
		}
		c, err := badged.ParseCursor(list.Next.String())
		if err != nil {
			t.Fatal(err)
		}
		p.After = c
	}
	if strings.Join(got, ",") != "m3,m2,m1" {
		t.Errorf("listed %v, want m3, m2, m1", got)
	}
	if _, err := o.Mail(context.Background(), "i1", "other"); badged.KindOf(err) != badged.NotFound {
		t.Errorf("another institution's mail: %v", err)
	}
	for _, tt := range []struct {
		name string
		f    notify.Filter
		p    notify.Page
	}{
		{"fail/status", notify.Filter{Status: "nope"}, notify.Page{}},
		{"fail/page", notify.Filter{}, notify.Page{Limit: 1001}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := o.List(context.Background(), "i1", tt.f, tt.p); badged.KindOf(err) != badged.Invalid {
				t.Errorf("List: %v, want Invalid", err)
			}
		})
	}
	_ = store
}

func TestConfigValidate(t *testing.T) {
	for _, tt := range []struct {
		name string
		cfg  notify.Config
		ok   bool
	}{
		{"ok/minimal", notify.Config{Host: "smtp.example.org", From: "noreply@example.org"}, true},
		{"ok/implicit", notify.Config{Host: "smtp.example.org", From: "b <noreply@example.org>", TLS: "TLS"}, true},
		{"fail/no host", notify.Config{From: "noreply@example.org"}, false},
		{"fail/no from", notify.Config{Host: "smtp.example.org"}, false},
		{"fail/tls mode", notify.Config{Host: "smtp.example.org", From: "noreply@example.org", TLS: "sometimes"}, false},
		{"fail/port", notify.Config{Host: "smtp.example.org", From: "noreply@example.org", Port: 70000}, false},
		{"fail/password alone", notify.Config{Host: "smtp.example.org", From: "noreply@example.org", Password: "x"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if (err == nil) != tt.ok || (err != nil && badged.KindOf(err) != badged.Invalid) {
				t.Errorf("Validate = %v", err)
			}
		})
	}
}
