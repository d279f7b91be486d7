package verifier_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/badged/badged/contexts"
	"github.com/badged/badged/credential"
	"github.com/badged/badged/credential/dataintegrity"
	"github.com/badged/badged/did"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/verifier"
)

// TestOtherDeploymentsContext: a credential of another badged names that
// deployment's own v2 context, which this verifier does not hold and never
// fetches. It could not be checked (with the reason), never invalid; a
// verifier holding the context finds it valid, and a tampered copy invalid.
func TestOtherDeploymentsContext(t *testing.T) {
	const other = "https://badges.other.example"
	s := keySigner(t, 7)
	a := credential.Achievement{ID: other + "/badgeclasses/1", Name: "Statistics", Description: "Basic statistics",
		Criteria: &credential.Criteria{Narrative: "Pass the exam."}, LearningOutcome: "Can run a t-test."}
	c, err := credential.New(a, credential.Profile{ID: s.did()}, credential.Recipient{DID: "did:example:learner"},
		credential.WithBaseURL(other), credential.WithClock(negClock), credential.WithRand(bytes.NewReader(make([]byte, 16))))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := c.Map()
	if err != nil {
		t.Fatal(err)
	}
	theirs := jsonld.New(must(t)(contexts.NewLoader().WithBase(other)))
	signed, _ := json.Marshal(signDI(t, dataintegrity.New(theirs), doc, s, dataintegrity.RDFC))
	tampered := bytes.Replace(signed, []byte("Can run a t-test."), []byte("Can run any test."), 1)

	ours := verifier.New(jsonld.New(contexts.NewLoader()), did.NewResolver(nil), verifier.WithClock(negClock))
	for name, in := range map[string][]byte{"genuine": signed, "tampered": tampered} {
		res := ours.Verify(context.Background(), in)
		jl, _ := res.Check(verifier.CheckJSONLD)
		proof, _ := res.Check(verifier.CheckProof)
		if res.Verdict != verifier.Indeterminate || jl.Verdict != verifier.Unchecked || proof.Verdict != verifier.Unchecked {
			t.Errorf("%s, without the context: %s", name, describe(res))
		}
	}
	holding := verifier.New(theirs, did.NewResolver(nil), verifier.WithClock(negClock))
	if res := holding.Verify(context.Background(), signed); res.Verdict != verifier.Valid {
		t.Errorf("with the context: %s", describe(res))
	}
	if res := holding.Verify(context.Background(), tampered); res.Verdict != verifier.Invalid {
		t.Errorf("tampered, with the context: %s", describe(res))
	}
}

func must(t *testing.T) func(*contexts.Loader, error) *contexts.Loader {
	return func(l *contexts.Loader, err error) *contexts.Loader {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
}
