package web

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/badged/badged/audit"
	"github.com/badged/badged/auth"
	"github.com/badged/badged/contexts"
	"github.com/badged/badged/did"
	"github.com/badged/badged/issuance"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/verifier"
)

// issue posts body to /credentials/issue as the institution's system and
// returns the verifiableCredential of its 201 answer.
func (e *env) issue(t *testing.T, body any) map[string]any {
	t.Helper()
	resp, raw := e.do(ownSIS, http.MethodPost, "/credentials/issue", body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d: %s", resp.StatusCode, raw)
	}
	var out struct {
		VerifiableCredential map[string]any `json:"verifiableCredential"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	if out.VerifiableCredential == nil {
		t.Fatalf("no verifiableCredential in %s", raw)
	}
	return out.VerifiableCredential
}

// verifier returns a verifier that reads the DID document of the env's
// issuer from its URL, as anyone would.
func (e *env) issuedVerifier(t *testing.T, iss *issuance.Service) *verifier.Verifier {
	t.Helper()
	r := newRemoteDocs(t)
	doc, err := iss.DIDDocument(context.Background(), e.S.ID)
	if err != nil {
		t.Fatal(err)
	}
	docJSON, _ := json.Marshal(doc)
	u, _ := did.WebURL(iss.IssuerDID(e.S.ID))
	r.serve(u, docJSON, nil)
	return verifier.New(jsonld.New(contexts.NewLoader()), did.NewResolver(r.client()))
}

// verifyIssued checks that vc, as issued, verifies.
func (e *env) verifyIssued(t *testing.T, iss *issuance.Service, vc map[string]any) {
	t.Helper()
	res := e.issuedVerifier(t, iss).VerifyCredential(context.Background(), vc)
	if !res.Verified {
		t.Errorf("the issued credential does not verify: %+v", res.Failed())
	}
}

// enableIssuance gives the env's server the issuance service of the
// public documents (public_test.go) as its credential signer, for
// /credentials/issue.
func (e *env) enableIssuance() *issuance.Service {
	e.t.Helper()
	iss := e.public()
	e.set(func(a *API) {
		a.Credentials = iss
	})
	return iss
}

// genericVC is a VC 2.0 credential that is not an Open Badge.
func genericVC() map[string]any {
	return map[string]any{
		"@context":          []any{"https://www.w3.org/ns/credentials/v2"},
		"type":              []any{"VerifiableCredential"},
		"credentialSubject": map[string]any{"id": "did:example:learner"},
	}
}

// TestIssueCredentialAPI: an institution's system issues a generic VC 2.0
// credential as one of its issuers; the result verifies with the issuer's
// published DID document. Others are refused.
func TestIssueCredentialAPI(t *testing.T) {
	e := newEnv(t)
	iss := e.enableIssuance()
	issuerDID := iss.IssuerDID(e.S.ID)

	t.Run("ok/own-sis-by-option", func(t *testing.T) {
		vc := e.issue(t, map[string]any{"credential": genericVC(), "options": map[string]any{"issuer": e.S.ID}})
		if vc["issuer"] != issuerDID {
			t.Fatalf("issuer %v", vc["issuer"])
		}
		e.verifyIssued(t, iss, vc)
	})
	t.Run("ok/own-sis-by-issuer-did", func(t *testing.T) {
		c := genericVC()
		c["issuer"] = issuerDID
		resp, body := e.do(ownSIS, http.MethodPost, "/credentials/issue", map[string]any{"credential": c})
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
	})
	tests := []struct {
		name   string
		caller string
		body   any
		status []int
	}{
		{"fail/anonymous", anonymous, map[string]any{"credential": genericVC(), "options": map[string]any{"issuer": e.S.ID}}, []int{401}},
		{"fail/a-person", instAdmin, map[string]any{"credential": genericVC(), "options": map[string]any{"issuer": e.S.ID}}, []int{403}},
		{"fail/other-institutions-sis", otherSIS, map[string]any{"credential": genericVC(), "options": map[string]any{"issuer": e.S.ID}}, []int{403, 404}},
		{"fail/no-issuer", ownSIS, map[string]any{"credential": genericVC()}, []int{400}},
		{"fail/no-credential", ownSIS, map[string]any{"options": map[string]any{"issuer": e.S.ID}}, []int{400}},
		{"fail/other-issuer-named", ownSIS, map[string]any{"credential": with(genericVC(), "issuer", "did:web:elsewhere.example"), "options": map[string]any{"issuer": e.S.ID}}, []int{400}},
		{"fail/not-a-credential", ownSIS, map[string]any{"credential": map[string]any{"type": "Nothing"}, "options": map[string]any{"issuer": e.S.ID}}, []int{400}},
		{"fail/undefined-term", ownSIS, map[string]any{"credential": with(genericVC(), "notInAnyContext", "x"), "options": map[string]any{"issuer": e.S.ID}}, []int{400}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := e.do(tt.caller, http.MethodPost, "/credentials/issue", tt.body)
			ok := false
			for _, s := range tt.status {
				ok = ok || resp.StatusCode == s
			}
			if !ok {
				t.Fatalf("status %d, want %v: %s", resp.StatusCode, tt.status, body)
			}
			problemOf(t, resp, body)
		})
	}
}

// TestIssueCredentialOptions: the cryptosuite and format options, the
// proof as an object (an array on an Open Badge), VC 1.1 input and the
// W3C examples context; each result verifies.
func TestIssueCredentialOptions(t *testing.T) {
	e := newEnv(t)
	iss := e.enableIssuance()
	issuerDID := iss.IssuerDID(e.S.ID)
	opts := func(kv ...string) map[string]any {
		o := map[string]any{"issuer": e.S.ID}
		for i := 0; i+1 < len(kv); i += 2 {
			o[kv[i]] = kv[i+1]
		}
		return o
	}
	proofOf := func(t *testing.T, vc map[string]any) map[string]any {
		t.Helper()
		p, ok := vc["proof"].(map[string]any)
		if !ok {
			t.Fatalf("proof %T, want one object: %v", vc["proof"], vc["proof"])
		}
		return p
	}

	t.Run("ok/rdfc-default-proof-object", func(t *testing.T) {
		vc := e.issue(t, map[string]any{"credential": genericVC(), "options": opts()})
		if p := proofOf(t, vc); p["cryptosuite"] != "eddsa-rdfc-2022" || p["type"] != "DataIntegrityProof" {
			t.Fatalf("proof %v", p)
		}
		e.verifyIssued(t, iss, vc)
	})
	t.Run("ok/jcs", func(t *testing.T) {
		vc := e.issue(t, map[string]any{"credential": genericVC(), "options": opts("cryptosuite", "eddsa-jcs-2022")})
		if p := proofOf(t, vc); p["cryptosuite"] != "eddsa-jcs-2022" {
			t.Fatalf("proof %v", p)
		}
		e.verifyIssued(t, iss, vc)
	})
	t.Run("ok/open-badge-proof-array", func(t *testing.T) {
		vc := e.issue(t, map[string]any{"credential": openBadgeVC(issuerDID), "options": opts()})
		if p, ok := vc["proof"].([]any); !ok || len(p) != 1 {
			t.Fatalf("proof %v, want an array of one (the OB 3.0 schema requires an array)", vc["proof"])
		}
		e.verifyIssued(t, iss, vc)
	})
	t.Run("ok/vc-1.1", func(t *testing.T) {
		c := map[string]any{
			"@context":          []any{"https://www.w3.org/2018/credentials/v1"},
			"type":              []any{"VerifiableCredential"},
			"issuanceDate":      "2026-01-01T00:00:00Z",
			"credentialSubject": map[string]any{"id": "did:example:learner"},
		}
		for _, suite := range []string{"eddsa-rdfc-2022", "eddsa-jcs-2022"} {
			vc := e.issue(t, map[string]any{"credential": c, "options": opts("cryptosuite", suite)})
			ctx, _ := vc["@context"].([]any)
			if len(ctx) != 3 || ctx[0] != "https://www.w3.org/2018/credentials/v1" || ctx[1] != "https://w3id.org/security/data-integrity/v2" {
				t.Fatalf("@context %v, want VC 1.1, Data Integrity v2, then the status entry's terms", vc["@context"])
			}
			if inline, _ := ctx[2].(map[string]any); inline["BitstringStatusListEntry"] == nil {
				t.Fatalf("@context %v: the third is not the status entry's terms", ctx[2])
			}
			if _, ok := vc["validFrom"]; ok {
				t.Fatal("validFrom added to a VC 1.1 credential")
			}
			e.verifyIssued(t, iss, vc)
		}
		c2 := with(c, "issuanceDate", nil)
		delete(c2, "issuanceDate")
		vc := e.issue(t, map[string]any{"credential": c2, "options": opts()})
		if _, ok := vc["issuanceDate"].(string); !ok {
			t.Fatalf("no issuanceDate set on a VC 1.1 credential: %v", vc)
		}
	})
	t.Run("ok/examples-context", func(t *testing.T) {
		c := genericVC()
		c["@context"] = []any{"https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"}
		c["type"] = []any{"VerifiableCredential", "ExampleDegreeCredential"}
		c["credentialSubject"] = map[string]any{"id": "did:example:learner", "degree": map[string]any{"type": "ExampleBachelorDegree", "name": "Bachelor of Science"}}
		vc := e.issue(t, map[string]any{"credential": c, "options": opts()})
		e.verifyIssued(t, iss, vc)
	})
	t.Run("ok/related-resources", func(t *testing.T) {
		// digestMultibase is one multibase multihash or a list of them
		// (Data Integrity 2.6); an object or an array of objects.
		sum := sha256.Sum256([]byte("resource"))
		mh := "u" + base64.RawURLEncoding.EncodeToString(append([]byte{0x12, 0x20}, sum[:]...))
		sri := "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
		for _, rr := range []any{
			map[string]any{"id": "https://example.org/a", "digestSRI": sri},
			[]any{map[string]any{"id": "https://example.org/a", "mediaType": "application/ld+json", "digestMultibase": mh}},
			[]any{map[string]any{"id": "https://example.org/a", "digestMultibase": []any{mh, mh}}},
		} {
			vc := e.issue(t, map[string]any{"credential": with(genericVC(), "relatedResource", rr), "options": opts()})
			e.verifyIssued(t, iss, vc)
		}
	})
	for _, format := range []string{"vc+jwt", "jwt"} {
		t.Run("ok/"+format, func(t *testing.T) {
			vc := e.issue(t, map[string]any{"credential": genericVC(), "options": opts("format", format)})
			id, _ := vc["id"].(string)
			media := "data:application/" + format + ","
			if vc["type"] != "EnvelopedVerifiableCredential" || !strings.HasPrefix(id, media) {
				t.Fatalf("%v, want an EnvelopedVerifiableCredential with a %s URL", vc, media)
			}
			res := e.issuedVerifier(t, iss).VerifyJWT(context.Background(), strings.TrimPrefix(id, media))
			if !res.Verified {
				t.Fatalf("the %s credential does not verify: %+v", format, res.Failed())
			}
		})
	}

	v11 := map[string]any{"@context": []any{"https://www.w3.org/2018/credentials/v1"}, "type": []any{"VerifiableCredential"},
		"issuanceDate": "2026-01-01T00:00:00Z", "credentialSubject": map[string]any{"id": "did:example:learner"}}
	tests := []struct {
		name       string
		credential map[string]any
		options    map[string]any
		field      string // the problem's field
		rule       string // words of the problem
	}{
		{"fail/unknown-cryptosuite", genericVC(), opts("cryptosuite", "ecdsa-rdfc-2019"), "", "cryptosuite"},
		{"fail/unknown-format", genericVC(), opts("format", "mdoc"), "", "format"},
		{"fail/vc-jose-of-vc-1.1", v11, opts("format", "vc+jwt"), "", "VC 2.0"},
		{"fail/terms-of-use-untyped", with(genericVC(), "termsOfUse", []any{map[string]any{"id": "https://example.org/tou"}}), opts(), "credential/termsOfUse/0/type", "rule: termsOfUse"},
		{"fail/evidence-untyped", with(genericVC(), "evidence", map[string]any{"id": "https://example.org/e"}), opts(), "credential/evidence/type", "rule: evidence"},
		{"fail/refresh-service-untyped", with(genericVC(), "refreshService", map[string]any{"id": "https://example.org/r"}), opts(), "credential/refreshService/type", "rule: refreshService"},
		{"fail/credential-schema-untyped", with(genericVC(), "credentialSchema", map[string]any{"id": "https://example.org/s"}), opts(), "credential/credentialSchema/type", "rule: schema"},
		{"fail/credential-status-untyped", with(genericVC(), "credentialStatus", map[string]any{"id": "https://example.org/s#1"}), opts(), "credential/credentialStatus/type", "rule: status"},
		{"fail/subject-empty", with(genericVC(), "credentialSubject", map[string]any{}), opts(), "credential/credentialSubject", "rule: subject"},
		{"fail/subject-missing", with(genericVC(), "credentialSubject", nil), opts(), "credential/credentialSubject", "rule: subject"},
		{"fail/related-resource-no-id", with(genericVC(), "relatedResource", []any{map[string]any{"digestSRI": "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="}}), opts(), "credential/relatedResource/0/id", "rule: relatedResource"},
		{"fail/related-resource-duplicate", with(genericVC(), "relatedResource", []any{
			map[string]any{"id": "https://example.org/a", "digestSRI": "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
			map[string]any{"id": "https://example.org/a", "digestSRI": "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="}}), opts(), "credential/relatedResource/1/id", "rule: relatedResource"},
		{"fail/related-resource-bad-digest", with(genericVC(), "relatedResource", []any{map[string]any{"id": "https://example.org/a", "digestSRI": "sha256-tooshort"}}), opts(), "credential/relatedResource/0/digestSRI", "rule: relatedResource"},
		{"fail/related-resource-raw-digest", with(genericVC(), "relatedResource", []any{map[string]any{"id": "https://example.org/a", "digestMultibase": "uJKGMkOmFbVJhEfKTduMC2XCyvRAYLjOVmZWwIH1wQ7k"}}), opts(), "credential/relatedResource/0/digestMultibase", "multihash"},
		{"fail/related-resource-no-digest", with(genericVC(), "relatedResource", []any{map[string]any{"id": "https://example.org/a"}}), opts(), "credential/relatedResource/0", "rule: relatedResource"},
		{"fail/id-not-url", with(genericVC(), "id", "credential 1"), opts(), "credential/id", "URL"},
		{"fail/subject-id-not-url", with(genericVC(), "credentialSubject", map[string]any{"id": "learner 1"}), opts(), "credential/credentialSubject/id", "rule: id"},
		{"fail/not-verifiable-credential", with(genericVC(), "type", []any{"ExampleCredential"}), opts(), "credential/type", "rule: type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.credential
			if v, ok := c["credentialSubject"]; ok && v == nil {
				delete(c, "credentialSubject")
			}
			resp, body := e.do(ownSIS, http.MethodPost, "/credentials/issue", map[string]any{"credential": c, "options": tt.options})
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", resp.StatusCode, body)
			}
			p := problemOf(t, resp, body)
			if tt.field == "" {
				if !strings.Contains(p.Detail, tt.rule) {
					t.Fatalf("detail %q does not name %q", p.Detail, tt.rule)
				}
				return
			}
			for _, f := range p.Errors {
				if f.Field == tt.field && strings.Contains(f.Detail, tt.rule) {
					return
				}
			}
			t.Fatalf("no problem at %s naming %q: %s", tt.field, tt.rule, body)
		})
	}
}

// openBadgeVC is an Open Badges 3.0 credential for the issuer issuerDID.
func openBadgeVC(issuerDID string) map[string]any {
	return map[string]any{
		"@context": []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":       "urn:uuid:5b1bd4a8-51f4-4d3a-9a8a-1d2d45e2e5c1",
		"type":     []any{"VerifiableCredential", "OpenBadgeCredential"},
		"name":     "Data Literacy",
		"issuer":   map[string]any{"id": issuerDID, "type": []any{"Profile"}, "name": "Faculty of Science"},
		"credentialSubject": map[string]any{
			"id":   "did:example:learner",
			"type": []any{"AchievementSubject"},
			"achievement": map[string]any{
				"id":          "https://example.edu/achievements/data-literacy",
				"type":        []any{"Achievement"},
				"name":        "Data Literacy",
				"description": "Reads and questions data.",
				"criteria":    map[string]any{"narrative": "Passed the course."},
			},
		},
	}
}

// TestIssuedCredentialStatus: a credential issued through the VC-API is
// stored and audited with a BitstringStatusListEntry (revocation) in its
// issuer's list, and POST /credentials/status revokes it: the list badged
// serves says so at once. Others are refused.
func TestIssuedCredentialStatus(t *testing.T) {
	e := newEnv(t)
	iss := e.enableIssuance()
	e.set(func(a *API) {
		a.Audit = audit.New(e.db)
	})
	ctx := context.Background()
	v := ServerVerifier(e.egress(), iss, time.Now)

	vc := e.issue(t, map[string]any{"credential": genericVC(), "options": map[string]any{"issuer": e.S.ID}})
	id, _ := vc["id"].(string)
	if !strings.HasPrefix(id, "http") {
		t.Fatalf("id %q, want a URL", id)
	}
	entry, _ := vc["credentialStatus"].(map[string]any)
	if entry["type"] != "BitstringStatusListEntry" || entry["statusPurpose"] != "revocation" {
		t.Fatalf("credentialStatus %v", vc["credentialStatus"])
	}
	stored, err := iss.IssuedCredential(ctx, id)
	if err != nil {
		t.Fatalf("not stored: %v", err)
	}
	if stored.IssuerID != e.S.ID || stored.StatusList != entry["statusListCredential"] {
		t.Fatalf("stored %+v", stored)
	}
	trail := func(action string) int {
		t.Helper()
		l, err := e.cfg.Audit.List(ctx, e.I.ID, audit.Filter{Action: action, Target: audit.Target{Kind: "credential", ID: id}}, audit.Page{})
		if err != nil {
			t.Fatal(err)
		}
		return len(l.Entries)
	}
	if n := trail(audit.ActionCredentialIssue); n != 1 {
		t.Fatalf("%d issue entries in the audit trail, want 1", n)
	}
	if res := v.VerifyCredential(ctx, vc); !res.Verified || res.Status != "" {
		t.Fatalf("before revocation: verified %v, status %q: %+v", res.Verified, res.Status, res.Failed())
	}

	update := func(caller string, body any) (*http.Response, []byte) {
		return e.do(caller, http.MethodPost, "/credentials/status", body)
	}
	revoke := map[string]any{"credentialId": id, "credentialStatus": []any{map[string]any{"type": "BitstringStatusListEntry", "status": "revoked"}}}
	tests := []struct {
		name   string
		caller string
		body   any
		status int
	}{
		{"fail/anonymous", anonymous, revoke, 401},
		{"fail/a-person", instAdmin, revoke, 403},
		{"fail/other-institutions-sis", otherSIS, revoke, 404},
		{"fail/unknown-credential", ownSIS, with(revoke, "credentialId", "https://elsewhere.example/credentials/1"), 404},
		{"fail/no-credential-id", ownSIS, with(revoke, "credentialId", ""), 400},
		{"fail/suspend-not-suspendable", ownSIS, with(revoke, "credentialStatus", []any{map[string]any{"type": "BitstringStatusListEntry", "status": "suspended"}}), 409},
		{"fail/unknown-status", ownSIS, with(revoke, "credentialStatus", []any{map[string]any{"type": "BitstringStatusListEntry", "status": "paused"}}), 400},
		{"fail/other-type", ownSIS, with(revoke, "credentialStatus", []any{map[string]any{"type": "StatusList2021Entry", "status": "revoked"}}), 400},
		{"fail/award-credential", ownSIS, with(revoke, "credentialId", e.issueB(iss, "award-1").ID), 409},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := update(tt.caller, tt.body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			problemOf(t, resp, body)
		})
	}
	if res := v.VerifyCredential(ctx, vc); res.Status != "" {
		t.Fatalf("a refused update changed the status: %q", res.Status)
	}

	t.Run("ok/revoke", func(t *testing.T) {
		for range 2 { // revoking twice is not an error
			resp, body := update(ownSIS, revoke)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
		}
		res := v.VerifyCredential(ctx, vc)
		if res.Verified || res.Status != "revoked" {
			t.Fatalf("after revocation: verified %v, status %q", res.Verified, res.Status)
		}
		if n := trail(audit.ActionCredentialRevoke); n != 1 {
			t.Fatalf("%d revoke entries in the audit trail, want 1", n)
		}
	})
	t.Run("fail/id-issued-twice", func(t *testing.T) {
		resp, body := e.do(ownSIS, http.MethodPost, "/credentials/issue", map[string]any{"credential": with(genericVC(), "id", id), "options": map[string]any{"issuer": e.S.ID}})
		if resp.StatusCode != http.StatusConflict {
			t.Fatalf("status %d, want 409: %s", resp.StatusCode, body)
		}
		problemOf(t, resp, body)
	})
}

// TestIssuedCredentialSuspension: options.statusPurpose suspension adds a
// second entry, in a suspension list; POST /credentials/status suspends
// and resumes the credential, as the list badged serves shows at once, and
// revocation still works beside it.
func TestIssuedCredentialSuspension(t *testing.T) {
	e := newEnv(t)
	iss := e.enableIssuance()
	e.set(func(a *API) {
		a.Audit = audit.New(e.db)
	})
	ctx := context.Background()
	v := ServerVerifier(e.egress(), iss, time.Now)

	resp, body := e.do(ownSIS, http.MethodPost, "/credentials/issue", map[string]any{"credential": genericVC(),
		"options": map[string]any{"issuer": e.S.ID, "statusPurpose": "pausing"}})
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown statusPurpose: status %d: %s", resp.StatusCode, body)
	}
	problemOf(t, resp, body)

	vc := e.issue(t, map[string]any{"credential": genericVC(), "options": map[string]any{"issuer": e.S.ID, "statusPurpose": []any{"revocation", "suspension"}}})
	entries, _ := vc["credentialStatus"].([]any)
	if len(entries) != 2 {
		t.Fatalf("credentialStatus %v, want a revocation and a suspension entry", vc["credentialStatus"])
	}
	rev, _ := entries[0].(map[string]any)
	sus, _ := entries[1].(map[string]any)
	if rev["statusPurpose"] != "revocation" || sus["statusPurpose"] != "suspension" || rev["statusListCredential"] == sus["statusListCredential"] {
		t.Fatalf("entries %v", entries)
	}
	id, _ := vc["id"].(string)
	set := func(status string) {
		t.Helper()
		resp, body := e.do(ownSIS, http.MethodPost, "/credentials/status", map[string]any{"credentialId": id,
			"credentialStatus": []any{map[string]any{"type": "BitstringStatusListEntry", "status": status}}})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d: %s", status, resp.StatusCode, body)
		}
	}
	check := func(verified bool, status string) {
		t.Helper()
		res := v.VerifyCredential(ctx, vc)
		if res.Verified != verified || res.Status != status {
			t.Fatalf("verified %v status %q, want %v %q: %+v", res.Verified, res.Status, verified, status, res.Failed())
		}
	}
	check(true, "")
	set("suspended")
	check(false, "suspended")
	set("suspended") // again: nothing changes
	check(false, "suspended")
	set("unsuspended")
	check(true, "")
	set("revoked")
	check(false, "revoked")
	for action, want := range map[string]int{audit.ActionCredentialSuspend: 2, audit.ActionCredentialUnsuspend: 1, audit.ActionCredentialRevoke: 1} {
		l, err := e.cfg.Audit.List(ctx, e.I.ID, audit.Filter{Action: action, Target: audit.Target{Kind: "credential", ID: id}}, audit.Page{})
		if err != nil || len(l.Entries) != want {
			t.Errorf("%s: %d entries, want %d (%v)", action, len(l.Entries), want, err)
		}
	}
}

// TestIssueCredentialScopes: an API client's scope limits the issuers it
// issues as and the badge classes it issues for; without the free-form
// permission it issues only Open Badges of a badge class of the issuer.
func TestIssueCredentialScopes(t *testing.T) {
	e := newEnv(t)
	iss := e.enableIssuance()
	ctx := context.Background()
	bc := must(e.is.PublishBadgeClass(ctx, root, e.B.ID, e.B.Version))
	draft := must(e.is.CreateBadgeClass(ctx, root, badgeClassFixture(e.S.ID)))
	other := must(e.is.CreateIssuer(ctx, root, issuer.Issuer{GroupID: e.G.ID, Name: issuer.Text{EN: "Other department"}}))
	// token returns a caller name for a new client of the institution
	// with scope.
	token := func(scope auth.Scope) string {
		caller := fmt.Sprintf("scoped-sis-%d", e.next())
		c, secret := must2(e.au.CreateScopedClient(ctx, root, e.I.ID, caller, scope))
		e.bearer[caller] = e.accessToken(c.ID, secret)
		return caller
	}
	badgeVC := func(bcID, name string) map[string]any {
		c := openBadgeVC(iss.IssuerDID(e.S.ID))
		delete(c, "id") // each gets its own
		subject := c["credentialSubject"].(map[string]any)
		a := maps.Clone(subject["achievement"].(map[string]any))
		a["id"] = publicBase + "/badgeclasses/" + bcID
		a["name"] = name
		subject = maps.Clone(subject)
		subject["achievement"] = a
		c["credentialSubject"] = subject
		return c
	}
	issue := func(tok string, issuerID string, cred map[string]any) (*http.Response, []byte) {
		t.Helper()
		return e.do(tok, http.MethodPost, "/credentials/issue", map[string]any{"credential": cred, "options": map[string]any{"issuer": issuerID}})
	}
	plain := token(auth.Scope{})
	tests := []struct {
		name   string
		token  string
		issuer string
		cred   map[string]any
		status int
		detail string
	}{
		{"ok/badge-class-credential", plain, e.S.ID, badgeVC(bc.ID, "Statistics"), 201, ""},
		{"fail/generic-without-free-form", plain, e.S.ID, genericVC(), 403, "not an Open Badge"},
		{"fail/unknown-badge-class", plain, e.S.ID, badgeVC("nope", "Statistics"), 403, "no badge class nope"},
		{"fail/other-achievement-url", plain, e.S.ID, with(badgeVC(bc.ID, "Statistics"), "credentialSubject", map[string]any{"id": "did:example:learner", "type": []any{"AchievementSubject"},
			"achievement": map[string]any{"id": "https://elsewhere.example/a", "type": []any{"Achievement"}, "name": "Statistics", "description": "d", "criteria": map[string]any{"narrative": "n"}}}), 403, "badge classes"},
		{"fail/other-name", plain, e.S.ID, badgeVC(bc.ID, "Advanced statistics"), 403, "name"},
		{"fail/draft-badge-class", plain, e.S.ID, badgeVC(draft.ID, "Statistics"), 403, "not published"},
		{"fail/other-issuers-badge-class", plain, other.ID, with(badgeVC(bc.ID, "Statistics"), "issuer", map[string]any{"id": iss.IssuerDID(other.ID), "type": []any{"Profile"}, "name": "Other"}), 403, "not of issuer"},
		{"fail/issuer-out-of-scope", token(auth.Scope{Issuers: []string{other.ID}, FreeForm: true}), e.S.ID, genericVC(), 403, "may not issue as issuer"},
		{"ok/issuer-in-scope", token(auth.Scope{Issuers: []string{e.S.ID}, FreeForm: true}), e.S.ID, genericVC(), 201, ""},
		{"fail/badge-class-out-of-scope", token(auth.Scope{BadgeClasses: []string{draft.ID}, FreeForm: true}), e.S.ID, badgeVC(bc.ID, "Statistics"), 403, "badge class " + bc.ID},
		{"ok/free-form-beside-badge-class-scope", token(auth.Scope{BadgeClasses: []string{draft.ID}, FreeForm: true}), e.S.ID, genericVC(), 201, ""},
		{"ok/badge-class-in-scope", token(auth.Scope{BadgeClasses: []string{bc.ID}}), e.S.ID, badgeVC(bc.ID, "Statistics"), 201, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := issue(tt.token, tt.issuer, tt.cred)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if tt.status >= 400 {
				if p := problemOf(t, resp, body); !strings.Contains(p.Detail, tt.detail) {
					t.Fatalf("detail %q does not say %q", p.Detail, tt.detail)
				}
			}
		})
	}
}

// TestClientScopeAPI: an institution admin sets a client's scope when
// creating it through the API, sees it in the list, and the scope holds.
func TestClientScopeAPI(t *testing.T) {
	e := newEnv(t)
	e.enableIssuance()
	resp, body := e.do(instAdmin, http.MethodPost, "/api/v1/institutions/"+e.I.ID+"/clients",
		map[string]any{"name": "Scoped SIS", "issuers": []string{"elsewhere"}, "badgeClasses": []string{e.B.ID}})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	var c struct {
		ID           string   `json:"clientId"`
		Secret       string   `json:"clientSecret"`
		Issuers      []string `json:"issuers"`
		BadgeClasses []string `json:"badgeClasses"`
		FreeForm     bool     `json:"freeForm"`
	}
	if err := json.Unmarshal(body, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Issuers) != 1 || c.Issuers[0] != "elsewhere" || len(c.BadgeClasses) != 1 || c.FreeForm {
		t.Fatalf("created %s", body)
	}
	_, list := e.do(instAdmin, http.MethodGet, "/api/v1/institutions/"+e.I.ID+"/clients", nil)
	if !strings.Contains(string(list), `"badgeClasses"`) || !strings.Contains(string(list), e.B.ID) {
		t.Fatalf("the list does not show the scope: %s", list)
	}
	e.bearer["scoped"] = e.accessToken(c.ID, c.Secret)
	resp, body = e.do("scoped", http.MethodPost, "/credentials/issue", map[string]any{"credential": genericVC(), "options": map[string]any{"issuer": e.S.ID}})
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("issuing outside the scope: %d %s", resp.StatusCode, body)
	}
}

func must2[A, B any](a A, b B, err error) (A, B) {
	if err != nil {
		panic(err)
	}
	return a, b
}

// TestIssuerAPICredentialStatus: the issuer's staff change the status of
// a credential issued through the VC-API through the issuer API too, and
// only for their issuer's credentials.
func TestIssuerAPICredentialStatus(t *testing.T) {
	e := newEnv(t)
	iss := e.enableIssuance()
	e.set(func(a *API) {
		a.Audit = audit.New(e.db)
	})
	ctx := context.Background()
	v := ServerVerifier(e.egress(), iss, time.Now)
	other := must(e.is.CreateIssuer(ctx, root, issuer.Issuer{GroupID: e.G.ID, Name: issuer.Text{EN: "Other department"}}))
	vc := e.issue(t, map[string]any{"credential": genericVC(), "options": map[string]any{"issuer": e.S.ID, "statusPurpose": "suspension"}})
	id, _ := vc["id"].(string)
	body := func(status string) map[string]any {
		return map[string]any{"credentialId": id, "credentialStatus": []any{map[string]any{"type": "BitstringStatusListEntry", "status": status}}}
	}
	resp, raw := e.do(issAward, http.MethodPost, "/api/v1/issuers/"+other.ID+"/credentials/status", body("revoked"))
	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
		t.Fatalf("staff of S through another issuer: %d %s", resp.StatusCode, raw)
	}
	resp, raw = e.do(superuser, http.MethodPost, "/api/v1/issuers/"+other.ID+"/credentials/status", body("revoked"))
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("another issuer's credential: %d %s", resp.StatusCode, raw)
	}
	resp, raw = e.do(issAward, http.MethodPost, "/api/v1/issuers/"+e.S.ID+"/credentials/status", body("suspended"))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("suspend: %d %s", resp.StatusCode, raw)
	}
	if res := v.VerifyCredential(ctx, vc); res.Status != "suspended" {
		t.Fatalf("status %q after suspension through the issuer API", res.Status)
	}
	l, err := e.cfg.Audit.List(ctx, e.I.ID, audit.Filter{Action: audit.ActionCredentialSuspend}, audit.Page{})
	if err != nil || len(l.Entries) != 1 || l.Entries[0].Actor != "user-"+issAward {
		t.Fatalf("audit %+v, %v", l, err)
	}
}
