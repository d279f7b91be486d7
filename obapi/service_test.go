package obapi_test

import (
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/badged/badged/obapi"
	"github.com/badged/badged/storage/bolt"
)

type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func newService(t *testing.T) (*obapi.Service, *clock) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "badged.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := &clock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	return obapi.New(db, "https://badges.example", obapi.WithClock(c.Now)), c
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	var e *obapi.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Errorf("%s: %v, want %s", what, err, code)
	}
}

func TestRegister(t *testing.T) {
	svc, _ := newService(t)
	ok := obapi.Registration{Name: "App", URI: "https://app.example", RedirectURIs: []string{"https://app.example/cb"},
		Scope: obapi.ScopeCredentialReadonly}
	tests := []struct {
		name string
		edit func(r *obapi.Registration)
		code string
	}{
		{"ok/https", func(*obapi.Registration) {}, ""},
		{"ok/loopback http", func(r *obapi.Registration) {
			r.RedirectURIs = []string{"http://127.0.0.1:8080/cb", "http://localhost/cb"}
		}, ""},
		{"fail/no name", func(r *obapi.Registration) { r.Name = " " }, obapi.CodeInvalidClientMetadata},
		{"fail/http client_uri", func(r *obapi.Registration) { r.URI = "http://app.example" }, obapi.CodeInvalidClientMetadata},
		{"fail/no redirect URI", func(r *obapi.Registration) { r.RedirectURIs = nil }, obapi.CodeInvalidRedirectURI},
		{"fail/http redirect URI", func(r *obapi.Registration) { r.RedirectURIs = []string{"http://app.example/cb"} }, obapi.CodeInvalidRedirectURI},
		{"fail/fragment", func(r *obapi.Registration) { r.RedirectURIs = []string{"https://app.example/cb#x"} }, obapi.CodeInvalidRedirectURI},
		{"fail/custom scheme", func(r *obapi.Registration) { r.RedirectURIs = []string{"javascript:alert(1)"} }, obapi.CodeInvalidRedirectURI},
		{"fail/unknown scope", func(r *obapi.Registration) { r.Scope += " openid" }, obapi.CodeInvalidScope},
		{"fail/no scope", func(r *obapi.Registration) { r.Scope = "" }, obapi.CodeInvalidScope},
		{"fail/implicit grant", func(r *obapi.Registration) { r.GrantTypes = []string{"implicit"} }, obapi.CodeInvalidClientMetadata},
		{"fail/auth method none", func(r *obapi.Registration) { r.AuthMethod = "none" }, obapi.CodeInvalidClientMetadata},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ok
			tt.edit(&r)
			c, secret, err := svc.Register(context.Background(), r)
			if tt.code == "" {
				if err != nil || c.ID == "" || secret == "" || c.SecretHash == secret {
					t.Fatalf("Register: %+v, %v", c, err)
				}
				if _, err := svc.AuthenticateClient(context.Background(), c.ID, secret); err != nil {
					t.Errorf("AuthenticateClient: %v", err)
				}
				_, err := svc.AuthenticateClient(context.Background(), c.ID, secret+"x")
				wantCode(t, "wrong secret", err, obapi.CodeInvalidClient)
				return
			}
			wantCode(t, tt.name, err, tt.code)
		})
	}
}

// TestLifetimes: a code expires; a refresh token expires; an access
// token expires; each is refused with its error.
func TestLifetimes(t *testing.T) {
	svc, clk := newService(t)
	ctx := context.Background()
	c, _, err := svc.Register(ctx, obapi.Registration{Name: "App", URI: "https://app.example",
		RedirectURIs: []string{"https://app.example/cb"}, Scope: strings.Join(obapi.Scopes, " ")})
	if err != nil {
		t.Fatal(err)
	}
	const verifier = "a-verifier-of-at-least-forty-three-characters-1"
	code := func() string {
		req, err := svc.ParseAuthorization(ctx, url.Values{"response_type": {"code"}, "client_id": {c.ID},
			"scope": {obapi.ScopeProfileReadonly}, "code_challenge": {oauth2.S256ChallengeFromVerifier(verifier)},
			"code_challenge_method": {"S256"}})
		if err != nil {
			t.Fatal(err)
		}
		if req.RedirectURI != "https://app.example/cb" {
			t.Errorf("the one registered redirect URI is the default: %q", req.RedirectURI)
		}
		to, err := svc.Consent(ctx, req, "u1")
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(to)
		return u.Query().Get("code")
	}
	expired := code()
	clk.now = clk.now.Add(obapi.CodeLifetime)
	_, err = svc.Exchange(ctx, c, expired, "https://app.example/cb", verifier)
	wantCode(t, "expired code", err, obapi.CodeInvalidGrant)

	tok, err := svc.Exchange(ctx, c, code(), "https://app.example/cb", verifier)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, tok.AccessToken); err != nil {
		t.Fatal(err)
	}
	clk.now = clk.now.Add(obapi.AccessLifetime)
	_, err = svc.Authenticate(ctx, tok.AccessToken)
	wantCode(t, "expired access token", err, obapi.CodeInvalidToken)
	_, err = svc.Authenticate(ctx, tok.RefreshToken)
	wantCode(t, "a refresh token as access token", err, obapi.CodeInvalidToken)
	clk.now = clk.now.Add(obapi.RefreshLifetime)
	_, err = svc.Refresh(ctx, c, tok.RefreshToken, "")
	wantCode(t, "expired refresh token", err, obapi.CodeInvalidGrant)
	_, err = svc.Refresh(ctx, c, tok.AccessToken, "")
	wantCode(t, "an access token as refresh token", err, obapi.CodeInvalidGrant)
}

// TestAuthorizationErrors: what is wrong with the client itself is an
// *Error to show; the rest a *RedirectError to send back.
func TestAuthorizationErrors(t *testing.T) {
	svc, _ := newService(t)
	ctx := context.Background()
	c, _, err := svc.Register(ctx, obapi.Registration{Name: "App", URI: "https://app.example",
		RedirectURIs: []string{"https://app.example/cb", "https://app.example/cb2"}, Scope: obapi.ScopeProfileReadonly})
	if err != nil {
		t.Fatal(err)
	}
	ok := url.Values{"response_type": {"code"}, "client_id": {c.ID}, "redirect_uri": {"https://app.example/cb"},
		"scope": {obapi.ScopeProfileReadonly}, "code_challenge": {oauth2.S256ChallengeFromVerifier("v")}, "code_challenge_method": {"S256"}}
	tests := []struct {
		name     string
		edit     func(q url.Values)
		code     string
		redirect bool
	}{
		{"fail/unknown client", func(q url.Values) { q.Set("client_id", "nope") }, obapi.CodeInvalidClient, false},
		{"fail/unregistered redirect URI", func(q url.Values) { q.Set("redirect_uri", "https://app.example/other") }, obapi.CodeInvalidRequest, false},
		{"fail/no redirect URI of two", func(q url.Values) { q.Del("redirect_uri") }, obapi.CodeInvalidRequest, false},
		{"fail/repeated parameter", func(q url.Values) { q.Add("scope", obapi.ScopeProfileReadonly) }, obapi.CodeInvalidRequest, false},
		{"fail/token response", func(q url.Values) { q.Set("response_type", "token") }, obapi.CodeUnsupportedResponse, true},
		{"fail/plain PKCE", func(q url.Values) { q.Set("code_challenge_method", "plain") }, obapi.CodeInvalidRequest, true},
		{"fail/no PKCE", func(q url.Values) { q.Del("code_challenge") }, obapi.CodeInvalidRequest, true},
		{"fail/scope not registered", func(q url.Values) { q.Set("scope", obapi.ScopeCredentialUpsert) }, obapi.CodeInvalidScope, true},
		{"fail/no scope", func(q url.Values) { q.Del("scope") }, obapi.CodeInvalidScope, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := url.Values{}
			for k, v := range ok {
				q[k] = append([]string(nil), v...)
			}
			tt.edit(q)
			_, err := svc.ParseAuthorization(ctx, q)
			wantCode(t, tt.name, err, tt.code)
			var re *obapi.RedirectError
			if errors.As(err, &re) != tt.redirect {
				t.Errorf("redirect error: %v, want %v", errors.As(err, &re), tt.redirect)
			}
		})
	}
}
