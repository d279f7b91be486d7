package web

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/badged/badged/web/page"
	"github.com/badged/badged/web/render"
)

// browserAccept is what a browser sends as Accept for a page.
const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

// panicking is a server whose route /panic panics, for the 500 cases.
func panicking(t *testing.T) http.Handler {
	t.Helper()
	s := NewServer("test", slog.New(slog.NewTextHandler(io.Discard, nil)), API{Throttle: Throttle{Verify: -1, Token: -1, Login: -1}})
	r := http.NewServeMux()
	r.Handle("/panic", s.recoverer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("secret detail") })))
	r.Handle("/", s)
	return r
}

// TestErrorPages: a browser gets every error (404, 405, 403, 500) as a
// page in the site's layout, in its language, with a link home; an API
// path and a client that asks for JSON get problem+json.
func TestErrorPages(t *testing.T) {
	h := panicking(t)
	cases := map[string]struct {
		method, path string
		header       map[string]string
		status       int
		heading      string // the page's words for it
	}{
		"fail/404":        {"GET", "/nope", nil, 404, "notFoundTitle"},
		"fail/404-static": {"GET", "/static/nope.css", nil, 404, "notFoundTitle"},
		"fail/405":        {"DELETE", "/verify", nil, 405, "methodNotAllowedTitle"},
		"fail/403":        {"POST", "/verify", map[string]string{"Sec-Fetch-Site": "cross-site", "Content-Type": "application/x-www-form-urlencoded"}, 403, "forbiddenTitle"},
		"fail/500":        {"GET", "/panic", nil, 500, "errorTitle"},
	}
	for name, tc := range cases {
		for _, lang := range []string{"nl", "en"} {
			t.Run(name+"/"+lang, func(t *testing.T) {
				req := httptest.NewRequest(tc.method, tc.path, strings.NewReader("credential=x"))
				req.Header.Set("Accept", browserAccept)
				req.Header.Set("Accept-Language", lang)
				for k, v := range tc.header {
					req.Header.Set(k, v)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != tc.status || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" {
					t.Fatalf("%d %q, want %d and a page:\n%s", rec.Code, rec.Header().Get("Content-Type"), tc.status, rec.Body)
				}
				doc, err := goquery.NewDocumentFromReader(rec.Body)
				if err != nil {
					t.Fatal(err)
				}
				T := page.BackpackText[lang]
				if got := doc.Find("html").AttrOr("lang", ""); got != lang {
					t.Errorf("lang %q", got)
				}
				if doc.Find(`link[href="/static/backpack.css"]`).Length() != 1 || doc.Find("main#main").Length() != 1 {
					t.Error("not in the site's layout")
				}
				msg := doc.Find("#message")
				if msg.AttrOr("data-status", "") != strconv.Itoa(tc.status) {
					t.Errorf("data-status %q", msg.AttrOr("data-status", ""))
				}
				if got := strings.TrimSpace(msg.Find("h1").Text()); got != T[tc.heading] {
					t.Errorf("heading %q, want %q", got, T[tc.heading])
				}
				if msg.Find(`a#home[href="/"]`).Length() != 1 {
					t.Error("no link home")
				}
				if strings.Contains(doc.Text(), "secret detail") {
					t.Error("the panic's detail is shown")
				}
			})
		}
	}
	for name, tc := range map[string]struct {
		method, path, accept string
		status               int
	}{
		"fail/404-json":     {"GET", "/nope", "application/json", 404},
		"fail/404-api-path": {"GET", "/api/v2/nope", browserAccept, 404},
		"fail/405-json":     {"DELETE", "/verify", "application/json", 405},
		"fail/500-json":     {"GET", "/panic", "", 500},
	} {
		t.Run(name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, nil)
			if tc.accept != "" {
				req.Header.Set("Accept", tc.accept)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			var p render.Problem
			if rec.Code != tc.status || rec.Header().Get("Content-Type") != "application/problem+json" || json.Unmarshal(rec.Body.Bytes(), &p) != nil || p.Status != tc.status {
				t.Fatalf("%d %q %s, want a %d problem", rec.Code, rec.Header().Get("Content-Type"), rec.Body, tc.status)
			}
			if strings.Contains(p.Detail, "secret detail") {
				t.Errorf("the panic's detail is sent: %q", p.Detail)
			}
		})
	}
}
