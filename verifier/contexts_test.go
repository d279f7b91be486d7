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

// TestBadgedV1Credential: a credential in the form badged issued before
// its v2 context (https://w3id.org/badged/v1, ectsCredits, eqfLevel...)
// still verifies; the context stays embedded.
func TestBadgedV1Credential(t *testing.T) {
	s := keySigner(t, 8)
	var doc map[string]any
	err := json.Unmarshal([]byte(`{
	  "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "https://w3id.org/badged/v1"],
	  "id": "urn:uuid:00000000-0000-4000-8000-000000000001", "type": ["VerifiableCredential", "OpenBadgeCredential"],
	  "issuer": {"id": "`+s.did()+`", "type": ["Profile"], "name": "Example University",
	    "parentOrg": {"id": "https://badges.example.edu/institutions/1", "type": ["Profile"], "schacHome": "example.edu", "brin": "21PB"}},
	  "validFrom": "2026-06-30T12:00:00Z", "name": "Statistics",
	  "credentialSubject": {"id": "did:example:learner", "type": ["AchievementSubject"], "achievement": {
	    "id": "https://badges.example.edu/badgeclasses/1", "type": ["Achievement"], "name": "Statistics", "description": "Basic statistics",
	    "criteria": {"narrative": "Pass the exam."}, "creditsAvailable": 2.5, "ectsCredits": 2.5, "eqfLevel": 6, "nlqfLevel": "entry-1",
	    "educationProgramIdentifier": "34479", "studyLoad": 70}}}`), &doc)
	if err != nil {
		t.Fatal(err)
	}
	p := jsonld.New(contexts.NewLoader())
	signed, _ := json.Marshal(signDI(t, dataintegrity.New(p), doc, s, dataintegrity.RDFC))
	v := verifier.New(p, did.NewResolver(nil), verifier.WithClock(negClock))
	if res := v.Verify(context.Background(), signed); res.Verdict != verifier.Valid {
		t.Errorf("v1 credential: %s", describe(res))
	}
	tampered := bytes.Replace(signed, []byte(`"eqfLevel":6`), []byte(`"eqfLevel":7`), 1)
	if bytes.Equal(tampered, signed) {
		t.Fatal("nothing to tamper with")
	}
	if res := v.Verify(context.Background(), tampered); res.Verdict != verifier.Invalid {
		t.Errorf("tampered v1 credential: %s", describe(res))
	}
}
