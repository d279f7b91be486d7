package notify_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// smtpServer is a minimal SMTP server on a loopback port for the tests:
// EHLO/HELO, STARTTLS (when tls is set), AUTH PLAIN (when user is set),
// MAIL, RCPT, DATA, RSET, NOOP and QUIT. It records what it accepts.
type smtpServer struct {
	addr string
	tls  *tls.Config
	user string
	pass string
	// reply, when set, may override the reply to a command ("RCPT",
	// "DATA" after the data was read) with a code and text.
	reply func(cmd string) (int, string)

	mu       sync.Mutex
	received []received
}

type received struct {
	From string
	To   []string
	Data string
	TLS  bool
	Auth string
}

func newSMTPServer(t *testing.T, configure func(s *smtpServer)) *smtpServer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{addr: l.Addr().String()}
	if configure != nil {
		configure(s)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { s.serve(c) })
		}
	})
	return s
}

func (s *smtpServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.received...)
}

func (s *smtpServer) override(cmd string) (int, string, bool) {
	if s.reply == nil {
		return 0, "", false
	}
	code, text := s.reply(cmd)
	return code, text, code != 0
}

func (s *smtpServer) serve(c net.Conn) {
	defer func() { c.Close() }()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	tp := textproto.NewConn(c)
	reply := func(code int, text string) { tp.PrintfLine("%d %s", code, text) }
	reply(220, "test ESMTP")
	var (
		cur    received
		inTLS  bool
		authed string
	)
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			lines := []string{"test"}
			if s.tls != nil && !inTLS {
				lines = append(lines, "STARTTLS")
			}
			if s.user != "" {
				lines = append(lines, "AUTH PLAIN")
			}
			lines = append(lines, "8BITMIME")
			for i, l := range lines {
				sep := "-"
				if i == len(lines)-1 {
					sep = " "
				}
				tp.PrintfLine("250%s%s", sep, l)
			}
		case "HELO":
			reply(250, "test")
		case "STARTTLS":
			if s.tls == nil || inTLS {
				reply(502, "not here")
				continue
			}
			reply(220, "go ahead")
			tc := tls.Server(c, s.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			c, inTLS, cur = tc, true, received{}
			tp = textproto.NewConn(tc)
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			b, err := base64.StdEncoding.DecodeString(resp)
			parts := strings.Split(string(b), "\x00")
			if !strings.EqualFold(mech, "PLAIN") || err != nil || len(parts) != 3 || parts[1] != s.user || parts[2] != s.pass {
				reply(535, "authentication failed")
				continue
			}
			authed = parts[1]
			reply(235, "ok")
		case "MAIL":
			if s.user != "" && authed == "" {
				reply(530, "authentication required")
				continue
			}
			cur = received{From: addrOf(arg), TLS: inTLS, Auth: authed}
			reply(250, "ok")
		case "RCPT":
			if code, text, ok := s.override("RCPT"); ok {
				reply(code, text)
				continue
			}
			cur.To = append(cur.To, addrOf(arg))
			reply(250, "ok")
		case "DATA":
			reply(354, "go on")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			if code, text, ok := s.override("DATA"); ok {
				reply(code, text)
				continue
			}
			cur.Data = string(data)
			s.mu.Lock()
			s.received = append(s.received, cur)
			s.mu.Unlock()
			cur = received{TLS: inTLS, Auth: authed}
			reply(250, "queued")
		case "RSET":
			cur = received{TLS: inTLS, Auth: authed}
			reply(250, "ok")
		case "NOOP":
			reply(250, "ok")
		case "QUIT":
			reply(221, "bye")
			return
		default:
			reply(500, "unknown command")
		}
	}
}

func addrOf(arg string) string {
	_, a, _ := strings.Cut(arg, ":")
	a, _, _ = strings.Cut(strings.TrimSpace(a), " ")
	return strings.Trim(a, "<>")
}

// testCert returns a server TLS config for 127.0.0.1 and the pool a
// client trusts it with.
func testCert(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test smtp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}
