package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/badged/badged/audit"
	"github.com/badged/badged/auth"
	"github.com/badged/badged/effects"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/notify"
	"github.com/badged/badged/web/api"
)

// auditEnv is newEnv with the audit trail and the outbox wired as serve
// wires them: the issuer and auth services report their changes to a
// effects.Recorder.
func auditEnv(t *testing.T) (*env, *notify.Outbox) {
	t.Helper()
	e := newEnv(t)
	trail := audit.New(e.db)
	outbox := must(notify.NewOutbox(e.db))
	rec := effects.New(trail, outbox, e.db, "https://badges.example.edu",
		effects.WithNames(func(ctx context.Context, userID string) string { return "Ada Admin" }))
	e.is = issuer.NewService(e.db, issuer.WithChanges(rec.Change))
	e.au = auth.NewService(e.db, e.is, auth.WithClock(e.clock.Now), auth.WithChanges(rec.Change))
	e.set(func(a *API) {
		a.Issuer = e.is
		a.Auth = e.au
		a.Audit = trail
		a.Outbox = outbox
	})
	return e, outbox
}

// TestAuditTrail makes changes over HTTP (and one staff grant through the
// service) and finds each in the institution's audit trail with its actor
// and its diff, for the institution's admin only.
func TestAuditTrail(t *testing.T) {
	e, _ := auditEnv(t)
	ctx := context.Background()
	admin := "user-" + instAdmin

	// A badge class update.
	var bc map[string]any
	must(0, json.Unmarshal(must(json.Marshal(api.BadgeClassOf(must(e.db.BadgeClass(ctx, e.B.ID))))), &bc))
	bc["name"] = map[string]string{"en": "Advanced statistics"}
	resp, body := e.do(instAdmin, "PUT", "/api/v1/badgeclasses/"+e.B.ID, bc)
	wantStatus(t, resp, body, http.StatusOK)
	// A staff grant, and the revocation of the membership over HTTP.
	m := must(e.is.GrantRole(ctx, issuer.Actor{UserID: admin}, "user-grantee", issuer.RoleBadgeClassEditor, e.B.ID))
	resp, body = e.do(instAdmin, "DELETE", fmt.Sprintf("/api/v1/staff/%s?version=%d", m.ID, m.Version), nil)
	wantStatus(t, resp, body, http.StatusNoContent)
	// An API client created and revoked.
	resp, body = e.do(instAdmin, "POST", "/api/v1/institutions/"+e.I.ID+"/clients", map[string]string{"name": "SIS"})
	wantStatus(t, resp, body, http.StatusCreated)
	client := decodeJSON[struct {
		ID string `json:"clientId"`
	}](t, body)
	resp, body = e.do(instAdmin, "DELETE", "/api/v1/institutions/"+e.I.ID+"/clients/"+client.ID, nil)
	wantStatus(t, resp, body, http.StatusNoContent)

	type page struct {
		Items []api.AuditEntry
		Next  string
	}
	list := func(query string) page {
		t.Helper()
		resp, body := e.do(instAdmin, "GET", "/api/v1/institutions/"+e.I.ID+"/audit"+query, nil)
		wantStatus(t, resp, body, http.StatusOK)
		p := decodeJSON[page](t, body)
		for i, it := range p.Items {
			var b bytes.Buffer
			must(0, json.Compact(&b, it.Details))
			p.Items[i].Details = b.Bytes()
		}
		return p
	}
	all := list("")
	var actions []string
	for _, it := range all.Items {
		if !strings.HasPrefix(it.Action, "client.") { // auth's test clock is not the issuer's
			actions = append(actions, it.Action)
		}
	}
	// Newest first: the client's membership, and the grantee's.
	want := []string{"staff.revoke", "staff.grant", "staff.revoke", "staff.grant", "badgeclass.update"}
	if got := strings.Join(actions, ","); !strings.HasPrefix(got, strings.Join(want, ",")) {
		t.Errorf("actions = %s, want them to start with %s", got, strings.Join(want, ","))
	}

	up := list("?action=badgeclass.update&target=badgeclass:" + e.B.ID)
	if len(up.Items) != 1 {
		t.Fatalf("badge class updates: %+v", up.Items)
	}
	var diff struct{ Before, After map[string]json.RawMessage }
	must(0, json.Unmarshal(up.Items[0].Details, &diff))
	if up.Items[0].Actor != admin || !strings.Contains(string(diff.Before["Name"]), "Statistics") ||
		!strings.Contains(string(diff.After["Name"]), "Advanced statistics") || diff.After["Version"] != nil {
		t.Errorf("badge class update entry: %+v %s", up.Items[0], up.Items[0].Details)
	}

	grants := list("?action=staff.grant&target=membership:" + m.ID)
	if len(grants.Items) != 1 || grants.Items[0].Actor != admin ||
		!strings.Contains(string(grants.Items[0].Details), `"Role":"badgeclass_editor"`) {
		t.Errorf("staff grant entries: %+v", grants.Items)
	}
	revokes := list("?action=staff.revoke&actor=" + admin + "&target=:" + m.ID)
	if len(revokes.Items) != 1 || !strings.Contains(string(revokes.Items[0].Details), `"UserID":"user-grantee"`) {
		t.Errorf("staff revoke entries: %+v", revokes.Items)
	}
	if c := list("?target=client:" + client.ID); len(c.Items) != 2 {
		t.Errorf("client entries: %+v", c.Items)
	}

	// Pages of one follow each other to the same list.
	var paged []string
	for q := "?limit=1"; ; {
		p := list(q)
		for _, it := range p.Items {
			paged = append(paged, it.ID)
		}
		if p.Next == "" {
			break
		}
		q = "?limit=1&cursor=" + p.Next
	}
	if len(paged) != len(all.Items) || paged[0] != all.Items[0].ID {
		t.Errorf("paged %d entries, listed %d", len(paged), len(all.Items))
	}
	// Time filters: nothing is from before the test began (the env's
	// clock, which the auth service's entries are stamped with, was set
	// then; the issuer's entries come later, by the wall clock).
	if p := list("?until=" + e.clock.Now().Format("2006-01-02T15:04:05Z07:00")); len(p.Items) != 0 {
		t.Errorf("entries before the institution: %+v", p.Items)
	}

	for _, bad := range []string{"?limit=0", "?since=yesterday", "?cursor=!!"} {
		resp, body := e.do(instAdmin, "GET", "/api/v1/institutions/"+e.I.ID+"/audit"+bad, nil)
		wantStatus(t, resp, body, http.StatusBadRequest)
	}
	for caller, status := range map[string]int{viewer: http.StatusForbidden, otherAdmin: http.StatusForbidden,
		groupAdmin: http.StatusForbidden, ownSIS: http.StatusForbidden, anonymous: http.StatusUnauthorized} {
		resp, body := e.do(caller, "GET", "/api/v1/institutions/"+e.I.ID+"/audit", nil)
		if resp.StatusCode != status {
			t.Errorf("%s: status %d, want %d; %s", caller, resp.StatusCode, status, body)
		}
	}
}

// TestOutbox invites staff over HTTP and finds the invitation mail in the
// institution's outbox, in its default language, readable by its admin;
// a failed mail is retried.
func TestOutbox(t *testing.T) {
	e, _ := auditEnv(t)
	ctx := context.Background()
	resp, body := e.do(instAdmin, "POST", "/api/v1/staff", map[string]string{
		"email": "New.Colleague@Example.org", "role": string(issuer.RoleBadgeClassAwarder), "nodeId": e.B.ID})
	wantStatus(t, resp, body, http.StatusCreated)
	inv := decodeJSON[struct{ ID string }](t, body)
	base := "/api/v1/institutions/" + e.I.ID + "/outbox"

	resp, body = e.do(instAdmin, "GET", base+"?to=new.colleague@example.org&status=pending", nil)
	wantStatus(t, resp, body, http.StatusOK)
	list := decodeJSON[api.Page[api.Mail]](t, body)
	if len(list.Items) != 1 {
		t.Fatalf("outbox: %s", body)
	}
	m := list.Items[0]
	// The fixture institution's default language is Dutch.
	if m.ID != "staff-invitation:"+inv.ID || m.To != "new.colleague@example.org" || m.Lang != "nl" ||
		m.Subject != "Je bent uitgenodigd voor Universiteit op badged" || m.Status != notify.Pending {
		t.Errorf("mail %+v", m)
	}
	resp, body = e.do(instAdmin, "GET", base+"/"+m.ID, nil)
	wantStatus(t, resp, body, http.StatusOK)
	full := decodeJSON[api.MailDetail](t, body)
	for _, s := range []string{"Ada Admin", "uitreiker van de badge", "Statistics", "https://badges.example.edu/login"} {
		if !strings.Contains(full.Text, s) || !strings.Contains(full.HTML, s) {
			t.Errorf("mail text or HTML lacks %q:\n%s\n%s", s, full.Text, full.HTML)
		}
	}
	// The invitation is in the audit trail too.
	if l := must(e.cfg.Audit.List(ctx, e.I.ID, audit.Filter{Action: "staff.invite"}, audit.Page{})); len(l.Entries) != 1 {
		t.Errorf("staff.invite entries: %d", len(l.Entries))
	}

	// Only a failed mail is retried.
	resp, body = e.do(instAdmin, "POST", base+"/"+m.ID+"/retry", nil)
	wantStatus(t, resp, body, http.StatusConflict)
	stored := must(e.db.Mail(ctx, m.ID))
	stored.Status, stored.Attempts, stored.LastError = notify.Failed, 8, "550 mailbox unavailable"
	must(0, e.db.UpdateMail(ctx, stored))
	resp, body = e.do(instAdmin, "GET", base+"?status=failed", nil)
	wantStatus(t, resp, body, http.StatusOK)
	if failed := decodeJSON[api.Page[api.Mail]](t, body); len(failed.Items) != 1 || failed.Items[0].LastError != "550 mailbox unavailable" {
		t.Errorf("failed mails: %s", body)
	}
	resp, body = e.do(instAdmin, "POST", base+"/"+m.ID+"/retry", nil)
	wantStatus(t, resp, body, http.StatusOK)
	if r := decodeJSON[api.Mail](t, body); r.Status != notify.Pending || r.Attempts != 0 {
		t.Errorf("retried mail %+v", r)
	}
	if l := must(e.cfg.Audit.List(ctx, e.I.ID, audit.Filter{Action: "mail.retry"}, audit.Page{})); len(l.Entries) != 1 ||
		l.Entries[0].Actor != "user-"+instAdmin {
		t.Errorf("mail.retry entries: %+v", l.Entries)
	}

	for _, bad := range []string{"?status=lost", "?limit=9999"} {
		resp, body := e.do(instAdmin, "GET", base+bad, nil)
		wantStatus(t, resp, body, http.StatusBadRequest)
	}
	// Another institution's admin sees neither list nor mail, even at
	// their own institution's URL.
	for caller, path := range map[string]string{viewer: base, otherAdmin: base + "/" + m.ID, bcOwner: base,
		learner: base + "/" + m.ID + "/retry"} {
		method := "GET"
		if strings.HasSuffix(path, "/retry") {
			method = "POST"
		}
		if resp, body := e.do(caller, method, path, nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s %s as %s: status %d; %s", method, path, caller, resp.StatusCode, body)
		}
	}
	resp, body = e.do(otherAdmin, "GET", "/api/v1/institutions/"+e.X.ID+"/outbox/"+m.ID, nil)
	wantStatus(t, resp, body, http.StatusNotFound)
}
