package verifier_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/badged/badged/contexts"
	"github.com/badged/badged/credential/dataintegrity"
	"github.com/badged/badged/did"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/verifier"
)

// TestPresentationFromDigitalBazaar verifies a presentation that Digital
// Bazaar's stack signed, with a credential it signed inside, as the VC
// Data Model 2.0 test suite sends it to POST /presentations/verify. Its
// proof covers the credential as a named graph, which badged's expansion
// lost (issue #9); a changed credential or challenge still fails.
func TestPresentationFromDigitalBazaar(t *testing.T) {
	var req struct {
		VerifiablePresentation map[string]any
		Options                struct{ Challenge, Domain string }
	}
	if err := json.Unmarshal(readFile(t, "../testdata/vectors/presentations/vp-presentation-vc-ok.json"), &req); err != nil {
		t.Fatal(err)
	}
	v := verifier.New(jsonld.New(contexts.NewLoader()), did.NewResolver(nil))
	opts := verifier.PresentationOptions{Challenge: req.Options.Challenge, Domain: req.Options.Domain}
	fresh := func(t *testing.T) map[string]any {
		t.Helper()
		var vp map[string]any
		if err := json.Unmarshal(marshal(t, req.VerifiablePresentation), &vp); err != nil {
			t.Fatal(err)
		}
		return vp
	}

	t.Run("ok", func(t *testing.T) {
		res := v.VerifyPresentation(context.Background(), fresh(t), opts)
		if !res.Verified {
			t.Fatalf("not verified\n%s", describe(res))
		}
		if c, _ := res.Check(verifier.CheckHolder); c.Verdict != verifier.Pass {
			t.Errorf("holder check %s: %s", c.Verdict, c.Message)
		}
		if len(res.Credentials) != 1 || !res.Credentials[0].Verified {
			t.Errorf("the embedded credential does not verify\n%s", describe(res))
		}
	})
	t.Run("fail/credential changed", func(t *testing.T) {
		vp := fresh(t)
		cred := vp["verifiableCredential"].([]any)[0].(map[string]any)
		cred["credentialSubject"].(map[string]any)["id"] = "did:example:someone-else"
		res := v.VerifyPresentation(context.Background(), vp, opts)
		if res.Verified {
			t.Fatalf("verified a presentation whose credential was changed\n%s", describe(res))
		}
		if c, _ := res.Check(verifier.CheckHolder); c.Verdict != verifier.Fail {
			t.Errorf("holder check %s, want fail", c.Verdict)
		}
	})
	t.Run("fail/another challenge", func(t *testing.T) {
		res := v.VerifyPresentation(context.Background(), fresh(t), verifier.PresentationOptions{Challenge: "replayed", Domain: opts.Domain})
		if res.Verified {
			t.Fatalf("verified for another challenge\n%s", describe(res))
		}
	})
}

// TestPresentationBareJWTRefused: a JWT credential as a bare string in
// verifiableCredential cannot be a graph, so eddsa-rdfc-2022 refuses to
// sign it (jsonld.js refuses it too); it goes in as an
// EnvelopedVerifiableCredential (see TestNegativePresentation).
func TestPresentationBareJWTRefused(t *testing.T) {
	h := keySigner(t, 9)
	vp := map[string]any{
		"@context":             []any{"https://www.w3.org/ns/credentials/v2"},
		"type":                 []any{"VerifiablePresentation"},
		"holder":               h.did(),
		"verifiableCredential": []any{"eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2ln"},
	}
	suite := dataintegrity.New(jsonld.New(contexts.NewLoader()))
	_, err := suite.Sign(vp, h.key, dataintegrity.Options{VerificationMethod: h.vm.ID, ProofPurpose: dataintegrity.Authentication})
	var de *dataintegrity.Error
	if !errors.As(err, &de) || de.Reason != dataintegrity.ReasonJSONLD {
		t.Fatalf("signed a presentation with a bare JWT string: err %v, want a JSON-LD error", err)
	}
	t.Log(err)
}
