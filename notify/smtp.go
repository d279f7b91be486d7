package notify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/badged/badged"
)

// TLSMode says how [SMTP] protects the connection.
type TLSMode string

// TLS modes.
const (
	TLSAuto     TLSMode = "auto"     // STARTTLS when the server offers it (the default)
	TLSStartTLS TLSMode = "starttls" // STARTTLS, failing when the server does not offer it
	TLSImplicit TLSMode = "tls"      // TLS from the first byte, as on port 465
	TLSNone     TLSMode = "none"     // plain text throughout, for a relay on the same host
)

// Config is the SMTP server mail goes through. The zero Host means SMTP is
// not configured: mails then stay in the outbox.
type Config struct {
	Host     string
	Port     int           // 0: 587, or 465 with TLSImplicit
	Username string        // empty: no AUTH
	Password string        // with Username: AUTH PLAIN, only over TLS or to localhost
	From     string        // the From header and envelope sender, "Name <addr>" or "addr"
	TLS      TLSMode       // empty: TLSAuto
	Timeout  time.Duration // of one whole SMTP session; 0: 30 seconds
	// LocalName is the name sent with EHLO; empty: "localhost".
	LocalName string
	// TLSConfig, when set, is used for the TLS connection, for a private CA
	// say; ServerName defaults to Host.
	TLSConfig *tls.Config
}

// Enabled reports whether SMTP is configured.
func (c Config) Enabled() bool { return c.Host != "" }

// LogValue implements slog.LogValuer, leaving out the password.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("host", c.Host), slog.Int("port", c.Port), slog.String("username", c.Username),
		slog.String("from", c.From), slog.String("tls", string(c.TLS)))
}

// Validate checks c. It fails with a [badged.Invalid] *badged.Error saying
// what is wrong.
func (c Config) Validate() error {
	_, err := NewSMTP(c)
	return err
}

// SMTP sends mails over SMTP with net/smtp, one session per mail.
type SMTP struct {
	cfg  Config
	from *mail.Address
	// Now gives the Date header; it is time.Now unless a test sets it.
	Now func() time.Time
}

var _ Sender = (*SMTP)(nil)

// NewSMTP returns a sender through the server cfg names. It fails with a
// [badged.Invalid] *badged.Error when cfg is incomplete or malformed.
func NewSMTP(cfg Config) (*SMTP, error) {
	if cfg.Host == "" {
		return nil, badged.Errorf(badged.Invalid, "SMTP: no host")
	}
	cfg.TLS = TLSMode(strings.ToLower(string(cfg.TLS)))
	switch cfg.TLS {
	case "":
		cfg.TLS = TLSAuto
	case TLSAuto, TLSStartTLS, TLSImplicit, TLSNone:
	default:
		return nil, badged.Errorf(badged.Invalid, "SMTP: TLS mode %q is none of auto, starttls, tls, none", cfg.TLS)
	}
	if cfg.Port == 0 {
		cfg.Port = 587
		if cfg.TLS == TLSImplicit {
			cfg.Port = 465
		}
	}
	if cfg.Port < 0 || cfg.Port > 65535 {
		return nil, badged.Errorf(badged.Invalid, "SMTP: port %d out of range", cfg.Port)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Username == "" && cfg.Password != "" {
		return nil, badged.Errorf(badged.Invalid, "SMTP: a password without a username")
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, badged.Errorf(badged.Invalid, "SMTP: From %q is not an email address", cfg.From)
	}
	return &SMTP{cfg: cfg, from: from, Now: time.Now}, nil
}

// Send delivers m in one SMTP session. Its error wraps [ErrRejected] when
// the server refuses the recipient with a permanent (5xx) reply.
func (s *SMTP) Send(ctx context.Context, m *Mail) error {
	msg, err := s.compose(m)
	if err != nil {
		return err
	}
	addr := net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
	if err := s.session(ctx, addr, m.To, msg); err != nil {
		return fmt.Errorf("smtp %s: %w", addr, err)
	}
	return nil
}

func (s *SMTP) tlsConfig() *tls.Config {
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.cfg.TLSConfig != nil {
		c = s.cfg.TLSConfig.Clone()
	}
	if c.ServerName == "" {
		c.ServerName = s.cfg.Host
	}
	return c
}

func (s *SMTP) session(ctx context.Context, addr, to string, msg []byte) error {
	dialer := &net.Dialer{Timeout: s.cfg.Timeout}
	var (
		conn net.Conn
		err  error
	)
	if s.cfg.TLS == TLSImplicit {
		conn, err = (&tls.Dialer{NetDialer: dialer, Config: s.tlsConfig()}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = dialer.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	deadline := time.Now().Add(s.cfg.Timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		return fmt.Errorf("greeting: %w", err)
	}
	defer c.Close()
	if err := c.Hello(cmpOr(s.cfg.LocalName, "localhost")); err != nil {
		return fmt.Errorf("EHLO: %w", err)
	}
	if s.cfg.TLS == TLSAuto || s.cfg.TLS == TLSStartTLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(s.tlsConfig()); err != nil {
				return fmt.Errorf("STARTTLS: %w", err)
			}
		} else if s.cfg.TLS == TLSStartTLS {
			return errors.New("the server does not offer STARTTLS")
		}
	}
	if s.cfg.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return errors.New("the server does not offer AUTH")
		}
		if err := c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.cfg.Host)); err != nil {
			return fmt.Errorf("AUTH: %w", err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		var te *textproto.Error
		if errors.As(err, &te) && te.Code >= 500 {
			return fmt.Errorf("RCPT TO %s: %w (%w)", to, err, ErrRejected)
		}
		return fmt.Errorf("RCPT TO %s: %w", to, err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	// The server has taken the mail; a failed QUIT does not undo that.
	_ = c.Quit()
	return nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// compose returns m as an RFC 5322 message: multipart/alternative with a
// plain text and an HTML part, both quoted-printable UTF-8, and the
// subject as RFC 2047 encoded words when it is not ASCII.
func (s *SMTP) compose(m *Mail) ([]byte, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, p := range []struct{ typ, content string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		pw, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {p.typ + "; charset=UTF-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		qp := quotedprintable.NewWriter(pw)
		if _, err := qp.Write([]byte(p.content)); err != nil {
			return nil, err
		}
		if err := qp.Close(); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	_, domain, _ := strings.Cut(s.from.Address, "@")
	sum := sha256.Sum256([]byte(m.ID))
	var msg bytes.Buffer
	header := func(k, v string) { msg.WriteString(k + ": " + v + "\r\n") }
	header("From", s.from.String())
	header("To", (&mail.Address{Address: m.To}).String())
	header("Subject", mime.QEncoding.Encode("UTF-8", m.Subject))
	header("Date", s.Now().Format(time.RFC1123Z))
	// The same for every attempt, so that receivers can drop duplicates.
	header("Message-ID", "<"+hex.EncodeToString(sum[:16])+"@"+domain+">")
	header("Content-Language", m.Lang)
	header("Auto-Submitted", "auto-generated")
	header("MIME-Version", "1.0")
	header("Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()}))
	msg.WriteString("\r\n")
	msg.Write(body.Bytes())
	return msg.Bytes(), nil
}
