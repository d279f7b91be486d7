package verifier

import (
	"crypto/sha256"
	"time"

	"github.com/badged/badged/cache"
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
// issued it and the list credential as read (read only: it is shared).
type verifiedList struct {
	issuer     string
	credential map[string]any
}

// listMemo holds verified status lists by the SHA-256 of their bytes.
type listMemo = cache.LRU[[sha256.Size]byte, verifiedList]

func newListMemo() *listMemo {
	return cache.New[[sha256.Size]byte, verifiedList](statusVerifiedEntries)
}

// verifiedListOf returns the remembered verification of the list body.
func (v *Verifier) verifiedListOf(body []byte) (verifiedList, bool) {
	if v.lists == nil {
		return verifiedList{}, false
	}
	e, ok := v.lists.Get(sha256.Sum256(body), v.now(), time.Time{})
	return e.Value, ok
}

// rememberList keeps the verification of the list body, which res (a
// verified result) reports.
func (v *Verifier) rememberList(body []byte, res *Result) {
	if v.lists == nil || !res.Verified {
		return
	}
	now := v.now()
	expires := now.Add(statusVerifiedTTL)
	if until, _ := dateOf(res.Credential, "validUntil", "expirationDate"); !until.IsZero() && until.Before(expires) {
		expires = until
	}
	v.lists.Put(sha256.Sum256(body), verifiedList{issuer: res.Issuer, credential: res.Credential}, now, expires)
}
