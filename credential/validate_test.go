package credential

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const fixtures = "../testdata/vectors/ob3-validator-fixtures/"

// want is the structural outcome of a fixture: the checks that must report
// an error (none: structurally valid), and whether a warning is expected.
type want struct {
	errors  []string
	warning bool
	why     string
}

// expected maps every JSON fixture to its structural outcome. EXPECTED.md
// gives 1EdTech's overall outcome; proofs, dates against the clock and status
// belong to other packages, so those fixtures must be structurally valid
// here unless they also carry a structural fault (noted in why).
var expected = map[string]want{
	"simple.json":                                        {},
	"simple-did-key-method.json":                         {},
	"simple-did-web-method.json":                         {why: "single proof object: normalised to an array"},
	"simple-context-alias.json":                          {},
	"simple_v1.json":                                     {warning: true, why: "VC 1.1"},
	"simple-eddsa-2022.json":                             {warning: true, why: "VC 1.1 + OB 3.0.1; the legacy cryptosuite is the proof's business"},
	"simple-context-version.json":                        {errors: []string{CheckContext}, why: "OB context 3.0.2 with VC 2.0: EXPECTED.md gives an @context error"},
	"simple-multiple-proofs.json":                        {why: "the undefined proof type is a JSON-LD error, not structural"},
	"simple-err-type.json":                               {errors: []string{CheckType}},
	"simple-err-context.json":                            {errors: []string{CheckContext, CheckSubject, CheckSchema}, warning: true},
	"simple-err-issuer.json":                             {errors: []string{CheckIssuer, CheckSubject, CheckSchema}},
	"simple-err-credential-subject-type.json":            {errors: []string{CheckSubject, CheckSchema}},
	"simple-err-credential-subject-identifier-type.json": {errors: []string{CheckSubject, CheckSchema}},
	"simple-err-credential-subject-result-type.json":     {errors: []string{CheckSubject, CheckSchema}},
	"simple-err-credential-subject-achievement-result-description-type.json": {errors: []string{CheckSubject}},
	"simple-err-credential-subject-profile-type.json":                        {errors: []string{CheckSubject}},
	"simple-err-evidence-type.json":                                          {errors: []string{CheckEvidence}},
	"simple-err-issuer-type.json":                                            {errors: []string{CheckIssuer, CheckSchema}},
	"simple-err-issuer-parentorg-type.json":                                  {errors: []string{CheckIssuer, CheckSchema}},
	"simple-err-issuer-otheridentifier-type.json":                            {errors: []string{CheckIssuer, CheckSchema}},
	"simple-err-proof-method.json":                                           {why: "proof: others' job"},
	"simple-err-proof-method-no-scheme.json":                                 {why: "proof: others' job"},
	"simple-err-proof-method-unknown-scheme.json":                            {why: "proof: others' job"},
	"simple-err-proof-method-unknown-did-method.json":                        {why: "proof: others' job"},
	"simple-err-proof-value.json":                                            {why: "proof: others' job"},
	"simple-err-expired.json":                                                {why: "expiry: others' job"},
	"simple-err-issued.json":                                                 {errors: []string{CheckSubject, CheckSchema}, why: "not yet valid is others' job; it also lacks credentialSubject.achievement"},
	"simple-noproof.json":                                                    {errors: []string{CheckSubject, CheckSchema}, warning: true, why: "no proof is the verifier's finding (VC-JWT payloads have none); it also lacks an achievement"},
	"complete.json":                                                          {errors: []string{CheckSchema}, why: "its endorsements name schemas (accrediter.edu, state.gov) that cannot be checked offline"},
	"complete_v1.json":                                                       {errors: []string{CheckSchema}, warning: true, why: "credentialSchema .../schema/achievementcredential.json does not exist; also identityType 'email' and endorsements without id"},
	"credential-status-revoked.json":                                         {warning: true, why: "revocation: others' job; VC 1.1"},
	"endorsement-valid.json":                                                 {},
	"endorsement-err-schema-status-refresh.json":                             {errors: []string{CheckSchema}, warning: true, why: "credentialSchema on state.gov cannot be checked offline"},
	"bit-string-list/credential-status-revoked.json":                         {warning: true, why: "revocation: others' job; statusListIndex is a number"},
	"bit-string-list/credential-status-revoked-blank-nodes.json":             {warning: true, why: "revocation: others' job; statusListIndex is a number"},
	"sd/derivedcredential.json":                                              {},
	// The OB examples (copies of validator fixtures and the spec's examples).
	"../ob3-examples/1edtech-validator-complete.json":                  {errors: []string{CheckSchema}},
	"../ob3-examples/1edtech-validator-credential-status-revoked.json": {warning: true},
	"../ob3-examples/1edtech-validator-endorsement-valid.json":         {},
	"../ob3-examples/1edtech-validator-simple-did-key-method.json":     {},
	"../ob3-examples/1edtech-validator-simple-eddsa-2022.json":         {warning: true},
	"../ob3-examples/1edtech-validator-simple.json":                    {},
	"../ob3-examples/ob3-spec-ldp-testvector-signed.json":              {},
	"../ob3-examples/spec-complete-openbadgecredential-example.json":   {errors: []string{CheckSchema}, why: "same endorsements as complete.json"},
}

func readDoc(tb testing.TB, name string) map[string]any {
	tb.Helper()
	b, err := os.ReadFile(fixtures + name)
	if err != nil {
		tb.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		tb.Fatal(err)
	}
	return m
}

func TestValidateFixtures(t *testing.T) {
	// Every JSON fixture must be in the table.
	var all []string
	for _, pat := range []string{"*.json", "*/*.json", "../ob3-examples/*.json"} {
		m, _ := filepath.Glob(fixtures + pat)
		for _, f := range m {
			rel, _ := filepath.Rel(fixtures, f)
			if !strings.HasSuffix(rel, "-key.json") { // a key pair, not a credential
				all = append(all, filepath.ToSlash(rel))
			}
		}
	}
	for _, f := range all {
		if _, ok := expected[f]; !ok {
			t.Errorf("fixture %s has no expected outcome", f)
		}
	}
	for name, w := range expected {
		t.Run(name, func(t *testing.T) {
			problems := Validate(readDoc(t, name))
			var gotErr []string
			gotWarn := false
			for _, p := range problems {
				if p.Warning {
					gotWarn = true
				} else if !slices.Contains(gotErr, p.Check) {
					gotErr = append(gotErr, p.Check)
				}
			}
			slices.Sort(gotErr)
			wantErr := slices.Sorted(slices.Values(w.errors))
			if !slices.Equal(gotErr, wantErr) || gotWarn != w.warning {
				t.Errorf("checks %v, warning %v; want %v, warning %v (%s)\n%s", gotErr, gotWarn, wantErr, w.warning, w.why, dump(problems))
			}
			if Valid(problems) != (len(w.errors) == 0) {
				t.Errorf("Valid = %v", Valid(problems))
			}
		})
	}
}

func dump(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString("\t" + p.String() + "\n")
	}
	return b.String()
}

func TestValidateRules(t *testing.T) {
	tests := map[string]struct {
		edit  func(m map[string]any)
		check string // "" for no error
		path  string
	}{
		"ok/simple":               {edit: func(map[string]any) {}},
		"ok/type-string-subject":  {edit: func(m map[string]any) { sub(m)["type"] = "AchievementSubject" }},
		"fail/no-context":         {edit: func(m map[string]any) { delete(m, "@context") }, check: CheckContext, path: "/@context"},
		"fail/ob-context-missing": {edit: func(m map[string]any) { m["@context"] = []any{"https://www.w3.org/ns/credentials/v2"} }, check: CheckContext, path: "/@context/1"},
		"fail/no-vc-type":         {edit: func(m map[string]any) { m["type"] = []any{"OpenBadgeCredential"} }, check: CheckType, path: "/type"},
		"fail/issuer-string":      {edit: func(m map[string]any) { m["issuer"] = "https://example.com/issuer" }, check: CheckIssuer, path: "/issuer"},
		"fail/issuer-no-id":       {edit: func(m map[string]any) { delete(m["issuer"].(map[string]any), "id") }, check: CheckIssuer, path: "/issuer/id"},
		"fail/valid-from-bad":     {edit: func(m map[string]any) { m["validFrom"] = "2010-01-01" }, check: CheckValidity, path: "/validFrom"},
		"fail/valid-until-before": {edit: func(m map[string]any) { m["validUntil"] = "2009-01-01T00:00:00Z" }, check: CheckValidity, path: "/validUntil"},
		"fail/no-valid-from":      {edit: func(m map[string]any) { delete(m, "validFrom") }, check: CheckValidity, path: "/validFrom"},
		"fail/proof-no-type":      {edit: func(m map[string]any) { m["proof"] = map[string]any{"proofValue": "z"} }, check: CheckProof, path: "/proof/type"},
		"fail/proof-scalar":       {edit: func(m map[string]any) { m["proof"] = 3.0 }, check: CheckProof, path: "/proof"},
		"fail/status-index":       {edit: func(m map[string]any) { m["credentialStatus"] = bitstring("x") }, check: CheckStatus, path: "/credentialStatus/statusListIndex"},
		"ok/status":               {edit: func(m map[string]any) { m["credentialStatus"] = bitstring("42") }},
		"fail/unknown-schema": {edit: func(m map[string]any) {
			m["credentialSchema"] = []any{map[string]any{"id": "https://example.com/s.json", "type": "1EdTechJsonSchemaValidator2019"}}
		}, check: CheckSchema, path: "/credentialSchema/0/id"},
		"ok/ob-schema": {edit: func(m map[string]any) {
			m["credentialSchema"] = []any{map[string]any{"id": SchemaURL, "type": "1EdTechJsonSchemaValidator2019"}}
		}},
		"fail/identity-hash": {edit: func(m map[string]any) {
			sub(m)["identifier"] = []any{map[string]any{"type": "IdentityObject", "hashed": true, "identityHash": "sha256$zz", "identityType": "emailAddress"}}
		}, check: CheckSubject, path: "/credentialSubject/identifier/0/identityHash"},
		"fail/achievement-not-obj": {edit: func(m map[string]any) { sub(m)["achievement"] = "x" }, check: CheckSubject, path: "/credentialSubject/achievement"},
		"fail/evidence-scalar":     {edit: func(m map[string]any) { m["evidence"] = []any{"x"} }, check: CheckEvidence, path: "/evidence/0"},
		"fail/parentorg-deep": {edit: func(m map[string]any) {
			m["issuer"].(map[string]any)["parentOrg"] = map[string]any{"id": "https://a.example", "type": "Profile", "parentOrg": "x"}
		}, check: CheckIssuer, path: "/issuer/parentOrg/parentOrg"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			m := readDoc(t, "simple.json")
			tt.edit(m)
			problems := Validate(m)
			if tt.check == "" {
				if !Valid(problems) {
					t.Fatalf("unexpected problems:\n%s", dump(problems))
				}
				return
			}
			for _, p := range problems {
				if p.Check == tt.check && p.Path == tt.path && !p.Warning {
					return
				}
			}
			t.Fatalf("no %s error at %s:\n%s", tt.check, tt.path, dump(problems))
		})
	}
}

func sub(m map[string]any) map[string]any { return m["credentialSubject"].(map[string]any) }

func bitstring(index string) map[string]any {
	return map[string]any{
		"id": "https://example.com/status/1#" + index, "type": "BitstringStatusListEntry",
		"statusPurpose": "revocation", "statusListIndex": index, "statusListCredential": "https://example.com/status/1",
	}
}

func TestValidateVC(t *testing.T) {
	m := readDoc(t, "simple-err-type.json") // a VC, but not an Open Badge
	if ps := ValidateVC(m); !Valid(ps) {
		t.Errorf("ValidateVC: %s", dump(ps))
	}
	delete(m, "issuer")
	if ps := ValidateVC(m); Valid(ps) {
		t.Error("ValidateVC accepted a credential without issuer")
	}
}

func TestValidateDoesNotModify(t *testing.T) {
	m := readDoc(t, "complete_v1.json")
	before, _ := json.Marshal(m)
	Validate(m)
	after, _ := json.Marshal(m)
	if string(before) != string(after) {
		t.Error("Validate modified its input")
	}
}

func TestValidateConcurrent(t *testing.T) {
	m := readDoc(t, "complete.json")
	want := dump(Validate(m))
	done := make(chan []Problem)
	for range 8 {
		go func() { done <- Validate(m) }()
	}
	for range 8 {
		if got := dump(<-done); got != want {
			t.Errorf("concurrent Validate differs:\n%s\nwant:\n%s", got, want)
		}
	}
}

func TestEmbeddedSchemaCompiles(t *testing.T) {
	if _, err := compiled(); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkValidate(b *testing.B) {
	m := readDoc(b, "complete.json")
	Validate(m) // compile the schema outside the loop
	b.ReportAllocs()
	for b.Loop() {
		Validate(m)
	}
}

func FuzzParse(f *testing.F) {
	for _, pat := range []string{"*.json", "*/*.json", "../ob3-examples/*.json"} {
		files, _ := filepath.Glob(fixtures + pat)
		for _, name := range files {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse(b)
		if err == nil {
			if _, err := c.Map(); err != nil {
				t.Fatalf("Map of a parsed credential: %v", err)
			}
		}
		var m map[string]any
		if json.Unmarshal(b, &m) == nil && m != nil {
			Validate(m)
			ValidateVC(m)
		}
	})
}
