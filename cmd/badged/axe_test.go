package main

import (
	"bytes"
	"encoding/json"
	"github.com/badged/badged/obapi"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/badged/badged/internal/browsertest"

	"github.com/chromedp/chromedp"
)

// axeViolation is one rule axe-core found broken on a page.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []string `json:"target"`
	} `json:"nodes"`
}

// TestAccessibility runs axe-core (npm, pinned in interop/) in Chromium on
// every page of the real binary's demo that the demo admin and the demo
// learner reach by following links from the home page, the portal, the
// backpack, the help, the catalogue and the verify page (GET links only,
// never sign-out), with the WCAG 2.0 and 2.1 A and AA rules: no serious or
// critical violation may remain. axe is evaluated through the DevTools
// protocol, so the pages' strict content security policy stays as it is.
// It skips without Chromium or interop/node_modules, except in CI.
func TestAccessibility(t *testing.T) {
	browsertest.Need(t)
	axeJS, err := os.ReadFile(filepath.Join("..", "..", "interop", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("axe-core missing (CI=true: must not skip): %v", err)
		}
		t.Skip("needs axe-core: run `cd interop && npm ci`")
	}
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := filepath.Join(t.TempDir(), "badged")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	srv := startServer(t, bin, filepath.Join(t.TempDir(), "data"), nil)

	ctx := browsertest.Start(t, 1100, 1000, 10*time.Minute) // a bound on a hang, not on speed: some 80 pages under the race detector

	base, err := url.Parse(srv.base)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	// crawl checks every page reachable from the starts, as the person
	// signed in now.
	crawl := func(who string, starts ...string) {
		seen := map[string]bool{}
		queue := slices.Clone(starts)
		for len(queue) > 0 && len(seen) < 90 {
			path := queue[0]
			queue = queue[1:]
			if seen[path] {
				continue
			}
			seen[path] = true
			if err := chromedp.Do(ctx, chromedp.Navigate(srv.base+path), chromedp.WaitReady("body")); err != nil {
				t.Fatalf("%s %s: %v", who, path, err)
			}
			if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](string(axeJS))); err != nil {
				t.Fatalf("%s %s: loading axe: %v", who, path, err)
			}
			res, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: "tag",
				values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}).then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatalf("%s %s: axe: %v", who, path, err)
			}
			var violations []axeViolation
			if err := json.Unmarshal([]byte(res), &violations); err != nil {
				t.Fatal(err)
			}
			checked++
			for _, v := range violations {
				if v.Impact != "serious" && v.Impact != "critical" {
					t.Logf("%s %s: %s (%s): %s", who, path, v.ID, v.Impact, v.Help)
				}
				if v.Impact == "serious" || v.Impact == "critical" {
					var nodes []string
					for _, n := range v.Nodes {
						nodes = append(nodes, strings.Join(n.Target, " "))
					}
					t.Errorf("%s %s: %s (%s): %s at %s", who, path, v.ID, v.Impact, v.Help, strings.Join(nodes, ", "))
				}
			}
			links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("a[href]")].map(a => a.href)`))
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range links {
				u, err := url.Parse(l)
				if err != nil || u.Host != base.Host || strings.HasPrefix(u.Path, "/login") || strings.HasPrefix(u.Path, "/api/") ||
					strings.HasPrefix(u.Path, "/images/") || strings.HasPrefix(u.Path, "/static/") || strings.HasPrefix(u.Path, "/portal/static/") ||
					strings.HasSuffix(u.Path, ".png") || strings.HasSuffix(u.Path, ".svg") || strings.HasSuffix(u.Path, ".json") ||
					strings.HasSuffix(u.Path, ".csv") || strings.HasPrefix(u.Path, "/devidp") || strings.HasPrefix(u.Path, "/ns/") ||
					strings.HasPrefix(u.Path, "/issuers/") || strings.HasPrefix(u.Path, "/institutions/") || strings.HasPrefix(u.Path, "/status/") {
					continue
				}
				p := u.Path
				if u.RawQuery != "" && !strings.Contains(u.RawQuery, "lang=") {
					p += "?" + u.RawQuery
				}
				if !seen[p] {
					queue = append(queue, p)
				}
			}
		}
	}
	crawl("anonymous", "/", "/verify", "/catalogue/", "/help")
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.base+"/"), chromedp.WaitVisible("#demo-admin"), chromedp.Click("#demo-admin"),
		chromedp.WaitVisible(".tree")); err != nil {
		t.Fatal(err)
	}
	crawl("admin", "/portal", "/portal/award", "/portal/requests", "/portal/awards", "/portal/insights", "/portal/audit",
		"/portal/clients", "/portal/outbox", "/portal/keys", "/developers")
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.base+"/"), chromedp.Click("#logout"), chromedp.WaitReady(`a.provider`),
		chromedp.Navigate(srv.base+"/"), chromedp.WaitVisible("#demo-learner"), chromedp.Click("#demo-learner"),
		chromedp.WaitVisible("#main")); err != nil {
		t.Fatal(err)
	}
	// The Open Badges API's consent page, for an application registered
	// as another host would register, and the connected applications.
	reg, _ := json.Marshal(map[string]any{"client_name": "Portfolio", "client_uri": "https://portfolio.example",
		"redirect_uris": []string{"https://portfolio.example/cb"}, "scope": strings.Join(obapi.Scopes, " ")})
	resp, err := http.Post(srv.base+obapi.PathRegister, "application/json", bytes.NewReader(reg))
	if err != nil {
		t.Fatal(err)
	}
	var client struct {
		ID string `json:"client_id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&client); err != nil || client.ID == "" {
		t.Fatalf("register an application: %d, %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	consent := obapi.PathAuthorize + "?" + url.Values{"response_type": {"code"}, "client_id": {client.ID},
		"redirect_uri": {"https://portfolio.example/cb"}, "state": {"s"}, "scope": {strings.Join(obapi.Scopes, " ")},
		"code_challenge": {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}, "code_challenge_method": {"S256"}}.Encode()
	crawl("learner", "/backpack", "/backpack/import", "/backpack/account", consent, "/backpack/apps")
	t.Logf("axe-core checked %d pages", checked)
}
