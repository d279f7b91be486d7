package main

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/acme/autocert"
)

// serveLogged runs `badged serve args` with env until the test ends, and
// returns the values of key in the log lines that match each of the
// messages, in order, once all have appeared.
func serveLogged(t *testing.T, env map[string]string, args []string, messages ...string) []string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve"}, args...), func(k string) string { return env[k] }, nil, pw)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	found := make([]string, len(messages))
	left := len(messages)
	lines := bufio.NewScanner(pr)
	for left > 0 && lines.Scan() {
		for i, m := range messages {
			if found[i] == "" && strings.Contains(lines.Text(), `msg="`+m+`"`) {
				found[i], left = lines.Text(), left-1
			}
		}
	}
	go io.Copy(io.Discard, pr)
	if left > 0 {
		t.Fatalf("serve never logged all of %q", messages)
	}
	return found
}

// logValue is the value of key in a log line.
func logValue(t *testing.T, line, key string) string {
	t.Helper()
	m := regexp.MustCompile(`\b` + key + `=(\S+)`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("no %s in %s", key, line)
	}
	return m[1]
}

// selfSigned writes a certificate for localhost and 127.0.0.1 and its
// key to dir, and returns their files and a pool that trusts it.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, pool
}

// TestServeTLS: serve --tls-cert --tls-key speaks https with the given
// certificate, and its base URL is https.
func TestServeTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t, t.TempDir())
	line := serveLogged(t, nil, []string{"--addr", "127.0.0.1:0", "--data", t.TempDir(), "--tls-cert", certFile, "--tls-key", keyFile},
		"badged listening")[0]
	base, addr := logValue(t, line, "url"), logValue(t, line, "addr")
	if _, port, _ := net.SplitHostPort(addr); base != "https://localhost:"+port {
		t.Fatalf("base URL %s, want https://localhost:PORT of %s", base, addr)
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var health struct{ Status string }
	json.NewDecoder(resp.Body).Decode(&health)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || health.Status != "ok" || resp.TLS == nil || !resp.TLS.HandshakeComplete {
		t.Errorf("GET %s/healthz: %d %+v, TLS %v", base, resp.StatusCode, health, resp.TLS != nil)
	}
	if len(resp.TLS.PeerCertificates) == 0 || resp.TLS.PeerCertificates[0].Subject.CommonName != "localhost" {
		t.Errorf("served another certificate: %+v", resp.TLS.PeerCertificates)
	}
	// Plain http to the https port is not served.
	resp, err = http.Get("http://" + addr + "/healthz")
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Error("plain http answered on the https listener")
		}
	}
}

// TestACME: automatic certificates are wired with the cache in the data
// directory, for the listed host names only, and the challenge listener
// redirects to https; without reaching Let's Encrypt, which no test can.
func TestACME(t *testing.T) {
	data := t.TempDir()
	cfg := DefaultConfig()
	cfg.DataDir, cfg.ACMEHosts, cfg.MasterKey, cfg.OIDCProviders = data, []string{"badges.example.edu"}, masterKeyOf(5), oidcProviders
	cfg.BaseURL = defaultBaseURL(cfg, &net.TCPAddr{IP: net.IPv4zero, Port: 443})
	if cfg.BaseURL != "https://badges.example.edu" {
		t.Errorf("base URL %s, want https://badges.example.edu", cfg.BaseURL)
	}
	a, err := newApp(context.Background(), cfg, deps{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	m := a.acme
	if m == nil || a.tls == nil {
		t.Fatal("no ACME manager")
	}
	if m.Cache != autocert.DirCache(filepath.Join(data, "acme")) {
		t.Errorf("cache %v, want DirCache in %s", m.Cache, filepath.Join(data, "acme"))
	}
	if m.Prompt == nil || m.Client != nil {
		t.Errorf("manager %+v: want the default (Let's Encrypt) client and the terms accepted", m)
	}
	ctx := context.Background()
	if err := m.HostPolicy(ctx, "badges.example.edu"); err != nil {
		t.Errorf("host policy refuses its own host: %v", err)
	}
	for _, other := range []string{"evil.example", "localhost", "127.0.0.1", "sub.badges.example.edu"} {
		if err := m.HostPolicy(ctx, other); err == nil {
			t.Errorf("host policy allows %s", other)
		}
		if _, err := a.tls.GetCertificate(&tls.ClientHelloInfo{ServerName: other}); err == nil {
			t.Errorf("a certificate for %s", other)
		}
	}
	if !slices.Contains(a.tls.NextProtos, "acme-tls/1") {
		t.Errorf("NextProtos %v: the TLS-ALPN-01 challenge is not answered", a.tls.NextProtos)
	}

	// serve starts the challenge listener, which sends every other
	// request to https.
	env := map[string]string{"BADGED_ACME_HOSTS": "badges.example.edu", "BADGED_ACME_HTTP_ADDR": "127.0.0.1:0",
		"BADGED_MASTER_KEY": masterKeyOf(6), "BADGED_OIDC_PROVIDERS": oidcProviders}
	lines := serveLogged(t, env, []string{"--addr", "127.0.0.1:0", "--data", t.TempDir()}, "answering ACME challenges", "badged listening")
	challenge := logValue(t, lines[0], "addr")
	if _, port, _ := net.SplitHostPort(logValue(t, lines[1], "addr")); logValue(t, lines[1], "url") != "https://badges.example.edu:"+port {
		t.Errorf("base URL in %s", lines[1])
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+challenge+"/backpack", nil)
	req.Host = "badges.example.edu"
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || loc != "https://badges.example.edu/backpack" {
		t.Errorf("challenge listener: %d to %q, want 302 to https://badges.example.edu/backpack", resp.StatusCode, loc)
	}
}

// TestTLSRefusals: settings of https that cannot work refuse to start.
func TestTLSRefusals(t *testing.T) {
	certFile, keyFile, _ := selfSigned(t, t.TempDir())
	for _, c := range []struct {
		name string
		args []string // flags, and BADGED_*=VALUE settings
		want string
	}{
		{"fail/cert-without-key", []string{"--tls-cert", certFile}, "BADGED_TLS_CERT and BADGED_TLS_KEY (--tls-cert, --tls-key) go together"},
		{"fail/cert-and-acme", []string{"--tls-cert", certFile, "--tls-key", keyFile, "--acme-host", "badges.example.edu"}, "exclude each other"},
		{"fail/key-not-of-cert", []string{"--tls-cert", certFile, "--tls-key", certFile}, "--tls-cert/--tls-key"},
		{"fail/acme-localhost", []string{"--acme-host", "localhost"}, `"localhost" is not a public host name`},
		{"fail/acme-other-base-url", []string{"--acme-host", "badges.example.edu", "BADGED_BASE_URL=https://other.example.edu", "BADGED_DEMO=true"},
			"BADGED_BASE_URL https://other.example.edu is not https on one of the --acme-host names"},
	} {
		t.Run(c.name, func(t *testing.T) {
			args, env := []string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir()}, map[string]string{}
			for _, a := range c.args {
				if k, v, ok := strings.Cut(a, "="); ok && strings.HasPrefix(k, "BADGED_") {
					env[k] = v
				} else {
					args = append(args, a)
				}
			}
			err := run(context.Background(), args, func(k string) string { return env[k] }, nil, io.Discard)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want %q", err, c.want)
			}
		})
	}
}

// TestVerifierOnlyTLS: serve --verifier-only still runs a stateless
// verifier node, with no data directory, no login and no /devidp; over
// https with --tls-cert and --tls-key too.
func TestVerifierOnlyTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t, t.TempDir())
	data := filepath.Join(t.TempDir(), "data")
	line := serveLogged(t, nil, []string{"--verifier-only", "--addr", "127.0.0.1:0", "--data", data, "--tls-cert", certFile, "--tls-key", keyFile},
		"badged verifier listening")[0]
	base := logValue(t, line, "url")
	if !strings.HasPrefix(base, "https://localhost:") {
		t.Fatalf("base URL %s, want https://localhost:PORT", base)
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	for path, want := range map[string]int{"/healthz": http.StatusOK, "/verify": http.StatusOK, "/login": http.StatusNotFound,
		"/devidp/.well-known/openid-configuration": http.StatusNotFound, "/backpack": http.StatusNotFound} {
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("the verifier node made its data directory: %v", err)
	}
}
