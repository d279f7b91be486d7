package web

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/badged/badged/web/page"
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
				if p.AttrOr("lang", "") != "nl" || strings.Contains(p.Text(), "proof") || strings.TrimSpace(d.Find("summary").Text()) != page.VerifyText["nl"]["details"] {
					t.Errorf("detail not in Dutch (lang %q): %q", p.AttrOr("lang", ""), p.Text())
				}
			})
		})
	}
}
