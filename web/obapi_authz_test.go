package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/badged/badged/obapi"
)

// enableOBAPI adds the Open Badges API and its pages (the wallet must be
// on: e.awarding).
func (e *env) enableOBAPI() *obapi.Service {
	e.t.Helper()
	svc := obapi.New(e.db, e.ts.URL, obapi.WithClock(e.clock.Now))
	e.set(func(a *API) { a.OBAPI = svc })
	return svc
}

// obFixture is a registered application of the matrix, whose redirect
// URI is this server's /healthz (so that a browser sent back lands on a
// 200), and the token the current cell calls with.
type obFixture struct {
	svc    *obapi.Service
	client *obapi.Client
	secret string
	token  string
}

// register registers an application on svc.
func obRegister(t *testing.T, svc *obapi.Service, redirect string) (*obapi.Client, string) {
	t.Helper()
	c, secret, err := svc.Register(context.Background(), obapi.Registration{Name: "App", URI: "https://app.example",
		RedirectURIs: []string{redirect}, Scope: strings.Join(obapi.Scopes, " ")})
	if err != nil {
		t.Fatal(err)
	}
	return c, secret
}

// obQuery is an authorization request of c for scope.
func obQuery(c *obapi.Client, scope string) url.Values {
	return url.Values{"response_type": {"code"}, "client_id": {c.ID}, "redirect_uri": {c.RedirectURIs[0]},
		"scope": {scope}, "code_challenge": {oauth2.S256ChallengeFromVerifier(obVerifier)}, "code_challenge_method": {"S256"}}
}

// obVerifier is the PKCE verifier of obQuery's challenge (RFC 7636
// appendix B).
const obVerifier = "dBjftJeZ4CVP-mJ0-MlbO1AHs5j3xpAHjkE5i6L7Eb0"

// code is an authorization code of userID's consent to f's client.
func (f *obFixture) code(t *testing.T, userID, scope string) string {
	t.Helper()
	ctx := context.Background()
	req, err := f.svc.ParseAuthorization(ctx, obQuery(f.client, scope))
	if err != nil {
		t.Fatal(err)
	}
	to, err := f.svc.Consent(ctx, req, userID)
	if err != nil {
		t.Fatal(err)
	}
	return must(url.Parse(to)).Query().Get("code")
}

// tokens are the tokens of userID's consent to f's client.
func (f *obFixture) tokens(t *testing.T, userID, scope string) *obapi.Tokens {
	t.Helper()
	tok, err := f.svc.Exchange(context.Background(), f.client, f.code(t, userID, scope), f.client.RedirectURIs[0], obVerifier)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

var obMatrixFixture *obFixture

// obMatrix is who may call each route of the Open Badges API: the
// discovery document and registration anyone; the token and revocation
// endpoints, and the resource endpoints, authenticate what the request
// carries (client credentials, the learner's access token), whoever
// sends it, so they are open to every caller here and
// TestOBAPIRefusals checks their refusals; the consent page and the
// connected applications are for people signed in.
func obMatrix(svc *obapi.Service) map[string]matrixCase {
	f := &obFixture{svc: svc}
	obMatrixFixture = f
	setup := func(e *env) {
		if f.client == nil {
			f.client, f.secret = obRegister(e.t, svc, e.ts.URL+"/healthz")
		}
	}
	// bearer builds a call with an access token of the learner's.
	bearer := func(path string, body func(e *env) any) func(e *env) (string, any) {
		return func(e *env) (string, any) {
			setup(e)
			f.token = f.tokens(e.t, callerLearner(learner).UserID, strings.Join(obapi.Scopes, " ")).AccessToken
			if body == nil {
				return path, nil
			}
			return path, body(e)
		}
	}
	return map[string]matrixCase{
		"GET /ims/ob/v3p0/discovery": {everyone, fixed(func(e *env) string { return obapi.PathDiscovery })},
		"POST /ims/ob/v3p0/register": {everyone, func(e *env) (string, any) {
			return obapi.PathRegister, obapi.Registration{Name: "App", URI: "https://app.example",
				RedirectURIs: []string{"https://app.example/cb"}, Scope: obapi.ScopeProfileReadonly}
		}},
		"POST /ims/ob/v3p0/token": {everyone, func(e *env) (string, any) {
			setup(e)
			return obapi.PathToken, url.Values{"grant_type": {"authorization_code"}, "redirect_uri": f.client.RedirectURIs,
				"code": {f.code(e.t, "user-x", obapi.ScopeProfileReadonly)}, "code_verifier": {obVerifier}}.Encode()
		}},
		"POST /ims/ob/v3p0/revoke": {everyone, func(e *env) (string, any) {
			setup(e)
			return obapi.PathRevoke, url.Values{"token": {f.tokens(e.t, "user-x", obapi.ScopeProfileReadonly).AccessToken}}.Encode()
		}},
		"GET /ims/ob/v3p0/credentials": {everyone, bearer(obapi.PathCredential, nil)},
		"POST /ims/ob/v3p0/credentials": {everyone, bearer(obapi.PathCredential, func(e *env) any {
			l := e.learnerOf(learner)
			hd := must(e.wallet().w.Holding(context.Background(), l, e.holdingOf(learner)))
			return json.RawMessage(hd.Credential)
		})},
		"GET /ims/ob/v3p0/profile": {everyone, bearer(obapi.PathProfile, nil)},
		"PUT /ims/ob/v3p0/profile": {everyone, bearer(obapi.PathProfile, func(*env) any { return map[string]string{"name": "L"} })},
		"GET /ims/ob/v3p0/authorize": {persons, func(e *env) (string, any) {
			setup(e)
			return obapi.PathAuthorize + "?" + obQuery(f.client, obapi.ScopeProfileReadonly).Encode(), nil
		}},
		"POST /ims/ob/v3p0/authorize": {persons, func(e *env) (string, any) {
			setup(e)
			q := obQuery(f.client, obapi.ScopeProfileReadonly)
			q.Set("decision", "decline")
			return obapi.PathAuthorize, q.Encode()
		}},
		"GET /backpack/apps": {persons, fixed(func(e *env) string { return "/backpack/apps" })},
		"POST /backpack/apps/{grantID}/disconnect": {persons, func(e *env) (string, any) {
			setup(e)
			f.tokens(e.t, callerLearner(matrixCaller).UserID, obapi.ScopeProfileReadonly)
			conns := must(svc.Connections(context.Background(), callerLearner(matrixCaller).UserID))
			return "/backpack/apps/" + conns[len(conns)-1].Grant.ID + "/disconnect", nil
		}},
	}
}

// The matrix sends the forms urlencoded, the token and revocation
// requests with the application's credentials, and the resource calls
// with the learner's access token instead of the caller's.
func init() {
	for _, route := range []string{"POST /ims/ob/v3p0/token", "POST /ims/ob/v3p0/revoke", "POST /ims/ob/v3p0/authorize"} {
		matrixPrepare[route] = func(e *env, caller string, req *http.Request) {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if !strings.HasSuffix(req.URL.Path, "/authorize") {
				req.SetBasicAuth(obMatrixFixture.client.ID, obMatrixFixture.secret)
			}
		}
	}
	for _, route := range []string{"GET /ims/ob/v3p0/credentials", "POST /ims/ob/v3p0/credentials", "GET /ims/ob/v3p0/profile", "PUT /ims/ob/v3p0/profile"} {
		matrixPrepare[route] = func(e *env, caller string, req *http.Request) {
			req.Header.Set("Authorization", "Bearer "+obMatrixFixture.token)
		}
	}
}

// TestOBAPIRefusals: the Open Badges API's resource endpoints accept
// nothing but an access token of a learner's consent. Every caller of the
// matrix with their own credentials (a session, an API token, an access
// token of the client credentials grant) gets 401 with a Bearer
// challenge and Imsx_StatusInfo; the token endpoint refuses an API
// client's credentials as invalid_client.
func TestOBAPIRefusals(t *testing.T) {
	e := newEnv(t)
	e.awarding()
	svc := e.enableOBAPI()
	routes := map[string]string{"GET": obapi.PathCredential, "POST": obapi.PathCredential, "PUT": obapi.PathProfile}
	for _, caller := range callers {
		for method, path := range routes {
			resp, body := e.do(caller, method, path, map[string]any{})
			var info struct {
				CodeMajor string `json:"imsx_codeMajor"`
			}
			json.Unmarshal(body, &info)
			if resp.StatusCode != http.StatusUnauthorized || info.CodeMajor != "failure" ||
				!strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer ") {
				t.Errorf("%s %s as %s: %d %s", method, path, caller, resp.StatusCode, body)
			}
		}
	}
	c, _ := obRegister(t, svc, e.ts.URL+"/cb")
	req := e.request(anonymous, http.MethodPost, obapi.PathToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"x"}}.Encode())
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(c.ID, e.ownClientSecret)
	resp, body := e.send(req)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), obapi.CodeInvalidClient) {
		t.Errorf("an API client's secret at the token endpoint: %d %s", resp.StatusCode, body)
	}
}
