package lti

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	gojose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/badged/badged"
)

// The claims of an LTI 1.3 resource link launch.
const (
	claimMessageType = "https://purl.imsglobal.org/spec/lti/claim/message_type"
	claimVersion     = "https://purl.imsglobal.org/spec/lti/claim/version"
	claimDeployment  = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
	claimRoles       = "https://purl.imsglobal.org/spec/lti/claim/roles"
	claimContext     = "https://purl.imsglobal.org/spec/lti/claim/context"
	claimNRPS        = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
	claimAGS         = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"

	// RoleInstructor is the LIS role of a course's instructor.
	RoleInstructor = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
	// RoleLearner is the LIS role of a course's learner.
	RoleLearner = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
)

// Lifetimes and the clock skew allowed.
const (
	loginLifetime  = 10 * time.Minute // from the login to its launch
	launchLifetime = time.Hour        // what a launch page may do after it
	skew           = time.Minute
)

// LoginRequest is a platform's OIDC third-party login initiation.
type LoginRequest struct {
	Issuer        string // iss
	LoginHint     string // login_hint
	TargetLinkURI string // target_link_uri
	MessageHint   string // lti_message_hint
	ClientID      string // client_id (optional)
	DeploymentID  string // lti_deployment_id (optional)
}

// Login answers a login initiation: the URL of the platform's
// authorization endpoint to send the browser to, and the state the
// browser must bring back with the launch (the handler keeps it in a
// cookie). Errors: Invalid without iss or login_hint, or for a target
// outside badged; NotFound for a platform not registered.
func (s *Service) Login(ctx context.Context, r LoginRequest) (redirect, state string, err error) {
	if r.Issuer == "" || r.LoginHint == "" {
		return "", "", badged.Errorf(badged.Invalid, "a login needs iss and login_hint")
	}
	if r.TargetLinkURI != "" && !strings.HasPrefix(r.TargetLinkURI, s.base+"/") {
		return "", "", badged.Errorf(badged.Invalid, "the target %s is not this tool's", r.TargetLinkURI)
	}
	p, err := s.store.PlatformByIssuer(ctx, r.Issuer, r.ClientID)
	if err != nil {
		return "", "", err
	}
	if r.DeploymentID != "" && !slices.Contains(p.DeploymentIDs, r.DeploymentID) {
		return "", "", badged.Errorf(badged.Forbidden, "the deployment %s of %s is not registered", r.DeploymentID, p.Name)
	}
	state, nonce := randomToken(), randomToken()
	if err := s.store.CreateLTINonce(ctx, nonceHash(nonce), s.now().UTC().Add(loginLifetime)); err != nil {
		return "", "", err
	}
	q := url.Values{
		"scope": {"openid"}, "response_type": {"id_token"}, "response_mode": {"form_post"}, "prompt": {"none"},
		"client_id": {p.ClientID}, "redirect_uri": {s.base + LaunchPath}, "login_hint": {r.LoginHint},
		"state": {state}, "nonce": {nonce},
	}
	if r.MessageHint != "" {
		q.Set("lti_message_hint", r.MessageHint)
	}
	sep := "?"
	if strings.Contains(p.AuthURL, "?") {
		sep = "&"
	}
	return p.AuthURL + sep + q.Encode(), state, nil
}

// Launch is a verified resource link launch.
type Launch struct {
	PlatformID   string    `json:"platform"`
	Subject      string    `json:"sub"`
	Name         string    `json:"name,omitempty"`
	Email        string    `json:"email,omitempty"`
	Instructor   bool      `json:"instructor,omitempty"`
	ContextID    string    `json:"context"`
	ContextTitle string    `json:"contextTitle,omitempty"`
	Memberships  string    `json:"memberships,omitempty"` // NRPS context_memberships_url
	LineItems    string    `json:"lineItems,omitempty"`   // AGS lineitems
	Expires      time.Time `json:"expires"`
}

// launchClaims is what badged reads of an id_token.
type launchClaims struct {
	jwt.Claims
	Nonce       string   `json:"nonce"`
	AZP         string   `json:"azp"`
	Name        string   `json:"name"`
	Email       string   `json:"email"`
	MessageType string   `json:"https://purl.imsglobal.org/spec/lti/claim/message_type"`
	Version     string   `json:"https://purl.imsglobal.org/spec/lti/claim/version"`
	Deployment  string   `json:"https://purl.imsglobal.org/spec/lti/claim/deployment_id"`
	Roles       []string `json:"https://purl.imsglobal.org/spec/lti/claim/roles"`
	Context     struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"https://purl.imsglobal.org/spec/lti/claim/context"`
	NRPS struct {
		Memberships string `json:"context_memberships_url"`
	} `json:"https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"`
	AGS struct {
		LineItems string `json:"lineitems"`
	} `json:"https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"`
}

// refused is a launch refused, with why.
func refused(format string, args ...any) error {
	return badged.Errorf(badged.Unauthorized, "launch refused: "+format, args...)
}

// Launch verifies a launch's id_token: signed (RS256) by a key of the
// platform's JWKS, issued by a registered platform for badged's client
// id, not expired, with the nonce of a login of this tool (once: a replay
// is refused), a registered deployment, and the message type and version
// of an LTI 1.3 resource link launch. Every refusal is Unauthorized and
// says why; a platform whose keys cannot be fetched is Unavailable.
func (s *Service) Launch(ctx context.Context, idToken string) (*Launch, error) {
	tok, err := jwt.ParseSigned(idToken, []gojose.SignatureAlgorithm{gojose.RS256})
	if err != nil {
		return nil, refused("the id_token is not an RS256-signed JWT (%v)", err)
	}
	var unverified launchClaims
	if err := tok.UnsafeClaimsWithoutVerification(&unverified); err != nil {
		return nil, refused("the id_token's claims cannot be read")
	}
	clientID := unverified.AZP
	if clientID == "" && len(unverified.Audience) == 1 {
		clientID = unverified.Audience[0]
	}
	p, err := s.store.PlatformByIssuer(ctx, unverified.Issuer, clientID)
	if err != nil {
		if badged.KindOf(err) == badged.NotFound {
			return nil, refused("no platform %q with client id %q is registered", unverified.Issuer, clientID)
		}
		return nil, err
	}
	var c launchClaims
	if err := s.verifySignature(ctx, p, tok, &c); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	err = c.ValidateWithLeeway(jwt.Expected{Issuer: p.Issuer, AnyAudience: jwt.Audience{p.ClientID}, Time: now}, skew)
	switch {
	case err == jwt.ErrExpired:
		return nil, refused("the id_token expired at %s", c.Expiry.Time().UTC().Format(time.RFC3339))
	case err != nil:
		return nil, refused("%v", err)
	case c.Expiry == nil || c.IssuedAt == nil:
		return nil, refused("the id_token has no exp or iat")
	case len(c.Audience) > 1 && c.AZP != p.ClientID:
		return nil, refused("the id_token has several audiences and azp is not badged's client id")
	case c.MessageType != "LtiResourceLinkRequest":
		return nil, refused("the message type %q is not a resource link launch", c.MessageType)
	case c.Version != "1.3.0":
		return nil, refused("the LTI version %q is not 1.3.0", c.Version)
	case !slices.Contains(p.DeploymentIDs, c.Deployment):
		return nil, refused("the deployment %q of %s is not registered", c.Deployment, p.Name)
	case c.Subject == "":
		return nil, refused("the id_token names no user (sub)")
	case c.Context.ID == "":
		return nil, refused("the launch names no course (context)")
	case c.Nonce == "":
		return nil, refused("the id_token has no nonce")
	}
	loginExpires, err := s.store.TakeLTINonce(ctx, nonceHash(c.Nonce))
	switch {
	case badged.KindOf(err) == badged.NotFound:
		return nil, refused("the nonce was used before or never issued by badged (a replayed launch)")
	case err != nil:
		return nil, err
	case !now.Before(loginExpires):
		return nil, refused("the login expired before the launch came back")
	}
	l := &Launch{PlatformID: p.ID, Subject: c.Subject, Name: c.Name, Email: strings.ToLower(strings.TrimSpace(c.Email)),
		ContextID: c.Context.ID, ContextTitle: c.Context.Title, Memberships: c.NRPS.Memberships, LineItems: c.AGS.LineItems,
		Instructor: slices.Contains(c.Roles, RoleInstructor), Expires: now.Add(launchLifetime)}
	return l, nil
}

// verifySignature checks tok against the platform's keys (fetched again
// once when the token's key is not among those cached: a rotation).
func (s *Service) verifySignature(ctx context.Context, p *Platform, tok *jwt.JSONWebToken, out *launchClaims) error {
	kid := ""
	if len(tok.Headers) > 0 {
		kid = tok.Headers[0].KeyID
	}
	for fresh := false; ; fresh = true {
		set, err := s.jwks.get(ctx, s.http, p.JWKSURL, fresh, s.now())
		if err != nil {
			return err
		}
		keys := set.Keys
		if kid != "" {
			keys = set.Key(kid)
		}
		for _, k := range keys {
			if err := tok.Claims(k.Key, out); err == nil {
				return nil
			}
		}
		if fresh || (kid != "" && len(keys) > 0) {
			return refused("the id_token's signature does not verify with the keys of %s", p.JWKSURL)
		}
	}
}

// Seal returns l as an opaque token for the launch page's forms, which
// Open reads back: the launch's authority travels with the page, needing
// no cookie (a browser may refuse those of a site it reached from
// another), sealed so that it cannot be made up or altered.
func (s *Service) Seal(l *Launch) (string, error) {
	b, err := json.Marshal(l)
	if err != nil {
		return "", err
	}
	sealed, err := s.sealer.Seal(b, []byte("lti launch"))
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(sealed), nil
}

// Open reads a token of Seal: Unauthorized when it is not one, or expired.
func (s *Service) Open(token string) (*Launch, error) {
	sealed, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return nil, badged.Errorf(badged.Unauthorized, "the launch is not valid; launch badged from the course again")
	}
	b, err := s.sealer.Open(sealed, []byte("lti launch"))
	if err != nil {
		return nil, badged.Errorf(badged.Unauthorized, "the launch is not valid; launch badged from the course again")
	}
	var l Launch
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, badged.Errorf(badged.Unauthorized, "the launch is not valid; launch badged from the course again")
	}
	if !s.now().Before(l.Expires) {
		return nil, badged.Errorf(badged.Unauthorized, "the launch expired; launch badged from the course again")
	}
	return &l, nil
}

func randomToken() string {
	b := make([]byte, 24)
	if err := randRead(b); err != nil {
		panic(fmt.Sprintf("lti: no randomness: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func randRead(b []byte) error { _, err := rand.Read(b); return err }

func encodeID(b []byte) string { return hex.EncodeToString(b) }

func nonceHash(nonce string) string {
	h := sha256.Sum256([]byte("lti nonce\x00" + nonce))
	return hex.EncodeToString(h[:])
}
