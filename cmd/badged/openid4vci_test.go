package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/badged/badged/did"
	"github.com/badged/badged/openid4vci"
	gojose "github.com/go-jose/go-jose/v4"
)

// vciWallet is a minimal wallet, driving badged's OpenID4VCI endpoints
// over loopback HTTP as a wallet would.
type vciWallet struct {
	t    *testing.T
	s    *stack
	key  ed25519.PrivateKey
	did  string
	kid  string
	base string // the credential issuer identifier
}

func newVCIWallet(t *testing.T, s *stack) *vciWallet {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	d, err := did.KeyDID(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	return &vciWallet{t: t, s: s, key: key, did: d, kid: d + "#" + strings.TrimPrefix(d, "did:key:"), base: s.app.cfg.BaseURL}
}

// post sends a request to the server and returns the status and JSON body.
func (w *vciWallet) post(path, ct, body, bearer string) (int, map[string]any) {
	w.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, w.s.url+path, strings.NewReader(body))
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	return w.do(req)
}

func (w *vciWallet) do(req *http.Request) (int, map[string]any) {
	w.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		w.t.Fatalf("%s %s: %d %s", req.Method, req.URL.Path, resp.StatusCode, b)
	}
	return resp.StatusCode, out
}

// offer resolves the offer URI and returns the pre-authorized code.
func (w *vciWallet) offer(uri string) string {
	w.t.Helper()
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "openid-credential-offer" {
		w.t.Fatalf("offer URI %q", uri)
	}
	ref := strings.TrimPrefix(u.Query().Get("credential_offer_uri"), w.base)
	req, _ := http.NewRequest(http.MethodGet, w.s.url+ref, nil)
	status, doc := w.do(req)
	if status != http.StatusOK || doc["credential_issuer"] != w.base {
		w.t.Fatalf("offer: %d %v", status, doc)
	}
	grant, _ := doc["grants"].(map[string]any)[openid4vci.GrantPreAuthorized].(map[string]any)
	code, _ := grant["pre-authorized_code"].(string)
	return code
}

func (w *vciWallet) token(code, tx string) (int, map[string]any) {
	form := url.Values{"grant_type": {openid4vci.GrantPreAuthorized}, "pre-authorized_code": {code}}
	if tx != "" {
		form.Set("tx_code", tx)
	}
	return w.post(openid4vci.PathToken, "application/x-www-form-urlencoded", form.Encode(), "")
}

func (w *vciWallet) nonce() string {
	w.t.Helper()
	status, out := w.post(openid4vci.PathNonce, "", "", "")
	n, _ := out["c_nonce"].(string)
	if status != http.StatusOK || n == "" {
		w.t.Fatalf("nonce: %d %v", status, out)
	}
	return n
}

func (w *vciWallet) proof(aud, nonce string, iat time.Time) string {
	w.t.Helper()
	s, err := gojose.NewSigner(gojose.SigningKey{Algorithm: gojose.EdDSA, Key: gojose.JSONWebKey{Key: w.key, KeyID: w.kid}},
		(&gojose.SignerOptions{}).WithType(openid4vci.ProofType))
	if err != nil {
		w.t.Fatal(err)
	}
	claims, _ := json.Marshal(map[string]any{"aud": aud, "iat": iat.Unix(), "nonce": nonce})
	jws, err := s.Sign(claims)
	if err != nil {
		w.t.Fatal(err)
	}
	out, _ := jws.CompactSerialize()
	return out
}

func (w *vciWallet) credential(token, config string, proofs ...string) (int, map[string]any) {
	body, _ := json.Marshal(map[string]any{"credential_configuration_id": config, "proofs": map[string]any{"jwt": proofs}})
	return w.post(openid4vci.PathCredential, "application/json", string(body), token)
}

func wantProtocolError(t *testing.T, what string, status int, out map[string]any, wantStatus int, code string) {
	t.Helper()
	if status != wantStatus || out["error"] != code {
		t.Errorf("%s: %d %v, want %d %s", what, status, out, wantStatus, code)
	}
}

// issuedAward has an awarder approve a learner's request and returns the
// award's id.
func issuedAward(t *testing.T, s *stack) string {
	bc := s.badgeClass("Statistiek", 0)
	learner := s.session("learner-vci", "vci@student.example.nl")
	var req award
	s.call(learner, http.MethodPost, "/api/v1/badgeclasses/"+bc.ID+"/requests", map[string]any{}, http.StatusCreated, &req)
	s.call(s.staff, http.MethodPost, "/api/v1/awards/approve", map[string]any{"ids": []string{req.ID}}, http.StatusOK, nil)
	return req.ID
}

// TestOpenID4VCI runs the pre-authorized code flow with a transaction
// code against a running server, for each credential configuration and
// with a batch of two proofs, and checks each credential with badged's
// verifier; then the refusals, each with its protocol error.
func TestOpenID4VCI(t *testing.T) {
	s := newStack(t, "bolt")
	ctx := context.Background()
	awardID := issuedAward(t, s)
	newOffer := func(tx bool) *openid4vci.NewOffer {
		o, err := s.app.vci.CreateOffer(ctx, awardID, tx)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	w := newVCIWallet(t, s)

	t.Run("ok/metadata and QR code", func(t *testing.T) {
		for path, want := range map[string]string{
			"/.well-known/openid-credential-issuer":   "credential_issuer",
			"/.well-known/oauth-authorization-server": "issuer",
		} {
			req, _ := http.NewRequest(http.MethodGet, s.url+path, nil)
			if status, doc := w.do(req); status != http.StatusOK || doc[want] != w.base {
				t.Errorf("%s: %d %v", path, status, doc)
			}
		}
		o := newOffer(true)
		resp, err := http.Get(s.url + openid4vci.PathOffers + o.Ref + "/qr.png")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" || !bytes.HasPrefix(b, []byte("\x89PNG")) {
			t.Errorf("qr.png: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		resp, err = http.Get(s.url + openid4vci.PathOffers + "unknown/qr.png")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("qr.png of an unknown offer: %d", resp.StatusCode)
		}
	})

	for _, cfg := range openid4vci.Configurations {
		t.Run("ok/"+cfg.ID, func(t *testing.T) {
			o := newOffer(true)
			status, tok := w.token(w.offer(o.URI), o.TxCode)
			access, _ := tok["access_token"].(string)
			if status != http.StatusOK || access == "" || tok["token_type"] != "Bearer" {
				t.Fatalf("token: %d %v", status, tok)
			}
			n := w.nonce()
			status, out := w.credential(access, cfg.ID, w.proof(w.base, n, s.clock.Now()), w.proof(w.base, n, s.clock.Now()))
			creds, _ := out["credentials"].([]any)
			if status != http.StatusOK || len(creds) != 2 {
				t.Fatalf("credential: %d %v", status, out)
			}
			for _, c := range creds {
				var raw []byte
				switch v := c.(map[string]any)["credential"].(type) {
				case string:
					raw = []byte(v)
				default:
					raw, _ = json.Marshal(v)
				}
				if (cfg.Format == openid4vci.FormatJWT) != (strings.Count(string(raw), ".") == 2 && raw[0] != '{') {
					t.Errorf("%s gave %.40s", cfg.Format, raw)
				}
				res := s.verify(raw)
				subject, _ := res.Credential["credentialSubject"].(map[string]any)
				if subject["id"] != w.did {
					t.Errorf("credentialSubject.id = %v, want the proof key's %s", subject["id"], w.did)
				}
			}
			// The nonce was used up.
			status, out = w.credential(access, cfg.ID, w.proof(w.base, n, s.clock.Now()))
			wantProtocolError(t, "reused nonce", status, out, http.StatusBadRequest, openid4vci.CodeInvalidNonce)
		})
	}

	t.Run("fail/reused code", func(t *testing.T) {
		o := newOffer(true)
		code := w.offer(o.URI)
		if status, out := w.token(code, o.TxCode); status != http.StatusOK {
			t.Fatalf("token: %d %v", status, out)
		}
		status, out := w.token(code, o.TxCode)
		wantProtocolError(t, "reused", status, out, http.StatusBadRequest, openid4vci.CodeInvalidGrant)
	})
	t.Run("fail/expired code", func(t *testing.T) {
		o := newOffer(true)
		code := w.offer(o.URI)
		s.clock.Set(s.clock.Now().Add(openid4vci.CodeLifetime))
		status, out := w.token(code, o.TxCode)
		wantProtocolError(t, "expired", status, out, http.StatusBadRequest, openid4vci.CodeInvalidGrant)
	})
	t.Run("fail/wrong tx code, then locked", func(t *testing.T) {
		o := newOffer(true)
		code := w.offer(o.URI)
		wrong := strconv.Itoa((mustAtoi(t, o.TxCode) + 1) % 1000000)
		for range openid4vci.MaxTxAttempts {
			status, out := w.token(code, wrong)
			wantProtocolError(t, "wrong tx code", status, out, http.StatusBadRequest, openid4vci.CodeInvalidGrant)
		}
		status, out := w.token(code, o.TxCode)
		wantProtocolError(t, "locked", status, out, http.StatusBadRequest, openid4vci.CodeInvalidGrant)
	})
	t.Run("fail/proof", func(t *testing.T) {
		o := newOffer(false)
		_, tok := w.token(w.offer(o.URI), "")
		access, _ := tok["access_token"].(string)
		cfg := openid4vci.Configurations[0].ID
		status, out := w.credential(access, cfg, w.proof("https://wallet-phisher.example", w.nonce(), s.clock.Now()))
		wantProtocolError(t, "wrong audience", status, out, http.StatusBadRequest, openid4vci.CodeInvalidProof)
		n := w.nonce()
		s.clock.Set(s.clock.Now().Add(openid4vci.NonceLifetime))
		o = newOffer(false)
		_, tok = w.token(w.offer(o.URI), "")
		access, _ = tok["access_token"].(string)
		status, out = w.credential(access, cfg, w.proof(w.base, n, s.clock.Now()))
		wantProtocolError(t, "stale nonce", status, out, http.StatusBadRequest, openid4vci.CodeInvalidNonce)
		status, out = w.credential("not-a-token", cfg, w.proof(w.base, w.nonce(), s.clock.Now()))
		wantProtocolError(t, "unknown token", status, out, http.StatusUnauthorized, openid4vci.CodeInvalidToken)
		status, out = w.credential(access, "nope", w.proof(w.base, w.nonce(), s.clock.Now()))
		wantProtocolError(t, "unknown configuration", status, out, http.StatusBadRequest, openid4vci.CodeUnknownCredConfig)
	})
}

// TestOpenID4VCIRevoked: a wallet's copy shares the award's status entry,
// so revoking the award revokes it; a revoked award is offered no more.
func TestOpenID4VCIRevoked(t *testing.T) {
	s := newStack(t, "bolt")
	ctx := context.Background()
	awardID := issuedAward(t, s)
	o, err := s.app.vci.CreateOffer(ctx, awardID, false)
	if err != nil {
		t.Fatal(err)
	}
	w := newVCIWallet(t, s)
	_, tok := w.token(w.offer(o.URI), "")
	access, _ := tok["access_token"].(string)
	cfg := openid4vci.Configurations[0].ID
	status, out := w.credential(access, cfg, w.proof(w.base, w.nonce(), s.clock.Now()))
	if status != http.StatusOK {
		t.Fatalf("credential: %d %v", status, out)
	}
	raw, _ := json.Marshal(out["credentials"].([]any)[0].(map[string]any)["credential"])
	s.verify(raw)
	if err := s.iss.Revoke(ctx, awardID, "fraude"); err != nil {
		t.Fatal(err)
	}
	s.verify(raw, "status")
	status, out = w.credential(access, cfg, w.proof(w.base, w.nonce(), s.clock.Now()))
	wantProtocolError(t, "revoked award", status, out, http.StatusBadRequest, openid4vci.CodeDenied)
}

func mustAtoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// authorize runs the browser's part of the authorization code flow as
// the learner of session: the wallet's request at the authorization
// endpoint, the consent page, and the learner's answer (decision "send"
// with the first badge offered, or "decline"). It returns where badged
// sends the browser back.
func (w *vciWallet) authorize(session string, q url.Values, decision string) *url.URL {
	w.t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get, _ := http.NewRequest(http.MethodGet, w.s.url+openid4vci.PathAuthorize+"?"+q.Encode(), nil)
	get.Header.Set("Accept", "text/html")
	get.AddCookie(&http.Cookie{Name: "badged_session", Value: session})
	resp, err := client.Do(get)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusSeeOther {
		u, _ := url.Parse(resp.Header.Get("Location"))
		return u
	}
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		w.t.Fatalf("consent page: %d %v", resp.StatusCode, err)
	}
	form := url.Values{"decision": {decision}}
	doc.Find("#consent-form input[type=hidden]").Each(func(_ int, in *goquery.Selection) {
		form.Set(in.AttrOr("name", ""), in.AttrOr("value", ""))
	})
	if id, ok := doc.Find("input[name=holding]").First().Attr("value"); ok && decision == "send" {
		form.Set("holding", id)
	}
	post, _ := http.NewRequest(http.MethodPost, w.s.url+openid4vci.PathAuthorize, strings.NewReader(form.Encode()))
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	post.Header.Set("Accept", "text/html")
	post.AddCookie(&http.Cookie{Name: "badged_session", Value: session})
	resp, err = client.Do(post)
	if err != nil {
		w.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		w.t.Fatalf("consent: %d", resp.StatusCode)
	}
	u, _ := url.Parse(resp.Header.Get("Location"))
	return u
}

func (w *vciWallet) exchange(code, clientID, redirectURI, verifier string) (int, map[string]any) {
	form := url.Values{"grant_type": {openid4vci.GrantAuthorizationCode}, "code": {code}, "client_id": {clientID},
		"redirect_uri": {redirectURI}, "code_verifier": {verifier}}
	return w.post(openid4vci.PathToken, "application/x-www-form-urlencoded", form.Encode(), "")
}

// TestOpenID4VCIAuthorizationCode runs the wallet-initiated authorization
// code flow: the learner signed in consents on badged's page to send one
// of their badges, the wallet redeems the code with its PKCE verifier and
// receives the credential; then the refusals, each with its protocol
// error, at the redirect URI or on the page.
func TestOpenID4VCIAuthorizationCode(t *testing.T) {
	s := newStack(t, "bolt")
	issuedAward(t, s)
	learner := strings.TrimPrefix(s.session("learner-vci", "vci@student.example.nl"), "cookie:")
	w := newVCIWallet(t, s)
	const clientID, redirect = "https://wallet.example", "https://wallet.example/callback?app=1"
	verifier := strings.Repeat("v", 20) + "-verifier-of-the-wallet-43+"
	sum := sha256.Sum256([]byte(verifier))
	challenge := base64.RawURLEncoding.EncodeToString(sum[:])
	request := func(edit func(url.Values)) url.Values {
		q := url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {redirect}, "state": {"st-1"},
			"code_challenge": {challenge}, "code_challenge_method": {"S256"},
			"authorization_details": {`[{"type":"openid_credential","credential_configuration_id":"OpenBadgeCredential_ldp_vc"}]`}}
		if edit != nil {
			edit(q)
		}
		return q
	}
	back := func(u *url.URL) url.Values {
		t.Helper()
		if u.Scheme+"://"+u.Host+u.Path != "https://wallet.example/callback" || u.Query().Get("app") != "1" {
			t.Fatalf("sent back to %s", u)
		}
		q := u.Query()
		if q.Get("state") != "st-1" || q.Get("iss") != w.base {
			t.Errorf("redirect %s: state or iss", u)
		}
		return q
	}

	t.Run("ok", func(t *testing.T) {
		code := back(w.authorize(learner, request(nil), "send")).Get("code")
		status, tok := w.exchange(code, clientID, redirect, verifier)
		access, _ := tok["access_token"].(string)
		if status != http.StatusOK || access == "" {
			t.Fatalf("token: %d %v", status, tok)
		}
		status, out := w.credential(access, "OpenBadgeCredential_ldp_vc", w.proof(w.base, w.nonce(), s.clock.Now()))
		creds, _ := out["credentials"].([]any)
		if status != http.StatusOK || len(creds) != 1 {
			t.Fatalf("credential: %d %v", status, out)
		}
		raw, _ := json.Marshal(creds[0].(map[string]any)["credential"])
		if res := s.verify(raw); res.Credential["credentialSubject"].(map[string]any)["id"] != w.did {
			t.Errorf("the credential is not bound to the wallet's key")
		}
		// A configuration not asked for is refused.
		status, out = w.credential(access, "OpenBadgeCredential_jwt_vc_json", w.proof(w.base, w.nonce(), s.clock.Now()))
		wantProtocolError(t, "configuration not authorized", status, out, http.StatusBadRequest, openid4vci.CodeUnknownCredConfig)
		// The code is single-use.
		status, out = w.exchange(code, clientID, redirect, verifier)
		wantProtocolError(t, "reused code", status, out, http.StatusBadRequest, openid4vci.CodeInvalidGrant)
	})
	t.Run("fail/code bound to the client, redirect URI and verifier", func(t *testing.T) {
		for name, ex := range map[string][3]string{
			"other client":       {"https://evil.example", redirect, verifier},
			"other redirect URI": {clientID, "https://wallet.example/other", verifier},
			"wrong verifier":     {clientID, redirect, verifier + "x"},
		} {
			code := back(w.authorize(learner, request(nil), "send")).Get("code")
			status, out := w.exchange(code, ex[0], ex[1], ex[2])
			wantProtocolError(t, name, status, out, http.StatusBadRequest, openid4vci.CodeInvalidGrant)
			// A refused exchange does not use the code up for its wallet.
			if status, _ := w.exchange(code, clientID, redirect, verifier); status != http.StatusOK {
				t.Errorf("%s: the right exchange after it: %d", name, status)
			}
		}
		code := back(w.authorize(learner, request(nil), "send")).Get("code")
		status, out := w.token(code, "")
		wantProtocolError(t, "as a pre-authorized code", status, out, http.StatusBadRequest, openid4vci.CodeInvalidGrant)
		s.clock.Set(s.clock.Now().Add(openid4vci.AuthorizationCodeLifetime))
		status, out = w.exchange(code, clientID, redirect, verifier)
		wantProtocolError(t, "expired", status, out, http.StatusBadRequest, openid4vci.CodeInvalidGrant)
	})
	t.Run("fail/the learner declines", func(t *testing.T) {
		q := back(w.authorize(learner, request(nil), "decline"))
		if q.Get("error") != "access_denied" || q.Get("code") != "" {
			t.Errorf("declined: %v", q)
		}
	})
	t.Run("fail/errors sent back to the wallet", func(t *testing.T) {
		for name, edit := range map[string]func(url.Values){
			"unsupported_response_type": func(q url.Values) { q.Set("response_type", "token") },
			"invalid_request":           func(q url.Values) { q.Del("code_challenge") },
			"invalid_authorization_details": func(q url.Values) {
				q.Set("authorization_details", `[{"type":"openid_credential","credential_configuration_id":"nope"}]`)
			},
			"invalid_scope": func(q url.Values) { q.Del("authorization_details") },
		} {
			if q := back(w.authorize(learner, request(edit), "send")); q.Get("error") != name {
				t.Errorf("%s: sent back %v", name, q)
			}
		}
	})
	t.Run("fail/errors about the wallet shown, never redirected", func(t *testing.T) {
		for name, edit := range map[string]func(url.Values){
			"no client_id":           func(q url.Values) { q.Del("client_id") },
			"relative redirect_uri":  func(q url.Values) { q.Set("redirect_uri", "/callback") },
			"javascript redirect":    func(q url.Values) { q.Set("redirect_uri", "javascript:alert(1)") },
			"redirect with fragment": func(q url.Values) { q.Set("redirect_uri", "https://wallet.example/cb#x") },
		} {
			req, _ := http.NewRequest(http.MethodGet, s.url+openid4vci.PathAuthorize+"?"+request(edit).Encode(), nil)
			req.Header.Set("Accept", "text/html")
			req.AddCookie(&http.Cookie{Name: "badged_session", Value: learner})
			resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("%s: %d, want 400 on the page", name, resp.StatusCode)
			}
		}
	})
	t.Run("not signed in: to sign-in and back", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, s.url+openid4vci.PathAuthorize+"?"+request(nil).Encode(), nil)
		req.Header.Set("Accept", "text/html")
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?next=") || !strings.Contains(loc, url.QueryEscape(openid4vci.PathAuthorize)) {
			t.Errorf("not signed in: %d %s", resp.StatusCode, loc)
		}
	})
}
