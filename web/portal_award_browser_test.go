package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/badged/badged/bulk"
	"github.com/badged/badged/internal/browsertest"
	"github.com/badged/badged/issuer"
)

// TestPortalAwardInBrowser clicks through awarding in Debian's Chromium
// as the issuer's awarder: award B to one learner, upload a CSV with a
// bad row (the report), then a clean one, and watch award.js move the
// progress bar to the end; approve a learner's request; revoke an award
// with a reason and see what the learner sees. A screenshot of each step
// goes to docs/screenshots/portal-award-*.png. It skips without Chromium,
// except in CI.
func TestPortalAwardInBrowser(t *testing.T) {
	browsertest.Need(t)
	e := newEnv(t)
	we := e.awarding()
	// One row a batch, so that the job moves row by row; the worker
	// starts once the job's page is open, so that award.js follows it.
	worker := bulk.NewWorker(e.db, we.is, bulk.WithBatch(1))
	e.set(func(a *API) { a.Bulk = bulk.NewService(e.db, we.is, bulk.WithWake(worker.Wake)) })
	e.publishB()
	req := e.requestB()

	ctx := browsertest.Start(t, 1000, 1100, 90*time.Second)

	// The browser signs in as the awarder at /test-signin, as the login
	// callback would, and lands on the portal.
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/test-signin" {
			http.SetCookie(w, e.srv.SessionCookie(e.cookie[issAward], time.Now().Add(time.Hour)))
			http.Redirect(w, r, "/portal?lang=en", http.StatusSeeOther)
			return
		}
		e.srv.ServeHTTP(w, r)
	}))
	defer front.Close()

	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		saveScreenshot(t, "screenshots/portal-award-"+name+".png", png)
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return s
	}
	b := e.B.ID

	// 1. From the portal to the badge classes to award, and the form.
	step("choose",
		chromedp.Navigate(front.URL+"/test-signin"),
		chromedp.Click(`a[data-nav="award"]`),
		chromedp.WaitVisible("#award-"+b))
	step("form",
		chromedp.Click("#award-"+b),
		chromedp.WaitVisible("#award-form"),
		chromedp.SendKeys("#recipient", "anna@example.org"),
		chromedp.SendKeys("#narrative", "Passed the statistics exam with a project on survey data."),
		chromedp.SendKeys("#evidence", "https://work.example/anna/survey"),
		chromedp.SendKeys("#grade", "8.5"))
	if got := text("#scheduled_at-hint"); !strings.Contains(got, "your time zone (UTC") {
		t.Errorf("award.js did not say the schedule's time zone: %q", got)
	}
	step("awarded",
		chromedp.Click("#award-submit"),
		chromedp.WaitVisible("#awards"))
	if got := text("#awards tr[data-state=sent]"); !strings.Contains(got, "anna@example.org") {
		t.Errorf("the awarded list does not show the award: %q", got)
	}

	// 2. A CSV with a bad row: the report, and nothing awarded.
	dir := t.TempDir()
	bad, good := filepath.Join(dir, "bad.csv"), filepath.Join(dir, "learners.csv")
	must(0, os.WriteFile(bad, []byte("email;grade\nbert@example.org;7\nnot-an-email;8\nbert@example.org;9\n"), 0o644))
	rows := "email;narrative;grade\n"
	for _, n := range []string{"carla", "daan", "eva", "finn", "gijs", "hanna", "ines", "jan"} {
		rows += n + "@example.org;Took part in the data lab;7\n"
	}
	must(0, os.WriteFile(good, []byte(rows), 0o644))
	step("csv-report",
		chromedp.Click(`a[data-nav="award"]`),
		chromedp.WaitVisible("#award-csv-"+b),
		chromedp.Click("#award-csv-"+b),
		chromedp.WaitVisible("#csv-form"),
		chromedp.SetUploadFiles("#file", []string{bad}),
		chromedp.Click("#csv-submit"),
		chromedp.WaitVisible("#csv-report"))
	if got := text("#csv-report"); !strings.Contains(got, "not-an-email") || !strings.Contains(got, "the same recipient as row 2") {
		t.Errorf("report %q", got)
	}

	// 3. The clean file: the job's page, whose bar award.js moves to the
	// end once the worker runs; the page then lists each row.
	if err := chromedp.Do(ctx,
		chromedp.SetUploadFiles("#file", []string{good}),
		chromedp.Click("#csv-submit"),
		chromedp.WaitVisible("#job-progress")); err != nil {
		t.Fatal(err)
	}
	if got := text("#job-state"); got != "Waiting to start" {
		t.Errorf("job state %q before the worker", got)
	}
	wctx, stopWorker := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- worker.Run(wctx) }()
	defer func() { stopWorker(); <-done }()
	// With script on, the noscript refresh is off: only award.js, seeing
	// the job end, reloads the page into the one listing each row.
	step("csv-progress", chromedp.WaitVisible("#job-rows"))
	if full, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const p = document.getElementById("job-progress");
		return p.max === 8 && p.value === 8; })()`)); err != nil || !full {
		t.Errorf("the progress bar is not at the end (%v)", err)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#job-rows tr[data-state=sent]").length`)); err != nil || n != 8 {
		t.Errorf("%d rows sent (%v), want 8", n, err)
	}

	// 4. The queue: select the learner's request and approve it.
	step("requests",
		chromedp.Click(`a[data-nav="requests"]`),
		chromedp.WaitVisible("#requests"),
		chromedp.Click("#req-"+req.ID))
	step("approved",
		chromedp.Click("#approve-submit"),
		chromedp.WaitVisible("#notice"))
	if got := text("#notice"); !strings.Contains(got, "Approved: 1.") {
		t.Errorf("notice %q", got)
	}

	// 5. Revoke it from the awarded list, with a reason; the award's page
	// then shows what the learner sees.
	step("revoke",
		chromedp.Click(`a[data-nav="awards"]`),
		chromedp.WaitVisible("#awards-filter"),
		chromedp.SetValue("#state", string(issuer.AwardAccepted)),
		chromedp.Click("#filter-submit"),
		// The filtered page (its select says so in the markup), not the
		// one before it, which lists the award too.
		chromedp.WaitReady(`#state option[value="`+string(issuer.AwardAccepted)+`"][selected]`),
		chromedp.WaitVisible(`tr[data-award="`+req.ID+`"] a.award-revoke`),
		chromedp.Click(`tr[data-award="`+req.ID+`"] a.award-revoke`),
		chromedp.WaitVisible("#revoke-form"),
		chromedp.SendKeys("#reason", "Awarded in error: the exam was not passed."))
	step("revoked",
		chromedp.Click("#revoke-submit"),
		chromedp.WaitVisible(`#award-state[data-state="revoked"]`))
	if got := text("#learner-reason"); got != "Awarded in error: the exam was not passed." {
		t.Errorf("the learner's view says %q", got)
	}
	if a := must(e.db.Award(context.Background(), req.ID)); a.State != issuer.AwardRevoked {
		t.Errorf("award %s", a.State)
	}

	// 6. The awarded list at phone width.
	step("phone",
		chromedp.EmulateViewport(375, 800),
		chromedp.Navigate(front.URL+"/portal/awards?badgeclass="+b),
		chromedp.WaitVisible("#awards"))
}
