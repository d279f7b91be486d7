package web

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/badged/badged/egress"
	"github.com/badged/badged/openid4vp"
)

// enableOpenID4VP adds the OpenID4VP verifier, the employer's page and the
// backpack's answer page. Its base URL is the test server's, named
// localhost (a did:web may not name an IP address), and the egress policy
// allows that host, as an operator would allow a verifier's host, so that
// the backpack reaches it.
func (e *env) enableOpenID4VP(opts ...openid4vp.Option) *openid4vp.Service {
	e.t.Helper()
	return e.enableOpenID4VPAt("", opts...)
}

// enableOpenID4VPAt is enableOpenID4VP with the base URL http://host: the
// egress policy connects that host to the test server (ConnectTo) and
// allows it, so that links and QR codes are the same on every run.
func (e *env) enableOpenID4VPAt(host string, opts ...openid4vp.Option) *openid4vp.Service {
	e.t.Helper()
	u := must(url.Parse(e.ts.URL))
	p := egress.DefaultPolicy()
	if e.policy != nil {
		p = *e.policy
	}
	if host == "" {
		host = "localhost:" + u.Port()
	} else {
		p.ConnectTo = map[string]string{host + ":80": u.Host}
	}
	base := "http://" + host
	p.AllowHosts = append(p.AllowHosts, host)
	client := egress.NewClient(p)
	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	iss := e.public()
	var vp *openid4vp.Service
	e.set(func(a *API) {
		a.Egress = client
		v := a.Verifier
		if v == nil {
			v = ServerVerifier(client, iss, e.clock.Now)
		}
		vp = must(openid4vp.New(e.db, base, key, v, append([]openid4vp.Option{openid4vp.WithClock(e.clock.Now)}, opts...)...))
		a.OpenID4VP, a.CredentialName, a.RequestKeys = vp, iss, vp.OwnKeys(nil)
	})
	return vp
}

// vpRequestState starts a request and returns its reference and state, as
// a wallet reads them from the request object.
func (e *env) vpRequestState(vp *openid4vp.Service) (st *openid4vp.Started, state string) {
	st = must(vp.Start(context.Background(), openid4vp.Ask{Kind: openid4vp.AskAny}))
	jwt := must(vp.RequestObject(context.Background(), st.Ref))
	payload := must(base64.RawURLEncoding.DecodeString(strings.Split(jwt, ".")[1]))
	var c struct{ State string }
	must(0, json.Unmarshal(payload, &c))
	return st, c.State
}

// vpMatrix is who may call each route of OpenID4VP: the verifier's
// endpoints and the employer's pages are for anyone (a request is named
// by its secrets), the backpack's answer page for people signed in.
func vpMatrix(vp *openid4vp.Service) map[string]matrixCase {
	start := func(path func(st *openid4vp.Started) string) func(e *env) (string, any) {
		return func(e *env) (string, any) {
			return path(must(vp.Start(context.Background(), openid4vp.Ask{Kind: openid4vp.AskAny}))), nil
		}
	}
	return map[string]matrixCase{
		"GET /openid4vp/did.json":      {everyone, fixed(func(e *env) string { return openid4vp.PathDID })},
		"GET /openid4vp/request/{ref}": {everyone, start(func(st *openid4vp.Started) string { return openid4vp.PathRequest + st.Ref })},
		"POST /openid4vp/response/{ref}": {everyone, func(e *env) (string, any) {
			st, state := e.vpRequestState(vp)
			return openid4vp.PathResponse + st.Ref, "error=access_denied&state=" + state
		}},
		"GET /verify/ask/static/ask.js": {everyone, fixed(func(e *env) string { return "/verify/ask/static/ask.js" })},
		"GET /verify/ask":               {everyone, fixed(func(e *env) string { return "/verify/ask/" })},
		"POST /verify/ask":              {everyone, func(e *env) (string, any) { return "/verify/ask/", "kind=any" }},
		"GET /verify/ask/{view}":        {everyone, start(func(st *openid4vp.Started) string { return "/verify/ask/" + st.View })},
		"GET /verify/ask/{view}/qr.png": {everyone, start(func(st *openid4vp.Started) string { return "/verify/ask/" + st.View + "/qr.png" })},
		"GET /verify/ask/{view}/status": {everyone, start(func(st *openid4vp.Started) string { return "/verify/ask/" + st.View + "/status" })},
		"GET /backpack/answer":          {persons, fixed(func(e *env) string { return "/backpack/answer/" })},
		"POST /backpack/answer":         {persons, start(func(st *openid4vp.Started) string { return "/backpack/answer/" })},
	}
}

// The matrix posts these routes' forms urlencoded, as a browser and a
// wallet do.
func init() {
	for _, route := range []string{"POST /openid4vp/response/{ref}", "POST /verify/ask"} {
		matrixPrepare[route] = func(e *env, caller string, req *http.Request) {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	matrixPrepare["POST /backpack/answer"] = func(e *env, caller string, req *http.Request) {
		vp := e.cfg.OpenID4VP
		st := must(vp.Start(context.Background(), openid4vp.Ask{Kind: openid4vp.AskAny}))
		req.Body, req.ContentLength = readCloser(url.Values{"request": {st.URI}, "decline": {"yes"}}.Encode())
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
}

// TestVerifyPageLinksAsk: the verify page links the employer's page where
// the server has it, and not on a server without OpenID4VP.
func TestVerifyPageLinksAsk(t *testing.T) {
	e := newEnv(t)
	links := func() int {
		t.Helper()
		req := e.request(anonymous, http.MethodGet, "/verify?lang=en", nil)
		req.Header.Set("Accept", "text/html")
		resp, body := e.send(req)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("verify page: %d", resp.StatusCode)
		}
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(body)))
		if err != nil {
			t.Fatal(err)
		}
		return doc.Find(`a#ask-wallet[href^="/verify/ask/"]`).Length()
	}
	if n := links(); n != 0 {
		t.Errorf("without OpenID4VP: %d links to /verify/ask", n)
	}
	e.enableOpenID4VP()
	if n := links(); n != 1 {
		t.Errorf("with OpenID4VP: %d links to /verify/ask, want 1", n)
	}
}
