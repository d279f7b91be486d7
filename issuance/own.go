package issuance

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/did"
	"github.com/badged/badged/verifier"
)

// KeyResolver finds the public key of a verification method: what
// [OwnKeys] falls back to for DIDs that are not this server's.
// *did.Resolver implements it, as OwnKeys implements verifier.KeyResolver.
type KeyResolver interface {
	ResolveKey(ctx context.Context, verificationMethod string) (*did.Key, error)
}

// Fetcher gets a document by URL: what [OwnLists] falls back to for URLs
// that are not this server's. verifier.HTTPFetcher implements it, as
// OwnLists implements verifier.Fetcher.
type Fetcher interface {
	Fetch(ctx context.Context, url string) ([]byte, error)
}

// OwnKeys resolves the keys of this server's own issuers in-process: a
// verification method of a did:web that [Service.IssuerDID] names is
// looked up in the DID document [Service.DIDDocument] serves, built from
// the store, never fetched over the network. Every other method goes to
// the fallback resolver (for did:web, through the egress guard). It is
// safe for concurrent use.
type OwnKeys struct {
	s    *Service
	next KeyResolver
}

// OwnKeys returns a resolver that resolves this server's issuers from the
// store and everything else with next.
func (s *Service) OwnKeys(next KeyResolver) *OwnKeys { return &OwnKeys{s: s, next: next} }

// ResolveKey returns the key a verification method URL names. For this
// server's issuers the DID document lists every key of the institution's
// ring, current and retired, so a credential signed before a rotation
// still verifies. The errors for this server's DIDs are *badged.Error
// values: NotFound when the issuer does not exist or its document does
// not list the method (a definitive failure), Invalid for a method URL
// without a fragment or with a malformed key, and Unavailable when the
// store cannot be read (it could not be checked). Other methods get the
// fallback's errors.
func (k *OwnKeys) ResolveKey(ctx context.Context, vmURL string) (*did.Key, error) {
	id, ok := k.s.ownIssuer(vmURL)
	if !ok {
		return k.next.ResolveKey(ctx, vmURL)
	}
	doc, err := k.s.document(ctx, id, false)
	if err != nil {
		if badged.KindOf(err) == badged.NotFound {
			return nil, badged.Wrap(badged.NotFound, err, fmt.Sprintf("resolve %s: this server has no such issuer", k.s.IssuerDID(id)))
		}
		return nil, badged.Wrap(badged.Unavailable, err, fmt.Sprintf("resolve %s: this server's store could not be read", k.s.IssuerDID(id)))
	}
	if !strings.Contains(vmURL, "#") {
		return nil, badged.Errorf(badged.Invalid, "verification method %s has no fragment naming a key", vmURL)
	}
	return doc.Key(vmURL)
}

// ownIssuer returns the issuer id of a verification method (or DID) that
// names one of this server's issuers: did:web:<host>[:<path>]:issuers:<id>.
func (s *Service) ownIssuer(vmURL string) (string, bool) {
	d, _, _ := strings.Cut(vmURL, "#")
	rest, ok := strings.CutPrefix(d, s.IssuerDID(""))
	if !ok || rest == "" || strings.Contains(rest, ":") {
		return "", false
	}
	id, err := url.PathUnescape(rest)
	if err != nil || s.IssuerDID(id) != d {
		return "", false
	}
	return id, true
}

// OwnLists reads the status lists of this server in-process: a URL that
// [Service.StatusListURL] names is answered with
// [Service.StatusListCredential] from the store, never fetched and never
// cached, so a revocation shows at once. Every other URL goes to the
// fallback fetcher (through the egress guard). It is safe for concurrent
// use.
type OwnLists struct {
	s    *Service
	next Fetcher
}

// OwnLists returns a fetcher that reads this server's status lists from
// the store and everything else with next.
func (s *Service) OwnLists(next Fetcher) *OwnLists { return &OwnLists{s: s, next: next} }

// Fetch returns the document at rawURL. For this server's status lists
// the errors are *badged.Error values: NotFound when there is no such list
// (a definitive failure) and Unavailable when the store cannot be read or
// the list cannot be signed (it could not be checked). Other URLs get the
// fallback's errors.
func (l *OwnLists) Fetch(ctx context.Context, rawURL string) ([]byte, error) {
	b, _, err := l.FetchAged(ctx, rawURL)
	return b, err
}

// FetchAged is Fetch, saying when a cached foreign list was fetched from
// its source (verifier.AgedFetcher); this server's own lists are read live
// and have the zero time.
func (l *OwnLists) FetchAged(ctx context.Context, rawURL string) ([]byte, time.Time, error) {
	id, ok := l.s.ownList(rawURL)
	if !ok {
		return verifier.FetchAged(ctx, l.next, rawURL)
	}
	b, _, err := l.s.StatusListCredential(ctx, id)
	switch {
	case err == nil:
		return b, time.Time{}, nil
	case badged.KindOf(err) == badged.NotFound:
		return nil, time.Time{}, badged.Wrap(badged.NotFound, err, fmt.Sprintf("the status list %s does not exist on this server", rawURL))
	default:
		return nil, time.Time{}, badged.Wrap(badged.Unavailable, err, fmt.Sprintf("the status list %s could not be read from this server's store", rawURL))
	}
}

// ownList returns the list id of a URL that names one of this server's
// status lists: <base>/status/<id>.
func (s *Service) ownList(rawURL string) (string, bool) {
	rest, ok := strings.CutPrefix(rawURL, s.StatusListURL(""))
	if !ok || rest == "" || strings.ContainsAny(rest, "/?#") {
		return "", false
	}
	id, err := url.PathUnescape(rest)
	if err != nil || s.StatusListURL(id) != rawURL {
		return "", false
	}
	return id, true
}
