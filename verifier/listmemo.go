package verifier

import (
	"crypto/sha256"
	"sync"
	"time"

	"github.com/badged/badged/cache"
	"github.com/badged/badged/statuslist"
)

// A verified status list credential is remembered by the SHA-256 of its
// bytes, so that verifying many credentials of one list verifies the
// list's own proof once, not once a credential: bytes that did not change
// need no second verification. An entry lasts statusVerifiedTTL (so that a
// key removed from the issuer's DID document stops counting within that
// time, as the DID document cache allows) and never past the list's
// validUntil. Only a list that verified is remembered.
const (
	statusVerifiedTTL     = time.Minute
	statusVerifiedEntries = 256
)

// verifiedList is what a status check needs of a verified list: who
// issued it, the list credential as read (read only: it is shared), and
// its bitstring, decoded once however many credentials it answers for.
type verifiedList struct {
	issuer     string
	credential map[string]any
	bits       func(encoded string) (*statuslist.List, error)
}

func newVerifiedList(issuer string, credential map[string]any) verifiedList {
	decoded := sync.OnceValues(func() (*statuslist.List, error) {
		subject, _ := credential["credentialSubject"].(map[string]any)
		encoded, _ := subject["encodedList"].(string)
		return statuslist.Decode(encoded)
	})
	// The one list this holds is the one statuslist.CheckWith passes.
	return verifiedList{issuer: issuer, credential: credential, bits: func(string) (*statuslist.List, error) { return decoded() }}
}

// listMemo holds verified status lists by the SHA-256 of their bytes.
type listMemo = cache.LRU[[sha256.Size]byte, verifiedList]

func newListMemo() *listMemo {
	return cache.New[[sha256.Size]byte, verifiedList](statusVerifiedEntries).Named("verified_status_lists")
}

// verifiedListOf returns the remembered verification of the list body.
func (v *Verifier) verifiedListOf(body []byte) (verifiedList, bool) {
	if v.lists == nil {
		return verifiedList{}, false
	}
	e, ok := v.lists.Get(sha256.Sum256(body), v.now(), time.Time{})
	return e.Value, ok
}

// rememberList keeps list, the verification of the list body, which res (a
// verified result) reports.
func (v *Verifier) rememberList(body []byte, list verifiedList, res *Result) {
	if v.lists == nil || !res.Verified {
		return
	}
	now := v.now()
	expires := now.Add(statusVerifiedTTL)
	if until, _ := dateOf(res.Credential, "validUntil", "expirationDate"); !until.IsZero() && until.Before(expires) {
		expires = until
	}
	v.lists.Put(sha256.Sum256(body), list, now, expires)
}
