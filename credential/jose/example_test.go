package jose_test

import (
	"crypto/ed25519"
	"fmt"
	"time"

	"github.com/badged/badged/credential/jose"
)

func Example() {
	// A fixed seed keeps the example reproducible; use crypto/rand in real code.
	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	credential := map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":        "urn:uuid:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
		"type":      []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":    map[string]any{"id": "did:web:badges.example.edu", "type": []any{"Profile"}, "name": "Example University"},
		"validFrom": "2025-09-01T09:00:00Z",
		"credentialSubject": map[string]any{
			"id":          "did:example:learner",
			"type":        []any{"AchievementSubject"},
			"achievement": map[string]any{"id": "https://badges.example.edu/a/1", "type": []any{"Achievement"}, "name": "Teamwork"},
		},
	}

	token, err := jose.Sign(credential, key, "did:web:badges.example.edu#key-1", jose.OBJWT)
	if err != nil {
		fmt.Println(err)
		return
	}

	// A verifier parses, resolves the kid to a key it trusts, verifies, and
	// then checks the claims against the credential.
	tok, err := jose.Parse(token)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tok.Format, tok.Header.Alg, tok.Header.Kid)
	if err := tok.Verify(key.Public()); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("signature ok; iss =", tok.Claims["iss"])
	fmt.Println("problems:", tok.CheckClaims(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	// Output:
	// OB 3.0 VC-JWT EdDSA did:web:badges.example.edu#key-1
	// signature ok; iss = did:web:badges.example.edu
	// problems: []
}
