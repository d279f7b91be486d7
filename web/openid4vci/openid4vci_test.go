package openid4vci_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged/did"
	"github.com/badged/badged/openid4vci"
	"github.com/badged/badged/storage/bolt"
	webvci "github.com/badged/badged/web/openid4vci"
)

// TestRefusals: malformed requests get the protocol's error object and
// status, over real HTTP on a real bbolt store.
func TestRefusals(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "badged.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	r := chi.NewRouter()
	(&webvci.Handler{Service: openid4vci.New(db, "https://badged.example", did.NewResolver(nil)), Log: slog.New(slog.DiscardHandler)}).Routes(r)
	ts := httptest.NewServer(r)
	t.Cleanup(ts.Close)

	tests := []struct {
		name, path, ct, body, bearer string
		status                       int
		code                         string
	}{
		{"fail/grant type", openid4vci.PathToken, "application/x-www-form-urlencoded", "grant_type=password&code=x", "", 400, openid4vci.CodeUnsupportedGrant},
		{"fail/authorization code without verifier", openid4vci.PathToken, "application/x-www-form-urlencoded", "grant_type=authorization_code&code=x", "", 400, openid4vci.CodeInvalidRequest},
		{"fail/unknown authorization code", openid4vci.PathToken, "application/x-www-form-urlencoded", "grant_type=authorization_code&code=x&code_verifier=y", "", 400, openid4vci.CodeInvalidGrant},
		{"fail/no code", openid4vci.PathToken, "application/x-www-form-urlencoded", "grant_type=" + openid4vci.GrantPreAuthorized, "", 400, openid4vci.CodeInvalidRequest},
		{"fail/unknown code", openid4vci.PathToken, "application/x-www-form-urlencoded", "grant_type=" + openid4vci.GrantPreAuthorized + "&pre-authorized_code=x", "", 400, openid4vci.CodeInvalidGrant},
		{"fail/no bearer", openid4vci.PathCredential, "application/json", `{}`, "", 401, openid4vci.CodeInvalidToken},
		{"fail/unknown token", openid4vci.PathCredential, "application/json", `{"credential_configuration_id":"x","proofs":{"jwt":["a"]}}`, "nope", 401, openid4vci.CodeInvalidToken},
		{"fail/not JSON", openid4vci.PathCredential, "application/json", `{`, "nope", 400, openid4vci.CodeCredentialRequest},
		{"fail/proof and proofs", openid4vci.PathCredential, "application/json", `{"proofs":{"jwt":[]},"proof":{"proof_type":"jwt","jwt":"a"}}`, "nope", 400, openid4vci.CodeCredentialRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, ts.URL+tt.path, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.ct)
			if tt.bearer != "" {
				req.Header.Set("Authorization", "Bearer "+tt.bearer)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var e struct {
				Error       string `json:"error"`
				Description string `json:"error_description"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status || e.Error != tt.code || e.Description == "" {
				t.Errorf("%d %+v, want %d %s", resp.StatusCode, e, tt.status, tt.code)
			}
			if resp.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q", resp.Header.Get("Cache-Control"))
			}
			if tt.status == 401 && !strings.Contains(resp.Header.Get("WWW-Authenticate"), "invalid_token") {
				t.Errorf("WWW-Authenticate %q", resp.Header.Get("WWW-Authenticate"))
			}
		})
	}
}
