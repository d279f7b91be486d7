package devidp

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Lifetimes.
const (
	CodeTTL        = time.Minute
	AccessTokenTTL = 10 * time.Minute
	IDTokenTTL     = 5 * time.Minute
)

// Client is a relying party registered with the provider. A client
// without a secret is public; PKCE is required of every client.
type Client struct {
	ID           string
	Secret       string
	RedirectURIs []string
}

// Misbehavior makes the provider issue ID tokens that a relying party must
// refuse. It is for tests.
type Misbehavior struct {
	ExpiredIDToken bool // exp in the past
	ForeignKey     bool // signed with another key under the same key ID
	WrongAudience  bool // aud is another client
	WrongNonce     bool // nonce differs from the request's
}

// grant is an authorization: first a code, then an access token.
type grant struct {
	client, redirectURI, challenge, nonce, scope string
	user                                         *User
	expires, authTime                            time.Time
}

// Provider is the demo OpenID provider, an http.Handler whose endpoints
// sit below its issuer URL.
type Provider struct {
	issuer  string
	clients map[string]Client
	users   []User
	now     func() time.Time
	rand    io.Reader

	key, foreign ed25519.PrivateKey
	kid          string

	mu     sync.Mutex
	codes  map[string]*grant
	tokens map[string]*grant
	mis    Misbehavior

	page   *template.Template
	router chi.Router
}

// Option sets an optional setting of a [Provider].
type Option func(*Provider)

// WithClock makes the provider read the time from now.
func WithClock(now func() time.Time) Option { return func(p *Provider) { p.now = now } }

// WithRand makes the provider take its keys, codes and tokens from r.
func WithRand(r io.Reader) Option { return func(p *Provider) { p.rand = r } }

// WithUsers replaces the demo people ([DemoUsers]).
func WithUsers(users ...User) Option { return func(p *Provider) { p.users = slices.Clone(users) } }

//go:embed authorize.html
var authorizePage string

// New returns a provider whose issuer URL is issuer (its endpoints are
// issuer + "/authorize", "/token"…) and which knows clients. It fails when
// issuer is not an http(s) URL or the random source fails.
func New(issuer string, clients []Client, opts ...Option) (*Provider, error) {
	u, err := url.Parse(issuer)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("devidp: issuer %q is not an http(s) URL", issuer)
	}
	p := &Provider{issuer: strings.TrimRight(issuer, "/"), clients: map[string]Client{}, users: DemoUsers(),
		now: time.Now, rand: rand.Reader, codes: map[string]*grant{}, tokens: map[string]*grant{}}
	for _, o := range opts {
		o(p)
	}
	for _, c := range clients {
		p.clients[c.ID] = c
	}
	if _, p.key, err = ed25519.GenerateKey(p.rand); err != nil {
		return nil, fmt.Errorf("devidp: key: %w", err)
	}
	if _, p.foreign, err = ed25519.GenerateKey(p.rand); err != nil {
		return nil, fmt.Errorf("devidp: key: %w", err)
	}
	sum := sha256.Sum256(p.key.Public().(ed25519.PublicKey))
	p.kid = base64.RawURLEncoding.EncodeToString(sum[:12])
	p.page = template.Must(template.New("authorize").Parse(authorizePage))

	r := chi.NewRouter()
	r.Get("/.well-known/openid-configuration", p.handleDiscovery)
	r.Get("/jwks", p.handleJWKS)
	r.Get("/authorize", p.handleAuthorize)
	r.Post("/authorize", p.handleAuthorize)
	r.Post("/token", p.handleToken)
	r.Get("/userinfo", p.handleUserInfo)
	r.Post("/userinfo", p.handleUserInfo)
	p.router = r
	return p, nil
}

// Issuer returns the provider's issuer URL.
func (p *Provider) Issuer() string { return p.issuer }

// Misbehave sets how the provider misbehaves from now on; the zero
// Misbehavior restores correct behaviour. It is for tests.
func (p *Provider) Misbehave(m Misbehavior) {
	p.mu.Lock()
	p.mis = m
	p.mu.Unlock()
}

func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.router.ServeHTTP(w, r) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (p *Provider) handleDiscovery(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                p.issuer,
		"authorization_endpoint":                p.issuer + "/authorize",
		"token_endpoint":                        p.issuer + "/token",
		"userinfo_endpoint":                     p.issuer + "/userinfo",
		"jwks_uri":                              p.issuer + "/jwks",
		"response_types_supported":              []string{"code"},
		"grant_types_supported":                 []string{"authorization_code"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{string(jose.EdDSA)},
		"code_challenge_methods_supported":      []string{"S256"},
		"scopes_supported":                      []string{"openid", "email", "profile", "eduid.nl/links"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post", "none"},
		"claims_supported": []string{"sub", "name", "given_name", "family_name", "email", "email_verified",
			"eduid", "eduperson_principal_name", "schac_home_organization"},
		"authorization_response_iss_parameter_supported": true,
	})
}

func (p *Provider) handleJWKS(w http.ResponseWriter, r *http.Request) {
	jwk := jose.JSONWebKey{Key: p.key.Public(), KeyID: p.kid, Algorithm: string(jose.EdDSA), Use: "sig"}
	writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{jwk}})
}

// authzParams are the parameters of an authorization request that the
// page carries through.
var authzParams = []string{"client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge", "code_challenge_method"}

// handleAuthorize shows the page to pick a demo person (GET), and issues
// a code for the one picked (POST). Errors about the client or the
// redirect URI are shown, never redirected.
func (p *Provider) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		p.showError(w, "the request cannot be parsed")
		return
	}
	q := r.Form
	c, ok := p.clients[q.Get("client_id")]
	if !ok {
		p.showError(w, "unknown client_id")
		return
	}
	redirect := q.Get("redirect_uri")
	if !slices.Contains(c.RedirectURIs, redirect) {
		p.showError(w, "redirect_uri is not registered for this client")
		return
	}
	back := func(params url.Values) {
		params.Set("iss", p.issuer)
		if st := q.Get("state"); st != "" {
			params.Set("state", st)
		}
		sep := "?"
		if strings.Contains(redirect, "?") {
			sep = "&"
		}
		http.Redirect(w, r, redirect+sep+params.Encode(), http.StatusSeeOther)
	}
	fail := func(code, desc string) { back(url.Values{"error": {code}, "error_description": {desc}}) }
	switch {
	case q.Get("response_type") != "code":
		fail("unsupported_response_type", "only the authorization code flow is supported")
		return
	case !slices.Contains(strings.Fields(q.Get("scope")), "openid"):
		fail("invalid_scope", "scope must include openid")
		return
	case q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43:
		fail("invalid_request", "PKCE with code_challenge_method S256 is required")
		return
	}
	// A login_hint naming a demo person signs that person in at once, as
	// a provider with a session would (the home page's one-click demo
	// accounts); any other GET shows the page to pick one.
	pick := q.Get("user")
	if r.Method == http.MethodGet {
		if p.user(q.Get("login_hint")) == nil {
			p.showPage(w, q)
			return
		}
		pick = q.Get("login_hint")
	} else if q.Get("cancel") != "" {
		fail("access_denied", "the user cancelled")
		return
	}
	user := p.user(pick)
	if user == nil {
		p.showError(w, "pick one of the demo people")
		return
	}
	code, err := p.random()
	if err != nil {
		http.Error(w, "random source failed", http.StatusInternalServerError)
		return
	}
	now := p.now()
	p.mu.Lock()
	p.prune(now)
	p.codes[code] = &grant{client: c.ID, redirectURI: redirect, challenge: q.Get("code_challenge"), nonce: q.Get("nonce"),
		scope: q.Get("scope"), user: user, expires: now.Add(CodeTTL), authTime: now}
	p.mu.Unlock()
	back(url.Values{"code": {code}})
}

// user returns the demo person with id, or nil.
func (p *Provider) user(id string) *User {
	for i := range p.users {
		if id != "" && p.users[i].ID == id {
			return &p.users[i]
		}
	}
	return nil
}

func (p *Provider) showPage(w http.ResponseWriter, q url.Values) {
	params := map[string]string{}
	for _, k := range authzParams {
		params[k] = q.Get(k)
	}
	var learners, staff []User
	for _, u := range p.users {
		if u.Staff {
			staff = append(staff, u)
		} else {
			learners = append(learners, u)
		}
	}
	p.render(w, http.StatusOK, map[string]any{"Action": p.issuer + "/authorize", "ClientID": q.Get("client_id"),
		"Params": params, "Learners": learners, "Staff": staff, "Institution": DemoSCHACHome})
}

func (p *Provider) showError(w http.ResponseWriter, msg string) {
	p.render(w, http.StatusBadRequest, map[string]any{"Error": msg})
}

func (p *Provider) render(w http.ResponseWriter, status int, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:; frame-ancestors 'none'")
	w.WriteHeader(status)
	p.page.Execute(w, data)
}

// prune drops expired codes and tokens; p.mu is held.
func (p *Provider) prune(now time.Time) {
	for k, g := range p.codes {
		if !now.Before(g.expires) {
			delete(p.codes, k)
		}
	}
	for k, g := range p.tokens {
		if !now.Before(g.expires) {
			delete(p.tokens, k)
		}
	}
}

func (p *Provider) random() (string, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(p.rand, b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func tokenError(w http.ResponseWriter, status int, code, desc string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="devidp"`)
	}
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// handleToken redeems a code: once, before it expires, by the client it
// was issued to, with the same redirect URI and the PKCE verifier.
func (p *Provider) handleToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request", "the form cannot be parsed")
		return
	}
	f := r.PostForm
	id, secret, basic := r.BasicAuth()
	if basic {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = f.Get("client_id"), f.Get("client_secret")
	}
	c, ok := p.clients[id]
	if !ok || (c.Secret != "" && subtle.ConstantTimeCompare([]byte(secret), []byte(c.Secret)) != 1) {
		tokenError(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	if f.Get("grant_type") != "authorization_code" {
		tokenError(w, http.StatusBadRequest, "unsupported_grant_type", "only authorization_code is supported")
		return
	}
	now := p.now()
	p.mu.Lock()
	g, ok := p.codes[f.Get("code")]
	delete(p.codes, f.Get("code")) // single use, whatever happens next
	mis := p.mis
	p.mu.Unlock()
	switch {
	case !ok || !now.Before(g.expires):
		tokenError(w, http.StatusBadRequest, "invalid_grant", "the code is unknown, used or expired")
		return
	case g.client != c.ID:
		tokenError(w, http.StatusBadRequest, "invalid_grant", "the code was issued to another client")
		return
	case g.redirectURI != f.Get("redirect_uri"):
		tokenError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri differs from the authorization request's")
		return
	case !pkceMatches(f.Get("code_verifier"), g.challenge):
		tokenError(w, http.StatusBadRequest, "invalid_grant", "the code_verifier does not match the code_challenge")
		return
	}
	access, err := p.random()
	if err != nil {
		tokenError(w, http.StatusInternalServerError, "server_error", "random source failed")
		return
	}
	idToken, err := p.idToken(g, c.ID, now, mis)
	if err != nil {
		tokenError(w, http.StatusInternalServerError, "server_error", "cannot sign the ID token")
		return
	}
	at := *g
	at.expires = now.Add(AccessTokenTTL)
	p.mu.Lock()
	p.tokens[access] = &at
	p.mu.Unlock()
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, map[string]any{"access_token": access, "token_type": "Bearer",
		"expires_in": int(AccessTokenTTL / time.Second), "id_token": idToken, "scope": g.scope})
}

// pkceMatches checks an RFC 7636 S256 verifier against its challenge.
func pkceMatches(verifier, challenge string) bool {
	if len(verifier) < 43 || len(verifier) > 128 {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	got := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) == 1
}

// pairwise derives an identifier of the user that differs per client,
// formatted as a UUID, as eduID's are.
func (p *Provider) pairwise(kind, client string, u *User) string {
	sum := sha256.Sum256([]byte(p.issuer + "\x00" + kind + "\x00" + client + "\x00" + u.ID))
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// claims returns what the provider says of the user to client, by scope.
func (p *Provider) claims(g *grant, client string) map[string]any {
	u, scopes := g.user, strings.Fields(g.scope)
	c := map[string]any{"sub": p.pairwise("sub", client, u)}
	if slices.Contains(scopes, "email") {
		c["email"], c["email_verified"] = u.Email, true
	}
	if slices.Contains(scopes, "profile") {
		c["name"], c["given_name"], c["family_name"] = u.Name, u.GivenName, u.FamilyName
	}
	if u.EPPN != "" {
		c["eduperson_principal_name"] = u.EPPN
	}
	if u.Staff {
		c["schac_home_organization"] = u.SCHACHome
	} else {
		c["eduid"] = p.pairwise("eduid", client, u)
	}
	return c
}

func (p *Provider) idToken(g *grant, client string, now time.Time, mis Misbehavior) (string, error) {
	c := p.claims(g, client)
	c["iss"], c["aud"] = p.issuer, client
	c["iat"], c["exp"], c["auth_time"] = now.Unix(), now.Add(IDTokenTTL).Unix(), g.authTime.Unix()
	if g.nonce != "" {
		c["nonce"] = g.nonce
	}
	key := p.key
	if mis.ExpiredIDToken {
		c["iat"], c["exp"] = now.Add(-2*IDTokenTTL).Unix(), now.Add(-IDTokenTTL).Unix()
	}
	if mis.WrongAudience {
		c["aud"] = "another-client"
	}
	if mis.WrongNonce {
		c["nonce"] = "not-" + g.nonce
	}
	if mis.ForeignKey {
		key = p.foreign
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.EdDSA, Key: jose.JSONWebKey{Key: key, KeyID: p.kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", err
	}
	return jwt.Signed(signer).Claims(c).Serialize()
}

func (p *Provider) handleUserInfo(w http.ResponseWriter, r *http.Request) {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="devidp"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token"})
		return
	}
	now := p.now()
	p.mu.Lock()
	g, ok := p.tokens[token]
	p.mu.Unlock()
	if !ok || !now.Before(g.expires) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="devidp", error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token"})
		return
	}
	writeJSON(w, http.StatusOK, p.claims(g, g.client))
}
