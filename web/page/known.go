package page

import (
	"context"

	"github.com/badged/badged"
	"github.com/badged/badged/egress"
	"github.com/badged/badged/verifier"
)

// Known is who a directory knows an issuer to be, named in the page's
// language.
type Known struct{ Name, Source string }

// KnownOf is the issuer of res as dir knows it, named in lang, or nil
// when dir does not know it ([verifier.KnownIssuerOf]).
func KnownOf(ctx context.Context, dir verifier.IssuerDirectory, lang string, res *verifier.Result) *Known {
	k, ok := verifier.KnownIssuerOf(ctx, dir, res)
	if !ok {
		return nil
	}
	name := k.Name.EN
	if lang == "nl" && k.Name.NL != "" || name == "" {
		name = k.Name.NL
	}
	return &Known{Name: name, Source: k.Source}
}

// FetchProblem says in t's words (VerifyText) why a link or address could
// not be read: egress's Reason (see egress.ReasonOf), or, for a share of
// this server (a wallet error, NotFound), that nothing is shared there.
// Any other error is said as an address that could not be reached; the
// error itself is for the log.
func FetchProblem(t map[string]string, err error) string {
	if Reason := egress.ReasonOf(err); Reason != "" {
		if text, ok := t["fetch."+string(Reason)]; ok {
			return text
		}
	}
	if badged.KindOf(err) == badged.NotFound {
		return t["fetch.notShared"]
	}
	return t["fetch.unreachable"]
}

// MaxFormMemory is how much of a multipart form is kept in memory; the
// body limit bounds the rest.
const MaxFormMemory = 2 << 20
