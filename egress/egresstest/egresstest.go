// Package egresstest serves documents to tests at the https URLs of the
// hosts that credentials name (did:web documents and status lists of
// fixed public hosts, such as those of 1EdTech's fixtures), from a
// loopback listener, and writes the egress policy an operator would write
// to reach such a server: its hosts in AllowHosts, each host's port
// connected to the listener (egress.Policy.ConnectTo) and the server's
// certificate authority in RootCAs.
//
// Requests to it keep their URLs, Host headers and TLS server names; only
// the address connected to is the listener's. No URL is rewritten, and a
// client without that policy is refused by the egress guard (loopback) as
// any other client would be.
package egresstest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/badged/badged/egress"
)

// Server is an https server on a loopback listener that answers for any
// host name: for the name a client asks for (TLS SNI) it presents a
// certificate for that name, signed by a certificate authority made for
// the server.
type Server struct {
	// URL is the server's own address, https://127.0.0.1:PORT.
	URL string
	// Addr is the listener's address, 127.0.0.1:PORT.
	Addr string
	// Roots trusts the server's certificate authority.
	Roots *x509.CertPool

	ca    *x509.Certificate
	caKey *ecdsa.PrivateKey
	key   *ecdsa.PrivateKey // of every leaf certificate

	mu    sync.Mutex
	certs map[string]*tls.Certificate
}

// NewServer starts a Server that serves h, closed when the test ends. It
// fails the test when it cannot start.
func NewServer(t testing.TB, h http.Handler) *Server {
	t.Helper()
	s := &Server{certs: map[string]*tls.Certificate{}}
	var err error
	if s.caKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		t.Fatal(err)
	}
	if s.key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "egresstest CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &s.caKey.PublicKey, s.caKey)
	if err != nil {
		t.Fatal(err)
	}
	if s.ca, err = x509.ParseCertificate(der); err != nil {
		t.Fatal(err)
	}
	s.Roots = x509.NewCertPool()
	s.Roots.AddCert(s.ca)

	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{GetCertificate: s.certificate, MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = u.Host
	return s
}

// certificate is the server's tls.Config.GetCertificate: a certificate
// for the name the client asked for, or for 127.0.0.1 when it named none.
func (s *Server) certificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	name := hello.ServerName
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.certs[name]; ok {
		return c, nil
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(int64(len(s.certs) + 2)),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if name == "" {
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
	} else {
		tmpl.DNSNames = []string{name}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, s.ca, &s.key.PublicKey, s.caKey)
	if err != nil {
		return nil, err
	}
	c := &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: s.key}
	s.certs[name] = c
	return c, nil
}

// Policy returns p changed to reach s at hosts, as an operator would
// configure a deployment whose issuers' hosts are served inside its own
// network: each host ("status.example.org", or with a port,
// "registrar:3000"; port 443 when none) is added to AllowHosts and
// connected to s's listener, and s's certificate authority is trusted
// (instead of the system's). Everything else of p stays, so other hosts
// are reached, or refused, as p says.
func (s *Server) Policy(p egress.Policy, hosts ...string) egress.Policy {
	p.AllowHosts = append(append([]string(nil), p.AllowHosts...), hosts...)
	connect := make(map[string]string, len(p.ConnectTo)+len(hosts))
	for k, v := range p.ConnectTo {
		connect[k] = v
	}
	for _, h := range hosts {
		if _, _, err := net.SplitHostPort(h); err != nil {
			h = net.JoinHostPort(h, "443")
		}
		connect[h] = s.Addr
	}
	p.ConnectTo = connect
	p.RootCAs = s.Roots
	return p
}

// Client returns a client of the egress package with the default policy
// changed by Policy to reach s at hosts.
func (s *Server) Client(hosts ...string) *http.Client {
	return egress.NewClient(s.Policy(egress.DefaultPolicy(), hosts...))
}
