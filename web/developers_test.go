package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/badged/badged/web/openapi"
	"github.com/badged/badged/web/page/developers"
)

// TestDevelopersPage: /developers, linked from every page's footer,
// renders every operation of the OpenAPI document, grouped by tag, with
// its method, path, summary, who may call it, parameters, example and
// responses, under headings in Dutch and English.
func TestDevelopersPage(t *testing.T) {
	e := newEnv(t)
	ref, err := openapi.Parse(openapi.JSON())
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"nl", "en"} {
		resp, doc := e.browse(anonymous, "GET", "/developers?lang="+lang, nil, false)
		wantPage(t, resp, doc, http.StatusOK)
		words := developers.Text[lang]
		if got := doc.Find("h1").Text(); got != words["title"] {
			t.Errorf("%s: h1 %q", lang, got)
		}
		if doc.Find("#authentication h2").Text() != words["authentication"] || doc.Find("#authentication dt").Length() != len(ref.Security) {
			t.Errorf("%s: the authentication section is wrong", lang)
		}
		if href, _ := doc.Find("#openapi-document").Attr("href"); href != openapi.Path {
			t.Errorf("%s: the document is linked as %q", lang, href)
		}
		for _, tag := range ref.Tags {
			sec := doc.Find("section.api-tag").FilterFunction(func(_ int, s *goquery.Selection) bool { return s.Find("h2").Text() == tag.Name })
			if sec.Length() != 1 {
				t.Errorf("%s: tag %q has %d sections", lang, tag.Name, sec.Length())
				continue
			}
			if n := sec.Find("article.api-op").Length(); n != len(tag.Operations) {
				t.Errorf("%s: tag %q shows %d operations, the document has %d", lang, tag.Name, n, len(tag.Operations))
			}
			for _, op := range tag.Operations {
				a := sec.Find("article#" + op.ID)
				if got := a.Find("h3 .method").Text() + " " + a.Find("h3 .path").Text(); got != op.Route() {
					t.Errorf("%s: %s shows as %q", lang, op.Route(), got)
				}
				if a.Find(".summary").Text() != op.Summary || a.Find(".api-responses dt").Length() != len(op.Responses) {
					t.Errorf("%s: %s: summary or responses missing", lang, op.Route())
				}
				if a.Find(".api-params tbody tr").Length() != len(op.Parameters) {
					t.Errorf("%s: %s: %d parameters shown, %d described", lang, op.Route(), a.Find(".api-params tbody tr").Length(), len(op.Parameters))
				}
				if c := a.Find("pre.curl").Text(); !strings.Contains(c, `"$BADGED`+op.Path+`"`) || (op.Method != "GET") != strings.Contains(c, "-X "+op.Method) {
					t.Errorf("%s: %s: the curl example is %q", lang, op.Route(), c)
				}
				public := len(op.Security) == 0
				if strings.Contains(a.Find(".who").Text(), words["public"]) != public {
					t.Errorf("%s: %s: who may call it says %q", lang, op.Route(), a.Find(".who").Text())
				}
			}
		}
		// An example is shown as the document has it: valid JSON here.
		ex := doc.Find("article#createBadgeClass pre.example.request").Text()
		var v map[string]any
		if err := json.Unmarshal([]byte(ex), &v); err != nil || v["name"] == nil {
			t.Errorf("%s: the example of createBadgeClass: %v\n%s", lang, err, ex)
		}
		if got := doc.Find("article#getMe pre.response").Text(); !strings.Contains(got, `"memberships"`) {
			t.Errorf("%s: the answer example of getMe: %q", lang, got)
		}
		if th := doc.Find("article#listInstitutions .api-params th[scope=col]").Length(); th != 4 {
			t.Errorf("%s: the parameters table has %d column headers", lang, th)
		}
	}
	resp, doc := e.browse(anonymous, "GET", "/help", nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	if href, _ := doc.Find("#developers-link").Attr("href"); href != developers.Path {
		t.Errorf("the footer links %q", href)
	}
}
