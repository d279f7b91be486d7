// Package credential owns the Open Badges 3.0 and Verifiable Credentials 2.0
// data model: the Go types of an OpenBadgeCredential, building a new one
// ([New]), parsing one ([Parse]), recipient identity hashing
// ([HashIdentity], [IdentityObject]) and structural validation ([Validate],
// [ValidateVC]).
//
// It does not sign or verify proofs, resolve DIDs, fetch status lists or
// compare dates with the clock: those belong to other packages, which work
// on the generic map that [Credential.Map] returns and that [Validate]
// checks.
//
// # Structural validation
//
// [Validate] applies the rules of Open Badges 3.0 and VC 2.0 that can be
// checked on the JSON alone, the way 1EdTech's validator does (its probes
// for @context, type, issuer, credentialSubject and evidence), and then the
// OB 3.0 AchievementCredential JSON schema, which is embedded: no schema is
// ever fetched. Each finding is a [Problem] whose Check is one of a small
// set of stable ids ([CheckContext], [CheckType]...). A Problem with
// Warning set does not make the credential invalid.
//
// Credentials in the wild differ from the schema in two ways that
// 1EdTech's validator accepts, and so does Validate: a single proof object
// instead of an array, and VC 1.1 credentials (the v1 context,
// issuanceDate, expirationDate). Before the schema runs, Validate therefore
// reads a copy of the document with proof wrapped in an array and, for
// VC 1.1, the v1 context and dates mapped to their VC 2.0 names; the VC 1.1
// forms are reported as warnings.
//
// # Badged extension
//
// ECTS credits, EQF/NLQF levels, programme codes and institution codes are
// written with OB 3.0's own properties (creditsAvailable, alignment,
// otherIdentifier), which every OB 3.0 wallet shows. Fields OB 3.0 lacks
// (study load, assessment, quality assurance, ...) are fields of
// [Achievement] and [Profile] defined by badged's v2 context, which each
// deployment serves at [contexts.BadgedV2URL] of its base URL. [New] names
// it only when one of them is set. Credentials issued before name
// [contexts.Badged], which stays embedded.
package credential
