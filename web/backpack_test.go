package web

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/badged/badged/issuer"
	"github.com/badged/badged/wallet"
	"github.com/badged/badged/web/api"
	"github.com/badged/badged/web/page"
	"github.com/badged/badged/web/request"
)

// backpack wires the backpack and an issuer service that issues on claim
// into e's server.
func (e *env) backpack() *walletEnv {
	we := e.wallet()
	e.set(func(a *API) {
		a.Issuer = we.is
	})
	return we
}

// browse sends a browser's request of caller: Accept HTML, the session
// cookie, same origin; form, when not nil, as a urlencoded body. It
// follows redirects when follow is set.
func (e *env) browse(caller, method, path string, form url.Values, follow bool) (*http.Response, *goquery.Document) {
	e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, e.ts.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return e.browseRequest(caller, req, follow)
}

func (e *env) browseRequest(caller string, req *http.Request, follow bool) (*http.Response, *goquery.Document) {
	e.t.Helper()
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	if req.Method != http.MethodGet {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	if c := e.cookie[caller]; c != "" {
		req.AddCookie(&http.Cookie{Name: request.SessionCookie, Value: c})
	}
	client := *e.ts.Client()
	if !follow {
		client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	resp, err := client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(b))
	if err != nil {
		e.t.Fatal(err)
	}
	return resp, doc
}

func wantPage(t *testing.T, resp *http.Response, doc *goquery.Document, status int) {
	t.Helper()
	if resp.StatusCode != status {
		html, _ := doc.Html()
		t.Fatalf("%s %s: status %d, want %d:\n%s", resp.Request.Method, resp.Request.URL, resp.StatusCode, status, html)
	}
	if status != http.StatusSeeOther && resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("Content-Type %q", resp.Header.Get("Content-Type"))
	}
}

// postRefused posts form as caller to path, as a browser does, and wants
// the form back (422) with a refusal beside field (#f-<field>-error)
// that says why ("" for any); the caller checks what it kept.
func (e *env) postRefused(t *testing.T, caller, path string, form url.Values, field, why string) *goquery.Document {
	t.Helper()
	resp, doc := e.browse(caller, "POST", path, form, false)
	wantPage(t, resp, doc, http.StatusUnprocessableEntity)
	if got := doc.Find("#f-" + field + "-error"); got.Length() != 1 || !strings.Contains(got.Text(), why) {
		t.Errorf("POST %s: refusal beside %s %q, want one saying %q (listed: %q)", path, field, got.Text(), why, doc.Find("#form-errors").Text())
	}
	return doc
}

// postAccepted posts form as caller to path and wants it taken (303),
// returning the answer (its Location says where to).
func (e *env) postAccepted(t *testing.T, caller, path string, form url.Values) *http.Response {
	t.Helper()
	resp, _ := e.browse(caller, "POST", path, form, false)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST %s: %d, want 303", path, resp.StatusCode)
	}
	return resp
}

// sendAward makes a direct award of badge class B to caller's address,
// waiting for their claim.
func (we *walletEnv) sendAward(caller string) *issuer.Award {
	we.t.Helper()
	we.publishB()
	return must(we.is.DirectAward(context.Background(), root, we.B.ID,
		[]issuer.DirectAwardInput{{Recipient: issuer.Recipient{Email: caller + "@example.org"}}}, time.Time{}))[0]
}

func claimForm(accept bool, version string) url.Values {
	f := url.Values{"terms_version": {version}}
	if accept {
		f.Set("terms", "accepted")
	}
	return f
}

// TestBackpackPages: a learner claims a direct award on the page (only
// with the terms ticked), finds it in the list and its filters, opens it,
// shares it, and an anonymous visitor sees the public page with its
// OpenGraph tags and a valid result; private again, the page is 404.
func TestBackpackPages(t *testing.T) {
	we := newWalletEnv(t).backpack()
	ctx := context.Background()

	t.Run("fail/anonymous", func(t *testing.T) {
		we.t = t
		resp, _ := we.browse(anonymous, "GET", "/backpack/x?lang=nl", nil, false)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next="+url.QueryEscape("/backpack/x?lang=nl") {
			t.Errorf("anonymous browser: %d to %q, want 303 to the login page", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, body := we.do(anonymous, "GET", "/backpack", nil)
		wantStatus(t, resp, body, http.StatusUnauthorized)
		problemOf(t, resp, body)
	})
	we.t = t

	a := we.sendAward(learner)
	resp, doc := we.browse(learner, "GET", "/backpack?lang=en", nil, true)
	wantPage(t, resp, doc, 200)
	pending := doc.Find(`#pending article[data-award="` + a.ID + `"]`)
	if pending.Length() != 1 || pending.Find("h3").Text() != "Statistics" {
		t.Fatalf("the pending award is not listed: %q", doc.Find("#pending").Text())
	}
	// The institution has no terms of its own: the fallback text, naming
	// it, without a version.
	if v, ok := pending.Find(`input[name=terms_version]`).Attr("value"); !ok || v != "" || pending.Find("legend .version").Length() != 0 {
		t.Errorf("terms version %q (%v) for an institution without terms", v, ok)
	}
	box := pending.Find(`input[type=checkbox][name=terms]`)
	id, _ := box.Attr("id")
	if box.Length() != 1 || doc.Find(`label[for="`+id+`"]`).Length() != 1 || !strings.Contains(pending.Find(".terms").Text(), "University") {
		t.Error("the terms checkbox has no label, or the terms do not name the institution")
	}

	// With the institution's terms, the page shows them in the learner's
	// language and posts their version.
	in := must(we.is.Institution(ctx, root, a.InstitutionID))
	in.Terms = issuer.Terms{Version: "2026-1", Text: issuer.Text{NL: "Voorwaarden van de instelling.", EN: "The institution's terms.\nSecond line."}}
	must(we.is.UpdateInstitution(ctx, root, *in))
	for lang, text := range map[string]string{"en": "The institution's terms.\nSecond line.", "nl": "Voorwaarden van de instelling."} {
		resp, doc := we.browse(learner, "GET", "/backpack?lang="+lang, nil, true)
		wantPage(t, resp, doc, 200)
		pending := doc.Find(`#pending article[data-award="` + a.ID + `"]`)
		if got := pending.Find(".terms").Text(); got != text {
			t.Errorf("%s terms %q, want %q", lang, got, text)
		}
		if v, _ := pending.Find(`input[name=terms_version]`).Attr("value"); v != "2026-1" || pending.Find("legend .version").Text() != "(v2026-1)" {
			t.Errorf("%s terms version %q", lang, v)
		}
	}
	we.browse(learner, "GET", "/backpack?lang=en", nil, true)

	for _, tc := range []struct {
		name   string
		form   url.Values
		status int
		text   string
	}{
		{"fail/terms not ticked", claimForm(false, "2026-1"), http.StatusBadRequest, page.BackpackText["en"]["termsRequired"]},
		{"fail/old terms", claimForm(true, "2001-1"), http.StatusConflict, page.BackpackText["en"]["termsChanged"]},
		{"fail/fallback terms", claimForm(true, ""), http.StatusConflict, page.BackpackText["en"]["termsChanged"]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			we.t = t
			resp, doc := we.browse(learner, "POST", "/backpack/awards/"+a.ID+"/claim", tc.form, true)
			wantPage(t, resp, doc, tc.status)
			if got := doc.Find("#award-" + a.ID + "-error").Text(); got != tc.text {
				t.Errorf("error at the award %q, want %q", got, tc.text)
			}
			if got := must(we.is.LearnerAward(ctx, issuer.Learner{UserID: "user-" + learner, Emails: []string{learner + "@example.org"}}, a.ID)); got.State != issuer.AwardSent {
				t.Errorf("award %s after a refused claim", got.State)
			}
		})
	}
	we.t = t
	t.Run("fail/cross-site claim", func(t *testing.T) {
		we.t = t
		req, _ := http.NewRequest("POST", we.ts.URL+"/backpack/awards/"+a.ID+"/claim", strings.NewReader(claimForm(true, "2026-1").Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: request.SessionCookie, Value: we.cookie[learner]})
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, body := we.send(req)
		wantStatus(t, resp, body, http.StatusForbidden)
	})
	we.t = t

	// Claim with the terms: the credential's page.
	resp, doc = we.browse(learner, "POST", "/backpack/awards/"+a.ID+"/claim", claimForm(true, "2026-1"), true)
	wantPage(t, resp, doc, 200)
	if resp.Request.URL.Path != "/backpack/"+a.ID || doc.Find("#notice").Text() != page.BackpackText["en"]["claimed"] ||
		doc.Find("h1").Text() != "Statistics" {
		t.Fatalf("after the claim: %s, notice %q, h1 %q", resp.Request.URL, doc.Find("#notice").Text(), doc.Find("h1").Text())
	}
	if got := must(we.db.Award(ctx, a.ID)); got.State != issuer.AwardAccepted || got.TermsVersion != "2026-1" {
		t.Errorf("award %s with terms %q", got.State, got.TermsVersion)
	}
	if v, _ := doc.Find("#verification").Attr("data-verified"); v != "true" {
		t.Errorf("verification on the page: %q", doc.Find("#verification").Text())
	}
	if doc.Find(`#verification li.check[data-check="proof"][data-verdict="pass"]`).Length() != 1 {
		t.Error("no passing proof check on the page")
	}
	if !strings.Contains(doc.Find("#meaning").Text(), "Pass the exam.") || !strings.Contains(doc.Find(".meta .issuer").Text(), "Department") {
		t.Errorf("meaning %q, issuer %q", doc.Find("#meaning").Text(), doc.Find(".meta .issuer").Text())
	}
	for _, f := range []string{"json", "png", "svg"} {
		if doc.Find(`#downloads a[data-format="`+f+`"]`).Length() != 1 {
			t.Errorf("no %s download", f)
		}
	}
	if doc.Find(`#downloads a[data-format="jwt"]`).Length() != 0 {
		t.Error("a JWT download for a JSON-LD credential")
	}

	// The list and its filters.
	for _, tc := range []struct {
		name, query string
		n           int
	}{
		{"ok/all", "", 1}, {"ok/text", "?q=statis", 1}, {"ok/issuer", "?issuer=Department", 1}, {"ok/state", "?state=issued", 1},
		{"ok/no text", "?q=astrophysics", 0}, {"ok/no revoked", "?state=revoked", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			we.t = t
			resp, doc := we.browse(learner, "GET", "/backpack"+tc.query, nil, true)
			wantPage(t, resp, doc, 200)
			if n := doc.Find("li.holding").Length(); n != tc.n {
				t.Errorf("%d cards, want %d", n, tc.n)
			}
			if tc.n == 0 && doc.Find("#none").Length() != 1 {
				t.Error("no message for an empty list")
			}
		})
	}
	we.t = t

	// Reject another award.
	b := we.sendAward(learner)
	resp, doc = we.browse(learner, "POST", "/backpack/awards/"+b.ID+"/reject", url.Values{}, true)
	wantPage(t, resp, doc, 200)
	if got := must(we.db.Award(ctx, b.ID)); got.State != issuer.AwardRejected || doc.Find(`#pending article[data-award="`+b.ID+`"]`).Length() != 0 {
		t.Errorf("rejected award %s still listed", got.State)
	}

	// Share it: the page shows the link, QR code and LinkedIn button.
	hp := "/backpack/" + a.ID
	resp, doc = we.browse(learner, "POST", hp+"/share", url.Values{"public": {"true"}}, true)
	wantPage(t, resp, doc, 200)
	// The notice is asked for in the query, before the fragment, and shows.
	if u := resp.Request.URL; u.RawQuery != "done=public" || u.Fragment != "share" {
		t.Errorf("share redirected to %s, want %s?done=public#share", u, hp)
	}
	if got, want := strings.TrimSpace(doc.Find("#notice").Text()), page.BackpackText["en"]["sharedPublic"]; got != want || want == "" {
		t.Errorf("notice after sharing %q, want %q", got, want)
	}
	if v, _ := doc.Find("#share-state").Attr("data-public"); v != "true" {
		t.Fatalf("share state %q", v)
	}
	shareURL, _ := doc.Find("#share-url").Attr("value")
	sh := must(we.db.Share(ctx, "user-"+learner, a.ID))
	if shareURL != publicBase+"/s/"+sh.ID {
		t.Errorf("share URL %q", shareURL)
	}
	if src, _ := doc.Find("#share-qr").Attr("src"); src != "/api/v1/me/holdings/"+a.ID+"/qr.png" {
		t.Errorf("QR src %q", src)
	}
	if alt, _ := doc.Find("#share-qr").Attr("alt"); alt == "" {
		t.Error("the QR code has no alt text")
	}
	if li, _ := doc.Find("#linkedin").Attr("href"); !strings.HasPrefix(li, "https://www.linkedin.com/profile/add?") || !strings.Contains(li, url.QueryEscape(shareURL)) {
		t.Errorf("LinkedIn link %q", li)
	}

	// An anonymous visitor: the page, with OpenGraph tags and the live
	// result; JSON for a client that does not ask for HTML.
	sp := "/s/" + sh.ID
	resp, doc = we.browse(anonymous, "GET", sp, nil, true)
	wantPage(t, resp, doc, 200)
	meta := func(attr, name string) string {
		v, _ := doc.Find(`meta[` + attr + `="` + name + `"]`).Attr("content")
		return v
	}
	for name, want := range map[string]string{"og:title": "Statistics", "og:url": shareURL, "og:type": "website", "og:image": shareURL + "/image.png"} {
		if got := meta("property", name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if d := meta("property", "og:description"); !strings.Contains(d, "Department") || !strings.Contains(d, page.VerifyText["en"]["result.valid"]) {
		t.Errorf("og:description %q", d)
	}
	if meta("name", "twitter:card") != "summary" || meta("name", "twitter:title") != "Statistics" {
		t.Error("no Twitter card")
	}
	if v, _ := doc.Find("#verification").Attr("data-verified"); v != "true" || doc.Find("h1").Text() != "Statistics" {
		t.Errorf("public page: verified %q, h1 %q", v, doc.Find("h1").Text())
	}
	if doc.Find("nav").Length() != 0 {
		t.Error("the public page shows the backpack's navigation")
	}
	resp, body := we.do(anonymous, "GET", sp, nil)
	wantStatus(t, resp, body, 200)
	if pub := decodeJSON[api.PublicShare](t, body); pub.Verification == nil || !pub.Verification.Verified {
		t.Errorf("JSON of the share: %s", body)
	}
	resp, body = we.do(anonymous, "GET", sp+"/image.png", nil)
	wantStatus(t, resp, body, 200)
	if resp.Header.Get("Content-Type") != "image/png" || !bytes.HasPrefix(body, []byte("\x89PNG")) {
		t.Error("og:image is not a PNG")
	}
	resp, body = we.do(anonymous, "GET", sp+"/credential", nil)
	wantStatus(t, resp, body, 200)
	if res := we.v.Verify(ctx, body); !res.Verified {
		t.Errorf("the public credential does not verify: %+v", res.Failed())
	}

	// Private again: 404 pages, as for a share that never existed.
	resp, doc = we.browse(learner, "POST", hp+"/share", url.Values{"public": {"false"}}, true)
	wantPage(t, resp, doc, 200)
	for _, path := range []string{sp, "/s/no-such-share"} {
		resp, doc = we.browse(anonymous, "GET", path, nil, true)
		wantPage(t, resp, doc, http.StatusNotFound)
		if doc.Find("h1").Text() != page.BackpackText["en"]["notFoundTitle"] || doc.Find(`meta[property="og:title"]`).Length() != 0 {
			t.Errorf("%s private: %q", path, doc.Find("h1").Text())
		}
	}
	for _, path := range []string{sp + "/image.png", sp + "/credential"} {
		resp, body = we.do(anonymous, "GET", path, nil)
		wantStatus(t, resp, body, http.StatusNotFound)
	}

	// Revoked: marked in the list and on the page.
	must(we.is.RevokeAward(ctx, root, a.ID, "awarded in error"))
	resp, doc = we.browse(learner, "GET", "/backpack?state=revoked", nil, true)
	wantPage(t, resp, doc, 200)
	if doc.Find(`li.holding[data-state="revoked"] .state.revoked`).Text() == "" {
		t.Error("the revoked credential is not marked in the list")
	}
	resp, doc = we.browse(learner, "GET", hp, nil, true)
	wantPage(t, resp, doc, 200)
	if doc.Find("#state-text").Text() != page.BackpackText["en"]["stateRevokedText"] {
		t.Errorf("revoked detail: %q", doc.Find("#state-text").Text())
	}

	// Dutch.
	resp, doc = we.browse(learner, "GET", "/backpack?lang=nl", nil, true)
	wantPage(t, resp, doc, 200)
	if l, _ := doc.Find("html").Attr("lang"); l != "nl" || doc.Find("h1").Text() != "Mijn credentials" {
		t.Errorf("Dutch page: lang %q, h1 %q", l, doc.Find("h1").Text())
	}
}

// TestBackpackPresentation: a presentation made on the page shows its
// link and QR code; without a challenge the form says why.
func TestBackpackPresentation(t *testing.T) {
	we := newWalletEnv(t).backpack()
	a := we.claim(learner)
	resp, doc := we.browse(learner, "POST", "/backpack/"+a.ID+"/presentations", url.Values{"challenge": {"c-42"}, "domain": {"verifier.example"}}, true)
	wantPage(t, resp, doc, 200)
	link, _ := doc.Find("#presentation-url").Attr("value")
	if !strings.HasPrefix(link, publicBase+"/p/vp_") {
		t.Errorf("presentation link %q", link)
	}
	if src, _ := doc.Find("#presentation-qr").Attr("src"); !strings.HasPrefix(src, "data:image/png;base64,") {
		t.Errorf("presentation QR %q", src)
	}
	resp, doc = we.browse(learner, "POST", "/backpack/"+a.ID+"/presentations", url.Values{"challenge": {" "}}, true)
	wantPage(t, resp, doc, http.StatusBadRequest)
	if !strings.Contains(doc.Find("#present-error").Text(), "challenge") {
		t.Errorf("no reason: %q", doc.Find("#present-error").Text())
	}
}

// TestBackpackIsolation: another learner's pages and forms answer 404 for
// my credential and my pending award; their list shows nothing of mine.
func TestBackpackIsolation(t *testing.T) {
	we := newWalletEnv(t).backpack()
	ctx := context.Background()
	a := we.claim(learner)
	ol := must(we.w.Learner(ctx, issuer.Learner{UserID: "user-" + learner, Emails: []string{learner + "@example.org"}}))
	must(we.w.SetPublic(ctx, ol, a.ID, true))
	pending := we.sendAward(learner)
	const other = viewer
	for _, tc := range []struct {
		method, path string
		form         url.Values
	}{
		{"GET", "/backpack/" + a.ID, nil},
		{"POST", "/backpack/" + a.ID + "/share", url.Values{"public": {"false"}}},
		{"POST", "/backpack/" + a.ID + "/presentations", url.Values{"challenge": {"c"}}},
		{"POST", "/backpack/awards/" + pending.ID + "/claim", claimForm(true, "")},
		{"POST", "/backpack/awards/" + pending.ID + "/reject", url.Values{}},
	} {
		t.Run("fail/"+tc.method+" "+tc.path, func(t *testing.T) {
			we.t = t
			resp, doc := we.browse(other, tc.method, tc.path, tc.form, true)
			wantPage(t, resp, doc, http.StatusNotFound)
		})
	}
	we.t = t
	resp, doc := we.browse(other, "GET", "/backpack", nil, true)
	wantPage(t, resp, doc, 200)
	if html, _ := doc.Html(); strings.Contains(html, a.ID) || strings.Contains(html, pending.ID) {
		t.Error("another learner's list shows my records")
	}
	if sh := must(we.db.Share(ctx, "user-"+learner, a.ID)); !sh.Public {
		t.Error("another learner made my credential private")
	}
	if got := must(we.db.Award(ctx, pending.ID)); got.State != issuer.AwardSent {
		t.Errorf("my pending award is %s", got.State)
	}
	// A system's token gets no backpack.
	resp, body := we.do(ownSIS, "GET", "/backpack", nil)
	wantStatus(t, resp, body, http.StatusForbidden)
}

// importPost submits the import form as a browser does (multipart).
func (e *env) importPost(caller string, fields map[string]string) (*http.Response, *goquery.Document) {
	e.t.Helper()
	return e.importPostTo(caller, "/backpack/import", fields)
}

// importPostTo posts the import form, as importPost does, to path (with
// a query).
func (e *env) importPostTo(caller, path string, fields map[string]string) (*http.Response, *goquery.Document) {
	e.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", e.ts.URL+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return e.browseRequest(caller, req, true)
}

// TestBackpackImport: a tampered credential is refused with the reason;
// a genuine one of the learner's is imported and shown verified (another's
// is refused: TestImportNotHolder).
func TestBackpackImport(t *testing.T) {
	we := newWalletEnv(t).backpack()
	ctx := context.Background()
	a := we.claim(learner)
	c := must(we.db.CredentialByAward(ctx, a.ID))

	resp, doc := we.browse(learner, "GET", "/backpack/import", nil, true)
	wantPage(t, resp, doc, 200)
	for _, id := range []string{"credential", "file", "url"} {
		if doc.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("field %s has no label", id)
		}
	}
	tampered := bytes.Replace(c.JSON, []byte("Statistics"), []byte("Astrophysics"), 1)
	resp, doc = we.importPost(learner, map[string]string{"credential": string(tampered)})
	wantPage(t, resp, doc, http.StatusBadRequest)
	if reasons := doc.Find("#refusal .reason").Text(); !strings.Contains(reasons, "proof") {
		t.Errorf("refusal reasons %q; want the failing proof check", reasons)
	}
	if got := doc.Find("#credential").Text(); got != string(tampered) {
		t.Error("the pasted credential is not kept on the form")
	}
	resp, doc = we.importPost(learner, map[string]string{})
	wantPage(t, resp, doc, http.StatusBadRequest)

	resp, doc = we.importPost(learner, map[string]string{"credential": string(c.JSON)})
	wantPage(t, resp, doc, 200)
	if !strings.HasPrefix(resp.Request.URL.Path, "/backpack/imp_") || doc.Find("#notice").Text() != page.BackpackText["en"]["importDone"] {
		t.Fatalf("after import: %s, notice %q", resp.Request.URL, doc.Find("#notice").Text())
	}
	if v, _ := doc.Find("#verification").Attr("data-verified"); v != "true" {
		t.Error("the imported credential is not shown verified")
	}
}

// TestBackpackAccount: the account page says what is public and what
// deletion means; deleting needs the confirmation, then ends the session.
func TestBackpackAccount(t *testing.T) {
	we := newWalletEnv(t).backpack()
	ctx := context.Background()
	a := we.claim(learner)
	ol := must(we.w.Learner(ctx, issuer.Learner{UserID: "user-" + learner, Emails: []string{learner + "@example.org"}}))
	sh := must(we.w.SetPublic(ctx, ol, a.ID, true))

	resp, doc := we.browse(learner, "GET", "/backpack/account", nil, true)
	wantPage(t, resp, doc, 200)
	if !strings.Contains(doc.Find("#public").Text(), we.w.ShareURL(sh.ID)) {
		t.Errorf("public list %q", doc.Find("#public").Text())
	}
	first, _, _ := strings.Cut(wallet.DeletionNotice(), "\n\n")
	if doc.Find("#delete .notice-text p").First().Text() != first {
		t.Error("the account page does not show the deletion notice")
	}
	if h, _ := doc.Find("#export-link").Attr("href"); h != "/api/v1/me/export" {
		t.Errorf("export link %q", h)
	}

	resp, doc = we.browse(learner, "GET", "/backpack/account/delete", nil, true)
	wantPage(t, resp, doc, 200)
	if doc.Find(`#delete-form input[type=checkbox][name=confirm]`).Length() != 1 {
		t.Fatal("no confirmation step")
	}
	resp, doc = we.browse(learner, "POST", "/backpack/account/delete", url.Values{}, true)
	wantPage(t, resp, doc, http.StatusBadRequest)
	if _, err := we.w.Holding(ctx, ol, a.ID); err != nil {
		t.Fatalf("deleted without confirmation: %v", err)
	}
	resp, doc = we.browse(learner, "POST", "/backpack/account/delete", url.Values{"confirm": {"yes"}}, true)
	wantPage(t, resp, doc, 200)
	if doc.Find("h1").Text() != page.BackpackText["en"]["deletedTitle"] {
		t.Errorf("after deletion: %q", doc.Find("h1").Text())
	}
	resp, _ = we.browse(learner, "GET", "/backpack", nil, false)
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the session survived the deletion: %d", resp.StatusCode)
	}
	resp, body := we.do(anonymous, "GET", "/s/"+sh.ID, nil)
	wantStatus(t, resp, body, http.StatusNotFound)
}

// ---- the authorization matrix of the learner's pages

// personsButSU are the persons who can be awarded a badge: all but the
// superuser, whose session names no address.
var personsButSU = func() []string {
	var out []string
	for _, p := range persons {
		if p != superuser {
			out = append(out, p)
		}
	}
	return out
}()

// pendingOf sends caller a direct award to claim or reject (a placeholder
// ID for callers without a backpack). Claiming issues, so the server gets
// the issuing issuer service.
func (e *env) pendingOf(caller string) string {
	we := e.backpack()
	switch caller {
	case anonymous, ownSIS, otherSIS, superuser:
		return "awd_x"
	}
	return we.sendAward(caller).ID
}

// ownerShare is the public share path of a staff member's credential,
// whose account no cell deletes.
func (e *env) ownerShare() string {
	id := e.holdingOf(bcAward)
	return "/s/" + must(e.db.Share(context.Background(), "user-"+bcAward, id)).ID
}

// backpackForms are the form bodies the matrix posts to the pages.
var backpackForms = map[string]func(e *env) url.Values{
	"POST /backpack/{holdingID}/share":         func(*env) url.Values { return url.Values{"public": {"true"}} },
	"POST /backpack/{holdingID}/presentations": func(*env) url.Values { return url.Values{"challenge": {"c"}} },
	"POST /backpack/{holdingID}/wallet":        func(*env) url.Values { return url.Values{} },
	"POST /backpack/awards/{awardID}/claim":    func(*env) url.Values { return claimForm(true, "") },
	"POST /backpack/awards/{awardID}/reject":   func(*env) url.Values { return url.Values{} },
	"POST /backpack/account/delete":            func(*env) url.Values { return url.Values{"confirm": {"yes"}} },
	"POST /backpack/import": func(e *env) url.Values {
		c := must(e.db.CredentialByAward(context.Background(), e.holdingOf(matrixCaller)))
		return url.Values{"credential": {string(c.JSON)}}
	},
}

// The matrix sends the forms urlencoded, as a browser does; it asks for
// no HTML, so refusals are problem+json.
func init() {
	for route, form := range backpackForms {
		matrixPrepare[route] = func(e *env, caller string, req *http.Request) {
			req.Body, req.ContentLength = readCloser(form(e).Encode())
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
}

// TestHomePage: the site's root tells a visitor what badged is, in their
// language, with the three ways in, each a page that answers; someone
// signed in goes on to their backpack.
func TestHomePage(t *testing.T) {
	we := newWalletEnv(t).backpack()
	for lang, title := range map[string]string{"en": page.BackpackText["en"]["homeTitle"], "nl": page.BackpackText["nl"]["homeTitle"]} {
		resp, doc := we.browse(anonymous, "GET", "/?lang="+lang, nil, false)
		wantPage(t, resp, doc, http.StatusOK)
		if got := doc.Find("#home h1").Text(); got != title {
			t.Errorf("%s: heading %q, want %q", lang, got, title)
		}
		for _, id := range []string{"#home-login", "#home-catalogue", "#home-verify"} {
			href, ok := doc.Find(id).Attr("href")
			if !ok {
				t.Fatalf("%s: no link %s", lang, id)
			}
			if resp, doc := we.browse(anonymous, "GET", href, nil, true); resp.StatusCode != http.StatusOK {
				wantPage(t, resp, doc, http.StatusOK)
			}
		}
	}
	resp, _ := we.browse(learner, "GET", "/", nil, false)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/backpack" {
		t.Errorf("signed in: %d to %q, want 303 to /backpack", resp.StatusCode, resp.Header.Get("Location"))
	}
}
