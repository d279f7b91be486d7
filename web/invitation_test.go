package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/badged/badged/devidp"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/login"
	"github.com/badged/badged/web/api"
	"github.com/badged/badged/web/request"
)

// serveIDP starts devidp on its own loopback server as the identity
// provider of one institution, knowing users, with badged's callback for
// the provider called name registered.
func (e *env) serveIDP(name string, users ...devidp.User) *devidp.Provider {
	e.t.Helper()
	var h http.Handler
	ts := newServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	e.t.Cleanup(ts.Close)
	idp, err := devidp.New(ts.URL, []devidp.Client{{ID: "badged", Secret: "s",
		RedirectURIs: []string{e.ts.URL + "/login/" + name + "/callback"}}}, devidp.WithUsers(users...))
	if err != nil {
		e.t.Fatal(err)
	}
	h = idp
	return idp
}

// TestInvitationBindsThroughItsInstitution is acceptance 6 of issue 8: I
// and X each sign their staff in through their own provider (two devidp
// servers on loopback, badged itself over HTTP). An invitation of I to an
// address binds only when that address signs in through I's provider; the
// same address through X's provider leaves it pending, and X's provider
// claiming I's SCHAC home is refused.
func TestInvitationBindsThroughItsInstitution(t *testing.T) {
	e := newEnv(t)
	const pat = "pat@shared.example.org"
	idpI := e.serveIDP("inst-i", devidp.User{ID: "staff-pat", Staff: true, Name: "Pat at I", Email: pat, SCHACHome: e.I.SCHACHome})
	idpX := e.serveIDP("inst-x",
		devidp.User{ID: "staff-pat", Staff: true, Name: "Pat at X", Email: pat, SCHACHome: e.X.SCHACHome},
		devidp.User{ID: "staff-claims-i", Staff: true, Name: "Pat claiming I", Email: pat, SCHACHome: e.I.SCHACHome})
	svc, err := login.NewService([]login.ProviderConfig{
		{Name: "inst-i", Label: "University I", Kind: login.Staff, Issuer: idpI.Issuer(), ClientID: "badged", ClientSecret: "s",
			SCHACHomes: []string{e.I.SCHACHome}},
		{Name: "inst-x", Label: "University X", Kind: login.Staff, Issuer: idpX.Issuer(), ClientID: "badged", ClientSecret: "s",
			SCHACHomes: []string{e.X.SCHACHome}},
	}, e.ts.URL, e.db, e.au, e.is, e.db, login.WithHTTPClient(&http.Client{}))
	if err != nil {
		t.Fatal(err)
	}
	e.set(func(a *API) {
		a.Login = svc
	})

	resp, body := e.do(superuser, http.MethodPost, "/api/v1/staff",
		map[string]string{"email": pat, "role": string(issuer.RoleInstitutionAdmin), "nodeId": e.I.ID})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("invite: %s %s", resp.Status, body)
	}
	var inv api.Membership
	if err := json.Unmarshal(body, &inv); err != nil || !inv.Pending {
		t.Fatalf("invitation %s: %v", body, err)
	}
	// stillPending checks that the invitation is as it was sent.
	stillPending := func(t *testing.T) {
		t.Helper()
		resp, body := e.do(superuser, http.MethodGet, "/api/v1/institutions/"+e.I.ID+"/staff", nil)
		var page struct{ Items []api.Membership }
		if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &page) != nil {
			t.Fatalf("staff of I: %s %s", resp.Status, body)
		}
		for _, m := range page.Items {
			if m.ID == inv.ID {
				if !m.Pending || m.UserID != "" || m.Version != inv.Version {
					t.Errorf("the invitation changed: %+v, sent %+v", m, inv)
				}
				return
			}
		}
		t.Errorf("the invitation is gone: %s", body)
	}
	// signIn signs caller in with provider as user and returns the
	// memberships /api/v1/me lists for the session.
	signIn := func(t *testing.T, caller, provider, user string) []api.Membership {
		t.Helper()
		resp, _ := e.loginFlowAt(provider, user, "/api/v1/me")
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign-in of %s at %s: %s", user, provider, resp.Status)
		}
		for _, ck := range resp.Cookies() {
			if ck.Name == request.SessionCookie {
				e.cookie[caller] = ck.Value
			}
		}
		r, body := e.do(caller, http.MethodGet, "/api/v1/me", nil)
		var me api.Me
		if r.StatusCode != http.StatusOK || json.Unmarshal(body, &me) != nil {
			t.Fatalf("/api/v1/me of %s: %s %s", caller, r.Status, body)
		}
		return me.Memberships
	}

	t.Run("fail/same address through another institution's provider", func(t *testing.T) {
		if ms := signIn(t, "pat-x", "inst-x", "staff-pat"); len(ms) != 0 {
			t.Errorf("memberships through X's provider: %+v", ms)
		}
		stillPending(t)
		if r, body := e.do("pat-x", http.MethodGet, "/api/v1/institutions/"+e.I.ID+"/staff", nil); r.StatusCode != http.StatusForbidden {
			t.Errorf("pat at X reads I's staff: %s %s", r.Status, body)
		}
	})

	t.Run("fail/another institution's provider claiming this one", func(t *testing.T) {
		resp, _ := e.loginFlowAt("inst-x", "staff-claims-i", "/api/v1/me")
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("callback: %s, want 403", resp.Status)
		}
		for _, ck := range resp.Cookies() {
			if ck.Name == request.SessionCookie && ck.Value != "" {
				t.Errorf("a refused sign-in set a session: %+v", ck)
			}
		}
		doc, err := goquery.NewDocumentFromReader(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		want := "University X does not sign in staff of " + e.I.SCHACHome + ": sign in through your own institution's provider"
		if got := doc.Find("#login-error p").First().Text(); !strings.Contains(got, want) {
			t.Errorf("refusal %q, want it to say %q", got, want)
		}
		stillPending(t)
	})

	t.Run("ok/same person through the institution's own provider", func(t *testing.T) {
		ms := signIn(t, "pat-i", "inst-i", "staff-pat")
		if len(ms) != 1 || ms[0].ID != inv.ID || ms[0].Pending || ms[0].InstitutionID != e.I.ID || ms[0].Role != string(issuer.RoleInstitutionAdmin) {
			t.Fatalf("memberships through I's provider: %+v", ms)
		}
		if r, body := e.do("pat-i", http.MethodGet, "/api/v1/institutions/"+e.I.ID+"/staff", nil); r.StatusCode != http.StatusOK {
			t.Errorf("pat at I reads I's staff: %s %s", r.Status, body)
		}
		// Pat at X still has nothing at I.
		if ms := signIn(t, "pat-x", "inst-x", "staff-pat"); len(ms) != 0 {
			t.Errorf("memberships through X's provider after binding: %+v", ms)
		}
	})
}
