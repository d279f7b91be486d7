package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/badged/badged/wallet"
	"github.com/badged/badged/web/api"
	"github.com/badged/badged/web/page"
)

// TestRevokedHolding: once its issuer revokes a public credential, its
// page gives the issuer's reason and offers neither LinkedIn nor a
// presentation (the API refuses both too); its public page stays
// reachable but says revoked first, in its title and link preview, and
// never valid.
func TestRevokedHolding(t *testing.T) {
	we := newWalletEnv(t).backpack()
	ctx := context.Background()
	a := we.claim(learner)
	hp, apiPath := "/backpack/"+a.ID, "/api/v1/me/holdings/"+a.ID
	resp, body := we.do(learner, "PUT", apiPath+"/share", map[string]bool{"public": true})
	wantStatus(t, resp, body, 200)
	sp := "/s/" + decodeJSON[api.Share](t, body).ShareID

	// Before: offered.
	resp, doc := we.browse(learner, "GET", hp, nil, true)
	wantPage(t, resp, doc, 200)
	if doc.Find("#linkedin").Length() != 1 || doc.Find("#present-form").Length() != 1 || doc.Find("#share-not-counting").Length() != 0 {
		t.Fatal("a valid public credential does not offer LinkedIn and a presentation")
	}

	const reason = "awarded in error"
	must(we.is.RevokeAward(ctx, root, a.ID, reason))
	for _, lang := range []string{"en", "nl"} {
		T := page.BackpackText[lang]
		resp, doc = we.browse(learner, "GET", hp+"?lang="+lang, nil, true)
		wantPage(t, resp, doc, 200)
		if s := doc.Find("article.credential").AttrOr("data-state", ""); s != wallet.StateRevoked {
			t.Fatalf("%s: state %q", lang, s)
		}
		if got := doc.Find("#revoke-reason").Text(); got != T["revokeReason"]+" "+reason {
			t.Errorf("%s: reason %q", lang, got)
		}
		if doc.Find("#linkedin").Length() != 0 || doc.Find("#present-form").Length() != 0 {
			t.Errorf("%s: a revoked credential still offers LinkedIn or a presentation", lang)
		}
		if doc.Find("#share-not-counting").Text() != T["shareNotCounting"] || doc.Find("#present-not-counting").Text() != T["presentNotCounting"] {
			t.Errorf("%s: the page does not say why", lang)
		}
	}
	resp, body = we.do(learner, "GET", apiPath, nil)
	wantStatus(t, resp, body, 200)
	if h := decodeJSON[api.Holding](t, body); h.State != wallet.StateRevoked || h.RevokeReason != reason {
		t.Errorf("API holding: state %q reason %q", h.State, h.RevokeReason)
	}
	resp, body = we.do(learner, "GET", apiPath+"/linkedin", nil)
	wantStatus(t, resp, body, http.StatusConflict)
	resp, body = we.do(learner, "POST", "/api/v1/me/presentations", map[string]any{"holdingIds": []string{a.ID}, "challenge": "c-1"})
	wantStatus(t, resp, body, http.StatusConflict)
	if p := problemOf(t, resp, body); !strings.Contains(p.Detail, "revoked") {
		t.Errorf("presentation refused with %q", p.Detail)
	}
	// A form posted from an old page is refused too, not signed.
	resp, body = we.do(learner, "POST", hp+"/presentations", nil)
	if resp.StatusCode < 400 {
		t.Errorf("a presentation form of a revoked credential: %d", resp.StatusCode)
	}
	if ps := must(we.w.Presentations(ctx, must(we.w.Learner(ctx, callerLearner(learner))))); len(ps) != 0 {
		t.Errorf("%d presentations of a revoked credential", len(ps))
	}

	// The public page: reachable, revoked first, never valid.
	resp, doc = we.browse(anonymous, "GET", sp, nil, true)
	wantPage(t, resp, doc, 200)
	T := page.BackpackText["en"]
	name := doc.Find("h1").Text()
	if s := doc.Find("article.credential").AttrOr("data-state", ""); s != wallet.StateRevoked {
		t.Errorf("share page state %q", s)
	}
	if doc.Find("#state-text").Text() != T["stateRevokedText"] || doc.Find("#verification").AttrOr("data-verdict", "") != "invalid" {
		t.Errorf("share page: %q, verdict %q", doc.Find("#state-text").Text(), doc.Find("#verification").AttrOr("data-verdict", ""))
	}
	for _, sel := range []string{`meta[property="og:title"]`, `meta[name="twitter:title"]`} {
		if got := doc.Find(sel).AttrOr("content", ""); got != T["stateRevoked"]+": "+name {
			t.Errorf("%s %q; want revoked first", sel, got)
		}
	}
	if got := doc.Find("title").Text(); !strings.HasPrefix(got, T["stateRevoked"]+": ") {
		t.Errorf("title %q", got)
	}
	if d := doc.Find(`meta[property="og:description"]`).AttrOr("content", ""); !strings.HasPrefix(d, page.VerifyText["en"]["result.invalid"]+": "+page.VerifyText["en"]["result.revokedText"]) {
		t.Errorf("og:description %q; want the verdict first", d)
	}
	if strings.Contains(doc.Find("body").Text(), page.VerifyText["en"]["result.valid"]) {
		t.Error("the public page of a revoked credential says valid")
	}
}

// TestStateFilterWords: the backpack's state filter says "not valid" in
// the verdict's words, in each language.
func TestStateFilterWords(t *testing.T) {
	we := newWalletEnv(t).backpack()
	we.claim(learner) // the filters show once there is something to filter
	for _, lang := range []string{"en", "nl"} {
		resp, doc := we.browse(learner, "GET", "/backpack?lang="+lang, nil, true)
		wantPage(t, resp, doc, 200)
		if got := doc.Find(`option[value="invalid"]`).Text(); got != page.VerifyText[lang]["result.invalid"] {
			t.Errorf("%s: filter says %q, the verdict %q", lang, got, page.VerifyText[lang]["result.invalid"])
		}
	}
}
