package login

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/badged/badged"
	"github.com/badged/badged/auth"
	"github.com/badged/badged/issuer"
)

// Sessions starts server-side sessions. *auth.Service implements it.
type Sessions interface {
	CreateSession(ctx context.Context, u auth.User) (string, *auth.Session, error)
}

// Invitations binds pending staff invitations at sign-in, only those of
// the institution the provider vouched for; the others wait. *issuer.Service
// implements it.
type Invitations interface {
	BindInvitations(ctx context.Context, a issuer.Actor, institutionID string) (bound, waiting []*issuer.Membership, err error)
}

// Institutions lists the institutions, to map a staff member's SCHAC home
// to one. issuer.Store implements it.
type Institutions interface {
	Institutions(ctx context.Context) ([]*issuer.Institution, error)
}

// Defaults.
const (
	DefaultFlowTTL = 10 * time.Minute
	maxEmails      = 10
	maxClaimLen    = 512
)

var (
	errFlow        = badged.Errorf(badged.Unauthorized, "this sign-in was not started in this browser, or was already used; start again")
	errFlowExpired = badged.Errorf(badged.Unauthorized, "this sign-in took too long; start again")
)

// Service is the relying party of the configured providers.
//
// Its errors are *badged.Error values: NotFound for an unknown provider;
// Unauthorized for a sign-in that fails a check (state, code, ID token,
// nonce), with a message fit to show; Forbidden for a staff member whose
// institution badged does not know, or is not one the provider speaks for;
// Unavailable when a provider cannot be reached.
type Service struct {
	providers    []*provider
	users        Store
	sessions     Sessions
	invitations  Invitations
	institutions Institutions
	baseURL      string

	now     func() time.Time
	rand    io.Reader
	client  *http.Client
	flowKey []byte
	flowTTL time.Duration
	sealer  *sealer
}

// provider is a configured provider and, once discovered, its metadata.
type provider struct {
	ProviderConfig

	mu       sync.Mutex
	oidc     *oidc.Provider
	verifier *oidc.IDTokenVerifier
}

// Option sets an optional setting of a [Service].
type Option func(*Service)

// WithClock makes the service read the time from now.
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithRand makes the service take state, nonce and PKCE verifiers from r.
func WithRand(r io.Reader) Option { return func(s *Service) { s.rand = r } }

// WithHTTPClient makes the service reach providers (discovery, JWKS, token
// and userinfo endpoints) with c (default: a client with a 10 s timeout).
func WithHTTPClient(c *http.Client) Option { return func(s *Service) { s.client = c } }

// WithFlowKey sets the 32-byte key that seals login flows. Every instance
// of badged behind one URL needs the same key; the default is random, so
// flows in progress fail after a restart.
func WithFlowKey(key []byte) Option {
	return func(s *Service) { s.flowKey = append([]byte(nil), key...) }
}

// WithFlowTTL sets how long a sign-in may take (default 10 minutes).
func WithFlowTTL(d time.Duration) Option { return func(s *Service) { s.flowTTL = d } }

// NewService returns the relying party of providers (as [ParseProviders]
// returns them), whose redirect URIs are baseURL/login/{name}/callback.
// It reaches no provider: each is discovered at its first sign-in. It
// fails when a provider is invalid or a name is used twice.
func NewService(providers []ProviderConfig, baseURL string, users Store, sessions Sessions, invitations Invitations, institutions Institutions, opts ...Option) (*Service, error) {
	s := &Service{users: users, sessions: sessions, invitations: invitations, institutions: institutions,
		baseURL: strings.TrimRight(baseURL, "/"), now: time.Now, rand: rand.Reader,
		client: &http.Client{Timeout: 10 * time.Second}, flowTTL: DefaultFlowTTL}
	for _, o := range opts {
		o(s)
	}
	seen := map[string]bool{}
	for _, c := range providers {
		c, err := c.withDefaults()
		if err != nil {
			return nil, fmt.Errorf("login: %v", err)
		}
		if seen[c.Name] {
			return nil, fmt.Errorf("login: provider %s: the name is used twice", c.Name)
		}
		seen[c.Name] = true
		s.providers = append(s.providers, &provider{ProviderConfig: c})
	}
	if s.flowKey == nil {
		s.flowKey = make([]byte, 32)
		if _, err := io.ReadFull(s.rand, s.flowKey); err != nil {
			return nil, fmt.Errorf("login: flow key: %w", err)
		}
	}
	var err error
	if s.sealer, err = newSealer(s.flowKey, s.rand); err != nil {
		return nil, err
	}
	return s, nil
}

// Providers returns the configured providers, in order.
func (s *Service) Providers() []ProviderConfig {
	out := make([]ProviderConfig, len(s.providers))
	for i, p := range s.providers {
		out[i] = p.ProviderConfig
		out[i].Scopes = slices.Clone(p.Scopes)
		out[i].SCHACHomes = slices.Clone(p.SCHACHomes)
	}
	return out
}

// FlowTTL is how long a sign-in may take: the lifetime of the login cookie.
func (s *Service) FlowTTL() time.Duration { return s.flowTTL }

func (s *Service) provider(name string) (*provider, error) {
	for _, p := range s.providers {
		if p.Name == name {
			return p, nil
		}
	}
	return nil, badged.Errorf(badged.NotFound, "no sign-in provider is called %q", name)
}

func (s *Service) clientContext(ctx context.Context) context.Context {
	ctx = oidc.ClientContext(ctx, s.client)
	return context.WithValue(ctx, oauth2.HTTPClient, s.client)
}

// discover fetches the provider's metadata at first use, and keeps it.
func (s *Service) discover(ctx context.Context, p *provider) (*oidc.Provider, *oidc.IDTokenVerifier, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.oidc == nil {
		op, err := oidc.NewProvider(s.clientContext(ctx), p.Issuer)
		if err != nil {
			return nil, nil, badged.Wrap(badged.Unavailable, fmt.Errorf("discover %s: %w", p.Issuer, err),
				"the sign-in provider "+p.Label+" cannot be reached; try again later")
		}
		p.oidc = op
		p.verifier = op.Verifier(&oidc.Config{ClientID: p.ClientID, Now: s.now})
	}
	return p.oidc, p.verifier, nil
}

func (s *Service) oauth2Config(p *provider, op *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: p.ClientID, ClientSecret: p.ClientSecret, Endpoint: op.Endpoint(),
		RedirectURL: s.CallbackURL(p.Name), Scopes: slices.Clone(p.Scopes)}
}

// CallbackURL is the redirect URI of the provider called name, as it must
// be registered with the provider.
func (s *Service) CallbackURL(name string) string {
	return s.baseURL + "/login/" + url.PathEscape(name) + "/callback"
}

// Begin starts a sign-in with the provider called name. It returns the
// provider's authorization URL to send the browser to, and the sealed
// flow to keep in the browser (a cookie) for [Service.Finish]. next is
// where to go after signing in; anything but a path on this site becomes
// "/". hint, when set, is sent as the OpenID login_hint: who is about to
// sign in (the home page's one-click demo accounts).
func (s *Service) Begin(ctx context.Context, name, next, hint string) (authURL, sealed string, err error) {
	p, err := s.provider(name)
	if err != nil {
		return "", "", err
	}
	op, _, err := s.discover(ctx, p)
	if err != nil {
		return "", "", err
	}
	f := &flow{Provider: p.Name, Next: SafeNext(next), Expires: s.now().Add(s.flowTTL)}
	if f.State, err = randomString(s.rand, 24); err != nil {
		return "", "", err
	}
	if f.Nonce, err = randomString(s.rand, 24); err != nil {
		return "", "", err
	}
	if f.Verifier, err = randomString(s.rand, 32); err != nil {
		return "", "", err
	}
	if sealed, err = s.sealer.seal(f); err != nil {
		return "", "", err
	}
	opts := []oauth2.AuthCodeOption{oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier)}
	if hint != "" {
		opts = append(opts, oauth2.SetAuthURLParam("login_hint", hint))
	}
	authURL = s.oauth2Config(p, op).AuthCodeURL(f.State, opts...)
	return authURL, sealed, nil
}

// Result is a finished sign-in.
type Result struct {
	User    *User
	Token   string // the session token, for the session cookie
	Session *auth.Session
	// Bound are the staff invitations this sign-in bound. Waiting are the
	// invitations sent to the same address by other institutions: they
	// stay pending, and bind only when their invitee signs in through the
	// inviting institution's own provider.
	Bound, Waiting []*issuer.Membership
	Next           string // where to go now: a path on this site
}

// Finish completes a sign-in with the provider called name: sealed is the
// flow [Service.Begin] returned (from the cookie) and query the query of
// the redirect back from the provider. It fails with Unauthorized when
// the provider reports an error, or the state, the code or the ID token
// fails a check; with Forbidden when a staff member's institution is
// unknown, or is not one the provider speaks for
// ([ProviderConfig.SCHACHomes]). A refused sign-in stores nothing.
func (s *Service) Finish(ctx context.Context, name, sealed string, query url.Values) (*Result, error) {
	p, err := s.provider(name)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if sealed == "" {
		return nil, errFlow
	}
	f, err := s.sealer.open(sealed, now)
	if err != nil {
		return nil, err
	}
	if f.Provider != p.Name || !sameString(query.Get("state"), f.State) {
		return nil, badged.Errorf(badged.Unauthorized, "the sign-in response does not belong to the sign-in this browser started (state mismatch); start again")
	}
	if !s.sealer.spend(f, now) {
		return nil, errFlow
	}
	if e := query.Get("error"); e != "" {
		msg := "the sign-in provider refused: " + clip(e, 64)
		if d := query.Get("error_description"); d != "" {
			msg += " (" + clip(d, 200) + ")"
		}
		return nil, badged.Errorf(badged.Unauthorized, "%s", msg)
	}
	if iss := query.Get("iss"); iss != "" && iss != p.Issuer { // RFC 9207
		return nil, badged.Errorf(badged.Unauthorized, "the sign-in response came from another provider (iss mismatch)")
	}
	code := query.Get("code")
	if code == "" {
		return nil, badged.Errorf(badged.Unauthorized, "the sign-in response has no code")
	}
	op, verifier, err := s.discover(ctx, p)
	if err != nil {
		return nil, err
	}
	cctx := s.clientContext(ctx)
	tok, err := s.oauth2Config(p, op).Exchange(cctx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		return nil, badged.Wrap(badged.Unauthorized, fmt.Errorf("%s: redeem code: %w", p.Name, err), "the sign-in provider did not accept the code; start again")
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, badged.Errorf(badged.Unauthorized, "the sign-in provider sent no ID token")
	}
	idt, err := verifier.Verify(cctx, raw)
	if err != nil {
		var expired *oidc.TokenExpiredError
		if errors.As(err, &expired) {
			return nil, badged.Wrap(badged.Unauthorized, err, "the ID token has expired; start again")
		}
		return nil, badged.Wrap(badged.Unauthorized, fmt.Errorf("%s: %v", p.Name, err), "the ID token is not valid")
	}
	if !sameString(idt.Nonce, f.Nonce) {
		return nil, badged.Errorf(badged.Unauthorized, "the ID token was not issued for this sign-in (nonce mismatch)")
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			return nil, badged.Wrap(badged.Unauthorized, err, "the ID token does not match the access token")
		}
	}
	if idt.Subject == "" || len(idt.Subject) > 255 {
		return nil, badged.Errorf(badged.Unauthorized, "the ID token has no valid subject")
	}
	claims := map[string]any{}
	if err := idt.Claims(&claims); err != nil {
		return nil, badged.Wrap(badged.Unauthorized, err, "the ID token's claims cannot be read")
	}
	if p.UserInfo && op.UserInfoEndpoint() != "" {
		ui, err := op.UserInfo(cctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			return nil, badged.Wrap(badged.Unavailable, err, "the sign-in provider's userinfo cannot be read")
		}
		if ui.Subject != idt.Subject {
			return nil, badged.Errorf(badged.Unauthorized, "the userinfo is about someone else (sub mismatch)")
		}
		extra := map[string]any{}
		if err := ui.Claims(&extra); err == nil {
			for k, v := range extra {
				if _, ok := claims[k]; !ok {
					claims[k] = v
				}
			}
		}
	}
	u, err := s.signIn(ctx, p, idt.Issuer, idt.Subject, claims, now)
	if err != nil {
		return nil, err
	}
	res := &Result{User: u, Next: f.Next}
	if u.Kind == Staff && u.Email() != "" { // signIn has checked that the provider speaks for u.InstitutionID
		if res.Bound, res.Waiting, err = s.invitations.BindInvitations(ctx, issuer.Actor{UserID: u.ID, Email: u.Email()}, u.InstitutionID); err != nil {
			return nil, fmt.Errorf("sign in %s: bind invitations: %w", u.ID, err)
		}
	}
	if res.Token, res.Session, err = s.sessions.CreateSession(ctx, auth.User{ID: u.ID, Email: u.Email()}); err != nil {
		return nil, fmt.Errorf("sign in %s: %w", u.ID, err)
	}
	return res, nil
}

// signIn maps the claims to a user, and creates or updates the record.
func (s *Service) signIn(ctx context.Context, p *provider, iss, sub string, claims map[string]any, now time.Time) (*User, error) {
	now = now.UTC().Truncate(time.Microsecond)
	in := &User{ID: UserID(iss, sub), Kind: p.Kind, Provider: p.Name, Issuer: iss, Subject: sub,
		Name: clip(stringClaim(claims, p.NameClaim), 200), EPPNs: stringsClaim(claims, p.EPPNClaim), Created: now, LastLogin: now}
	if email := normalEmail(stringClaim(claims, p.EmailClaim)); email != "" && (p.TrustEmail || boolClaim(claims, p.EmailVerifiedClaim)) {
		in.Emails = []string{email}
	}
	switch p.Kind {
	case Learner:
		in.EduID = sub
		if p.EduIDClaim != "" {
			in.EduID = stringClaim(claims, p.EduIDClaim)
		}
		if in.EduID == "" {
			return nil, badged.Errorf(badged.Unauthorized, "the provider did not release your eduID identifier (%s)", p.EduIDClaim)
		}
	case Staff:
		in.SCHACHome = strings.ToLower(stringClaim(claims, p.InstitutionClaim))
		if in.SCHACHome == "" {
			return nil, badged.Errorf(badged.Forbidden, "the provider did not say which institution you belong to (%s)", p.InstitutionClaim)
		}
		if !p.speaksFor(in.SCHACHome) {
			return nil, badged.Errorf(badged.Forbidden, "%s does not sign in staff of %s: sign in through your own institution's provider", p.Label, clip(in.SCHACHome, 100))
		}
		ins, err := s.institutions.Institutions(ctx)
		if err != nil {
			return nil, fmt.Errorf("sign in: institutions: %w", err)
		}
		matches := 0
		for _, i := range ins {
			if strings.EqualFold(i.SCHACHome, in.SCHACHome) {
				in.InstitutionID = i.ID
				matches++
			}
		}
		switch {
		case matches == 0:
			return nil, badged.Errorf(badged.Forbidden, "your institution (%s) does not use badged yet", clip(in.SCHACHome, 100))
		case matches > 1: // issuer refuses this; a store written otherwise must not pick one at random
			return nil, badged.Errorf(badged.Forbidden, "more than one institution in badged has the SCHAC home %s; ask the platform administrator to fix that", clip(in.SCHACHome, 100))
		}
	}
	for range 2 { // a concurrent first sign-in may create the record first
		old, err := s.users.User(ctx, in.ID)
		if badged.KindOf(err) == badged.NotFound {
			err = s.users.CreateUser(ctx, in)
			if badged.KindOf(err) == badged.Conflict {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("sign in: create user: %w", err)
			}
			return in, nil
		}
		if err != nil {
			return nil, fmt.Errorf("sign in: user %s: %w", in.ID, err)
		}
		u := merge(old, in)
		if err := s.users.UpdateUser(ctx, u); err != nil {
			return nil, fmt.Errorf("sign in: update user %s: %w", in.ID, err)
		}
		return u, nil
	}
	return nil, badged.Errorf(badged.Conflict, "signing in clashed with another sign-in; try again")
}

// merge applies what a new sign-in says to the stored user.
func merge(old, in *User) *User {
	u := *old
	u.Kind, u.Provider, u.LastLogin = in.Kind, in.Provider, in.LastLogin
	if in.Name != "" {
		u.Name = in.Name
	}
	u.Emails = mergeList(in.Emails, old.Emails)
	u.EPPNs = mergeList(in.EPPNs, old.EPPNs)
	if in.EduID != "" {
		u.EduID = in.EduID
	}
	if in.SCHACHome != "" {
		u.SCHACHome, u.InstitutionID = in.SCHACHome, in.InstitutionID
	}
	return &u
}

// mergeList returns first then rest, without duplicates, at most maxEmails.
func mergeList(first, rest []string) []string {
	var out []string
	for _, v := range append(slices.Clone(first), rest...) {
		if v != "" && !slices.Contains(out, v) && len(out) < maxEmails {
			out = append(out, v)
		}
	}
	return out
}

func stringClaim(c map[string]any, name string) string {
	v, _ := c[name].(string)
	if len(v) > maxClaimLen {
		return ""
	}
	return strings.TrimSpace(v)
}

func stringsClaim(c map[string]any, name string) []string {
	var out []string
	add := func(v any) {
		if s, ok := v.(string); ok && s != "" && len(s) <= maxClaimLen && len(out) < maxEmails {
			out = append(out, strings.ToLower(strings.TrimSpace(s)))
		}
	}
	switch v := c[name].(type) {
	case []any:
		for _, e := range v {
			add(e)
		}
	default:
		add(v)
	}
	return out
}

func boolClaim(c map[string]any, name string) bool {
	switch v := c[name].(type) {
	case bool:
		return v
	case string:
		return v == "true"
	}
	return false
}

func clip(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}
