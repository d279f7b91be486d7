package did

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/cache"
	"github.com/badged/badged/egress"
	"github.com/pquerna/cachecontrol/cacheobject"
)

// Key is a public key found by [Resolver.ResolveKey].
type Key struct {
	// VerificationMethod is the method as the controller's document lists
	// it, with an absolute id.
	VerificationMethod
	// PublicKey is an ed25519.PublicKey or a P-256 *ecdsa.PublicKey.
	PublicKey crypto.PublicKey
	// Controller is the id of the document the key was found in: the DID,
	// or for an https key URL the URL without its fragment. A verifier
	// compares it with the credential's issuer.
	Controller string
	// AssertionMethod reports whether the controller's document lists the
	// method under assertionMethod, that is whether the controller
	// authorizes it to sign credentials.
	AssertionMethod bool
	// Authentication reports whether the controller's document lists the
	// method under authentication, that is whether the controller
	// authorizes it to prove who they are (sign presentations).
	Authentication bool
	// SelfAsserted reports that the key was read from the URL itself, an
	// https URL whose fragment is a multikey, with no document fetched:
	// nothing the controller published vouches for the key, so anyone can
	// write such a URL for any controller. Open Badges 3.0's own test
	// vector and 1EdTech's validator use this form; whether to accept it
	// is the verifier's decision. AssertionMethod and Authentication are
	// false for such keys.
	SelfAsserted bool
}

// Defaults of a Resolver.
const (
	defaultCacheTTL    = 5 * time.Minute
	defaultCacheSize   = 1000
	defaultMaxDocument = 256 << 10
	maxCacheTTL        = 24 * time.Hour // cap on a document's max-age
	minRefetchAge      = time.Minute    // see ResolveKey
	maxDIDLength       = 4096
	didDocumentAccept  = "application/did+json, application/did+ld+json;q=0.9, application/json;q=0.8"
)

// Resolver resolves DIDs to documents and verification method URLs to
// keys. did:key and did:jwk are resolved locally; did:web documents are
// fetched with the HTTP client given to [NewResolver] and cached. A
// Resolver is safe for concurrent use.
type Resolver struct {
	client     *http.Client
	now        func() time.Time
	ttl        time.Duration
	maxEntries int
	maxBytes   int64
	servedAt   map[string]string // host → origin; see WithServedAt

	docs *cache.LRU[string, *Document]
}

// Option sets an optional parameter of a Resolver.
type Option func(*Resolver)

// WithNow sets the clock used for cache expiry. The default is time.Now.
func WithNow(now func() time.Time) Option { return func(r *Resolver) { r.now = now } }

// WithCacheTTL sets how long a did:web document is cached when its response
// has no Cache-Control max-age. The default is 5 minutes. A max-age is
// honoured up to 24 hours; no-store and no-cache responses are not cached.
func WithCacheTTL(d time.Duration) Option { return func(r *Resolver) { r.ttl = d } }

// WithCacheSize sets how many did:web documents are cached, least recently
// used evicted first. The default is 1000; zero or less disables caching.
func WithCacheSize(n int) Option { return func(r *Resolver) { r.maxEntries = n } }

// WithMaxDocumentBytes bounds the size of a fetched DID document. The
// default is 256 KiB.
func WithMaxDocumentBytes(n int64) Option { return func(r *Resolver) { r.maxBytes = n } }

// WithServedAt makes the did:web DIDs of host (a domain name with an
// optional port, as the DID names it: "localhost:8080") resolve at origin
// (scheme://host[:port], e.g. "http://localhost:8080") instead of at
// https://host: did:web:localhost%3A8080:issuers:x is then fetched from
// http://localhost:8080/issuers/x/did.json. It is for a verifier pointed
// at one known server (badged verify --server), such as a demo server on
// the same machine, which serves plain http; the fetch still goes through
// the Resolver's client and its egress policy.
func WithServedAt(host, origin string) Option {
	return func(r *Resolver) {
		if r.servedAt == nil {
			r.servedAt = map[string]string{}
		}
		r.servedAt[strings.ToLower(host)] = strings.TrimRight(origin, "/")
	}
}

// NewResolver returns a Resolver that fetches did:web documents with
// client, which should come from egress.NewClient so that credentials cannot
// point badged at internal addresses. A nil client means
// egress.NewClient(egress.DefaultPolicy()).
func NewResolver(client *http.Client, opts ...Option) *Resolver {
	if client == nil {
		client = egress.NewClient(egress.DefaultPolicy())
	}
	r := &Resolver{
		client:     client,
		now:        time.Now,
		ttl:        defaultCacheTTL,
		maxEntries: defaultCacheSize,
		maxBytes:   defaultMaxDocument,
	}
	for _, o := range opts {
		o(r)
	}
	r.docs = cache.New[string, *Document](r.maxEntries).Named("did_documents")
	return r
}

// Resolve returns the DID document of did (a DID, not a DID URL). The
// document is the caller's to modify.
//
// Errors are *badged.Error values: Invalid for a malformed DID or an
// unsupported method ("DID method example is not supported"); for did:web,
// Unavailable when the document could not be had: the HTTP client's
// policy refused the request (wrapping egress.ErrRefused), it timed out,
// the answer was an error status, too large, not valid JSON or a document
// whose id is not the DID. Unavailable says nothing about the DID; a
// verifier reports a key it could not resolve so as "could not be
// checked".
func (r *Resolver) Resolve(ctx context.Context, did string) (*Document, error) {
	doc, _, err := r.resolve(ctx, did, time.Time{})
	return doc, err
}

// resolve returns did's document and when it was fetched (zero for local
// methods). A cached document fetched before notBefore is fetched again.
func (r *Resolver) resolve(ctx context.Context, did string, notBefore time.Time) (*Document, time.Time, error) {
	method, err := parseDID(did)
	if err != nil {
		return nil, time.Time{}, err
	}
	switch method {
	case "key":
		doc, err := keyDocument(did)
		return doc, time.Time{}, err
	case "jwk":
		doc, err := jwkDocument(did)
		return doc, time.Time{}, err
	case "web":
		return r.resolveWeb(ctx, did, notBefore)
	default:
		return nil, time.Time{}, badged.Errorf(badged.Invalid, "DID method %s is not supported", method)
	}
}

// parseDID checks the DID syntax that badged relies on and returns the
// method name.
func parseDID(did string) (string, error) {
	rest, ok := strings.CutPrefix(did, "did:")
	if !ok || len(did) > maxDIDLength {
		return "", badged.Errorf(badged.Invalid, "%s is not a DID", short(did))
	}
	method, msid, ok := strings.Cut(rest, ":")
	if !ok || method == "" || msid == "" {
		return "", badged.Errorf(badged.Invalid, "%s is not a DID", short(did))
	}
	for _, c := range method {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return "", badged.Errorf(badged.Invalid, "%s is not a DID (bad method name)", short(did))
		}
	}
	for _, c := range msid {
		if c <= ' ' || c == 0x7f || c == '/' || c == '?' || c == '#' || c > 0x7e {
			return "", badged.Errorf(badged.Invalid, "%s is not a DID (a DID URL or bad characters)", short(did))
		}
	}
	return method, nil
}

func (r *Resolver) resolveWeb(ctx context.Context, did string, notBefore time.Time) (*Document, time.Time, error) {
	if doc, fetched, ok := r.cached(did, notBefore); ok {
		return doc, fetched, nil
	}
	u, err := WebURL(did)
	if err != nil {
		return nil, time.Time{}, err
	}
	if len(r.servedAt) > 0 {
		host, path, _ := strings.Cut(strings.TrimPrefix(u, "https://"), "/")
		if origin, ok := r.servedAt[host]; ok {
			u = origin + "/" + path
		}
	}
	body, header, err := egress.Fetch(ctx, r.client, u, r.maxBytes, didDocumentAccept)
	if err != nil {
		var be *badged.Error
		if errors.As(egress.Unreachable(err), &be) {
			return nil, time.Time{}, &badged.Error{Kind: be.Kind, Message: fmt.Sprintf("resolve %s: %s", did, be.Message), Err: be.Err}
		}
		return nil, time.Time{}, badged.Wrap(badged.Unavailable, err, "resolve "+did)
	}
	// What the issuer's server answered is not this DID's document: the
	// DID cannot be resolved now, which says nothing about the DID.
	var doc Document
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, time.Time{}, badged.Wrap(badged.Unavailable, err, fmt.Sprintf("resolve %s: the answer from %s is not a DID document", did, u))
	}
	if doc.ID != did {
		return nil, time.Time{}, badged.Errorf(badged.Unavailable, "resolve %s: the document at %s has id %s, not the DID", did, u, short(doc.ID))
	}
	fetched := r.now()
	r.store(did, &doc, fetched, r.ttlOf(header))
	return &doc, fetched, nil
}

// ttlOf returns how long a response with header may be cached.
func (r *Resolver) ttlOf(header http.Header) time.Duration {
	cc, err := cacheobject.ParseResponseCacheControl(strings.Join(header.Values("Cache-Control"), ", "))
	switch {
	case err != nil:
		return r.ttl
	case cc.NoStore || cc.NoCachePresent:
		return 0
	case cc.MaxAge >= 0:
		return min(time.Duration(cc.MaxAge)*time.Second, maxCacheTTL)
	default:
		return r.ttl
	}
}

// cached returns a copy of the cached document of did if it is still fresh
// and was fetched no earlier than notBefore.
func (r *Resolver) cached(did string, notBefore time.Time) (*Document, time.Time, bool) {
	e, ok := r.docs.Get(did, r.now(), notBefore)
	if !ok {
		return nil, time.Time{}, false
	}
	return e.Value.clone(), e.Stored, true
}

// store caches a copy of doc for ttl, evicting the least recently used
// entries beyond the cache size.
func (r *Resolver) store(did string, doc *Document, fetched time.Time, ttl time.Duration) {
	if ttl > 0 {
		r.docs.Put(did, doc.clone(), fetched, fetched.Add(ttl))
	}
}

// ResolveKey returns the public key a verification method URL names, as a
// credential's proof gives it:
//   - did:key:z6Mk...#z6Mk... (or the bare DID, whose one key is meant) and
//     did:jwk:...#0 (or the bare DID) are resolved without any network;
//   - did:web:...#fragment fetches the DID document, which must list the
//     method; a method missing from a cached document at least a minute
//     old fetches the document again, so a key added since is found;
//   - an https URL whose fragment is a multikey, such as
//     https://example.edu/issuers/565049#z6MkjZRZ..., yields the key in the
//     fragment without any fetch (see [Key.SelfAsserted]).
//
// Errors are *badged.Error values: NotFound when the document does not
// list the method; Invalid for a URL of another form, an unsupported DID
// method ("DID method example is not supported"), or a malformed DID,
// document or key; and Unavailable, as [Resolver.Resolve] says, when a
// did:web document could not be had.
func (r *Resolver) ResolveKey(ctx context.Context, vmURL string) (*Key, error) {
	if strings.HasPrefix(vmURL, "did:") {
		return r.resolveDIDKey(ctx, vmURL)
	}
	if strings.HasPrefix(vmURL, "https://") {
		return fragmentKey(vmURL)
	}
	return nil, badged.Errorf(badged.Invalid, "verification method %s is not a DID URL or an https URL", short(vmURL))
}

func (r *Resolver) resolveDIDKey(ctx context.Context, vmURL string) (*Key, error) {
	did, fragment, hasFragment := strings.Cut(vmURL, "#")
	doc, fetched, err := r.resolve(ctx, did, time.Time{})
	if err != nil {
		return nil, err
	}
	id := vmURL
	if !hasFragment || fragment == "" {
		// did:key and did:jwk have exactly one method; other methods must
		// say which they mean.
		if m, _ := parseDID(did); m != "key" && m != "jwk" {
			return nil, badged.Errorf(badged.Invalid, "verification method %s has no fragment naming a key", short(vmURL))
		}
		id = doc.VerificationMethod[0].ID
	}
	vm, ok := doc.Method(id)
	if !ok && !fetched.IsZero() {
		if cutoff := r.now().Add(-minRefetchAge); fetched.Before(cutoff) {
			if doc, _, err = r.resolve(ctx, did, cutoff); err != nil {
				return nil, err
			}
			vm, ok = doc.Method(id)
		}
	}
	if !ok {
		return nil, badged.Errorf(badged.NotFound, "verification method %s is not in the DID document of %s", short(id), short(did))
	}
	return doc.keyOf(vm)
}

// fragmentKey reads the key from an https URL whose fragment is a multikey.
func fragmentKey(vmURL string) (*Key, error) {
	u, err := url.Parse(vmURL)
	if err != nil || u.Host == "" || u.User != nil {
		return nil, badged.Errorf(badged.Invalid, "verification method %s is not a valid https URL", short(vmURL))
	}
	mk := u.Fragment
	pub, err := DecodeMultikey(mk)
	if err != nil {
		return nil, badged.Errorf(badged.Invalid, "verification method %s: only https URLs whose fragment is a public key multikey are supported", short(vmURL))
	}
	u.Fragment, u.RawFragment = "", ""
	controller := u.String()
	return &Key{
		VerificationMethod: VerificationMethod{ID: vmURL, Type: "Multikey", Controller: controller, PublicKeyMultibase: mk},
		PublicKey:          pub,
		Controller:         controller,
		SelfAsserted:       true,
	}, nil
}
