package openid4vci

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/url"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/did"
)

// Lifetimes and limits.
const (
	CodeLifetime = 10 * time.Minute // a pre-authorized code
	// AuthorizationCodeLifetime bounds an authorization code: the wallet
	// redeems it as soon as the browser comes back.
	AuthorizationCodeLifetime = 5 * time.Minute
	TokenLifetime             = 5 * time.Minute // an access token
	NonceLifetime             = 5 * time.Minute // a c_nonce
	MaxTxAttempts             = 3               // wrong transaction codes before the offer is locked
	TxCodeLength              = 6               // digits of a transaction code
	MaxProofs                 = 10              // proofs in one credential request (batch size)
	proofMaxAge               = 5 * time.Minute // how old a proof's iat may be
)

// KeyResolver finds the public key of a proof's kid (a did:key or did:jwk
// URL); *did.Resolver is one.
type KeyResolver interface {
	ResolveKey(ctx context.Context, vmURL string) (*did.Key, error)
}

// Service runs the issuer side of the pre-authorized code flow.
type Service struct {
	store  Store
	issuer string // the credential issuer identifier (badged's base URL)
	keys   KeyResolver
	now    func() time.Time
	rand   io.Reader
}

// Option sets an optional setting of a [Service].
type Option func(*Service)

// WithClock sets the clock (time.Now by default).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithRand sets the source of codes, tokens and nonces (crypto/rand by default).
func WithRand(r io.Reader) Option { return func(s *Service) { s.rand = r } }

// New returns a Service for the credential issuer identifier issuerURL.
func New(store Store, issuerURL string, keys KeyResolver, opts ...Option) *Service {
	s := &Service{store: store, issuer: issuerURL, keys: keys, now: time.Now, rand: rand.Reader}
	for _, o := range opts {
		o(s)
	}
	return s
}

// IssuerURL returns the credential issuer identifier.
func (s *Service) IssuerURL() string { return s.issuer }

// Hash is how secrets are stored: hex SHA-256.
func Hash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

func (s *Service) secret() (string, error) {
	var b [32]byte
	if _, err := io.ReadFull(s.rand, b[:]); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

func (s *Service) digits(n int) (string, error) {
	out := make([]byte, n)
	for i := range out {
		d, err := rand.Int(s.rand, big.NewInt(10))
		if err != nil {
			return "", fmt.Errorf("random: %w", err)
		}
		out[i] = byte('0' + d.Int64())
	}
	return string(out), nil
}

// NewOffer is a created offer with its secrets, shown once.
type NewOffer struct {
	Offer  *Offer
	Ref    string // the secret that names the offer in its URL
	Code   string // the pre-authorized code
	TxCode string // the transaction code to give the learner apart; empty when none
	URI    string // openid-credential-offer://?credential_offer_uri=...
}

// CreateOffer creates an offer of every configuration for the award, with
// a transaction code when withTxCode is set. The caller has checked that
// the award exists, is issued and may be offered by whoever asks. Errors
// are the store's.
func (s *Service) CreateOffer(ctx context.Context, awardID string, withTxCode bool) (*NewOffer, error) {
	ref, err := s.secret()
	if err != nil {
		return nil, err
	}
	code := codeOf(ref)
	now := s.now().UTC()
	o := &Offer{ID: Hash(ref), AwardID: awardID, Configurations: configurationIDs(), CodeHash: Hash(code),
		Created: now, Expires: now.Add(CodeLifetime)}
	n := &NewOffer{Offer: o, Ref: ref, Code: code}
	if withTxCode {
		if n.TxCode, err = s.digits(TxCodeLength); err != nil {
			return nil, err
		}
		o.TxCodeHash = Hash(n.TxCode)
	}
	if err := s.store.CreateOffer(ctx, o); err != nil {
		return nil, fmt.Errorf("create offer: %w", err)
	}
	n.URI = s.OfferURI(ref)
	return n, nil
}

// OfferURL is where the offer document named by ref is served.
func (s *Service) OfferURL(ref string) string { return s.issuer + PathOffers + ref }

// OfferURI is the openid-credential-offer:// URI of the offer named by
// ref, for a QR code or an "add to my wallet" link.
func (s *Service) OfferURI(ref string) string {
	return "openid-credential-offer://?credential_offer_uri=" + url.QueryEscape(s.OfferURL(ref))
}

// codeOf derives an offer's pre-authorized code from its reference: the
// offer document gives the code to whoever has the reference, so the
// store keeps only hashes of both and the document is still servable.
func codeOf(ref string) string {
	h := sha256.Sum256([]byte("openid4vci pre-authorized code\x00" + ref))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// OfferDocument returns the credential offer object named by ref, with
// its pre-authorized code. The error is NotFound for an unknown, used or
// expired offer.
func (s *Service) OfferDocument(ctx context.Context, ref string) (map[string]any, error) {
	o, err := s.store.Offer(ctx, Hash(ref))
	if err != nil {
		return nil, err
	}
	if o.Redeemed || !s.now().Before(o.Expires) {
		return nil, badged.Errorf(badged.NotFound, "the offer has expired or was used")
	}
	grant := map[string]any{"pre-authorized_code": codeOf(ref)}
	if o.TxCodeHash != "" {
		grant["tx_code"] = map[string]any{"input_mode": "numeric", "length": TxCodeLength,
			"description": "The code shown next to the QR code"}
	}
	// The wallet may instead take the authorization code flow: its
	// issuer_state, the offer's id, preselects the offered badge on the
	// learner's consent page.
	return map[string]any{
		"credential_issuer":            s.issuer,
		"credential_configuration_ids": o.Configurations,
		"grants": map[string]any{GrantPreAuthorized: grant,
			GrantAuthorizationCode: map[string]any{"issuer_state": o.ID}},
	}, nil
}

// Token is an issued access token.
type Token struct {
	AccessToken string
	ExpiresIn   int // seconds
}

// Redeem exchanges a pre-authorized code (and transaction code) for an
// access token. Errors are *Error: invalid_grant for an unknown, used or
// expired code, a wrong transaction code or a locked offer;
// invalid_request when a transaction code is missing or not expected.
func (s *Service) Redeem(ctx context.Context, code, txCode string) (*Token, error) {
	if code == "" {
		return nil, fail(CodeInvalidRequest, "pre-authorized_code is missing")
	}
	o, err := s.store.OfferByCode(ctx, Hash(code))
	if badged.KindOf(err) == badged.NotFound || err == nil && o.Authorized() {
		return nil, fail(CodeInvalidGrant, "the pre-authorized code is not known")
	} else if err != nil {
		return nil, err
	}
	token, err := s.secret()
	if err != nil {
		return nil, err
	}
	var perr *Error
	now := s.now().UTC()
	_, err = s.store.UpdateOffer(ctx, o.ID, func(o *Offer) error {
		perr = nil
		switch {
		case o.Redeemed:
			return fail(CodeInvalidGrant, "the pre-authorized code was already used")
		case !now.Before(o.Expires):
			return fail(CodeInvalidGrant, "the pre-authorized code has expired")
		case o.TxCodeHash == "" && txCode != "":
			return fail(CodeInvalidRequest, "this offer has no transaction code")
		case o.TxCodeHash != "" && txCode == "":
			return fail(CodeInvalidRequest, "tx_code is missing")
		case o.TxAttempts >= MaxTxAttempts:
			return fail(CodeInvalidGrant, "too many wrong transaction codes: the offer is locked")
		case o.TxCodeHash != "" && subtle.ConstantTimeCompare([]byte(Hash(txCode)), []byte(o.TxCodeHash)) != 1:
			// Counted, so the update goes through; the refusal follows.
			o.TxAttempts++
			perr = fail(CodeInvalidGrant, "wrong transaction code")
			return nil
		}
		o.Redeemed = true
		o.TokenHash = Hash(token)
		o.TokenExpires = now.Add(TokenLifetime)
		return nil
	})
	if err != nil {
		var pe *Error
		if errors.As(err, &pe) {
			return nil, pe
		}
		return nil, fmt.Errorf("redeem offer: %w", err)
	}
	if perr != nil {
		return nil, perr
	}
	return &Token{AccessToken: token, ExpiresIn: int(TokenLifetime / time.Second)}, nil
}

// Authorize returns the offer an access token was issued for. The error is
// *Error invalid_token for an unknown or expired token.
func (s *Service) Authorize(ctx context.Context, token string) (*Offer, error) {
	if token == "" {
		return nil, fail(CodeInvalidToken, "an access token is required")
	}
	o, err := s.store.OfferByToken(ctx, Hash(token))
	if badged.KindOf(err) == badged.NotFound {
		return nil, fail(CodeInvalidToken, "the access token is not known")
	} else if err != nil {
		return nil, err
	}
	if !s.now().Before(o.TokenExpires) {
		return nil, fail(CodeInvalidToken, "the access token has expired")
	}
	return o, nil
}

// Nonce returns a fresh c_nonce. Errors are the store's.
func (s *Service) Nonce(ctx context.Context) (string, error) {
	n, err := s.secret()
	if err != nil {
		return "", err
	}
	if err := s.store.CreateNonce(ctx, Hash(n), s.now().UTC().Add(NonceLifetime)); err != nil {
		return "", fmt.Errorf("store nonce: %w", err)
	}
	return n, nil
}

// PurgeGrace is how long an expired offer is kept, so that a wallet
// coming back to it still hears that it expired rather than that it never
// existed.
const PurgeGrace = 24 * time.Hour

// Purge removes the offers and nonces that expired more than PurgeGrace
// ago; serve runs it with the award flows' due work.
func (s *Service) Purge(ctx context.Context) (offers, nonces int, err error) {
	return s.store.PurgeExpired(ctx, s.now().UTC().Add(-PurgeGrace))
}
