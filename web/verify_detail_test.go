package web

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestDetailNL verifies real credentials (Data Integrity and JWT, valid
// and revoked, and broken input) on the Dutch verify page: every check's
// technical detail is in Dutch, under the Dutch label, marked lang="nl".
// A change of the verifier's wording makes a detail English and fails
// here; detailNL is then brought up to date.
func TestDetailNL(t *testing.T) {
	e := newVerifyEnv(t, false)
	trusted := newVerifyEnv(t, true)
	for name, tc := range map[string]struct {
		env   *verifyEnv
		input string
	}{
		"ok/valid":         {e, string(e.creds.valid)},
		"ok/jwt":           {trusted, trusted.creds.jwt},
		"fail/revoked":     {e, string(e.creds.revoked)},
		"fail/ends early":  {e, `{"a":1`},
		"fail/not a badge": {e, "hello"},
	} {
		t.Run(name, func(t *testing.T) {
			_, doc := formPost(t, tc.env.ts, "?lang=nl", map[string]string{"credential": tc.input}, "", nil, nil)
			details := doc.Find("li.check details")
			if details.Length() == 0 {
				t.Fatalf("no details:\n%s", describePage(doc))
			}
			details.Each(func(_ int, d *goquery.Selection) {
				p := d.Find(".detail")
				if p.AttrOr("lang", "") != "nl" || strings.Contains(p.Text(), "proof") || strings.TrimSpace(d.Find("summary").Text()) != pageText["nl"]["details"] {
					t.Errorf("detail not in Dutch (lang %q): %q", p.AttrOr("lang", ""), p.Text())
				}
			})
		})
	}
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
		if got := sentence(in); got != want {
			t.Errorf("sentence(%q) = %q, want %q", in, got, want)
		}
	}
}
