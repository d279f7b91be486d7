// Package browsertest starts Debian's Chromium for the project's browser
// tests: headless, with the flags this workplace's closed network needs
// (no background networking, component updates, sync or QUIC), a fresh
// profile, one window size a test. Tests use it, never the product.
package browsertest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Chromium is Debian's Chromium (apt-get install chromium; .ci/run does).
const Chromium = "/usr/bin/chromium"

// Need skips t without Chromium, and fails it instead under CI=true.
func Need(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(Chromium); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing: install Debian's chromium (.ci/run does)", Chromium)
		}
		t.Skipf("%s is missing: install Debian's chromium package to run the browser test", Chromium)
	}
}

// Start starts the browser (after Need) with a width × height window and
// returns its first tab, whose steps together may take at most timeout;
// chromedp.NewContext on it opens another tab. The browser ends with the
// test.
func Start(t testing.TB, width, height int, timeout time.Duration) context.Context {
	t.Helper()
	Need(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:0:0],
		chromedp.ExecPath(Chromium),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	// Start the browser on a context without a deadline, then bound the
	// steps.
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		cancelA()
		t.Fatal(err)
	}
	ctx, cancelT := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelT(); cancel(); cancelA() })
	return ctx
}
