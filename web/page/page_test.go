package page

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/badged/badged/verifier"
)

// TestMessages: every message is in every language, with a text, and
// each language's file is read whole.
func TestMessages(t *testing.T) {
	files := map[string]map[string]string{}
	for _, lang := range Languages {
		b, err := locales.ReadFile("locales/" + lang + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var file map[string]string
		if err := json.Unmarshal(b, &file); err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		files[lang] = file
		if len(messages[lang]) != len(files[lang]) {
			t.Errorf("%s: %d messages loaded of %d", lang, len(messages[lang]), len(files[lang]))
		}
	}
	for _, lang := range Languages {
		for id, text := range files[lang] {
			if strings.TrimSpace(text) == "" {
				t.Errorf("%s: %q is empty", lang, id)
			}
			for _, other := range Languages {
				if _, ok := files[other][id]; !ok {
					t.Errorf("%q is in %s but not in %s", id, lang, other)
				}
			}
		}
	}
	for _, lang := range Languages {
		if FallbackTerms[lang] == "" || BackpackText[lang]["requestDone"] == "" || VerifyText[lang]["result.valid"] == "" {
			t.Errorf("%s: the pages' words are not all there", lang)
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

// TestLangOf: a page's language is the one its switch chose (?lang=,
// remembered in the lang cookie), else the browser's (Accept-Language),
// else Dutch.
func TestLangOf(t *testing.T) {
	for name, tc := range map[string]struct {
		query, cookie, accept string
		want                  string
		remembers             bool
	}{
		"ok/default-nl":          {"", "", "", "nl", false},
		"ok/unknown-nl":          {"", "", "fr-FR, de;q=0.8", "nl", false},
		"ok/browser-en":          {"", "", "en-GB,en;q=0.9", "en", false},
		"ok/browser-nl":          {"", "", "nl-BE", "nl", false},
		"ok/cookie-over-browser": {"", "en", "nl", "en", false},
		"ok/switch-over-cookie":  {"nl", "en", "en", "nl", true},
		"ok/switch-en":           {"en", "", "", "en", true},
		"fail/bad-switch":        {"de", "", "", "nl", false},
		"fail/bad-cookie":        {"", "de", "en", "en", false},
	} {
		t.Run(name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/backpack?lang="+tc.query, nil)
			if tc.cookie != "" {
				r.AddCookie(&http.Cookie{Name: LangCookie, Value: tc.cookie})
			}
			if tc.accept != "" {
				r.Header.Set("Accept-Language", tc.accept)
			}
			w := httptest.NewRecorder()
			if got := LangOf(w, r); got != tc.want {
				t.Errorf("LangOf = %q, want %q", got, tc.want)
			}
			set := w.Result().Cookies()
			if remembered := len(set) == 1 && set[0].Name == LangCookie && set[0].Value == tc.want && set[0].MaxAge > 0; remembered != tc.remembers {
				t.Errorf("cookies set %v", set)
			}
		})
	}
}
