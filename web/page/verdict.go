package page

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/badged/badged/verifier"
)

// Verdict is the verdict on a credential or presentation in plain
// words, the same on every page (/verify, the backpack, the share and
// presentation pages): valid; not valid, saying why when it is one of the
// reasons people act on (revoked or suspended only when the issuer's list
// has its bit set, altered only when the signature does not match or is
// not the issuer's); or could not be fully checked right now, with the
// plain reasons.
type Verdict struct {
	Verdict   string   // "valid", "invalid" or "indeterminate" (verifier.Overall)
	Mark      string   // ✓, ✗ or ?
	Title     string   // the verdict in a few words
	Text      string   // what it means
	Reasons   []Reason // what could not be checked, and why
	StatusAge string   // how old the cached copy of a foreign status list is; "" when read live or just now
}

// Valid reports whether the verdict is valid (verifier.Result.Verified).
func (v Verdict) Valid() bool { return v.Verdict == string(verifier.Valid) }

// Reason is a check that could not be made: what, in the page's language,
// and why, in the verifier's words.
type Reason struct{ Text, Detail, DetailLang string }

// verdictOf says res in the words of t (VerifyText of a language), at now.
// A nil res could not be checked at all.
func verdictOf(t map[string]string, res *verifier.Result, now time.Time) Verdict {
	if res == nil {
		return Verdict{Verdict: string(verifier.Indeterminate), Mark: "?", Title: t["result.indeterminate"], Text: t["result.indeterminateText"]}
	}
	overall := res.Verdict
	if overall == "" {
		// A result stored before there were three verdicts (an import's
		// verification) had no unchecked checks: verified or not.
		overall = verifier.Invalid
		if res.Verified {
			overall = verifier.Valid
		}
	}
	v := Verdict{Verdict: string(overall)}
	switch overall {
	case verifier.Valid:
		v.Mark, v.Title, v.Text = "✓", t["result.valid"], t["result.validText"]
	case verifier.Indeterminate:
		v.Mark, v.Title, v.Text = "?", t["result.indeterminate"], t["result.indeterminateText"]
		for _, c := range res.Unchecked() {
			if c.ID == verifier.CheckSigner && KeyUnknown(res) {
				continue // the proof's Reason says it: the key could not be fetched
			}
			v.Reasons = append(v.Reasons, ReasonOf(t, c, ""))
		}
	default:
		v.Verdict = string(verifier.Invalid)
		v.Mark, v.Title = "✗", t["result.invalid"]
		switch {
		case failed(res, verifier.CheckProof) || failed(res, verifier.CheckSigner):
			v.Text = t["result.alteredText"]
		case res.Status == verifier.StatusRevoked:
			v.Text = t["result.revokedText"]
		case res.Status == verifier.StatusSuspended:
			v.Text = t["result.suspendedText"]
		case len(res.Failed()) == 1 && failed(res, verifier.CheckValidity):
			v.Text = t["result.expiredText"]
		default:
			v.Text = t["result.invalidText"]
		}
	}
	if !res.StatusFetched.IsZero() {
		// A list fetched for this verification is as live as one read
		// in-process: only a cached copy's age is worth saying.
		switch mins := int(now.Sub(res.StatusFetched) / time.Minute); {
		case mins < 1:
		case mins == 1:
			v.StatusAge = t["status.minuteAgo"]
		default:
			v.StatusAge = fmt.Sprintf(t["status.minutesAgo"], mins)
		}
	}
	return v
}

// VerificationOf says a result in t's words (the verify page's): its
// verdict and its checks.
func VerificationOf(t map[string]string, res *verifier.Result, now time.Time) (Verdict, []Check) {
	v := verdictOf(t, res, now)
	if res == nil {
		return v, nil
	}
	return v, pageChecks(t, res)
}

// pageChecks says each check of res in t's words, with badged's message as
// detail (in Dutch on a Dutch page where checkDetail knows it).
func pageChecks(t map[string]string, res *verifier.Result) []Check {
	var out []Check
	for _, c := range res.Checks {
		r := ReasonOf(t, c, res.Status)
		out = append(out, Check{ID: c.ID, Verdict: string(c.Verdict), Text: r.Text, Detail: r.Detail, DetailLang: r.DetailLang})
	}
	return out
}

// ReasonOf says check c of a result whose Status is status (for a
// reason: why it failed or could not be made) in t's words
// ([checkText]), with the verifier's message as detail ([checkDetail]).
func ReasonOf(t map[string]string, c verifier.Check, status string) Reason {
	detail, lang := checkDetail(t["lang"], c.Message)
	return Reason{Text: checkText(t, c, status), Detail: detail, DetailLang: lang}
}

// checkText says a check's outcome in plain words. status is the result's
// Status: a failed status check is said to be revoked or suspended only
// when the issuer's list has the bit set.
func checkText(t map[string]string, c verifier.Check, status string) string {
	if c.ID == verifier.CheckStatus && c.Verdict == verifier.Fail && status != "" {
		return t["check.status."+status]
	}
	if s, ok := t["check."+c.ID+"."+string(c.Verdict)]; ok {
		return s
	}
	return t["label."+c.ID] + ": " + t["verdict."+string(c.Verdict)]
}

// KeyUnknown reports whether the issuer's key could not be fetched, so
// that who signed is not known yet.
func KeyUnknown(res *verifier.Result) bool {
	c, ok := res.Check(verifier.CheckProof)
	return ok && c.Verdict == verifier.Unchecked
}

// Sentence makes a verifier message a Sentence: capitalized, with a full
// stop. A message that starts with a URL or a DID ("https://…", "did:web:…")
// keeps it as it is.
func Sentence(msg string) string {
	if msg == "" {
		return ""
	}
	first, _, _ := strings.Cut(msg, " ")
	if !strings.Contains(strings.TrimSuffix(first, ":"), ":") {
		r, n := utf8.DecodeRuneInString(msg)
		msg = string(unicode.ToUpper(r)) + msg[n:]
	}
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}

func failed(res *verifier.Result, id string) bool {
	c, ok := res.Check(id)
	return ok && c.Verdict == verifier.Fail
}

// Check is a check in plain words, with badged's message as detail.
type Check struct {
	ID, Verdict, Text, Detail string
	DetailLang                string // the language of Detail (see checkDetail)
}
