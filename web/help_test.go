package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/badged/badged/web/page/help"
)

// TestHelp: /help, linked from every page's footer, has a guide per role,
// each with its picture (taken by TestPortalWalk), and the questions, in
// Dutch and English, with no word missing.
func TestHelp(t *testing.T) {
	e := newEnv(t)
	e.backpack()
	for _, lang := range []string{"nl", "en"} {
		resp, doc := e.browse(anonymous, "GET", "/help?lang="+lang, nil, false)
		wantPage(t, resp, doc, http.StatusOK)
		for _, id := range []string{"admin", "awarder", "learner", "employer", "faq"} {
			if doc.Find("#"+id+" h2").Length() != 1 {
				t.Errorf("%s: no %s section", lang, id)
			}
		}
		for _, id := range []string{"admin", "awarder", "learner", "employer"} {
			img := doc.Find("#" + id + " figure img")
			src, alt := img.AttrOr("src", ""), img.AttrOr("alt", "")
			resp, body := e.do(anonymous, "GET", src, nil)
			if alt == "" || resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/jpeg" || len(body) < 1000 {
				t.Errorf("%s: the %s guide's picture %q (alt %q): %d %s, %d bytes", lang, id, src, alt, resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
			}
		}
		doc.Find("li, summary, details p").Each(func(_ int, s *goquery.Selection) {
			if strings.TrimSpace(s.Text()) == "" {
				t.Errorf("%s: an empty item: a word is missing", lang)
			}
		})
		if !strings.Contains(doc.Find("h1").Text(), help.Text[lang]["title"]) {
			t.Errorf("%s: title %q", lang, doc.Find("h1").Text())
		}
	}
	resp, doc := e.browse(learner, "GET", "/backpack", nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	if href, _ := doc.Find("#help-link").Attr("href"); href != "/help" {
		t.Errorf("the footer links %q", href)
	}
}
