package did_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"testing"

	"github.com/badged/badged"
	"github.com/badged/badged/did"
)

// The P-256 example of the did:jwk specification
// (github.com/quartzjer/did-jwk, spec.md).
const specJWKDID = "did:jwk:eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImFjYklRaXVNczNpOF91c3pFakoydHBUdFJNNEVVM3l6OTFQSDZDZEgyVjAiLCJ5IjoiX0tjeUxqOXZXTXB0bm1LdG00NkdxRHo4d2Y3NEk1TEtncmwyR3pIM25TRSJ9"

func TestJWKDIDSpecVector(t *testing.T) {
	r := did.NewResolver(noNetwork(t))
	k, err := r.ResolveKey(t.Context(), specJWKDID+"#0")
	if err != nil {
		t.Fatal(err)
	}
	if k.ID != specJWKDID+"#0" || k.Controller != specJWKDID || !k.AssertionMethod || k.SelfAsserted {
		t.Errorf("key = %+v", k)
	}
	if k.PublicKeyJwk.X != "acbIQiuMs3i8_uszEjJ2tpTtRM4EU3yz91PH6CdH2V0" {
		t.Errorf("x = %s", k.PublicKeyJwk.X)
	}
	again, err := did.JWKDID(k.PublicKey)
	if err != nil || again != specJWKDID {
		t.Errorf("JWKDID = %s, %v; want the spec's DID", again, err)
	}
	// The bare DID means its one key.
	if bare, err := r.ResolveKey(t.Context(), specJWKDID); err != nil || bare.ID != specJWKDID+"#0" {
		t.Errorf("bare DID: %+v, %v", bare, err)
	}
}

func TestJWKDIDRoundTrip(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	id, err := did.JWKDID(pub)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := did.NewResolver(noNetwork(t)).Resolve(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	got, err := doc.VerificationMethod[0].PublicKey()
	if err != nil || !pub.Equal(got) {
		t.Errorf("PublicKey = %v, %v", got, err)
	}
	if doc.VerificationMethod[0].PublicKeyJwk.Kty != "OKP" {
		t.Errorf("jwk = %+v", doc.VerificationMethod[0].PublicKeyJwk)
	}
}

func TestJWKDIDErrors(t *testing.T) {
	enc := func(v string) string { return "did:jwk:" + base64.RawURLEncoding.EncodeToString([]byte(v)) }
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	x := base64.RawURLEncoding.EncodeToString(pub)
	tests := []struct {
		name, did, msg string
	}{
		{"fail/not base64url", "did:jwk:eyJ!", "not base64url"},
		{"fail/padded", enc(`{"kty":"OKP"}`) + "=", "not base64url"},
		{"fail/not JSON", enc(`not json`), "not a JSON JWK"},
		{"fail/private key", enc(`{"kty":"OKP","crv":"Ed25519","x":"` + x + `","d":"` + x + `"}`), "contains a private key"},
		{"fail/rsa", enc(`{"kty":"RSA","n":"AQAB","e":"AQAB"}`), `kty "RSA"`},
		{"fail/short x", enc(`{"kty":"OKP","crv":"Ed25519","x":"AAAA"}`), "x is not 32 bytes"},
		{"fail/p256 off curve", enc(`{"kty":"EC","crv":"P-256","x":"` + x + `","y":"` + x + `"}`), "not a point on P-256"},
	}
	r := did.NewResolver(noNetwork(t))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := r.ResolveKey(t.Context(), tt.did+"#0")
			wantKind(t, err, badged.Invalid, tt.msg)
		})
	}

	t.Run("ok/use enc is not for assertions", func(t *testing.T) {
		k, err := r.ResolveKey(t.Context(), enc(`{"crv":"Ed25519","kty":"OKP","use":"enc","x":"`+x+`"}`)+"#0")
		if err != nil {
			t.Fatal(err)
		}
		if k.AssertionMethod {
			t.Error("AssertionMethod = true for a use=enc key")
		}
	})
	t.Run("fail/fragment other than 0", func(t *testing.T) {
		id, _ := did.JWKDID(pub)
		_, err := r.ResolveKey(t.Context(), id+"#1")
		wantKind(t, err, badged.NotFound, "is not in the DID document")
	})
}

func TestJWKMarshalOrder(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	k, err := did.NewJWK(pub)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(k)
	want := `{"crv":"Ed25519","kty":"OKP","x":"` + base64.RawURLEncoding.EncodeToString(pub) + `"}`
	if string(b) != want {
		t.Errorf("JSON = %s, want %s", b, want)
	}
}
