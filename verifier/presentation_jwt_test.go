package verifier_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"strings"
	"testing"
	"time"

	gojose "github.com/go-jose/go-jose/v4"

	"github.com/badged/badged/contexts"
	"github.com/badged/badged/did"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/verifier"
)

// TestVerifyPresentationJWT: a VP-JWT is bound to its holder's key, its
// nonce and aud to what the verifier asked; each fail case names the
// reason that must fail the holder check.
func TestVerifyPresentationJWT(t *testing.T) {
	v := verifier.New(jsonld.New(contexts.NewLoader()), did.NewResolver(nil))
	seed := make([]byte, ed25519.SeedSize)
	key := ed25519.NewKeyFromSeed(seed)
	seed[0] = 1
	other := ed25519.NewKeyFromSeed(seed)
	holder, _ := did.KeyDID(key.Public())
	kid := holder + "#" + strings.TrimPrefix(holder, "did:key:")
	now := time.Now()
	sign := func(k ed25519.PrivateKey, kid string, claims map[string]any) string {
		s, err := gojose.NewSigner(gojose.SigningKey{Algorithm: gojose.EdDSA, Key: gojose.JSONWebKey{Key: k, KeyID: kid}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(claims)
		jws, err := s.Sign(b)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := jws.CompactSerialize()
		return out
	}
	claims := func(change func(map[string]any)) map[string]any {
		c := map[string]any{"iss": holder, "aud": "verifier", "nonce": "n-1", "iat": now.Unix(), "exp": now.Add(time.Minute).Unix(),
			"vp": map[string]any{"@context": []any{"https://www.w3.org/ns/credentials/v2"}, "type": []any{"VerifiablePresentation"}, "holder": holder}}
		if change != nil {
			change(c)
		}
		return c
	}
	o := verifier.PresentationOptions{Challenge: "n-1", Domain: "verifier"}
	tests := []struct {
		name   string
		token  string
		reason string // the holder check's reason when it fails with one
		failed bool
	}{
		{"ok", sign(key, kid, claims(nil)), "", false},
		{"fail/wrong nonce", sign(key, kid, claims(func(c map[string]any) { c["nonce"] = "n-2" })), verifier.ReasonChallenge, true},
		{"fail/wrong aud", sign(key, kid, claims(func(c map[string]any) { c["aud"] = []any{"someone else"} })), verifier.ReasonDomain, true},
		{"fail/expired", sign(key, kid, claims(func(c map[string]any) { c["exp"] = now.Add(-time.Minute).Unix() })), verifier.ReasonExpires, true},
		{"fail/signed by another key", sign(other, kid, claims(nil)), verifier.ReasonSignature, true},
		{"fail/not the holder", sign(key, kid, claims(func(c map[string]any) { c["vp"].(map[string]any)["holder"] = "did:example:x" })), "", true},
		{"fail/not the issuer", sign(key, kid, claims(func(c map[string]any) { c["iss"] = "did:example:x" })), "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := v.VerifyPresentationJWT(context.Background(), tc.token, o)
			c, ok := res.Check(verifier.CheckHolder)
			if !ok {
				t.Fatalf("no holder check: %+v", res.Checks)
			}
			var failed *verifier.Check
			for _, fc := range res.Failed() {
				if fc.ID == verifier.CheckHolder {
					failed = &fc
				}
			}
			switch {
			case !tc.failed && (failed != nil || (c.Verdict != verifier.Pass && c.Verdict != verifier.Warning)):
				t.Errorf("holder check %+v, want pass", c)
			case tc.failed && failed == nil:
				t.Errorf("holder check passed: %+v", res.Checks)
			case tc.failed && tc.reason != "" && failed.Reason != tc.reason:
				t.Errorf("reason %q, want %q", failed.Reason, tc.reason)
			}
		})
	}
	t.Run("fail/not a presentation", func(t *testing.T) {
		res := v.VerifyPresentationJWT(context.Background(), sign(key, kid, map[string]any{"nonce": "n-1"}), o)
		if res.Verdict != verifier.Invalid {
			t.Errorf("verdict %s", res.Verdict)
		}
	})
}
