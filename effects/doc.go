// Package effects owns what a change in badged causes besides itself: the
// audit entry that records it and, for some changes, an email. It is the
// one place that maps a change to them, for both kinds of change:
//
//   - an award event ([issuer.Event]: a request, an approval, a denial, a
//     direct award sent or scheduled, a claim, a rejection, a reminder, an
//     expiry, an issuance, a revocation) gets an audit entry and, when the
//     learner has an email address and the event tells them something, a
//     mail in the outbox. [Recorder.Awards] derives them before the award
//     changes, and the issuer's store writes them in the same transaction
//     as the change (a transactional outbox, see [issuer.Effects]): a crash
//     loses none, and a change never stands without them.
//   - a change to the hierarchy, staff or API clients ([issuer.Change])
//     gets an audit entry with a diff of the record and, for a staff
//     invitation, the invitation mail. [Recorder.Change] records them
//     after the change is stored.
//
// # Idempotency
//
// Entries and mails have IDs derived from what caused them, so a retried
// change (a bulk award batch redone after a crash) writes nothing twice.
//
// # Learners' pseudonyms
//
// A learner acting on their own award (a request, a claim, a rejection,
// the issuance a claim triggers) is recorded under the pseudonym their
// wallet derives ([Actors], wallet.Service.AuditActor), never under their
// user ID. The pseudonym is derived while the effects are derived, before
// the award's transaction begins, so the wallet may create its key in a
// transaction of its own.
//
// The package sits beside audit and notify rather than in them because
// issuer refers to their record types ([issuer.Effects]), so they cannot
// refer back to issuer's events.
package effects
