package openid4vci

import (
	"context"
	"time"
)

// Offer is a credential offer for one award, with the state of its
// pre-authorized code grant. Secrets are kept as hashes ([Hash]).
type Offer struct {
	ID             string
	AwardID        string
	Configurations []string // credential_configuration_ids offered
	CodeHash       string   // hash of the pre-authorized code
	TxCodeHash     string   // hash of the transaction code; empty when none is asked
	TxAttempts     int      // wrong transaction codes given so far
	Created        time.Time
	Expires        time.Time // the pre-authorized code's expiry
	Redeemed       bool      // the code was exchanged for a token
	TokenHash      string    // hash of the access token, once redeemed
	TokenExpires   time.Time
	// For the authorization code flow, CodeHash is the hash of the
	// authorization code, and the code is redeemed only by ClientID with
	// RedirectURI and the PKCE verifier of CodeChallenge (S256). An offer
	// without a CodeChallenge is a pre-authorized one.
	ClientID      string
	RedirectURI   string
	CodeChallenge string
}

// Authorized reports whether o came from the authorization code flow.
func (o *Offer) Authorized() bool { return o.CodeChallenge != "" }

// Store keeps offers and nonces. Implementations: storage/bolt and
// storage/postgres, checked by storage/storagetest.
//
// Lookups return a *badged.Error of kind NotFound when nothing matches;
// CreateOffer and CreateNonce return kind Conflict for an existing key.
type Store interface {
	CreateOffer(ctx context.Context, o *Offer) error
	Offer(ctx context.Context, id string) (*Offer, error)
	// OfferByCode and OfferByToken find an offer by the hash of its
	// pre-authorized code or of its access token.
	OfferByCode(ctx context.Context, codeHash string) (*Offer, error)
	OfferByToken(ctx context.Context, tokenHash string) (*Offer, error)
	// UpdateOffer reads offer id, calls fn on it and stores what fn left,
	// all in one transaction; an error from fn aborts without a change
	// and is returned as is.
	UpdateOffer(ctx context.Context, id string, fn func(*Offer) error) (*Offer, error)
	CreateNonce(ctx context.Context, hash string, expires time.Time) error
	// TakeNonce removes the nonce and returns its expiry; a second take
	// of the same nonce is NotFound.
	TakeNonce(ctx context.Context, hash string) (time.Time, error)
	// PurgeExpired removes what expired before: the offers whose code
	// and access token (if any) both expired, and the nonces. It returns
	// how many offers and nonces it removed.
	PurgeExpired(ctx context.Context, before time.Time) (offers, nonces int, err error)
}
