package verifier_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	gojose "github.com/go-jose/go-jose/v4"

	"github.com/badged/badged/did"
	"github.com/badged/badged/verifier"
)

// signWithEmbeddedKey signs c as an OB VC-JWT whose header carries the
// signing key as a jwk and names no kid.
func signWithEmbeddedKey(t *testing.T, c map[string]any, s signer) string {
	t.Helper()
	opts := (&gojose.SignerOptions{EmbedJWK: true}).WithType("JWT")
	sig, err := gojose.NewSigner(gojose.SigningKey{Algorithm: gojose.EdDSA, Key: s.key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	payload := map[string]any{}
	for k, v := range c {
		payload[k] = v
	}
	id, _ := c["issuer"].(map[string]any)["id"].(string)
	payload["iss"], payload["jti"] = id, c["id"]
	for claim, field := range map[string]string{"nbf": "validFrom", "exp": "validUntil"} {
		if s, ok := c[field].(string); ok {
			at, err := time.Parse(time.RFC3339, s)
			if err != nil {
				t.Fatal(err)
			}
			payload[claim] = at.Unix()
		}
	}
	b, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := sig.Sign(b)
	if err != nil {
		t.Fatal(err)
	}
	token, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// TestEmbeddedKeySigner: a key embedded in a JWT header can only stand for
// the issuer when the issuer IS that key (did:jwk, did:key), or, with a
// warning, for an https issuer; a did:web issuer cannot be impersonated by
// putting any key in the header.
func TestEmbeddedKeySigner(t *testing.T) {
	e := newNegEnv(t)
	attacker := e.other
	jwkDID, err := did.JWKDID(attacker.key.Public())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		issuer  string
		verdict verifier.Verdict
	}{
		{"fail/did:web issuer", scienceDID, verifier.Fail},
		{"ok/the issuer is the key's did:jwk", jwkDID, verifier.Pass},
		{"ok/the issuer is the key's did:key", attacker.did(), verifier.Pass},
		{"warn/https issuer publishing nothing", "https://badges.example.edu/issuers/science", verifier.Warning},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.cred(t, issuedBy(tt.issuer), del("credentialStatus"))
			res := e.v.Verify(context.Background(), []byte(signWithEmbeddedKey(t, c, attacker)))
			if proof, _ := res.Check(verifier.CheckProof); proof.Verdict != verifier.Pass {
				t.Fatalf("proof = %+v, want pass\n%s", proof, describe(res))
			}
			got, _ := res.Check(verifier.CheckSigner)
			if got.Verdict != tt.verdict {
				t.Errorf("signer = %s (%s), want %s", got.Verdict, got.Message, tt.verdict)
			}
			if res.Verified != (tt.verdict != verifier.Fail) {
				t.Errorf("verified = %v\n%s", res.Verified, describe(res))
			}
		})
	}
}
