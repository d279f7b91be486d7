package web

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged/audit"
	"github.com/badged/badged/bulk"
	"github.com/badged/badged/issuance"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/notify"
	"github.com/badged/badged/web/api"
)

// union returns the callers of every list, once each.
func union(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		for _, c := range l {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// Who may do what, written from the roles of issue 3 (and issuer's
// role_test.go), not from the handlers: reading a node is for every role
// at it or above it and the institution's own SIS; changing it is for the
// admins at it or above it; a badge-class editor may also update.
var (
	everyone = []string{allowAll}
	signedIn = []string{allowSigned}
	onlySU   = []string{superuser}
	readI    = []string{superuser, instAdmin, viewer, instAward, ownSIS}
	readG    = union(readI, []string{groupAdmin, groupAward})
	readS    = union(readG, []string{issAdmin, issAward})
	readB    = union(readS, []string{bcOwner, bcEditor, bcAward})
	adminI   = []string{superuser, instAdmin}
	adminG   = union(adminI, []string{groupAdmin})
	adminS   = union(adminG, []string{issAdmin})
	adminB   = union(adminS, []string{bcOwner})
	editB    = union(adminB, []string{bcEditor})
	// awardB may award at B: every role at it or above it but the viewer,
	// and the institution's own SIS.
	awardB = union(editB, []string{instAward, groupAward, issAward, bcAward, ownSIS})
	// awardS may award as S: the roles at S or above it but the viewer,
	// and the institution's own SIS.
	awardS = union(adminS, []string{instAward, groupAward, issAward, ownSIS})
)

// matrixCase is one route: who may call it, and how to build a request
// that succeeds for them. build runs before each call, against state reset
// by env.reset, and may create what the call consumes.
type matrixCase struct {
	allow []string
	build func(e *env) (path string, body any)
}

func fixed(path func(e *env) string) func(e *env) (string, any) {
	return func(e *env) (string, any) { return path(e), nil }
}

func (e *env) next() int { e.n++; return e.n }

func matrix() map[string]matrixCase {
	ctx := context.Background()
	return map[string]matrixCase{
		"GET /healthz":      {everyone, fixed(func(e *env) string { return "/healthz" })},
		"GET /ns/badged/v1": {everyone, fixed(func(e *env) string { return "/ns/badged/v1" })},
		"GET /ns/badged/v2": {everyone, fixed(func(e *env) string { return "/ns/badged/v2" })},
		// The token endpoint authenticates the client in the request
		// itself, whoever sends it (oauth_test.go covers its refusals).
		"POST /oauth/token": {everyone, nil},

		// Sign-in is public (login_test.go covers its refusals): each call
		// runs a real flow with devidp and follows the redirects.
		"GET /login":                     {everyone, fixed(func(e *env) string { return "/login" })},
		"GET /login/{provider}":          {everyone, fixed(func(e *env) string { return "/login/demo" })},
		"GET /login/{provider}/callback": {everyone, func(e *env) (string, any) { return e.matrixCallback(), nil }},
		"POST /logout":                   {everyone, fixed(func(e *env) string { return "/logout" })},
		// The public documents credentials point at (public.go).
		"GET /issuers/{issuerID}/did.json":  {everyone, fixed(func(e *env) string { return "/issuers/" + e.S.ID + "/did.json" })},
		"GET /issuers/{issuerID}":           {everyone, fixed(func(e *env) string { return "/issuers/" + e.S.ID })},
		"GET /institutions/{institutionID}": {everyone, fixed(func(e *env) string { return "/institutions/" + e.I.ID })},
		"GET /status/{listID}":              {everyone, fixed(func(e *env) string { return e.statusPath() })},

		// The verifier is public (vcapi.go, verify.go); issuing through
		// the VC-API is for the institution's own systems; a verification
		// answers 200 only when it verifies.
		"POST /credentials/verify": {everyone, func(e *env) (string, any) {
			return "/credentials/verify", map[string]any{"verifiableCredential": selfIssuedVC(e.t)}
		}},
		"POST /presentations/verify": {everyone, func(e *env) (string, any) {
			return "/presentations/verify", map[string]any{"verifiablePresentation": json.RawMessage(signedPresentation(e.t, selfIssuedVC(e.t), "", ""))}
		}},
		"POST /credentials/issue": {[]string{ownSIS}, func(e *env) (string, any) {
			return "/credentials/issue", map[string]any{"credential": genericVC(), "options": map[string]any{"issuer": e.S.ID}}
		}},
		"POST /api/v1/issuers/{issuerID}/credentials/status": {awardS, func(e *env) (string, any) {
			signed := must(e.cfg.Credentials.SignCredential(context.Background(), e.S.ID, genericVC(), issuance.SignOptions{}))
			return "/api/v1/issuers/" + e.S.ID + "/credentials/status", map[string]any{"credentialId": signed.ID,
				"credentialStatus": []any{map[string]any{"type": "BitstringStatusListEntry", "status": "revoked"}}}
		}},
		"POST /credentials/status": {[]string{ownSIS}, func(e *env) (string, any) {
			signed := must(e.cfg.Credentials.SignCredential(context.Background(), e.S.ID, genericVC(), issuance.SignOptions{}))
			return "/credentials/status", map[string]any{"credentialId": signed.ID,
				"credentialStatus": []any{map[string]any{"type": "BitstringStatusListEntry", "status": "revoked"}}}
		}},
		"GET /verify":            {everyone, fixed(func(e *env) string { return "/verify" })},
		"POST /verify":           {everyone, func(e *env) (string, any) { return "/verify", genericVC() }},
		"GET /static/verify.css": {everyone, fixed(func(e *env) string { return "/static/verify.css" })},

		// The learner's pages (backpack.go, share.go): every person, for
		// their own records; the forms post as a browser does
		// (backpackPrepare). A superuser has no address to be awarded at,
		// so has no award to claim or reject.
		"GET /static/backpack.css":                 {everyone, fixed(func(e *env) string { return "/static/backpack.css" })},
		"GET /":                                    {everyone, fixed(func(e *env) string { return "/" })},
		"GET /backpack":                            {persons, fixed(func(e *env) string { return "/backpack" })},
		"GET /backpack/{holdingID}":                {persons, fixed(func(e *env) string { return "/backpack/" + e.holdingOf(matrixCaller) })},
		"POST /backpack/{holdingID}/share":         {persons, fixed(func(e *env) string { return "/backpack/" + e.holdingOf(matrixCaller) + "/share" })},
		"POST /backpack/{holdingID}/presentations": {persons, fixed(func(e *env) string { return "/backpack/" + e.holdingOf(matrixCaller) + "/presentations" })},
		"POST /backpack/{holdingID}/wallet":        {persons, fixed(func(e *env) string { return "/backpack/" + e.holdingOf(matrixCaller) + "/wallet" })},
		"GET /backpack/awards/{awardID}":           {persons, fixed(func(e *env) string { return "/backpack/awards/" + e.holdingOf(matrixCaller) })},
		"POST /backpack/awards/{awardID}/claim":    {personsButSU, fixed(func(e *env) string { return "/backpack/awards/" + e.pendingOf(matrixCaller) + "/claim" })},
		"POST /backpack/awards/{awardID}/reject":   {personsButSU, fixed(func(e *env) string { return "/backpack/awards/" + e.pendingOf(matrixCaller) + "/reject" })},
		"GET /backpack/import":                     {persons, fixed(func(e *env) string { return "/backpack/import" })},
		"POST /backpack/import":                    {persons, fixed(func(e *env) string { return "/backpack/import" })},
		"GET /backpack/account":                    {persons, fixed(func(e *env) string { return "/backpack/account" })},
		"GET /backpack/account/delete":             {persons, fixed(func(e *env) string { return "/backpack/account/delete" })},
		// Only a learner without staff roles deletes their account.
		"POST /backpack/account/delete": {[]string{learner}, fixed(func(e *env) string { return "/backpack/account/delete" })},
		"GET /s/{shareID}/image.png":    {everyone, fixed(func(e *env) string { return e.ownerShare() + "/image.png" })},
		"GET /s/{shareID}/credential":   {everyone, fixed(func(e *env) string { return e.ownerShare() + "/credential" })},
		// Badge images (image.go) are public, like the credentials that name them.
		"GET /images/{file}": {everyone, fixed(func(e *env) string { return "/images/" + e.image().Name() })},
		// The catalogue (catalogue.go) is public; requesting is for every
		// person signed in, for themselves.
		"GET /catalogue": {everyone, fixed(func(e *env) string { return "/catalogue" })},
		"GET /catalogue/{badgeClassID}": {everyone, fixed(func(e *env) string {
			e.publishB()
			return "/catalogue/" + e.B.ID
		})},
		// A badge class of its own for each cell: a person requests a badge
		// once.
		"POST /catalogue/{badgeClassID}/request": {persons, fixed(func(e *env) string {
			e.wallet()
			bc := must(e.is.CreateBadgeClass(ctx, root, badgeClassFixture(e.S.ID)))
			bc.State = issuer.Published
			must(0, e.db.UpdateBadgeClass(ctx, bc))
			return "/catalogue/" + bc.ID + "/request"
		})},

		// The OpenAPI description of the API (public.go) is public.
		"GET /developers":          {everyone, fixed(func(e *env) string { return "/developers" })},
		"GET /api/v1/openapi.json": {everyone, fixed(func(e *env) string { return "/api/v1/openapi.json" })},
		"GET /api/v1/me":           {signedIn, fixed(func(e *env) string { return "/api/v1/me" })},
		"GET /api/v1/institutions": {signedIn, fixed(func(e *env) string { return "/api/v1/institutions" })},
		"POST /api/v1/institutions": {onlySU, func(e *env) (string, any) {
			return "/api/v1/institutions", api.InstitutionOf(ptr(institutionFixture(fmt.Sprintf("n%d.example.edu", e.next()))))
		}},
		"GET /api/v1/institutions/{institutionID}": {readI, fixed(func(e *env) string { return "/api/v1/institutions/" + e.I.ID })},
		"PUT /api/v1/institutions/{institutionID}": {adminI, func(e *env) (string, any) {
			in := must(e.db.Institution(ctx, e.I.ID))
			return "/api/v1/institutions/" + in.ID, api.InstitutionOf(in)
		}},
		"GET /api/v1/institutions/{institutionID}/groups": {readI, fixed(func(e *env) string { return "/api/v1/institutions/" + e.I.ID + "/groups" })},
		"POST /api/v1/institutions/{institutionID}/groups": {adminI, func(e *env) (string, any) {
			return "/api/v1/institutions/" + e.I.ID + "/groups", map[string]any{"name": map[string]string{"en": "New faculty"}}
		}},
		// Insights: whoever may read the institution, viewers included.
		"GET /api/v1/institutions/{institutionID}/insights": {readI, fixed(func(e *env) string {
			return "/api/v1/institutions/" + e.I.ID + "/insights?level=badgeclass&format=csv"
		})},
		"GET /api/v1/institutions/{institutionID}/staff":   {adminI, fixed(func(e *env) string { return "/api/v1/institutions/" + e.I.ID + "/staff" })},
		"GET /api/v1/institutions/{institutionID}/clients": {adminI, fixed(func(e *env) string { return "/api/v1/institutions/" + e.I.ID + "/clients" })},
		"POST /api/v1/institutions/{institutionID}/clients": {adminI, func(e *env) (string, any) {
			return "/api/v1/institutions/" + e.I.ID + "/clients", map[string]string{"name": "LMS"}
		}},
		"DELETE /api/v1/institutions/{institutionID}/clients/{clientID}": {adminI, func(e *env) (string, any) {
			c, _ := e.client(e.I.ID)
			return "/api/v1/institutions/" + e.I.ID + "/clients/" + c.ID, nil
		}},

		// The audit trail and the outbox: the institution's admins only.
		"GET /api/v1/institutions/{institutionID}/audit": {adminI, fixed(func(e *env) string {
			return "/api/v1/institutions/" + e.I.ID + "/audit?limit=5"
		})},
		"GET /api/v1/institutions/{institutionID}/outbox": {adminI, fixed(func(e *env) string { return "/api/v1/institutions/" + e.I.ID + "/outbox" })},
		"GET /api/v1/institutions/{institutionID}/outbox/{mailID}": {adminI, fixed(func(e *env) string {
			return "/api/v1/institutions/" + e.I.ID + "/outbox/" + e.mail(false)
		})},
		"POST /api/v1/institutions/{institutionID}/outbox/{mailID}/retry": {adminI, fixed(func(e *env) string {
			return "/api/v1/institutions/" + e.I.ID + "/outbox/" + e.mail(true) + "/retry"
		})},

		"GET /api/v1/groups/{groupID}": {readG, fixed(func(e *env) string { return "/api/v1/groups/" + e.G.ID })},
		"PUT /api/v1/groups/{groupID}": {adminG, func(e *env) (string, any) {
			return "/api/v1/groups/" + e.G.ID, api.GroupOf(must(e.db.Group(ctx, e.G.ID)))
		}},
		"POST /api/v1/groups/{groupID}/archive": {adminG, func(e *env) (string, any) {
			return "/api/v1/groups/" + e.G.ID + "/archive", map[string]int64{"version": must(e.db.Group(ctx, e.G.ID)).Version}
		}},
		"GET /api/v1/groups/{groupID}/issuers": {readG, fixed(func(e *env) string { return "/api/v1/groups/" + e.G.ID + "/issuers" })},
		"POST /api/v1/groups/{groupID}/issuers": {adminG, func(e *env) (string, any) {
			return "/api/v1/groups/" + e.G.ID + "/issuers", map[string]any{"name": map[string]string{"en": "New issuer"}}
		}},
		"GET /api/v1/groups/{groupID}/staff": {adminG, fixed(func(e *env) string { return "/api/v1/groups/" + e.G.ID + "/staff" })},

		"GET /api/v1/issuers/{issuerID}": {readS, fixed(func(e *env) string { return "/api/v1/issuers/" + e.S.ID })},
		"PUT /api/v1/issuers/{issuerID}": {adminS, func(e *env) (string, any) {
			return "/api/v1/issuers/" + e.S.ID, api.IssuerOf(must(e.db.Issuer(ctx, e.S.ID)))
		}},
		"POST /api/v1/issuers/{issuerID}/archive": {adminS, func(e *env) (string, any) {
			return "/api/v1/issuers/" + e.S.ID + "/archive", map[string]int64{"version": must(e.db.Issuer(ctx, e.S.ID)).Version}
		}},
		"GET /api/v1/issuers/{issuerID}/badgeclasses": {readS, fixed(func(e *env) string { return "/api/v1/issuers/" + e.S.ID + "/badgeclasses" })},
		"POST /api/v1/issuers/{issuerID}/badgeclasses": {adminS, func(e *env) (string, any) {
			return "/api/v1/issuers/" + e.S.ID + "/badgeclasses", api.BadgeClassOf(ptr(badgeClassFixture(e.S.ID)))
		}},
		"GET /api/v1/issuers/{issuerID}/staff": {adminS, fixed(func(e *env) string { return "/api/v1/issuers/" + e.S.ID + "/staff" })},

		"GET /api/v1/badgeclasses/{badgeClassID}": {readB, fixed(func(e *env) string { return "/api/v1/badgeclasses/" + e.B.ID })},
		"PUT /api/v1/badgeclasses/{badgeClassID}": {editB, func(e *env) (string, any) {
			return "/api/v1/badgeclasses/" + e.B.ID, api.BadgeClassOf(must(e.db.BadgeClass(ctx, e.B.ID)))
		}},
		"POST /api/v1/badgeclasses/{badgeClassID}/publish": {editB, func(e *env) (string, any) {
			return "/api/v1/badgeclasses/" + e.B.ID + "/publish", map[string]int64{"version": must(e.db.BadgeClass(ctx, e.B.ID)).Version}
		}},
		"POST /api/v1/badgeclasses/{badgeClassID}/archive": {adminB, func(e *env) (string, any) {
			return "/api/v1/badgeclasses/" + e.B.ID + "/archive", map[string]int64{"version": must(e.db.BadgeClass(ctx, e.B.ID)).Version}
		}},
		// Setting a badge class's image is updating it.
		"POST /api/v1/badgeclasses/{badgeClassID}/image": {editB, func(e *env) (string, any) {
			return "/api/v1/badgeclasses/" + e.B.ID + "/image", testSVG
		}},
		"GET /api/v1/badgeclasses/{badgeClassID}/staff": {adminB, fixed(func(e *env) string { return "/api/v1/badgeclasses/" + e.B.ID + "/staff" })},

		// Bulk direct awards at B: uploading needs the award permission
		// (and B published); reading progress, read permission.
		"POST /api/v1/badgeclasses/{badgeClassID}/bulk-awards": {awardB, func(e *env) (string, any) {
			e.publishB()
			return "/api/v1/badgeclasses/" + e.B.ID + "/bulk-awards",
				map[string]string{"csv": fmt.Sprintf("email;grade\nlearner%d@example.org;8\n", e.next())}
		}},
		"GET /api/v1/badgeclasses/{badgeClassID}/bulk-awards": {readB, fixed(func(e *env) string { return "/api/v1/badgeclasses/" + e.B.ID + "/bulk-awards" })},
		"GET /api/v1/bulk-awards/{jobID}":                     {readB, fixed(func(e *env) string { return "/api/v1/bulk-awards/" + e.bulkJob().ID })},
		"GET /api/v1/bulk-awards/{jobID}/report":              {readB, fixed(func(e *env) string { return "/api/v1/bulk-awards/" + e.bulkJob().ID + "/report" })},

		// Staff changes at badge class B: for whoever administrates users there.
		"POST /api/v1/staff": {adminB, func(e *env) (string, any) {
			return "/api/v1/staff", map[string]string{"email": fmt.Sprintf("invitee%d@example.org", e.next()),
				"role": string(issuer.RoleBadgeClassAwarder), "nodeId": e.B.ID}
		}},
		"PATCH /api/v1/staff/{membershipID}": {adminB, func(e *env) (string, any) {
			m := e.target()
			return "/api/v1/staff/" + m.ID, map[string]any{"role": issuer.RoleBadgeClassEditor, "version": m.Version}
		}},
		"DELETE /api/v1/staff/{membershipID}": {adminB, func(e *env) (string, any) {
			m := e.target()
			return fmt.Sprintf("/api/v1/staff/%s?version=%d", m.ID, m.Version), nil
		}},
	}
}

func ptr[T any](v T) *T { return &v }

// publishB publishes badge class B, which reset makes a draft again.
func (e *env) publishB() {
	b := must(e.db.BadgeClass(context.Background(), e.B.ID))
	b.State = issuer.Published
	must(0, e.db.UpdateBadgeClass(context.Background(), b))
}

// bulkJob submits a bulk award of one row at B.
func (e *env) bulkJob() *bulk.Job {
	e.publishB()
	file := fmt.Sprintf("email\nbulk%d@example.org\n", e.next())
	return must(e.cfg.Bulk.Submit(context.Background(), root, e.B.ID, strings.NewReader(file), time.Time{}))
}

// mail enqueues a mail in I's outbox, failed when failed says so, and
// returns its ID.
func (e *env) mail(failed bool) string {
	ctx := context.Background()
	id := fmt.Sprintf("matrix-mail-%d", e.next())
	must(0, e.cfg.Outbox.Enqueue(ctx, notify.Message{ID: id, InstitutionID: e.I.ID, To: "someone@example.org", Lang: "en",
		Template: notify.TemplateRevoked, Data: notify.Revoked{RecipientName: "Someone", Reason: "test"}}))
	if failed {
		m := must(e.db.Mail(ctx, id))
		m.Status, m.LastError = notify.Failed, "550 no such user"
		must(0, e.db.UpdateMail(ctx, m))
	}
	return id
}

// target grants a fresh user a role at B, for a staff change to act on.
func (e *env) target() *issuer.Membership {
	return must(e.is.GrantRole(context.Background(), root, fmt.Sprintf("target-%d", e.next()), issuer.RoleBadgeClassAwarder, e.B.ID))
}

// reset undoes what the calls before may have changed: G and S are not
// archived and B is a draft again.
func (e *env) reset() {
	ctx := context.Background()
	if g := must(e.db.Group(ctx, e.G.ID)); g.Archived {
		g.Archived = false
		must(0, e.db.UpdateGroup(ctx, g))
	}
	if s := must(e.db.Issuer(ctx, e.S.ID)); s.Archived {
		s.Archived = false
		must(0, e.db.UpdateIssuer(ctx, s))
	}
	if b := must(e.db.BadgeClass(ctx, e.B.ID)); b.State != issuer.Draft {
		b.State = issuer.Draft
		must(0, e.db.UpdateBadgeClass(ctx, b))
	}
}

func allowed(entry []string, caller string) bool {
	switch {
	case slices.Contains(entry, allowAll):
		return true
	case slices.Contains(entry, allowSigned):
		return caller != anonymous
	}
	return slices.Contains(entry, caller)
}

// matrixEnv is the env every route of the matrix can be called in, and
// the matrix: who may call each route, and how.
func matrixEnv(t *testing.T) (*env, map[string]matrixCase) {
	t.Helper()
	e := newEnv(t)
	e.enableIssuance()
	e.public()
	e.set(func(a *API) {
		a.Bulk = bulk.NewService(e.db, e.is)
		a.Audit = audit.New(e.db)
		a.Outbox = must(notify.NewOutbox(e.db))
		a.Backup = e.db.(api.Backuper)
	})
	e.enableLogin()
	e.awarding()
	e.enableEndorsements()
	m := matrix()
	for _, part := range []map[string]matrixCase{walletMatrix(), awardMatrix(), portalMatrix(), endorsementMatrix(),
		badgeClassMatrix(), treeMatrix(), insightsMatrix(), staffMatrix(), adminMatrix(),
		obMatrix(e.enableOBAPI()), vpMatrix(e.enableOpenID4VP()), ltiMatrix(e.enableLTI())} {
		maps.Copy(m, part)
	}
	return e, m
}

// routesOf lists the routes of router as "METHOD /pattern", by chi.Walk.
func routesOf(t *testing.T, router chi.Router) []string {
	t.Helper()
	var routes []string
	err := chi.Walk(router, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if route != "/" {
			route = strings.TrimSuffix(route, "/")
		}
		routes = append(routes, method+" "+route)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return routes
}

// callRoute calls route as caller, with the request c builds (after
// resetting the state calls before may have changed).
func (e *env) callRoute(route string, c matrixCase, caller string) (*http.Response, []byte) {
	e.t.Helper()
	return e.callRouteWith(strings.Fields(route)[0], route, c, caller)
}

// callRouteWith is callRoute with another method than the route's (HEAD
// for a GET route).
func (e *env) callRouteWith(method, route string, c matrixCase, caller string) (*http.Response, []byte) {
	e.t.Helper()
	e.reset()
	e.walletReset(caller)
	if c.build == nil { // the token endpoint
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {e.ownClient.ID}, "client_secret": {e.ownClientSecret}}
		req := e.request(caller, method, "/oauth/token", nil)
		req.Body, req.ContentLength = readCloser(form.Encode())
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return e.send(req)
	}
	path, reqBody := c.build(e)
	req := e.request(caller, method, path, reqBody)
	if prepare := matrixPrepare[route]; prepare != nil {
		prepare(e, caller, req)
	}
	return e.send(req)
}

// TestAuthorizationMatrix calls every route of the router as every kind of
// caller, over HTTP on a bbolt store, and checks that exactly the callers
// the matrix allows get a 2xx; the others get 401 (anonymous) or 403/404.
// A route without a matrix entry fails the test: a new route cannot be
// added without deciding who may call it.
func TestAuthorizationMatrix(t *testing.T) {
	e, m := matrixEnv(t)
	routes := routesOf(t, e.srv.router)
	for key := range m {
		if !slices.Contains(routes, key) {
			t.Errorf("matrix entry %q names no route", key)
		}
	}
	cells := 0
	for _, route := range routes {
		c, ok := m[route]
		if !ok {
			t.Errorf("route %q has no entry in the authorization matrix", route)
			continue
		}
		for _, caller := range callers {
			cells++
			t.Run(route+"/"+caller, func(t *testing.T) {
				e.t = t
				resp, body := e.callRoute(route, c, caller)
				want := allowed(c.allow, caller)
				got := resp.StatusCode
				switch {
				case want && (got < 200 || got > 299):
					t.Errorf("%s: status %d, want 2xx; %s", caller, got, body)
				case !want && caller == anonymous && got != http.StatusUnauthorized:
					t.Errorf("anonymous: status %d, want 401; %s", got, body)
				case !want && caller != anonymous && got != http.StatusForbidden && got != http.StatusNotFound:
					t.Errorf("%s: status %d, want 403 or 404; %s", caller, got, body)
				case !want:
					problemOf(t, resp, body)
				}
			})
		}
	}
	t.Logf("authorization matrix: %d routes × %d callers = %d cells", len(routes), len(callers), cells)
}
