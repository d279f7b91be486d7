package verifier

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/egress"
	"github.com/badged/badged/statuslist"
)

// checkStatus looks up each credentialStatus entry: a Bitstring Status List
// (or StatusList2021) bit in a list credential that must itself verify and
// come from the same issuer, or a 1EdTech revocation list.
func (v *Verifier) checkStatus(ctx context.Context, doc map[string]any, rep *report, res *Result) {
	raw, ok := doc["credentialStatus"]
	if !ok {
		rep.add(CheckStatus, Pass, "the credential has no status entry: it cannot be revoked")
		return
	}
	entries, err := statuslist.ParseEntry(raw)
	if err != nil {
		rep.add(CheckStatus, Fail, badged.MessageOf(err))
		return
	}
	if len(entries) == 0 {
		rep.add(CheckStatus, Warning, "the credential's status entry is of a kind badged does not know; it was not checked")
		return
	}
	if v.status == nil {
		rep.add(CheckStatus, Skipped, "status lists are not looked up by this verifier")
		return
	}
	if len(entries) > v.limits.StatusEntries {
		rep.add(CheckStatus, Fail, fmt.Sprintf("the credential has %d status entries; badged looks up at most %d, so none was checked", len(entries), v.limits.StatusEntries))
		return
	}
	// Entries are checked in parallel, each into its own result; what they
	// found is merged after: revoked over suspended, the oldest list age.
	found := make([]Result, len(entries))
	each(len(entries), rep, func(i int, rep *report) {
		found[i].Issuer = res.Issuer
		v.checkEntry(ctx, doc, entries[i], rep, &found[i])
	})
	for _, f := range found {
		if f.Status != "" && (res.Status == "" || f.Status == StatusRevoked) {
			res.Status = f.Status
		}
		if !f.StatusFetched.IsZero() && (res.StatusFetched.IsZero() || f.StatusFetched.Before(res.StatusFetched)) {
			res.StatusFetched = f.StatusFetched
		}
	}
}

func (v *Verifier) checkEntry(ctx context.Context, doc map[string]any, e statuslist.Entry, rep *report, res *Result) {
	body, err := v.fetchStatus(ctx, e.ListCredential, res)
	if err != nil {
		if definitive(err) {
			rep.add(CheckStatus, Fail, fmt.Sprintf("the status list %s: %s", e.ListCredential, badged.MessageOf(err)))
		} else {
			rep.add(CheckStatus, Unchecked, fmt.Sprintf("the status list could not be fetched (%s)", badged.MessageOf(err)))
		}
		return
	}
	if e.Type == statuslist.TypeRevocationList {
		list, err := v.decode(body)
		if err != nil {
			rep.add(CheckStatus, Unchecked, fmt.Sprintf("the revocation list %s could not be read: it is not a JSON document", e.ListCredential))
			return
		}
		id, _ := doc["id"].(string)
		revoked, reason, err := statuslist.CheckRevocationList(e, id, list)
		switch {
		case err != nil:
			rep.add(CheckStatus, verdictOf(err), badged.MessageOf(err))
		case revoked:
			res.Status = StatusRevoked
			rep.add(CheckStatus, Fail, revokedMessage(reason))
		default:
			rep.add(CheckStatus, Pass, "not revoked")
		}
		return
	}

	// The list is a credential: verify it (without its own status, which
	// would recurse) and require the credential's issuer to have signed it.
	// A list that cannot be trusted leaves the status unknown: it says
	// nothing against the credential, whose issuer chose the list's URL.
	// A list whose bytes were verified a moment ago is not verified again.
	list, ok := v.verifiedListOf(body)
	if !ok {
		lv := *v
		lv.status = nil
		lv.memo = nil // remembered by its bytes, below
		listResult := lv.Verify(ctx, body)
		if !listResult.Verified {
			var why []string
			for _, c := range append(listResult.Failed(), listResult.Unchecked()...) {
				why = append(why, c.ID+": "+c.Message)
			}
			rep.add(CheckStatus, Unchecked, fmt.Sprintf("the status list %s could not be trusted (%s)", e.ListCredential, strings.Join(why, "; ")))
			return
		}
		list = newVerifiedList(listResult.Issuer, listResult.Credential)
		v.rememberList(body, list, listResult)
	}
	if list.issuer != res.Issuer {
		rep.add(CheckStatus, Unchecked, fmt.Sprintf("the status list %s was issued by %s, not by the credential's issuer", e.ListCredential, list.issuer))
		return
	}
	set, err := statuslist.CheckWith(e, list.credential, list.bits)
	switch {
	case err != nil:
		rep.add(CheckStatus, verdictOf(err), badged.MessageOf(err))
	case set && e.Purpose == "suspension":
		if res.Status == "" {
			res.Status = StatusSuspended
		}
		rep.add(CheckStatus, Fail, "suspended by the issuer")
	case set:
		res.Status = StatusRevoked
		rep.add(CheckStatus, Fail, revokedMessage(""))
	default:
		rep.add(CheckStatus, Pass, fmt.Sprintf("not %s (status list %s, entry %d)", purposeWord(e.Purpose), e.ListCredential, e.Index))
	}
}

// fetchStatus fetches the status list of one entry, and records in res
// (the entry's own result: checkStatus keeps the oldest of them) when a
// cached list was fetched from its source.
func (v *Verifier) fetchStatus(ctx context.Context, url string, res *Result) ([]byte, error) {
	body, fetched, err := FetchAged(ctx, v.status, url)
	if err == nil {
		res.StatusFetched = fetched
	}
	return body, err
}

func revokedMessage(reason string) string {
	if reason != "" {
		return "revoked by the issuer: " + reason
	}
	return "revoked by the issuer"
}

func purposeWord(p string) string {
	if p == "suspension" {
		return "suspended"
	}
	return "revoked"
}

// FetchAged fetches url with f, and says when what it returns was fetched
// from its source when f is an [AgedFetcher] (the zero time otherwise: read
// live). A Fetcher that wraps another implements AgedFetcher with it:
//
//	func (w wrapper) FetchAged(ctx context.Context, url string) ([]byte, time.Time, error) {
//		return verifier.FetchAged(ctx, w.inner, url)
//	}
func FetchAged(ctx context.Context, f Fetcher, url string) ([]byte, time.Time, error) {
	if af, ok := f.(AgedFetcher); ok {
		return af.FetchAged(ctx, url)
	}
	body, err := f.Fetch(ctx, url)
	return body, time.Time{}, err
}

// HTTPFetcher fetches status lists over HTTP with a client that applies the
// operator's egress policy (see package egress).
type HTTPFetcher struct {
	Client   *http.Client
	MaxBytes int64 // 0: egress's default
}

// statusAccept is the Accept header of status list fetches.
const statusAccept = "application/vc+ld+json, application/ld+json;q=0.9, application/json;q=0.8, application/vc+jwt;q=0.7"

// Fetch GETs url. Every error is a *badged.Error of kind Unavailable (the
// list could not be had: refused by the egress policy, which it wraps as
// egress.ErrRefused, timed out, an error status, too large), its message
// in plain words.
func (f HTTPFetcher) Fetch(ctx context.Context, url string) ([]byte, error) {
	body, _, err := egress.Fetch(ctx, f.Client, url, f.MaxBytes, statusAccept)
	return body, egress.Unreachable(err)
}
