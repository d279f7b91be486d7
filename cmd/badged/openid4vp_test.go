package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	gojose "github.com/go-jose/go-jose/v4"

	"github.com/badged/badged/contexts"
	"github.com/badged/badged/credential/dataintegrity"
	"github.com/badged/badged/did"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/openid4vp"
	"github.com/badged/badged/wallet"
)

// vpRequest is a request object as a test wallet read it.
type vpRequest struct {
	ClientID    string         `json:"client_id"`
	ResponseURI string         `json:"response_uri"`
	Nonce       string         `json:"nonce"`
	State       string         `json:"state"`
	DCQL        map[string]any `json:"dcql_query"`
	Mode        string         `json:"response_mode"`
	Exp         int64          `json:"exp"`
}

// ldpCredential has w take an ldp_vc of the award over OpenID4VCI: an
// Open Badge whose subject is w's did:key.
func (w *vciWallet) ldpCredential(awardID string) map[string]any {
	w.t.Helper()
	return w.takeCredential(awardID, "OpenBadgeCredential_ldp_vc").(map[string]any)
}

// jwtCredential has w take the award as a VC-JWT, bound as ldpCredential's.
func (w *vciWallet) jwtCredential(awardID string) string {
	w.t.Helper()
	return w.takeCredential(awardID, "OpenBadgeCredential_jwt_vc_json").(string)
}

// vpJWT signs a VP-JWT of credentials with w's key, for nonce and aud.
func (w *vciWallet) vpJWT(nonce, aud string, creds ...string) string {
	w.t.Helper()
	list := make([]any, len(creds))
	for i, c := range creds {
		list[i] = c
	}
	signer, err := gojose.NewSigner(gojose.SigningKey{Algorithm: gojose.EdDSA, Key: gojose.JSONWebKey{Key: w.key, KeyID: w.kid}},
		(&gojose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		w.t.Fatal(err)
	}
	now := w.s.clock.Now()
	claims, _ := json.Marshal(map[string]any{"iss": w.did, "aud": aud, "nonce": nonce, "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
		"vp": map[string]any{"@context": []any{"https://www.w3.org/ns/credentials/v2"}, "type": []any{"VerifiablePresentation"},
			"holder": w.did, "verifiableCredential": list}})
	jws, err := signer.Sign(claims)
	if err != nil {
		w.t.Fatal(err)
	}
	out, _ := jws.CompactSerialize()
	return out
}

// takeCredential has w take a credential of the award over OpenID4VCI in
// the configuration config.
func (w *vciWallet) takeCredential(awardID, config string) any {
	w.t.Helper()
	o, err := w.s.app.vci.CreateOffer(context.Background(), awardID, false)
	if err != nil {
		w.t.Fatal(err)
	}
	_, tok := w.token(w.offer(o.URI), "")
	access, _ := tok["access_token"].(string)
	status, out := w.credential(access, config, w.proof(w.base, w.nonce(), w.s.clock.Now()))
	creds, _ := out["credentials"].([]any)
	if status != http.StatusOK || len(creds) != 1 {
		w.t.Fatalf("credential: %d %v", status, out)
	}
	return creds[0].(map[string]any)["credential"]
}

// fetchRequest GETs the request object of an openid4vp:// link, with a
// Content-Type as wallets send it, and checks its signature with the key
// the verifier's DID document (served by badged) publishes.
func fetchRequest(t *testing.T, s *stack, link string) vpRequest {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Scheme != "openid4vp" {
		t.Fatalf("link %q", link)
	}
	clientID, requestURI := u.Query().Get("client_id"), u.Query().Get("request_uri")
	req, _ := http.NewRequest(http.MethodGet, strings.Replace(requestURI, s.app.cfg.BaseURL, s.url, 1), nil)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/oauth-authz-req+jwt" {
		t.Fatalf("request_uri: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	jws, err := gojose.ParseSigned(string(body), []gojose.SignatureAlgorithm{gojose.EdDSA})
	if err != nil {
		t.Fatal(err)
	}
	h := jws.Signatures[0].Protected
	if typ := h.ExtraHeaders["typ"]; typ != openid4vp.RequestObjectType || !strings.HasPrefix(clientID, "decentralized_identifier:did:web:") ||
		!strings.HasPrefix(h.KeyID, strings.TrimPrefix(clientID, "decentralized_identifier:")+"#") {
		t.Fatalf("typ %v, kid %s, client_id %s", typ, h.KeyID, clientID)
	}
	resp, err = http.Get(s.url + openid4vp.PathDID)
	if err != nil {
		t.Fatal(err)
	}
	var doc did.Document
	err = json.NewDecoder(resp.Body).Decode(&doc)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	key, err := doc.Key(h.KeyID)
	if err != nil {
		t.Fatalf("the DID document does not publish %s: %v", h.KeyID, err)
	}
	payload, err := jws.Verify(key.PublicKey)
	if err != nil {
		t.Fatalf("request object signature: %v", err)
	}
	var r vpRequest
	if err := json.Unmarshal(payload, &r); err != nil || r.ClientID != clientID || r.Mode != "direct_post" || r.Nonce == "" || r.State == "" {
		t.Fatalf("request object %s: %v", payload, err)
	}
	return r
}

// present signs a presentation of creds with key for challenge and domain.
func present(t *testing.T, s *stack, key ed25519.PrivateKey, challenge, domain string, creds ...map[string]any) map[string]any {
	t.Helper()
	loader, err := contexts.NewLoader().With(s.iss.ContextURL(), contexts.BadgedV2())
	if err != nil {
		t.Fatal(err)
	}
	list := make([]any, len(creds))
	for i, c := range creds {
		list[i] = c
	}
	vp, err := wallet.SignPresentation(dataintegrity.New(jsonld.New(loader)), key, wallet.PresentationDocument{
		Credentials: list, Challenge: challenge, Domain: domain, Created: s.clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return vp
}

// respond posts a direct_post response and returns the status and body.
func respond(t *testing.T, s *stack, r vpRequest, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(strings.Replace(r.ResponseURI, s.app.cfg.BaseURL, s.url, 1), form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func vpToken(vp map[string]any) string {
	b, _ := json.Marshal(map[string]any{openid4vp.CredentialQueryID: []any{vp}})
	return string(b)
}

// employerPage opens the employer's page of a request as a browser.
func employerPage(t *testing.T, s *stack, path string) *goquery.Document {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.url+path, nil)
	req.Header.Set("Accept", "text/html")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// askAsEmployer posts the employer's form and returns the path of the
// request's page.
func askAsEmployer(t *testing.T, s *stack, form url.Values) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.url+"/verify/ask/", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/html")
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/verify/ask/") {
		t.Fatalf("ask: %d %s", resp.StatusCode, loc)
	}
	return loc
}

// TestOpenID4VP runs the verifier against a running server: an employer
// asks on the page, a wallet (the test, with a credential it took over
// OpenID4VCI) fetches the signed request and answers by direct_post, and
// the employer's page shows the answer; then each refusal, with the
// protocol error and the reason on the employer's page. It runs on bbolt
// and on PostgreSQL (which skips when unreachable, except in CI).
func TestOpenID4VP(t *testing.T) {
	for _, kind := range []string{"bolt", "postgres"} {
		t.Run(kind, func(t *testing.T) { testOpenID4VP(t, kind) })
	}
}

func testOpenID4VP(t *testing.T, kind string) {
	s := newStack(t, kind)
	awardID := issuedAward(t, s)
	w := newVCIWallet(t, s)
	cred := w.ldpCredential(awardID)
	ctx := context.Background()

	// start asks on the employer's page and returns the page and the
	// request as the wallet reads it.
	start := func(t *testing.T, form url.Values) (string, vpRequest) {
		t.Helper()
		path := askAsEmployer(t, s, form)
		doc := employerPage(t, s, path)
		link, _ := doc.Find("#link").Attr("value")
		if doc.Find("#qr").Length() != 1 || doc.Find("#waiting").Length() != 1 || doc.Find("#refresh").Length() != 1 {
			h, _ := doc.Html()
			t.Fatalf("the waiting page lacks its QR code, status or refresh button:\n%s", h)
		}
		return path, fetchRequest(t, s, link)
	}
	// refusedOnPage checks the employer's page says not valid, and why.
	refusedOnPage := func(t *testing.T, path, why string) {
		t.Helper()
		doc := employerPage(t, s, path)
		o := doc.Find("#outcome")
		if v, _ := o.Attr("data-verdict"); v != "invalid" || !strings.Contains(doc.Find("#outcome-why").Text(), why) {
			t.Errorf("page: verdict %q, why %q; want invalid, %q", v, doc.Find("#outcome-why").Text(), why)
		}
	}
	anyBadge := url.Values{"kind": {"any"}}

	var accepted map[string]any
	t.Run("ok/accepted and shown", func(t *testing.T) {
		path, r := start(t, anyBadge)
		if q := r.DCQL["credentials"].([]any)[0].(map[string]any); q["format"] != "ldp_vc" || q["id"] != openid4vp.CredentialQueryID {
			t.Errorf("dcql %v", r.DCQL)
		}
		accepted = present(t, s, w.key, r.Nonce, r.ClientID, cred)
		status, out := respond(t, s, r, url.Values{"vp_token": {vpToken(accepted)}, "state": {r.State}})
		if status != http.StatusOK {
			t.Fatalf("response: %d %v", status, out)
		}
		resp, _ := http.Get(s.url + path + "/status")
		var st map[string]bool
		json.NewDecoder(resp.Body).Decode(&st)
		resp.Body.Close()
		if !st["answered"] {
			t.Errorf("status %v", st)
		}
		doc := employerPage(t, s, path)
		if v, _ := doc.Find("#outcome").Attr("data-verdict"); v != "valid" || doc.Find("#outcome article.credential").Length() != 1 || doc.Find("#waiting").Length() != 0 {
			t.Errorf("page: verdict %q, %d credentials", v, doc.Find("#outcome article.credential").Length())
		}
		if name := doc.Find("#outcome article.credential h4").Text(); name != "Statistiek" {
			t.Errorf("shown credential %q, want Statistiek", name)
		}
		// A replay to the same request: it took its one response.
		status, out = respond(t, s, r, url.Values{"vp_token": {vpToken(accepted)}, "state": {r.State}})
		if status != http.StatusBadRequest || out["error"] != openid4vp.CodeInvalidRequest || !strings.Contains(out["error_description"].(string), "already answered") {
			t.Errorf("replay: %d %v", status, out)
		}
	})

	t.Run("ok/by badge class and institution", func(t *testing.T) {
		bcID := strings.TrimPrefix(cred["credentialSubject"].(map[string]any)["achievement"].(map[string]any)["id"].(string), s.app.cfg.BaseURL+"/badgeclasses/")
		for _, form := range []url.Values{{"kind": {"badgeclass"}, "badgeclass": {bcID}}, {"kind": {"institution"}, "institution": {s.inst.ID}}} {
			_, r := start(t, form)
			vp := present(t, s, w.key, r.Nonce, r.ClientID, cred)
			if status, out := respond(t, s, r, url.Values{"vp_token": {vpToken(vp)}, "state": {r.State}}); status != http.StatusOK {
				t.Errorf("%v: %d %v", form, status, out)
			}
		}
	})

	t.Run("ok/jwt_vc_json", func(t *testing.T) {
		jwtCred := w.jwtCredential(awardID)
		jwtToken := func(vp string) string {
			b, _ := json.Marshal(map[string]any{openid4vp.CredentialQueryIDJWT: []any{vp}})
			return string(b)
		}
		path, r := start(t, anyBadge)
		status, out := respond(t, s, r, url.Values{"vp_token": {jwtToken(w.vpJWT(r.Nonce, r.ClientID, jwtCred))}, "state": {r.State}})
		if status != http.StatusOK {
			t.Fatalf("response: %d %v", status, out)
		}
		if v, _ := employerPage(t, s, path).Find("#outcome").Attr("data-verdict"); v != "valid" {
			t.Errorf("page: verdict %q, want valid", v)
		}
		for why, vp := range map[string]func(r vpRequest) string{
			"nonce": func(r vpRequest) string { return w.vpJWT("another nonce", r.ClientID, jwtCred) },
			"client_id": func(r vpRequest) string {
				return w.vpJWT(r.Nonce, "decentralized_identifier:did:web:other.example", jwtCred)
			},
		} {
			path, r := start(t, anyBadge)
			status, out := respond(t, s, r, url.Values{"vp_token": {jwtToken(vp(r))}, "state": {r.State}})
			if status != http.StatusBadRequest || out["error"] != openid4vp.CodeInvalidRequest || !strings.Contains(out["error_description"].(string), why) {
				t.Errorf("%s: %d %v", why, status, out)
			}
			refusedOnPage(t, path, why)
		}
	})

	cases := []struct {
		name string
		form url.Values
		// answer builds the response to r.
		answer func(r vpRequest) url.Values
		why    string
	}{
		{"fail/replayed to another request", anyBadge, func(r vpRequest) url.Values {
			return url.Values{"vp_token": {vpToken(accepted)}, "state": {r.State}}
		}, "nonce"},
		{"fail/wrong nonce", anyBadge, func(r vpRequest) url.Values {
			return url.Values{"vp_token": {vpToken(present(t, s, w.key, "another nonce", r.ClientID, cred))}, "state": {r.State}}
		}, "nonce"},
		{"fail/wrong audience", anyBadge, func(r vpRequest) url.Values {
			return url.Values{"vp_token": {vpToken(present(t, s, w.key, r.Nonce, "decentralized_identifier:did:web:other.example", cred))}, "state": {r.State}}
		}, "client_id"},
		{"fail/wrong state", anyBadge, func(r vpRequest) url.Values {
			return url.Values{"vp_token": {vpToken(present(t, s, w.key, r.Nonce, r.ClientID, cred))}, "state": {"other"}}
		}, "state"},
		{"fail/tampered credential", anyBadge, func(r vpRequest) url.Values {
			tampered := maps.Clone(cred)
			tampered["name"] = "Cum laude"
			return url.Values{"vp_token": {vpToken(present(t, s, w.key, r.Nonce, r.ClientID, tampered))}, "state": {r.State}}
		}, "does not verify"},
		{"fail/not the holder's", anyBadge, func(r vpRequest) url.Values {
			_, other, _ := ed25519.GenerateKey(rand.Reader)
			return url.Values{"vp_token": {vpToken(present(t, s, other, r.Nonce, r.ClientID, cred))}, "state": {r.State}}
		}, "not bound to the holder"},
		{"fail/not what was asked", url.Values{"kind": {"badgeclass"}, "badgeclass": {s.badgeClass("Algebra", 0).ID}}, func(r vpRequest) url.Values {
			return url.Values{"vp_token": {vpToken(present(t, s, w.key, r.Nonce, r.ClientID, cred))}, "state": {r.State}}
		}, "not what was asked"},
		{"fail/malformed vp_token", anyBadge, func(r vpRequest) url.Values {
			return url.Values{"vp_token": {`["x"]`}, "state": {r.State}}
		}, "vp_token"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path, r := start(t, tc.form)
			status, out := respond(t, s, r, tc.answer(r))
			if status != http.StatusBadRequest || out["error"] != openid4vp.CodeInvalidRequest || !strings.Contains(out["error_description"].(string), tc.why) {
				t.Fatalf("%d %v; want 400 invalid_request about %q", status, out, tc.why)
			}
			refusedOnPage(t, path, tc.why)
		})
	}

	t.Run("ok/declined by the holder", func(t *testing.T) {
		path, r := start(t, anyBadge)
		status, out := respond(t, s, r, url.Values{"error": {"access_denied"}, "error_description": {"no"}, "state": {r.State}})
		if status != http.StatusOK {
			t.Fatalf("%d %v", status, out)
		}
		if v, _ := employerPage(t, s, path).Find("#outcome").Attr("data-verdict"); v != "declined" {
			t.Errorf("verdict %q, want declined", v)
		}
	})

	t.Run("fail/expired", func(t *testing.T) {
		st, err := s.app.vp.Start(ctx, openid4vp.Ask{Kind: openid4vp.AskAny})
		if err != nil {
			t.Fatal(err)
		}
		r := fetchRequest(t, s, st.URI)
		s.clock.Set(s.clock.Now().Add(openid4vp.Lifetime))
		defer s.clock.Set(s.clock.Now().Add(-openid4vp.Lifetime))
		resp, _ := http.Get(s.url + openid4vp.PathRequest + st.Ref)
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || out["error"] != openid4vp.CodeInvalidRequestURI {
			t.Errorf("request_uri after expiry: %d %v", resp.StatusCode, out)
		}
		status, out := respond(t, s, r, url.Values{"vp_token": {vpToken(present(t, s, w.key, r.Nonce, r.ClientID, cred))}, "state": {r.State}})
		if status != http.StatusBadRequest || out["error"] != openid4vp.CodeInvalidRequest {
			t.Errorf("response after expiry: %d %v", status, out)
		}
		if employerPage(t, s, "/verify/ask/"+st.View).Find("#expired").Length() != 1 {
			t.Errorf("the page does not say the request expired")
		}
	})

	t.Run("fail/revoked credential", func(t *testing.T) {
		s.call(s.staff, http.MethodPost, "/api/v1/awards/"+awardID+"/revoke", map[string]string{"reason": "Fraude"}, http.StatusOK, nil)
		path, r := start(t, anyBadge)
		status, out := respond(t, s, r, url.Values{"vp_token": {vpToken(present(t, s, w.key, r.Nonce, r.ClientID, cred))}, "state": {r.State}})
		if status != http.StatusBadRequest || out["error"] != openid4vp.CodeInvalidRequest || !strings.Contains(out["error_description"].(string), "revoked") {
			t.Fatalf("%d %v; want 400 invalid_request, revoked", status, out)
		}
		refusedOnPage(t, path, "revoked")
	})

	t.Run("fail/unknown request", func(t *testing.T) {
		for _, path := range []string{"/verify/ask/unknown", "/verify/ask/unknown/status", "/verify/ask/unknown/qr.png"} {
			resp, _ := http.Get(s.url + path)
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %d", path, resp.StatusCode)
			}
		}
	})
}

// browse sends a browser's request as who (a "cookie:" session) and
// returns the status and the page.
func browse(t *testing.T, s *stack, who, method, path string, form url.Values) (int, *goquery.Document) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, s.url+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", "text/html")
	req.Header.Set("Cookie", "badged_session="+strings.TrimPrefix(who, "cookie:"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, doc
}

// TestOpenID4VPBackpack has a learner answer an employer's request from
// the backpack: the backpack fetches the request through the egress
// guard (the test's policy allows this server's loopback address, as an
// operator would allow a host), shows who asks and the learner's matching
// credentials, and posts the presentation once the learner consents; the
// employer's page then shows it valid. Without the allowance the guard
// refuses the fetch.
func TestOpenID4VPBackpack(t *testing.T) {
	var allowed string
	s := newStack(t, "bolt", func(c *Config) {
		u, _ := url.Parse(c.BaseURL)
		allowed = u.Host
		c.Egress.AllowHosts = append(c.Egress.AllowHosts, u.Host)
	})
	learner := s.session("learner-vci", "vci@student.example.nl")
	// The learner's backpack exists before the award, so that its
	// credential is issued to the backpack's DID (holder binding).
	s.call(learner, http.MethodGet, "/api/v1/me/wallet", nil, http.StatusOK, nil)
	awardID := issuedAward(t, s)
	path := askAsEmployer(t, s, url.Values{"kind": {"any"}})
	link, _ := employerPage(t, s, path).Find("#link").Attr("value")

	status, doc := browse(t, s, learner, http.MethodGet, "/backpack/answer?request="+url.QueryEscape(link), nil)
	holdings := doc.Find(`#answer-form input[name="holding"]`)
	if status != http.StatusOK || holdings.Length() != 1 || doc.Find("#client-id").Text() != s.app.vp.ClientID() {
		t.Fatalf("answer page: %d, %d holdings, client %q, error %q", status, holdings.Length(), doc.Find("#client-id").Text(), doc.Find("#error").Text())
	}
	holding, _ := holdings.Attr("value")

	t.Run("fail/without consent", func(t *testing.T) {
		status, doc := browse(t, s, learner, http.MethodPost, "/backpack/answer", url.Values{"request": {link}, "holding": {holding}})
		if status != http.StatusBadRequest || doc.Find("#error").Length() != 1 || doc.Find("#sent").Length() != 0 {
			t.Errorf("%d, error %q", status, doc.Find("#error").Text())
		}
	})
	t.Run("fail/not signed in", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, s.url+"/backpack/answer", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%d, want 401", resp.StatusCode)
		}
	})
	t.Run("ok/presented", func(t *testing.T) {
		status, doc := browse(t, s, learner, http.MethodPost, "/backpack/answer", url.Values{"request": {link}, "holding": {holding}, "consent": {"yes"}})
		if status != http.StatusOK || doc.Find("#sent").Length() != 1 {
			u, _ := url.Parse(link)
			resp, _ := http.Get(strings.Replace(u.Query().Get("request_uri"), s.app.cfg.BaseURL, s.url, 1))
			b, _ := io.ReadAll(resp.Body)
			t.Fatalf("%d, error %q; request_uri now %s", status, doc.Find("#error").Text(), b)
		}
		if v, _ := employerPage(t, s, path).Find("#outcome").Attr("data-verdict"); v != "valid" {
			t.Errorf("employer's page: %q, want valid", v)
		}
		// The request took its answer: the verifier no longer serves it.
		status, doc = browse(t, s, learner, http.MethodPost, "/backpack/answer", url.Values{"request": {link}, "holding": {holding}, "consent": {"yes"}})
		if status == http.StatusOK || doc.Find("#sent").Length() != 0 || !strings.Contains(doc.Find("#error").Text(), "400") {
			t.Errorf("again: %d, error %q", status, doc.Find("#error").Text())
		}
	})
	t.Run("ok/declined", func(t *testing.T) {
		path := askAsEmployer(t, s, url.Values{"kind": {"any"}})
		link, _ := employerPage(t, s, path).Find("#link").Attr("value")
		status, doc := browse(t, s, learner, http.MethodPost, "/backpack/answer", url.Values{"request": {link}, "decline": {"yes"}})
		if status != http.StatusOK || doc.Find("#declined").Length() != 1 {
			t.Fatalf("%d, error %q", status, doc.Find("#error").Text())
		}
		if v, _ := employerPage(t, s, path).Find("#outcome").Attr("data-verdict"); v != "declined" {
			t.Errorf("employer's page: %q, want declined", v)
		}
	})
	t.Run("fail/revoked is not offered", func(t *testing.T) {
		s.call(s.staff, http.MethodPost, "/api/v1/awards/"+awardID+"/revoke", map[string]string{"reason": "Fraude"}, http.StatusOK, nil)
		link, _ := employerPage(t, s, askAsEmployer(t, s, url.Values{"kind": {"any"}})).Find("#link").Attr("value")
		_, doc := browse(t, s, learner, http.MethodGet, "/backpack/answer?request="+url.QueryEscape(link), nil)
		if n := doc.Find(`#answer-form input[name="holding"]`).Length(); n != 0 || doc.Find("#none").Length() != 1 {
			t.Errorf("%d holdings offered after revocation", n)
		}
	})
	if allowed == "" {
		t.Fatal("no base URL host")
	}
}

// TestOpenID4VPBackpackEgress checks that the backpack fetches a request
// only where the egress policy allows: without an allowance, this
// server's loopback address is refused and the page says so.
func TestOpenID4VPBackpackEgress(t *testing.T) {
	s := newStack(t, "bolt")
	issuedAward(t, s)
	learner := s.session("learner-vci", "vci@student.example.nl")
	link, _ := employerPage(t, s, askAsEmployer(t, s, url.Values{"kind": {"any"}})).Find("#link").Attr("value")
	status, doc := browse(t, s, learner, http.MethodGet, "/backpack/answer?request="+url.QueryEscape(link), nil)
	if status != http.StatusBadGateway || doc.Find("#error").Length() != 1 || doc.Find("#answer-form").Length() != 0 {
		t.Errorf("%d, error %q; want 502 and the guard's refusal", status, doc.Find("#error").Text())
	}
}
