// Package openid4vp owns badged's side of OpenID for Verifiable
// Presentations 1.0 as a verifier, and what its backpack needs to answer
// such a request as a wallet: transactions (what an employer asked for,
// with state and nonce), DCQL queries for an Open Badge, the signed
// request object fetched by reference, and the checking of the wallet's
// direct_post response.
//
// # Client identifier
//
// badged has no X.509 certificate, so it identifies itself with the
// decentralized_identifier prefix (section 5.9.3): its client_id is
// decentralized_identifier:did:web:<host>:openid4vp, the request object
// is a JWT (typ oauth-authz-req+jwt) signed with the verifier key whose
// verification method that DID document publishes, and the wallet checks
// the signature against it. (The redirect_uri prefix would forbid a signed
// request; x509_san_dns needs a certificate chain badged does not have.)
//
// # Secrets
//
// A transaction is named by two secrets: the request reference in the
// request_uri (which the wallet learns) and the view secret of the
// employer's page (which only the employer has). The reference is derived
// from the view secret, state and nonce from the reference, and the store
// keeps only the hash of the reference: a wallet cannot see the result,
// and the store holds nothing that names a transaction. A transaction
// lives [Lifetime] and takes one response: the nonce is used up by the
// first presentation, valid or not, and a replay is refused.
//
// # Errors
//
// Protocol failures are *[Error] with the OAuth 2.0 / OpenID4VP error code
// (invalid_request, invalid_request_uri, ...); the web layer sends them as
// the protocol's JSON error object.
package openid4vp
