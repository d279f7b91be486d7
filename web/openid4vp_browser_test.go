package web

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/badged/badged/internal/browsertest"
	"github.com/badged/badged/openid4vp"
)

// TestOpenID4VPInBrowser runs both sides of OpenID4VP in Debian's
// Chromium: an employer asks for any Open Badge on /verify/ask and keeps
// the page with the QR code open; in a second tab a learner, signed in,
// pastes the request's link into the backpack, picks the credential,
// consents and shares; the employer's tab, whose script polls the status
// route, then shows the answer, valid, without anyone reloading it. It
// saves screenshots of each step to docs/screenshots/vp-*.png, and skips
// without Chromium, except in CI.
func TestOpenID4VPInBrowser(t *testing.T) {
	browsertest.Need(t)
	e := newEnv(t)
	we := e.backpack()
	a := we.claim(learner)
	// A fixed verifier host and seeded secrets: the QR code and the
	// link are the same on every run, and so the screenshots.
	e.enableOpenID4VPAt("verifier.test", openid4vp.WithRand(rand.NewChaCha8([32]byte{2})))

	employer := browsertest.Start(t, 1000, 1300, 90*time.Second)
	learnerTab, cancelL := chromedp.NewContext(employer)
	defer cancelL()

	// The browser reaches the server through a front that signs the
	// learner in at /test-signin, as the login callback does.
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/test-signin" {
			http.SetCookie(w, we.srv.SessionCookie(we.cookie[learner], time.Now().Add(time.Hour)))
			http.Redirect(w, r, "/backpack/answer?lang=en", http.StatusSeeOther)
			return
		}
		we.srv.ServeHTTP(w, r)
	}))
	defer front.Close()

	shots := map[string][]byte{}
	shoot := func(ctx context.Context, name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		shots[name] = png
	}
	run := func(ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	get := func(ctx context.Context, a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}

	run(employer, "the employer's form", chromedp.Navigate(front.URL+"/verify/ask/?lang=en"), chromedp.WaitVisible("#ask-form"))
	shoot(employer, "screenshots/vp-ask.png")
	run(employer, "asking", chromedp.Click("#kind-any"), chromedp.Click("#ask-submit"), chromedp.WaitVisible("#qr"))
	link := get(employer, chromedp.Value("#link"))
	if !strings.HasPrefix(link, "openid4vp://?client_id=decentralized_identifier") {
		t.Fatalf("link %q", link)
	}
	shoot(employer, "screenshots/vp-ask-qr.png")

	run(learnerTab, "the learner's answer page", chromedp.Navigate(front.URL+"/test-signin"), chromedp.WaitVisible("#open-form"),
		chromedp.SendKeys("#request-link", link), chromedp.Click("#answer-open"), chromedp.WaitVisible("#answer-form"))
	shoot(learnerTab, "screenshots/vp-answer.png")
	run(learnerTab, "sharing", chromedp.Click(`input[value="`+a.ID+`"]`), chromedp.Click("#consent"),
		chromedp.Click("#answer-send"), chromedp.WaitVisible("#sent"))
	shoot(learnerTab, "screenshots/vp-answer-sent.png")

	// No reload: the employer's page finds the answer by itself.
	run(employer, "the answer on the employer's page", chromedp.WaitVisible("#outcome"))
	verdict := must(chromedp.Run(employer, chromedp.AttributeValue("#outcome", "data-verdict"))).Value
	shown := get(employer, chromedp.Text("#outcome article.credential h4"))
	if verdict != "valid" || !strings.Contains(shown, "Statistics") {
		t.Errorf("employer's page: verdict %q, credential %q", verdict, shown)
	}
	shoot(employer, "screenshots/vp-ask-result.png")
	for name, png := range shots {
		saveScreenshot(t, name, png)
	}
}
