// Package did owns decentralized identifiers: the keys badged's issuers
// sign with and the keys of everyone else whose credentials it verifies.
//
// # Keys
//
// [EncodeMultikey] and [DecodeMultikey] convert Ed25519 ("z6Mk...") and
// P-256 ("zDn...") public keys to and from Multikey strings;
// [EncodeSecretMultikey] and [DecodeSecretMultikey] do the same for Ed25519
// secret keys. [KeyDID] and [JWKDID] make did:key and did:jwk identifiers
// from a public key.
//
// # Documents
//
// [Document] and [VerificationMethod] are W3C DID documents as JSON.
// [WebDocument] builds the did:web document badged serves for an issuer,
// listing retired keys next to the current one so that credentials signed
// before a key rotation keep verifying. [WebDID] and [WebURL] map between a
// did:web and the https URL of its document.
//
// # Resolution
//
// A [Resolver] turns a proof's verificationMethod into a [Key]: did:key
// and did:jwk locally, did:web by fetching and caching the document through
// an injected *http.Client (from package egress, so that a credential
// cannot make badged fetch from internal addresses), and https URLs whose
// fragment is a multikey, as Open Badges 3.0 examples use them.
//
// # Errors
//
// Every error is a *badged.Error. Its Kind is Invalid for malformed input
// (a key, DID, URL or document), NotFound for a verification method a
// document does not list, and Unavailable when a did:web document could
// not be had (refused by policy, wrapping egress.ErrRefused; timed out; an
// error status; too large; an answer that is not the DID's document).
package did
