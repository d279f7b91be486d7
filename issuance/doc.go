// Package issuance turns awards into signed Open Badges 3.0 credentials:
// it implements [issuer.CredentialIssuer] for the award flows of package
// issuer, which stays free of keys and proofs.
//
// It owns three things:
//
//   - Identity. Every issuer (the unit that awards) is a did:web under
//     badged's base URL, did:web:<host>:issuers:<issuerID>, served at
//     <base>/issuers/<issuerID>/did.json. Its DID document lists the
//     signing keys of the issuer's institution, current and retired, so
//     that a key rotation never breaks a credential signed before it. The
//     keys are a [keys.Ring] per institution, sealed under the operator's
//     master key and created on first use.
//   - Status. Each credential gets a BitstringStatusListEntry at an index
//     allocated at random, and never reused, in its issuer's current status
//     list of [statuslist.MinSize] entries; a full list is followed by a new
//     one. The store allocates atomically, so several badged nodes can issue
//     at once. Revoking sets the bit and re-signs the list credential served
//     at <base>/status/<listID>.
//   - Credentials. [Service.Issue] maps a badge class to an Achievement
//     (with badged's extension context for what OB 3.0 lacks), names the
//     recipient by salted hashes only, signs it twice, as eddsa-rdfc-2022
//     JSON-LD and as an OB 3.0 VC-JWT (EdDSA, the same verification
//     method), and stores both by award, so issuing an award twice returns
//     the first credential. The status list index is proposed by the store
//     before signing and reserved in the same write that stores the
//     credential: one write per credential.
//
// # Verifying this server's own credentials
//
// A serving badged never fetches its own documents over the network:
// [Service.OwnKeys] resolves the keys of its issuers' did:web DIDs from
// the store (every key of the ring, so a credential signed before a
// rotation still verifies, and a key the ring never held does not), and
// [Service.OwnLists] reads its status lists from the store, uncached, so
// a revocation shows at once. Both fall back to the given resolver or
// fetcher (the egress-guarded ones) for everything foreign, and both
// implement what package verifier consumes.
//
// # Storage
//
// [Store] is declared here and implemented by storage/bolt and
// storage/postgres; storage/storagetest.RunIssuance is its conformance
// suite.
package issuance
