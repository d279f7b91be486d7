package main

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/badged/badged/contexts"
	"github.com/badged/badged/credential/dataintegrity"
	cjose "github.com/badged/badged/credential/jose"
	"github.com/badged/badged/did"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/obapi"
)

// obApp is an application using badged's Open Badges API over loopback
// HTTP, as another host would: it registers, sends the learner's browser
// to the authorization endpoint and calls the API with its tokens.
type obApp struct {
	t        *testing.T
	s        *stack
	id       string
	secret   string
	redirect string
	verifier string
}

// obCall sends a request and returns the response with its body read.
func obCall(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func (a *obApp) form(path string, form url.Values) (int, map[string]any) {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, a.s.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(a.id), url.QueryEscape(a.secret))
	resp, b := obCall(a.t, req)
	var out map[string]any
	json.Unmarshal(b, &out)
	return resp.StatusCode, out
}

func (a *obApp) api(method, path, token, ct string, body []byte) (*http.Response, []byte) {
	a.t.Helper()
	req, _ := http.NewRequest(method, a.s.url+path, strings.NewReader(string(body)))
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return obCall(a.t, req)
}

// authorize runs the learner's part: the consent page, then "allow" or
// "decline". It returns where badged sends the browser, or the page's
// status and text when it answers there.
func (a *obApp) authorize(session string, q url.Values, decision string) (*url.URL, int, string) {
	a.t.Helper()
	get, _ := http.NewRequest(http.MethodGet, a.s.url+obapi.PathAuthorize+"?"+q.Encode(), nil)
	get.Header.Set("Accept", "text/html")
	get.AddCookie(&http.Cookie{Name: "badged_session", Value: session})
	resp, b := obCall(a.t, get)
	if resp.StatusCode == http.StatusSeeOther {
		u, _ := url.Parse(resp.Header.Get("Location"))
		return u, resp.StatusCode, ""
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(b)))
	if err != nil {
		a.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, resp.StatusCode, doc.Find("main").Text()
	}
	form := url.Values{"decision": {decision}}
	doc.Find("#consent-form input[type=hidden]").Each(func(_ int, in *goquery.Selection) {
		form.Set(in.AttrOr("name", ""), in.AttrOr("value", ""))
	})
	post, _ := http.NewRequest(http.MethodPost, a.s.url+obapi.PathAuthorize, strings.NewReader(form.Encode()))
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	post.Header.Set("Accept", "text/html")
	post.AddCookie(&http.Cookie{Name: "badged_session", Value: session})
	resp, _ = obCall(a.t, post)
	if resp.StatusCode != http.StatusSeeOther {
		a.t.Fatalf("consent: %d", resp.StatusCode)
	}
	u, _ := url.Parse(resp.Header.Get("Location"))
	return u, resp.StatusCode, ""
}

func (a *obApp) request(scope string) url.Values {
	sum := sha256.Sum256([]byte(a.verifier))
	return url.Values{"response_type": {"code"}, "client_id": {a.id}, "redirect_uri": {a.redirect}, "state": {"st-9"},
		"scope": {scope}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
}

// code runs the flow to the code, checking the redirect's state and iss.
func (a *obApp) code(session, scope string) string {
	a.t.Helper()
	u, _, text := a.authorize(session, a.request(scope), "allow")
	if u == nil {
		a.t.Fatalf("authorize: %s", text)
	}
	q := u.Query()
	if u.Scheme+"://"+u.Host+u.Path != a.redirect || q.Get("state") != "st-9" || q.Get("iss") != a.s.app.cfg.BaseURL || q.Get("code") == "" {
		a.t.Fatalf("sent back to %s", u)
	}
	return q.Get("code")
}

func (a *obApp) exchange(code, redirect, verifier string) (int, map[string]any) {
	return a.form(obapi.PathToken, url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {redirect}, "code_verifier": {verifier}})
}

// foreignCredential is an Open Badge another host issued to the learner's
// wallet DID, signed with a did:key (which badged resolves offline): as a
// JSON-LD credential with an eddsa-rdfc-2022 proof, and as a VC-JWT.
func foreignCredential(t *testing.T, subject string) (ldp []byte, jwt string, tampered []byte) {
	doc := unsigned(t)
	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	issuerDID, err := did.KeyDID(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	vm := issuerDID + "#" + strings.TrimPrefix(issuerDID, "did:key:")
	doc["issuer"].(map[string]any)["id"] = issuerDID
	doc["validFrom"] = "2025-09-01T00:00:00Z"
	cs := doc["credentialSubject"].(map[string]any)
	delete(cs, "identifier")
	cs["id"] = subject
	validFrom, _ := time.Parse(time.RFC3339, "2025-09-01T00:00:00Z")
	signed, err := dataintegrity.New(jsonld.New(contexts.NewLoader())).Sign(doc, key, dataintegrity.Options{VerificationMethod: vm, Created: validFrom})
	if err != nil {
		t.Fatal(err)
	}
	ldp, _ = json.Marshal(signed)
	signed["name"] = "Something else"
	tampered, _ = json.Marshal(signed)
	jwtDoc := map[string]any{}
	for k, v := range doc {
		jwtDoc[k] = v
	}
	jwtDoc["id"] = "urn:uuid:0b7c1f4e-7a55-4b55-9a55-0c0ffee00001"
	if jwt, err = cjose.Sign(jwtDoc, key, vm, cjose.OBJWT); err != nil {
		t.Fatal(err)
	}
	return ldp, jwt, tampered
}

func wantOAuthError(t *testing.T, what string, status int, out map[string]any, wantStatus int, code string) {
	t.Helper()
	if status != wantStatus || out["error"] != code {
		t.Errorf("%s: %d %v, want %d %s", what, status, out, wantStatus, code)
	}
}

// wantStatusInfo checks an Imsx_StatusInfo failure.
func wantStatusInfo(t *testing.T, what string, resp *http.Response, body []byte, status int, minor string) {
	t.Helper()
	var info struct {
		CodeMajor string `json:"imsx_codeMajor"`
		CodeMinor struct {
			Fields []struct {
				Value string `json:"imsx_codeMinorFieldValue"`
			} `json:"imsx_codeMinorField"`
		} `json:"imsx_codeMinor"`
	}
	json.Unmarshal(body, &info)
	if resp.StatusCode != status || info.CodeMajor != "failure" || len(info.CodeMinor.Fields) != 1 || info.CodeMinor.Fields[0].Value != minor {
		t.Errorf("%s: %d %s, want %d with imsx_codeMinorFieldValue %s", what, resp.StatusCode, body, status, minor)
	}
}

// TestOpenBadgesAPI is the acceptance test of the Open Badges 3.0 API on a
// running server: an application reads the discovery document, registers,
// gets the learner's consent (authorization code with PKCE S256), reads
// their credentials a page at a time, pushes one (verified first),
// reads and changes the profile, refreshes (the old refresh token is then
// refused) and revokes; the learner disconnects it in the backpack. Then
// the refusals, each with its OAuth 2.0 error code: a wrong scope, a
// redirect URI not registered, a reused code, a PKCE mismatch. It runs on
// both stores.
func TestOpenBadgesAPI(t *testing.T) {
	for _, kind := range []string{"bolt", "postgres"} {
		t.Run(kind, func(t *testing.T) { testOpenBadgesAPI(t, newStack(t, kind)) })
	}
}

func testOpenBadgesAPI(t *testing.T, s *stack) {
	for range 3 {
		issuedAward(t, s)
	}
	session := strings.TrimPrefix(s.session("learner-vci", "vci@student.example.nl"), "cookie:")
	a := &obApp{t: t, s: s, redirect: "http://127.0.0.1:9/callback", verifier: strings.Repeat("pkce-verifier-", 4)}

	// Discovery.
	resp, b := a.api(http.MethodGet, obapi.PathDiscovery, "", "", nil)
	var disc struct {
		Components struct {
			SecuritySchemes map[string]struct {
				Type            string `json:"type"`
				RegistrationURL string `json:"x-imssf-registrationUrl"`
				Flows           struct {
					AuthorizationCode struct {
						AuthorizationURL string            `json:"authorizationUrl"`
						TokenURL         string            `json:"tokenUrl"`
						RefreshURL       string            `json:"refreshUrl"`
						Scopes           map[string]string `json:"scopes"`
					} `json:"authorizationCode"`
				} `json:"flows"`
			} `json:"securitySchemes"`
		} `json:"components"`
	}
	if err := json.Unmarshal(b, &disc); resp.StatusCode != http.StatusOK || err != nil {
		t.Fatalf("discovery: %d %v", resp.StatusCode, err)
	}
	base := s.app.cfg.BaseURL
	acg := disc.Components.SecuritySchemes["OAuth2ACG"]
	if acg.Type != "oauth2" || acg.RegistrationURL != base+obapi.PathRegister || acg.Flows.AuthorizationCode.TokenURL != base+obapi.PathToken ||
		acg.Flows.AuthorizationCode.AuthorizationURL != base+obapi.PathAuthorize || len(acg.Flows.AuthorizationCode.Scopes) != 4 {
		t.Errorf("discovery's security scheme: %+v", acg)
	}

	// Registration (RFC 7591).
	reg, _ := json.Marshal(map[string]any{"client_name": "Portfolio", "client_uri": "https://portfolio.example",
		"redirect_uris": []string{a.redirect}, "scope": obapi.ScopeCredentialReadonly + " " + obapi.ScopeCredentialUpsert + " " + obapi.ScopeProfileReadonly + " " + obapi.ScopeProfileUpdate})
	resp, b = a.api(http.MethodPost, obapi.PathRegister, "", "application/json", reg)
	var client struct {
		ID     string `json:"client_id"`
		Secret string `json:"client_secret"`
	}
	if json.Unmarshal(b, &client); resp.StatusCode != http.StatusCreated || client.ID == "" || client.Secret == "" {
		t.Fatalf("register: %d %s", resp.StatusCode, b)
	}
	a.id, a.secret = client.ID, client.Secret
	bad, _ := json.Marshal(map[string]any{"client_name": "Evil", "client_uri": "https://evil.example", "redirect_uris": []string{"http://evil.example/cb"}, "scope": obapi.ScopeCredentialReadonly})
	resp, b = a.api(http.MethodPost, obapi.PathRegister, "", "application/json", bad)
	if !strings.Contains(string(b), obapi.CodeInvalidRedirectURI) || resp.StatusCode != http.StatusBadRequest {
		t.Errorf("registration with an http redirect URI: %d %s", resp.StatusCode, b)
	}

	// Authorization code with PKCE, then the token.
	all := strings.Join(obapi.Scopes, " ")
	code := a.code(session, all)
	status, tok := a.exchange(code, a.redirect, a.verifier)
	access, _ := tok["access_token"].(string)
	refresh, _ := tok["refresh_token"].(string)
	if status != http.StatusOK || access == "" || refresh == "" || tok["token_type"] != "Bearer" {
		t.Fatalf("token: %d %v", status, tok)
	}
	status, out := a.exchange(code, a.redirect, a.verifier)
	wantOAuthError(t, "reused code", status, out, http.StatusBadRequest, obapi.CodeInvalidGrant)
	// The reuse revoked the grant: its tokens no longer work.
	resp, b = a.api(http.MethodGet, obapi.PathCredential, access, "", nil)
	wantStatusInfo(t, "token of a reused code", resp, b, http.StatusUnauthorized, "unauthorizedrequest")

	status, tok = a.exchange(a.code(session, all), a.redirect, a.verifier)
	access, _ = tok["access_token"].(string)
	refresh, _ = tok["refresh_token"].(string)
	if status != http.StatusOK {
		t.Fatalf("token: %d %v", status, tok)
	}

	// The credentials, two at a time.
	type page struct {
		JWS  []string          `json:"compactJwsStrings"`
		Cred []json.RawMessage `json:"credential"`
	}
	read := func(query string) (page, http.Header) {
		t.Helper()
		resp, b := a.api(http.MethodGet, obapi.PathCredential+query, access, "", nil)
		var p page
		if err := json.Unmarshal(b, &p); resp.StatusCode != http.StatusOK || err != nil {
			t.Fatalf("credentials%s: %d %s", query, resp.StatusCode, b)
		}
		return p, resp.Header
	}
	p1, h := read("?limit=2")
	if len(p1.Cred) != 2 || h.Get("X-Total-Count") != "3" || !strings.Contains(h.Get("Link"), `offset=2>; rel="next"`) {
		t.Errorf("first page: %d credentials, X-Total-Count %q, Link %q", len(p1.Cred), h.Get("X-Total-Count"), h.Get("Link"))
	}
	p2, h := read("?limit=2&offset=2")
	if len(p2.Cred) != 1 || strings.Contains(h.Get("Link"), `rel="next"`) || !strings.Contains(h.Get("Link"), `rel="prev"`) {
		t.Errorf("second page: %d credentials, Link %q", len(p2.Cred), h.Get("Link"))
	}
	for _, c := range append(p1.Cred, p2.Cred...) {
		s.verify(c)
	}
	resp, b = a.api(http.MethodGet, obapi.PathCredential+"?limit=0", access, "", nil)
	wantStatusInfo(t, "limit 0", resp, b, http.StatusBadRequest, "invalid_data")

	// The profile; its id is the learner's wallet DID.
	resp, b = a.api(http.MethodGet, obapi.PathProfile, access, "", nil)
	var prof map[string]any
	if json.Unmarshal(b, &prof); resp.StatusCode != http.StatusOK || !strings.HasPrefix(prof["id"].(string), "did:key:") {
		t.Fatalf("profile: %d %s", resp.StatusCode, b)
	}
	holder := prof["id"].(string)
	resp, b = a.api(http.MethodPut, obapi.PathProfile, access, "application/json", []byte(`{"type":"Profile","name":"Vera Ci","url":"https://vera.example"}`))
	if json.Unmarshal(b, &prof); resp.StatusCode != http.StatusOK || prof["name"] != "Vera Ci" || prof["id"] != holder {
		t.Errorf("put profile: %d %s", resp.StatusCode, b)
	}

	// Push: verified, kept, and the same one again is an update.
	ldp, jwt, tampered := foreignCredential(t, holder)
	resp, b = a.api(http.MethodPost, obapi.PathCredential, access, "application/json", ldp)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("push: %d %s", resp.StatusCode, b)
	}
	resp, _ = a.api(http.MethodPost, obapi.PathCredential, access, "application/json", ldp)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("push again: %d, want 200", resp.StatusCode)
	}
	resp, b = a.api(http.MethodPost, obapi.PathCredential, access, "text/plain", []byte(jwt))
	if resp.StatusCode != http.StatusCreated || string(b) != jwt {
		t.Errorf("push a VC-JWT: %d %s", resp.StatusCode, b)
	}
	resp, b = a.api(http.MethodPost, obapi.PathCredential, access, "application/json", tampered)
	wantStatusInfo(t, "push a tampered credential", resp, b, http.StatusBadRequest, "invalid_data")
	all5, h := read("")
	if h.Get("X-Total-Count") != "5" || len(all5.JWS) != 1 || all5.JWS[0] != jwt || len(all5.Cred) != 4 {
		t.Errorf("after the pushes: X-Total-Count %s, %d JWS, %d objects", h.Get("X-Total-Count"), len(all5.JWS), len(all5.Cred))
	}

	// Refresh rotates: the old refresh token is refused afterwards, and
	// its reuse ends the grant.
	status, tok = a.form(obapi.PathToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}})
	access2, _ := tok["access_token"].(string)
	refresh2, _ := tok["refresh_token"].(string)
	if status != http.StatusOK || access2 == "" || refresh2 == "" || refresh2 == refresh {
		t.Fatalf("refresh: %d %v", status, tok)
	}
	status, out = a.form(obapi.PathToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh2}, "scope": {"https://purl.imsglobal.org/spec/ob/v3p0/scope/other"}})
	wantOAuthError(t, "refresh with a wider scope", status, out, http.StatusBadRequest, obapi.CodeInvalidScope)
	// A refresh that asks for fewer scopes gets an access token for just
	// those (RFC 6749 section 6); its new refresh token keeps the grant's.
	status, tok = a.form(obapi.PathToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh2}, "scope": {obapi.ScopeProfileReadonly}})
	narrow, _ := tok["access_token"].(string)
	if status != http.StatusOK || tok["scope"] != obapi.ScopeProfileReadonly {
		t.Fatalf("refresh with a narrower scope: %d %v", status, tok)
	}
	if resp, b := a.api(http.MethodGet, obapi.PathProfile, narrow, "", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("the narrower token reads the profile: %d %s", resp.StatusCode, b)
	}
	resp, b = a.api(http.MethodGet, obapi.PathCredential, narrow, "", nil)
	wantStatusInfo(t, "the narrower token reads credentials", resp, b, http.StatusForbidden, "forbidden")
	if status, tok = a.form(obapi.PathToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}}); status != http.StatusOK ||
		tok["scope"] != strings.Join(obapi.Scopes, " ") {
		t.Errorf("the next refresh, without scope: %d %v", status, tok)
	}
	status, out = a.form(obapi.PathToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}})
	wantOAuthError(t, "old refresh token", status, out, http.StatusBadRequest, obapi.CodeInvalidGrant)
	resp, b = a.api(http.MethodGet, obapi.PathProfile, access2, "", nil)
	wantStatusInfo(t, "after a refresh token's reuse", resp, b, http.StatusUnauthorized, "unauthorizedrequest")

	// Revocation (RFC 7009) of a fresh grant's access token, then of its
	// refresh token (which ends the grant).
	_, tok = a.exchange(a.code(session, obapi.ScopeProfileReadonly), a.redirect, a.verifier)
	access3, refresh3 := tok["access_token"].(string), tok["refresh_token"].(string)
	resp, b = a.api(http.MethodGet, obapi.PathCredential, access3, "", nil)
	wantStatusInfo(t, "without the scope", resp, b, http.StatusForbidden, "forbidden")
	if !strings.Contains(resp.Header.Get("WWW-Authenticate"), "insufficient_scope") {
		t.Errorf("without the scope: WWW-Authenticate %q", resp.Header.Get("WWW-Authenticate"))
	}
	if status, _ := a.form(obapi.PathRevoke, url.Values{"token": {access3}}); status != http.StatusOK {
		t.Errorf("revoke access token: %d", status)
	}
	resp, b = a.api(http.MethodGet, obapi.PathProfile, access3, "", nil)
	wantStatusInfo(t, "revoked access token", resp, b, http.StatusUnauthorized, "unauthorizedrequest")
	if status, _ := a.form(obapi.PathRevoke, url.Values{"token": {refresh3}}); status != http.StatusOK {
		t.Errorf("revoke refresh token: %d", status)
	}
	status, out = a.form(obapi.PathToken, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh3}})
	wantOAuthError(t, "revoked refresh token", status, out, http.StatusBadRequest, obapi.CodeInvalidGrant)

	// The backpack lists the connected application, and the learner
	// disconnects it.
	_, tok = a.exchange(a.code(session, obapi.ScopeProfileReadonly), a.redirect, a.verifier)
	access4 := tok["access_token"].(string)
	apps := func() *goquery.Document {
		req, _ := http.NewRequest(http.MethodGet, s.url+"/backpack/apps", nil)
		req.Header.Set("Accept", "text/html")
		req.AddCookie(&http.Cookie{Name: "badged_session", Value: session})
		resp, b := obCall(t, req)
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(b)))
		if resp.StatusCode != http.StatusOK || err != nil {
			t.Fatalf("apps page: %d", resp.StatusCode)
		}
		return doc
	}
	grant := apps().Find("#apps li[data-grant]").First()
	if !strings.Contains(grant.Text(), "Portfolio") {
		t.Fatalf("apps page: %q", grant.Text())
	}
	req, _ := http.NewRequest(http.MethodPost, s.url+"/backpack/apps/"+grant.AttrOr("data-grant", "")+"/disconnect", nil)
	req.Header.Set("Accept", "text/html")
	req.AddCookie(&http.Cookie{Name: "badged_session", Value: session})
	if resp, _ := obCall(t, req); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("disconnect: %d", resp.StatusCode)
	}
	resp, b = a.api(http.MethodGet, obapi.PathProfile, access4, "", nil)
	wantStatusInfo(t, "disconnected", resp, b, http.StatusUnauthorized, "unauthorizedrequest")
	if n := apps().Find("#apps li[data-grant]").Length(); n != 0 {
		t.Errorf("after disconnecting: %d applications listed", n)
	}

	t.Run("fail/each refused with its OAuth 2.0 error", func(t *testing.T) {
		// A scope the client did not register: back to the client.
		u, _, _ := a.authorize(session, a.request("https://purl.imsglobal.org/spec/ob/v3p0/scope/other"), "allow")
		if u == nil || u.Query().Get("error") != obapi.CodeInvalidScope || u.Query().Get("state") != "st-9" {
			t.Errorf("wrong scope: sent to %v", u)
		}
		// A redirect URI the client did not register: shown, never sent.
		q := a.request(obapi.ScopeProfileReadonly)
		q.Set("redirect_uri", "http://127.0.0.1:9/elsewhere")
		u, status, text := a.authorize(session, q, "allow")
		if u != nil || status != http.StatusBadRequest || !strings.Contains(text, obapi.CodeInvalidRequest) {
			t.Errorf("wrong redirect URI: %v %d %q", u, status, text)
		}
		// At the token endpoint: another redirect URI, a PKCE mismatch.
		status, out := a.exchange(a.code(session, obapi.ScopeProfileReadonly), "http://127.0.0.1:9/elsewhere", a.verifier)
		wantOAuthError(t, "token with another redirect URI", status, out, http.StatusBadRequest, obapi.CodeInvalidGrant)
		status, out = a.exchange(a.code(session, obapi.ScopeProfileReadonly), a.redirect, a.verifier+"x")
		wantOAuthError(t, "PKCE mismatch", status, out, http.StatusBadRequest, obapi.CodeInvalidGrant)
		// Without PKCE S256: back to the client.
		q = a.request(obapi.ScopeProfileReadonly)
		q.Set("code_challenge_method", "plain")
		if u, _, _ := a.authorize(session, q, "allow"); u == nil || u.Query().Get("error") != obapi.CodeInvalidRequest {
			t.Errorf("plain PKCE: sent to %v", u)
		}
		// Declined.
		if u, _, _ := a.authorize(session, a.request(obapi.ScopeProfileReadonly), "decline"); u == nil || u.Query().Get("error") != obapi.CodeAccessDenied {
			t.Errorf("declined: sent to %v", u)
		}
		// A wrong client secret.
		secret := a.secret
		a.secret = "wrong"
		status, out = a.exchange("x", a.redirect, a.verifier)
		a.secret = secret
		wantOAuthError(t, "wrong client secret", status, out, http.StatusUnauthorized, obapi.CodeInvalidClient)
		status, out = a.form(obapi.PathToken, url.Values{"grant_type": {"password"}})
		wantOAuthError(t, "password grant", status, out, http.StatusBadRequest, obapi.CodeUnsupportedGrant)
		// No token, or a badged session instead of one.
		resp, b := a.api(http.MethodGet, obapi.PathCredential, "", "", nil)
		wantStatusInfo(t, "no token", resp, b, http.StatusUnauthorized, "unauthorizedrequest")
		resp, b = a.api(http.MethodGet, obapi.PathCredential, session, "", nil)
		wantStatusInfo(t, "a session token", resp, b, http.StatusUnauthorized, "unauthorizedrequest")
	})
}
