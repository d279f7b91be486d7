package issuance

import (
	"context"
	"crypto"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/badged/badged/contexts"

	"github.com/badged/badged"
	"github.com/badged/badged/credential/dataintegrity"
	"github.com/badged/badged/did"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/keys"
	"github.com/badged/badged/statuslist"
)

var _ issuer.CredentialIssuer = (*Service)(nil)

// Service issues and revokes credentials, and publishes what verifiers
// fetch: issuers' DID documents and profiles, and status lists. It is safe
// for concurrent use, also by several processes sharing one store.
type Service struct {
	store  Store
	sealer *keys.Sealer
	proofs *dataintegrity.Suite
	base   string // base URL without a trailing slash
	host   string // host[:port] of base
	path   []string
	now    func() time.Time
	rand   io.Reader
	// emptyList is the encodedList of a new status list, computed once:
	// GZIP setup costs more than the rest of an allocation.
	emptyList string

	// endorsements gives the signed endorsements of a badge class that
	// the achievements of its credentials embed; nil: none.
	endorsements func(ctx context.Context, badgeClassID string) ([]json.RawMessage, error)

	// signers caches each institution's unsealed current key by key ring
	// version: it is unsealed (AES-GCM) and its Ed25519 key derived only
	// when the ring changed, and Issue signs with it without reading the
	// ring (its write states the version; see rememberedSigner).
	mu      sync.Mutex
	signers map[string]cachedSigner
}

type cachedSigner struct {
	version int64
	key     crypto.Signer
	keyID   string
}

// Option sets an optional property of a [Service].
type Option func(*Service)

// WithClock sets the clock (default time.Now): key creation and rotation,
// proof creation, revocation, and IssuedAt when a request has none.
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithRand sets the randomness (default crypto/rand): keys, salts,
// credential and list ids, status list indexes. It must be safe for
// concurrent use.
func WithRand(r io.Reader) Option { return func(s *Service) { s.rand = r } }

// WithEndorsements sets where the endorsements of a badge class come
// from (package endorsement's Embedded): Issue puts them, signed
// EndorsementCredentials, in the endorsement array of the credential's
// achievement, as OB 3.0 allows.
func WithEndorsements(f func(ctx context.Context, badgeClassID string) ([]json.RawMessage, error)) Option {
	return func(s *Service) { s.endorsements = f }
}

// New returns a Service storing in store, sealing keys with sealer,
// publishing under baseURL (the https URL badged is reached at, e.g.
// https://badges.example.edu, which did:web names derive from) and
// canonicalizing with p. The error is Invalid when baseURL is not an
// absolute http(s) URL without query or fragment.
func New(store Store, sealer *keys.Sealer, baseURL string, p *jsonld.Processor, opts ...Option) (*Service, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, badged.Errorf(badged.Invalid, "the base URL %q must be an absolute https URL without query or fragment", baseURL)
	}
	s := &Service{
		store:   store,
		sealer:  sealer,
		proofs:  dataintegrity.New(p),
		base:    strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"),
		host:    u.Host,
		now:     time.Now,
		rand:    rand.Reader,
		signers: map[string]cachedSigner{},
	}
	if s.emptyList, err = statuslist.New(statuslist.MinSize).Encode(); err != nil {
		return nil, err
	}
	for _, seg := range strings.Split(strings.Trim(u.Path, "/"), "/") {
		if seg != "" {
			s.path = append(s.path, seg)
		}
	}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// IssuerDID returns the did:web of an issuer: did:web:<host>:issuers:<id>
// (with the base URL's path segments, if any, before "issuers"), whose
// document is served at <base>/issuers/<id>/did.json.
func (s *Service) IssuerDID(issuerID string) string {
	return did.WebDID(s.host, append(append([]string(nil), s.path...), "issuers", issuerID)...)
}

// AchievementID returns the id of a badge class's Achievement in the
// credentials badged issues: <base>/badgeclasses/<id>.
func (s *Service) AchievementID(badgeClassID string) string {
	return s.base + "/badgeclasses/" + url.PathEscape(badgeClassID)
}

// ContextURL is the URL of badged's v2 context under the base URL, which
// credentials with badged's extension fields name and the server serves
// (contexts.BadgedV2).
func (s *Service) ContextURL() string { return contexts.BadgedV2URL(s.base) }

// StatusListURL returns the URL a status list credential is served at.
func (s *Service) StatusListURL(listID string) string {
	return s.base + "/status/" + url.PathEscape(listID)
}

// ring returns the institution's key ring and its version, creating it
// with a first key when it has none.
func (s *Service) ring(ctx context.Context, institutionID string) (*keys.Ring, int64, error) {
	for range 5 {
		r, version, err := s.store.KeyRing(ctx, institutionID)
		if err == nil {
			return r, version, nil
		}
		if badged.KindOf(err) != badged.NotFound {
			return nil, 0, fmt.Errorf("key ring of %s: %w", institutionID, err)
		}
		r = &keys.Ring{}
		if err := r.Rotate(s.rand, s.sealer, s.now()); err != nil {
			return nil, 0, err
		}
		version, err = s.store.PutKeyRing(ctx, institutionID, r, 0)
		if err == nil {
			return r, version, nil
		}
		if badged.KindOf(err) != badged.Conflict { // Conflict: another node made it first
			return nil, 0, fmt.Errorf("create key ring of %s: %w", institutionID, err)
		}
	}
	return nil, 0, badged.Errorf(badged.Unavailable, "the key ring of %s keeps changing; try again", institutionID)
}

// RotateKey makes a new signing key the current one of the institution's
// ring, retiring the previous one (which stays in its issuers' DID
// documents). It creates the ring when the institution has none. The error
// is the store's (Unavailable on repeated concurrent rotations).
func (s *Service) RotateKey(ctx context.Context, institutionID string) error {
	if institutionID == "" {
		return badged.Errorf(badged.Invalid, "rotate a key: no institution given")
	}
	for range 5 {
		r, version, err := s.store.KeyRing(ctx, institutionID)
		if err != nil && badged.KindOf(err) != badged.NotFound {
			return fmt.Errorf("key ring of %s: %w", institutionID, err)
		}
		if err != nil {
			r, version = &keys.Ring{}, 0
		}
		if err := r.Rotate(s.rand, s.sealer, s.now()); err != nil {
			return err
		}
		_, err = s.store.PutKeyRing(ctx, institutionID, r, version)
		if err == nil {
			return nil
		}
		if badged.KindOf(err) != badged.Conflict {
			return fmt.Errorf("rotate key of %s: %w", institutionID, err)
		}
	}
	return badged.Errorf(badged.Unavailable, "the key ring of %s keeps changing; try again", institutionID)
}

// PublicKeys returns the public keys of the institution's ring, current
// first, then retired ones from the most recently retired; what every
// issuer's DID document of the institution lists. It creates the ring
// when the institution has none.
func (s *Service) PublicKeys(ctx context.Context, institutionID string) ([]keys.PublicKey, error) {
	r, _, err := s.ring(ctx, institutionID)
	if err != nil {
		return nil, err
	}
	pubs, err := r.Public()
	if err != nil {
		return nil, badged.Wrap(badged.Internal, err, "the key ring is unreadable")
	}
	return pubs, nil
}

// signer returns the current key of the institution, the verification
// method an issuer signs with, and the key ring's version.
//
// The ring is read every time, so a rotation by any node is used at once;
// the unsealed key is cached per ring version.
func (s *Service) signer(ctx context.Context, institutionID, issuerID string) (crypto.Signer, string, int64, error) {
	r, version, err := s.ring(ctx, institutionID)
	if err != nil {
		return nil, "", 0, err
	}
	s.mu.Lock()
	c, ok := s.signers[institutionID]
	s.mu.Unlock()
	if !ok || c.version != version {
		key, mk, err := r.Signer(s.sealer)
		if err != nil {
			if errors.Is(err, keys.ErrUnknownKey) || errors.Is(err, keys.ErrCorrupt) {
				return nil, "", 0, badged.Wrap(badged.Internal, err, "the signing key cannot be unsealed with the configured master key")
			}
			return nil, "", 0, err
		}
		c = cachedSigner{version: version, key: key, keyID: mk}
		s.mu.Lock()
		if cur, ok := s.signers[institutionID]; !ok || cur.version < version {
			s.signers[institutionID] = c
		}
		s.mu.Unlock()
	}
	return c.key, s.IssuerDID(issuerID) + "#" + c.keyID, c.version, nil
}

// rememberedSigner is signer without reading the ring when its key is
// cached already: for a write that states the ring's version (a Stamp),
// which the store refuses when a rotation came meanwhile (then forget).
func (s *Service) rememberedSigner(ctx context.Context, institutionID, issuerID string) (crypto.Signer, string, int64, error) {
	s.mu.Lock()
	c, ok := s.signers[institutionID]
	s.mu.Unlock()
	if ok {
		return c.key, s.IssuerDID(issuerID) + "#" + c.keyID, c.version, nil
	}
	return s.signer(ctx, institutionID, issuerID)
}

// forget drops the cached key of the institution, when it is of version.
func (s *Service) forget(institutionID string, version int64) {
	s.mu.Lock()
	if c, ok := s.signers[institutionID]; ok && c.version == version {
		delete(s.signers, institutionID)
	}
	s.mu.Unlock()
}

// DIDDocument returns the did:web document of an issuer: the keys of its
// institution's ring, current first, then retired ones, under
// verificationMethod and assertionMethod. It creates the ring when the
// institution has none. The error is NotFound for an unknown issuer.
func (s *Service) DIDDocument(ctx context.Context, issuerID string) (*did.Document, error) {
	return s.document(ctx, issuerID, true)
}

// document builds the DID document of an issuer. With create, the ring is
// created when the institution has none; without, such an issuer's
// document fails with NotFound: it never signed anything, and a
// verification reads without writing.
func (s *Service) document(ctx context.Context, issuerID string, create bool) (*did.Document, error) {
	is, err := s.store.Issuer(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	var r *keys.Ring
	if create {
		r, _, err = s.ring(ctx, is.InstitutionID)
	} else {
		r, _, err = s.store.KeyRing(ctx, is.InstitutionID)
	}
	if err != nil {
		return nil, err
	}
	pubs, err := r.Public()
	if err != nil {
		return nil, badged.Wrap(badged.Internal, err, "the key ring is unreadable")
	}
	id := s.IssuerDID(issuerID)
	methods := make([]did.VerificationMethod, 0, len(pubs))
	for _, p := range pubs {
		vm, err := did.NewMultikeyMethod(id, p.Key)
		if err != nil {
			return nil, err
		}
		methods = append(methods, vm)
	}
	if len(methods) == 0 {
		return nil, badged.Errorf(badged.NotFound, "the issuer %s has no keys", issuerID)
	}
	return did.WebDocument(id, methods[0], methods[1:]...)
}
