package web

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/badged/badged/bulk"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/openid4vci"
	"github.com/badged/badged/web/page/portal"
)

// portalAwardForms are the form bodies the authorization matrix posts to
// the portal's award forms, urlencoded as a browser sends them.
var portalAwardForms = map[string]func(e *env) url.Values{
	"POST /portal/badgeclasses/{badgeClassID}/award": func(e *env) url.Values {
		return url.Values{"id_type": {"email"}, "recipient": {fmt.Sprintf("portal%d@example.org", e.next())}}
	},
	"POST /portal/requests": func(e *env) url.Values {
		return url.Values{"id": {e.requestB().ID}, "action": {"approve"}}
	},
	"POST /portal/awards/{awardID}/revoke":   func(*env) url.Values { return url.Values{"reason": {"Awarded in error"}} },
	"POST /portal/awards/{awardID}/offer":    func(*env) url.Values { return url.Values{} },
	"POST /portal/awards/{awardID}/withdraw": func(*env) url.Values { return url.Values{} },
}

func init() {
	postForms(portalAwardForms)
	matrixPrepare["POST /portal/badgeclasses/{badgeClassID}/award/csv"] = func(e *env, caller string, req *http.Request) {
		body, ct := csvUpload(fmt.Sprintf("email;grade\nportal-csv%d@example.org;8\n", e.next()), nil)
		req.Body, req.ContentLength = readCloser(body)
		req.Header.Set("Content-Type", ct)
	}
}

// csvUpload is the multipart body of the portal's CSV form: the file and
// the other fields.
func csvUpload(file string, fields url.Values) (body, contentType string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("file", "learners.csv")
	fw.Write([]byte(file))
	mw.Close()
	return b.String(), mw.FormDataContentType()
}

// portalAwardEnv is the env with awarding, the backpack and CSV jobs
// wired as serve wires them, and B published; the returned worker runs
// the jobs when a test asks it to.
func portalAwardEnv(t *testing.T) (*env, *bulk.Worker) {
	t.Helper()
	e := newEnv(t)
	we := e.awarding()
	e.set(func(a *API) { a.Bulk = bulk.NewService(e.db, we.is) })
	e.publishB()
	return e, bulk.NewWorker(e.db, we.is)
}

// editB changes badge class B in the store.
func (e *env) editB(edit func(*issuer.BadgeClass)) {
	b := must(e.db.BadgeClass(context.Background(), e.B.ID))
	edit(b)
	must(0, e.db.UpdateBadgeClass(context.Background(), b))
}

// awardsOfB lists every award of B.
func (e *env) awardsOfB() []*issuer.Award {
	return must(e.cfg.Issuer.BadgeClassAwards(context.Background(), root, e.B.ID, issuer.AwardFilter{Limit: 1000})).Awards
}

// wantFieldError checks that a refused form marks the field with its
// message, tied to the input, and kept what was typed.
func wantFieldError(t *testing.T, doc *goquery.Document, field, message, kept string) {
	t.Helper()
	in := doc.Find("#" + field)
	if in.Length() != 1 {
		t.Fatalf("no input #%s", field)
	}
	if v, _ := in.Attr("aria-invalid"); v != "true" {
		t.Errorf("#%s is not marked invalid", field)
	}
	if d, _ := in.Attr("aria-describedby"); !strings.Contains(d, field+"-error") {
		t.Errorf("#%s is not described by its error: %q", field, d)
	}
	if got := doc.Find("#" + field + "-error").Text(); !strings.Contains(got, message) {
		t.Errorf("#%s-error %q, want %q", field, got, message)
	}
	got, _ := in.Attr("value")
	if goquery.NodeName(in) == "textarea" {
		got = in.Text()
	}
	if got != kept {
		t.Errorf("#%s holds %q, want %q kept", field, got, kept)
	}
}

// TestPortalAwardOne: an awarder awards B to one learner through the
// form; bad input comes back with 422, every message beside its field
// and nothing lost; someone who may not award B is refused.
func TestPortalAwardOne(t *testing.T) {
	e, _ := portalAwardEnv(t)
	path := "/portal/badgeclasses/" + e.B.ID + "/award"
	en := portal.Text["en"]

	t.Run("ok/award", func(t *testing.T) {
		e.t = t
		resp, doc := e.browse(issAward, "GET", path, nil, false)
		wantPage(t, resp, doc, http.StatusOK)
		resp, doc = e.browse(issAward, "POST", path, url.Values{"id_type": {"email"}, "recipient": {"Anna@Example.org"},
			"narrative": {"Passed the exam."}, "evidence": {"https://work.example/anna"}, "grade": {"8"}}, true)
		wantPage(t, resp, doc, http.StatusOK)
		if got := doc.Find("#notice").Text(); got != en["awardDoneAwarded"] {
			t.Errorf("notice %q", got)
		}
		row := doc.Find("#awards tr[data-state=sent]")
		if row.Length() != 1 || !strings.Contains(row.Text(), "anna@example.org") {
			t.Fatalf("the list does not show the award: %q", doc.Find("#awards").Text())
		}
		a := e.awardsOfB()[0]
		if a.Narrative != "Passed the exam." || a.Grade != "8" || len(a.EvidenceURLs) != 1 || a.AwardedBy != "user-"+issAward {
			t.Errorf("award %+v", a)
		}
	})

	t.Run("ok/scheduled", func(t *testing.T) {
		e.t = t
		when := e.clock.Now().Add(48 * time.Hour).UTC().Format("2006-01-02T15:04")
		resp, doc := e.browse(issAward, "POST", path, url.Values{"id_type": {"eppn"}, "recipient": {"bob@i.example.edu"}, "scheduled_at": {when}}, true)
		wantPage(t, resp, doc, http.StatusOK)
		if doc.Find("#awards tr[data-state=scheduled]").Length() != 1 {
			t.Errorf("no scheduled award listed: %q", doc.Find("#awards").Text())
		}
	})

	t.Run("ok/scheduled in the browser's time zone", func(t *testing.T) {
		e.t = t
		// award.js gives the offset: 10:00 at UTC+01:00 is 09:00 UTC.
		day := e.clock.Now().AddDate(0, 0, 3).UTC().Format("2006-01-02")
		resp, doc := e.browse(issAward, "POST", path, url.Values{"id_type": {"email"}, "recipient": {"zoe@example.org"},
			"scheduled_at": {day + "T10:00"}, "tz_offset": {"60"}}, true)
		wantPage(t, resp, doc, http.StatusOK)
		for _, a := range e.awardsOfB() {
			if a.Recipient.Email == "zoe@example.org" {
				if got := a.ScheduledFor.UTC().Format("2006-01-02T15:04"); got != day+"T09:00" {
					t.Errorf("scheduled for %s UTC, want %sT09:00", got, day)
				}
				return
			}
		}
		t.Error("no award for zoe")
	})

	for name, tc := range map[string]struct {
		edit         func(*issuer.BadgeClass)
		form         url.Values
		field, msg   string
		kept         string
		keptOther    string // the narrative, kept too
		wantNoAwards bool
	}{
		"fail/bad email": {form: url.Values{"id_type": {"email"}, "recipient": {"not-an-email"}, "narrative": {"Kept"}},
			field: "recipient", msg: "Not a valid email address", kept: "not-an-email", keptOther: "Kept"},
		"fail/no recipient": {form: url.Values{"id_type": {"email"}, "recipient": {""}, "narrative": {"Kept"}},
			field: "recipient", msg: en["awardRecipientMissing"], keptOther: "Kept"},
		"fail/bad eppn": {form: url.Values{"id_type": {"eppn"}, "recipient": {"bob"}, "narrative": {"Kept"}},
			field: "recipient", msg: en["awardEPPNInvalid"], kept: "bob", keptOther: "Kept"},
		"fail/missing required evidence": {edit: func(b *issuer.BadgeClass) { b.EvidenceRequired = true },
			form:  url.Values{"id_type": {"email"}, "recipient": {"carl@example.org"}, "narrative": {"Kept"}},
			field: "evidence", msg: en["awardRequiredForBadge"], keptOther: "Kept"},
		"fail/evidence not a URL": {form: url.Values{"id_type": {"email"}, "recipient": {"carl@example.org"}, "narrative": {"Kept"}, "evidence": {"my work"}},
			field: "evidence", msg: "absolute http or https URL", kept: "my work", keptOther: "Kept"},
		"fail/missing required grade": {edit: func(b *issuer.BadgeClass) { b.GradeAchievedRequired = true },
			form:  url.Values{"id_type": {"email"}, "recipient": {"carl@example.org"}, "narrative": {"Kept"}},
			field: "grade", msg: en["awardRequiredForBadge"], keptOther: "Kept"},
		"fail/schedule in the past": {form: url.Values{"id_type": {"email"}, "recipient": {"carl@example.org"}, "narrative": {"Kept"}, "scheduled_at": {"2020-01-01T10:00"}},
			field: "scheduled_at", msg: en["awardSchedulePast"], kept: "2020-01-01T10:00", keptOther: "Kept"},
	} {
		t.Run(name, func(t *testing.T) {
			e.t = t
			if tc.edit != nil {
				e.editB(tc.edit)
				defer e.editB(func(b *issuer.BadgeClass) {
					b.EvidenceRequired, b.GradeAchievedRequired, b.NarrativeRequired = false, false, false
				})
			}
			before := len(e.awardsOfB())
			resp, doc := e.browse(issAward, "POST", path, tc.form, false)
			wantPage(t, resp, doc, http.StatusUnprocessableEntity)
			wantFieldError(t, doc, tc.field, tc.msg, tc.kept)
			if got := doc.Find("#narrative").Text(); got != tc.keptOther {
				t.Errorf("narrative %q not kept", got)
			}
			if doc.Find("#error").Length() != 1 {
				t.Error("no summary of the refusal")
			}
			if n := len(e.awardsOfB()); n != before {
				t.Errorf("%d awards after a refused form, want %d", n, before)
			}
		})
	}

	t.Run("fail/may not award", func(t *testing.T) {
		e.t = t
		for _, caller := range []string{viewer, otherAdmin} {
			for _, method := range []string{"GET", "POST"} {
				resp, doc := e.browse(caller, method, path, url.Values{"recipient": {"dora@example.org"}}, false)
				wantPage(t, resp, doc, http.StatusForbidden)
			}
		}
		resp, doc := e.browse(learner, "GET", path, nil, false)
		wantPage(t, resp, doc, http.StatusForbidden)
	})

	t.Run("ok/choose lists only what the person may award", func(t *testing.T) {
		e.t = t
		_, doc := e.browse(bcAward, "GET", "/portal/award", nil, false)
		if doc.Find(`li[data-badgeclass="`+e.B.ID+`"] a#award-`+e.B.ID).Length() != 1 {
			t.Errorf("the awarder is not offered B: %q", doc.Find("main").Text())
		}
		_, doc = e.browse(viewer, "GET", "/portal/award", nil, false)
		if doc.Find("li[data-badgeclass]").Length() != 0 || doc.Find("#award-none").Length() != 1 {
			t.Errorf("the viewer is offered badge classes to award")
		}
	})
}

// TestPortalAwardCSV: a CSV with problems comes back with the report of
// each row and awards nobody; a clean one becomes a job whose page shows
// its progress and, once done, each row's award.
func TestPortalAwardCSV(t *testing.T) {
	e, worker := portalAwardEnv(t)
	path := "/portal/badgeclasses/" + e.B.ID + "/award/csv"
	upload := func(caller, file string, fields url.Values) (*http.Response, *goquery.Document) {
		body, ct := csvUpload(file, fields)
		req, _ := http.NewRequest("POST", e.ts.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
		return e.browseRequest(caller, req, false)
	}

	t.Run("ok/form with template", func(t *testing.T) {
		e.t = t
		resp, doc := e.browse(issAward, "GET", path, nil, false)
		wantPage(t, resp, doc, http.StatusOK)
		href, _ := doc.Find("#csv-template").Attr("href")
		resp, body := e.do(issAward, "GET", href, nil)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
			string(body) != "email;eppn;narrative;evidence;grade\n" {
			t.Errorf("template: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	})

	for name, tc := range map[string]struct {
		file string
		rows []string // the rows the report names
	}{
		"fail/malformed rows":  {file: "email;grade\nok@example.org;7\nnot-an-email;8\n;9\nok@example.org;6\n", rows: []string{"3", "4", "5"}},
		"fail/wrong delimiter": {file: "email;evidence\nanna@example.org,https://x.example\n", rows: nil},
		"fail/unknown column":  {file: "mail;score\nanna@example.org;8\n", rows: []string{"1"}},
		"fail/empty":           {file: "", rows: []string{"0"}},
	} {
		t.Run(name, func(t *testing.T) {
			e.t = t
			resp, doc := upload(issAward, tc.file, url.Values{"scheduled_at": {""}})
			wantPage(t, resp, doc, http.StatusUnprocessableEntity)
			if doc.Find("#csv-report tr.problem").Length() == 0 {
				t.Fatalf("no report: %q", doc.Find("main").Text())
			}
			for _, n := range tc.rows {
				if doc.Find(`#csv-report tr[data-row="`+n+`"]`).Length() == 0 {
					t.Errorf("the report does not name row %s: %q", n, doc.Find("#csv-report").Text())
				}
			}
			if got := doc.Find("#file-error").Text(); got != portal.Text["en"]["awardCSVRejected"] {
				t.Errorf("#file-error %q", got)
			}
			if n := len(e.awardsOfB()); n != 0 {
				t.Errorf("%d awards from a refused file", n)
			}
		})
	}

	t.Run("fail/no file", func(t *testing.T) {
		e.t = t
		when := e.clock.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04")
		body := url.Values{"scheduled_at": {when}}
		req, _ := http.NewRequest("POST", e.ts.URL+path, strings.NewReader(body.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, doc := e.browseRequest(issAward, req, false)
		wantPage(t, resp, doc, http.StatusUnprocessableEntity)
		if doc.Find("#file-error").Length() != 1 {
			t.Error("no message beside the file input")
		}
	})

	t.Run("fail/too many rows", func(t *testing.T) {
		e.t = t
		// Over the site's body limit, under the file limit: the file
		// reaches bulk.Parse, which refuses its rows.
		var file strings.Builder
		file.WriteString("email;narrative\n")
		for i := range issuer.MaxDirectAwards + 1 {
			fmt.Fprintf(&file, "learner%d@example.org;%s\n", i, strings.Repeat("x", 100))
		}
		if file.Len() <= DefaultMaxBodyBytes {
			t.Fatalf("the file is only %d bytes", file.Len())
		}
		resp, doc := upload(issAward, file.String(), nil)
		wantPage(t, resp, doc, http.StatusUnprocessableEntity)
		if got := doc.Find("#file-error").Text(); !strings.Contains(got, "more than 10000 rows") {
			t.Errorf("#file-error %q", got)
		}
	})

	t.Run("fail/may not award", func(t *testing.T) {
		e.t = t
		resp, doc := upload(viewer, "email\nx@example.org\n", nil)
		wantPage(t, resp, doc, http.StatusForbidden)
	})

	t.Run("ok/job", func(t *testing.T) {
		e.t = t
		resp, doc := upload(issAward, "email;narrative\nanna@example.org;Great\nbob@example.org;Good\n", nil)
		wantPage(t, resp, doc, http.StatusSeeOther)
		job := resp.Header.Get("Location")
		resp, doc = e.browse(issAward, "GET", job, nil, false)
		wantPage(t, resp, doc, http.StatusOK)
		if v, _ := doc.Find("#job-progress").Attr("value"); v != "0" {
			t.Errorf("progress %q before the worker ran", v)
		}
		if !strings.Contains(doc.Find("head noscript").Text(), `http-equiv="refresh"`) {
			t.Error("a running job's page does not refresh itself without script")
		}
		resp, body := e.browseJSON(issAward, job+"/progress")
		wantStatus(t, resp, body, http.StatusOK)
		if p := decodeJSON[progressJSON](t, body); p.Total != 2 || p.Done != 0 || p.Final {
			t.Errorf("progress: %s", body)
		}
		if worked, err := worker.RunOnce(context.Background()); !worked || err != nil {
			t.Fatalf("worker: %v %v", worked, err)
		}
		_, doc = e.browse(issAward, "GET", job, nil, false)
		if v, _ := doc.Find("#job-progress").Attr("value"); v != "2" {
			t.Errorf("progress %q after the job", v)
		}
		if doc.Find("head noscript").Length() != 0 {
			t.Error("a finished job's page still refreshes")
		}
		rows := doc.Find("#job-rows tr[data-row]")
		if rows.Length() != 2 || !strings.Contains(rows.First().Text(), "anna@example.org") || rows.First().AttrOr("data-row", "") != "2" {
			t.Errorf("rows %q", doc.Find("#job-rows").Text())
		}
		_, body = e.browseJSON(issAward, job+"/progress")
		if p := decodeJSON[progressJSON](t, body); p.Total != 2 || p.Done != 2 || !p.Final || p.State != "done" {
			t.Errorf("progress after: %s", body)
		}
	})
}

// progressJSON is a job's progress as award.js reads it.
type progressJSON struct {
	State       string
	Done, Total int
	Final       bool
}

// browseJSON is what award.js sends: a same-origin fetch with the session
// cookie, asking for JSON.
func (e *env) browseJSON(caller, path string) (*http.Response, []byte) {
	e.t.Helper()
	req := e.request(caller, "GET", path, nil)
	req.Header.Set("Accept", "application/json")
	return e.send(req)
}

// TestPortalRequests: the queue lists B's open requests to whoever may
// award B; approving and denying several at once; denying needs a
// reason, and a refused form keeps the selection.
func TestPortalRequests(t *testing.T) {
	e, _ := portalAwardEnv(t)
	en := portal.Text["en"]
	r1, r2, r3 := e.requestB(), e.requestB(), e.requestB()

	_, doc := e.browse(bcAward, "GET", "/portal/requests?badgeclass="+e.B.ID, nil, false)
	if n := doc.Find("#requests li[data-request]").Length(); n != 3 {
		t.Fatalf("%d requests listed, want 3", n)
	}
	resp, doc := e.browse(viewer, "GET", "/portal/requests?badgeclass="+e.B.ID, nil, false)
	wantPage(t, resp, doc, http.StatusForbidden)
	_, doc = e.browse(viewer, "GET", "/portal/requests", nil, false)
	if doc.Find("#requests-none").Length() != 1 {
		t.Error("a viewer sees requests to decide")
	}

	t.Run("fail/deny without reason", func(t *testing.T) {
		e.t = t
		resp, doc := e.browse(bcAward, "POST", "/portal/requests", url.Values{"id": {r1.ID, r2.ID}, "action": {"deny"}}, false)
		wantPage(t, resp, doc, http.StatusUnprocessableEntity)
		wantFieldError(t, doc, "reason", en["awardDenyReasonMissing"], "")
		for _, id := range []string{r1.ID, r2.ID} {
			if _, ok := doc.Find("#req-" + id).Attr("checked"); !ok {
				t.Errorf("selection of %s lost", id)
			}
		}
	})
	t.Run("fail/nothing selected", func(t *testing.T) {
		e.t = t
		resp, doc := e.browse(bcAward, "POST", "/portal/requests", url.Values{"action": {"approve"}}, false)
		wantPage(t, resp, doc, http.StatusUnprocessableEntity)
		if doc.Find("#id-error").Text() != en["awardRequestsNoneSelected"] {
			t.Errorf("#id-error %q", doc.Find("#id-error").Text())
		}
	})
	t.Run("fail/not theirs", func(t *testing.T) {
		e.t = t
		resp, doc := e.browse(otherAdmin, "POST", "/portal/requests", url.Values{"id": {r1.ID}, "action": {"approve"}}, false)
		wantPage(t, resp, doc, http.StatusForbidden)
	})
	t.Run("ok/deny two", func(t *testing.T) {
		e.t = t
		resp, doc := e.browse(bcAward, "POST", "/portal/requests", url.Values{"id": {r1.ID, r2.ID}, "action": {"deny"},
			"reason": {"No evidence given"}}, true)
		wantPage(t, resp, doc, http.StatusOK)
		if got := doc.Find("#notice").Text(); !strings.Contains(got, "Denied: 2.") {
			t.Errorf("notice %q", got)
		}
		for _, id := range []string{r1.ID, r2.ID} {
			a := must(e.db.Award(context.Background(), id))
			if a.State != issuer.AwardDenied || a.DenyReason != "No evidence given" {
				t.Errorf("%s: %s %q", id, a.State, a.DenyReason)
			}
		}
	})
	t.Run("ok/approve", func(t *testing.T) {
		e.t = t
		resp, doc := e.browse(bcAward, "POST", "/portal/requests", url.Values{"id": {r3.ID}, "action": {"approve"}, "badgeclass": {e.B.ID}}, true)
		wantPage(t, resp, doc, http.StatusOK)
		if got := doc.Find("#notice").Text(); !strings.Contains(got, "Approved: 1.") {
			t.Errorf("notice %q", got)
		}
		if doc.Find("#requests-none").Length() != 1 {
			t.Error("the queue still lists requests")
		}
		if a := must(e.db.Award(context.Background(), r3.ID)); a.State != issuer.AwardAccepted || a.CredentialID == "" {
			t.Errorf("approved: %s %q", a.State, a.CredentialID)
		}
	})
	t.Run("fail/already decided", func(t *testing.T) {
		e.t = t
		resp, doc := e.browse(bcAward, "POST", "/portal/requests", url.Values{"id": {r3.ID}, "action": {"approve"}}, false)
		wantPage(t, resp, doc, http.StatusConflict)
		if doc.Find("#error").Length() != 1 {
			t.Error("no message")
		}
	})
}

// TestPortalAwardsAndRevoke: the awarded list filters by state, badge
// class and date, and pages; revoking needs a reason and says what the
// learner will see, which the award's page then shows.
func TestPortalAwardsAndRevoke(t *testing.T) {
	e, _ := portalAwardEnv(t)
	en := portal.Text["en"]
	accepted := e.acceptedB()
	for range awardsPerPageForTest {
		e.directB()
	}
	list := func(caller, query string) *goquery.Document {
		t.Helper()
		resp, doc := e.browse(caller, "GET", "/portal/awards?"+query, nil, false)
		wantPage(t, resp, doc, http.StatusOK)
		return doc
	}

	doc := list(issAward, "state=accepted")
	if n := doc.Find("#awards tr[data-award]").Length(); n != 1 || doc.Find(`tr[data-award="`+accepted.ID+`"] a.award-revoke`).Length() != 1 {
		t.Errorf("state filter: %d rows, %q", n, doc.Find("#awards").Text())
	}
	doc = list(viewer, "state=accepted")
	if doc.Find("a.award-revoke").Length() != 0 {
		t.Error("a viewer is offered revocation")
	}
	// Paging: 26 awards, 25 a page.
	doc = list(issAward, "badgeclass="+e.B.ID)
	next, ok := doc.Find("#page-next").Attr("href")
	if n := doc.Find("#awards tr[data-award]").Length(); n != 25 || !ok {
		t.Fatalf("first page: %d rows, next %v", n, ok)
	}
	doc = list(issAward, strings.TrimPrefix(next, "/portal/awards?"))
	if n := doc.Find("#awards tr[data-award]").Length(); n != 1 || doc.Find("#page-next").Length() != 0 || doc.Find("#page-first").Length() != 1 {
		t.Errorf("second page: %d rows", n)
	}
	today := e.clock.Now().UTC().Format("2006-01-02")
	if n := list(issAward, "from="+today+"&to="+today).Find("#awards tr[data-award]").Length(); n != 25 {
		t.Errorf("today: %d rows", n)
	}
	tomorrow := e.clock.Now().UTC().AddDate(0, 0, 1).Format("2006-01-02")
	if list(issAward, "from="+tomorrow).Find("#awards-none").Length() != 1 {
		t.Error("awards listed from tomorrow")
	}
	resp, doc := e.browse(issAward, "GET", "/portal/awards?from=yesterday&state=bogus", nil, false)
	wantPage(t, resp, doc, http.StatusUnprocessableEntity)
	wantFieldError(t, doc, "from", en["awardFilterDateInvalid"], "yesterday")
	if doc.Find("#state-error").Length() != 1 {
		t.Error("no message beside the state")
	}
	resp, doc = e.browse(otherAdmin, "GET", "/portal/awards?badgeclass="+e.B.ID, nil, false)
	wantPage(t, resp, doc, http.StatusForbidden)

	revoke := "/portal/awards/" + accepted.ID + "/revoke"
	t.Run("fail/revoke without reason", func(t *testing.T) {
		e.t = t
		resp, doc := e.browse(issAward, "GET", revoke, nil, false)
		wantPage(t, resp, doc, http.StatusOK)
		if doc.Find("#learner-preview [data-state=revoked]").Length() != 1 {
			t.Error("the confirmation does not show what the learner will see")
		}
		resp, doc = e.browse(issAward, "POST", revoke, url.Values{"reason": {"  "}}, false)
		wantPage(t, resp, doc, http.StatusUnprocessableEntity)
		wantFieldError(t, doc, "reason", en["awardRequired"], "")
		if a := must(e.db.Award(context.Background(), accepted.ID)); a.State != issuer.AwardAccepted {
			t.Errorf("revoked without a reason: %s", a.State)
		}
	})
	t.Run("fail/may not revoke", func(t *testing.T) {
		e.t = t
		for _, caller := range []string{viewer, otherAdmin} {
			resp, doc := e.browse(caller, "POST", revoke, url.Values{"reason": {"x"}}, false)
			wantPage(t, resp, doc, http.StatusForbidden)
		}
	})
	t.Run("ok/revoke", func(t *testing.T) {
		e.t = t
		resp, doc := e.browse(issAward, "POST", revoke, url.Values{"reason": {"Awarded in error"}}, true)
		wantPage(t, resp, doc, http.StatusOK)
		if doc.Find("#notice").Text() != en["awardDoneRevoked"] || doc.Find("#award-state").AttrOr("data-state", "") != "revoked" {
			t.Errorf("after revoking: %q", doc.Find("main").Text())
		}
		if got := doc.Find("#learner-reason").Text(); got != "Awarded in error" {
			t.Errorf("the learner's view shows reason %q", got)
		}
		if doc.Find(`#learner-view[data-where=credentials]`).Length() != 1 {
			t.Error("the learner's view is not the credential")
		}
		// Again: it is no longer issued.
		resp, doc = e.browse(issAward, "POST", revoke, url.Values{"reason": {"again"}}, false)
		wantPage(t, resp, doc, http.StatusConflict)
	})
}

// TestPortalWithdraw: an unclaimed direct award can be withdrawn from its
// page by whoever may award its badge class; then the learner sees
// nothing of it.
func TestPortalWithdraw(t *testing.T) {
	e, _ := portalAwardEnv(t)
	a := e.directB()
	path := "/portal/awards/" + a.ID
	_, doc := e.browse(viewer, "GET", path, nil, false)
	if doc.Find("#withdraw-form").Length() != 0 {
		t.Error("a viewer is offered to withdraw")
	}
	resp, doc := e.browse(viewer, "POST", path+"/withdraw", url.Values{}, false)
	wantPage(t, resp, doc, http.StatusForbidden)
	_, doc = e.browse(bcAward, "GET", path, nil, false)
	if doc.Find("#withdraw-form").Length() != 1 {
		t.Fatal("no withdraw form for the awarder")
	}
	resp, doc = e.browse(bcAward, "POST", path+"/withdraw", url.Values{}, true)
	wantPage(t, resp, doc, http.StatusOK)
	if doc.Find("#award-state").AttrOr("data-state", "") != "deleted" || doc.Find("#learner-view[data-where=none]").Length() != 1 ||
		doc.Find("#withdraw-form").Length() != 0 {
		t.Errorf("after withdrawing: %q", doc.Find("main").Text())
	}
	resp, doc = e.browse(bcAward, "POST", path+"/withdraw", url.Values{}, false)
	wantPage(t, resp, doc, http.StatusConflict)
}

// awardsPerPageForTest is one more than a page of the awarded list.
const awardsPerPageForTest = 25

// TestPortalAwardWords: every word the award pages say is in every
// language: the ids their templates and handlers name, and those made
// from a state or kind.
func TestPortalAwardWords(t *testing.T) {
	files, _ := filepath.Glob("page/portal/templates/award_*.html")
	code, _ := filepath.Glob("page/portal/award*.go")
	ids := map[string]bool{}
	used := regexp.MustCompile(`\.T\.([A-Za-z_]+)|\bt\["([A-Za-z_]+)"\]|\.T\["([A-Za-z_]+)"\]|"(award[A-Z][A-Za-z]+)"`)
	for _, f := range append(files, code...) {
		b := must(os.ReadFile(f))
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			ids[m[1]+m[2]+m[3]+m[4]] = true
		}
	}
	if len(files) < 8 || len(ids) < 100 {
		t.Fatalf("read %d templates and %d ids: not the award pages", len(files), len(ids))
	}
	delete(ids, "awardPages") // names in code, not words
	delete(ids, "awardID")
	for _, s := range issuer.AwardStates {
		ids["awardState_"+string(s)] = true
	}
	for _, s := range []bulk.State{bulk.Validating, bulk.Rejected, bulk.Queued, bulk.Running, bulk.Done, bulk.Failed} {
		ids["awardJob_"+string(s)] = true
	}
	for _, k := range []issuer.AwardKind{issuer.KindDirect, issuer.KindRequest} {
		ids["awardKind_"+string(k)] = true
	}
	for _, s := range []issuer.AwardState{issuer.AwardRejected, issuer.AwardExpired, issuer.AwardDeleted} {
		ids["awardLearnerGone_"+string(s)] = true
	}
	for _, lang := range []string{"en", "nl"} {
		for id := range ids {
			if strings.TrimSpace(portal.Text[lang][id]) == "" {
				t.Errorf("%s: no words for %q", lang, id)
			}
		}
	}
}

// TestPortalAwardOffer: on an issued award's page, staff who may award it
// offer the credential to the learner's wallet and see the QR code, link
// and transaction code; a viewer is not offered it, and an award without
// a credential is refused.
func TestPortalAwardOffer(t *testing.T) {
	e, _ := portalAwardEnv(t)
	e.enableIssuance()
	e.wallet()
	accepted := e.acceptedB()
	resp, doc := e.browse(issAward, "GET", "/portal/awards/"+accepted.ID, nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	if doc.Find("#offer-form").Length() != 1 {
		t.Fatal("no offer form on an issued award's page")
	}
	resp, doc = e.browse(issAward, "POST", "/portal/awards/"+accepted.ID+"/offer", url.Values{}, false)
	wantPage(t, resp, doc, http.StatusOK)
	link, _ := doc.Find("#wallet-link").Attr("href")
	if !strings.HasPrefix(link, "openid-credential-offer://") || len(strings.TrimSpace(doc.Find("#wallet-tx-code").Text())) != openid4vci.TxCodeLength ||
		!strings.Contains(resp.Header.Get("Cache-Control"), "no-store") {
		t.Errorf("offer: link %q, code %q", link, doc.Find("#wallet-tx-code").Text())
	}
	resp, doc = e.browse(viewer, "GET", "/portal/awards/"+accepted.ID, nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	if doc.Find("#offer-form").Length() != 0 {
		t.Error("a viewer is offered to send the credential to a wallet")
	}
	direct := e.directB()
	resp, doc = e.browse(issAward, "POST", "/portal/awards/"+direct.ID+"/offer", url.Values{}, false)
	wantPage(t, resp, doc, http.StatusConflict)
}
