package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/badged/badged/audit"

	"github.com/badged/badged/web/openapi"
)

// openAPIScope are the prefixes of the routes the OpenAPI document must
// describe: the JSON API, the OAuth token endpoint and the VC-API. The
// pages, the public documents, OpenID4VCI/VP, sign-in and the Open Badges
// 3.0 API (/ims/ob/v3p0, which serves its own OpenAPI document at its
// discovery endpoint, as 1EdTech's specification says) are not in it.
var openAPIScope = []string{"/api/", "/oauth/", "/credentials/", "/presentations/"}

func inOpenAPIScope(path string) bool {
	for _, p := range openAPIScope {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// chiParam is a chi path parameter with a regular expression,
// {id:[0-9]+}, which OpenAPI writes {id}.
var chiParam = regexp.MustCompile(`\{([^}:]+):[^}]*\}`)

// describedRoutes lists the operations of the document as "METHOD /path".
func describedRoutes(t *testing.T) map[string]bool {
	t.Helper()
	ref, err := openapi.Parse(openapi.JSON())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, tag := range ref.Tags {
		for _, op := range tag.Operations {
			out[op.Route()] = true
		}
	}
	return out
}

// TestOpenAPIDescribesRoutes walks the real router, with every optional
// part of the API on, and checks the OpenAPI document both ways: every
// route of the API is described with its method and path template, and
// every operation described is routed.
func TestOpenAPIDescribesRoutes(t *testing.T) {
	e, _ := matrixEnv(t)
	described := describedRoutes(t)
	routed := map[string]bool{}
	for _, route := range routesOf(t, e.srv.router) {
		method, path, _ := strings.Cut(route, " ")
		if !inOpenAPIScope(path) {
			continue
		}
		route = method + " " + chiParam.ReplaceAllString(path, "{$1}")
		routed[route] = true
		if !described[route] {
			t.Errorf("route %s is not in the OpenAPI document: describe it under \"paths\" in web/openapi/openapi.json (see the doc of package openapi)", route)
		}
	}
	for route := range described {
		if !routed[route] {
			t.Errorf("the OpenAPI document describes %s, which no route serves: remove it from web/openapi/openapi.json or correct its method or path template", route)
		}
	}
	if len(routed) < 80 {
		t.Errorf("%d API routes walked; the walk misses the API", len(routed))
	}
}

// openAPIResponses checks responses against the schemas the document
// gives them.
type openAPIResponses struct {
	doc map[string]any
	c   *jsonschema.Compiler
}

const openAPIURL = "https://badged.test/openapi.json"

func newOpenAPIResponses(t *testing.T) *openAPIResponses {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(openapi.JSON()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(openAPIURL, doc); err != nil {
		t.Fatal(err)
	}
	return &openAPIResponses{doc: doc.(map[string]any), c: c}
}

// pointer is the JSON pointer of the path of keys.
func pointer(keys ...string) string {
	var b strings.Builder
	for _, k := range keys {
		b.WriteString("/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(k))
	}
	return b.String()
}

// check validates the body of resp, an answer to method on the path
// template, against the schema the document gives its status and media
// type.
func (o *openAPIResponses) check(t *testing.T, method, template string, resp *http.Response, body []byte) {
	t.Helper()
	op, _ := o.doc["paths"].(map[string]any)[template].(map[string]any)[strings.ToLower(method)].(map[string]any)
	if op == nil {
		t.Fatalf("the document has no %s %s", method, template)
	}
	status := fmt.Sprint(resp.StatusCode)
	r, _ := op["responses"].(map[string]any)[status].(map[string]any)
	if r == nil {
		t.Fatalf("%s %s: status %d is not described; body %s", method, template, resp.StatusCode, body)
	}
	at := pointer("paths", template, strings.ToLower(method), "responses", status)
	if ref, ok := r["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/components/responses/")
		r, at = o.doc["components"].(map[string]any)["responses"].(map[string]any)[name].(map[string]any), pointer("components", "responses", name)
	}
	content, _ := r["content"].(map[string]any)
	if len(content) == 0 || resp.StatusCode == http.StatusNoContent {
		if len(body) > 0 && resp.StatusCode != http.StatusNoContent {
			t.Errorf("%s %s %d: a body the document does not describe: %.200s", method, template, resp.StatusCode, body)
		}
		return
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if _, ok := content[mt]; !ok {
		t.Fatalf("%s %s %d: media type %q is not described", method, template, resp.StatusCode, mt)
	}
	if mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		return // a file (CSV, an image, a zip): its media type is what the document says of it
	}
	sch, err := o.c.Compile(openAPIURL + "#" + at + pointer("content", mt, "schema"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s %s: %v", method, template, err)
	}
	if err := sch.Validate(v); err != nil {
		t.Errorf("%s %s %d does not match its schema: %v\n%s", method, template, resp.StatusCode, err, body)
	}
}

// TestOpenAPIResponsesMatch calls routes of each kind over HTTP and
// validates what they answer, successes and problems, against the
// schemas the document describes for them.
func TestOpenAPIResponsesMatch(t *testing.T) {
	e, _ := matrixEnv(t)
	o := newOpenAPIResponses(t)
	holding := e.holdingOf(learner) // an award of B, claimed, and its credential
	e.mail(true)                    // a failed mail in I's outbox
	must(e.cfg.Audit.Record(context.Background(), audit.Entry{InstitutionID: e.I.ID, Actor: "user-" + instAdmin,
		Action: audit.ActionAwardRevoke, Target: audit.Target{Kind: "award", ID: "a-1"}, Details: json.RawMessage(`{"reason":"test"}`)}))
	for _, c := range []struct {
		name, caller, method, template, path string
		body                                 any
		want                                 int
	}{
		{"ok/me as a person", instAdmin, "GET", "/api/v1/me", "/api/v1/me", nil, 200},
		{"ok/me as a system", ownSIS, "GET", "/api/v1/me", "/api/v1/me", nil, 200},
		{"ok/institution", instAdmin, "GET", "/api/v1/institutions/{institutionID}", "/api/v1/institutions/" + e.I.ID, nil, 200},
		{"ok/groups", instAdmin, "GET", "/api/v1/institutions/{institutionID}/groups", "/api/v1/institutions/" + e.I.ID + "/groups", nil, 200},
		{"ok/issuer", instAdmin, "GET", "/api/v1/issuers/{issuerID}", "/api/v1/issuers/" + e.S.ID, nil, 200},
		{"ok/badge classes", instAdmin, "GET", "/api/v1/issuers/{issuerID}/badgeclasses", "/api/v1/issuers/" + e.S.ID + "/badgeclasses?limit=1", nil, 200},
		{"ok/staff", instAdmin, "GET", "/api/v1/institutions/{institutionID}/staff", "/api/v1/institutions/" + e.I.ID + "/staff", nil, 200},
		{"ok/clients", instAdmin, "GET", "/api/v1/institutions/{institutionID}/clients", "/api/v1/institutions/" + e.I.ID + "/clients", nil, 200},
		{"ok/new client", instAdmin, "POST", "/api/v1/institutions/{institutionID}/clients", "/api/v1/institutions/" + e.I.ID + "/clients",
			map[string]any{"name": "LMS"}, 201},
		{"ok/audit trail", instAdmin, "GET", "/api/v1/institutions/{institutionID}/audit", "/api/v1/institutions/" + e.I.ID + "/audit", nil, 200},
		{"ok/insights", instAdmin, "GET", "/api/v1/institutions/{institutionID}/insights", "/api/v1/institutions/" + e.I.ID + "/insights?level=badgeclass", nil, 200},
		{"ok/outbox", instAdmin, "GET", "/api/v1/institutions/{institutionID}/outbox", "/api/v1/institutions/" + e.I.ID + "/outbox", nil, 200},
		{"ok/awards", instAdmin, "GET", "/api/v1/badgeclasses/{badgeClassID}/awards", "/api/v1/badgeclasses/" + e.B.ID + "/awards", nil, 200},
		{"ok/my awards", learner, "GET", "/api/v1/me/awards", "/api/v1/me/awards", nil, 200},
		{"ok/holdings", learner, "GET", "/api/v1/me/holdings", "/api/v1/me/holdings", nil, 200},
		{"ok/holding", learner, "GET", "/api/v1/me/holdings/{holdingID}", "/api/v1/me/holdings/" + holding, nil, 200},
		{"ok/verify", anonymous, "POST", "/credentials/verify", "/credentials/verify",
			map[string]any{"verifiableCredential": selfIssuedVC(t)}, 200},
		{"ok/the document itself", anonymous, "GET", "/api/v1/openapi.json", "/api/v1/openapi.json", nil, 200},
		{"fail/no caller", anonymous, "GET", "/api/v1/me", "/api/v1/me", nil, 401},
		{"fail/not allowed", learner, "GET", "/api/v1/institutions/{institutionID}/staff", "/api/v1/institutions/" + e.I.ID + "/staff", nil, 403},
		{"fail/invalid page", instAdmin, "GET", "/api/v1/institutions/{institutionID}/groups", "/api/v1/institutions/" + e.I.ID + "/groups?limit=0", nil, 400},
		{"fail/invalid body", instAdmin, "PUT", "/api/v1/issuers/{issuerID}", "/api/v1/issuers/" + e.S.ID, map[string]any{"nme": 1}, 400},
		{"fail/tampered credential", anonymous, "POST", "/credentials/verify", "/credentials/verify",
			map[string]any{"verifiableCredential": tampered(t)}, 422},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.t = t
			resp, body := e.do(c.caller, c.method, c.path, c.body)
			if resp.StatusCode != c.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.want, body)
			}
			if bytes.Contains(body, []byte(`"items": []`)) {
				t.Fatalf("an empty list checks little: %s", body)
			}
			o.check(t, c.method, c.template, resp, body)
		})
	}
	t.Run("ok/token", func(t *testing.T) {
		e.t = t
		resp := e.tokenRequest(url.Values{"grant_type": {"client_credentials"}, "client_id": {e.ownClient.ID}, "client_secret": {e.ownClientSecret}}, "")
		checkBody(t, o, "/oauth/token", resp, http.StatusOK)
	})
	t.Run("fail/token grant", func(t *testing.T) {
		e.t = t
		resp := e.tokenRequest(url.Values{"grant_type": {"password"}}, "")
		checkBody(t, o, "/oauth/token", resp, http.StatusBadRequest)
	})
}

// tampered is a self-issued credential changed after signing.
func tampered(t *testing.T) map[string]any {
	var vc map[string]any
	if err := json.Unmarshal(selfIssuedVC(t), &vc); err != nil {
		t.Fatal(err)
	}
	vc["validFrom"] = "2001-01-01T00:00:00Z"
	return vc
}

// TestOpenAPIEveryRouteAnswers calls every API route as the first caller
// the authorization matrix allows, with the request the matrix builds,
// and checks the answer against the document: its status described, its
// media type described, and a JSON body valid against its schema.
func TestOpenAPIEveryRouteAnswers(t *testing.T) {
	e, m := matrixEnv(t)
	o := newOpenAPIResponses(t)
	checked := 0
	for _, route := range routesOf(t, e.srv.router) {
		method, path, _ := strings.Cut(route, " ")
		if !inOpenAPIScope(path) {
			continue
		}
		c, ok := m[route]
		if !ok {
			continue // TestAuthorizationMatrix reports it
		}
		caller := ""
		for _, who := range callers {
			if allowed(c.allow, who) {
				caller = who
				break
			}
		}
		t.Run(route, func(t *testing.T) {
			e.t = t
			resp, body := e.callRoute(route, c, caller)
			if resp.StatusCode >= 300 {
				t.Fatalf("%s: status %d: %.300s", caller, resp.StatusCode, body)
			}
			if resp.StatusCode == http.StatusNoContent {
				body = nil
			}
			o.check(t, method, chiParam.ReplaceAllString(path, "{$1}"), resp, body)
			checked++
		})
	}
	t.Logf("%d routes answered as the document says", checked)
}

func checkBody(t *testing.T, o *openAPIResponses, template string, resp *http.Response, want int) {
	t.Helper()
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("status %d, want %d: %s", resp.StatusCode, want, b.Bytes())
	}
	o.check(t, "POST", template, resp, b.Bytes())
}
