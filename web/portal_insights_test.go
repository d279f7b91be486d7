package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Who may see the insights (everyone who may read the institution) and
// the audit trail (its admins) in the portal.
var staffReadI = slices.DeleteFunc(slices.Clone(readI), func(c string) bool { return !slices.Contains(staff, c) })

func insightsMatrix() map[string]matrixCase {
	return map[string]matrixCase{
		"GET /portal/insights":     {staffReadI, fixed(func(e *env) string { return "/portal/insights?institution=" + e.I.ID })},
		"GET /portal/insights.csv": {staffReadI, fixed(func(e *env) string { return "/portal/insights.csv?institution=" + e.I.ID })},
		"GET /portal/audit":        {staffAdminI, fixed(func(e *env) string { return "/portal/audit?institution=" + e.I.ID })},
	}
}

// TestPortalInsights: after awards are sent, claimed, approved and
// revoked, the insights page counts them in its totals, its month chart
// (an accessible SVG with the same numbers in a table) and its badge
// class chart, and its CSV has them; a bad month is refused beside its
// field. A group's admin, who may not read the institution, is refused.
func TestPortalInsights(t *testing.T) {
	e := newEnv(t)
	we := e.awarding()
	e.public()
	e.publishB()
	month := e.clock.Now().UTC().Format("2006-01")
	direct := e.directB()
	must(we.is.ClaimAward(t.Context(), matrixLearner, direct.ID, ""))
	e.directB()
	req := e.requestB()
	must(we.is.ApproveRequests(t.Context(), root, req.ID))
	must(we.is.RevokeAward(t.Context(), root, req.ID, "in error"))

	resp, doc := e.browse(instAdmin, "GET", "/portal/insights", nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	for id, want := range map[string]string{"#total-awarded": "3", "#total-claim-rate": "50%", "#total-revoked": "1", "#total-requested": "1"} {
		if got := strings.TrimSpace(doc.Find(id).Text()); got != want {
			t.Errorf("%s = %q, want %q", id, got, want)
		}
	}
	svg := doc.Find("svg#chart-months")
	if svg.AttrOr("role", "") != "img" || svg.Find("title").Length() != 1 || svg.Find("desc").Length() != 1 {
		t.Errorf("the month chart is not an image with a title and a description")
	}
	if v := svg.Find(`g.bar[data-label="`+month[2:]+`"]`).AttrOr("data-value", ""); v != "3" {
		t.Errorf("this month's bar is %q, want 3", v)
	}
	if n := svg.Find("g.bar").Length(); n != 12 {
		t.Errorf("the month chart has %d bars, want the 12 months of the default period", n)
	}
	if v := doc.Find(`svg#chart-classes g.bar`).First().AttrOr("data-value", ""); v != "3" {
		t.Errorf("the badge class chart's bar is %q, want 3", v)
	}
	if doc.Find("#months-table tbody tr").Length() != 12 || doc.Find("#classes-table tbody tr").Length() != 1 {
		t.Errorf("tables: %d months, %d classes", doc.Find("#months-table tbody tr").Length(), doc.Find("#classes-table tbody tr").Length())
	}

	href, _ := doc.Find("#insights-csv").Attr("href")
	resp, body := e.do(instAdmin, "GET", href, nil)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(string(body), "month,level,id,name,sent,claimed") || !strings.Contains(string(body), month+",badgeclass,"+e.B.ID) {
		t.Errorf("CSV: %d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}

	resp, doc = e.browse(instAdmin, "GET", "/portal/insights?"+url.Values{"from": {"May 2026"}, "to": {month}}.Encode(), nil, false)
	wantPage(t, resp, doc, http.StatusUnprocessableEntity)
	if doc.Find("#from-error").Length() != 1 || doc.Find("#from").AttrOr("value", "") != "May 2026" {
		t.Errorf("a bad month: error %q, kept %q", doc.Find("#from-error").Text(), doc.Find("#from").AttrOr("value", ""))
	}
	resp, doc = e.browse(groupAdmin, "GET", "/portal/insights", nil, false)
	wantPage(t, resp, doc, http.StatusForbidden)
}

// TestPortalAudit: the institution admin finds the changes made through
// the portal in the audit trail, newest first with their actor ("you"),
// filters them by action and by day (a bad day refused beside its field);
// the menu offers the trail to admins only, and an
// issuer's awarder is refused it.
func TestPortalAudit(t *testing.T) {
	e, _ := auditEnv(t)
	e.publishB()
	is := must(e.db.Issuer(t.Context(), e.S.ID))
	resp, _ := e.browse(instAdmin, "POST", "/portal/issuers/"+e.S.ID+"/archive", url.Values{"version": {strconv.FormatInt(is.Version, 10)}}, false)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("archive issuer: %d", resp.StatusCode)
	}
	g := must(e.db.Group(t.Context(), e.G.ID))
	resp, _ = e.browse(instAdmin, "POST", "/portal/groups/"+e.G.ID+"/edit", url.Values{"version": {strconv.FormatInt(g.Version, 10)},
		"name.en": {"Science and Engineering"}}, false)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit group: %d", resp.StatusCode)
	}

	resp, doc := e.browse(instAdmin, "GET", "/portal/audit", nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	if doc.Find(`a[data-nav="audit"]`).Length() != 1 {
		t.Error("the admin's menu has no audit trail")
	}
	first := doc.Find("#audit tbody tr").First()
	if !strings.Contains(first.Text(), "Issuer group changed") || !strings.Contains(first.Text(), "you") {
		t.Errorf("newest entry: %q", first.Text())
	}
	resp, doc = e.browse(instAdmin, "GET", "/portal/audit?action=issuer.archive", nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	if n := doc.Find("#audit tbody tr").Length(); n != 1 || !strings.Contains(doc.Find("#audit").Text(), e.S.ID) {
		t.Errorf("filtered by archiving: %d rows %q", n, doc.Find("#audit").Text())
	}
	today := e.clock.Now().UTC().Format("2006-01-02")
	resp, doc = e.browse(instAdmin, "GET", "/portal/audit?since="+today+"&until="+today, nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	if doc.Find("#audit tbody tr").Length() != 2 {
		t.Errorf("today's entries: %d", doc.Find("#audit tbody tr").Length())
	}
	resp, doc = e.browse(instAdmin, "GET", "/portal/audit?since=yesterday", nil, false)
	wantPage(t, resp, doc, http.StatusUnprocessableEntity)
	if doc.Find("#since-error").Length() != 1 || doc.Find("#since").AttrOr("value", "") != "yesterday" {
		t.Errorf("a bad day: %q", doc.Find("#since-error").Text())
	}

	resp, doc = e.browse(issAward, "GET", "/portal", nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	if doc.Find(`a[data-nav="audit"]`).Length() != 0 || doc.Find(`a[data-nav="insights"]`).Length() != 1 {
		t.Error("an issuer's awarder: the menu offers the audit trail, or not the insights")
	}
	resp, doc = e.browse(issAward, "GET", "/portal/audit", nil, false)
	wantPage(t, resp, doc, http.StatusForbidden)
}
