// Package wallet is the learner's backpack: every credential the learner
// holds (issued on this platform to any of their identifiers, or imported
// from elsewhere), their wallet DID, what they share, the presentations
// they make, their collections, and their data as a whole (export and
// deletion).
//
// # Holdings
//
// A holding is a credential the learner holds. Platform holdings are read
// from the awards of package issuer and the credentials of package
// issuance, by the learner's identifiers; their ID is the award's.
// Imported holdings are stored by the wallet, with the verification
// result of the moment of import; their ID starts with "imp_". Every
// holding is verified again when it is shown, through the same
// [verifier.Verifier] as everywhere else, and the result is kept for a
// short while ([DefaultVerifyTTL]) unless the holding's state changes, so
// a revocation on this platform shows at once.
//
// # Holder binding
//
// Each learner has a wallet DID, a did:key whose Ed25519 key badged
// generates on first use and keeps sealed with the operator's
// [keys.Sealer]. [Service.HolderDID] gives it to issuance, which names it
// as credentialSubject.id; presentations are signed with it (Data
// Integrity, proofPurpose authentication, the verifier's challenge and
// domain).
//
// # Sharing
//
// A holding is private until the learner makes it public. A public share
// has an unguessable ID; [Service.PublicShare] gives anonymous visitors the
// credential and its live verification result while the share is public,
// and NotFound otherwise, whatever the reason.
//
// # Storage
//
// [Store] is declared here and implemented by storage/bolt and
// storage/postgres; storage/storagetest.RunWallet is its conformance suite.
package wallet
