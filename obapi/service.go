package obapi

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/badged/badged"
	"github.com/badged/badged/auth"
	"github.com/badged/badged/oauth"
)

// Lifetimes of codes and tokens.
const (
	CodeLifetime    = 5 * time.Minute
	AccessLifetime  = time.Hour
	RefreshLifetime = 180 * 24 * time.Hour
)

// Paths of the API under the server's base URL.
const (
	PathBase       = "/ims/ob/v3p0"
	PathDiscovery  = PathBase + "/discovery"
	PathRegister   = PathBase + "/register"
	PathAuthorize  = PathBase + "/authorize"
	PathToken      = PathBase + "/token"
	PathRevoke     = PathBase + "/revoke"
	PathCredential = PathBase + "/credentials"
	PathProfile    = PathBase + "/profile"
)

// Service is the authorization server of the Open Badges API.
type Service struct {
	store Store
	base  string
	now   func() time.Time
	rand  io.Reader
}

// Option sets an optional setting of a [Service].
type Option func(*Service)

// WithClock sets the clock (default time.Now).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithRand sets the source of secrets (default crypto/rand).
func WithRand(r io.Reader) Option { return func(s *Service) { s.rand = r } }

// New returns the service on store for the server at baseURL (its public
// URL, the issuer of authorization responses).
func New(store Store, baseURL string, opts ...Option) *Service {
	s := &Service{store: store, base: strings.TrimSuffix(baseURL, "/"), now: time.Now, rand: rand.Reader}
	for _, o := range opts {
		o(s)
	}
	return s
}

// BaseURL is the server's public URL.
func (s *Service) BaseURL() string { return s.base }

func (s *Service) secret() (string, error) {
	var b [32]byte
	if _, err := io.ReadFull(s.rand, b[:]); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

func (s *Service) timestamp() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Registration is a client's registration request (RFC 7591 section 2).
type Registration struct {
	Name         string   `json:"client_name"`
	URI          string   `json:"client_uri"`
	LogoURI      string   `json:"logo_uri,omitempty"`
	RedirectURIs []string `json:"redirect_uris"`
	Scope        string   `json:"scope"`
	AuthMethod   string   `json:"token_endpoint_auth_method,omitempty"`
	GrantTypes   []string `json:"grant_types,omitempty"`
	ResponseType []string `json:"response_types,omitempty"`
}

// Register registers a client and returns it with its secret, shown
// only now. Errors: *Error with invalid_redirect_uri,
// invalid_client_metadata or invalid_scope; the store's.
func (s *Service) Register(ctx context.Context, reg Registration) (*Client, string, error) {
	reg.Name = strings.TrimSpace(reg.Name)
	switch {
	case reg.Name == "" || len(reg.Name) > 200:
		return nil, "", fail(CodeInvalidClientMetadata, "client_name is required (at most 200 characters)")
	case !webURL(reg.URI, false):
		return nil, "", fail(CodeInvalidClientMetadata, "client_uri must be an https URL")
	case reg.LogoURI != "" && !webURL(reg.LogoURI, false):
		return nil, "", fail(CodeInvalidClientMetadata, "logo_uri must be an https URL")
	case reg.AuthMethod != "" && reg.AuthMethod != "client_secret_basic" && reg.AuthMethod != "client_secret_post":
		return nil, "", fail(CodeInvalidClientMetadata, "token_endpoint_auth_method must be client_secret_basic or client_secret_post")
	case len(reg.RedirectURIs) == 0 || len(reg.RedirectURIs) > 10:
		return nil, "", fail(CodeInvalidRedirectURI, "give one to ten redirect_uris")
	}
	for _, g := range reg.GrantTypes {
		if g != "authorization_code" && g != "refresh_token" {
			return nil, "", fail(CodeInvalidClientMetadata, "grant_types may only be authorization_code and refresh_token")
		}
	}
	for _, rt := range reg.ResponseType {
		if rt != "code" {
			return nil, "", fail(CodeInvalidClientMetadata, "response_types may only be code")
		}
	}
	for _, u := range reg.RedirectURIs {
		if !webURL(u, true) {
			return nil, "", fail(CodeInvalidRedirectURI, "redirect URI %q must be https (or http on a loopback address) without a fragment", u)
		}
	}
	scopes, ok := parseScope(reg.Scope, Scopes)
	if !ok {
		return nil, "", fail(CodeInvalidScope, "scope must name one or more of the Open Badges API's scopes")
	}
	id, err := s.secret()
	if err != nil {
		return nil, "", err
	}
	secret, err := s.secret()
	if err != nil {
		return nil, "", err
	}
	c := &Client{ID: id, SecretHash: auth.Hash(secret), Name: reg.Name, URI: reg.URI, LogoURI: reg.LogoURI,
		RedirectURIs: slices.Clone(reg.RedirectURIs), Scopes: scopes, Created: s.timestamp()}
	if err := s.store.CreateOBClient(ctx, c); err != nil {
		return nil, "", fmt.Errorf("store client: %w", err)
	}
	return c, secret, nil
}

// webURL reports whether raw is an absolute https URL without a fragment
// or, when loopback is set, an http URL on a loopback host.
func webURL(raw string, loopback bool) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Fragment != "" || u.User != nil {
		return false
	}
	if u.Scheme == "https" {
		return true
	}
	if !loopback || u.Scheme != "http" {
		return false
	}
	h := u.Hostname()
	ip := net.ParseIP(h)
	return h == "localhost" || ip != nil && ip.IsLoopback()
}

// AuthenticateClient checks a client's id and secret. Errors: *Error
// invalid_client; the store's.
func (s *Service) AuthenticateClient(ctx context.Context, id, secret string) (*Client, error) {
	if id == "" || secret == "" {
		return nil, fail(CodeInvalidClient, "client authentication is required")
	}
	c, err := s.store.OBClient(ctx, id)
	if badged.KindOf(err) == badged.NotFound {
		return nil, fail(CodeInvalidClient, "client authentication failed")
	} else if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(auth.Hash(secret)), []byte(c.SecretHash)) != 1 {
		return nil, fail(CodeInvalidClient, "client authentication failed")
	}
	return c, nil
}

// AuthorizationRequest is a checked authorization request.
type AuthorizationRequest struct {
	Client        *Client
	RedirectURI   string
	State         string
	Scopes        []string
	CodeChallenge string
}

// RedirectError is an authorization error to send back to the client at
// its (registered) redirect URI.
type RedirectError = oauth.RedirectError

// ParseAuthorization checks an authorization request. An unknown client
// or a redirect URI the client did not register is an *Error to show the
// learner (never a redirect, RFC 6749 section 4.1.2.1); anything else
// wrong is a *RedirectError to send back to the client.
func (s *Service) ParseAuthorization(ctx context.Context, q url.Values) (*AuthorizationRequest, error) {
	for k, v := range q {
		if len(v) > 1 {
			return nil, fail(CodeInvalidRequest, "parameter %s is repeated", k)
		}
	}
	id := q.Get("client_id")
	if id == "" {
		return nil, fail(CodeInvalidRequest, "client_id is missing")
	}
	c, err := s.store.OBClient(ctx, id)
	if badged.KindOf(err) == badged.NotFound {
		return nil, fail(CodeInvalidClient, "no application is registered as %q", id)
	} else if err != nil {
		return nil, err
	}
	redirect := q.Get("redirect_uri")
	if redirect == "" && len(c.RedirectURIs) == 1 {
		redirect = c.RedirectURIs[0]
	}
	if !slices.Contains(c.RedirectURIs, redirect) {
		return nil, fail(CodeInvalidRequest, "redirect_uri is not one the application registered")
	}
	req := &AuthorizationRequest{Client: c, RedirectURI: redirect, State: q.Get("state"), CodeChallenge: q.Get("code_challenge")}
	back := func(code, format string, args ...any) error {
		return &RedirectError{Err: fail(code, format, args...), RedirectURI: redirect, State: req.State}
	}
	if q.Get("response_type") != "code" {
		return nil, back(CodeUnsupportedResponse, "response_type must be code")
	}
	if q.Get("code_challenge_method") != "S256" || len(req.CodeChallenge) != 43 {
		return nil, back(CodeInvalidRequest, "PKCE with code_challenge_method S256 is required")
	}
	scopes, ok := parseScope(q.Get("scope"), c.Scopes)
	if !ok {
		return nil, back(CodeInvalidScope, "scope must name one or more of the scopes the application registered")
	}
	req.Scopes = scopes
	return req, nil
}

// Denied is where to send the browser when the learner declines.
func (s *Service) Denied(req *AuthorizationRequest) string {
	return (&RedirectError{Err: fail(CodeAccessDenied, "the learner declined"), RedirectURI: req.RedirectURI,
		State: req.State}).URL(s.base)
}

// Consent records the learner's consent to req as a grant, and returns
// where to send the browser: the redirect URI with a single-use code.
func (s *Service) Consent(ctx context.Context, req *AuthorizationRequest, userID string) (string, error) {
	if userID == "" {
		return "", badged.Errorf(badged.Unauthorized, "sign in first")
	}
	gid, err := s.secret()
	if err != nil {
		return "", err
	}
	now := s.timestamp()
	g := &Grant{ID: "grt_" + gid[:22], ClientID: req.Client.ID, UserID: userID, Scopes: req.Scopes, Created: now}
	if err := s.store.CreateGrant(ctx, g); err != nil {
		return "", fmt.Errorf("store grant: %w", err)
	}
	code, err := s.secret()
	if err != nil {
		return "", err
	}
	t := &Token{Hash: auth.Hash(code), Kind: KindCode, GrantID: g.ID, RedirectURI: req.RedirectURI,
		CodeChallenge: req.CodeChallenge, Created: now, Expires: now.Add(CodeLifetime)}
	if err := s.store.CreateToken(ctx, t); err != nil {
		return "", fmt.Errorf("store code: %w", err)
	}
	return oauth.WithParams(req.RedirectURI, url.Values{"code": {code}}, req.State, s.base), nil
}

// Tokens is a token response (RFC 6749 section 5.1).
type Tokens struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
}

// Exchange redeems an authorization code of client c: once, before it
// expires, with the redirect URI and the PKCE verifier of its request. A
// second use revokes the grant. Errors: *Error invalid_request or
// invalid_grant; the store's.
func (s *Service) Exchange(ctx context.Context, c *Client, code, redirectURI, verifier string) (*Tokens, error) {
	if code == "" || verifier == "" {
		return nil, fail(CodeInvalidRequest, "code and code_verifier are required")
	}
	t, g, err := s.token(ctx, code, KindCode, c)
	if err != nil {
		return nil, err
	}
	now := s.timestamp()
	if err := s.store.UseToken(ctx, t.Hash, now); badged.KindOf(err) == badged.Conflict {
		// RFC 6749 section 4.1.2: a code used twice may have been stolen.
		if err := s.store.RevokeGrant(ctx, g.ID, now); err != nil {
			return nil, fmt.Errorf("revoke grant: %w", err)
		}
		return nil, fail(CodeInvalidGrant, "the authorization code was already used")
	} else if err != nil {
		return nil, fmt.Errorf("use code: %w", err)
	}
	switch {
	case !now.Before(t.Expires):
		return nil, fail(CodeInvalidGrant, "the authorization code has expired")
	case redirectURI != t.RedirectURI:
		return nil, fail(CodeInvalidGrant, "redirect_uri differs from the authorization request's")
	case subtle.ConstantTimeCompare([]byte(oauth2.S256ChallengeFromVerifier(verifier)), []byte(t.CodeChallenge)) != 1:
		return nil, fail(CodeInvalidGrant, "the code_verifier does not match the code_challenge")
	}
	return s.issue(ctx, g, now, nil)
}

// Refresh exchanges a refresh token of client c for new tokens: the old
// refresh token is used up (using it again revokes the grant). scope, if
// given, must be within the grant's. Errors: *Error invalid_request,
// invalid_grant or invalid_scope; the store's.
func (s *Service) Refresh(ctx context.Context, c *Client, refresh, scope string) (*Tokens, error) {
	if refresh == "" {
		return nil, fail(CodeInvalidRequest, "refresh_token is required")
	}
	t, g, err := s.token(ctx, refresh, KindRefresh, c)
	if err != nil {
		return nil, err
	}
	var narrower []string
	if scope != "" {
		var ok bool
		if narrower, ok = parseScope(scope, g.Scopes); !ok {
			return nil, fail(CodeInvalidScope, "scope must be within the scopes the learner granted")
		}
	}
	now := s.timestamp()
	if !now.Before(t.Expires) {
		return nil, fail(CodeInvalidGrant, "the refresh token has expired")
	}
	if err := s.store.UseToken(ctx, t.Hash, now); badged.KindOf(err) == badged.Conflict {
		if err := s.store.RevokeGrant(ctx, g.ID, now); err != nil {
			return nil, fmt.Errorf("revoke grant: %w", err)
		}
		return nil, fail(CodeInvalidGrant, "the refresh token was already used")
	} else if err != nil {
		return nil, fmt.Errorf("use refresh token: %w", err)
	}
	return s.issue(ctx, g, now, narrower)
}

// token finds the code or refresh token secret of kind, of client c and
// an active grant. Errors: *Error invalid_grant; the store's.
func (s *Service) token(ctx context.Context, secret, kind string, c *Client) (*Token, *Grant, error) {
	t, err := s.store.Token(ctx, auth.Hash(secret))
	if badged.KindOf(err) == badged.NotFound || err == nil && t.Kind != kind {
		return nil, nil, fail(CodeInvalidGrant, "the %s is not known", kindName(kind))
	} else if err != nil {
		return nil, nil, err
	}
	g, err := s.store.Grant(ctx, t.GrantID)
	if err != nil {
		return nil, nil, fmt.Errorf("grant %s: %w", t.GrantID, err)
	}
	if g.ClientID != c.ID {
		return nil, nil, fail(CodeInvalidGrant, "the %s was issued to another client", kindName(kind))
	}
	if !g.Active() {
		return nil, nil, fail(CodeInvalidGrant, "the learner's authorization was revoked")
	}
	return t, g, nil
}

func kindName(kind string) string {
	if kind == KindCode {
		return "authorization code"
	}
	return kind + " token"
}

// issue makes a new access and refresh token of g: the access token for
// scopes when given (a refresh that asked for fewer, RFC 6749 section 6),
// else for the grant's; the refresh token always for the grant's.
func (s *Service) issue(ctx context.Context, g *Grant, now time.Time, scopes []string) (*Tokens, error) {
	access, err := s.secret()
	if err != nil {
		return nil, err
	}
	refresh, err := s.secret()
	if err != nil {
		return nil, err
	}
	for _, t := range []*Token{
		{Hash: auth.Hash(access), Kind: KindAccess, GrantID: g.ID, Created: now, Expires: now.Add(AccessLifetime), Scopes: scopes},
		{Hash: auth.Hash(refresh), Kind: KindRefresh, GrantID: g.ID, Created: now, Expires: now.Add(RefreshLifetime)},
	} {
		if err := s.store.CreateToken(ctx, t); err != nil {
			return nil, fmt.Errorf("store token: %w", err)
		}
	}
	if len(scopes) == 0 {
		scopes = g.Scopes
	}
	return &Tokens{AccessToken: access, TokenType: "Bearer", ExpiresIn: int(AccessLifetime.Seconds()),
		RefreshToken: refresh, Scope: strings.Join(scopes, " ")}, nil
}

// Revoke revokes a token of client c (RFC 7009): an access token alone,
// a refresh token with its whole grant. A token that is unknown, already
// revoked or another client's is no error (section 2.2). Errors: the
// store's.
func (s *Service) Revoke(ctx context.Context, c *Client, token string) error {
	t, err := s.store.Token(ctx, auth.Hash(token))
	if badged.KindOf(err) == badged.NotFound {
		return nil
	} else if err != nil {
		return err
	}
	g, err := s.store.Grant(ctx, t.GrantID)
	if err != nil {
		return fmt.Errorf("grant %s: %w", t.GrantID, err)
	}
	if g.ClientID != c.ID {
		return nil
	}
	now := s.timestamp()
	switch t.Kind {
	case KindRefresh:
		return s.store.RevokeGrant(ctx, g.ID, now)
	case KindAccess:
		if err := s.store.UseToken(ctx, t.Hash, now); err != nil && badged.KindOf(err) != badged.Conflict {
			return err
		}
	}
	return nil
}

// Access is what a valid access token allows.
type Access struct {
	Grant *Grant
	// Scopes are the token's own, when fewer than the grant's.
	Scopes []string
}

// Allows reports whether the access includes scope.
func (a *Access) Allows(scope string) bool {
	if len(a.Scopes) > 0 {
		return slices.Contains(a.Scopes, scope)
	}
	return slices.Contains(a.Grant.Scopes, scope)
}

// Authenticate checks a bearer access token. Errors: *Error
// invalid_token; the store's.
func (s *Service) Authenticate(ctx context.Context, token string) (*Access, error) {
	if token == "" {
		return nil, fail(CodeInvalidToken, "an access token is required")
	}
	t, err := s.store.Token(ctx, auth.Hash(token))
	if badged.KindOf(err) == badged.NotFound || err == nil && t.Kind != KindAccess {
		return nil, fail(CodeInvalidToken, "the access token is not known")
	} else if err != nil {
		return nil, err
	}
	if !t.Used.IsZero() {
		return nil, fail(CodeInvalidToken, "the access token was revoked")
	}
	if !s.now().Before(t.Expires) {
		return nil, fail(CodeInvalidToken, "the access token has expired")
	}
	g, err := s.store.Grant(ctx, t.GrantID)
	if err != nil {
		return nil, fmt.Errorf("grant %s: %w", t.GrantID, err)
	}
	if !g.Active() {
		return nil, fail(CodeInvalidToken, "the learner's authorization was revoked")
	}
	return &Access{Grant: g, Scopes: t.Scopes}, nil
}

// Connection is an application the learner connected: an active grant
// with its client.
type Connection struct {
	Grant  *Grant
	Client *Client
}

// Connections lists the user's active grants, oldest first. Errors:
// Unauthorized without a user; the store's.
func (s *Service) Connections(ctx context.Context, userID string) ([]Connection, error) {
	if userID == "" {
		return nil, badged.Errorf(badged.Unauthorized, "sign in first")
	}
	grants, err := s.store.Grants(ctx, userID)
	if err != nil {
		return nil, err
	}
	var out []Connection
	for _, g := range grants {
		if !g.Active() {
			continue
		}
		c, err := s.store.OBClient(ctx, g.ClientID)
		if err != nil {
			return nil, fmt.Errorf("client %s: %w", g.ClientID, err)
		}
		out = append(out, Connection{Grant: g, Client: c})
	}
	return out, nil
}

// Disconnect revokes the user's grant id, and with it all its tokens.
// Errors: Unauthorized without a user; NotFound, also for another
// user's grant; the store's.
func (s *Service) Disconnect(ctx context.Context, userID, id string) error {
	if userID == "" {
		return badged.Errorf(badged.Unauthorized, "sign in first")
	}
	g, err := s.store.Grant(ctx, id)
	if err == nil && g.UserID != userID {
		err = badged.Errorf(badged.NotFound, "no such connected application")
	}
	if err != nil {
		return err
	}
	return s.store.RevokeGrant(ctx, id, s.timestamp())
}

// Profile returns the user's changes to their profile, or an empty
// Profile. Errors: the store's.
func (s *Service) Profile(ctx context.Context, userID string) (*Profile, error) {
	p, err := s.store.Profile(ctx, userID)
	if badged.KindOf(err) == badged.NotFound {
		return &Profile{UserID: userID}, nil
	}
	return p, err
}

// PutProfile stores the user's changes to their profile. Errors: Invalid
// for a name over 200 characters, a description over 2000 or a url that
// is not https; the store's.
func (s *Service) PutProfile(ctx context.Context, p Profile) (*Profile, error) {
	p.Name, p.Description, p.URL = strings.TrimSpace(p.Name), strings.TrimSpace(p.Description), strings.TrimSpace(p.URL)
	var fields []badged.FieldError
	if len(p.Name) > 200 {
		fields = append(fields, badged.FieldError{Field: "name", Message: "at most 200 characters"})
	}
	if len(p.Description) > 2000 {
		fields = append(fields, badged.FieldError{Field: "description", Message: "at most 2000 characters"})
	}
	if p.URL != "" && !webURL(p.URL, false) {
		fields = append(fields, badged.FieldError{Field: "url", Message: "must be an https URL"})
	}
	if len(fields) > 0 {
		return nil, badged.InvalidFields("profile", fields...)
	}
	p.Updated = s.timestamp()
	if err := s.store.PutProfile(ctx, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// ErrorOf returns err as an *Error, if it is one.
func ErrorOf(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
