package main

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// smtpServer is a minimal plain-text SMTP server on a loopback port for
// the end-to-end tests, adapted from notify's test server: EHLO/HELO,
// MAIL, RCPT, DATA, RSET, NOOP and QUIT. It records every mail it accepts.
type smtpServer struct {
	host string
	port int

	mu       sync.Mutex
	received []receivedMail
}

// receivedMail is one mail as the server accepted it, read back.
type receivedMail struct {
	To      []string
	Subject string // decoded
	Text    string // the text/plain part, decoded
	HTML    string // the text/html part, decoded
}

func newSMTPServer(t *testing.T) *smtpServer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := l.Addr().(*net.TCPAddr)
	s := &smtpServer{host: a.IP.String(), port: a.Port}
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { s.serve(t, c) })
		}
	})
	return s
}

// to returns the mails received for addr, in order.
func (s *smtpServer) to(addr string) []receivedMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []receivedMail
	for _, m := range s.received {
		for _, a := range m.To {
			if strings.EqualFold(a, addr) {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

func (s *smtpServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.received)
}

func (s *smtpServer) serve(t *testing.T, c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	tp := textproto.NewConn(c)
	reply := func(code int, text string) { tp.PrintfLine("%d %s", code, text) }
	reply(220, "test ESMTP")
	var to []string
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			tp.PrintfLine("250-test")
			tp.PrintfLine("250 8BITMIME")
		case "HELO", "NOOP":
			reply(250, "ok")
		case "MAIL", "RSET":
			to = nil
			reply(250, "ok")
		case "RCPT":
			_, a, _ := strings.Cut(arg, ":")
			a, _, _ = strings.Cut(strings.TrimSpace(a), " ")
			to = append(to, strings.Trim(a, "<>"))
			reply(250, "ok")
		case "DATA":
			reply(354, "go on")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			m, err := readMail(string(data))
			if err != nil {
				t.Errorf("smtp: unreadable mail: %v", err)
			}
			m.To = to
			s.mu.Lock()
			s.received = append(s.received, m)
			s.mu.Unlock()
			to = nil
			reply(250, "queued")
		case "QUIT":
			reply(221, "bye")
			return
		default:
			reply(500, "unknown command")
		}
	}
}

// readMail decodes a mail's subject and its text/plain and text/html
// parts.
func readMail(data string) (receivedMail, error) {
	msg, err := mail.ReadMessage(strings.NewReader(data))
	if err != nil {
		return receivedMail{}, err
	}
	var m receivedMail
	if m.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return m, err
	}
	b, err := io.ReadAll(msg.Body)
	if err != nil {
		return m, err
	}
	if m.Text, err = mailPart(textproto.MIMEHeader(msg.Header), strings.NewReader(string(b)), "text/plain"); err != nil {
		return m, err
	}
	m.HTML, err = mailPart(textproto.MIMEHeader(msg.Header), strings.NewReader(string(b)), "text/html")
	return m, err
}

// mailPart returns the first part of media type want, decoded; "" when
// there is none.
func mailPart(h textproto.MIMEHeader, body io.Reader, want string) (string, error) {
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		return "", err
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return "", nil
			}
			if err != nil {
				return "", err
			}
			if text, err := mailPart(p.Header, p, want); err != nil || text != "" {
				return text, err
			}
		}
	}
	if mt != want {
		return "", nil
	}
	if strings.EqualFold(h.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	return string(b), err
}
