// Package devidp is badged's built-in OpenID provider for demonstrations
// and development. It speaks the real protocol — discovery, a JWKS with an
// Ed25519 key generated at start, the authorization code flow with PKCE
// (S256 only), a token endpoint and userinfo — so the login path users run
// in production is the one demonstrated and tested. Instead of passwords,
// its authorization page lets you pick one of the demo people: learners
// with eduID-style pairwise subjects, and staff of the demo institution.
//
// It keeps codes and access tokens in memory. badged mounts it under
// /devidp only in demo mode, when no OpenID provider is configured; it is
// never fit for production.
//
// # Misbehaving on purpose
//
// [Provider.Misbehave] makes it issue ID tokens that a relying party must
// refuse (expired, signed with another key, for another audience, with
// another nonce), for the relying party's tests.
package devidp
