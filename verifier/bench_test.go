package verifier_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/badged/badged/contexts"
	"github.com/badged/badged/credential/dataintegrity"
	"github.com/badged/badged/credential/jose"
	"github.com/badged/badged/did"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/statuslist"
	"github.com/badged/badged/verifier"
)

// benchStatus serves status list credentials from memory: the benchmark
// measures verification, not the network.
type benchStatus map[string][]byte

func (s benchStatus) Fetch(_ context.Context, url string) ([]byte, error) {
	if b, ok := s[url]; ok {
		return b, nil
	}
	return nil, fmt.Errorf("no document at %s", url)
}

// BenchmarkVerify is the full verification (every check: format, context,
// JSON-LD, schema, structure, proof, signer, validity, and status, which
// verifies the rdfc-signed status list credential too) of the realistic
// ~3 KB credential, testdata/credential-3kb.json, issued by a did:key and
// signed in each format. The status list comes from memory.
func BenchmarkVerify(b *testing.B) {
	raw, err := os.ReadFile("../testdata/credential-3kb.json")
	if err != nil {
		b.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		b.Fatal(err)
	}
	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	issuer, err := did.KeyDID(key.Public())
	if err != nil {
		b.Fatal(err)
	}
	vm := issuer + "#" + strings.TrimPrefix(issuer, "did:key:")
	doc["issuer"].(map[string]any)["id"] = issuer

	proc := jsonld.New(contexts.NewLoader())
	suite := dataintegrity.New(proc)
	validFrom, _ := time.Parse(time.RFC3339, doc["validFrom"].(string))
	entry := doc["credentialStatus"].(map[string]any)
	listURL := entry["statusListCredential"].(string)
	list, err := suite.Sign(statuslist.ListCredential(listURL, issuer, "revocation", statuslist.New(131072), validFrom),
		key, dataintegrity.Options{VerificationMethod: vm, Created: validFrom})
	if err != nil {
		b.Fatal(err)
	}
	listJSON, err := json.Marshal(list)
	if err != nil {
		b.Fatal(err)
	}

	inputs := map[string][]byte{}
	for _, cs := range []string{dataintegrity.RDFC, dataintegrity.JCS} {
		signed, err := suite.Sign(doc, key, dataintegrity.Options{Cryptosuite: cs, VerificationMethod: vm, Created: validFrom})
		if err != nil {
			b.Fatal(err)
		}
		if inputs[cs], err = json.Marshal(signed); err != nil {
			b.Fatal(err)
		}
	}
	tok, err := jose.Sign(doc, key, vm, jose.OBJWT)
	if err != nil {
		b.Fatal(err)
	}
	inputs["vc-jwt"] = []byte(tok)

	clock := func() time.Time { return validFrom.Add(24 * time.Hour) }
	ctx := context.Background()
	// "again" verifies one credential over and over, as a partner
	// re-checking does: what depends only on its content is remembered.
	// "first" verifies it as if never seen (no content memo).
	for _, again := range []bool{false, true} {
		v := verifier.New(proc, did.NewResolver(nil),
			verifier.WithStatus(benchStatus{listURL: listJSON}), verifier.WithClock(clock))
		seen := "again"
		if !again {
			v = verifier.New(proc, did.NewResolver(nil),
				verifier.WithStatus(benchStatus{listURL: listJSON}), verifier.WithClock(clock), verifier.WithContentMemo(0))
			seen = "first"
		}
		for _, name := range []string{dataintegrity.RDFC, dataintegrity.JCS, "vc-jwt"} {
			b.Run(name+"/"+seen, func(b *testing.B) {
				in := inputs[name]
				res := v.Verify(ctx, in)
				if !res.Verified {
					b.Fatalf("does not verify: %v", res.Failed())
				}
				for _, c := range res.Checks {
					if c.Verdict == verifier.Skipped {
						b.Fatalf("check %s was skipped: %s", c.ID, c.Message)
					}
				}
				b.SetBytes(int64(len(in)))
				b.ReportAllocs()
				for b.Loop() {
					if !v.Verify(ctx, in).Verified {
						b.Fatal("does not verify")
					}
				}
			})
		}
	}
}
