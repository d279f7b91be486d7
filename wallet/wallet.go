package wallet

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"github.com/badged/badged/cache"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/credential/dataintegrity"
	"github.com/badged/badged/issuance"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/keys"
	"github.com/badged/badged/login"
	"github.com/badged/badged/verifier"
)

// Store keeps what the wallet owns: wallet keys, shares, imports,
// presentations and collections, each of one user. Storage adapters
// implement it; all of them pass storage/storagetest.RunWallet.
//
// Error contract: a record that does not exist, or is not the given
// user's, gives a [badged.NotFound] *badged.Error; creating a record whose
// ID exists gives [badged.Conflict]. Lists are ordered by Created, then
// ID, and are empty, not an error, when there is nothing.
type Store interface {
	// WalletKey returns the user's wallet key.
	WalletKey(ctx context.Context, userID string) (*Key, error)
	// CreateWalletKey stores a user's first wallet key; Conflict when the
	// user has one.
	CreateWalletKey(ctx context.Context, k *Key) error

	// PutShare creates or replaces the share of the user's holding
	// (UserID, HoldingID); Conflict when its ID is another holding's.
	PutShare(ctx context.Context, s *Share) error
	// Share returns the share of a user's holding.
	Share(ctx context.Context, userID, holdingID string) (*Share, error)
	// ShareByID returns a share by its public ID, public or not.
	ShareByID(ctx context.Context, id string) (*Share, error)
	Shares(ctx context.Context, userID string) ([]*Share, error)

	CreateImport(ctx context.Context, im *Import) error
	Import(ctx context.Context, userID, id string) (*Import, error)
	Imports(ctx context.Context, userID string) ([]*Import, error)
	DeleteImport(ctx context.Context, userID, id string) error

	CreatePresentation(ctx context.Context, p *Presentation) error
	// Presentation returns a presentation by its ID, whoever's it is.
	Presentation(ctx context.Context, id string) (*Presentation, error)
	Presentations(ctx context.Context, userID string) ([]*Presentation, error)
	DeletePresentation(ctx context.Context, userID, id string) error

	// PutCollection creates or replaces a collection of its user.
	PutCollection(ctx context.Context, c *Collection) error
	Collection(ctx context.Context, userID, id string) (*Collection, error)
	Collections(ctx context.Context, userID string) ([]*Collection, error)
	DeleteCollection(ctx context.Context, userID, id string) error

	// DeleteWallet removes every wallet record of the user: key, shares,
	// imports, presentations, collections. It is not an error when there
	// are none.
	DeleteWallet(ctx context.Context, userID string) error
}

// Awards is what the wallet reads and changes of the learner's awards.
// *issuer.Service implements it.
type Awards interface {
	LearnerAwards(ctx context.Context, l issuer.Learner, f issuer.AwardFilter) (*issuer.AwardPage, error)
	// EraseLearner removes the learner's identifiers and name from their
	// awards (see issuer.Service.EraseLearner).
	EraseLearner(ctx context.Context, l issuer.Learner) (int, error)
	// Memberships lists the staff roles of a person.
	Memberships(ctx context.Context, a issuer.Actor) ([]*issuer.Membership, error)
}

// Credentials reads issued credentials by award. issuance.Store
// implements it.
type Credentials interface {
	CredentialByAward(ctx context.Context, awardID string) (*issuance.Credential, error)
}

// Accounts erases what the login and mail layers keep of a person: the
// login user record, every session of the user, and the mails queued or
// sent to their addresses. Storage adapters implement it.
type Accounts interface {
	EraseAccount(ctx context.Context, l issuer.Learner) error
}

// Users finds what the login established about a user. login.Store
// implements it; NotFound for a user who never signed in through it.
type Users interface {
	User(ctx context.Context, id string) (*login.User, error)
}

// Service is the backpack of every learner, each call on behalf of one.
// It is safe for concurrent use.
type Service struct {
	store    Store
	awards   Awards
	creds    Credentials
	accounts Accounts
	users    Users
	sealer   *keys.Sealer
	verify   *verifier.Verifier
	proofs   *dataintegrity.Suite
	base     string
	egress   *http.Client
	now      func() time.Time
	rand     io.Reader
	ttl      time.Duration
	presTTL  time.Duration
	checked  *cache.LRU[string, *verifier.Result] // holding key → its verification, for ttl
}

// checkedEntries bounds the verifications the service remembers.
const checkedEntries = 10000

// Defaults.
const (
	// DefaultVerifyTTL is how long a verification result is reused.
	DefaultVerifyTTL = time.Minute
	// DefaultPresentationTTL is how long a shared presentation lives
	// unless the learner says otherwise.
	DefaultPresentationTTL = 7 * 24 * time.Hour
	// MaxPresentationTTL bounds the life of a shared presentation.
	MaxPresentationTTL = 365 * 24 * time.Hour
)

// Option sets an optional property of a [Service].
type Option func(*Service)

// WithClock sets the clock (default time.Now).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithRand sets the randomness (default crypto/rand): wallet keys, share,
// import and presentation IDs. It must be safe for concurrent use.
func WithRand(r io.Reader) Option { return func(s *Service) { s.rand = r } }

// WithVerifyTTL sets how long a verification result is reused (0: never).
func WithVerifyTTL(d time.Duration) Option { return func(s *Service) { s.ttl = d } }

// WithUsers makes the service read a learner's eduID, EPPNs, further
// emails and name from the login records.
func WithUsers(u Users) Option { return func(s *Service) { s.users = u } }

// WithAccounts makes [Service.DeleteAccount] erase login records, sessions
// and mails too.
func WithAccounts(a Accounts) Option { return func(s *Service) { s.accounts = a } }

// WithEgress sets the guarded HTTP client imports by URL are fetched with
// (default: none, and import by URL fails with Unavailable).
func WithEgress(c *http.Client) Option { return func(s *Service) { s.egress = c } }

// New returns a Service keeping its records in store, reading the
// learner's awards and their credentials from awards and creds, sealing
// wallet keys with sealer, verifying with v, canonicalizing with p, and
// building public links under baseURL (the URL badged is reached at). The
// error is Invalid for a base URL that is not an absolute http(s) URL.
func New(store Store, awards Awards, creds Credentials, sealer *keys.Sealer, v *verifier.Verifier, p *jsonld.Processor, baseURL string, opts ...Option) (*Service, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, badged.Errorf(badged.Invalid, "the base URL %q must be an absolute http(s) URL", baseURL)
	}
	s := &Service{
		store: store, awards: awards, creds: creds, sealer: sealer, verify: v, proofs: dataintegrity.New(p),
		base: strings.TrimRight(baseURL, "/"), now: time.Now, rand: rand.Reader,
		ttl: DefaultVerifyTTL, presTTL: DefaultPresentationTTL, checked: cache.New[string, *verifier.Result](checkedEntries).Named("holding_verifications"),
	}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// Learner completes l, whose UserID (and possibly email) the session
// established, with what the login records know and the wallet DID when
// the learner has one. Errors: Unauthorized without a user ID; the
// store's.
func (s *Service) Learner(ctx context.Context, l issuer.Learner) (issuer.Learner, error) {
	if l.UserID == "" {
		return l, badged.Errorf(badged.Unauthorized, "sign in first")
	}
	if s.users != nil {
		u, err := s.users.User(ctx, l.UserID)
		switch {
		case err == nil:
			if l.EduID == "" {
				l.EduID = u.EduID
			}
			l.Emails = appendNew(l.Emails, u.Emails...)
			l.EPPNs = appendNew(l.EPPNs, u.EPPNs...)
			if l.Name == "" {
				l.Name = u.Name
			}
		case badged.KindOf(err) != badged.NotFound:
			return l, fmt.Errorf("user %s: %w", l.UserID, err)
		}
	}
	if l.HolderDID == "" {
		if k, err := s.store.WalletKey(ctx, l.UserID); err == nil {
			l.HolderDID = k.DID
		}
	}
	return l, nil
}

func appendNew(list []string, more ...string) []string {
	for _, m := range more {
		found := m == ""
		for _, x := range list {
			if strings.EqualFold(x, m) {
				found = true
			}
		}
		if !found {
			list = append(list, m)
		}
	}
	return list
}

func (s *Service) timestamp() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// newID returns prefix and 128 random bits, base64url: unguessable.
func (s *Service) newID(prefix string) (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(s.rand, b[:]); err != nil {
		return "", fmt.Errorf("random id: %w", err)
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b[:]), nil
}

func unauthorized(l issuer.Learner) error {
	if l.UserID == "" {
		return badged.Errorf(badged.Unauthorized, "sign in first")
	}
	return nil
}
