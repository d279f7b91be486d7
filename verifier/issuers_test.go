package verifier

import (
	"context"
	"testing"
)

func TestParseTrustedIssuers(t *testing.T) {
	for name, tc := range map[string]struct {
		in   string
		ok   bool
		want string
	}{
		"ok":              {`{" did:web:a ": " A "}`, true, "A"},
		"fail/not-object": {`["did:web:a"]`, false, ""},
		"fail/empty-name": {`{"did:web:a": " "}`, false, ""},
	} {
		t.Run(name, func(t *testing.T) {
			tr, err := ParseTrustedIssuers([]byte(tc.in))
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v", err)
			}
			if !tc.ok {
				return
			}
			k, ok := IssuerDirectories{nil, tr}.KnownIssuer(context.Background(), "did:web:a")
			if !ok || k.Name.EN != tc.want || k.Source != SourceTrusted {
				t.Errorf("KnownIssuer = %+v, %v", k, ok)
			}
		})
	}
}

func TestKnownIssuerOf(t *testing.T) {
	dir := TrustedIssuers{"did:web:a": "A"}
	signed := &Result{Issuer: "did:web:a", Checks: []Check{{ID: CheckProof, Verdict: Pass}, {ID: CheckSigner, Verdict: Warning}}}
	if _, ok := KnownIssuerOf(context.Background(), dir, signed); !ok {
		t.Error("a credential signed with the issuer's key: issuer not known")
	}
	tampered := &Result{Issuer: "did:web:a", Checks: []Check{{ID: CheckProof, Verdict: Fail}, {ID: CheckSigner, Verdict: Pass}}}
	if k, ok := KnownIssuerOf(context.Background(), dir, tampered); ok {
		t.Errorf("a tampered credential's issuer is known: %+v", k)
	}
	if _, ok := KnownIssuerOf(context.Background(), nil, signed); ok {
		t.Error("a nil directory knows an issuer")
	}
}

func TestMatchSubject(t *testing.T) {
	cred := map[string]any{"credentialSubject": map[string]any{"id": "did:example:learner"}}
	for name, tc := range map[string]struct {
		cred     map[string]any
		identity string
		want     Verdict
	}{
		"ok/id":        {cred, "did:example:learner", Pass},
		"fail/other":   {cred, "did:example:other", Fail},
		"skip/subject": {map[string]any{}, "did:example:learner", Skipped},
	} {
		t.Run(name, func(t *testing.T) {
			if got := MatchSubject(tc.cred, tc.identity); got != tc.want {
				t.Errorf("MatchSubject = %s, want %s", got, tc.want)
			}
		})
	}
}
