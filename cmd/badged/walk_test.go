package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/badged/badged/badgeimage"
	"github.com/badged/badged/internal/browsertest"
)

// TestPortalWalk is the issuer portal's walk (issue 10, acceptance 1) in a
// real browser against the real binary serving the README's demo, by
// clicking and typing only, from the home page: the demo admin's one-click
// sign-in lands on the institution's tree; the badge class editor is used
// by keyboard only (keyboardEditor); she creates an issuer, and under it a
// badge class with every section of the editor filled while the live
// preview follows, uploads its image and publishes it, and invites the
// demo teacher Eric as the new issuer's awarder; Eric signs in with one
// click (which binds the invitation) and awards the badge to the demo
// learner Anna, and switches the portal to Dutch and back; Anna's one-click
// sign-in shows the award waiting in her backpack, she claims it and
// requests another badge in the catalogue; Eric approves the request,
// awards by CSV and watches the job to its end, and revokes the approved
// badge with a reason; the admin finds all of it in the insights and the
// audit trail; Anna sees the revocation with its reason. Then the
// portal at phone width. A screenshot per step goes to
// docs/screenshots/walk-*.png, and the help's pictures to
// web/page/help/static. It skips without Chromium, except in CI.
func TestPortalWalk(t *testing.T) {
	browsertest.Need(t)
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := filepath.Join(t.TempDir(), "badged")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	srv := startServer(t, bin, filepath.Join(t.TempDir(), "data"), nil)

	image := filepath.Join(t.TempDir(), "badge.png")
	if err := os.WriteFile(image, badgeimage.Default("Open Science", "Data Science Institute").Data, 0o644); err != nil {
		t.Fatal(err)
	}

	ctx := browsertest.Start(t, 1100, 1000, 6*time.Minute) // a bound on a hang, not on speed

	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			// Say where the browser was, for a failure in CI.
			where, _ := chromedp.Run(context.WithoutCancel(ctx), chromedp.Location())
			main, _ := chromedp.Run(context.WithoutCancel(ctx), chromedp.Evaluate[string](`document.querySelector("main") ? document.querySelector("main").innerText : ""`))
			t.Fatalf("step %s: %v\nat %s:\n%.2000s", name, err, where, main)
		}
		shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("step %s: screenshot: %v", name, err)
		}
		if err := os.MkdirAll(filepath.Join("..", "..", "docs", "screenshots"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("..", "..", "docs", "screenshots", "walk-"+name+".png"), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// helpShot writes what the browser shows as the help's picture of a
	// role's guide (web/page/help/static), a JPEG small enough to embed.
	helpShot := func(name string) {
		t.Helper()
		shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(55))
		if err != nil {
			t.Fatalf("help picture %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join("..", "..", "web", "page", "help", "static", name+".jpg"), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return s
	}

	// 1. The front door, in English, and the admin's one click.
	step("1-home", chromedp.Navigate(srv.base+"/?lang=en"), chromedp.WaitVisible("#demo"))
	step("2-portal",
		chromedp.Click("#demo-admin"),
		chromedp.WaitVisible(".tree"))
	if !strings.Contains(text(".tree"), "Data Science Institute") {
		t.Fatalf("the portal's tree does not show the demo issuer: %q", text(".tree"))
	}
	helpShot("admin")

	// The badge class editor by keyboard only: from the tree to a saved
	// badge class.
	keyboardEditor(t, ctx)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.base+"/portal"), chromedp.WaitVisible(".tree")); err != nil {
		t.Fatal(err)
	}

	// 2. A new issuer in the demo faculty, and a new badge class under it,
	// every section filled; the preview beside the form follows what is
	// typed.
	step("2b-issuer",
		chromedp.Click(`a.new-issuer`),
		chromedp.WaitVisible("#badgeclass-form"),
		chromedp.SendKeys("#f-name-nl", "Bureau Open Wetenschap"),
		chromedp.SendKeys("#f-name-en", "Open Science Office"),
		chromedp.SendKeys("#f-description-en", "Supports researchers in sharing data and code."),
		chromedp.SendKeys("#f-url", "https://www.university-example.org/open-science"),
		chromedp.SendKeys("#f-email", "openscience@university-example.org"),
		chromedp.Click("#badgeclass-save"),
		chromedp.WaitVisible(`//li[@data-issuer][contains(., "Open Science Office")]`),
	)
	office, err := chromedp.Run(ctx, chromedp.AttributeValue(`//li[@data-issuer][contains(., "Open Science Office")]`, "data-issuer"))
	if err != nil || office.Value == "" {
		t.Fatalf("the new issuer is not in the tree: %v", err)
	}
	step("3-editor",
		chromedp.Click(`#issuer-`+office.Value+` a.new-badgeclass`),
		chromedp.WaitVisible("#badgeclass-form"),
		chromedp.SendKeys("#f-name-en", "Open Science"),
		chromedp.SendKeys("#f-name-nl", "Open wetenschap"),
		chromedp.SendKeys("#f-description-en", "Sharing data, code and papers openly."),
		chromedp.SendKeys("#f-description-nl", "Data, code en artikelen open delen."),
		chromedp.SetValue("#f-language", "en"),
		chromedp.SendKeys("#f-criteria-narrative-en", "Publish a dataset with a licence and a README."),
		chromedp.SendKeys("#f-criteria-narrative-nl", "Publiceer een dataset met een licentie en een README."),
		chromedp.SendKeys("#f-tags", "open science, research"),
		chromedp.Click("#f-microcredential"),
		chromedp.SendKeys("#f-learningOutcome-en", "Publishes research data FAIR."),
		chromedp.SendKeys("#f-learningOutcome-nl", "Publiceert onderzoeksdata volgens FAIR."),
		chromedp.SendKeys("#f-ectsCredits", "1.5"),
		chromedp.SetValue("#f-eqfLevel", "6"),
		chromedp.SetValue("#f-participation", "online"),
		chromedp.SendKeys("#f-assessmentType", "Assignment"),
		chromedp.SetValue("#f-assessmentSupervised", "no"),
		chromedp.SendKeys("#f-qualityAssurance-name", "NVAO"),
		chromedp.SendKeys("#f-qualityAssurance-url", "https://www.nvao.net/"),
		chromedp.SendKeys("#f-expiryDays", "0"),
		chromedp.SendKeys("#f-alignments-0-targetName", "Open science"),
		chromedp.SendKeys("#f-alignments-0-targetUrl", "http://data.europa.eu/esco/skill/open-science"),
		chromedp.SendKeys("#f-alignments-0-targetFramework", "ESCO"),
		chromedp.Poll[chromedp.Void](`(document.getElementById("preview-name") || {}).textContent === "Open Science" &&
			(document.getElementById("ects") || {}).textContent === "1.5" &&
			(document.getElementById("preview-credential") || {textContent: ""}).textContent.includes("https://www.nvao.net/")`),
	)
	step("4-badgeclass",
		chromedp.Click("#badgeclass-save"),
		chromedp.WaitVisible("#bc-state"),
	)
	if got := text("#bc-state"); !strings.Contains(got, "draft") {
		t.Errorf("the new badge class is %q, want a draft", got)
	}
	step("5-image",
		chromedp.SetUploadFiles("#f-image", []string{image}),
		chromedp.Click("#image-submit"),
		chromedp.WaitVisible("#notice"),
	)
	if src := attr(t, ctx, "#bc-image", "src"); !strings.Contains(src, "/images/") {
		t.Errorf("the uploaded image is not the badge class's: %q", src)
	}
	step("6-published",
		chromedp.Click("#bc-publish"),
		chromedp.WaitVisible(`#bc-state[data-state="published"]`),
	)
	here, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	openScience := here[strings.LastIndex(here, "/")+1:]
	if i := strings.IndexAny(openScience, "?#"); i >= 0 {
		openScience = openScience[:i]
	}

	// 3. The admin makes the demo teacher, Eric, an awarder of the new
	// issuer (an invitation his next sign-in binds); he signs in with one
	// click and awards the badge to Anna.
	step("6b-staff",
		chromedp.Navigate(srv.base+"/portal"),
		chromedp.WaitVisible(`a.staff-link[href="/portal/staff/issuer/`+office.Value+`"]`),
		chromedp.Click(`a.staff-link[href="/portal/staff/issuer/`+office.Value+`"]`),
		chromedp.WaitVisible("#invite-form"),
		chromedp.SendKeys("#email", "eric.teacher@university-example.org"),
		chromedp.SetValue("#role", "issuer_awarder"),
		chromedp.Click("#invite-submit"),
		chromedp.WaitVisible("#notice"),
	)
	signIn := func(who, wait string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(chromedp.Click("#logout"), chromedp.WaitReady(`a.provider[data-provider="demo-eduid"]`),
			chromedp.Navigate(srv.base+"/"), chromedp.WaitVisible("#"+who), chromedp.Click("#"+who), chromedp.WaitVisible(wait))
	}
	step("7-award",
		signIn("demo-awarder", ".tree"),
		chromedp.Click(`//li[@data-badgeclass="`+openScience+`"]/a`),
		chromedp.WaitVisible("#bc-award"),
		chromedp.Click("#bc-award"),
		chromedp.WaitVisible("#recipient"),
		chromedp.SendKeys("#recipient", "anna.devries@student.example.org"),
		chromedp.SendKeys("#narrative", "Published the course's dataset."),
	)
	helpShot("awarder")
	step("8-awarded",
		chromedp.Click("#award-submit"),
		chromedp.WaitVisible("#notice"),
	)

	// 4. The language switch: Dutch, remembered on the next page, and back.
	// Each wait names the language too, so that it is the new page that
	// is waited for, never the one before it.
	step("9-dutch",
		chromedp.Click("a.lang"),
		chromedp.WaitVisible(`html[lang="nl"] main`),
		chromedp.Click(`a[data-nav="overview"]`),
		chromedp.WaitVisible(`html[lang="nl"] .tree`),
	)
	if !strings.Contains(text("h1"), "Uw instelling") {
		t.Errorf("after switching to Dutch the portal says %q", text("h1"))
	}
	if err := chromedp.Do(ctx, chromedp.Click("a.lang"), chromedp.WaitVisible(`html[lang="en"] .tree`)); err != nil {
		t.Fatal(err)
	}

	// 5. Anna signs in with one click and finds the badge waiting.
	step("10-signed-out",
		chromedp.Click("#logout"),
		chromedp.WaitReady(`a.provider[data-provider="demo-eduid"]`)) // signed out: the sign-in page
	step("11-backpack",
		chromedp.Navigate(srv.base+"/"),
		chromedp.WaitVisible("#demo-learner"),
		chromedp.Click("#demo-learner"),
		chromedp.WaitVisible("#pending"),
	)
	if !strings.Contains(text("#pending"), "Open Science") {
		t.Fatalf("Anna's backpack does not show the award: %q", text("#pending"))
	}
	helpShot("learner")
	step("12-claimed",
		chromedp.Click(`//article[contains(@class, "pending")][contains(., "Open Science")]//input[@type="checkbox"]`),
		chromedp.Click(`//article[contains(@class, "pending")][contains(., "Open Science")]//button[contains(@class, "primary")]`),
		chromedp.WaitVisible(`#notice`), // the claimed badge's own page
	)
	if !strings.Contains(text("h1"), "Open Science") {
		t.Errorf("after claiming, Anna sees %q", text("h1"))
	}

	// 6. Anna requests a badge in the catalogue; the admin approves the
	// request, awards Open Science by CSV and watches the job to its end,
	// and revokes the approved badge with a reason, which Anna then sees.
	step("13-requested",
		chromedp.Click("#nav-catalogue"),
		chromedp.WaitVisible(`//h3/a[contains(., "Academic Writing")]`),
		chromedp.Click(`//h3/a[contains(., "Academic Writing")]`),
		chromedp.WaitVisible("#request-form"),
		chromedp.SendKeys("#narrative", "I wrote the essay on open data in the spring term."),
		chromedp.Click("#request-submit"),
		chromedp.WaitVisible("#notice"), // back in the backpack, under My requests
	)
	if !strings.Contains(text("#requests"), "Academic Writing") {
		t.Errorf("Anna's requests: %q", text("#requests"))
	}
	step("14-approve",
		signIn("demo-awarder", ".tree"),
		chromedp.Click(`a[data-nav="requests"]`),
		chromedp.WaitVisible(`//ul[@id="requests"]//li[contains(., "Academic Writing")]//input`),
		chromedp.Click(`//ul[@id="requests"]//li[contains(., "Academic Writing")]//input`),
		chromedp.Click("#approve-submit"),
		chromedp.WaitVisible("#notice"),
	)
	csv := filepath.Join(t.TempDir(), "cohort.csv")
	if err := os.WriteFile(csv, []byte("email,narrative\npiet@student.example.org,Joined the data sprint.\nsara@student.example.org,Joined the data sprint.\nlotte@student.example.org,Joined the data sprint.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	step("15-csv",
		chromedp.Click(`a[data-nav="award"]`),
		chromedp.WaitVisible(`#award-csv-`+openScience),
		chromedp.Click(`#award-csv-`+openScience),
		chromedp.WaitVisible("#csv-form"),
		chromedp.SetUploadFiles("#file", []string{csv}),
		chromedp.Click("#csv-submit"),
		chromedp.WaitVisible("#job-progress"),
		// The progress bar moves as the job runs (award.js polls it); at
		// the end the page reloads and lists each row's outcome.
		chromedp.WaitVisible(`//section[@id="job"][@data-final="true"]`),
		chromedp.WaitVisible("#job-rows"),
	)
	if bar, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(p => p.value + "/" + p.max)(document.getElementById("job-progress"))`)); err != nil || bar != "3/3" {
		t.Errorf("the CSV job's progress bar ended at %q (%v), want 3/3", bar, err)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#job-rows tbody tr").length`)); err != nil || n != 3 {
		t.Errorf("the CSV job lists %d rows (%v), want 3", n, err)
	}
	step("16-revoke",
		chromedp.Click(`a[data-nav="awards"]`),
		chromedp.WaitVisible(`//tr[contains(., "Academic Writing")]//a[contains(@class, "award-revoke")]`),
		chromedp.Click(`//tr[contains(., "Academic Writing")]//a[contains(@class, "award-revoke")]`),
		chromedp.WaitVisible("#revoke-form"),
		chromedp.SendKeys("#reason", "Approved in error: the essay was not yet graded."),
		chromedp.Click("#revoke-submit"),
		chromedp.WaitVisible(`#award-state[data-state="revoked"]`),
	)
	step("16b-insights",
		signIn("demo-admin", ".tree"),
		chromedp.Click(`a[data-nav="insights"]`),
		chromedp.WaitVisible("svg#chart-months"),
	)
	if got := text("#total-revoked"); strings.TrimSpace(got) != "1" {
		t.Errorf("insights: %q revoked, want 1", got)
	}
	step("16c-audit",
		chromedp.Click(`a[data-nav="audit"]`),
		chromedp.WaitVisible("#audit"),
	)
	for _, want := range []string{"Award revoked", "Request approved", "Badge class published", "CSV awards submitted"} {
		if !strings.Contains(text("#audit"), want) {
			t.Errorf("the audit trail has no %q", want)
		}
	}
	// The verify page, for the employers' guide.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.base+"/verify?lang=en"), chromedp.WaitVisible("#verify-form")); err != nil {
		t.Fatal(err)
	}
	helpShot("employer")
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.base+"/portal"), chromedp.WaitVisible(".tree")); err != nil {
		t.Fatal(err)
	}
	step("17-learner-revoked",
		chromedp.Click("#logout"),
		chromedp.WaitReady(`a.provider[data-provider="demo-eduid"]`),
		chromedp.Navigate(srv.base+"/"),
		chromedp.WaitVisible("#demo-learner"),
		chromedp.Click("#demo-learner"),
		chromedp.WaitVisible(`#credentials li.card.holding[data-state="revoked"]`),
		chromedp.Click(`#credentials li.card.holding[data-state="revoked"] h3 a`),
		chromedp.WaitVisible("#revoke-reason"),
	)
	if !strings.Contains(text("#revoke-reason"), "not yet graded") {
		t.Errorf("Anna's revoked badge says %q", text("#revoke-reason"))
	}

	// 7. The portal at phone width.
	step("18-phone",
		chromedp.Click("#logout"),
		chromedp.WaitReady(`a.provider[data-provider="demo-eduid"]`),
		chromedp.EmulateViewport(375, 800),
		chromedp.Navigate(srv.base+"/"),
		chromedp.WaitVisible("#demo-admin"),
		chromedp.Click("#demo-admin"),
		chromedp.WaitVisible(".tree"),
	)
	if w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); err != nil || w > 380 {
		t.Errorf("at 375 px the portal is %d px wide (%v): it scrolls sideways", w, err)
	}
}

func attr(t *testing.T, ctx context.Context, sel, name string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.AttributeValue(sel, name))
	if err != nil {
		t.Fatalf("%s: %v", sel, err)
	}
	return v.Value
}

// keyboardEditor uses the badge class editor by keyboard only, from the
// portal's tree (the page ctx shows): Tab reaches the issuer's "New badge
// class" link and Enter follows it; Tab then visits every control of the
// form in the order of the page, each with a visible focus outline; the
// required fields are typed into (the language chosen by typing its first
// letter), and Enter on Save saves the badge class.
func keyboardEditor(t *testing.T, ctx context.Context) {
	t.Helper()
	focused := func() (sel string) {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
			const e = document.activeElement;
			if (!e || e === document.body) return "";
			const s = getComputedStyle(e);
			const ring = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
			return (e.closest("#badgeclass-form") ? "" : "~") + (e.id ? "#" + e.id : e.tagName.toLowerCase() + "." + e.className) +
				(ring ? "" : " (no focus ring)");
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tab := func() string {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			t.Fatal(err)
		}
		return focused()
	}
	var seen []string
	for i := 0; ; i++ {
		if i == 150 {
			t.Fatalf("keyboard: Tab never reached the New badge class link; visited %q", seen)
		}
		f := tab()
		seen = append(seen, f)
		if strings.HasPrefix(f, "~a.new-badgeclass") {
			break
		}
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible("#badgeclass-form")); err != nil {
		t.Fatalf("keyboard: Enter on New badge class: %v", err)
	}
	want, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(
		"#badgeclass-form input:not([type=hidden]), #badgeclass-form select, #badgeclass-form textarea, #badgeclass-form button, #badgeclass-form a[href]")]
		.map(e => e.id ? "#" + e.id : e.tagName.toLowerCase() + "." + e.className)`))
	if err != nil {
		t.Fatal(err)
	}
	typed := map[string]string{"#f-name-en": "Keyboard Badge", "#f-description-en": "Made without a mouse.",
		"#f-language": "E", "#f-criteria-narrative-en": "Use only the keyboard."}
	var got []string
	for len(got) < len(want) {
		f := tab()
		if strings.HasSuffix(f, "(no focus ring)") {
			t.Errorf("keyboard: %s has no visible focus", f)
		}
		if strings.HasPrefix(f, "~") {
			if len(got) == 0 {
				continue // the page's own links before the form
			}
			t.Fatalf("keyboard: Tab left the form at %s before reaching Save; visited %q", f, got)
		}
		got = append(got, strings.TrimSuffix(f, " (no focus ring)"))
		if v, ok := typed[f]; ok {
			if err := chromedp.Do(ctx, chromedp.KeyEvent(v)); err != nil {
				t.Fatal(err)
			}
		}
		if f == "#badgeclass-save" {
			break
		}
	}
	if strings.Join(got, " ") != strings.Join(want[:len(got)], " ") || got[len(got)-1] != "#badgeclass-save" {
		t.Fatalf("keyboard: Tab visited the form as\n%q\nwant the page's order\n%q", got, want)
	}
	if v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("f-language").value + "|" + document.getElementById("f-name-en").value`)); err != nil || v != "en|Keyboard Badge" {
		t.Errorf("keyboard: the form holds %q (%v), want what was typed", v, err)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible("#bc-state")); err != nil {
		t.Fatalf("keyboard: Enter on Save: %v", err)
	}
	if name, err := chromedp.Run(ctx, chromedp.Text("h1")); err != nil || !strings.Contains(name, "Keyboard Badge") {
		t.Errorf("keyboard: saved badge class page says %q (%v)", name, err)
	}
}
