package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/badged/badged/endorsement"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/web/page"
)

// enableEndorsements sets up endorsements (and issuance, which signs
// them), as serve does.
func (e *env) enableEndorsements() *endorsement.Service {
	e.t.Helper()
	if e.cfg.Endorsements != nil {
		return e.cfg.Endorsements
	}
	iss := e.enableIssuance()
	svc := endorsement.NewService(e.db, e.db, e.is, iss, endorsement.WithClock(e.clock.Now))
	e.set(func(a *API) { a.Endorsements = svc })
	return svc
}

// xBadgeClass creates a published badge class of institution X, which
// issuer S of I may endorse.
func (e *env) xBadgeClass() *issuer.BadgeClass {
	e.t.Helper()
	ctx := context.Background()
	n := e.next()
	g := must(e.is.CreateGroup(ctx, root, issuer.Group{InstitutionID: e.X.ID, Name: issuer.Text{EN: fmt.Sprintf("X faculty %d", n)}}))
	s := must(e.is.CreateIssuer(ctx, root, issuer.Issuer{GroupID: g.ID, Name: issuer.Text{EN: "X department"}}))
	bc := must(e.is.CreateBadgeClass(ctx, root, badgeClassFixture(s.ID)))
	return must(e.is.PublishBadgeClass(ctx, root, bc.ID, bc.Version))
}

// pendingEndorsement is an endorsement by S of a new badge class of X.
func (e *env) pendingEndorsement() *endorsement.Endorsement {
	e.t.Helper()
	return must(e.cfg.Endorsements.Create(context.Background(), root,
		endorsement.Request{IssuerID: e.S.ID, BadgeClassID: e.xBadgeClass().ID, Comment: "Well assessed."}))
}

// endorsementMatrix: endorsing and revoking are for the endorsing issuer's
// admins; accepting and declining for the endorsed badge class's; reading
// one for staff who read either side.
func endorsementMatrix() map[string]matrixCase {
	version := func(en *endorsement.Endorsement) map[string]int64 { return map[string]int64{"version": en.Version} }
	return map[string]matrixCase{
		"POST /api/v1/endorsements": {adminS, func(e *env) (string, any) {
			return "/api/v1/endorsements", map[string]string{"issuerId": e.S.ID, "badgeClassId": e.xBadgeClass().ID, "comment": "Good."}
		}},
		"GET /api/v1/endorsements/{endorsementID}": {union(readS, []string{otherAdmin, otherSIS}), fixed(func(e *env) string {
			return "/api/v1/endorsements/" + e.pendingEndorsement().ID
		})},
		"POST /api/v1/endorsements/{endorsementID}/accept": {[]string{superuser, otherAdmin}, func(e *env) (string, any) {
			en := e.pendingEndorsement()
			return "/api/v1/endorsements/" + en.ID + "/accept", version(en)
		}},
		"POST /api/v1/endorsements/{endorsementID}/decline": {[]string{superuser, otherAdmin}, func(e *env) (string, any) {
			en := e.pendingEndorsement()
			return "/api/v1/endorsements/" + en.ID + "/decline", version(en)
		}},
		"POST /api/v1/endorsements/{endorsementID}/revoke": {adminS, func(e *env) (string, any) {
			en := e.pendingEndorsement()
			return "/api/v1/endorsements/" + en.ID + "/revoke", map[string]any{"version": en.Version, "reason": "withdrawn"}
		}},
		"GET /api/v1/issuers/{issuerID}/endorsements": {readS, fixed(func(e *env) string { return "/api/v1/issuers/" + e.S.ID + "/endorsements" })},
		// The portal's pages of the same (portal/endorsements.go): every
		// staff member sees the list and the form; the actions are as above.
		"GET /portal/endorsements":     {staff, fixed(func(e *env) string { return "/portal/endorsements" })},
		"GET /portal/endorsements/new": {staff, fixed(func(e *env) string { return "/portal/endorsements/new?badgeClass=" + e.xBadgeClass().ID })},
		"POST /portal/endorsements":    {adminS, fixed(func(e *env) string { return "/portal/endorsements" })},
		"POST /portal/endorsements/{endorsementID}/accept": {[]string{superuser, otherAdmin}, fixed(func(e *env) string {
			en := e.pendingEndorsement()
			e.formValues = url.Values{"version": {fmt.Sprint(en.Version)}}
			return "/portal/endorsements/" + en.ID + "/accept"
		})},
		"POST /portal/endorsements/{endorsementID}/decline": {[]string{superuser, otherAdmin}, fixed(func(e *env) string {
			en := e.pendingEndorsement()
			e.formValues = url.Values{"version": {fmt.Sprint(en.Version)}}
			return "/portal/endorsements/" + en.ID + "/decline"
		})},
		"POST /portal/endorsements/{endorsementID}/revoke": {adminS, fixed(func(e *env) string {
			en := e.pendingEndorsement()
			e.formValues = url.Values{"version": {fmt.Sprint(en.Version)}, "reason": {"withdrawn"}}
			return "/portal/endorsements/" + en.ID + "/revoke"
		})},
		"GET /api/v1/badgeclasses/{badgeClassID}/endorsements": {readB, fixed(func(e *env) string { return "/api/v1/badgeclasses/" + e.B.ID + "/endorsements" })},
	}
}

// TestEndorsementAPI: an admin of S endorses a badge class of X; X's admin
// sees it pending, accepts it; the API's refusals are problems.
func TestEndorsementAPI(t *testing.T) {
	e := newEnv(t)
	e.enableEndorsements()
	// As serve: the server verifies its own credentials in-process.
	e.set(func(a *API) { a.Verifier = ServerVerifier(e.egress(), e.public(), time.Now) })
	xbc := e.xBadgeClass()
	resp, body := e.do(issAdmin, http.MethodPost, "/api/v1/endorsements", map[string]string{"issuerId": e.S.ID, "badgeClassId": xbc.ID, "comment": "Good course."})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	en := decodeJSON[struct {
		ID         string         `json:"id"`
		State      string         `json:"state"`
		Version    int64          `json:"version"`
		Credential map[string]any `json:"credential"`
	}](t, body)
	if en.State != "pending" || en.Credential["proof"] == nil || resp.Header.Get("Location") != "/api/v1/endorsements/"+en.ID {
		t.Errorf("created: %s", body)
	}
	resp, body = e.do(otherAdmin, http.MethodGet, "/api/v1/badgeclasses/"+xbc.ID+"/endorsements", nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), en.ID) {
		t.Errorf("X's list: %d %s", resp.StatusCode, body)
	}
	resp, body = e.do(otherAdmin, http.MethodPost, "/api/v1/endorsements/"+en.ID+"/accept", map[string]int64{"version": en.Version})
	if resp.StatusCode != http.StatusOK || decodeJSON[struct{ State string }](t, body).State != "accepted" {
		t.Errorf("accept: %d %s", resp.StatusCode, body)
	}
	// The VC-API verifies it like any credential, until it is revoked.
	verified := func() (bool, string) {
		t.Helper()
		resp, body := e.do(anonymous, http.MethodPost, "/credentials/verify", map[string]any{"verifiableCredential": en.Credential})
		ok := decodeJSON[struct{ Verified bool }](t, body).Verified
		if want := map[bool]int{true: http.StatusOK, false: http.StatusUnprocessableEntity}[ok]; resp.StatusCode != want {
			t.Errorf("verify: status %d, want %d for verified=%v", resp.StatusCode, want, ok)
		}
		return ok, string(body)
	}
	if ok, body := verified(); !ok {
		t.Errorf("the VC-API does not verify the endorsement: %s", body)
	}
	resp, body = e.do(issAdmin, http.MethodPost, "/api/v1/endorsements/"+en.ID+"/revoke", map[string]any{"version": en.Version + 1, "reason": "withdrawn"})
	if resp.StatusCode != http.StatusOK || decodeJSON[struct{ State string }](t, body).State != "revoked" {
		t.Fatalf("revoke: %d %s", resp.StatusCode, body)
	}
	if ok, body := verified(); ok || !strings.Contains(body, "revoked") {
		t.Errorf("the VC-API does not see the endorsement revoked: %s", body)
	}
	for name, c := range map[string]struct {
		caller, path string
		body         any
		status       int
	}{
		"fail/own institution": {issAdmin, "/api/v1/endorsements", map[string]string{"issuerId": e.S.ID, "badgeClassId": e.B.ID, "comment": "x"}, http.StatusForbidden},
		"fail/no comment":      {issAdmin, "/api/v1/endorsements", map[string]string{"issuerId": e.S.ID, "badgeClassId": e.xBadgeClass().ID}, http.StatusBadRequest},
		"fail/unknown field":   {issAdmin, "/api/v1/endorsements", map[string]string{"issuer": e.S.ID}, http.StatusBadRequest},
		"fail/accept revoked":  {otherAdmin, "/api/v1/endorsements/" + en.ID + "/accept", map[string]int64{"version": en.Version + 2}, http.StatusConflict},
		"fail/no version":      {otherAdmin, "/api/v1/endorsements/" + en.ID + "/decline", map[string]any{}, http.StatusBadRequest},
		"fail/unknown":         {otherAdmin, "/api/v1/endorsements/nope/decline", map[string]int64{"version": 1}, http.StatusNotFound},
	} {
		t.Run(name, func(t *testing.T) {
			resp, body := e.do(c.caller, http.MethodPost, c.path, c.body)
			if resp.StatusCode != c.status {
				t.Errorf("status %d, want %d: %s", resp.StatusCode, c.status, body)
			}
			problemOf(t, resp, body)
		})
	}
}

// TestEndorsementPages: accepted endorsements show on the catalogue page
// (the badge class's), the public share page and the learner's credential
// page (the badge class's and the credential's own); a pending one shows
// nowhere.
func TestEndorsementPages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	holding := e.holdingOf(bcAward)
	share := e.ownerShare()
	svc := e.enableEndorsements()
	credID := must(e.db.CredentialByAward(ctx, holding)).ID
	xIssuer := func() string {
		g := must(e.is.CreateGroup(ctx, root, issuer.Group{InstitutionID: e.X.ID, Name: issuer.Text{EN: fmt.Sprintf("X faculty %d", e.next())}}))
		return must(e.is.CreateIssuer(ctx, root, issuer.Issuer{GroupID: g.ID, Name: issuer.Text{EN: "X department"}})).ID
	}
	x1, x2 := xIssuer(), xIssuer()
	accept := func(en *endorsement.Endorsement) {
		must(svc.Accept(ctx, root, en.ID, en.Version))
		e.clock.Add(time.Second) // listed in the order made
	}
	accept(must(svc.Create(ctx, root, endorsement.Request{IssuerID: x1, BadgeClassID: e.B.ID, Comment: "A fine course."})))
	accept(must(svc.Create(ctx, root, endorsement.Request{IssuerID: x1, CredentialID: credID, Comment: "Outstanding work."})))
	must(svc.Create(ctx, root, endorsement.Request{IssuerID: x2, BadgeClassID: e.B.ID, Comment: "Pending praise."}))

	for _, c := range []struct {
		name, caller, path string
		want               []string
	}{
		{"catalogue", anonymous, "/catalogue/" + e.B.ID, []string{"A fine course."}},
		{"share", anonymous, share, []string{"A fine course.", "Outstanding work."}},
		{"backpack", bcAward, "/backpack/" + holding, []string{"A fine course.", "Outstanding work."}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.t = t
			resp, doc := e.browse(c.caller, http.MethodGet, c.path+"?lang=en", nil, false)
			wantPage(t, resp, doc, http.StatusOK)
			var got []string
			doc.Find("#endorsements li.endorsement").Each(func(_ int, s *goquery.Selection) {
				got = append(got, strings.TrimSpace(s.Find("blockquote").Text()))
				if by := s.Find(".endorser").Text(); by != e.X.Name.EN {
					t.Errorf("endorser %q, want %q", by, e.X.Name.EN)
				}
			})
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("endorsements shown %q, want %q", got, c.want)
			}
			if h := doc.Find("#endorsements-h").Text(); h != page.BackpackText["en"]["endorsementsTitle"] {
				t.Errorf("heading %q", h)
			}
		})
	}
}

func init() {
	postForms(map[string]func(e *env) url.Values{
		"POST /portal/endorsements": func(e *env) url.Values {
			return url.Values{"issuer": {e.S.ID}, "badgeClass": {e.xBadgeClass().ID}, "comment": {"Good."}}
		},
		"POST /portal/endorsements/{endorsementID}/accept":  func(e *env) url.Values { return e.formValues },
		"POST /portal/endorsements/{endorsementID}/decline": func(e *env) url.Values { return e.formValues },
		"POST /portal/endorsements/{endorsementID}/revoke":  func(e *env) url.Values { return e.formValues },
	})
}

// TestPortalEndorsements: an issuer admin of I endorses a badge class of X
// from its catalogue page through the portal; X's admin sees it waiting
// and accepts it; the catalogue then shows it; I's admin revokes it, with
// a reason, and the catalogue no longer does. Each step without curl.
func TestPortalEndorsements(t *testing.T) {
	e := newEnv(t)
	e.enableEndorsements()
	e.public()
	xbc := e.xBadgeClass()
	_, doc := e.browse(issAdmin, http.MethodGet, "/catalogue/"+xbc.ID, nil, false)
	link, ok := doc.Find("#endorse-link").Attr("href")
	if !ok {
		t.Fatal("no endorse link on the catalogue page for staff")
	}
	resp, doc := e.browse(issAdmin, http.MethodGet, link, nil, false)
	if resp.StatusCode != http.StatusOK || doc.Find(`#endorse-issuer option[value="`+e.S.ID+`"]`).Length() != 1 {
		t.Fatalf("endorse form: %d", resp.StatusCode)
	}
	resp, doc = e.browse(issAdmin, http.MethodPost, "/portal/endorsements",
		url.Values{"badgeClass": {xbc.ID}, "issuer": {e.S.ID}, "comment": {"A well assessed course."}}, true)
	if resp.StatusCode != http.StatusOK || doc.Find("#endorse-done").Length() != 1 || doc.Find("#endorsements-given tr[data-endorsement]").Length() != 1 {
		t.Fatalf("after endorsing: %d %s", resp.StatusCode, doc.Find("main").Text())
	}
	// Twice is refused beside the field, the comment kept.
	resp, doc = e.browse(issAdmin, http.MethodPost, "/portal/endorsements",
		url.Values{"badgeClass": {xbc.ID}, "issuer": {e.S.ID}, "comment": {"Again."}}, true)
	if resp.StatusCode != http.StatusUnprocessableEntity || doc.Find("#endorse-issuer-error").Length() != 1 || doc.Find("#endorse-comment").Text() != "Again." {
		t.Errorf("a second endorsement: %d", resp.StatusCode)
	}

	_, doc = e.browse(otherAdmin, http.MethodGet, "/portal/endorsements", nil, false)
	row := doc.Find("#endorsements-received tr[data-endorsement]")
	id, _ := row.Attr("data-endorsement")
	version, _ := row.Find(`form[action$="/accept"] input[name="version"]`).Attr("value")
	if row.Length() != 1 || version == "" {
		t.Fatalf("X's admin sees %d received", row.Length())
	}
	if resp, _ := e.browse(issAdmin, http.MethodPost, "/portal/endorsements/"+id+"/accept", url.Values{"version": {version}}, false); resp.StatusCode != http.StatusForbidden {
		t.Errorf("the endorser accepts its own endorsement: %d", resp.StatusCode)
	}
	resp, doc = e.browse(otherAdmin, http.MethodPost, "/portal/endorsements/"+id+"/accept", url.Values{"version": {version}}, true)
	if resp.StatusCode != http.StatusOK || !strings.Contains(doc.Find("#endorse-done").Text(), "accepted") {
		t.Fatalf("accept: %d", resp.StatusCode)
	}
	shown := func() bool {
		_, doc := e.browse(anonymous, http.MethodGet, "/catalogue/"+xbc.ID, nil, false)
		return strings.Contains(doc.Text(), "A well assessed course.")
	}
	if !shown() {
		t.Error("the accepted endorsement is not on the catalogue page")
	}

	_, doc = e.browse(issAdmin, http.MethodGet, "/portal/endorsements", nil, false)
	version, _ = doc.Find(`#endorsements-given form[action$="/revoke"] input[name="version"]`).Attr("value")
	resp, doc = e.browse(issAdmin, http.MethodPost, "/portal/endorsements/"+id+"/revoke", url.Values{"version": {version}, "reason": {"The course changed."}}, true)
	if resp.StatusCode != http.StatusOK || !strings.Contains(doc.Find("#endorse-done").Text(), "revoked") {
		t.Fatalf("revoke: %d %s", resp.StatusCode, doc.Find("main").Text())
	}
	if shown() {
		t.Error("the revoked endorsement is still on the catalogue page")
	}
}
