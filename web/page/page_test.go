package page

import (
	"net/http"
	"testing"
	"time"

	"github.com/badged/badged/verifier"
)

// TestBackpackText: both languages have every text.
func TestBackpackText(t *testing.T) {
	for lang, other := range map[string]string{"en": "nl", "nl": "en"} {
		for k := range BackpackText[lang] {
			if _, ok := BackpackText[other][k]; !ok {
				t.Errorf("%q is in %s but not in %s", k, lang, other)
			}
		}
		if _, ok := FallbackTerms[lang]; !ok {
			t.Errorf("no terms in %s", lang)
		}
	}
}

func TestWantsHTML(t *testing.T) {
	for accept, want := range map[string]bool{
		"": false, "application/json": false, "*/*": true, "text/html": true,
		"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8":                                                      true,
		"application/json, text/html;q=0.5":                                                                                    false,
		"application/vc+ld+json, application/ld+json;q=0.9, application/json;q=0.8, application/vc+jwt;q=0.7, image/png;q=0.5": false,
	} {
		r, _ := http.NewRequest("GET", "/", nil)
		r.Header.Set("Accept", accept)
		if got := WantsHTML(r); got != want {
			t.Errorf("WantsHTML(%q) = %v", accept, got)
		}
	}
}

// TestVerdictOfStoredResult: a result stored before there were three
// verdicts (no verdict field) reads as it did: verified is valid.
func TestVerdictOfStoredResult(t *testing.T) {
	T := VerifyText["en"]
	for _, tt := range []struct {
		res  *verifier.Result
		want string
	}{
		{&verifier.Result{Verified: true, Checks: []verifier.Check{{ID: verifier.CheckProof, Verdict: verifier.Pass}}}, "valid"},
		{&verifier.Result{Checks: []verifier.Check{{ID: verifier.CheckProof, Verdict: verifier.Fail}}}, "invalid"},
		{nil, "indeterminate"},
	} {
		if got := verdictOf(T, tt.res, time.Now()); got.Verdict != tt.want || got.Title == "" || got.Text == "" {
			t.Errorf("verdictOf(%+v) = %+v, want %s", tt.res, got, tt.want)
		}
	}
}

func TestCheckDetail(t *testing.T) {
	t.Run("ok/unknown wording stays English and says so", func(t *testing.T) {
		detail, lang := checkDetail("nl", "not revoked; something the verifier says only later")
		if lang != "en" || detail != "Not revoked; something the verifier says only later." {
			t.Errorf("%q %q", detail, lang)
		}
		detail, lang = checkDetail("nl", "valid until 2030-01-01T00:00:00Z; not revoked")
		if lang != "nl" || detail != "Geldig tot 2030-01-01T00:00:00Z; niet ingetrokken." {
			t.Errorf("%q %q", detail, lang)
		}
	})
}

func TestSentence(t *testing.T) {
	for in, want := range map[string]string{
		"":                              "",
		"not revoked":                   "Not revoked.",
		"expired: validUntil is 2020":   "Expired: validUntil is 2020.",
		"https://x.example/c could not": "https://x.example/c could not.",
		"did:web:x.example is unknown.": "did:web:x.example is unknown.",
	} {
		if got := Sentence(in); got != want {
			t.Errorf("sentence(%q) = %q, want %q", in, got, want)
		}
	}
}
