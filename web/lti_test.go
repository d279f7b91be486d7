package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/badged/badged/egress"
	"github.com/badged/badged/keys"
	"github.com/badged/badged/lti"
	"github.com/badged/badged/lti/ltitest"
)

// ltiFixture is the LTI tool of an env, the platform simulated for it
// (registered for institution I, on loopback, which the tool's egress
// policy allows as an operator would), and a published badge class the
// platform may award.
type ltiFixture struct {
	tool     *lti.Service
	platform *ltitest.Platform
	class    string
	state    string // the state of the matrix's last login
}

// enableLTI adds the LTI tool and its simulated platform.
func (e *env) enableLTI() *ltiFixture {
	e.t.Helper()
	ctx := context.Background()
	p := ltitest.NewPlatform(e.t, e.ts.URL+lti.JWKSPath)
	u, _ := url.Parse(p.URL)
	pol := egress.DefaultPolicy()
	pol.AllowHosts = append(pol.AllowHosts, u.Host)
	sealer := must(keys.NewSealer(bytes.Repeat([]byte{7}, keys.MasterKeySize)))
	tool := lti.New(e.db, e.is, sealer, e.ts.URL, egress.NewClient(pol))
	// The platform's "authorization endpoint" is a page of this server,
	// so that a login's redirect ends in a 200.
	must(tool.RegisterPlatform(ctx, root, lti.Platform{InstitutionID: e.I.ID, Name: "Canvas", Issuer: p.URL, ClientID: ltitest.ClientID,
		DeploymentIDs: []string{ltitest.Deployment}, JWKSURL: p.URL + "/jwks", AuthURL: e.ts.URL + "/healthz", TokenURL: p.URL + "/token"}))
	bc := must(e.is.CreateBadgeClass(ctx, root, badgeClassFixture(e.S.ID)))
	bc = must(e.is.PublishBadgeClass(ctx, root, bc.ID, bc.Version))
	e.lti = &ltiFixture{tool: tool, platform: p, class: bc.ID}
	e.set(func(a *API) { a.LTI = tool })
	return e.lti
}

// launch returns an instructor's launch of the platform's course, sealed
// as the launch page's forms carry it.
func (f *ltiFixture) launch(e *env) string {
	p := f.platform
	token, err := f.tool.Seal(&lti.Launch{PlatformID: f.platformID(e), Subject: "u-teacher", Instructor: true, ContextID: ltitest.Course,
		Memberships: p.URL + "/nrps/" + ltitest.Course, LineItems: p.URL + "/ags/" + ltitest.Course + "/lineitems", Expires: time.Now().Add(time.Hour)})
	if err != nil {
		e.t.Fatal(err)
	}
	return token
}

func (f *ltiFixture) platformID(e *env) string {
	ps := must(f.tool.Platforms(context.Background(), root, e.I.ID))
	return ps[0].ID
}

// loginForm is a platform's login initiation.
func loginForm() url.Values {
	return url.Values{"login_hint": {"u-teacher"}, "client_id": {ltitest.ClientID}, "lti_deployment_id": {ltitest.Deployment}}
}

// ltiMatrix: the tool's endpoints answer anyone, whatever their session:
// a platform's login and launch are checked by their state and signed
// id_token, the launch page's forms by the sealed launch they carry.
func ltiMatrix(f *ltiFixture) map[string]matrixCase {
	login := func(e *env) string {
		q := loginForm()
		q.Set("iss", f.platform.URL)
		return lti.LoginPath + "?" + q.Encode()
	}
	return map[string]matrixCase{
		"GET /lti/login":         {everyone, fixed(login)},
		"POST /lti/login":        {everyone, fixed(func(*env) string { return lti.LoginPath })},
		"POST /lti/launch":       {everyone, fixed(func(*env) string { return lti.LaunchPath })},
		"GET /lti/jwks":          {everyone, fixed(func(*env) string { return lti.JWKSPath })},
		"GET /lti/config.json":   {everyone, fixed(func(*env) string { return lti.ConfigPath })},
		"POST /lti/course/link":  {everyone, fixed(func(*env) string { return lti.CoursePath + "/link" })},
		"POST /lti/course/award": {everyone, fixed(func(*env) string { return lti.CoursePath + "/award" })},
		// The learning platforms page of the portal (portal/lms.go).
		"GET /portal/lms":  {staffAdminI, fixed(func(e *env) string { return "/portal/lms?institution=" + e.I.ID })},
		"POST /portal/lms": {staffAdminI, fixed(func(e *env) string { return "/portal/lms?institution=" + e.I.ID })},
	}
}

func init() {
	form := func(route string, values func(e *env) url.Values) {
		matrixPrepare[route] = func(e *env, _ string, req *http.Request) {
			req.Body, req.ContentLength = readCloser(values(e).Encode())
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if route == "POST "+lti.LaunchPath {
				req.AddCookie(&http.Cookie{Name: "badged_lti_state", Value: e.lti.state})
			}
		}
	}
	form("POST "+lti.LoginPath, func(e *env) url.Values {
		q := loginForm()
		q.Set("iss", e.lti.platform.URL)
		return q
	})
	form("POST "+lti.LaunchPath, func(e *env) url.Values {
		f := e.lti
		q := loginForm()
		to, state, err := f.tool.Login(context.Background(), lti.LoginRequest{Issuer: f.platform.URL, LoginHint: "u-teacher", ClientID: ltitest.ClientID})
		if err != nil {
			e.t.Fatal(err)
		}
		u, _ := url.Parse(to)
		f.state = state
		q = url.Values{"state": {state}, "id_token": {f.platform.IDToken(e.t, f.platform.Key, u.Query().Get("nonce"), true)}}
		return q
	})
	form("POST "+lti.CoursePath+"/link", func(e *env) url.Values {
		return url.Values{"launch": {e.lti.launch(e)}, "badgeClass": {e.lti.class}}
	})
	form("POST "+lti.CoursePath+"/award", func(e *env) url.Values {
		launch := e.lti.launch(e)
		l := must(e.lti.tool.Open(launch))
		must(e.lti.tool.LinkCourse(context.Background(), l, []string{e.lti.class}))
		return url.Values{"launch": {launch}}
	})
	n := 0
	form("POST /portal/lms", func(e *env) url.Values {
		n++ // a new registration each call: one platform is registered once
		host := "https://lms" + strings.Repeat("x", n) + ".example.edu"
		return url.Values{"name": {"Moodle"}, "iss": {host}, "clientId": {"c"}, "deployments": {"1"},
			"jwksUrl": {host + "/jwks"}, "authUrl": {host + "/auth"}, "tokenUrl": {host + "/token"}}
	})
}
