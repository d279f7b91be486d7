package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/badged/badged/issuer"
	"github.com/badged/badged/keys"
)

// oidcProviders is a valid BADGED_OIDC_PROVIDERS; the provider is never
// reached.
const oidcProviders = `[{"name":"eduid","label":"eduID","kind":"learner","issuer":"https://login.test.eduid.nl","clientId":"badged","clientSecret":"s"}]`

func masterKeyOf(b byte) string {
	return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{b}, keys.MasterKeySize))
}

// TestStartRefusals is acceptance 3 of issue 8: badged serve refuses to
// start on a production configuration that lacks what production needs,
// or whose master key does not open the stored keys, and says what to
// set; it writes nothing first (no generated master key).
func TestStartRefusals(t *testing.T) {
	// A data directory whose key rings were sealed under master key 1.
	made := t.TempDir()
	cfg := DefaultConfig()
	cfg.DataDir, cfg.BaseURL, cfg.MasterKey, cfg.OIDCProviders = made, "https://badges.example.edu", masterKeyOf(1), oidcProviders
	a, err := newApp(context.Background(), cfg, deps{})
	if err != nil {
		t.Fatal(err)
	}
	in, err := a.issuer.CreateInstitution(context.Background(), issuer.Actor{UserID: "root", Superuser: true},
		issuer.Institution{Name: issuer.Text{EN: "Utrecht University"}, SCHACHome: "uu.example.nl", BRIN: "21PD", Type: issuer.WO, Country: "NL", DefaultLanguage: issuer.LangEN})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.issuance.RotateKey(context.Background(), in.ID); err != nil {
		t.Fatal(err)
	}
	a.Close()

	for _, c := range []struct {
		name string
		data string
		env  map[string]string
		want []string // in the error
		not  []string // not in the error
	}{
		{"fail/https-without-oidc-providers", t.TempDir(),
			map[string]string{"BADGED_BASE_URL": "https://badges.example.edu", "BADGED_MASTER_KEY": masterKeyOf(2)},
			[]string{"https://badges.example.edu", "not localhost", "set BADGED_OIDC_PROVIDERS", "--demo"}, []string{"BADGED_MASTER_KEY"}},
		{"fail/https-without-master-key", t.TempDir(),
			map[string]string{"BADGED_BASE_URL": "https://badges.example.edu", "BADGED_OIDC_PROVIDERS": oidcProviders},
			[]string{"not localhost", "set BADGED_MASTER_KEY", "head -c 32 /dev/urandom | base64"}, []string{"BADGED_OIDC_PROVIDERS"}},
		{"fail/https-without-either", t.TempDir(),
			map[string]string{"BADGED_BASE_URL": "https://badges.example.edu"},
			[]string{"set BADGED_OIDC_PROVIDERS", "and BADGED_MASTER_KEY"}, nil},
		// The address as typed, not as the listener names it ([::]:PORT).
		{"fail/public-address-without-base-url", t.TempDir(),
			map[string]string{"BADGED_ADDR": "0.0.0.0:0"},
			[]string{"demo mode listening on 0.0.0.0:0, which other machines can reach", "listen on loopback: --addr 127.0.0.1:0",
				"set BADGED_OIDC_PROVIDERS", "and BADGED_MASTER_KEY", "BADGED_BASE_URL to its public URL", "--demo"}, []string{"[::]", "not localhost"}},
		// A localhost base URL does not make a public listener safe.
		{"fail/public-address-with-localhost-base-url", t.TempDir(),
			map[string]string{"BADGED_ADDR": "0.0.0.0:0", "BADGED_BASE_URL": "http://localhost:18085"},
			[]string{"listening on 0.0.0.0:0, which other machines can reach", "--addr 127.0.0.1:0", "set BADGED_OIDC_PROVIDERS", "--demo"}, []string{"not localhost"}},
		{"fail/public-address-and-base-url", t.TempDir(),
			map[string]string{"BADGED_ADDR": ":0", "BADGED_BASE_URL": "https://badges.example.edu", "BADGED_MASTER_KEY": masterKeyOf(2)},
			[]string{"listening on :0, which other machines can reach and with base URL https://badges.example.edu, which is not localhost",
				"set BADGED_OIDC_PROVIDERS", "--demo"}, []string{"--addr 127.0.0.1", "BADGED_BASE_URL to"}},
		// The base URL --acme-host gives, although not typed.
		{"fail/acme-host-without-oidc-providers", t.TempDir(),
			map[string]string{"BADGED_ACME_HOSTS": "badges.example.edu", "BADGED_MASTER_KEY": masterKeyOf(2)},
			[]string{"with base URL https://badges.example.edu, which is not localhost", "set BADGED_OIDC_PROVIDERS", "--demo"},
			[]string{"listening on", "--addr"}},
		{"fail/wrong-master-key", made,
			map[string]string{"BADGED_BASE_URL": "https://badges.example.edu", "BADGED_OIDC_PROVIDERS": oidcProviders, "BADGED_MASTER_KEY": masterKeyOf(2)},
			[]string{"BADGED_MASTER_KEY does not open the signing keys stored here", "institution " + in.ID, "set BADGED_MASTER_KEY to the key this data was made with"},
			[]string{"master.key"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := func(k string) string { return c.env[k] }
			addr := "127.0.0.1:0"
			if a := c.env["BADGED_ADDR"]; a != "" {
				addr = a
			}
			err := run(context.Background(), []string{"serve", "--addr", addr, "--data", c.data}, env, nil, io.Discard)
			if err == nil {
				t.Fatal("serve started")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			for _, w := range c.not {
				if strings.Contains(err.Error(), w) {
					t.Errorf("error %q names %q, which is set", err, w)
				}
			}
			if _, err := os.Stat(filepath.Join(c.data, "master.key")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a master key was generated: %v", err)
			}
		})
	}

	t.Run("ok/right-master-key", func(t *testing.T) {
		a, err := newApp(context.Background(), cfg, deps{})
		if err != nil {
			t.Fatal(err)
		}
		a.Close()
	})
}

// TestDemoMode: demo mode (and /devidp) on a loopback address and base URL,
// or with --demo; never on a production configuration. (The refusals are
// in TestStartRefusals.)
func TestDemoMode(t *testing.T) {
	for _, c := range []struct {
		name   string
		cfg    func(*Config)
		demo   bool
		devidp int // status of GET /devidp/.well-known/openid-configuration
	}{
		{"ok/localhost", func(c *Config) { c.BaseURL = "http://localhost:8080" }, true, http.StatusOK},
		{"ok/loopback-ip", func(c *Config) { c.BaseURL = "http://127.0.0.1:8080" }, true, http.StatusOK},
		{"ok/localhost-address", func(c *Config) { c.Addr, c.BaseURL = "localhost:8080", "http://localhost:8080" }, true, http.StatusOK},
		{"ok/ipv6-loopback-address", func(c *Config) { c.Addr, c.BaseURL = "[::1]:8080", "http://localhost:8080" }, true, http.StatusOK},
		{"ok/flag", func(c *Config) { c.BaseURL, c.Demo = "https://demo.example.org", true }, true, http.StatusOK},
		{"ok/flag-on-public-address", func(c *Config) { c.Addr, c.BaseURL, c.Demo = "0.0.0.0:8080", "http://localhost:8080", true }, true, http.StatusOK},
		{"ok/production-on-public-address", func(c *Config) {
			c.Addr, c.BaseURL, c.MasterKey, c.OIDCProviders = ":443", "https://badges.example.edu", masterKeyOf(4), oidcProviders
		}, false, http.StatusNotFound},
		{"ok/production", func(c *Config) {
			c.BaseURL, c.MasterKey, c.OIDCProviders = "https://badges.example.edu", masterKeyOf(4), oidcProviders
		}, false, http.StatusNotFound},
		{"ok/production-on-localhost", func(c *Config) {
			c.BaseURL, c.MasterKey, c.OIDCProviders = "http://localhost:8080", masterKeyOf(4), oidcProviders
		}, false, http.StatusNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.DataDir = t.TempDir()
			c.cfg(&cfg)
			a, err := newApp(context.Background(), cfg, deps{})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			if a.demo != c.demo {
				t.Errorf("demo = %v, want %v", a.demo, c.demo)
			}
			req, _ := http.NewRequest(http.MethodGet, cfg.BaseURL+"/devidp/.well-known/openid-configuration", nil)
			rec := httptest.NewRecorder()
			a.handler.ServeHTTP(rec, req)
			if rec.Code != c.devidp {
				t.Errorf("GET /devidp/.well-known/openid-configuration: %d, want %d", rec.Code, c.devidp)
			}
		})
	}
}

// serveErr runs badged serve on data with env and returns its error, which
// must be a refusal to start.
func serveErr(t *testing.T, addr, data string, env map[string]string) error {
	t.Helper()
	err := run(context.Background(), []string{"serve", "--addr", addr, "--data", data}, func(k string) string { return env[k] }, nil, io.Discard)
	if err == nil {
		t.Fatal("serve started")
	}
	return err
}

// wantSays fails t unless err says every one of want.
func wantSays(t *testing.T, err error, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}
}

// TestStartMasterKeyKept: a data directory whose master key demo mode
// generated (master.key) is opened with that key only: another
// BADGED_MASTER_KEY is refused before anything is sealed with it, and a
// master.key that does not open the stored keys is named as the key at
// fault, not BADGED_MASTER_KEY.
func TestStartMasterKeyKept(t *testing.T) {
	ctx := context.Background()
	// A demo data directory: master.key generated, nothing signed yet.
	demoDir := t.TempDir()
	cfg := DefaultConfig()
	cfg.DataDir, cfg.BaseURL = demoDir, "http://localhost:8080"
	a, err := newApp(ctx, cfg, deps{})
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	keyFile := filepath.Join(demoDir, "master.key")
	kept, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("fail/other-env-key", func(t *testing.T) {
		err := serveErr(t, "127.0.0.1:0", demoDir, map[string]string{"BADGED_MASTER_KEY": masterKeyOf(2)})
		wantSays(t, err, "BADGED_MASTER_KEY is not the master key in "+keyFile, "demo mode generated",
			"set BADGED_MASTER_KEY to the contents of that file", "leave BADGED_MASTER_KEY unset")
		if got, _ := os.ReadFile(keyFile); !bytes.Equal(got, kept) {
			t.Errorf("master.key changed: %q, was %q", got, kept)
		}
	})
	t.Run("ok/env-key-as-kept", func(t *testing.T) {
		cfg := cfg
		cfg.MasterKey = strings.TrimSpace(string(kept))
		a, err := newApp(ctx, cfg, deps{})
		if err != nil {
			t.Fatal(err)
		}
		a.Close()
	})
	t.Run("fail/kept-key-opens-nothing", func(t *testing.T) {
		// Keys sealed under key 1 given in the environment, then a
		// master.key with another key and no BADGED_MASTER_KEY.
		data := t.TempDir()
		cfg := DefaultConfig()
		cfg.DataDir, cfg.BaseURL, cfg.MasterKey = data, "http://localhost:8080", masterKeyOf(1)
		a, err := newApp(ctx, cfg, deps{})
		if err != nil {
			t.Fatal(err)
		}
		in, err := a.issuer.CreateInstitution(ctx, issuer.Actor{UserID: "root", Superuser: true},
			issuer.Institution{Name: issuer.Text{EN: "Utrecht University"}, SCHACHome: "uu.example.nl", BRIN: "21PD", Type: issuer.WO, Country: "NL", DefaultLanguage: issuer.LangEN})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.issuance.RotateKey(ctx, in.ID); err != nil {
			t.Fatal(err)
		}
		a.Close()
		if err := os.WriteFile(filepath.Join(data, "master.key"), []byte(masterKeyOf(2)+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		err = serveErr(t, "127.0.0.1:0", data, nil)
		wantSays(t, err, "the master key in "+filepath.Join(data, "master.key")+" does not open the signing keys stored here",
			"institution "+in.ID, "this data was made with another key: set BADGED_MASTER_KEY to that key")
		if strings.Contains(err.Error(), "the key this data was made with (in demo mode") {
			t.Errorf("error %q sends to master.key, the key at fault", err)
		}
	})
}

// TestStartRefusalBeforeListening: what the configuration alone refuses
// is said even when the port is taken, since serve checks it before it
// listens.
func TestStartRefusalBeforeListening(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	kept := t.TempDir()
	if err := os.WriteFile(filepath.Join(kept, "master.key"), []byte(masterKeyOf(1)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		data string
		env  map[string]string
		want string
	}{
		{"fail/production-without-oidc-providers", t.TempDir(),
			map[string]string{"BADGED_BASE_URL": "https://badges.example.edu", "BADGED_MASTER_KEY": masterKeyOf(2)}, "refusing to start in demo mode"},
		{"fail/env-key-other-than-kept", kept, map[string]string{"BADGED_MASTER_KEY": masterKeyOf(2)}, "BADGED_MASTER_KEY is not the master key in"},
		{"fail/tls-key-missing", t.TempDir(), map[string]string{"BADGED_TLS_CERT": filepath.Join(t.TempDir(), "none.pem"), "BADGED_TLS_KEY": filepath.Join(t.TempDir(), "none.pem")},
			"--tls-cert/--tls-key"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := serveErr(t, busy.Addr().String(), c.data, c.env)
			wantSays(t, err, c.want)
			if strings.Contains(err.Error(), "address already in use") {
				t.Errorf("error %q: the busy port hides the refusal", err)
			}
		})
	}
}
