package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/badged/badged/issuer"
	"github.com/badged/badged/web/page"
	"github.com/badged/badged/web/page/catalogue"
	"github.com/badged/badged/web/request"
)

// catalogueFixture publishes B ("Statistics") and adds to S a published
// microcredential "Data Science" (EQF 6, 5 ECTS, narrative and evidence
// required), a draft badge class, and a published one of an archived
// issuer. It returns the last three.
func (we *walletEnv) catalogueFixture() (ds, draft, archived *issuer.BadgeClass) {
	ctx := context.Background()
	we.publishB()
	create := func(issuerID, name string, publish bool, edit func(*issuer.BadgeClass)) *issuer.BadgeClass {
		bc := badgeClassFixture(issuerID)
		bc.Name = issuer.Text{EN: name, NL: name + " (nl)"}
		b := must(we.is.CreateBadgeClass(ctx, root, bc))
		if publish {
			b.State = issuer.Published
		}
		if edit != nil {
			edit(b)
		}
		must(0, we.db.UpdateBadgeClass(ctx, b))
		return must(we.db.BadgeClass(ctx, b.ID))
	}
	ds = create(we.S.ID, "Data Science", true, func(b *issuer.BadgeClass) {
		eqf, ects := 6, 5.0
		b.EQFLevel, b.ECTSCredits, b.Microcredential = &eqf, &ects, true
		b.NarrativeRequired, b.EvidenceRequired = true, true
		b.Criteria = issuer.Criteria{Narrative: issuer.Text{EN: "Build a model and defend it."}, URL: "https://i.example.edu/criteria/ds"}
		b.LearningOutcome = issuer.Text{EN: "Models data."}
		b.Description = issuer.Text{EN: "Machine learning and data analysis."}
	})
	draft = create(we.S.ID, "Draft Badge", false, nil)
	gone := must(we.is.CreateIssuer(ctx, root, issuer.Issuer{GroupID: we.G.ID, Name: issuer.Text{EN: "Old department"}}))
	archived = create(gone.ID, "Archived Badge", true, nil)
	gone = must(we.db.Issuer(ctx, gone.ID))
	gone.Archived = true
	must(0, we.db.UpdateIssuer(ctx, gone))
	return ds, draft, archived
}

func catalogueIDs(doc *goquery.Document) []string {
	var ids []string
	doc.Find("#catalogue li[data-badgeclass]").Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("data-badgeclass")
		ids = append(ids, id)
	})
	return ids
}

// TestCataloguePages: anyone browses and filters the published badges,
// never drafts nor those of archived issuers, in English and Dutch; a
// badge's page says what it is; a signed-in learner requests it with the
// narrative and evidence it requires, and finds the request in the
// backpack.
func TestCataloguePages(t *testing.T) {
	we := newWalletEnv(t).backpack()
	ctx := context.Background()
	ds, draft, archived := we.catalogueFixture()

	for _, tc := range []struct {
		name, query string
		want        []string
	}{
		{"all", "", []string{ds.ID, we.B.ID}},
		{"text", "q=statist", []string{we.B.ID}},
		{"text of the issuer", "q=department+data", []string{ds.ID}},
		{"eqf", "eqf=6", []string{ds.ID}},
		{"eqf none", "eqf=4", nil},
		{"micro", "micro=1", []string{ds.ID}},
		{"institution", "institution=" + we.I.ID, []string{ds.ID, we.B.ID}},
		{"other institution", "institution=" + we.X.ID, nil},
		{"issuer", "issuer=" + we.S.ID, []string{ds.ID, we.B.ID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			we.t = t
			resp, doc := we.browse(anonymous, "GET", "/catalogue?lang=en&"+tc.query, nil, false)
			wantPage(t, resp, doc, 200)
			if got := catalogueIDs(doc); strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("listed %v, want %v", got, tc.want)
			}
			if len(tc.want) == 0 && doc.Find("#none").Text() != page.BackpackText["en"]["catalogueNoneMatch"] {
				t.Errorf("no 'none match' text: %q", doc.Find("#none").Text())
			}
		})
	}
	we.t = t
	resp, doc := we.browse(anonymous, "GET", "/catalogue?lang=nl", nil, false)
	wantPage(t, resp, doc, 200)
	if doc.Find("h1").Text() != "Badgecatalogus" || doc.Find("html").AttrOr("lang", "") != "nl" ||
		!strings.Contains(doc.Find(`#catalogue li[data-badgeclass="`+ds.ID+`"] h3`).Text(), "Data Science (nl)") {
		t.Errorf("Dutch catalogue: h1 %q, cards %q", doc.Find("h1").Text(), doc.Find("#catalogue").Text())
	}
	if doc.Find(`select[name=institution] option[value="`+we.I.ID+`"]`).Length() != 1 {
		t.Error("no institution filter option")
	}
	// Signed out, the page may be cached a minute and then revalidated
	// by its ETag, as README "Security headers" says: the same ETag
	// answers 304 without a body.
	etag := resp.Header.Get("ETag")
	if cc := resp.Header.Get("Cache-Control"); cc != catalogue.CacheControl || etag == "" {
		t.Errorf("catalogue signed out: Cache-Control %q, ETag %q", cc, etag)
	}
	revalidate, _ := http.NewRequest(http.MethodGet, we.ts.URL+"/catalogue?lang=nl", nil)
	revalidate.Header.Set("If-None-Match", etag)
	resp, doc = we.browseRequest(anonymous, revalidate, false)
	if html, _ := doc.Html(); resp.StatusCode != http.StatusNotModified || strings.Contains(html, "Badgecatalogus") {
		t.Errorf("revalidation with the ETag: %d, %.100s", resp.StatusCode, html)
	}
	// Signed in, it is the learner's page: not stored, no ETag.
	resp, _ = we.browse(learner, "GET", "/catalogue?lang=nl", nil, false)
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" || resp.Header.Get("ETag") != "" {
		t.Errorf("catalogue signed in: Cache-Control %q, ETag %q", cc, resp.Header.Get("ETag"))
	}

	// Drafts and archived issuers' badges have no page.
	for _, id := range []string{draft.ID, archived.ID, "nope"} {
		resp, doc := we.browse(anonymous, "GET", "/catalogue/"+id, nil, false)
		wantPage(t, resp, doc, http.StatusNotFound)
		resp, doc = we.browse(learner, "POST", "/catalogue/"+id+"/request", url.Values{"narrative": {"x"}}, false)
		wantPage(t, resp, doc, http.StatusNotFound)
	}

	// The badge's page, anonymously: what it is, and sign in to request.
	resp, doc = we.browse(anonymous, "GET", "/catalogue/"+ds.ID+"?lang=en", nil, false)
	wantPage(t, resp, doc, 200)
	if doc.Find("h1").Text() != "Data Science" || doc.Find("#eqf").Text() != "6" || doc.Find("#ects").Text() != "5" ||
		doc.Find("#issuer").Text() != "Department" || doc.Find("#institution").Text() != "University" ||
		!strings.Contains(doc.Find("#criteria").Text(), "Build a model") || doc.Find(`#criteria a[href="https://i.example.edu/criteria/ds"]`).Length() != 1 ||
		!strings.Contains(doc.Find("#meaning").Text(), "Models data.") {
		t.Errorf("badge page: %q", doc.Find("main").Text())
	}
	if doc.Find("#request-form").Length() != 0 || doc.Find("#request-login").AttrOr("href", "") != "/login?next="+url.QueryEscape("/catalogue/"+ds.ID) {
		t.Errorf("anonymous request section: %q", doc.Find("#request").Text())
	}

	// Signed in: the form, with what the class requires.
	resp, doc = we.browse(learner, "GET", "/catalogue/"+ds.ID+"?lang=en", nil, false)
	wantPage(t, resp, doc, 200)
	if _, ok := doc.Find("textarea#narrative").Attr("required"); !ok || doc.Find(`label[for=evidence]`).Length() != 1 {
		t.Fatalf("request form: %q", doc.Find("#request").Text())
	}
	if _, ok := doc.Find("textarea#evidence").Attr("required"); !ok {
		t.Error("evidence not marked required")
	}
	_, plain := we.browse(learner, "GET", "/catalogue/"+we.B.ID, nil, false)
	if _, ok := plain.Find("textarea#narrative").Attr("required"); ok {
		t.Error("narrative required for a class that does not require it")
	}

	t.Run("fail/missing narrative", func(t *testing.T) {
		we.t = t
		resp, doc := we.browse(learner, "POST", "/catalogue/"+ds.ID+"/request?lang=en", url.Values{"evidence": {"https://work.example/1"}}, false)
		wantPage(t, resp, doc, http.StatusBadRequest)
		if !strings.Contains(doc.Find("#error").Text(), "narrative") || doc.Find("textarea#evidence").Text() != "https://work.example/1" {
			t.Errorf("error %q, evidence kept %q", doc.Find("#error").Text(), doc.Find("textarea#evidence").Text())
		}
	})
	t.Run("fail/bad evidence", func(t *testing.T) {
		we.t = t
		resp, doc := we.browse(learner, "POST", "/catalogue/"+ds.ID+"/request", url.Values{"narrative": {"I did it"}, "evidence": {"javascript:alert(1)"}}, false)
		wantPage(t, resp, doc, http.StatusBadRequest)
		if !strings.Contains(doc.Find("#error").Text(), "evidence") {
			t.Errorf("error %q", doc.Find("#error").Text())
		}
	})
	t.Run("fail/cross-site", func(t *testing.T) {
		we.t = t
		req, _ := http.NewRequest("POST", we.ts.URL+"/catalogue/"+ds.ID+"/request", strings.NewReader(url.Values{"narrative": {"x"}, "evidence": {"https://w.example/"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: request.SessionCookie, Value: we.cookie[learner]})
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, body := we.send(req)
		wantStatus(t, resp, body, http.StatusForbidden)
	})
	t.Run("fail/anonymous post", func(t *testing.T) {
		we.t = t
		resp, _ := we.browse(anonymous, "POST", "/catalogue/"+ds.ID+"/request", url.Values{"narrative": {"x"}}, false)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
			t.Errorf("anonymous post: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
	we.t = t
	if as, _ := we.is.LearnerAwards(ctx, callerLearner(learner), issuer.AwardFilter{}); len(as.Awards) != 0 {
		t.Fatalf("refused requests stored: %d awards", len(as.Awards))
	}

	// The request, then the backpack lists it.
	resp, doc = we.browse(learner, "POST", "/catalogue/"+ds.ID+"/request?lang=en",
		url.Values{"narrative": {"I built a model."}, "evidence": {"https://work.example/1\r\nhttps://work.example/2\r\n"}}, true)
	wantPage(t, resp, doc, 200)
	if resp.Request.URL.Path != "/backpack" || doc.Find("#notice").Text() != page.BackpackText["en"]["requestDone"] {
		t.Fatalf("after the request: %s, notice %q", resp.Request.URL, doc.Find("#notice").Text())
	}
	req := doc.Find(`#requests li[data-state="requested"]`)
	if req.Length() != 1 || !strings.Contains(req.Text(), "Data Science") {
		t.Fatalf("requests: %q", doc.Find("#requests").Text())
	}
	id, _ := req.Attr("data-request")
	a := must(we.db.Award(ctx, id))
	if a.Kind != issuer.KindRequest || a.BadgeClassID != ds.ID || a.Narrative != "I built a model." || len(a.EvidenceURLs) != 2 ||
		a.Recipient.UserID != "user-"+learner || a.Recipient.HolderDID == "" {
		t.Errorf("stored request %+v", a)
	}
	_, doc = we.browse(learner, "GET", "/catalogue/"+ds.ID, nil, false)
	if doc.Find("#requested").Length() != 1 || doc.Find("#request-form").Length() != 0 {
		t.Errorf("the page does not say it was requested: %q", doc.Find("#request").Text())
	}
	resp, doc = we.browse(learner, "POST", "/catalogue/"+ds.ID+"/request", url.Values{"narrative": {"again"}, "evidence": {"https://work.example/3"}}, false)
	wantPage(t, resp, doc, http.StatusConflict)
	// Another learner's page offers the form still.
	_, doc = we.browse(issAward, "GET", "/catalogue/"+ds.ID, nil, false)
	if doc.Find("#request-form").Length() != 1 {
		t.Error("another person sees my request")
	}
}

func init() {
	matrixPrepare["POST /catalogue/{badgeClassID}/request"] = func(e *env, caller string, req *http.Request) {
		req.Body, req.ContentLength = readCloser(url.Values{"narrative": {"n"}}.Encode())
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
}
