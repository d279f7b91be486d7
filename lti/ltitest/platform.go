// Package ltitest is a learning platform simulated for the tests of
// badged's LTI 1.3 tool: its own RSA key and JWKS, a token endpoint that
// checks badged's client assertion against badged's published key set,
// and NRPS and AGS services for one course whose learners a, c and d
// completed (c has no email, d is inactive) and b did not.
package ltitest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gojose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/badged/badged/lti"
)

// Platform is a learning platform simulated for the LTI tests: its own
// RSA key and JWKS, a token endpoint that checks badged's client
// assertion against badged's published key set, and NRPS and AGS
// services for one course whose learners a, c and d completed (c has no
// email, d is inactive) and b did not.
type Platform struct {
	t        testing.TB
	srv      *httptest.Server
	Key      *rsa.PrivateKey
	ToolJWKS string           // badged's key set, which the platform registered
	Tokens   atomic.Int32     // access tokens granted
	Now      func() time.Time // the platform's clock: the server's
	URL      string           // its issuer, and where it serves
}

// What the platform registered, and its course.
const (
	ClientID   = "badged-at-canvas"
	Deployment = "deployment-1"
	Course     = "course-42"
	token      = "platform-access-token"
)

// NewPlatform starts the platform, which fetches badged's key set from
// toolJWKS (settable later) to check its client assertions.
func NewPlatform(t testing.TB, toolJWKS string) *Platform {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &Platform{t: t, Key: key, ToolJWKS: toolJWKS, Now: time.Now}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(gojose.JSONWebKeySet{Keys: []gojose.JSONWebKey{{Key: &key.PublicKey, KeyID: "platform-1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("POST /token", p.handleToken)
	mux.HandleFunc("GET /nrps/"+Course, p.bearer(map[string]any{"members": []map[string]any{
		{"user_id": "u-a", "status": "Active", "email": "A@student.example.nl", "name": "Anna", "roles": []string{lti.RoleLearner}},
		{"user_id": "u-b", "status": "Active", "email": "b@student.example.nl", "name": "Bo", "roles": []string{lti.RoleLearner}},
		{"user_id": "u-c", "status": "Active", "name": "Cas", "roles": []string{lti.RoleLearner}},
		{"user_id": "u-d", "status": "Inactive", "email": "d@student.example.nl", "name": "Dirk", "roles": []string{lti.RoleLearner}},
		{"user_id": "u-teacher", "status": "Active", "email": "t@uu.example.nl", "name": "Tess", "roles": []string{lti.RoleInstructor}},
	}}))
	p.srv = httptest.NewServer(mux)
	p.URL = p.srv.URL
	t.Cleanup(p.srv.Close)
	lineItem := p.srv.URL + "/ags/" + Course + "/lineitems/1"
	mux.HandleFunc("GET /ags/"+Course+"/lineitems", p.bearer([]map[string]any{{"id": lineItem, "scoreMaximum": 10, "label": "Final exam"}}))
	mux.HandleFunc("GET /ags/"+Course+"/lineitems/1/results", p.bearer([]map[string]any{
		{"userId": "u-a", "resultScore": 10, "resultMaximum": 10},
		{"userId": "u-b", "resultScore": 6, "resultMaximum": 10},
		{"userId": "u-c", "resultScore": 10, "resultMaximum": 10},
		{"userId": "u-d", "resultScore": 10, "resultMaximum": 10},
	}))
	return p
}

// handleToken grants a token for a client assertion that badged's key
// signed for this token endpoint.
func (p *Platform) handleToken(w http.ResponseWriter, r *http.Request) {
	fail := func(why string) {
		p.t.Errorf("platform token endpoint: %s", why)
		http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
	}
	if r.FormValue("grant_type") != "client_credentials" || r.FormValue("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
		fail("not a client_credentials grant with a JWT assertion")
		return
	}
	res, err := http.Get(p.ToolJWKS)
	if err != nil {
		fail(err.Error())
		return
	}
	defer res.Body.Close()
	var set gojose.JSONWebKeySet
	if err := json.NewDecoder(res.Body).Decode(&set); err != nil || len(set.Keys) != 1 {
		fail("badged's key set is not one key")
		return
	}
	tok, err := jwt.ParseSigned(r.FormValue("client_assertion"), []gojose.SignatureAlgorithm{gojose.RS256})
	if err != nil {
		fail(err.Error())
		return
	}
	var c jwt.Claims
	if err := tok.Claims(set.Keys[0].Key, &c); err != nil {
		fail("the assertion is not signed by badged's key: " + err.Error())
		return
	}
	if err := c.Validate(jwt.Expected{Issuer: ClientID, Subject: ClientID, AnyAudience: jwt.Audience{p.srv.URL + "/token"}, Time: p.Now()}); err != nil {
		fail(err.Error())
		return
	}
	if !strings.Contains(r.FormValue("scope"), "contextmembership.readonly") {
		fail("no NRPS scope")
		return
	}
	p.Tokens.Add(1)
	json.NewEncoder(w).Encode(map[string]any{"access_token": token, "token_type": "Bearer", "expires_in": 3600})
}

// bearer answers v to requests with the platform's access token.
func (p *Platform) bearer(v any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		json.NewEncoder(w).Encode(v)
	}
}

// IDToken is the platform's id_token for a launch, signed by key (the
// platform's own, or another to forge one), edited by edits.
func (p *Platform) IDToken(t testing.TB, key *rsa.PrivateKey, nonce string, instructor bool, edits ...func(map[string]any)) string {
	t.Helper()
	now := p.Now()
	role := lti.RoleLearner
	if instructor {
		role = lti.RoleInstructor
	}
	claims := map[string]any{
		"iss": p.srv.URL, "aud": ClientID, "sub": "u-teacher", "exp": now.Add(5 * time.Minute).Unix(), "iat": now.Unix(),
		"nonce": nonce, "name": "Tess", "email": "t@uu.example.nl",
		"https://purl.imsglobal.org/spec/lti/claim/message_type":  "LtiResourceLinkRequest",
		"https://purl.imsglobal.org/spec/lti/claim/version":       "1.3.0",
		"https://purl.imsglobal.org/spec/lti/claim/deployment_id": Deployment,
		"https://purl.imsglobal.org/spec/lti/claim/roles":         []string{role},
		"https://purl.imsglobal.org/spec/lti/claim/context":       map[string]any{"id": Course, "title": "Data Science 101"},
		"https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": map[string]any{
			"context_memberships_url": p.srv.URL + "/nrps/" + Course, "service_versions": []string{"2.0"}},
		"https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": map[string]any{
			"lineitems": p.srv.URL + "/ags/" + Course + "/lineitems"},
	}
	for _, edit := range edits {
		edit(claims)
	}
	signer, err := gojose.NewSigner(gojose.SigningKey{Algorithm: gojose.RS256, Key: key},
		(&gojose.SignerOptions{}).WithType("JWT").WithHeader("kid", "platform-1"))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
