package openid4vp

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/did"
	"github.com/badged/badged/verifier"
)

// Lifetimes.
const (
	Lifetime   = 10 * time.Minute // a transaction: from the QR code to the wallet's answer
	PurgeGrace = 24 * time.Hour   // how long an expired transaction's outcome stays readable
)

// Paths under the base URL.
const (
	PathRequest  = "/openid4vp/request/"  // + reference: the request object
	PathResponse = "/openid4vp/response/" // + reference: the response endpoint
	PathDID      = "/openid4vp/did.json"  // the verifier's did:web document
	didSegment   = "openid4vp"
)

// PresentationVerifier checks a presentation, Data Integrity or VP-JWT,
// and what it carries; *verifier.Verifier is one.
type PresentationVerifier interface {
	VerifyPresentation(ctx context.Context, doc map[string]any, o verifier.PresentationOptions) *verifier.Result
	VerifyPresentationJWT(ctx context.Context, token string, o verifier.PresentationOptions) *verifier.Result
}

// Service runs badged's verifier side of OpenID4VP.
type Service struct {
	store    Store
	base     string
	did      string
	key      ed25519.PrivateKey
	verifier PresentationVerifier
	now      func() time.Time
	rand     io.Reader
}

// Option sets an optional setting of a [Service].
type Option func(*Service)

// WithClock sets the clock (time.Now by default).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithRand sets the source of secrets (crypto/rand by default).
func WithRand(r io.Reader) Option { return func(s *Service) { s.rand = r } }

// New returns the verifier at baseURL (badged's public URL, whose host
// names its did:web), signing request objects with key. The error is
// Invalid for a base URL without a host.
func New(store Store, baseURL string, key ed25519.PrivateKey, v PresentationVerifier, opts ...Option) (*Service, error) {
	u, err := url.Parse(baseURL)
	if err != nil || u.Host == "" {
		return nil, badged.Errorf(badged.Invalid, "openid4vp: base URL %q has no host", baseURL)
	}
	var path []string
	for _, seg := range strings.Split(strings.Trim(u.Path, "/"), "/") {
		if seg != "" {
			path = append(path, seg)
		}
	}
	s := &Service{store: store, base: strings.TrimSuffix(baseURL, "/"), did: did.WebDID(u.Host, append(path, didSegment)...),
		key: append(ed25519.PrivateKey(nil), key...), verifier: v, now: time.Now, rand: rand.Reader}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// DID returns the verifier's did:web.
func (s *Service) DID() string { return s.did }

// KeyID returns the verification method of the request objects' key.
func (s *Service) KeyID() string { return s.did + "#request" }

// ClientID returns the verifier's client identifier, with its prefix.
func (s *Service) ClientID() string { return "decentralized_identifier:" + s.did }

// DIDDocument returns the verifier's did:web document, which publishes the
// key of its request objects.
func (s *Service) DIDDocument() (*did.Document, error) {
	vm, err := did.NewMultikeyMethod(s.did, s.key.Public())
	if err != nil {
		return nil, err
	}
	vm.ID = s.KeyID()
	return did.WebDocument(s.did, vm)
}

// Hash is how a request reference is stored: hex SHA-256.
func Hash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

func derive(label, secret string) string {
	h := sha256.Sum256([]byte("openid4vp " + label + "\x00" + secret))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// refOf is the request reference of a view secret, stateOf and nonceOf
// the state and nonce of a request reference.
func refOf(view string) string  { return derive("request", view) }
func stateOf(ref string) string { return derive("state", ref) }
func nonceOf(ref string) string { return derive("nonce", ref) }

// Started is a new transaction with its secrets: View names the
// employer's page of the result, Ref the request (in URI, the
// openid4vp:// link of the QR code).
type Started struct {
	Transaction *Transaction
	View, Ref   string
	URI         string
}

// Start begins a transaction for ask. Errors: Invalid for a bad ask
// ([Ask.Check]); the store's.
func (s *Service) Start(ctx context.Context, ask Ask) (*Started, error) {
	if err := ask.Check(); err != nil {
		return nil, err
	}
	var b [32]byte
	if _, err := io.ReadFull(s.rand, b[:]); err != nil {
		return nil, fmt.Errorf("random: %w", err)
	}
	view := base64.RawURLEncoding.EncodeToString(b[:])
	ref := refOf(view)
	now := s.now().UTC()
	t := &Transaction{ID: Hash(ref), Ask: ask, Created: now, Expires: now.Add(Lifetime)}
	if err := s.store.CreateTransaction(ctx, t); err != nil {
		return nil, fmt.Errorf("create transaction: %w", err)
	}
	return &Started{Transaction: t, View: view, Ref: ref, URI: s.URI(ref)}, nil
}

// RequestURI is where the request object of ref is fetched.
func (s *Service) RequestURI(ref string) string { return s.base + PathRequest + ref }

// ResponseURI is where the wallet posts its response to ref.
func (s *Service) ResponseURI(ref string) string { return s.base + PathResponse + ref }

// URI is the openid4vp:// link of the request ref, for a QR code.
func (s *Service) URI(ref string) string {
	return "openid4vp://?" + url.Values{"client_id": {s.ClientID()}, "request_uri": {s.RequestURI(ref)}}.Encode()
}

// View returns the transaction of an employer's view secret. The error is
// NotFound for an unknown one.
func (s *Service) View(ctx context.Context, view string) (*Transaction, error) {
	if view == "" {
		return nil, badged.Errorf(badged.NotFound, "no such request")
	}
	return s.store.Transaction(ctx, Hash(refOf(view)))
}

// ViewURI returns the openid4vp:// link of a view secret's request.
func (s *Service) ViewURI(view string) string { return s.URI(refOf(view)) }

// Purge removes the transactions that expired more than PurgeGrace ago.
func (s *Service) Purge(ctx context.Context) (int, error) {
	return s.store.PurgeTransactions(ctx, s.now().UTC().Add(-PurgeGrace))
}

// OwnKeys returns a resolver that reads this verifier's own key from
// memory and asks next (if any) for any other, so that badged's backpack checks
// badged's requests without fetching its own DID document.
func (s *Service) OwnKeys(next KeyResolver) KeyResolver { return ownKeys{s, next} }

type ownKeys struct {
	s    *Service
	next KeyResolver
}

func (o ownKeys) ResolveKey(ctx context.Context, vmURL string) (*did.Key, error) {
	if d, _, _ := strings.Cut(vmURL, "#"); d != o.s.did {
		if o.next == nil {
			return nil, badged.Errorf(badged.NotFound, "only this verifier's own key is known")
		}
		return o.next.ResolveKey(ctx, vmURL)
	}
	doc, err := o.s.DIDDocument()
	if err != nil {
		return nil, err
	}
	return doc.Key(vmURL)
}

// Expired reports whether t may no longer be answered by the service's
// clock.
func (s *Service) Expired(t *Transaction) bool { return !s.now().Before(t.Expires) }

// Now is the service's clock, which the backpack also checks requests by.
func (s *Service) Now() time.Time { return s.now() }
