package web

import (
	"bytes"
	"errors"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/badged/badged/web/page"
	"github.com/badged/badged/web/request"
)

// resolvesNoSuchHost reports whether this machine's resolver says that a
// name under .invalid (RFC 6761) does not exist; without a resolver the
// no-such-host cases are skipped.
func resolvesNoSuchHost() bool {
	_, err := net.LookupHost("badged-test.invalid")
	var d *net.DNSError
	return errors.As(err, &d) && d.IsNotFound
}

// TestFetchErrorsInPlainWords: a link /verify cannot fetch, and an address
// the import cannot fetch, are said in plain words in the page's
// language; the English detail (egress's message, not Go's) and the
// request id are under "Technical details", and nothing on the page is Go
// error text. The fetches go through the real egress policy and resolver.
func TestFetchErrorsInPlainWords(t *testing.T) {
	we := newWalletEnv(t).backpack()
	type fetchCase struct {
		name, link, reason string
		status             int
	}
	cases := []fetchCase{
		{"fail/own network", "https://127.0.0.1:6379/x.json", "fetch.not_allowed", http.StatusForbidden},
		{"fail/nothing shared", publicBase + "/s/nope", "fetch.notShared", http.StatusNotFound},
	}
	if resolvesNoSuchHost() {
		cases = append(cases, fetchCase{"fail/no such host", "https://badged-test.invalid/x.json", "fetch.no_such_host", http.StatusBadGateway})
	} else {
		t.Log("no resolver answers no such host here: that case is skipped")
	}
	for _, lang := range []string{"en", "nl"} {
		for _, tc := range cases {
			t.Run("verify/"+lang+"/"+tc.name, func(t *testing.T) {
				resp, doc := getPage(t, we.ts, "/verify?lang="+lang+"&url="+url.QueryEscape(tc.link), nil)
				if resp.StatusCode != tc.status {
					t.Errorf("status %d, want %d", resp.StatusCode, tc.status)
				}
				want := page.VerifyText[lang]["error.fetch"] + " " + page.VerifyText[lang][tc.reason]
				if got := strings.TrimSpace(doc.Find("#error > p").First().Text()); got != want {
					t.Errorf("error %q, want %q", got, want)
				}
				details := doc.Find("#error-details")
				if got := strings.TrimSpace(details.Find("summary").Text()); got != page.VerifyText[lang]["detailsEnglish"] {
					t.Errorf("details summary %q", got)
				}
				if tc.reason != "fetch.notShared" && (!strings.Contains(details.Text(), tc.link+" could not be fetched") || !strings.Contains(details.Text(), "(")) {
					t.Errorf("details %q do not say what happened to %s", details.Text(), tc.link)
				}
				if id := resp.Header.Get(request.IDHeader); id == "" || !strings.Contains(details.Text(), id) {
					t.Errorf("details %q do not quote the request id %q", details.Text(), id)
				}
				noGoErrorText(t, doc)
			})
			t.Run("import/"+lang+"/"+tc.name, func(t *testing.T) {
				resp, doc := we.importPostTo(learner, "/backpack/import?lang="+lang, map[string]string{"url": tc.link})
				if resp.StatusCode < 400 || resp.StatusCode == http.StatusInternalServerError {
					t.Errorf("status %d", resp.StatusCode)
				}
				want := page.BackpackText[lang]["importFetch"] + " " + page.VerifyText[lang][tc.reason]
				if got := strings.TrimSpace(doc.Find("#error").Text()); got != want {
					t.Errorf("error %q, want %q", got, want)
				}
				if got := strings.TrimSpace(doc.Find("#refusal h2").Text()); got != "✗ "+page.BackpackText[lang]["importRefused"] {
					t.Errorf("refusal %q", got)
				}
				if id := resp.Header.Get(request.IDHeader); id == "" || !strings.Contains(doc.Find("#error-details").Text(), id) {
					t.Errorf("details %q do not quote the request id %q", doc.Find("#error-details").Text(), id)
				}
				noGoErrorText(t, doc)
			})
		}
		t.Run("import/"+lang+"/fail/not https", func(t *testing.T) {
			_, doc := we.importPostTo(learner, "/backpack/import?lang="+lang, map[string]string{"url": "http://wallet.example/badge.json"})
			if got := strings.TrimSpace(doc.Find("#error").Text()); got != page.BackpackText[lang]["importNotHTTPS"] {
				t.Errorf("error %q", got)
			}
		})
	}
}

// TestUnreadableJSONInPlainWords: pasted JSON that ends too early is said
// in the page's language on /verify and on the import form, with the
// verifier's words (not the decoder's) under "Technical details".
func TestUnreadableJSONInPlainWords(t *testing.T) {
	we := newWalletEnv(t).backpack()
	const broken = `{"a":1`
	endsEarly := map[string]string{"en": "it ends too early", "nl": "hij houdt te vroeg op"}
	for _, lang := range []string{"en", "nl"} {
		t.Run("verify/"+lang, func(t *testing.T) {
			_, doc := formPost(t, we.ts, "?lang="+lang, map[string]string{"credential": broken}, "", nil, nil)
			check := doc.Find(`li.check[data-check="format"]`)
			if got := strings.TrimSpace(check.Find(".text").Text()); got != page.VerifyText[lang]["check.format.fail"] {
				t.Errorf("format check says %q", got)
			}
			if d := check.Find("details .detail"); !strings.Contains(d.Text(), endsEarly[lang]) || d.AttrOr("lang", "") != lang {
				t.Errorf("detail %q (lang %q)", d.Text(), d.AttrOr("lang", ""))
			}
			noGoErrorText(t, doc)
		})
		t.Run("import/"+lang, func(t *testing.T) {
			resp, doc := we.importPostTo(learner, "/backpack/import?lang="+lang, map[string]string{"credential": broken})
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("status %d", resp.StatusCode)
			}
			if got := strings.TrimSpace(doc.Find("#error").Text()); got != page.BackpackText[lang]["importInvalid"] {
				t.Errorf("error %q", got)
			}
			reason := doc.Find("#refusal li.reason")
			if reason.Length() != 1 || !strings.HasPrefix(strings.TrimSpace(reason.Text()), page.VerifyText[lang]["check.format.fail"]) {
				t.Errorf("reasons %q", reason.Text())
			}
			if d := reason.Find("details .detail").Text(); !strings.Contains(d, endsEarly[lang]) {
				t.Errorf("detail %q", d)
			}
			noGoErrorText(t, doc)
		})
	}
}

// TestUploadTooLargeIsAPage: a form post over the body limit gets, in a
// browser, a page in its language that states the limit and links back
// to the form; the API keeps problem+json; both forms state the limit.
func TestUploadTooLargeIsAPage(t *testing.T) {
	we := newWalletEnv(t).backpack()
	big := bytes.Repeat([]byte("x"), DefaultMaxBodyBytes+1<<19)
	multipartBody := func() (*bytes.Buffer, string) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		fw, _ := mw.CreateFormFile("file", "badge.png")
		fw.Write(big)
		mw.Close()
		return &b, mw.FormDataContentType()
	}
	for _, tc := range []struct {
		name, caller, path, lang, back string
		header                         http.Header
	}{
		{"verify nl by query", anonymous, "/verify?lang=nl", "nl", "/verify?lang=nl", nil},
		{"verify en", anonymous, "/verify", "en", "/verify", nil},
		{"import nl by Accept-Language", learner, "/backpack/import", "nl", "/backpack/import", http.Header{"Accept-Language": {"nl-NL,nl;q=0.9"}}},
	} {
		t.Run("fail/"+tc.name, func(t *testing.T) {
			body, ct := multipartBody()
			req, _ := http.NewRequest(http.MethodPost, we.ts.URL+tc.path, body)
			req.Header.Set("Content-Type", ct)
			for k, v := range tc.header {
				req.Header[k] = v
			}
			resp, doc := we.browseRequest(tc.caller, req, false)
			if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			if got := doc.Find("html").AttrOr("lang", ""); got != tc.lang {
				t.Errorf("page language %q, want %q", got, tc.lang)
			}
			if got := strings.TrimSpace(doc.Find("#message h1").Text()); got != page.BackpackText[tc.lang]["tooLargeTitle"] {
				t.Errorf("heading %q", got)
			}
			if text := doc.Find("#message").Text(); !strings.Contains(text, "1 MiB") {
				t.Errorf("the page does not state the limit: %q", text)
			}
			if href := doc.Find("#try-again").AttrOr("href", ""); href != tc.back {
				t.Errorf("back link %q, want %q", href, tc.back)
			}
		})
	}
	t.Run("fail/chunked verify upload", func(t *testing.T) {
		body, ct := multipartBody()
		req, _ := http.NewRequest(http.MethodPost, we.ts.URL+"/verify?lang=nl", bytes.NewReader(body.Bytes()))
		req.ContentLength = -1
		req.Header.Set("Content-Type", ct)
		resp, doc := we.browseRequest(anonymous, req, false)
		want := strings.Replace(page.VerifyText["nl"]["error.toolarge"], "%s", "1 MiB", 1)
		if resp.StatusCode != http.StatusRequestEntityTooLarge || strings.TrimSpace(doc.Find("#error").Text()) != want {
			t.Errorf("status %d, error %q, want %q", resp.StatusCode, doc.Find("#error").Text(), want)
		}
	})
	t.Run("fail/the API keeps problem+json", func(t *testing.T) {
		resp, body := we.do(learner, "POST", "/api/v1/me/imports", map[string]string{"credential": string(big)})
		if p := problemOf(t, resp, body); p.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("%+v", p)
		}
	})
	for _, tc := range []struct{ path, lang string }{{"/verify?lang=en", "en"}, {"/verify?lang=nl", "nl"}, {"/backpack/import?lang=nl", "nl"}, {"/backpack/import?lang=en", "en"}} {
		t.Run("ok/form states the limit "+tc.path, func(t *testing.T) {
			_, doc := we.browse(learner, "GET", tc.path, nil, false)
			want := strings.Replace(page.VerifyText[tc.lang]["uploadLimit"], "%s", "1 MiB", 1)
			if got := strings.TrimSpace(doc.Find("#file-help").Text()); got != want {
				t.Errorf("file help %q, want %q", got, want)
			}
			if doc.Find("#file").AttrOr("aria-describedby", "") != "file-help" {
				t.Error("the file field does not point at its help")
			}
		})
	}
}
