package web

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/badged/badged/lti"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/badged/badged/audit"
	"github.com/badged/badged/auth"
	"github.com/badged/badged/badgeimage"
	"github.com/badged/badged/bulk"
	"github.com/badged/badged/contexts"
	"github.com/badged/badged/egress"
	"github.com/badged/badged/endorsement"
	"github.com/badged/badged/insights"
	"github.com/badged/badged/issuance"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/login"
	"github.com/badged/badged/notify"
	"github.com/badged/badged/obapi"
	"github.com/badged/badged/openid4vci"
	"github.com/badged/badged/openid4vp"
	"github.com/badged/badged/storage/bolt"
	"github.com/badged/badged/wallet"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

// Callers of the API, one of each kind.
const (
	anonymous   = "anonymous"
	learner     = "learner" // a signed-in user with no membership
	superuser   = "superuser"
	instAdmin   = "institution_admin"
	groupAdmin  = "group_admin"
	groupAward  = "group_awarder"
	issAdmin    = "issuer_admin"
	issAward    = "issuer_awarder"
	bcOwner     = "badgeclass_owner"
	bcEditor    = "badgeclass_editor"
	bcAward     = "badgeclass_awarder"
	viewer      = "viewer"
	instAward   = "institution_awarder"
	otherAdmin  = "other_institution_admin"
	otherSIS    = "other_institution_sis" // an API token (client secret) of institution X
	ownSIS      = "institution_sis"       // an OAuth access token of a client of institution I
	allowAll    = "*"                     // in a matrix entry: every caller, anonymous included
	allowSigned = "+"                     // in a matrix entry: every authenticated caller
)

var callers = []string{anonymous, learner, superuser, instAdmin, groupAdmin, groupAward, issAdmin, issAward,
	bcOwner, bcEditor, bcAward, viewer, instAward, otherAdmin, otherSIS, ownSIS}

var root = issuer.Actor{UserID: "root", Superuser: true}

// testClock is a settable clock.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *testClock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// env is the API over real HTTP on a real bbolt store, with institution I
// (group G, issuer S in G, badge class B in S) and institution X, and a
// credential for each caller.
type env struct {
	lti *ltiFixture // see enableLTI
	// formValues is the form the matrix's last built call posts, for
	// routes whose form depends on what the build made.
	formValues url.Values
	t          *testing.T
	db         testStore
	is         *issuer.Service
	au         *auth.Service
	// cfg is what srv was built from: [env.set] changes it and builds the
	// server anew, as serve builds it, behind the same ts.
	cfg     API
	srv     *Server
	handler handlerSwap
	ts      *httptest.Server
	clock   *testClock
	I, X    *issuer.Institution
	G       *issuer.Group
	S       *issuer.Issuer
	B       *issuer.BadgeClass
	cookie  map[string]string // caller → session token
	bearer  map[string]string // caller → bearer token
	// ownClient is the client of I whose access token ownSIS uses.
	ownClient       *auth.Client
	ownClientSecret string
	n               int
	// member is the membership the matrix's portal staff forms act on.
	member *issuer.Membership
	// policy is the egress policy of e.egress (nil: egress.DefaultPolicy),
	// set before the first use; egressClient is the client made from it.
	policy       *egress.Policy
	egressClient *http.Client
}

// egress returns the env's outbound client: the real egress policy, as an
// operator configures it, never a transport that rewrites hosts.
func (e *env) egress() *http.Client {
	if e.egressClient == nil {
		p := egress.DefaultPolicy()
		if e.policy != nil {
			p = *e.policy
		}
		e.egressClient = egress.NewClient(p)
	}
	return e.egressClient
}

// testStore is every store the server and its services use: what badged
// serve opens, bbolt or PostgreSQL.
type testStore interface {
	issuer.Store
	auth.Store
	login.Store
	issuance.Store
	bulk.Store
	insights.Store
	notify.Store
	audit.Store
	wallet.Store
	wallet.Accounts
	badgeimage.Store
	openid4vci.Store
	openid4vp.Store
	endorsement.Store
	obapi.Store
	lti.Store
}

// newEnv is the env on a fresh bbolt file.
func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvOn(t, openBolt(t))
}

func openBolt(t *testing.T) *bolt.DB {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "badged.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// newEnvOn is the env on db.
func newEnvOn(t *testing.T, db testStore) *env {
	t.Helper()
	clock := &testClock{now: time.Now().UTC()}
	is := issuer.NewService(db)
	au := auth.NewService(db, is, auth.WithClock(clock.Now))
	// The per-client rate limits are off: the authorization matrix sends
	// every route as every caller from one address. ratelimit_test.go
	// tests them on this same router.
	e := &env{t: t, db: db, is: is, au: au, clock: clock, cookie: map[string]string{}, bearer: map[string]string{},
		cfg: API{Issuer: is, Auth: au, Institutions: db, Images: db, Throttle: Throttle{Verify: -1, Token: -1, Login: -1}}}
	e.set(func(*API) {})
	e.ts = newServer(&e.handler)
	t.Cleanup(e.ts.Close)
	ctx := context.Background()
	e.I = must(is.CreateInstitution(ctx, root, institutionFixture("i.example.edu")))
	e.X = must(is.CreateInstitution(ctx, root, institutionFixture("x.example.edu")))
	e.G = must(is.CreateGroup(ctx, root, issuer.Group{InstitutionID: e.I.ID, Name: issuer.Text{EN: "Faculty"}}))
	e.S = must(is.CreateIssuer(ctx, root, issuer.Issuer{GroupID: e.G.ID, Name: issuer.Text{EN: "Department"}}))
	e.B = must(is.CreateBadgeClass(ctx, root, badgeClassFixture(e.S.ID)))

	grants := map[string]struct {
		role issuer.Role
		node string
	}{
		instAdmin: {issuer.RoleInstitutionAdmin, e.I.ID}, viewer: {issuer.RoleViewer, e.I.ID},
		instAward:  {issuer.RoleInstitutionAwarder, e.I.ID},
		groupAdmin: {issuer.RoleGroupAdmin, e.G.ID}, groupAward: {issuer.RoleGroupAwarder, e.G.ID},
		issAdmin: {issuer.RoleIssuerAdmin, e.S.ID}, issAward: {issuer.RoleIssuerAwarder, e.S.ID},
		bcOwner: {issuer.RoleBadgeClassOwner, e.B.ID}, bcEditor: {issuer.RoleBadgeClassEditor, e.B.ID},
		bcAward: {issuer.RoleBadgeClassAwarder, e.B.ID}, otherAdmin: {issuer.RoleInstitutionAdmin, e.X.ID},
	}
	for caller, g := range grants {
		must(is.GrantRole(ctx, root, "user-"+caller, g.role, g.node))
	}
	for _, caller := range []string{learner, instAdmin, groupAdmin, groupAward, issAdmin, issAward, bcOwner,
		bcEditor, bcAward, viewer, instAward, otherAdmin} {
		e.cookie[caller] = e.session(auth.User{ID: "user-" + caller, Email: caller + "@example.org"})
	}
	e.cookie[superuser] = e.session(auth.User{ID: "user-root", Superuser: true})

	_, secret := e.client(e.X.ID)
	e.bearer[otherSIS] = secret
	e.ownClient, e.ownClientSecret = e.client(e.I.ID)
	e.bearer[ownSIS] = e.accessToken(e.ownClient.ID, e.ownClientSecret)
	return e
}

// set changes the env's configuration with change and builds its server
// anew from it.
func (e *env) set(change func(*API)) {
	change(&e.cfg)
	e.srv = NewServer("test", slog.New(slog.NewTextHandler(io.Discard, nil)), e.cfg)
	e.handler.set(e.srv)
}

// newServer is httptest.NewServer for a badged handler, whose requests
// are in English unless they ask for a language: the pages' default is
// Dutch, and most tests read the English words.
func newServer(h http.Handler) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept-Language") == "" {
			r.Header.Set("Accept-Language", "en")
		}
		h.ServeHTTP(w, r)
	}))
}

// handlerSwap is an http.Handler that can be replaced while it serves.
type handlerSwap struct {
	mu sync.RWMutex
	h  http.Handler
}

func (s *handlerSwap) set(h http.Handler) { s.mu.Lock(); s.h = h; s.mu.Unlock() }

func (s *handlerSwap) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.RLock()
	h := s.h
	s.mu.RUnlock()
	h.ServeHTTP(w, r)
}

// processorFor is the JSON-LD processor of a badged at base, as
// cmd/badged wires it: the embedded contexts and badged's v2 context at
// base's own URL.
func processorFor(base string) *jsonld.Processor {
	return jsonld.New(must(contexts.NewLoader().WithBase(base)))
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func institutionFixture(schac string) issuer.Institution {
	return issuer.Institution{Name: issuer.Text{NL: "Universiteit", EN: "University"}, SCHACHome: schac,
		BRIN: "21PB", Type: issuer.WO, Country: "NL", DefaultLanguage: issuer.LangNL}
}

func badgeClassFixture(issuerID string) issuer.BadgeClass {
	return issuer.BadgeClass{IssuerID: issuerID, Name: issuer.Text{EN: "Statistics"}, Description: issuer.Text{EN: "Basic statistics"},
		Criteria: issuer.Criteria{Narrative: issuer.Text{EN: "Pass the exam."}}, Language: "en"}
}

func (e *env) session(u auth.User) string {
	token, _, err := e.au.CreateSession(context.Background(), u)
	if err != nil {
		e.t.Fatal(err)
	}
	return token
}

func (e *env) client(institutionID string) (*auth.Client, string) {
	e.n++
	// Free-form: the VC-API tests issue generic credentials; the scopes
	// have their own tests (vcapi_issue_test.go).
	c, secret, err := e.au.CreateScopedClient(context.Background(), root, institutionID, fmt.Sprintf("SIS %d", e.n), auth.Scope{FreeForm: true})
	if err != nil {
		e.t.Fatal(err)
	}
	return c, secret
}

// accessToken runs the client credentials grant over HTTP.
func (e *env) accessToken(id, secret string) string {
	e.t.Helper()
	resp := e.tokenRequest(url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}}, "")
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&body) != nil || body.AccessToken == "" {
		e.t.Fatalf("token request: %s", resp.Status)
	}
	resp.Body.Close()
	return body.AccessToken
}

func (e *env) tokenRequest(form url.Values, basic string) *http.Response {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic != "" {
		req.Header.Set("Authorization", "Basic "+basic)
	}
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp
}

// request builds a request of caller; body, when not nil, is sent as JSON
// (a string as is).
func (e *env) request(caller, method, path string, body any) *http.Request {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, ok := body.(string)
		if !ok {
			j, err := json.Marshal(body)
			if err != nil {
				e.t.Fatal(err)
			}
			b = string(j)
		}
		rd = strings.NewReader(b)
	}
	req, err := http.NewRequest(method, e.ts.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c := e.cookie[caller]; c != "" {
		req.AddCookie(&http.Cookie{Name: request.SessionCookie, Value: c})
	}
	if b := e.bearer[caller]; b != "" {
		req.Header.Set("Authorization", "Bearer "+b)
	}
	return req
}

func (e *env) send(req *http.Request) (*http.Response, []byte) {
	e.t.Helper()
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp, b
}

func (e *env) do(caller, method, path string, body any) (*http.Response, []byte) {
	e.t.Helper()
	return e.send(e.request(caller, method, path, body))
}

// problem decodes a problem+json response, checking its shape.
func problemOf(t *testing.T, resp *http.Response, body []byte) render.Problem {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json; body %s", ct, body)
	}
	var p render.Problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if p.Status != resp.StatusCode || p.Type == "" || p.Title == "" || p.Instance == "" || p.RequestID == "" {
		t.Errorf("problem %+v incomplete for status %d", p, resp.StatusCode)
	}
	return p
}

func readCloser(s string) (io.ReadCloser, int64) {
	return io.NopCloser(strings.NewReader(s)), int64(len(s))
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
