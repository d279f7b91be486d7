package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

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
