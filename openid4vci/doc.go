// Package openid4vci owns badged's side of OpenID for Verifiable Credential
// Issuance 1.0 as an issuer: credential offers for awards, the
// pre-authorized code grant with an optional transaction code, access
// tokens, c_nonces, the credential configurations badged offers, and the
// checking of a wallet's proof of possession (a JWT whose key becomes the
// credential's subject).
//
// # Secrets
//
// Pre-authorized codes, transaction codes, access tokens and nonces are
// random, single-use where the protocol says so, short-lived, and stored
// only as SHA-256 hashes ([Store]).
//
// # Errors
//
// Protocol failures are *[Error] with the OpenID4VCI / OAuth 2.0 error code
// the wallet expects (invalid_grant, invalid_proof, invalid_nonce, ...);
// the web layer renders them as the protocol's JSON error object.
package openid4vci
