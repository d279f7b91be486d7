package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/badged/badged/auth"
	"github.com/badged/badged/devidp"
	"github.com/badged/badged/login"
	"github.com/badged/badged/web/page/signin"
	"github.com/badged/badged/web/request"
)

// enableLogin gives e's server a sign-in provider: devidp on its own
// server, used over HTTP, as a learner provider called "demo".
func (e *env) enableLogin() *devidp.Provider {
	e.t.Helper()
	var h http.Handler
	ts := newServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	e.t.Cleanup(ts.Close)
	idp, err := devidp.New(ts.URL, []devidp.Client{{ID: "badged", Secret: "s", RedirectURIs: []string{e.ts.URL + "/login/demo/callback"}}})
	if err != nil {
		e.t.Fatal(err)
	}
	h = idp
	svc, err := login.NewService([]login.ProviderConfig{{Name: "demo", Label: "Demo eduID", Kind: login.Learner,
		Issuer: ts.URL, ClientID: "badged", ClientSecret: "s", EduIDClaim: "eduid"}},
		e.ts.URL, e.db, e.au, e.is, e.db, login.WithHTTPClient(ts.Client()))
	if err != nil {
		e.t.Fatal(err)
	}
	e.set(func(a *API) {
		a.Login = svc
		a.Demo = true
	})
	return idp
}

// loginFlow runs a sign-in with the provider "demo" in a browser without a
// cookie jar: it returns the callback request's response and the login
// cookie.
func (e *env) loginFlow(user, next string) (*http.Response, *http.Cookie) {
	e.t.Helper()
	return e.loginFlowAt("demo", user, next)
}

// loginFlowAt is loginFlow with the provider called provider.
func (e *env) loginFlowAt(provider, user, next string) (*http.Response, *http.Cookie) {
	e.t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(e.ts.URL + "/login/" + provider + "?next=" + url.QueryEscape(next))
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	var flow *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == signin.Cookie {
			flow = ck
		}
	}
	authURL, err := resp.Location()
	if resp.StatusCode != http.StatusSeeOther || err != nil || flow == nil {
		e.t.Fatalf("start: %s, %v, cookie %v", resp.Status, err, flow)
	}
	form := authURL.Query()
	form.Set("user", user)
	resp, err = c.PostForm(authURL.Scheme+"://"+authURL.Host+authURL.Path, form)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	back, err := resp.Location()
	if err != nil {
		e.t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, back.String(), nil)
	req.AddCookie(&http.Cookie{Name: flow.Name, Value: flow.Value})
	resp, err = c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp, flow
}

func TestLoginOverHTTP(t *testing.T) {
	e := newEnv(t)
	e.enableLogin()

	resp, flow := e.loginFlow("learner-anna", "/api/v1/me")
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/api/v1/me" {
		t.Fatalf("callback: %s to %q", resp.Status, resp.Header.Get("Location"))
	}
	if !flow.HttpOnly || flow.SameSite != http.SameSiteLaxMode || flow.Path != "/login/" || flow.Secure {
		t.Errorf("login cookie %+v", flow)
	}
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		switch ck.Name {
		case request.SessionCookie:
			session = ck
		case signin.Cookie:
			if ck.MaxAge >= 0 {
				t.Errorf("the login cookie is not cleared: %+v", ck)
			}
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Path != "/" {
		t.Fatalf("session cookie %+v", session)
	}
	e.cookie["anna"] = session.Value
	if r, body := e.do("anna", http.MethodGet, "/api/v1/me", nil); r.StatusCode != http.StatusOK || !strings.Contains(string(body), "usr_") {
		t.Fatalf("/api/v1/me: %s %s", r.Status, body)
	}

	// Sign-out from another site is refused, from this one it works.
	req := e.request("anna", http.MethodPost, "/logout", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r, _ := e.send(req); r.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site logout: %s", r.Status)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req = e.request("anna", http.MethodPost, "/logout", nil)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	r, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Errorf("logout: %s to %q", r.Status, r.Header.Get("Location"))
	}
	if r, _ := e.do("anna", http.MethodGet, "/api/v1/me", nil); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("after logout: %s", r.Status)
	}
}

func TestLoginCallbackRefusals(t *testing.T) {
	e := newEnv(t)
	idp := e.enableLogin()
	for name, m := range map[string]devidp.Misbehavior{
		"fail/expired":     {ExpiredIDToken: true},
		"fail/foreign key": {ForeignKey: true},
		"fail/audience":    {WrongAudience: true},
		"fail/nonce":       {WrongNonce: true},
	} {
		t.Run(name, func(t *testing.T) {
			idp.Misbehave(m)
			defer idp.Misbehave(devidp.Misbehavior{})
			resp, _ := e.loginFlow("learner-bram", "/")
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("status %s", resp.Status)
			}
			for _, ck := range resp.Cookies() {
				if ck.Name == request.SessionCookie {
					t.Errorf("a refused sign-in set a session cookie")
				}
			}
			doc, err := goquery.NewDocumentFromReader(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if doc.Find("#login-error").Length() != 1 || doc.Find("#demo-notice").Length() != 1 {
				t.Errorf("the page shows no error or no demo notice")
			}
		})
	}
}

func TestLoginPage(t *testing.T) {
	e := newEnv(t)
	resp, _ := e.do(anonymous, http.MethodGet, "/login", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("no providers: %s", resp.Status)
	}
	e.enableLogin()
	r, err := http.Get(e.ts.URL + "/login?next=" + url.QueryEscape("/backpack"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	doc, err := goquery.NewDocumentFromReader(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.Find("#demo-notice").Text(); !strings.Contains(got, "demo accounts") {
		t.Errorf("demo notice %q", got)
	}
	href, _ := doc.Find(`a.provider[data-provider="demo"]`).Attr("href")
	if href != "/login/demo?next=%2Fbackpack" {
		t.Errorf("provider link %q", href)
	}
}

// matrixFlow is the login cookie of the flow matrixCallback started.
var matrixFlow string

// matrixCallback runs a sign-in at devidp and returns the callback path
// it sends the browser to; matrixPrepare adds the flow's cookie.
func (e *env) matrixCallback() string {
	e.t.Helper()
	authURL, sealed, err := e.cfg.Login.Begin(context.Background(), "demo", "/healthz", "")
	if err != nil {
		e.t.Fatal(err)
	}
	u, _ := url.Parse(authURL)
	form := u.Query()
	form.Set("user", "learner-chen")
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(u.Scheme+"://"+u.Host+u.Path, form)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	back, err := resp.Location()
	if err != nil {
		e.t.Fatal(err)
	}
	matrixFlow = sealed
	return back.RequestURI()
}

// matrixPrepare completes the matrix's requests of the sign-in routes: the
// callback carries its flow's cookie, and sign-out ends a session of its
// own rather than the caller's, which later cells still need.
var matrixPrepare = map[string]func(e *env, caller string, req *http.Request){
	"GET /login/{provider}/callback": func(e *env, caller string, req *http.Request) {
		req.AddCookie(&http.Cookie{Name: signin.Cookie, Value: matrixFlow})
	},
	"POST /logout": func(e *env, caller string, req *http.Request) {
		if _, err := req.Cookie(request.SessionCookie); err == nil {
			req.Header.Del("Cookie")
			req.AddCookie(&http.Cookie{Name: request.SessionCookie, Value: e.session(auth.User{ID: "logout-" + caller})})
		}
	},
}

// TestLoginPageInDutch: /login speaks Dutch by ?lang=nl and by
// Accept-Language, links to itself in English (keeping next), and says a
// failed sign-in in Dutch, with the service's English words under a label
// that says so.
func TestLoginPageInDutch(t *testing.T) {
	e := newEnv(t)
	e.enableLogin()
	nl := signin.Text["nl"]
	for name, tc := range map[string]struct {
		path   string
		header http.Header
	}{
		"ok/by query":           {"/login?lang=nl&next=" + url.QueryEscape("/backpack"), nil},
		"ok/by Accept-Language": {"/login?next=" + url.QueryEscape("/backpack"), http.Header{"Accept-Language": {"nl-NL,nl;q=0.9,en;q=0.5"}}},
	} {
		t.Run(name, func(t *testing.T) {
			resp, doc := getPage(t, e.ts, tc.path, tc.header)
			if resp.StatusCode != http.StatusOK || doc.Find("html").AttrOr("lang", "") != "nl" || doc.Find("h1").Text() != nl["title"] {
				t.Fatalf("status %d, lang %q, h1 %q", resp.StatusCode, doc.Find("html").AttrOr("lang", ""), doc.Find("h1").Text())
			}
			if got := doc.Find(`a.provider[data-provider="demo"]`).Text(); !strings.HasPrefix(got, nl["signInWith"]+" ") {
				t.Errorf("provider link %q", got)
			}
			if got := doc.Find("#demo-notice").Text(); !strings.Contains(got, nl["demoAccounts"]) {
				t.Errorf("demo notice %q", got)
			}
			sw := doc.Find("#lang-switch")
			u, err := url.Parse(sw.AttrOr("href", ""))
			if err != nil || u.Path != "/login" || u.Query().Get("lang") != "en" || u.Query().Get("next") != "/backpack" || sw.Text() != nl["language"] {
				t.Errorf("language switch %q %q", sw.AttrOr("href", ""), sw.Text())
			}
			for _, english := range []string{"Sign in", "Learners", "Staff", "demo accounts"} {
				if strings.Contains(doc.Find("body").Text(), english) {
					t.Errorf("the Dutch page says %q", english)
				}
			}
		})
	}
	t.Run("fail/unknown provider", func(t *testing.T) {
		resp, doc := getPage(t, e.ts, "/login/nope?lang=nl", nil)
		if resp.StatusCode < 400 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		box := doc.Find("#login-error")
		if got := strings.TrimSpace(box.Find("p").First().Text()); got != nl["failed"] {
			t.Errorf("error %q", got)
		}
		if got := box.Find("details summary").Text(); got != nl["details"] {
			t.Errorf("details label %q", got)
		}
		if box.Find("details p").AttrOr("lang", "") != "en" || box.Find("details p").Text() == "" {
			t.Errorf("details %q", box.Find("details").Text())
		}
		if id := resp.Header.Get(request.IDHeader); id == "" || !strings.Contains(box.Text(), id) {
			t.Errorf("the error does not quote the request id %q", id)
		}
	})
}
