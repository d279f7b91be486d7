package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/badged/badged/issuer"
)

// Who may see and change the staff of a node (portal/staff.go): those who
// may administrate its users, its admins and theirs above.
func staffMatrix() map[string]matrixCase {
	return map[string]matrixCase{
		"GET /portal/staff/{level}/{nodeID}":  {staffAdminS, fixed(func(e *env) string { return "/portal/staff/issuer/" + e.S.ID })},
		"POST /portal/staff/{level}/{nodeID}": {staffAdminS, fixed(func(e *env) string { return "/portal/staff/issuer/" + e.S.ID })},
		"POST /portal/memberships/{membershipID}/role": {staffAdminS, fixed(func(e *env) string {
			return "/portal/memberships/" + e.portalMember().ID + "/role"
		})},
		"POST /portal/memberships/{membershipID}/revoke": {staffAdminS, fixed(func(e *env) string {
			return "/portal/memberships/" + e.portalMember().ID + "/revoke"
		})},
	}
}

// portalMember is a fresh awarder of S, for the matrix's role changes.
func (e *env) portalMember() *issuer.Membership {
	m := must(e.is.GrantRole(e.t.Context(), root, "user-member-"+strconv.Itoa(e.next()), issuer.RoleIssuerAwarder, e.S.ID))
	e.member = m
	return m
}

func init() {
	forms := map[string]func(e *env) url.Values{
		"POST /portal/staff/{level}/{nodeID}": func(e *env) url.Values {
			return url.Values{"email": {"invitee" + strconv.Itoa(e.next()) + "@example.org"}, "role": {string(issuer.RoleIssuerAwarder)}}
		},
		"POST /portal/memberships/{membershipID}/role": func(e *env) url.Values {
			return url.Values{"version": {strconv.FormatInt(e.member.Version, 10)}, "role": {string(issuer.RoleIssuerAdmin)}}
		},
		"POST /portal/memberships/{membershipID}/revoke": func(e *env) url.Values {
			return url.Values{"version": {strconv.FormatInt(e.member.Version, 10)}}
		},
	}
	postForms(forms)
}

// TestPortalStaff: the institution admin opens an issuer's staff from the
// tree, invites an address (a bad address and a role of another level are
// refused beside their fields, the form kept), sees the invitation
// pending, makes the issuer's awarder its admin and removes the
// invitation; the institution's viewer is refused the page.
func TestPortalStaff(t *testing.T) {
	e := newEnv(t)
	resp, doc := e.browse(instAdmin, "GET", "/portal", nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	page := "/portal/staff/issuer/" + e.S.ID
	if doc.Find(`a.staff-link[href="`+page+`"]`).Length() != 1 {
		t.Fatalf("the tree has no staff link for the issuer")
	}
	resp, doc = e.browse(instAdmin, "POST", page, url.Values{"email": {"not an address"}, "role": {string(issuer.RoleGroupAdmin)}}, false)
	wantPage(t, resp, doc, http.StatusUnprocessableEntity)
	if doc.Find("#role-error").Length() != 1 || doc.Find("#email").AttrOr("value", "") != "not an address" {
		t.Errorf("refusal: role %q, kept %q", doc.Find("#role-error").Text(), doc.Find("#email").AttrOr("value", ""))
	}
	resp, doc = e.browse(instAdmin, "POST", page, url.Values{"email": {"not an address"}, "role": {string(issuer.RoleIssuerAwarder)}}, false)
	wantPage(t, resp, doc, http.StatusUnprocessableEntity)
	if doc.Find("#email-error").Length() != 1 {
		t.Errorf("a bad address: no refusal beside it")
	}
	resp, doc = e.browse(instAdmin, "POST", page, url.Values{"email": {"New.Colleague@Example.org"}, "role": {string(issuer.RoleIssuerAwarder)}}, true)
	wantPage(t, resp, doc, http.StatusOK)
	row := doc.Find(`#staff tr`).FilterFunction(func(_ int, s *goquery.Selection) bool { return strings.Contains(s.Text(), "new.colleague@example.org") })
	if row.Length() != 1 || row.Find(".tag").Length() != 1 {
		t.Fatalf("the invitation is not listed as pending: %q", doc.Find("#staff").Text())
	}

	awarder := doc.Find(`#staff tr[data-role="issuer_awarder"]`).FilterFunction(func(_ int, s *goquery.Selection) bool { return s.Find(".tag").Length() == 0 })
	id, _ := awarder.Attr("data-membership")
	m := must(e.db.Membership(t.Context(), id))
	resp, _ = e.browse(instAdmin, "POST", "/portal/memberships/"+id+"/role", url.Values{"version": {strconv.FormatInt(m.Version, 10)},
		"role": {string(issuer.RoleIssuerAdmin)}, "back": {page}}, false)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), page) {
		t.Fatalf("change role: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if m = must(e.db.Membership(t.Context(), id)); m.Role != issuer.RoleIssuerAdmin {
		t.Errorf("role now %s", m.Role)
	}
	pendingID, _ := row.Attr("data-membership")
	pm := must(e.db.Membership(t.Context(), pendingID))
	resp, _ = e.browse(instAdmin, "POST", "/portal/memberships/"+pendingID+"/revoke", url.Values{"version": {strconv.FormatInt(pm.Version, 10)}, "back": {page}}, false)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d", resp.StatusCode)
	}
	if _, err := e.db.Membership(t.Context(), pendingID); err == nil {
		t.Error("the invitation is still there")
	}
	resp, doc = e.browse(viewer, "GET", page, nil, false)
	wantPage(t, resp, doc, http.StatusForbidden)
}
