// Package keys owns issuers' Ed25519 signing keys: generating them, the
// Multikey key file the CLI reads and writes, sealing secret keys at rest
// under the operator's master key, and each issuer's [Ring] of current and
// retired keys.
//
// # Key file
//
//	{"type":"Multikey","publicKeyMultibase":"z6Mk...","secretKeyMultibase":"z3u2..."}
//
// The secret is the W3C vc-di-eddsa convention: base58btc of the
// ed25519-priv multicodec header (varint 80 26) and the 32-byte seed.
// [ReadFile] also reads the vectors' "privateKeyMultibase" spelling.
//
// # Sealing
//
// A [Sealer] encrypts with AES-256-GCM under a 32-byte master key and a
// random nonce. Its envelope is versioned and names the master key by an
// id derived from it, so keys can be re-sealed under a new master key later
// and an envelope sealed under another key is recognised as such
// ([ErrUnknownKey]).
package keys
