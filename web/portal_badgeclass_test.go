package web

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/badged/badged/issuer"
)

// Who may use the badge class pages (portal/badgeclass.go): the admins of
// S create; those who may update B edit and publish it, its admins
// archive it; every staff reader of B sees its page. The forms post as a
// browser does.
var (
	staffAdminS = slices.DeleteFunc(slices.Clone(adminS), func(c string) bool { return !slices.Contains(staff, c) })
	staffEditB  = slices.DeleteFunc(slices.Clone(editB), func(c string) bool { return !slices.Contains(staff, c) })
	staffAdminB = slices.DeleteFunc(slices.Clone(adminB), func(c string) bool { return !slices.Contains(staff, c) })
	staffAdminG = slices.DeleteFunc(slices.Clone(adminG), func(c string) bool { return !slices.Contains(staff, c) })
)

func badgeClassMatrix() map[string]matrixCase {
	return map[string]matrixCase{
		"GET /portal/groups/{groupID}/issuers/new":         {staffAdminG, fixed(func(e *env) string { return "/portal/groups/" + e.G.ID + "/issuers/new" })},
		"POST /portal/groups/{groupID}/issuers":            {staffAdminG, fixed(func(e *env) string { return "/portal/groups/" + e.G.ID + "/issuers" })},
		"GET /portal/issuers/{issuerID}/edit":              {staffAdminS, fixed(func(e *env) string { return "/portal/issuers/" + e.S.ID + "/edit" })},
		"POST /portal/issuers/{issuerID}/edit":             {staffAdminS, fixed(func(e *env) string { return "/portal/issuers/" + e.S.ID + "/edit" })},
		"GET /portal/issuers/{issuerID}/badgeclasses/new":  {staffAdminS, fixed(func(e *env) string { return "/portal/issuers/" + e.S.ID + "/badgeclasses/new" })},
		"POST /portal/issuers/{issuerID}/badgeclasses":     {staffAdminS, fixed(func(e *env) string { return "/portal/issuers/" + e.S.ID + "/badgeclasses" })},
		"GET /portal/badgeclasses/{badgeClassID}":          {staffReadB, fixed(func(e *env) string { return "/portal/badgeclasses/" + e.B.ID })},
		"GET /portal/badgeclasses/{badgeClassID}/edit":     {staffEditB, fixed(func(e *env) string { return "/portal/badgeclasses/" + e.B.ID + "/edit" })},
		"POST /portal/badgeclasses/{badgeClassID}/edit":    {staffEditB, fixed(func(e *env) string { return "/portal/badgeclasses/" + e.B.ID + "/edit" })},
		"POST /portal/badgeclasses/{badgeClassID}/publish": {staffEditB, bPath(nil, "/publish")},
		"POST /portal/badgeclasses/{badgeClassID}/image":   {staffEditB, bPath(nil, "/image")},
		"POST /portal/issuers/{issuerID}/badgeclasses/preview": {staffAdminS, fixed(func(e *env) string {
			e.public()
			return "/portal/issuers/" + e.S.ID + "/badgeclasses/preview"
		})},
		"POST /portal/badgeclasses/{badgeClassID}/preview": {staffEditB, bPath(func(e *env) { e.public() }, "/preview")},
		"POST /portal/badgeclasses/{badgeClassID}/archive": {staffAdminB, bPath((*env).publishB, "/archive")},
	}
}

// badgeClassForm is the editor's form of B as stored, as a browser posts it.
func (e *env) badgeClassForm() url.Values {
	bc := must(e.db.BadgeClass(e.t.Context(), e.B.ID))
	return url.Values{"version": {strconv.FormatInt(bc.Version, 10)}, "name.en": {bc.Name.EN}, "name.nl": {bc.Name.NL},
		"description.en": {bc.Description.EN}, "language": {bc.Language}, "criteria.narrative.en": {bc.Criteria.Narrative.EN}, "criteria.narrative.nl": {bc.Criteria.Narrative.NL},
		"criteria.url": {bc.Criteria.URL}}
}

func init() {
	forms := map[string]func(e *env) url.Values{
		"POST /portal/issuers/{issuerID}/badgeclasses": func(e *env) url.Values {
			return url.Values{"name.en": {fmt.Sprintf("Portal class %d", e.next())}, "language": {"en"}}
		},
		"POST /portal/groups/{groupID}/issuers": func(e *env) url.Values {
			return url.Values{"name.en": {fmt.Sprintf("Portal issuer %d", e.next())}}
		},
		"POST /portal/issuers/{issuerID}/edit": func(e *env) url.Values {
			is := must(e.db.Issuer(e.t.Context(), e.S.ID))
			return url.Values{"version": {strconv.FormatInt(is.Version, 10)}, "name.en": {is.Name.EN}, "name.nl": {is.Name.NL}}
		},
		"POST /portal/badgeclasses/{badgeClassID}/edit":    (*env).badgeClassForm,
		"POST /portal/badgeclasses/{badgeClassID}/preview": (*env).badgeClassForm,
		"POST /portal/issuers/{issuerID}/badgeclasses/preview": func(e *env) url.Values {
			return url.Values{"name.en": {"Preview"}, "language": {"en"}}
		},
		"POST /portal/badgeclasses/{badgeClassID}/publish": (*env).badgeClassForm,
		"POST /portal/badgeclasses/{badgeClassID}/archive": (*env).badgeClassForm,
	}
	matrixPrepare["POST /portal/badgeclasses/{badgeClassID}/image"] = func(e *env, caller string, req *http.Request) {
		body, ct := imageUpload("badge.svg", []byte(testSVG))
		req.Body, req.ContentLength = readCloser(body)
		req.Header.Set("Content-Type", ct)
	}
	postForms(forms)
}

// TestPortalBadgeClass: an issuer admin creates a badge class in the
// editor; a refused form says why beside each field, lists every refusal
// and keeps what was typed; the page of a microcredential draft lists what
// publishing needs, and publishing works once it has it; an editor of
// another badge class may not edit this one.
func TestPortalBadgeClass(t *testing.T) {
	e := newEnv(t)
	e.backpack()
	post := func(caller, path string, form url.Values) (*http.Response, string) {
		t.Helper()
		resp, doc := e.browse(caller, "POST", path, form, false)
		html, _ := doc.Html()
		return resp, html
	}
	bad := url.Values{"name.en": {""}, "description.en": {"Kept as typed"}, "ectsCredits": {"five"}, "eqfLevel": {"9"},
		"criteria.url": {"not a url"}, "alignments[0].targetName": {"ESCO"}}
	resp, doc := e.browse(issAdmin, "POST", "/portal/issuers/"+e.S.ID+"/badgeclasses", bad, false)
	wantPage(t, resp, doc, http.StatusUnprocessableEntity)
	for id, want := range map[string]string{"f-ectsCredits-error": "number", "f-name-error": "required", "f-eqfLevel-error": "1 to 8",
		"f-criteria-url-error": "URL", "f-alignments-0-targetUrl-error": "required"} {
		if got := doc.Find("#" + id).Text(); !strings.Contains(strings.ToLower(got), strings.ToLower(want)) {
			t.Errorf("#%s = %q, want %q beside the field", id, got, want)
		}
	}
	if v, _ := doc.Find("#f-description-en").Html(); v != "Kept as typed" || doc.Find("#form-errors li").Length() != 5 {
		t.Errorf("input not kept (%q) or %d refusals listed", v, doc.Find("#form-errors li").Length())
	}
	if v, _ := doc.Find("#f-ectsCredits").Attr("aria-invalid"); v != "true" {
		t.Error("the refused field is not marked aria-invalid")
	}

	form := url.Values{"name.en": {"Data Literacy"}, "name.nl": {"Datageletterdheid"}, "description.en": {"Reading data."},
		"language": {"en"}, "criteria.narrative.en": {"Pass the test."}, "microcredential": {"on"}}
	resp, _ = post(issAdmin, "/portal/issuers/"+e.S.ID+"/badgeclasses", form)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/portal/badgeclasses/") {
		t.Fatalf("create: %d %s", resp.StatusCode, loc)
	}
	id := strings.TrimPrefix(loc, "/portal/badgeclasses/")
	resp, doc = e.browse(issAdmin, "GET", loc, nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	if n := doc.Find("#publish-problems li").Length(); n != 5 || doc.Find("#bc-publish").Length() != 0 {
		t.Errorf("a microcredential draft: %d things to do before publishing, publish button %d", n, doc.Find("#bc-publish").Length())
	}
	bc := must(e.db.BadgeClass(t.Context(), id))
	form.Set("version", strconv.FormatInt(bc.Version, 10))
	for k, v := range map[string]string{"learningOutcome.en": "Reads a chart.", "eqfLevel": "5", "ectsCredits": "2,5",
		"assessmentType": "Test", "qualityAssurance.name": "NVAO"} {
		form.Set(k, v)
	}
	if resp, _ = post(issAdmin, loc+"/edit", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", resp.StatusCode)
	}
	resp, doc = e.browse(issAdmin, "GET", loc, nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	if doc.Find("#bc-publish").Length() != 1 {
		t.Fatalf("complete microcredential: no publish button; %s", doc.Find("#publish").Text())
	}
	bc = must(e.db.BadgeClass(t.Context(), id))
	if *bc.ECTSCredits != 2.5 || bc.Name.NL != "Datageletterdheid" {
		t.Errorf("stored %v ECTS, name %+v", *bc.ECTSCredits, bc.Name)
	}
	post(issAdmin, loc+"/publish", url.Values{"version": {strconv.FormatInt(bc.Version, 10)}})
	if bc = must(e.db.BadgeClass(t.Context(), id)); bc.State != issuer.Published {
		t.Errorf("after publishing: %s", bc.State)
	}
	resp, _ = post(bcEditor, loc+"/edit", form)
	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
		t.Errorf("an editor of another badge class edits this one: %d", resp.StatusCode)
	}
}

// TestPortalIssuer: a group admin creates an issuer from the tree; a bad
// address is refused beside its field with the input kept; the issuer
// appears in the tree with "New badge class".
func TestPortalIssuer(t *testing.T) {
	e := newEnv(t)
	e.backpack()
	resp, doc := e.browse(groupAdmin, "GET", "/portal", nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	if href, _ := doc.Find(`a.new-issuer`).Attr("href"); href != "/portal/groups/"+e.G.ID+"/issuers/new" {
		t.Fatalf("no New issuer link for the group admin: %q", href)
	}
	form := url.Values{"name.nl": {"Faculteit Rechten"}, "email": {"not an address"}}
	doc = e.postRefused(t, groupAdmin, "/portal/groups/"+e.G.ID+"/issuers", form, "email", "")
	if got := doc.Find("#f-name-nl").AttrOr("value", ""); got != "Faculteit Rechten" {
		t.Errorf("name kept %q", got)
	}
	form.Set("email", "rechten@example.edu")
	e.postAccepted(t, groupAdmin, "/portal/groups/"+e.G.ID+"/issuers", form)
	resp, doc = e.browse(groupAdmin, "GET", "/portal", nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	if !strings.Contains(doc.Find(".tree").Text(), "Faculteit Rechten") {
		t.Error("the new issuer is not in the tree")
	}
	resp, doc = e.browse(issAward, "GET", "/portal/groups/"+e.G.ID+"/issuers/new", nil, false)
	wantPage(t, resp, doc, http.StatusForbidden)
}

// imageUpload is the multipart body of the badge class page's image form.
func imageUpload(name string, file []byte) (body, contentType string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("image", name)
	fw.Write(file)
	mw.Close()
	return b.String(), mw.FormDataContentType()
}

// TestPortalBadgeClassImage: the badge class page shows the drawn default
// image until one is uploaded; an uploaded SVG is sanitized, stored and
// served, and becomes the badge class's image; a script in an SVG, a file
// that is no image, and a PNG declaring 100,000 × 100,000 pixels are each
// refused beside the upload, the image unchanged.
func TestPortalBadgeClassImage(t *testing.T) {
	e := newEnv(t)
	e.backpack()
	page := "/portal/badgeclasses/" + e.B.ID
	resp, doc := e.browse(issAdmin, "GET", page, nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	if src, _ := doc.Find("#bc-image").Attr("src"); !strings.HasPrefix(src, "data:image/svg+xml;base64,") || doc.Find("#image-form").Length() != 1 {
		t.Fatalf("default image %.40q, upload form %d", src, doc.Find("#image-form").Length())
	}
	upload := func(name string, file []byte) (*http.Response, *goquery.Document) {
		t.Helper()
		body, ct := imageUpload(name, file)
		req := e.request(issAdmin, "POST", page+"/image", nil)
		req.Body, req.ContentLength = readCloser(body)
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Accept", "text/html")
		resp, b := e.send(req)
		doc, _ := goquery.NewDocumentFromReader(bytes.NewReader(b))
		return resp, doc
	}
	huge := hugePNGHeader(100000, 100000)
	for name, file := range map[string][]byte{
		"script.svg": []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`),
		"notes.png":  []byte("not an image at all"),
		"huge.png":   huge,
	} {
		resp, doc := upload(name, file)
		if resp.StatusCode != http.StatusUnprocessableEntity || strings.TrimSpace(doc.Find("#f-image-error").Text()) == "" {
			t.Errorf("%s: %d, %q", name, resp.StatusCode, doc.Find("#f-image-error").Text())
		}
	}
	if bc := must(e.db.BadgeClass(t.Context(), e.B.ID)); bc.ImageURL != "" {
		t.Fatalf("a refused image was set: %s", bc.ImageURL)
	}
	// The upload goes back to the badge class's page, which says so.
	resp, doc = upload("badge.svg", []byte(testSVG))
	if resp.StatusCode != http.StatusOK || doc.Find("#notice").Length() != 1 {
		t.Fatalf("upload: %d, notice %q", resp.StatusCode, doc.Find("#notice").Text())
	}
	bc := must(e.db.BadgeClass(t.Context(), e.B.ID))
	u, err := url.Parse(bc.ImageURL)
	if err != nil || !strings.HasPrefix(u.Path, "/images/") {
		t.Fatalf("image URL %q", bc.ImageURL)
	}
	resp, body := e.do(anonymous, "GET", u.Path, nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "svg") || bytes.Contains(body, []byte("<script")) {
		t.Errorf("served image: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
