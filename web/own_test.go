package web

import (
	"context"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/badged/badged/egress"
	"github.com/badged/badged/verifier"
	"github.com/badged/badged/wallet"
	"github.com/badged/badged/web/api"
	"github.com/badged/badged/web/vcapi"
)

// TestRevocationShowsAtOnce: the server reads its own status lists
// in-process, so a revocation shows on its own pages at the very next
// look, with no cache to wait for: the public share page and its JSON,
// the presentation page, the learner's holding and backpack page, /verify
// and the VC-API. Before, all of them say
// valid; the clock does not move.
func TestRevocationShowsAtOnce(t *testing.T) {
	we := newWalletEnv(t).backpack()
	ctx := context.Background()
	a := we.claim(learner)
	c := must(we.db.CredentialByAward(ctx, a.ID))
	hp := "/api/v1/me/holdings/" + a.ID
	resp, body := we.do(learner, "PUT", hp+"/share", map[string]bool{"public": true})
	wantStatus(t, resp, body, 200)
	sp := "/s/" + decodeJSON[api.Share](t, body).ShareID
	_, doc := we.browse(learner, "POST", "/backpack/"+a.ID+"/presentations", url.Values{"challenge": {"c-42"}}, true)
	pp := strings.TrimPrefix(doc.Find("#presentation-url").AttrOr("value", ""), publicBase)
	if !strings.HasPrefix(pp, "/p/") {
		t.Fatalf("presentation link %q", pp)
	}

	// look returns, for every page and answer, whether it says valid and
	// its status check ("" where the page shows none).
	type seen struct {
		valid  bool
		status verifier.Check
	}
	look := func(apiStatus int) map[string]seen {
		t.Helper()
		out := map[string]seen{}
		resp, body := we.do(anonymous, "GET", sp, nil)
		wantStatus(t, resp, body, 200)
		pub := decodeJSON[api.PublicShare](t, body)
		out["share json"] = seen{pub.Verification.Verified, statusCheck(pub.Verification)}
		_, doc = we.browse(anonymous, "GET", sp, nil, true)
		out["share page"] = seen{valid: doc.Find("#verification").AttrOr("data-verified", "") == "true"}
		resp, body = we.do(learner, "GET", hp, nil)
		wantStatus(t, resp, body, 200)
		h := decodeJSON[api.Holding](t, body)
		out["holding"] = seen{h.Verification.Verified, statusCheck(h.Verification)}
		_, doc = we.browse(anonymous, "GET", pp, nil, true)
		pres := doc.Find(`#credentials article[data-credential="0"]`)
		out["presentation page"] = seen{pres.AttrOr("data-verified", "") == "true", verifier.Check{ID: verifier.CheckStatus,
			Verdict: verifier.Verdict(pres.Find(`li.check[data-check="status"]`).AttrOr("data-verdict", ""))}}
		_, doc = we.browse(learner, "GET", "/backpack/"+a.ID, nil, true)
		out["backpack page"] = seen{valid: doc.Find("#verification").AttrOr("data-verified", "") == "true"}
		_, doc = formPost(t, we.ts, "", map[string]string{"credential": string(c.JSON), "lang": "en"}, "", nil, nil)
		verified, verdicts := pageOutcome(t, doc)
		out["/verify"] = seen{verified, verifier.Check{ID: verifier.CheckStatus, Verdict: verifier.Verdict(verdicts[verifier.CheckStatus])}}
		resp, body = post(t, we.ts, "/credentials/verify", map[string]any{"verifiableCredential": jsonRaw(c.JSON)})
		wantStatus(t, resp, body, apiStatus)
		vr := decodeJSON[vcapi.VerifyResponse](t, body)
		out["vc-api"] = seen{vr.Verified, statusCheck(&verifier.Result{Checks: vr.Results})}
		return out
	}

	for page, got := range look(http.StatusOK) {
		if !got.valid || (got.status.ID != "" && got.status.Verdict != verifier.Pass) {
			t.Errorf("%s before revocation: %+v, want valid", page, got)
		}
	}
	must(we.is.RevokeAward(ctx, root, a.ID, "awarded in error"))
	for page, got := range look(http.StatusUnprocessableEntity) { // the VC-API: 422, invalid
		if got.valid || (got.status.ID != "" && got.status.Verdict != verifier.Fail) {
			t.Errorf("%s right after revocation: %+v, want revoked", page, got)
		}
		if got.status.Message != "" && !strings.Contains(got.status.Message, "revoked") {
			t.Errorf("%s right after revocation: %q does not say revoked", page, got.status.Message)
		}
	}
}

// statusCheck is the status check of a result.
func statusCheck(res *verifier.Result) verifier.Check {
	if res == nil {
		return verifier.Check{}
	}
	ch, _ := res.Check(verifier.CheckStatus)
	return ch
}

// jsonRaw is a credential as a JSON value for a request body.
type jsonRaw []byte

func (j jsonRaw) MarshalJSON() ([]byte, error) { return j, nil }

// TestImportByURL imports a credential from an address through the real
// egress policy. A loopback address is refused with a clear problem,
// before any request reaches it; an address that is not https is
// refused; a public share of this server is read in-process; and from a
// host the operator allowed (the policy's allow list
// and its trusted CA, for a server on this machine) the learner's
// credential is fetched, verified and kept.
func TestImportByURL(t *testing.T) {
	var hits atomic.Int64
	var credential []byte
	tls := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/vc+ld+json")
		w.Write(credential)
	}))
	t.Cleanup(tls.Close)
	link := tls.URL + "/badge.json"

	t.Run("fail/loopback-refused", func(t *testing.T) {
		we := newWalletEnv(t).backpack()
		credential = must(we.db.CredentialByAward(context.Background(), we.claim(bcAward).ID)).JSON
		resp, body := we.do(learner, "POST", "/api/v1/me/imports", map[string]string{"url": link})
		wantStatus(t, resp, body, http.StatusServiceUnavailable)
		if p := problemOf(t, resp, body); !strings.Contains(p.Detail, "could not be fetched") || !strings.Contains(p.Detail, "loopback") {
			t.Errorf("problem %+v; want the fetch refused for loopback", p)
		}
		// The page says it too.
		_, doc := we.importPost(learner, map[string]string{"url": link})
		if msg := doc.Find("#refusal").Text() + doc.Find("#error").Text(); !strings.Contains(msg, "loopback") {
			t.Errorf("import page: %q; want the loopback refusal", msg)
		}
		if n := hits.Load(); n != 0 {
			t.Errorf("the loopback server was reached %d times", n)
		}
	})
	t.Run("fail/not-https", func(t *testing.T) {
		we := newWalletEnv(t).backpack()
		resp, body := we.do(learner, "POST", "/api/v1/me/imports", map[string]string{"url": "http://wallet.example/badge.json"})
		wantStatus(t, resp, body, http.StatusBadRequest)
		if p := problemOf(t, resp, body); !strings.Contains(p.Detail, "https") {
			t.Errorf("problem %+v", p)
		}
	})
	t.Run("ok/own-share-link", func(t *testing.T) {
		// A share of this server is read in-process: its base URL,
		// https://badges.test, is not even resolvable here.
		we := newWalletEnv(t).backpack()
		a := we.claim(learner)
		resp, body := we.do(learner, "PUT", "/api/v1/me/holdings/"+a.ID+"/share", map[string]bool{"public": true})
		wantStatus(t, resp, body, 200)
		shareURL := decodeJSON[api.Share](t, body).ShareURL
		resp, body = we.do(learner, "POST", "/api/v1/me/imports", map[string]string{"url": shareURL + "/credential"})
		wantStatus(t, resp, body, http.StatusCreated)
		if h := decodeJSON[api.Holding](t, body); h.Verification == nil || !h.Verification.Verified {
			t.Errorf("imported share %s", body)
		}
		resp, body = we.do(learner, "POST", "/api/v1/me/imports", map[string]string{"url": publicBase + "/s/no-such-share"})
		wantStatus(t, resp, body, http.StatusNotFound)
	})
	t.Run("ok/allowed-host", func(t *testing.T) {
		e := newEnv(t)
		policy := egress.DefaultPolicy()
		policy.AllowHosts = []string{must(url.Parse(tls.URL)).Host}
		policy.RootCAs = x509.NewCertPool()
		policy.RootCAs.AddCert(tls.Certificate())
		e.policy = &policy
		we := e.backpack()
		credential = must(we.db.CredentialByAward(context.Background(), we.claim(learner).ID)).JSON
		resp, body := we.do(learner, "POST", "/api/v1/me/imports", map[string]string{"url": link})
		wantStatus(t, resp, body, http.StatusCreated)
		h := decodeJSON[api.Holding](t, body)
		if !strings.HasPrefix(h.ID, "imp_") || h.Verification == nil || !h.Verification.Verified || h.State == wallet.StateRevoked {
			t.Errorf("imported holding %s", body)
		}
		if hits.Load() == 0 {
			t.Error("the allowed server was not asked")
		}
	})
}

// TestVerifyLink follows the share page's own verify link: the server
// reads its own share in-process (its base URL, https://badges.test, is
// not even resolvable here), the result is valid, and after a revocation
// revoked at once. A link to any other loopback address goes through the
// real egress policy and is refused with a clear message before any
// request is made.
func TestVerifyLink(t *testing.T) {
	we := newWalletEnv(t).backpack()
	ctx := context.Background()
	a := we.claim(learner)
	resp, body := we.do(learner, "PUT", "/api/v1/me/holdings/"+a.ID+"/share", map[string]bool{"public": true})
	wantStatus(t, resp, body, 200)
	sp := "/s/" + decodeJSON[api.Share](t, body).ShareID
	_, doc := we.browse(anonymous, "GET", sp, nil, true)
	link := doc.Find("#share-verify").AttrOr("href", "")
	if !strings.HasPrefix(link, "/verify?url=") {
		t.Fatalf("share page verify link %q", link)
	}

	resp, doc = getPage(t, we.ts, link, nil)
	verified, verdicts := pageOutcome(t, doc)
	if resp.StatusCode != http.StatusOK || !verified || verdicts[verifier.CheckStatus] != string(verifier.Pass) {
		t.Fatalf("own share link: status %d verified %v:\n%s", resp.StatusCode, verified, describePage(doc))
	}
	must(we.is.RevokeAward(ctx, root, a.ID, "awarded in error"))
	_, doc = getPage(t, we.ts, link, nil)
	if verified, verdicts := pageOutcome(t, doc); verified || verdicts[verifier.CheckStatus] != string(verifier.Fail) {
		t.Errorf("own share link after revocation: verified %v:\n%s", verified, describePage(doc))
	}

	var hits atomic.Int64
	foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(foreign.Close)
	resp, doc = getPage(t, we.ts, "/verify?url="+url.QueryEscape(foreign.URL+"/s/x/credential"), nil)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(doc.Find("#error").Text(), "loopback") {
		t.Errorf("loopback link: status %d, error %q", resp.StatusCode, doc.Find("#error").Text())
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the loopback server was reached %d times", n)
	}
}
