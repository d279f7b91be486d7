package page

import (
	"cmp"
	"encoding/json"
	"time"

	"github.com/badged/badged/verifier"
	"github.com/badged/badged/wallet"
)

// Presented is one credential of a checked presentation, for a page: its
// card, what it means, its verdict and checks in the page's words. The
// shared-presentation page and the employer's page of an OpenID4VP answer
// show them alike (templates "verdict", "meaning", "checks").
type Presented struct {
	T       map[string]string
	Card    Card
	Meaning Meaning
	V       Verdict
	Results []Check
}

// PresentedOf says the credentials of a presentation's result res in the
// words of b's page; now is the clock of status ages.
func PresentedOf(b Base, res *verifier.Result, now time.Time) []Presented {
	if res == nil {
		return nil
	}
	var out []Presented
	for _, cr := range res.Credentials {
		pc := Presented{T: b.T}
		pc.V, pc.Results = VerificationOf(b.Checks, cr, now)
		var sum wallet.Summary
		var raw []byte
		if cr.Credential != nil {
			sum = wallet.Summarize(cr.Credential)
			raw, _ = json.Marshal(cr.Credential)
		}
		state := cmp.Or(wallet.StateOf(cr), wallet.StateIssued)
		pc.Card = Card{Name: cmp.Or(sum.Name, b.T["sharedBy"]), Issuer: cmp.Or(sum.IssuerName, sum.IssuerID),
			Issued: DateText(b.Lang, sum.Issued), ValidUntil: DateText(b.Lang, sum.ValidUntil), State: state, Image: ImageURL(sum)}
		pc.Meaning = MeaningOf(raw, cr, sum)
		out = append(out, pc)
	}
	return out
}
