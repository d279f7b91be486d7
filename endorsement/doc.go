// Package endorsement lets one institution vouch for another's work: staff
// of an issuer endorse a badge class of another institution, or a single
// credential another institution issued, with a comment.
//
// # What an endorsement is
//
// Each endorsement is an Open Badges 3.0 EndorsementCredential (types
// VerifiableCredential and EndorsementCredential, a credentialSubject of
// type EndorsementSubject whose id is the endorsed Achievement or
// credential, and whose endorsementComment is the comment), issued by the
// endorsing issuer's did:web and signed with eddsa-rdfc-2022 by its
// institution's key through [issuance.Service.SignCredential], the path
// every credential takes: it gets a BitstringStatusListEntry, is stored
// with the issued credentials, and verifies through badged's verifier like
// any other. Revoking an endorsement sets its status bit.
//
// # Who may do what
//
// Endorsing and revoking on behalf of an issuer need the update permission
// on that issuer (issuer, group or institution admins). An institution
// never endorses its own badge classes or credentials. The endorsed badge
// class's staff (update permission on it) accept or decline an
// endorsement; only accepted, unrevoked endorsements are shown publicly
// (catalogue, share page, backpack). The state machine is [transitions].
//
// # Storage
//
// [Store] is declared here and implemented by storage/bolt and
// storage/postgres; storage/storagetest.RunEndorsements is its
// conformance suite.
package endorsement
