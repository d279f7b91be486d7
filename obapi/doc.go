// Package obapi is the authorization server of the 1EdTech Open Badges
// 3.0 API (OB 3.0 section 6, "Open Badges API"): the applications that
// register themselves (RFC 7591), the learner's consent to one of them
// (an authorization grant with scopes), and the codes and tokens of the
// OAuth 2.0 authorization code flow with PKCE S256 (RFC 6749, RFC 7636),
// refresh tokens that rotate, and revocation (RFC 7009). The resource
// endpoints (credentials, profile) are served by web/obapi on the
// learner's backpack; this package says who may call them, for whom and
// with which scopes.
//
// # Secrets
//
// Client secrets, authorization codes, access and refresh tokens are 32
// random bytes, base64url encoded; only their SHA-256 ([auth.Hash]) is
// stored. Codes and refresh tokens are single-use: a second use of a code
// revokes the grant it came from (RFC 6749 section 4.1.2), and a refresh
// token is replaced by a new one at every refresh.
//
// # Grants
//
// Each consent makes a [Grant]: an application, a learner and the scopes
// the learner allowed. Every token belongs to a grant, and revoking the
// grant (the learner disconnects the application in the backpack, or the
// application revokes its refresh token) ends all of them.
package obapi
