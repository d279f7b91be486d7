package auth

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
)

// Memberships is what the service needs of the issuer service: it grants
// and removes the client's membership, and it decides, through the issuer's
// own rules (administrate users at the institution), who may manage
// clients. *issuer.Service implements it.
type Memberships interface {
	GrantRole(ctx context.Context, a issuer.Actor, userID string, role issuer.Role, nodeID string) (*issuer.Membership, error)
	RevokeRole(ctx context.Context, a issuer.Actor, id string, version int64) error
	Staff(ctx context.Context, a issuer.Actor, l issuer.Level, nodeID string) ([]*issuer.Membership, error)
}

// ErrInvalidClient is returned, possibly wrapped, by
// [Service.ClientCredentials] when the client is unknown, revoked or the
// secret is wrong. It is the OAuth error invalid_client.
var ErrInvalidClient = &badged.Error{Kind: badged.Unauthorized, Message: "client authentication failed"}

// Defaults.
const (
	DefaultSessionTTL     = 12 * time.Hour
	DefaultAccessTokenTTL = time.Hour
	// touchInterval bounds how often a client's LastUsed is written.
	touchInterval = time.Minute
	maxClientName = 100
)

// Service issues and checks credentials.
//
// Errors are *badged.Error values: Unauthorized for a credential that is
// unknown, expired or revoked; Forbidden, NotFound and Invalid as the
// issuer service gives them for client management.
type Service struct {
	store      Store
	members    Memberships
	now        func() time.Time
	rand       io.Reader
	sessionTTL time.Duration
	tokenTTL   time.Duration
	changes    func(issuer.Change)
}

// Option sets an optional setting of a [Service].
type Option func(*Service)

// WithChanges makes the service report the creation and revocation of API
// clients to fn (actions "client.create" and "client.revoke", target kind
// "client"), after they are stored, as issuer.WithChanges reports the
// hierarchy's changes.
func WithChanges(fn func(issuer.Change)) Option { return func(s *Service) { s.changes = fn } }

// clientChanged reports a change to an API client.
func (s *Service) clientChanged(action string, a issuer.Actor, c *Client, at time.Time) {
	if s.changes == nil {
		return
	}
	view := struct{ ID, InstitutionID, Name, CreatedBy string }{c.ID, c.InstitutionID, c.Name, c.CreatedBy}
	ch := issuer.Change{Action: action, InstitutionID: c.InstitutionID, TargetKind: "client", TargetID: c.ID,
		ActorID: cmp.Or(a.UserID, "system"), At: at}
	if action == "client.revoke" {
		ch.Before = view
	} else {
		ch.After = view
	}
	s.changes(ch)
}

// WithClock makes the service read the time from now.
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithRand makes the service take credentials and IDs from r instead of
// crypto/rand.
func WithRand(r io.Reader) Option { return func(s *Service) { s.rand = r } }

// WithSessionTTL sets how long a session lasts (default 12 hours).
func WithSessionTTL(d time.Duration) Option { return func(s *Service) { s.sessionTTL = d } }

// WithAccessTokenTTL sets how long an access token lasts (default 1 hour).
func WithAccessTokenTTL(d time.Duration) Option { return func(s *Service) { s.tokenTTL = d } }

// NewService returns a Service keeping credentials in store and client
// memberships through members.
func NewService(store Store, members Memberships, opts ...Option) *Service {
	s := &Service{store: store, members: members, now: time.Now, rand: rand.Reader,
		sessionTTL: DefaultSessionTTL, tokenTTL: DefaultAccessTokenTTL}
	for _, o := range opts {
		o(s)
	}
	return s
}

func (s *Service) timestamp() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

func (s *Service) random(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(s.rand, b); err != nil {
		return nil, fmt.Errorf("auth: random: %w", err)
	}
	return b, nil
}

func (s *Service) credential(prefix string) (string, error) {
	b, err := s.random(32)
	if err != nil {
		return "", err
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b), nil
}

var errNoCredential = badged.Errorf(badged.Unauthorized, "sign in first")

func unauthorized(msg string) error { return badged.Errorf(badged.Unauthorized, "%s", msg) }

// ---- sessions

// CreateSession starts a session for u and returns its token, which the
// caller hands to the browser and which is not kept. u.ID must be set and
// may not look like a client's user ID.
func (s *Service) CreateSession(ctx context.Context, u User) (string, *Session, error) {
	if u.ID == "" || isClientUser(u.ID) {
		return "", nil, badged.Errorf(badged.Invalid, "invalid user ID %q", u.ID)
	}
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	token, err := s.credential("")
	if err != nil {
		return "", nil, err
	}
	now := s.timestamp()
	ss := &Session{Hash: Hash(token), User: u, Created: now, Expires: now.Add(s.sessionTTL)}
	if err := s.store.CreateSession(ctx, ss); err != nil {
		return "", nil, fmt.Errorf("create session: %w", err)
	}
	return token, ss, nil
}

// SessionPrincipal returns the user whose session token this is. It fails
// with Unauthorized when the session is unknown, revoked or expired.
func (s *Service) SessionPrincipal(ctx context.Context, token string) (*Principal, error) {
	if token == "" {
		return nil, errNoCredential
	}
	ss, err := s.store.Session(ctx, Hash(token))
	if badged.KindOf(err) == badged.NotFound {
		return nil, unauthorized("your session has ended; sign in again")
	}
	if err != nil {
		return nil, err
	}
	if !s.now().Before(ss.Expires) {
		return nil, unauthorized("your session has expired; sign in again")
	}
	u := ss.User
	return &Principal{User: &u}, nil
}

// RevokeSession ends the session; ending an unknown one is not an error.
func (s *Service) RevokeSession(ctx context.Context, token string) error {
	err := s.store.DeleteSession(ctx, Hash(token))
	if err != nil && badged.KindOf(err) != badged.NotFound {
		return fmt.Errorf("revoke session: %w", err)
	}
	return nil
}

// ---- bearer tokens

// BearerPrincipal returns the client a bearer token (a client secret used
// as an API token, or an access token) belongs to. It fails with
// Unauthorized when the token is unknown, expired, or its client revoked.
func (s *Service) BearerPrincipal(ctx context.Context, token string) (*Principal, error) {
	var (
		c   *Client
		err error
	)
	switch {
	case strings.HasPrefix(token, secretPrefix):
		c, err = s.store.ClientBySecret(ctx, Hash(token))
	case strings.HasPrefix(token, tokenPrefix):
		var t *AccessToken
		t, err = s.store.AccessToken(ctx, Hash(token))
		if err == nil {
			if !s.now().Before(t.Expires) {
				return nil, unauthorized("the access token has expired")
			}
			c, err = s.store.Client(ctx, t.ClientID)
		}
	default:
		return nil, unauthorized("unknown bearer token")
	}
	if badged.KindOf(err) == badged.NotFound {
		return nil, unauthorized("unknown bearer token")
	}
	if err != nil {
		return nil, err
	}
	if !c.Active() {
		return nil, unauthorized("the API client has been revoked")
	}
	s.touch(ctx, c)
	return &Principal{Client: c}, nil
}

// touch records that c was used, at most once per touchInterval. A failure
// to record it does not fail the request.
func (s *Service) touch(ctx context.Context, c *Client) {
	now := s.timestamp()
	if now.Sub(c.LastUsed) < touchInterval {
		return
	}
	if err := s.store.TouchClient(ctx, c.ID, now); err == nil {
		c.LastUsed = now
	}
}

// ClientCredentials is the OAuth 2.0 client credentials grant: it checks
// the client's secret and returns a new access token and its record. It
// fails with [ErrInvalidClient] for an unknown or revoked client or a
// wrong secret.
func (s *Service) ClientCredentials(ctx context.Context, clientID, secret string) (string, *AccessToken, error) {
	c, err := s.store.Client(ctx, clientID)
	if badged.KindOf(err) == badged.NotFound {
		return "", nil, ErrInvalidClient
	}
	if err != nil {
		return "", nil, err
	}
	got, want := Hash(secret), c.SecretHash
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 || !c.Active() {
		return "", nil, ErrInvalidClient
	}
	token, err := s.credential(tokenPrefix)
	if err != nil {
		return "", nil, err
	}
	now := s.timestamp()
	t := &AccessToken{Hash: Hash(token), ClientID: c.ID, Created: now, Expires: now.Add(s.tokenTTL)}
	if err := s.store.CreateAccessToken(ctx, t); err != nil {
		return "", nil, fmt.Errorf("create access token: %w", err)
	}
	s.touch(ctx, c)
	return token, t, nil
}

// ---- clients

// CreateClient creates an API client of the institution and returns it
// with its secret, which is shown once and not kept. The actor needs the
// administrate-users permission at the institution (an institution admin).
// name is required.
func (s *Service) CreateClient(ctx context.Context, a issuer.Actor, institutionID, name string) (*Client, string, error) {
	return s.CreateScopedClient(ctx, a, institutionID, name, Scope{})
}

// CreateScopedClient is [Service.CreateClient] for a client limited to
// scope. Its issuers and badge classes are ids; the VC-API checks them
// when the client issues.
func (s *Service) CreateScopedClient(ctx context.Context, a issuer.Actor, institutionID, name string, scope Scope) (*Client, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > maxClientName {
		return nil, "", badged.InvalidFields("API client", badged.FieldError{Field: "name", Message: fmt.Sprintf("required, at most %d characters", maxClientName)})
	}
	idb, err := s.random(16)
	if err != nil {
		return nil, "", err
	}
	secret, err := s.credential(secretPrefix)
	if err != nil {
		return nil, "", err
	}
	c := &Client{ID: hex.EncodeToString(idb), InstitutionID: institutionID, Name: name,
		SecretHash: Hash(secret), CreatedBy: a.UserID, Created: s.timestamp(),
		Scope: Scope{Issuers: slices.Clone(scope.Issuers), BadgeClasses: slices.Clone(scope.BadgeClasses), FreeForm: scope.FreeForm}}
	// Granting the membership is the authorization check.
	m, err := s.members.GrantRole(ctx, a, c.UserID(), issuer.RoleInstitutionAwarder, institutionID)
	if err != nil {
		return nil, "", err
	}
	if err := s.store.CreateClient(ctx, c); err != nil {
		if rerr := s.members.RevokeRole(context.WithoutCancel(ctx), a, m.ID, m.Version); rerr != nil {
			err = fmt.Errorf("%w (and removing its membership %s failed: %v)", err, m.ID, rerr)
		}
		return nil, "", fmt.Errorf("create API client: %w", err)
	}
	s.clientChanged("client.create", a, c, c.Created)
	return c, secret, nil
}

// staff authorizes a to manage the clients of an institution and returns
// its memberships.
func (s *Service) staff(ctx context.Context, a issuer.Actor, institutionID string) ([]*issuer.Membership, error) {
	return s.members.Staff(ctx, a, issuer.LevelInstitution, institutionID)
}

// Clients lists the API clients of an institution, revoked ones included.
// The actor needs the administrate-users permission at the institution.
func (s *Service) Clients(ctx context.Context, a issuer.Actor, institutionID string) ([]*Client, error) {
	if _, err := s.staff(ctx, a, institutionID); err != nil {
		return nil, err
	}
	return s.store.Clients(ctx, institutionID)
}

// RevokeClient revokes an API client of the institution: its secret and
// access tokens stop working at once, and its membership is removed.
// Revoking a revoked client is not an error. A client of another
// institution is NotFound.
func (s *Service) RevokeClient(ctx context.Context, a issuer.Actor, institutionID, id string) error {
	staff, err := s.staff(ctx, a, institutionID)
	if err != nil {
		return err
	}
	c, err := s.store.Client(ctx, id)
	if err != nil {
		return err
	}
	if c.InstitutionID != institutionID {
		return badged.Errorf(badged.NotFound, "API client %s not found", id)
	}
	revoked := s.timestamp()
	if err := s.store.RevokeClient(ctx, id, revoked); err != nil {
		return fmt.Errorf("revoke API client %s: %w", id, err)
	}
	s.clientChanged("client.revoke", a, c, revoked)
	for _, m := range staff {
		if m.UserID == c.UserID() {
			if err := s.members.RevokeRole(ctx, a, m.ID, m.Version); err != nil {
				return fmt.Errorf("remove membership of API client %s: %w", id, err)
			}
		}
	}
	return nil
}
