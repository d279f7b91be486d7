package web

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/badged/badged/internal/browsertest"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/openid4vci"
	"github.com/badged/badged/wallet"
	"github.com/badged/badged/web/page"
)

// TestBackpackInBrowser opens the backpack, a credential and its public
// page in Debian's Chromium (no JavaScript of ours), as a learner signed
// in with a session cookie, and saves screenshots of the three to docs/.
// It skips without Chromium, except in CI.
func TestBackpackInBrowser(t *testing.T) {
	browsertest.Need(t)
	// The wallet's randomness is seeded, so that share ids and their QR
	// codes, and so the screenshots, are the same on every run.
	e := newEnv(t)
	e.walletWith(nil, wallet.WithRand(rand.NewChaCha8([32]byte{1})))
	e.set(func(a *API) {
		a.VCI = openid4vci.New(e.db, publicBase, nil, openid4vci.WithRand(rand.NewChaCha8([32]byte{2})))
		a.VCIIssuer = e.public()
	})
	we := e.backpack()
	ctx0 := context.Background()
	a := we.claim(learner)
	l := must(we.w.Learner(ctx0, issuer.Learner{UserID: "user-" + learner, Emails: []string{learner + "@example.org"}}))
	sh := must(we.w.SetPublic(ctx0, l, a.ID, true))
	we.sendAward(learner) // a pending award to claim

	ctx := browsertest.Start(t, 1000, 1300, 60*time.Second)

	// The browser reaches the server through a front that signs it in at
	// /test-signin: it sets the session cookie, as the login callback
	// does, and goes to the backpack.
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/test-signin" {
			http.SetCookie(w, we.srv.SessionCookie(we.cookie[learner], time.Now().Add(time.Hour)))
			http.Redirect(w, r, "/backpack?lang=en", http.StatusSeeOther)
			return
		}
		we.srv.ServeHTTP(w, r)
	}))
	defer front.Close()

	shots := map[string][]byte{}
	shoot := func(name, path, ready string, check func()) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(front.URL+path), chromedp.WaitVisible(ready)); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		check()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		shots[name] = png
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return s
	}
	attr := func(sel, name string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.AttributeValue(sel, name))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return v.Value
	}

	shoot("backpack.png", "/test-signin", "#credentials", func() {
		if !strings.Contains(text(`li.holding[data-holding="`+a.ID+`"] h3`), "Statistics") {
			t.Error("the backpack does not list the credential")
		}
		if !strings.Contains(text("#pending"), page.BackpackText["en"]["termsAccept"]) {
			t.Error("no pending award with its terms")
		}
	})
	shoot("backpack-credential.png", "/backpack/"+a.ID, "#verification", func() {
		if attr("#verification", "data-verified") != "true" || attr("#share-state", "data-public") != "true" {
			t.Error("the credential page does not show it verified and public")
		}
	})
	// "Add to my wallet": the offer's QR code and transaction code, after
	// a click (a form post).
	shoot("backpack-wallet.png", "/backpack/"+a.ID, "#wallet-button", func() {
		if err := chromedp.Do(ctx, chromedp.Click("#wallet-button"), chromedp.WaitVisible("#wallet-qr"),
			chromedp.ScrollIntoView("#wallet")); err != nil {
			t.Fatal(err)
		}
		if len(text("#wallet-tx-code")) != openid4vci.TxCodeLength || !strings.HasPrefix(attr("#wallet-link", "href"), "openid-credential-offer://") {
			t.Error("the wallet offer shows no transaction code or link")
		}
		loaded := `new Promise(done => { const img = document.querySelector("#wallet-qr");
			img.complete ? done(img.naturalWidth) : img.addEventListener("load", () => done(img.naturalWidth)) })`
		if w, err := chromedp.Run(ctx, chromedp.Evaluate[int](loaded, chromedp.EvalAwaitPromise)); err != nil || w == 0 {
			t.Errorf("the QR code image did not load (%v)", err)
		}
	})
	// A wallet app's authorization request (the authorization code flow):
	// the consent page.
	ask := url.Values{"response_type": {"code"}, "client_id": {"https://wallet.example"},
		"redirect_uri": {"https://wallet.example/callback"}, "state": {"s"}, "code_challenge_method": {"S256"},
		"code_challenge": {strings.Repeat("c", 43)}, "scope": {openid4vci.Configurations[0].ID}}
	shoot("wallet-consent.png", openid4vci.PathAuthorize+"?"+ask.Encode(), "#consent-form", func() {
		if !strings.Contains(text("#consent-host"), "wallet.example") || !strings.Contains(text("#consent-form"), "Statistics") {
			t.Error("the consent page does not say where the badge goes, or does not offer it")
		}
	})
	shoot("share-page.png", "/s/"+sh.ID, "#verification", func() {
		if attr("#verification", "data-verified") != "true" || text("h1") != "Statistics" {
			t.Error("the public page does not show the credential verified")
		}
	})
	for name, png := range shots {
		saveScreenshot(t, name, png)
	}
}
