// Package insights owns badged's award statistics: per month, and per
// institution, issuer or badge class, how many direct awards were sent,
// claimed, rejected and expired, how many badges were requested, approved
// and denied, how many were revoked, and the claim rate.
//
// # What is counted, and when
//
// Each count is of an event, in the calendar month (UTC) it happened,
// taken from the award's own timestamps (see [Tally]): a direct award is
// sent in the month of Sent, claimed or rejected in the month of Claimed,
// expired in the month of its ClaimDeadline; a request is requested in the
// month of Requested, approved or denied in the month of Decided; a badge
// is revoked in the month of RevokedAt. An award is counted as claimed
// (or approved) when it was accepted, also when it was revoked later. The
// claim rate of a row is claimed / sent of that row: counts of the same
// period, not of one cohort, so over a single month it can exceed 1 when
// claims of earlier sends come in.
//
// # Storage
//
// A [Store] does the counting, grouped by month, issuer and badge class;
// storage/bolt and storage/postgres implement it, and both pass
// storage/storagetest.RunInsights with the same exact numbers.
package insights
