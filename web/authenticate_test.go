package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/badged/badged/auth"
	"github.com/badged/badged/web/request"
)

func TestAuthenticate(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	t.Run("fail/anonymous", func(t *testing.T) {
		resp, body := e.do(anonymous, "GET", "/api/v1/me", nil)
		if p := problemOf(t, resp, body); p.Status != 401 || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%d %q", p.Status, resp.Header.Get("WWW-Authenticate"))
		}
	})
	t.Run("fail/basic scheme", func(t *testing.T) {
		req := e.request(anonymous, "GET", "/api/v1/me", nil)
		req.SetBasicAuth("a", "b")
		if resp, body := e.send(req); problemOf(t, resp, body).Status != 401 {
			t.Error(resp.Status)
		}
	})
	t.Run("fail/unknown bearer", func(t *testing.T) {
		req := e.request(anonymous, "GET", "/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer bdg_at_nope")
		resp, body := e.send(req)
		if problemOf(t, resp, body).Status != 401 || !strings.Contains(resp.Header.Get("WWW-Authenticate"), "invalid_token") {
			t.Error(resp.Status, resp.Header.Get("WWW-Authenticate"))
		}
	})
	t.Run("ok/session then expiry", func(t *testing.T) {
		e.cookie["short"] = e.session(auth.User{ID: "u-short"})
		if resp, body := e.do("short", "GET", "/api/v1/me", nil); resp.StatusCode != 200 {
			t.Fatalf("%s %s", resp.Status, body)
		}
		e.clock.Add(auth.DefaultSessionTTL + time.Second)
		defer e.clock.Add(-auth.DefaultSessionTTL - time.Second)
		resp, body := e.do("short", "GET", "/api/v1/me", nil)
		if p := problemOf(t, resp, body); p.Status != 401 || !strings.Contains(p.Detail, "expired") {
			t.Errorf("after expiry: %+v", p)
		}
		var cleared bool
		for _, c := range resp.Cookies() {
			cleared = cleared || c.Name == request.SessionCookie && c.MaxAge < 0
		}
		if !cleared {
			t.Error("the expired session's cookie was not cleared")
		}
	})
	t.Run("fail/revoked session", func(t *testing.T) {
		token := e.session(auth.User{ID: "u-revoked"})
		e.cookie["revoked"] = token
		if err := e.au.RevokeSession(ctx, token); err != nil {
			t.Fatal(err)
		}
		if resp, body := e.do("revoked", "GET", "/api/v1/me", nil); problemOf(t, resp, body).Status != 401 {
			t.Error(resp.Status)
		}
	})
	t.Run("ok/system principal", func(t *testing.T) {
		resp, body := e.do(ownSIS, "GET", "/api/v1/me", nil)
		if resp.StatusCode != 200 || !strings.Contains(string(body), `"kind": "system"`) || !strings.Contains(string(body), "institution_awarder") {
			t.Errorf("%s %s", resp.Status, body)
		}
	})
}

func TestRevokedClientTokens(t *testing.T) {
	e := newEnv(t)
	c, secret := e.client(e.I.ID)
	e.bearer["api-token"] = secret
	e.bearer["access-token"] = e.accessToken(c.ID, secret)
	for _, caller := range []string{"api-token", "access-token"} {
		if resp, body := e.do(caller, "GET", "/api/v1/institutions/"+e.I.ID, nil); resp.StatusCode != 200 {
			t.Fatalf("%s before revocation: %s %s", caller, resp.Status, body)
		}
	}
	if resp, body := e.do(instAdmin, "DELETE", "/api/v1/institutions/"+e.I.ID+"/clients/"+c.ID, nil); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("revoke: %s %s", resp.Status, body)
	}
	for _, caller := range []string{"api-token", "access-token"} {
		if resp, body := e.do(caller, "GET", "/api/v1/institutions/"+e.I.ID, nil); problemOf(t, resp, body).Status != 401 {
			t.Errorf("%s after revocation: %s", caller, resp.Status)
		}
	}
	// The membership went with it, and the list shows the revocation.
	ms := must(e.db.MembershipsByUser(context.Background(), c.UserID()))
	if len(ms) != 0 {
		t.Errorf("revoked client keeps %d memberships", len(ms))
	}
	_, body := e.do(instAdmin, "GET", "/api/v1/institutions/"+e.I.ID+"/clients", nil)
	if !strings.Contains(string(body), `"revoked"`) || strings.Contains(string(body), "bdg_sk_") || strings.Contains(string(body), c.SecretHash) {
		t.Errorf("client list: %s", body)
	}
}

func TestSessionCookie(t *testing.T) {
	for name, tt := range map[string]struct {
		base   string
		secure bool
	}{"ok/https": {"https://badges.example.edu", true}, "ok/http": {"http://127.0.0.1:8080", false}} {
		t.Run(name, func(t *testing.T) {
			c := (&Server{BaseURL: tt.base}).SessionCookie("tok", time.Now().Add(time.Hour))
			if c.Name != "badged_session" || c.Secure != tt.secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
				t.Errorf("%+v", c)
			}
		})
	}
}
