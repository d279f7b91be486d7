// Package issuer owns the issuing side of badged: the hierarchy an
// institution builds (institution > issuer group > issuer > badge class),
// the roles staff hold in it, and the permissions those roles grant.
//
// # Hierarchy
//
// An [Institution] (a school or university, identified by its SCHAC home)
// contains [Group]s (faculties, or any grouping), a Group contains
// [Issuer]s (the units that award), and an Issuer owns [BadgeClass]es (the
// templates that later become Open Badges 3.0 Achievements). Every record
// carries the IDs of its ancestors, fixed at creation, and a Version for
// optimistic concurrency: an update with a stale Version fails with a
// [badged.Conflict] error.
//
// # Roles and permissions
//
// A [Membership] binds a user (or, while an invitation is pending, an email
// address) to a [Role] at one node of the hierarchy. A role grants a set of
// [Action]s on its node and on everything below it, never above it, beside
// it or in another institution; [Can] decides. The last active institution
// admin of an institution cannot be removed or demoted ([ErrLastAdmin]).
//
// # Service and storage
//
// [Service] performs every operation on behalf of an [Actor], checks its
// permissions, validates input and stores the result through [Store], which
// storage adapters (storage/bolt, storage/postgres) implement.
//
// # Award effects
//
// Every change to an award reports an [Event]. Its [Effects], the audit
// entry that records it and the mail that tells the learner, are derived
// by the function [WithEffects] installs (package effects) before the
// change is stored, and the store writes them in the change's own
// transaction: a crash never leaves an award without them, and a retried
// change (a bulk batch redone) writes none of them twice.
package issuer
