// Package jose secures Open Badges 3.0 credentials as JSON Web Tokens: the
// VC-JWT proof format of OB 3.0 section 8.2 ([OBJWT]) and W3C VC-JOSE-COSE
// ([VCJOSE], typ "vc+jwt").
//
// It owns the compact JWS envelope only: [Sign] produces one, [Parse] reads
// one without trusting it, [Token.Verify] checks its signature against a key
// the caller chose, and [Token.CheckClaims] compares the JWT claims with the
// credential they carry. Finding the issuer's key (DID resolution, did:web
// fetches) and validating the credential itself belong to other packages.
//
// # Formats
//
// OB 3.0 VC-JWT: header alg, kid or jwk, typ "JWT" when present; the payload
// is the credential's own properties at the top level plus the registered
// claims iss (issuer id), jti (credential id), nbf (validFrom), sub
// (credentialSubject.id) and exp (validUntil, when set). Tokens in the older
// VC-JWT 1.1 shape, with the credential under a "vc" claim, are read too:
// 1EdTech's own fixtures use both.
//
// VC-JOSE-COSE: header typ "vc+jwt", cty "vc"; the payload is the credential
// and the "vc" claim must not be present.
//
// # Algorithms
//
// Parse accepts EdDSA (Ed25519), ES256 (P-256) and RS256 and refuses every
// other alg, "none" and the HMAC family included, before any key is touched.
// Sign writes EdDSA or ES256.
//
// # Errors
//
// Every error is a *badged.Error: Kind Invalid with a Message fit for people,
// or TooLarge for a token over [MaxTokenSize]. Library detail is in Err.
package jose
