package web

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/badged/badged/contexts"
	"github.com/badged/badged/did"
	"github.com/badged/badged/issuance"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/verifier"
)

// enableIssuance gives the env's server the issuance service of the
// public documents (public_test.go) as its credential signer, for
// /credentials/issue.
func (e *env) enableIssuance() *issuance.Service {
	e.t.Helper()
	iss := e.public()
	e.srv.Credentials = iss
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
		resp, body := e.do(ownSIS, http.MethodPost, "/credentials/issue", map[string]any{"credential": genericVC(), "options": map[string]any{"issuer": e.S.ID}})
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		var out struct {
			VerifiableCredential map[string]any `json:"verifiableCredential"`
		}
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatal(err)
		}
		if out.VerifiableCredential["issuer"] != issuerDID || out.VerifiableCredential["proof"] == nil {
			t.Fatalf("credential %s", body)
		}
		// Verify it as anyone would: the DID document from its URL.
		r := newRemoteDocs(t)
		doc, err := iss.DIDDocument(context.Background(), e.S.ID)
		if err != nil {
			t.Fatal(err)
		}
		docJSON, _ := json.Marshal(doc)
		u, _ := did.WebURL(issuerDID)
		r.serve(u, docJSON, nil)
		v := verifier.New(jsonld.New(contexts.NewLoader()), did.NewResolver(r.client()))
		res := v.VerifyCredential(context.Background(), out.VerifiableCredential)
		if !res.Verified {
			t.Errorf("the issued credential does not verify: %+v", res.Failed())
		}
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
