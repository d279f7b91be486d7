package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Who may use the institution admin's pages (portal/admin.go): its admins.
func adminMatrix() map[string]matrixCase {
	return map[string]matrixCase{
		"GET /portal/clients":  {staffAdminI, fixed(func(e *env) string { return "/portal/clients?institution=" + e.I.ID })},
		"POST /portal/clients": {staffAdminI, fixed(func(e *env) string { return "/portal/clients?institution=" + e.I.ID })},
		"POST /portal/clients/{clientID}/revoke": {staffAdminI, fixed(func(e *env) string {
			c, _ := e.client(e.I.ID)
			return "/portal/clients/" + c.ID + "/revoke?institution=" + e.I.ID
		})},
		// The online backup (web/api/backup.go), for platform administrators.
		"GET /api/v1/admin/backup": {onlySU, fixed(func(e *env) string { return "/api/v1/admin/backup" })},
		"GET /portal/keys":         {staffAdminI, fixed(func(e *env) string { return "/portal/keys?institution=" + e.I.ID })},
		"POST /portal/keys/rotate": {staffAdminI, fixed(func(e *env) string { return "/portal/keys/rotate?institution=" + e.I.ID })},
		"GET /portal/outbox":       {staffAdminI, fixed(func(e *env) string { return "/portal/outbox?institution=" + e.I.ID })},
		"POST /portal/outbox/{mailID}/retry": {staffAdminI, fixed(func(e *env) string {
			return "/portal/outbox/" + e.mail(true) + "/retry?institution=" + e.I.ID
		})},
	}
}

func init() {
	postForms(map[string]func(e *env) url.Values{
		"POST /portal/keys/rotate": func(*env) url.Values { return url.Values{"confirm": {"on"}} },
		"POST /portal/clients":     func(*env) url.Values { return url.Values{"name": {"Osiris"}} },
	})
}

// TestPortalClients: the institution admin creates an API client limited
// to an issuer (a missing name refused beside the field), sees its secret
// once — the client can get a token with it — and not again on the list,
// then revokes it, after which the secret gets no token.
func TestPortalClients(t *testing.T) {
	e, _ := auditEnv(t)
	resp, doc := e.browse(instAdmin, "GET", "/portal/clients", nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	if doc.Find(`a[data-nav="clients"]`).Length() != 1 || doc.Find(`#client-issuers option[value="`+e.S.ID+`"]`).Length() != 1 {
		t.Fatalf("clients page: menu entry %d, issuer option %d", doc.Find(`a[data-nav="clients"]`).Length(), doc.Find(`#client-issuers option[value="`+e.S.ID+`"]`).Length())
	}
	resp, doc = e.browse(instAdmin, "POST", "/portal/clients", url.Values{"name": {" "}, "issuers": {e.S.ID}}, false)
	wantPage(t, resp, doc, http.StatusUnprocessableEntity)
	if doc.Find("#client-name-error").Length() != 1 || doc.Find(`#client-issuers option[selected]`).Length() != 1 {
		t.Errorf("a nameless client: error %d, issuer kept %d", doc.Find("#client-name-error").Length(), doc.Find(`#client-issuers option[selected]`).Length())
	}
	resp, doc = e.browse(instAdmin, "POST", "/portal/clients", url.Values{"name": {"Osiris"}, "issuers": {e.S.ID}}, false)
	wantPage(t, resp, doc, http.StatusCreated)
	id, secret := doc.Find("#new-client-id").Text(), doc.Find("#new-client-secret").Text()
	if id == "" || secret == "" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("no secret shown once: %q %q %q", id, secret, resp.Header.Get("Cache-Control"))
	}
	token := func() int {
		req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/oauth/token", strings.NewReader("grant_type=client_credentials"))
		req.SetBasicAuth(id, secret)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, _ := e.send(req)
		return resp.StatusCode
	}
	if got := token(); got != http.StatusOK {
		t.Errorf("the new client's token request: %d", got)
	}
	resp, doc = e.browse(instAdmin, "GET", "/portal/clients", nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	row := doc.Find(`tr[data-client="` + id + `"]`)
	if row.Length() != 1 || strings.Contains(doc.Text(), secret) || !strings.Contains(row.Text(), e.S.Name.In("en")) {
		t.Errorf("the list: row %q; secret shown again: %v", row.Text(), strings.Contains(doc.Text(), secret))
	}
	resp, _ = e.browse(instAdmin, "POST", "/portal/clients/"+id+"/revoke", url.Values{"institution": {e.I.ID}}, false)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	if got := token(); got == http.StatusOK {
		t.Error("a revoked client still gets tokens")
	}
	resp, doc = e.browse(issAdmin, "GET", "/portal/clients", nil, false)
	wantPage(t, resp, doc, http.StatusForbidden)
}

// TestPortalOutbox: the institution admin sees the outbox, filters it by
// status and sends a failed mail again.
func TestPortalOutbox(t *testing.T) {
	e, _ := auditEnv(t)
	failed, pending := e.mail(true), e.mail(false)
	resp, doc := e.browse(instAdmin, "GET", "/portal/outbox", nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	if doc.Find(`tr[data-mail="`+failed+`"][data-status="failed"] button`).Length() != 1 || doc.Find(`tr[data-mail="`+pending+`"]`).Length() != 1 {
		t.Fatalf("outbox: %q", doc.Find("#outbox").Text())
	}
	resp, doc = e.browse(instAdmin, "GET", "/portal/outbox?status=failed", nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	if doc.Find(`#outbox tbody tr`).Length() != 1 {
		t.Errorf("failed only: %d rows", doc.Find(`#outbox tbody tr`).Length())
	}
	resp, _ = e.browse(instAdmin, "POST", "/portal/outbox/"+failed+"/retry", url.Values{"institution": {e.I.ID}}, false)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("retry: %d", resp.StatusCode)
	}
	resp, doc = e.browse(instAdmin, "GET", "/portal/outbox?status=pending", nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	if doc.Find(`tr[data-mail="`+failed+`"]`).Length() != 1 {
		t.Errorf("the retried mail is not pending: %q", doc.Find("main").Text())
	}
}

// TestPortalKeys: the institution admin sees the current signing key,
// which the issuer's DID document lists; a rotation without the
// confirmation is refused beside the box; a confirmed one makes a new key
// current and the old one retired — both in the DID document, so that
// credentials signed before keep verifying — and is in the audit trail.
func TestPortalKeys(t *testing.T) {
	e, _ := auditEnv(t)
	e.public()
	resp, doc := e.browse(instAdmin, "GET", "/portal/keys", nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	old := doc.Find(`#keys tr[data-current="true"]`).AttrOr("data-key", "")
	if old == "" || doc.Find("#keys tbody tr").Length() != 1 {
		t.Fatalf("keys: %q", doc.Find("#keys").Text())
	}
	didURL := doc.Find(`#did-documents a`).First().AttrOr("href", "")
	didDoc := func() string {
		t.Helper()
		resp, body := e.do(allowAll, "GET", didURL, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", didURL, resp.StatusCode)
		}
		return string(body)
	}
	if !strings.Contains(didDoc(), old) {
		t.Fatalf("the DID document %s does not list the current key %s", didURL, old)
	}
	resp, doc = e.browse(instAdmin, "POST", "/portal/keys/rotate", url.Values{"institution": {e.I.ID}}, false)
	wantPage(t, resp, doc, http.StatusUnprocessableEntity)
	if doc.Find("#confirm-error").Length() != 1 {
		t.Error("an unconfirmed rotation: no refusal beside the box")
	}
	resp, _ = e.browse(instAdmin, "POST", "/portal/keys/rotate", url.Values{"institution": {e.I.ID}, "confirm": {"on"}}, false)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("rotate: %d", resp.StatusCode)
	}
	resp, doc = e.browse(instAdmin, "GET", "/portal/keys", nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	current := doc.Find(`#keys tr[data-current="true"]`).AttrOr("data-key", "")
	if current == "" || current == old || doc.Find(`#keys tr[data-key="`+old+`"][data-current="false"]`).Length() != 1 {
		t.Fatalf("after the rotation: %q", doc.Find("#keys").Text())
	}
	if d := didDoc(); !strings.Contains(d, old) || !strings.Contains(d, current) {
		t.Errorf("the DID document does not list both keys: %s", d)
	}
	resp, doc = e.browse(instAdmin, "GET", "/portal/audit?action=key.rotate", nil, false)
	wantPage(t, resp, doc, http.StatusOK)
	if doc.Find("#audit tbody tr").Length() != 1 {
		t.Errorf("the rotation is not in the audit trail: %q", doc.Find("main").Text())
	}
}
