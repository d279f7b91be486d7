package openid4vci

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/badged/badged"
	"github.com/badged/badged/oauth"
)

// The authorization code flow (OpenID4VCI 1.0 section 5, RFC 6749 with
// PKCE, RFC 7636): the wallet sends the learner's browser to
// [PathAuthorize]; the learner signs in, picks one of their badges and
// consents; badged sends the browser back to the wallet with a code,
// which the wallet exchanges at the token endpoint with its PKCE
// verifier. Wallets are public clients without registration: the consent
// page shows the redirect URI's host, and the code only works for the
// client, redirect URI and verifier it was made for.

// PathAuthorize is the authorization endpoint.
const PathAuthorize = "/openid4vci/authorize"

// GrantAuthorizationCode is the authorization code grant type.
const GrantAuthorizationCode = "authorization_code"

// AuthorizationRequest is a wallet's authorization request, checked.
type AuthorizationRequest struct {
	ClientID      string
	RedirectURI   string
	State         string
	CodeChallenge string
	// IssuerState is the issuer_state of the offer the wallet answers,
	// if any ([Service.OfferedAward]).
	IssuerState string
	// Configurations are the credential configurations asked for, by
	// authorization_details or by scope.
	Configurations []string
}

// ParseAuthorizationRequest checks the query of an authorization request.
// An error about the client or the redirect URI is shown to the learner
// and never sent to the redirect URI; [RedirectError] says which is
// which.
func ParseAuthorizationRequest(q url.Values) (*AuthorizationRequest, error) {
	req := &AuthorizationRequest{ClientID: q.Get("client_id"), RedirectURI: q.Get("redirect_uri"),
		State: q.Get("state"), CodeChallenge: q.Get("code_challenge"), IssuerState: q.Get("issuer_state")}
	if req.ClientID == "" {
		return nil, fail(CodeInvalidRequest, "client_id is missing")
	}
	u, err := url.Parse(req.RedirectURI)
	if err != nil || !u.IsAbs() || u.Fragment != "" || u.Scheme == "javascript" || u.Scheme == "data" {
		return nil, fail(CodeInvalidRequest, "redirect_uri must be an absolute URI without a fragment")
	}
	if (u.Scheme == "http" || u.Scheme == "https") && u.Host == "" {
		return nil, fail(CodeInvalidRequest, "redirect_uri has no host")
	}
	back := func(code, format string, args ...any) error {
		return &RedirectError{Err: fail(code, format, args...), RedirectURI: req.RedirectURI, State: req.State}
	}
	switch {
	case q.Get("response_type") != "code":
		return nil, back("unsupported_response_type", "response_type must be code")
	case q.Get("code_challenge_method") != "S256" || len(req.CodeChallenge) != 43:
		return nil, back(CodeInvalidRequest, "PKCE with code_challenge_method S256 is required")
	case q.Has("request") || q.Has("request_uri"):
		return nil, back("request_not_supported", "request objects are not supported")
	}
	if raw := q.Get("authorization_details"); raw != "" {
		var details []struct {
			Type            string `json:"type"`
			ConfigurationID string `json:"credential_configuration_id"`
		}
		if err := json.Unmarshal([]byte(raw), &details); err != nil || len(details) == 0 {
			return nil, back("invalid_authorization_details", "authorization_details must be a JSON array of objects")
		}
		for _, d := range details {
			if d.Type != "openid_credential" {
				return nil, back("invalid_authorization_details", "authorization_details type %q is not openid_credential", d.Type)
			}
			if _, ok := ConfigurationByID(d.ConfigurationID); !ok {
				return nil, back("invalid_authorization_details", "credential configuration %q is not offered", d.ConfigurationID)
			}
			req.Configurations = append(req.Configurations, d.ConfigurationID)
		}
	}
	for _, sc := range strings.Fields(q.Get("scope")) {
		if _, ok := ConfigurationByID(sc); ok && !slices.Contains(req.Configurations, sc) {
			req.Configurations = append(req.Configurations, sc)
		}
	}
	if len(req.Configurations) == 0 {
		return nil, back("invalid_scope", "ask for a credential configuration by authorization_details or scope")
	}
	return req, nil
}

// RedirectError is an authorization error to send back to the wallet at
// its redirect URI.
type RedirectError = oauth.RedirectError

// Consent records the learner's consent to send the award's credential
// to the wallet of req, and returns where to send the browser: the
// redirect URI with a single-use code. The caller has checked that the
// award is the signed-in learner's, issued and not revoked.
func (s *Service) Consent(ctx context.Context, req *AuthorizationRequest, awardID string) (string, error) {
	code, err := s.secret()
	if err != nil {
		return "", err
	}
	id, err := s.secret()
	if err != nil {
		return "", err
	}
	now := s.now().UTC()
	o := &Offer{ID: Hash(id), AwardID: awardID, Configurations: req.Configurations, CodeHash: Hash(code),
		Created: now, Expires: now.Add(AuthorizationCodeLifetime), ClientID: req.ClientID,
		RedirectURI: req.RedirectURI, CodeChallenge: req.CodeChallenge}
	if err := s.store.CreateOffer(ctx, o); err != nil {
		return "", fmt.Errorf("store authorization: %w", err)
	}
	return oauth.WithParams(req.RedirectURI, url.Values{"code": {code}}, req.State, s.issuer), nil
}

// OfferedAward returns the award of the pre-authorized offer whose
// issuer_state (its id) a wallet's authorization request carries, while
// it is valid; "" otherwise. It only preselects a badge on the consent
// page: the learner still chooses, and only among their own.
func (s *Service) OfferedAward(ctx context.Context, issuerState string) string {
	if issuerState == "" {
		return ""
	}
	o, err := s.store.Offer(ctx, issuerState)
	if err != nil || o.Authorized() || o.Redeemed || !s.now().Before(o.Expires) {
		return ""
	}
	return o.AwardID
}

// Denied is where to send the browser when the learner declines.
func (s *Service) Denied(req *AuthorizationRequest) string {
	return (&RedirectError{Err: fail("access_denied", "the learner declined"), RedirectURI: req.RedirectURI,
		State: req.State}).URL(s.issuer)
}

// Exchange redeems an authorization code for an access token: only once,
// before it expires, for the client and redirect URI it was made for,
// with the PKCE verifier of its challenge. Errors are *Error.
func (s *Service) Exchange(ctx context.Context, code, clientID, redirectURI, verifier string) (*Token, error) {
	if code == "" {
		return nil, fail(CodeInvalidRequest, "code is missing")
	}
	if verifier == "" {
		return nil, fail(CodeInvalidRequest, "code_verifier is missing")
	}
	o, err := s.store.OfferByCode(ctx, Hash(code))
	if badged.KindOf(err) == badged.NotFound || err == nil && !o.Authorized() {
		return nil, fail(CodeInvalidGrant, "the authorization code is not known")
	} else if err != nil {
		return nil, err
	}
	token, err := s.secret()
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	_, err = s.store.UpdateOffer(ctx, o.ID, func(o *Offer) error {
		switch {
		case o.Redeemed:
			return fail(CodeInvalidGrant, "the authorization code was already used")
		case !now.Before(o.Expires):
			return fail(CodeInvalidGrant, "the authorization code has expired")
		case clientID != o.ClientID:
			return fail(CodeInvalidGrant, "the authorization code was issued to another client")
		case redirectURI != o.RedirectURI:
			return fail(CodeInvalidGrant, "redirect_uri differs from the authorization request's")
		case subtle.ConstantTimeCompare([]byte(pkceChallenge(verifier)), []byte(o.CodeChallenge)) != 1:
			return fail(CodeInvalidGrant, "the code_verifier does not match the code_challenge")
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
		return nil, fmt.Errorf("redeem authorization code: %w", err)
	}
	return &Token{AccessToken: token, ExpiresIn: int(TokenLifetime.Seconds())}, nil
}

// pkceChallenge is the S256 code challenge of a verifier.
func pkceChallenge(verifier string) string {
	h := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(h[:])
}
