package web

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/badged/badged/verifier"
	"github.com/badged/badged/web/page"
)

// formPost submits the verify form as a browser does: multipart, same
// origin, with the file (name, content) when given.
func formPost(t *testing.T, ts *httptest.Server, query string, fields map[string]string, fileName string, file []byte, header http.Header) (*http.Response, *goquery.Document) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if fileName != "" {
		fw, err := mw.CreateFormFile("file", fileName)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(file)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/verify"+query, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", ts.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for k, v := range header {
		req.Header[k] = v
	}
	return doPage(t, ts, req)
}

func doPage(t *testing.T, ts *httptest.Server, req *http.Request) (*http.Response, *goquery.Document) {
	t.Helper()
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Fatalf("Content-Type %q: %s", ct, body)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return resp, doc
}

func getPage(t *testing.T, ts *httptest.Server, path string, header http.Header) (*http.Response, *goquery.Document) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	return doPage(t, ts, req)
}

// pageOutcome reads the verdict and the checks of the page's (top) result.
func pageOutcome(t *testing.T, doc *goquery.Document) (verified bool, verdicts map[string]string) {
	t.Helper()
	res := doc.Find("#result")
	if res.Length() != 1 {
		html, _ := doc.Html()
		t.Fatalf("no result on the page:\n%s", html)
	}
	verified = res.AttrOr("data-verified", "") == "true"
	verdicts = map[string]string{}
	res.ChildrenFiltered("ul.checks").Find("li.check").Each(func(_ int, li *goquery.Selection) {
		verdicts[li.AttrOr("data-check", "")] = li.AttrOr("data-verdict", "")
	})
	return verified, verdicts
}

func describePage(doc *goquery.Document) string {
	var b strings.Builder
	doc.Find("#result > ul.checks li.check").Each(func(_ int, li *goquery.Selection) {
		b.WriteString("  " + li.AttrOr("data-check", "") + " " + li.AttrOr("data-verdict", "") + ": " + strings.TrimSpace(li.Find(".detail").Text()) + "\n")
	})
	return b.String()
}

// TestFixturesPage is acceptance 2 through the page: each fixture uploaded
// with the form gives the outcome verifier's TestFixtures asserts.
func TestFixturesPage(t *testing.T) {
	ts := fixtureServer(t)
	for _, fc := range fixtureCases {
		t.Run(fc.file, func(t *testing.T) {
			resp, doc := formPost(t, ts, "", map[string]string{"lang": "en"}, path.Base(fc.file), readTestFile(t, filepath.Join(fixtureDir, fc.file)), nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			verified, verdicts := pageOutcome(t, doc)
			failed, warned := map[string]bool{}, false
			for id, v := range verdicts {
				switch verifier.Verdict(v) {
				case verifier.Fail:
					failed[id] = true
				case verifier.Warning:
					warned = true
				}
			}
			fc.checkOutcome(t, verified, failed, warned, describePage(doc))
		})
	}
}

// TestVerifyPage: the form, pasting, plain words in both languages, the
// issuer known or not, the identity check, shared links.
func TestVerifyPage(t *testing.T) {
	e := newVerifyEnv(t, false)
	trusted := newVerifyEnv(t, true)
	c := e.creds

	t.Run("ok/form-en-by-default", func(t *testing.T) {
		resp, doc := getPage(t, e.ts, "/verify", nil)
		if resp.StatusCode != http.StatusOK || doc.Find("html").AttrOr("lang", "") != "en" {
			t.Fatalf("status %d lang %q", resp.StatusCode, doc.Find("html").AttrOr("lang", ""))
		}
		form := doc.Find("form#verify-form")
		if form.AttrOr("method", "") != "post" || form.AttrOr("enctype", "") != "multipart/form-data" ||
			!strings.HasPrefix(form.AttrOr("action", ""), "/verify") {
			t.Errorf("form %v", form.Nodes)
		}
		for _, sel := range []string{"textarea[name=credential]", "input[type=file][name=file]", "input[name=identity]", "form#link-form input[name=url]"} {
			if doc.Find(sel).Length() != 1 {
				t.Errorf("no %s", sel)
			}
		}
		if doc.Find("script").Length() != 0 {
			t.Error("the page has scripts; it must work without JavaScript")
		}
	})
	t.Run("ok/nl-by-accept-language", func(t *testing.T) {
		_, doc := getPage(t, e.ts, "/verify", http.Header{"Accept-Language": {"nl-NL,nl;q=0.9,en;q=0.5"}})
		if doc.Find("html").AttrOr("lang", "") != "nl" || doc.Find("h1").Text() != page.VerifyText["nl"]["title"] {
			t.Errorf("lang %q title %q", doc.Find("html").AttrOr("lang", ""), doc.Find("h1").Text())
		}
	})
	t.Run("ok/lang-query-wins", func(t *testing.T) {
		_, doc := getPage(t, e.ts, "/verify?lang=en", http.Header{"Accept-Language": {"nl"}})
		if doc.Find("html").AttrOr("lang", "") != "en" {
			t.Error("?lang=en did not win")
		}
	})
	t.Run("ok/pasted-valid-unknown-issuer", func(t *testing.T) {
		_, doc := formPost(t, e.ts, "", map[string]string{"credential": string(c.valid), "lang": "en"}, "", nil, nil)
		verified, verdicts := pageOutcome(t, doc)
		if !verified {
			t.Fatalf("not verified:\n%s", describePage(doc))
		}
		want := map[string]string{"proof": page.VerifyText["en"]["check.proof.pass"], "signer": page.VerifyText["en"]["check.signer.pass"],
			"validity": page.VerifyText["en"]["check.validity.pass"], "status": page.VerifyText["en"]["check.status.pass"], "schema": page.VerifyText["en"]["check.schema.pass"]}
		for id, text := range want {
			if verdicts[id] != "pass" {
				t.Errorf("%s: %q", id, verdicts[id])
			}
			if got := strings.TrimSpace(doc.Find(`li.check[data-check="` + id + `"] .text`).Text()); got != text {
				t.Errorf("%s says %q, want %q", id, got, text)
			}
		}
		if got := strings.TrimSpace(doc.Find("#issuer .unknown").Text()); got != page.VerifyText["en"]["issuer.unknown"] {
			t.Errorf("unknown issuer text %q", got)
		}
		if got := doc.Find("#issuer code.signer").Text(); got != c.vm {
			t.Errorf("signer %q", got)
		}
	})
	t.Run("ok/says-which-badge", func(t *testing.T) {
		// The badge checked: name, description, issuer, dates and whom it
		// was issued to, as the credential states them, in both languages.
		for _, lang := range []string{"en", "nl"} {
			_, doc := formPost(t, e.ts, "?lang="+lang, map[string]string{"credential": string(c.valid)}, "", nil, nil)
			T := page.VerifyText[lang]
			b := doc.Find("#result #badge")
			for sel, want := range map[string]string{
				"#badge-name":        "Data Science Foundations",
				"#badge-issuer":      "Faculty of Science, Example University",
				"#badge-issued":      page.DateText(lang, "2026-06-30T12:00:00Z"),
				"#badge-valid-until": page.DateText(lang, "2031-06-30T12:00:00Z"),
				"#badge-recipient":   T["badge.recipient"] + " " + T["badge.recipientHashed"],
			} {
				if got := strings.Join(strings.Fields(b.Find(sel).Text()), " "); got != want {
					t.Errorf("%s %s: %q, want %q", lang, sel, got, want)
				}
			}
			if !strings.HasPrefix(b.Find("#badge-description").Text(), "Statistics, programming in Python") {
				t.Errorf("%s description %q", lang, b.Find("#badge-description").Text())
			}
			// Its https image is not loaded from elsewhere (the page's
			// policy allows none): a badge is drawn instead.
			if src := b.Find("img").AttrOr("src", ""); !strings.HasPrefix(src, "data:image/svg+xml;base64,") {
				t.Errorf("%s image %.60q; want the drawn badge", lang, src)
			}
		}
		// What a credential that is not valid says is not confirmed.
		_, doc := formPost(t, e.ts, "", map[string]string{"credential": string(c.tampered)}, "", nil, nil)
		if got := doc.Find("#badge-claimed").Text(); got != page.VerifyText["en"]["badge.claimed"] || doc.Find("#badge").AttrOr("data-confirmed", "") != "false" {
			t.Errorf("tampered credential's badge: caption %q", got)
		}
		_, doc = formPost(t, e.ts, "", map[string]string{"credential": string(c.valid)}, "", nil, nil)
		if doc.Find("#badge-claimed").Length() != 0 || doc.Find("#badge").AttrOr("data-confirmed", "") != "true" {
			t.Error("a valid credential's badge is marked unconfirmed")
		}
	})
	t.Run("ok/jwt-known-issuer-nl", func(t *testing.T) {
		_, doc := formPost(t, trusted.ts, "?lang=nl", map[string]string{"credential": trusted.creds.jwt}, "", nil, nil)
		verified, _ := pageOutcome(t, doc)
		known := doc.Find("#issuer .known")
		if !verified || known.AttrOr("data-source", "") != verifier.SourceTrusted || !strings.Contains(known.Text(), "Example University") ||
			!strings.Contains(known.Text(), page.VerifyText["nl"]["issuer.trusted"]) {
			t.Errorf("verified %v, known %q", verified, known.Text())
		}
	})
	t.Run("fail/revoked-in-plain-words", func(t *testing.T) {
		_, doc := formPost(t, e.ts, "?lang=nl", nil, "revoked.json", c.revoked, nil)
		verified, verdicts := pageOutcome(t, doc)
		if verified || verdicts["status"] != "fail" {
			t.Fatalf("verified %v status %q", verified, verdicts["status"])
		}
		if got := strings.TrimSpace(doc.Find(`li.check[data-check="status"] .text`).Text()); got != page.VerifyText["nl"]["check.status.revoked"] {
			t.Errorf("status says %q", got)
		}
	})
	t.Run("fail/tampered-issuer-not-confirmed", func(t *testing.T) {
		_, doc := formPost(t, trusted.ts, "", map[string]string{"credential": string(trusted.creds.tampered)}, "", nil, nil)
		if doc.Find("#issuer .known").Length() != 0 || doc.Find("#issuer .unsigned").Length() != 1 {
			t.Error("a tampered credential's issuer is not reported as unconfirmed")
		}
	})
	for _, tt := range []struct {
		name, identity, verdict string
	}{
		{"ok/identity-matches", "learner@example.EDU", "pass"},
		{"fail/identity-other-person", "someone@example.edu", "fail"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, doc := formPost(t, e.ts, "", map[string]string{"credential": string(c.valid), "identity": tt.identity}, "", nil, nil)
			if got := doc.Find("#identity-result").AttrOr("data-verdict", ""); got != tt.verdict {
				t.Errorf("identity verdict %q, want %q", got, tt.verdict)
			}
			// At a glance: valid, or genuine but someone else's.
			want := "✓ " + page.VerifyText["en"]["result.valid"]
			if tt.verdict == "fail" {
				want = "✗ Genuine, but not issued to " + tt.identity
			}
			if got := strings.TrimSpace(doc.Find("#result > h2.verdict").Text()); got != want {
				t.Errorf("headline %q, want %q", got, want)
			}
			if got := doc.Find("#result").HasClass("not-issued-to"); got != (tt.verdict == "fail") {
				t.Errorf("section marked not-issued-to: %v", got)
			}
		})
	}
	t.Run("ok/shared-link", func(t *testing.T) {
		const link = "https://wallet.example/share/abc"
		e.remote.serve(link, c.valid, nil)
		resp, doc := getPage(t, e.ts, "/verify?url="+url.QueryEscape(link), nil)
		verified, _ := pageOutcome(t, doc)
		if resp.StatusCode != http.StatusOK || !verified {
			t.Errorf("status %d verified %v", resp.StatusCode, verified)
		}
	})
	t.Run("fail/shared-link-internal", func(t *testing.T) {
		resp, doc := getPage(t, e.ts, "/verify?url="+url.QueryEscape("http://169.254.169.254/latest/meta-data/"), nil)
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(doc.Find("#error").Text(), "not allowed") {
			t.Errorf("status %d error %q", resp.StatusCode, doc.Find("#error").Text())
		}
	})
	t.Run("fail/empty", func(t *testing.T) {
		resp, doc := formPost(t, e.ts, "", map[string]string{"credential": "  "}, "", nil, nil)
		if resp.StatusCode != http.StatusBadRequest || doc.Find("#error").Length() != 1 {
			t.Errorf("status %d", resp.StatusCode)
		}
	})
	t.Run("fail/cross-origin-post", func(t *testing.T) {
		resp, _ := post(t, e.ts, "/credentials/verify", map[string]any{"verifiableCredential": string(c.jwt)})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("a server-to-server POST: %d", resp.StatusCode)
		}
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		mw.WriteField("credential", c.jwt)
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/verify", &b)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://evil.example")
		r2, err := e.ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r2.Body.Close()
		if r2.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site form POST: %d, want 403", r2.StatusCode)
		}
	})
	t.Run("ok/stylesheet", func(t *testing.T) {
		resp, err := e.ts.Client().Get(e.ts.URL + "/static/verify.css")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/css; charset=utf-8" {
			t.Errorf("status %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	})
}

// TestVerifierOnlyRoutes: a verifier node serves exactly its routes.
func TestVerifierOnlyRoutes(t *testing.T) {
	e := newVerifyEnv(t, false)
	for path, want := range map[string]int{
		"/healthz": 200, "/verify": 200, "/ns/badged/v1": 200, "/static/verify.css": 200,
		"/api/v1/me": 404, "/oauth/token": 404, "/credentials/issue": 404,
	} {
		resp, err := e.ts.Client().Get(e.ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
	resp, body := post(t, e.ts, "/credentials/issue", map[string]any{"credential": map[string]any{}})
	if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /credentials/issue on a verifier node: %d %s", resp.StatusCode, body)
	}
}
