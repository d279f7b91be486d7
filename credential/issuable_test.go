package credential_test

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"testing"

	"github.com/multiformats/go-multibase"

	"github.com/badged/badged/credential"
)

func TestValidateIssuable(t *testing.T) {
	sum := sha512.Sum384([]byte("resource"))
	sri := "sha384-" + base64.StdEncoding.EncodeToString(sum[:])
	h := sha256.Sum256([]byte("resource"))
	mh := append([]byte{0x12, 0x20}, h[:]...)
	mb, _ := multibase.Encode(multibase.Base58BTC, mh)
	short, _ := multibase.Encode(multibase.Base58BTC, mh[:20])
	base := func() map[string]any {
		return map[string]any{
			"@context":          []any{"https://www.w3.org/ns/credentials/v2"},
			"type":              []any{"VerifiableCredential"},
			"issuer":            "did:example:issuer",
			"credentialSubject": map[string]any{"id": "did:example:subject"},
		}
	}
	with := func(k string, v any) map[string]any { d := base(); d[k] = v; return d }
	rr := func(entries ...map[string]any) []any {
		out := make([]any, len(entries))
		for i, e := range entries {
			out[i] = e
		}
		return out
	}
	tests := []struct {
		name  string
		doc   map[string]any
		check string // "" when no problem is expected
		path  string
	}{
		{"ok/plain", base(), "", ""},
		{"ok/typed-entries", func() map[string]any {
			d := base()
			d["termsOfUse"] = map[string]any{"type": "TrustFrameworkPolicy"}
			d["evidence"] = []any{map[string]any{"type": []any{"Evidence"}, "id": "https://example.org/e/1"}}
			d["refreshService"] = map[string]any{"type": "VerifiableCredentialRefreshService2021", "id": "https://example.org/refresh"}
			return d
		}(), "", ""},
		{"ok/related-resource-sri", with("relatedResource", rr(map[string]any{"id": "https://example.org/a", "digestSRI": sri})), "", ""},
		{"ok/related-resource-multibase", with("relatedResource", rr(map[string]any{"id": "https://example.org/a", "digestMultibase": mb})), "", ""},
		{"fail/terms-of-use-untyped", with("termsOfUse", map[string]any{"id": "https://example.org/tou"}), credential.CheckTermsOfUse, "/termsOfUse/type"},
		{"fail/evidence-untyped", with("evidence", []any{map[string]any{"id": "https://example.org/e"}}), credential.CheckEvidence, "/evidence/0/type"},
		{"fail/refresh-untyped", with("refreshService", map[string]any{"id": "https://example.org/r"}), credential.CheckRefreshService, "/refreshService/type"},
		{"fail/schema-untyped", with("credentialSchema", map[string]any{"id": "https://example.org/s"}), credential.CheckSchema, "/credentialSchema/type"},
		{"fail/status-untyped", with("credentialStatus", map[string]any{"id": "https://example.org/s#1"}), credential.CheckStatus, "/credentialStatus/type"},
		{"fail/subject-empty", with("credentialSubject", map[string]any{}), credential.CheckSubject, "/credentialSubject"},
		{"fail/subject-id-not-url", with("credentialSubject", map[string]any{"id": "learner 1"}), credential.CheckID, "/credentialSubject/id"},
		{"fail/evidence-id-not-url", with("evidence", map[string]any{"type": "Evidence", "id": "not a url"}), credential.CheckID, "/evidence/id"},
		{"fail/related-no-id", with("relatedResource", rr(map[string]any{"digestSRI": sri})), credential.CheckRelatedResource, "/relatedResource/0/id"},
		{"fail/related-duplicate-id", with("relatedResource", rr(map[string]any{"id": "https://example.org/a", "digestSRI": sri}, map[string]any{"id": "https://example.org/a", "digestSRI": sri})), credential.CheckRelatedResource, "/relatedResource/1/id"},
		{"fail/related-no-digest", with("relatedResource", rr(map[string]any{"id": "https://example.org/a"})), credential.CheckRelatedResource, "/relatedResource/0"},
		{"fail/related-bad-sri", with("relatedResource", rr(map[string]any{"id": "https://example.org/a", "digestSRI": "sha384-abc"})), credential.CheckRelatedResource, "/relatedResource/0/digestSRI"},
		{"fail/related-sri-unknown-hash", with("relatedResource", rr(map[string]any{"id": "https://example.org/a", "digestSRI": "md5-" + base64.StdEncoding.EncodeToString(h[:16])})), credential.CheckRelatedResource, "/relatedResource/0/digestSRI"},
		{"ok/related-resource-multibase-list", with("relatedResource", rr(map[string]any{"id": "https://example.org/a", "digestMultibase": []any{mb, mb}})), "", ""},
		{"fail/related-multibase-list-one-bad", with("relatedResource", rr(map[string]any{"id": "https://example.org/a", "digestMultibase": []any{mb, "not-multibase"}})), credential.CheckRelatedResource, "/relatedResource/0/digestMultibase"},
		{"fail/related-multibase-empty-list", with("relatedResource", rr(map[string]any{"id": "https://example.org/a", "digestMultibase": []any{}})), credential.CheckRelatedResource, "/relatedResource/0/digestMultibase"},
		{"fail/related-multibase-raw-digest", with("relatedResource", rr(map[string]any{"id": "https://example.org/a", "digestMultibase": "u" + base64.RawURLEncoding.EncodeToString(h[:])})), credential.CheckRelatedResource, "/relatedResource/0/digestMultibase"},
		{"fail/related-bad-multibase", with("relatedResource", rr(map[string]any{"id": "https://example.org/a", "digestMultibase": "not-multibase"})), credential.CheckRelatedResource, "/relatedResource/0/digestMultibase"},
		{"fail/related-truncated-multihash", with("relatedResource", rr(map[string]any{"id": "https://example.org/a", "digestMultibase": short})), credential.CheckRelatedResource, "/relatedResource/0/digestMultibase"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := credential.ValidateIssuable(tt.doc)
			if tt.check == "" {
				if len(got) != 0 {
					t.Fatalf("problems %v", got)
				}
				return
			}
			for _, p := range got {
				if p.Check == tt.check && p.Path == tt.path && !p.Warning {
					return
				}
			}
			t.Fatalf("want %s at %s, got %v", tt.check, tt.path, got)
		})
	}
}
