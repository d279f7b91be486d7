package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
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
		{"fail/public-address-without-base-url", t.TempDir(),
			map[string]string{"BADGED_ADDR": "0.0.0.0:0"},
			[]string{"not localhost", "set BADGED_OIDC_PROVIDERS"}, nil},
		{"fail/wrong-master-key", made,
			map[string]string{"BADGED_BASE_URL": "https://badges.example.edu", "BADGED_OIDC_PROVIDERS": oidcProviders, "BADGED_MASTER_KEY": masterKeyOf(2)},
			[]string{"the master key does not open the signing keys stored here", "institution " + in.ID, "set BADGED_MASTER_KEY to the key this data was made with"}, nil},
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

// TestDemoMode: demo mode (and /devidp) on a localhost base URL or with
// --demo; never on a production configuration.
func TestDemoMode(t *testing.T) {
	for _, c := range []struct {
		name   string
		cfg    func(*Config)
		demo   bool
		devidp int // status of GET /devidp/.well-known/openid-configuration
	}{
		{"ok/localhost", func(c *Config) { c.BaseURL = "http://localhost:8080" }, true, http.StatusOK},
		{"ok/loopback-ip", func(c *Config) { c.BaseURL = "http://127.0.0.1:8080" }, true, http.StatusOK},
		{"ok/flag", func(c *Config) { c.BaseURL, c.Demo = "https://demo.example.org", true }, true, http.StatusOK},
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
