package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/badged/badged/issuer"
	"github.com/badged/badged/lti"
	"github.com/badged/badged/lti/ltitest"
)

// ltiLogin starts a launch as the platform does: the browser posts the
// login initiation, badged answers with a redirect to the platform's
// authorization endpoint and a state cookie. It returns the nonce and
// state of that redirect, and the cookie.
func ltiLogin(t *testing.T, s *stack, p *ltitest.Platform, deployment string) (nonce, state string, cookie *http.Cookie) {
	t.Helper()
	form := url.Values{"iss": {p.URL}, "login_hint": {"u-teacher"}, "target_link_uri": {s.app.cfg.BaseURL + lti.LaunchPath},
		"client_id": {ltitest.ClientID}, "lti_deployment_id": {deployment}, "lti_message_hint": {"hint-1"}}
	req, _ := http.NewRequest(http.MethodPost, s.url+lti.LoginPath, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site") // the platform's page posts it
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc, err := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusFound || err != nil || !strings.HasPrefix(loc.String(), p.URL+"/auth?") {
		t.Fatalf("login: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	q := loc.Query()
	if q.Get("client_id") != ltitest.ClientID || q.Get("redirect_uri") != s.app.cfg.BaseURL+lti.LaunchPath || q.Get("response_mode") != "form_post" ||
		q.Get("login_hint") != "u-teacher" || q.Get("lti_message_hint") != "hint-1" || q.Get("scope") != "openid" {
		t.Fatalf("authorization request: %v", q)
	}
	for _, c := range res.Cookies() {
		if c.Name == "badged_lti_state" {
			cookie = c
		}
	}
	if cookie == nil || cookie.Value != q.Get("state") || !cookie.Secure || cookie.SameSite != http.SameSiteNoneMode {
		t.Fatalf("state cookie: %+v", cookie)
	}
	return q.Get("nonce"), q.Get("state"), cookie
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// ltiPost posts a form to badged as the framed page (or the platform's
// auto-submitted form) does, with the state cookie when given.
func ltiPost(t *testing.T, s *stack, path string, form url.Values, cookie *http.Cookie) (int, *goquery.Document) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/html")
	if path == lti.LaunchPath {
		req.Header.Set("Sec-Fetch-Site", "cross-site")
	}
	if cookie != nil {
		req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, doc
}

// TestLTILaunch is issue #13's acceptance 2: launches over real HTTP from
// a platform simulated here (its own keys and JWKS, allowed by the
// operator's egress policy). A valid instructor launch links the course to
// a badge class; a bad signature, a replayed nonce, a wrong deployment,
// an expired token and a state of another browser are each refused with
// why; the platform's NRPS and AGS answers lead to awards for exactly the
// learners who completed, which they claim in their backpack.
func TestLTILaunch(t *testing.T) {
	var p *ltitest.Platform
	var toolJWKS string
	s := newStack(t, "bolt", func(c *Config) {
		toolJWKS = c.BaseURL + lti.JWKSPath
		p = ltitest.NewPlatform(t, "")
		u, _ := url.Parse(p.URL)
		c.Egress.AllowHosts = append(c.Egress.AllowHosts, u.Host)
	})
	p.ToolJWKS, p.Now = strings.Replace(toolJWKS, s.app.cfg.BaseURL, s.url, 1), s.clock.Now
	ctx := context.Background()
	bc := s.badgeClass("Data Science", 0)
	// The institution's admin registers the platform in the portal.
	need(s.is.GrantRole(ctx, e2eRoot, "lms-admin", issuer.RoleInstitutionAdmin, s.inst.ID))
	admin := s.session("lms-admin", "admin@uu.example.nl")
	registration := url.Values{"institution": {s.inst.ID}, "name": {"Canvas"}, "iss": {p.URL}, "clientId": {ltitest.ClientID},
		"deployments": {ltitest.Deployment}, "jwksUrl": {p.URL + "/jwks"}, "authUrl": {p.URL + "/auth"},
		"tokenUrl": {p.URL + "/token"}, "issuerId": {s.issr.ID}}
	if status, doc := browse(t, s, admin, http.MethodPost, "/portal/lms", url.Values{"institution": {s.inst.ID}, "name": {"Canvas"}}); status != http.StatusUnprocessableEntity ||
		doc.Find("#lms-iss-error").Length() != 1 || doc.Find(`#lms-name[value="Canvas"]`).Length() != 1 {
		t.Fatalf("an incomplete registration: %d", status)
	}
	if status, doc := browse(t, s, admin, http.MethodPost, "/portal/lms", registration); status != http.StatusOK || doc.Find("#lms-platforms tr[data-platform]").Length() != 1 ||
		!strings.Contains(doc.Find("#lms-tool").Text(), s.app.cfg.BaseURL+lti.LoginPath) {
		t.Fatalf("registration: %d, %d platforms", status, doc.Find("#lms-platforms tr[data-platform]").Length())
	}
	if status, doc := browse(t, s, admin, http.MethodPost, "/portal/lms", registration); status != http.StatusUnprocessableEntity || doc.Find("#lms-client-error").Length() != 1 {
		t.Errorf("the same platform registered twice: %d", status)
	}
	if status, _ := browse(t, s, s.staff, http.MethodGet, "/portal/lms", nil); status != http.StatusForbidden {
		t.Errorf("an awarder sees the learning platforms: %d", status)
	}
	plats, err := s.app.lti.Platforms(ctx, e2eRoot, s.inst.ID)
	if err != nil || len(plats) != 1 {
		t.Fatalf("platforms: %v, %v", plats, err)
	}
	plat := plats[0]

	// The tool's configuration and keys, for the platform's administrator.
	var config map[string]any
	s.call("", http.MethodGet, lti.ConfigPath, nil, http.StatusOK, &config)
	if config["initiate_login_uri"] != s.app.cfg.BaseURL+lti.LoginPath || config["jwks_uri"] != s.app.cfg.BaseURL+lti.JWKSPath {
		t.Errorf("configuration: %v", config)
	}

	launch := func(t *testing.T, instructor bool, edits ...func(map[string]any)) (int, *goquery.Document) {
		nonce, state, cookie := ltiLogin(t, s, p, ltitest.Deployment)
		return ltiPost(t, s, lti.LaunchPath, url.Values{"id_token": {p.IDToken(t, p.Key, nonce, instructor, edits...)}, "state": {state}}, cookie)
	}
	refused := func(t *testing.T, status int, doc *goquery.Document, why string) {
		t.Helper()
		if status != http.StatusUnauthorized || !strings.Contains(doc.Text(), why) || doc.Find("#lti-link").Length() != 0 {
			t.Errorf("want 401 saying %q; got %d: %s", why, status, strings.Join(strings.Fields(doc.Find("main").Text()), " "))
		}
	}

	status, doc := launch(t, true)
	box := doc.Find(`#lti-link input[name="badgeClass"][value="` + bc.ID + `"]`)
	if status != http.StatusOK || box.Length() != 1 {
		t.Fatalf("instructor launch: %d, %s", status, strings.Join(strings.Fields(doc.Find("main").Text()), " "))
	}
	token, _ := doc.Find(`#lti-link input[name="launch"]`).Attr("value")
	if status, doc := ltiPost(t, s, lti.CoursePath+"/link", url.Values{"launch": {token}, "badgeClass": {"someone-elses"}}, nil); status != http.StatusUnprocessableEntity ||
		doc.Find("#lti-problem").Length() != 1 {
		t.Errorf("linking a badge class the platform may not award: %d", status)
	}
	if status, _ := ltiPost(t, s, lti.CoursePath+"/link", url.Values{"launch": {token + "x"}, "badgeClass": {bc.ID}}, nil); status != http.StatusUnauthorized {
		t.Errorf("an altered launch: %d", status)
	}
	status, doc = ltiPost(t, s, lti.CoursePath+"/link", url.Values{"launch": {token}, "badgeClass": {bc.ID}}, nil)
	if status != http.StatusOK || doc.Find("#lti-saved").Length() != 1 || doc.Find(`input[value="`+bc.ID+`"][checked]`).Length() != 1 {
		t.Fatalf("link: %d %s", status, doc.Find("#lti-problem").Text())
	}
	if l, err := s.app.lti.Course(ctx, &lti.Launch{PlatformID: plat.ID, ContextID: ltitest.Course, Instructor: true}); err != nil ||
		!slices.Equal(l.Link.BadgeClasses, []string{bc.ID}) {
		t.Fatalf("course link stored: %+v, %v", l, err)
	}

	t.Run("awards/completed learners", func(t *testing.T) {
		status, doc := ltiPost(t, s, lti.CoursePath+"/award", url.Values{"launch": {token}}, nil)
		completed := doc.Find("#lti-completed li").Map(func(_ int, s *goquery.Selection) string { return s.Text() })
		if status != http.StatusOK || !slices.Equal(completed, []string{"a@student.example.nl"}) || doc.Find("#lti-skipped li").Text() != "Cas" {
			t.Fatalf("award: %d, completed %v, skipped %q, problem %q", status, completed, doc.Find("#lti-skipped li").Text(), doc.Find("#lti-problem").Text())
		}
		page, err := s.is.BadgeClassAwards(ctx, e2eRoot, bc.ID, issuer.AwardFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var to []string
		for _, a := range page.Awards {
			to = append(to, a.Recipient.Email)
			if a.State != issuer.AwardSent || a.Kind != issuer.KindDirect || a.AwardedBy != lti.UserPrefix+plat.ID {
				t.Errorf("award %s: %s %s by %s", a.ID, a.Kind, a.State, a.AwardedBy)
			}
		}
		if !slices.Equal(to, []string{"a@student.example.nl"}) || p.Tokens.Load() == 0 {
			t.Errorf("awards to %v (%d tokens)", to, p.Tokens.Load())
		}
	})

	t.Run("learner launch", func(t *testing.T) {
		status, doc := launch(t, false)
		if status != http.StatusOK || doc.Find("#lti-learner").Length() != 1 || doc.Find("#lti-link").Length() != 0 {
			t.Fatalf("learner launch: %d", status)
		}
		token, _ := doc.Find(`input[name="launch"]`).Attr("value")
		if token == "" {
			return // a learner's page has no forms at all
		}
		if status, _ := ltiPost(t, s, lti.CoursePath+"/award", url.Values{"launch": {token}}, nil); status != http.StatusForbidden {
			t.Errorf("a learner awards: %d", status)
		}
	})

	t.Run("fail/bad signature", func(t *testing.T) {
		other, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		nonce, state, cookie := ltiLogin(t, s, p, ltitest.Deployment)
		status, doc := ltiPost(t, s, lti.LaunchPath, url.Values{"id_token": {p.IDToken(t, other, nonce, true)}, "state": {state}}, cookie)
		refused(t, status, doc, "signature does not verify")
	})
	t.Run("fail/replayed nonce", func(t *testing.T) {
		nonce, state, cookie := ltiLogin(t, s, p, ltitest.Deployment)
		form := url.Values{"id_token": {p.IDToken(t, p.Key, nonce, true)}, "state": {state}}
		if status, _ := ltiPost(t, s, lti.LaunchPath, form, cookie); status != http.StatusOK {
			t.Fatalf("first launch: %d", status)
		}
		status, doc := ltiPost(t, s, lti.LaunchPath, form, cookie)
		refused(t, status, doc, "replayed launch")
	})
	t.Run("fail/wrong deployment", func(t *testing.T) {
		status, doc := launch(t, true, func(c map[string]any) { c["https://purl.imsglobal.org/spec/lti/claim/deployment_id"] = "deployment-9" })
		refused(t, status, doc, `deployment "deployment-9"`)
	})
	t.Run("fail/expired", func(t *testing.T) {
		status, doc := launch(t, true, func(c map[string]any) {
			c["exp"], c["iat"] = p.Now().Add(-10*time.Minute).Unix(), p.Now().Add(-20*time.Minute).Unix()
		})
		refused(t, status, doc, "expired")
	})
	t.Run("fail/another browser's state", func(t *testing.T) {
		nonce, _, cookie := ltiLogin(t, s, p, ltitest.Deployment)
		status, doc := ltiPost(t, s, lti.LaunchPath, url.Values{"id_token": {p.IDToken(t, p.Key, nonce, true)}, "state": {"forged"}}, cookie)
		refused(t, status, doc, "state does not match")
	})
	t.Run("fail/unregistered deployment at login", func(t *testing.T) {
		form := url.Values{"iss": {p.URL}, "login_hint": {"u"}, "client_id": {ltitest.ClientID}, "lti_deployment_id": {"deployment-9"}}
		req, _ := http.NewRequest(http.MethodPost, s.url+lti.LoginPath, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("login from an unregistered deployment: %d", res.StatusCode)
		}
	})
}
