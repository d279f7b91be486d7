package openid4vci_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"testing"

	"github.com/badged/badged/did"
	"github.com/badged/badged/openid4vci"
	gojose "github.com/go-jose/go-jose/v4"
)

// FuzzHolders: any proof is refused with a protocol error or accepted,
// never a panic or another kind of error; a proof accepted names a DID.
func FuzzHolders(f *testing.F) {
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	d, _ := did.KeyDID(key.Public())
	f.Add(proofJWT(f, key, gojose.EdDSA, d+"#"+d[len("did:key:"):], `{"aud":"`+issuerURL+`","iat":0,"nonce":"n"}`))
	f.Add(proofJWT(f, key, gojose.EdDSA, "", `{"aud":["x","`+issuerURL+`"],"iat":1,"nonce":""}`))
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("a.b.c")
	s, _ := newService(f)
	f.Fuzz(func(t *testing.T, proof string) {
		holders, err := s.Holders(context.Background(), []string{proof})
		var pe *openid4vci.Error
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("not a protocol error: %v", err)
		}
		if err == nil && (len(holders) != 1 || holders[0] == "") {
			t.Fatalf("accepted without a holder: %v", holders)
		}
	})
}
