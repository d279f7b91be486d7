package web

import (
	"strings"
	"testing"
	"time"

	"github.com/badged/badged/internal/browsertest"
	"github.com/badged/badged/web/page"
	"github.com/chromedp/chromedp"
)

const chromium = "/usr/bin/chromium"

// TestVerifyPageInBrowser opens the verify page in Debian's Chromium,
// pastes a credential, submits the form (a same-origin POST, no
// JavaScript of ours), reads the result, does the same for a tampered
// copy and for a credential whose issuer cannot be reached, and saves
// screenshots of the form and the three verdicts to docs/. It skips
// without Chromium, except in CI.
func TestVerifyPageInBrowser(t *testing.T) {
	browsertest.Need(t)
	e := newVerifyEnv(t, true)

	ctx := browsertest.Start(t, 1000, 1300, 60*time.Second)

	if err := chromedp.Do(ctx,
		chromedp.Navigate(e.ts.URL+"/verify?lang=en"),
		chromedp.WaitVisible("#verify-form"),
		chromedp.SetValue("#credential", string(e.creds.valid)),
		chromedp.SendKeys("#identity", recipientEmail),
	); err != nil {
		t.Fatal(err)
	}
	form, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click("#submit"), chromedp.WaitVisible("#result")); err != nil {
		t.Fatal(err)
	}
	verdict, err := chromedp.Run(ctx, chromedp.Text("#result .verdict"))
	if err != nil {
		t.Fatal(err)
	}
	attr, err := chromedp.Run(ctx, chromedp.AttributeValue("#result", "data-verified"))
	if err != nil {
		t.Fatal(err)
	}
	verified := attr.Value
	issuer, err := chromedp.Run(ctx, chromedp.Text("#issuer .known"))
	if err != nil {
		t.Fatal(err)
	}
	identity, err := chromedp.Run(ctx, chromedp.AttributeValue("#identity-result", "data-verdict"))
	if err != nil {
		t.Fatal(err)
	}
	result, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if identity.Value != "pass" {
		t.Errorf("identity verdict %q", identity.Value)
	}
	if verified != "true" || !strings.Contains(verdict, page.VerifyText["en"]["result.valid"]) || !strings.Contains(issuer, "Example University") {
		t.Errorf("result: verified %q verdict %q issuer %q", verified, verdict, issuer)
	}
	shots := map[string][]byte{"verify-page.png": form, "verify-result.png": result}

	// The three verdicts side by side: a tampered copy is altered; a
	// credential whose issuer cannot be reached (a did:web on loopback,
	// refused by the real egress policy) could not be checked right now.
	u := newUnreachableIssuer(t, false)
	for _, tt := range []struct {
		shot, base string
		cred       []byte
		verdict    string
		title      string
	}{
		{"verify-tampered.png", e.ts.URL, e.creds.tampered, "invalid", page.VerifyText["en"]["result.invalid"]},
		{"verify-unreachable.png", u.ts.URL, u.cred, "indeterminate", page.VerifyText["en"]["result.indeterminate"]},
	} {
		if err := chromedp.Do(ctx,
			chromedp.Navigate(tt.base+"/verify?lang=en"),
			chromedp.WaitVisible("#verify-form"),
			chromedp.SetValue("#credential", string(tt.cred)),
			chromedp.Click("#submit"),
			chromedp.WaitVisible("#result"),
		); err != nil {
			t.Fatalf("%s: %v", tt.shot, err)
		}
		got, err := chromedp.Run(ctx, chromedp.AttributeValue("#result", "data-verdict"))
		if err != nil {
			t.Fatal(err)
		}
		heading, err := chromedp.Run(ctx, chromedp.Text("#result .verdict"))
		if err != nil {
			t.Fatal(err)
		}
		if got.Value != tt.verdict || !strings.Contains(heading, tt.title) {
			t.Errorf("%s: verdict %q heading %q, want %q %q", tt.shot, got.Value, heading, tt.verdict, tt.title)
		}
		if shots[tt.shot], err = chromedp.Run(ctx, chromedp.FullScreenshot(100)); err != nil {
			t.Fatal(err)
		}
	}
	for name, png := range shots {
		saveScreenshot(t, name, png)
	}
}
