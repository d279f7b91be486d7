package web

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
)

func TestOAuthToken(t *testing.T) {
	e := newEnv(t)
	c, secret := e.client(e.I.ID)
	revoked, revokedSecret := e.client(e.I.ID)
	if err := e.au.RevokeClient(t.Context(), root, e.I.ID, revoked.ID); err != nil {
		t.Fatal(err)
	}
	basic := func(id, secret string) string {
		return base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id) + ":" + url.QueryEscape(secret)))
	}
	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	tests := map[string]struct {
		form   url.Values
		basic  string
		status int
		err    string
	}{
		"ok/form":               {form("grant_type", "client_credentials", "client_id", c.ID, "client_secret", secret), "", 200, ""},
		"ok/basic":              {form("grant_type", "client_credentials"), basic(c.ID, secret), 200, ""},
		"fail/wrong secret":     {form("grant_type", "client_credentials", "client_id", c.ID, "client_secret", secret+"x"), "", 401, "invalid_client"},
		"fail/wrong basic":      {form("grant_type", "client_credentials"), basic(c.ID, "nope"), 401, "invalid_client"},
		"fail/unknown client":   {form("grant_type", "client_credentials", "client_id", "nope", "client_secret", secret), "", 401, "invalid_client"},
		"fail/revoked client":   {form("grant_type", "client_credentials", "client_id", revoked.ID, "client_secret", revokedSecret), "", 401, "invalid_client"},
		"fail/no credentials":   {form("grant_type", "client_credentials"), "", 401, "invalid_client"},
		"fail/wrong grant type": {form("grant_type", "password", "client_id", c.ID, "client_secret", secret), "", 400, "unsupported_grant_type"},
		"fail/no grant type":    {form("client_id", c.ID, "client_secret", secret), "", 400, "invalid_request"},
		"fail/two ways of auth": {form("grant_type", "client_credentials", "client_id", c.ID, "client_secret", secret), basic(c.ID, secret), 400, "invalid_request"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			resp := e.tokenRequest(tt.form, tt.basic)
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, b)
			}
			if resp.Header.Get("Content-Type") != "application/json" || resp.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("headers %v", resp.Header)
			}
			var body map[string]any
			if err := json.Unmarshal(b, &body); err != nil {
				t.Fatal(err)
			}
			if tt.err != "" {
				if body["error"] != tt.err {
					t.Errorf("error %v, want %s", body["error"], tt.err)
				}
				if tt.status == 401 && resp.Header.Get("WWW-Authenticate") == "" {
					t.Error("401 without WWW-Authenticate")
				}
				return
			}
			if body["token_type"] != "Bearer" || body["expires_in"] != float64(3600) || body["access_token"] == "" {
				t.Fatalf("token response %v", body)
			}
			e.bearer["token"] = body["access_token"].(string)
			if resp, b := e.do("token", http.MethodGet, "/api/v1/badgeclasses/"+e.B.ID, nil); resp.StatusCode != 200 {
				t.Errorf("using the token: %s %s", resp.Status, b)
			}
		})
	}
	t.Run("fail/json body", func(t *testing.T) {
		req := e.request(anonymous, http.MethodPost, "/oauth/token", map[string]string{"grant_type": "client_credentials"})
		resp, b := e.send(req)
		if resp.StatusCode != 400 {
			t.Errorf("%s %s", resp.Status, b)
		}
	})
}
