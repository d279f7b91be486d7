package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/badged/badged/issuer"
)

// Who may use the tree's upper levels (portal/tree.go): the admins of the
// institution edit it and create its groups; the admins of G edit and
// archive it; the admins of S archive S. The forms post as a browser does.
var staffAdminI = slices.DeleteFunc(slices.Clone(adminI), func(c string) bool { return !slices.Contains(staff, c) })

func treeMatrix() map[string]matrixCase {
	path := func(p func(e *env) string) func(e *env) (string, any) { return fixed(p) }
	return map[string]matrixCase{
		"GET /portal/institutions/new":                        {onlySU, path(func(e *env) string { return "/portal/institutions/new" })},
		"POST /portal/institutions":                           {onlySU, path(func(e *env) string { return "/portal/institutions" })},
		"GET /portal/institutions/{institutionID}/edit":       {staffAdminI, path(func(e *env) string { return "/portal/institutions/" + e.I.ID + "/edit" })},
		"POST /portal/institutions/{institutionID}/edit":      {staffAdminI, path(func(e *env) string { return "/portal/institutions/" + e.I.ID + "/edit" })},
		"GET /portal/institutions/{institutionID}/groups/new": {staffAdminI, path(func(e *env) string { return "/portal/institutions/" + e.I.ID + "/groups/new" })},
		"POST /portal/institutions/{institutionID}/groups":    {staffAdminI, path(func(e *env) string { return "/portal/institutions/" + e.I.ID + "/groups" })},
		"GET /portal/groups/{groupID}/edit":                   {staffAdminG, path(func(e *env) string { return "/portal/groups/" + e.G.ID + "/edit" })},
		"POST /portal/groups/{groupID}/edit":                  {staffAdminG, path(func(e *env) string { return "/portal/groups/" + e.G.ID + "/edit" })},
		"GET /portal/groups/{groupID}/archive":                {staffAdminG, path(func(e *env) string { return "/portal/groups/" + e.G.ID + "/archive" })},
		"POST /portal/groups/{groupID}/archive":               {staffAdminG, path(func(e *env) string { return "/portal/groups/" + e.G.ID + "/archive" })},
		"GET /portal/issuers/{issuerID}/archive":              {staffAdminS, path(func(e *env) string { return "/portal/issuers/" + e.S.ID + "/archive" })},
		"POST /portal/issuers/{issuerID}/archive":             {staffAdminS, path(func(e *env) string { return "/portal/issuers/" + e.S.ID + "/archive" })},
	}
}

// institutionForm is the institution editor's form of I as stored.
func (e *env) institutionForm() url.Values {
	in := must(e.db.Institution(e.t.Context(), e.I.ID))
	return url.Values{"version": {strconv.FormatInt(in.Version, 10)}, "name.nl": {in.Name.NL}, "name.en": {in.Name.EN},
		"schacHome": {in.SCHACHome}, "brin": {in.BRIN}, "type": {string(in.Type)}, "country": {in.Country},
		"defaultLanguage": {in.DefaultLanguage}, "terms.version": {in.Terms.Version},
		"terms.text.nl": {in.Terms.Text.NL}, "terms.text.en": {in.Terms.Text.EN}}
}

func init() {
	forms := map[string]func(e *env) url.Values{
		"POST /portal/institutions": func(e *env) url.Values {
			n := strconv.Itoa(e.next())
			return url.Values{"name.nl": {"Hogeschool " + n}, "schacHome": {"hs" + n + ".example.nl"}, "type": {"HBO"},
				"country": {"NL"}, "defaultLanguage": {"nl"}}
		},
		"POST /portal/institutions/{institutionID}/edit": (*env).institutionForm,
		"POST /portal/institutions/{institutionID}/groups": func(e *env) url.Values {
			return url.Values{"name.en": {"Portal group " + strconv.Itoa(e.next())}}
		},
		"POST /portal/groups/{groupID}/edit": func(e *env) url.Values {
			g := must(e.db.Group(e.t.Context(), e.G.ID))
			return url.Values{"version": {strconv.FormatInt(g.Version, 10)}, "name.en": {g.Name.EN}, "name.nl": {g.Name.NL}}
		},
		"POST /portal/groups/{groupID}/archive": func(e *env) url.Values {
			return url.Values{"version": {strconv.FormatInt(must(e.db.Group(e.t.Context(), e.G.ID)).Version, 10)}}
		},
		"POST /portal/issuers/{issuerID}/archive": func(e *env) url.Values {
			return url.Values{"version": {strconv.FormatInt(must(e.db.Issuer(e.t.Context(), e.S.ID)).Version, 10)}}
		},
	}
	postForms(forms)
}

// TestPortalTree: the institution admin sees the links of every level;
// edits the institution (a refusal is shown beside its field, what was
// typed kept; the terms in both languages saved); creates an issuer group
// and renames it; archives an issuer and then the group after confirming,
// and the tree shows both archived with no more links to change them. An
// issuer's awarder sees none of these links and is refused the pages. A
// platform administrator creates an institution.
func TestPortalTree(t *testing.T) {
	e := newEnv(t)
	e.backpack()
	resp, doc := e.browse(instAdmin, "GET", "/portal", nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	for _, sel := range []string{"a.edit-institution", "a.new-group", "a.edit-group", "a.archive-group", "a.edit-issuer", "a.archive-issuer"} {
		if doc.Find(sel).Length() == 0 {
			t.Errorf("the institution admin has no %s link", sel)
		}
	}

	edit := "/portal/institutions/" + e.I.ID + "/edit"
	form := e.institutionForm()
	form.Set("brin", "not a brin")
	form.Set("terms.text.nl", "Ik ga akkoord.")
	doc = e.postRefused(t, instAdmin, edit, form, "brin", "four")
	if doc.Find("#f-brin").AttrOr("value", "") != "not a brin" || doc.Find("#f-terms-text-nl").Text() != "Ik ga akkoord." {
		t.Errorf("kept %q and %q", doc.Find("#f-brin").AttrOr("value", ""), doc.Find("#f-terms-text-nl").Text())
	}
	if href, _ := doc.Find("#form-errors a").First().Attr("href"); href != "#f-brin" {
		t.Errorf("the list of refusals links to %q, want #f-brin", href)
	}
	form.Set("brin", "21PD")
	form.Set("terms.version", "2026-2")
	form.Set("terms.text.en", "I agree.")
	e.postAccepted(t, instAdmin, edit, form)
	if in := must(e.db.Institution(t.Context(), e.I.ID)); in.BRIN != "21PD" || in.Terms.Text.NL != "Ik ga akkoord." || in.Terms.Text.EN != "I agree." {
		t.Errorf("institution stored as BRIN %q, terms %+v", in.BRIN, in.Terms)
	}

	resp, _ = e.browse(instAdmin, "POST", "/portal/institutions/"+e.I.ID+"/groups", url.Values{"name.nl": {"Faculteit Geesteswetenschappen"}}, false)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create group: %d", resp.StatusCode)
	}
	groupID := strings.TrimPrefix(resp.Header.Get("Location"), "/portal#group-")
	g := must(e.db.Group(t.Context(), groupID))
	resp, _ = e.browse(instAdmin, "POST", "/portal/groups/"+groupID+"/edit", url.Values{"version": {strconv.FormatInt(g.Version, 10)},
		"name.nl": {"Faculteit Geesteswetenschappen"}, "name.en": {"Faculty of Humanities"}}, false)
	if g = must(e.db.Group(t.Context(), groupID)); resp.StatusCode != http.StatusSeeOther || g.Name.EN != "Faculty of Humanities" {
		t.Errorf("rename group: %d, %+v", resp.StatusCode, g.Name)
	}

	archive := func(kind, id string, version int64) {
		t.Helper()
		resp, doc := e.browse(instAdmin, "GET", "/portal/"+kind+"/"+id+"/archive", nil, false)
		wantPage(t, resp, doc, http.StatusOK)
		if doc.Find("#archive-form input[name=version]").AttrOr("value", "") != strconv.FormatInt(version, 10) {
			t.Fatalf("%s archive page: no confirmation form with the version", kind)
		}
		if resp, _ = e.browse(instAdmin, "POST", "/portal/"+kind+"/"+id+"/archive", url.Values{"version": {strconv.FormatInt(version, 10)}}, false); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("archive %s: %d", kind, resp.StatusCode)
		}
	}
	archive("issuers", e.S.ID, must(e.db.Issuer(t.Context(), e.S.ID)).Version)
	archive("groups", e.G.ID, must(e.db.Group(t.Context(), e.G.ID)).Version)
	resp, doc = e.browse(instAdmin, "GET", "/portal", nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	group := doc.Find(`[data-group="` + e.G.ID + `"]`)
	if group.Find(".state.archived").Length() != 2 || group.Find("a.edit-group, a.archive-group, a.archive-issuer, a.new-issuer, a.new-badgeclass").Length() != 0 {
		t.Errorf("archived group and issuer: %d marks, %d links to change them", group.Find(".state.archived").Length(),
			group.Find("a.edit-group, a.archive-group, a.archive-issuer, a.new-issuer, a.new-badgeclass").Length())
	}

	resp, doc = e.browse(issAward, "GET", "/portal", nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	if n := doc.Find("a.edit-institution, a.new-group, a.edit-group, a.archive-group, a.archive-issuer").Length(); n != 0 {
		t.Errorf("an issuer's awarder sees %d links to change the tree", n)
	}
	resp, doc = e.browse(issAward, "GET", edit, nil, false)
	wantPage(t, resp, doc, http.StatusForbidden)

	// A platform administrator creates an institution.
	resp, doc = e.browse(superuser, "GET", "/portal", nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	if doc.Find("a.new-institution").Length() != 1 {
		t.Error("the platform administrator has no New institution link")
	}
	form = url.Values{"name.nl": {"Hogeschool Zuid"}, "schacHome": {"Not A Domain"}, "type": {"HBO"}, "country": {"NL"}, "defaultLanguage": {"nl"}}
	doc = e.postRefused(t, superuser, "/portal/institutions", form, "schacHome", "")
	if got := doc.Find("#f-name-nl").AttrOr("value", ""); got != "Hogeschool Zuid" {
		t.Errorf("a bad SCHAC home: name kept %q", got)
	}
	form.Set("schacHome", "hs-zuid.example.nl")
	e.postAccepted(t, superuser, "/portal/institutions", form)
	resp, doc = e.browse(superuser, "GET", "/portal", nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	if !strings.Contains(doc.Find("main").Text(), "Hogeschool Zuid") {
		t.Error("the new institution is not in the platform administrator's portal")
	}
}

// TestPortalPrerequisites: the badge class editor offers the institution's
// published badge classes as prerequisites and refuses one that is not
// published beside the field, keeping the choice; the chosen one is shown
// on the badge class's page and, once published, in the catalogue with a
// link, and a learner without it is refused the request.
func TestPortalPrerequisites(t *testing.T) {
	e := newEnv(t)
	e.backpack()
	e.publishB()
	newPage := "/portal/issuers/" + e.S.ID + "/badgeclasses"
	resp, doc := e.browse(issAdmin, "GET", newPage+"/new", nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	if doc.Find(`#f-prerequisites option[value="`+e.B.ID+`"]`).Length() != 1 {
		t.Fatalf("the editor does not offer the published B as a prerequisite: %q", doc.Find("#f-prerequisites").Text())
	}
	draft := must(e.db.BadgeClass(t.Context(), e.B.ID))
	draft.ID, draft.State = "a-draft", issuer.Draft
	must(0, e.db.CreateBadgeClass(t.Context(), draft))
	form := url.Values{"name.en": {"Advanced statistics"}, "description.en": {"The sequel."}, "language": {"en"},
		"criteria.narrative.en": {"Pass the second exam."}, "prerequisites": {e.B.ID, "a-draft"}}
	doc = e.postRefused(t, issAdmin, newPage, form, "prerequisites", "published")
	if n := doc.Find(`#f-prerequisites option[selected]`).Length(); n != 1 {
		t.Errorf("chosen options kept: %d", n)
	}
	form["prerequisites"] = []string{e.B.ID}
	loc := e.postAccepted(t, issAdmin, newPage, form).Header.Get("Location")
	id := strings.TrimPrefix(loc, "/portal/badgeclasses/")
	resp, doc = e.browse(issAdmin, "GET", loc, nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	bName := must(e.db.BadgeClass(t.Context(), e.B.ID)).Name.In("en")
	if !strings.Contains(doc.Find("#sec-awarding").Parent().Text(), bName) {
		t.Errorf("the badge class page does not show the prerequisite %q", bName)
	}
	bc := must(e.db.BadgeClass(t.Context(), id))
	if resp, _ = e.browse(issAdmin, "POST", loc+"/publish", url.Values{"version": {strconv.FormatInt(bc.Version, 10)}}, false); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d", resp.StatusCode)
	}
	resp, doc = e.browse(learner, "GET", "/catalogue/"+id, nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	if href, _ := doc.Find("#prerequisites a").Attr("href"); href != "/catalogue/"+e.B.ID {
		t.Errorf("the catalogue links the prerequisite as %q", href)
	}
	resp, doc = e.browse(learner, "POST", "/catalogue/"+id+"/request", url.Values{}, false)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(doc.Find("main").Text(), "hold first: "+bName) {
		t.Errorf("a learner without the prerequisite: %d %q, want 409 naming %q", resp.StatusCode, doc.Find("main").Text(), bName)
	}
}

// TestBadgeClassTextsAPI: the API takes a badge class's criteria narrative
// and learning outcome in both languages, and still reads a plain string
// (as clients sent before) as the text in the badge class's language.
func TestBadgeClassTextsAPI(t *testing.T) {
	e := newEnv(t)
	path := "/api/v1/issuers/" + e.S.ID + "/badgeclasses"
	for _, c := range []struct {
		lang      string
		narrative any
		want      issuer.Text
	}{
		{"en", map[string]string{"nl": "Haal het tentamen.", "en": "Pass the exam."}, issuer.Text{NL: "Haal het tentamen.", EN: "Pass the exam."}},
		{"nl", "Haal het tentamen.", issuer.Text{NL: "Haal het tentamen."}},
		{"en", "Pass the exam.", issuer.Text{EN: "Pass the exam."}},
	} {
		body := map[string]any{"name": map[string]string{"en": "Statistics"}, "language": c.lang,
			"criteria": map[string]any{"narrative": c.narrative}, "learningOutcome": c.narrative}
		resp, out := e.do(issAdmin, http.MethodPost, path, body)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("%v: %d %s", c.narrative, resp.StatusCode, out)
		}
		var got struct {
			ID       string
			Criteria struct{ Narrative issuer.Text }
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatal(err)
		}
		bc := must(e.db.BadgeClass(t.Context(), got.ID))
		if bc.Criteria.Narrative != c.want || bc.LearningOutcome != c.want || got.Criteria.Narrative != c.want {
			t.Errorf("%s %v: stored %+v and %+v, answered %+v; want %+v", c.lang, c.narrative, bc.Criteria.Narrative, bc.LearningOutcome, got.Criteria.Narrative, c.want)
		}
	}
}

// TestPortalPreview: the badge class editor shows, with the Preview
// button, the credential an award of the class as typed would get and how
// the catalogue and backpack show it, keeping the form and saving nothing;
// its preview address (for the live preview script) answers the same
// fragment, or says why no credential can be made yet.
func TestPortalPreview(t *testing.T) {
	e := newEnv(t)
	e.backpack()
	e.public()
	newPage := "/portal/issuers/" + e.S.ID + "/badgeclasses"
	resp, doc := e.browse(issAdmin, "GET", newPage+"/new", nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	if doc.Find("#badgeclass-form").AttrOr("data-preview", "") != newPage+"/preview" || doc.Find("#badgeclass-preview").Length() != 1 {
		t.Fatalf("editor: preview address %q, button %d", doc.Find("#badgeclass-form").AttrOr("data-preview", ""), doc.Find("#badgeclass-preview").Length())
	}
	before := len(must(e.db.BadgeClasses(t.Context(), e.S.ID)))
	form := url.Values{"name.en": {"Open Science"}, "name.nl": {"Open wetenschap"}, "description.en": {"Sharing openly."},
		"language": {"en"}, "criteria.narrative.en": {"Publish a dataset."}, "ectsCredits": {"1.5"}, "preview": {"1"}}
	resp, doc = e.browse(issAdmin, "POST", newPage, form, false)
	wantPage(t, resp, doc, http.StatusOK)
	if got := strings.TrimSpace(doc.Find("#preview-name").Text()); got != "Open Science" {
		t.Errorf("preview name %q", got)
	}
	if js := doc.Find("#preview-credential pre").Text(); !strings.Contains(js, `"OpenBadgeCredential"`) || !strings.Contains(js, "Publish a dataset.") {
		t.Errorf("preview credential %.300q", js)
	}
	if doc.Find("#ects").Text() != "1.5" || doc.Find("#f-name-nl").AttrOr("value", "") != "Open wetenschap" {
		t.Errorf("preview ECTS %q; form kept: %q", doc.Find("#ects").Text(), doc.Find("#f-name-nl").AttrOr("value", ""))
	}
	if after := len(must(e.db.BadgeClasses(t.Context(), e.S.ID))); after != before {
		t.Errorf("the preview saved a badge class: %d, was %d", after, before)
	}

	resp, doc = e.browse(issAdmin, "POST", newPage+"/preview", url.Values{"name.en": {""}, "language": {"en"}}, false)
	if resp.StatusCode != http.StatusOK || doc.Find("#preview-problem").Length() != 1 || doc.Find("html head").Length() != 0 && doc.Find("nav").Length() != 0 {
		t.Errorf("fragment of a nameless class: %d, problem %q", resp.StatusCode, doc.Find("#preview-problem").Text())
	}
	resp, doc = e.browse(issAward, "POST", newPage+"/preview", form, false)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("an awarder's preview of a new class: %d", resp.StatusCode)
	}
}
