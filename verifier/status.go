package verifier

import (
	"context"
	"fmt"
	"net/http"

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
	each(len(entries), rep, func(i int, rep *report) { v.checkEntry(ctx, doc, entries[i], rep, res) })
}

func (v *Verifier) checkEntry(ctx context.Context, doc map[string]any, e statuslist.Entry, rep *report, res *Result) {
	body, err := v.status.Fetch(ctx, e.ListCredential)
	if err != nil {
		rep.add(CheckStatus, Fail, fmt.Sprintf("the status list %s could not be read: %s", e.ListCredential, badged.MessageOf(err)))
		return
	}
	if e.Type == statuslist.TypeRevocationList {
		list, err := v.decode(body)
		if err != nil {
			rep.add(CheckStatus, Fail, fmt.Sprintf("the revocation list %s: %v", e.ListCredential, err))
			return
		}
		id, _ := doc["id"].(string)
		revoked, reason, err := statuslist.CheckRevocationList(e, id, list)
		switch {
		case err != nil:
			rep.add(CheckStatus, Fail, badged.MessageOf(err))
		case revoked:
			rep.add(CheckStatus, Fail, revokedMessage(reason))
		default:
			rep.add(CheckStatus, Pass, "not revoked")
		}
		return
	}

	// The list is a credential: verify it (without its own status, which
	// would recurse) and require the credential's issuer to have signed it.
	lv := *v
	lv.status = nil
	listResult := lv.Verify(ctx, body)
	if !listResult.Verified {
		var why []string
		for _, c := range listResult.Failed() {
			why = append(why, c.ID+": "+c.Message)
		}
		rep.add(CheckStatus, Fail, fmt.Sprintf("the status list %s does not verify (%v)", e.ListCredential, why))
		return
	}
	if listResult.Issuer != res.Issuer {
		rep.add(CheckStatus, Fail, fmt.Sprintf("the status list %s was issued by %s, not by the credential's issuer", e.ListCredential, listResult.Issuer))
		return
	}
	set, err := statuslist.Check(e, listResult.Credential)
	switch {
	case err != nil:
		rep.add(CheckStatus, Fail, badged.MessageOf(err))
	case set && e.Purpose == "suspension":
		rep.add(CheckStatus, Fail, "suspended by the issuer")
	case set:
		rep.add(CheckStatus, Fail, revokedMessage(""))
	default:
		rep.add(CheckStatus, Pass, fmt.Sprintf("not %s (status list %s, entry %d)", purposeWord(e.Purpose), e.ListCredential, e.Index))
	}
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

// HTTPFetcher fetches status lists over HTTP with a client that applies the
// operator's egress policy (see package egress).
type HTTPFetcher struct {
	Client   *http.Client
	MaxBytes int64 // 0: egress's default
}

// Fetch GETs url. Errors are those of egress.Fetch.
func (f HTTPFetcher) Fetch(ctx context.Context, url string) ([]byte, error) {
	body, _, err := egress.Fetch(ctx, f.Client, url, f.MaxBytes, "application/vc+ld+json, application/ld+json;q=0.9, application/json;q=0.8, application/vc+jwt;q=0.7")
	return body, err
}
