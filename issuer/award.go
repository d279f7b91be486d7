package issuer

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/badged/badged"
)

// AwardKind says how an award came about.
type AwardKind string

// Award kinds.
const (
	// KindRequest is a learner's request for a badge, which staff approve
	// or deny.
	KindRequest AwardKind = "request"
	// KindDirect is an award staff send to a learner, who claims or
	// rejects it.
	KindDirect AwardKind = "direct"
)

// AwardState is the life-cycle state of an [Award].
type AwardState string

// Award states. Requests start as AwardRequested; direct awards start as
// AwardScheduled or AwardSent. AwardAccepted means the learner has the
// badge: its credential is issued (or, for a moment, being issued; see
// [Award.CredentialID]). The others, except AwardScheduled and AwardSent,
// are final.
const (
	AwardRequested AwardState = "requested" // a learner asked; staff decide
	AwardDenied    AwardState = "denied"    // staff said no, with a reason
	AwardScheduled AwardState = "scheduled" // a direct award waiting for its ScheduledFor time
	AwardSent      AwardState = "sent"      // a direct award waiting for the learner's claim
	AwardAccepted  AwardState = "accepted"  // approved or claimed: the credential is issued
	AwardRejected  AwardState = "rejected"  // the learner declined a direct award
	AwardExpired   AwardState = "expired"   // a direct award not claimed before its deadline
	AwardRevoked   AwardState = "revoked"   // the issued credential was revoked, with a reason
	AwardDeleted   AwardState = "deleted"   // staff withdrew an unclaimed direct award
)

// AwardStates lists every award state.
var AwardStates = []AwardState{
	AwardRequested, AwardDenied, AwardScheduled, AwardSent, AwardAccepted,
	AwardRejected, AwardExpired, AwardRevoked, AwardDeleted,
}

// Valid reports whether s is a known award state.
func (s AwardState) Valid() bool { return slices.Contains(AwardStates, s) }

// Final reports whether no trigger leads out of s.
func (s AwardState) Final() bool {
	for _, t := range Triggers {
		if _, ok := s.Next(t); ok {
			return false
		}
	}
	return true
}

// Trigger is what moves an award from one state to another.
type Trigger string

// Triggers.
const (
	TriggerApprove Trigger = "approve" // staff approve a request
	TriggerDeny    Trigger = "deny"    // staff deny a request
	TriggerSend    Trigger = "send"    // a scheduled direct award's time has come
	TriggerClaim   Trigger = "claim"   // the learner claims a direct award
	TriggerReject  Trigger = "reject"  // the learner rejects a direct award
	TriggerExpire  Trigger = "expire"  // a direct award's claim deadline passed
	TriggerRevoke  Trigger = "revoke"  // staff revoke an issued credential
	TriggerDelete  Trigger = "delete"  // staff withdraw an unclaimed direct award
)

// Triggers lists every trigger.
var Triggers = []Trigger{
	TriggerApprove, TriggerDeny, TriggerSend, TriggerClaim, TriggerReject, TriggerExpire, TriggerRevoke, TriggerDelete,
}

type edge struct {
	from AwardState
	on   Trigger
}

// transitions is the whole state machine: a pair not listed is illegal.
var transitions = map[edge]AwardState{
	{AwardRequested, TriggerApprove}: AwardAccepted,
	{AwardRequested, TriggerDeny}:    AwardDenied,
	{AwardScheduled, TriggerSend}:    AwardSent,
	{AwardScheduled, TriggerDelete}:  AwardDeleted,
	{AwardSent, TriggerClaim}:        AwardAccepted,
	{AwardSent, TriggerReject}:       AwardRejected,
	{AwardSent, TriggerExpire}:       AwardExpired,
	{AwardSent, TriggerDelete}:       AwardDeleted,
	{AwardAccepted, TriggerRevoke}:   AwardRevoked,
}

// Next returns the state t leads to from s, and false when t is not
// allowed in s.
func (s AwardState) Next(t Trigger) (AwardState, bool) {
	to, ok := transitions[edge{s, t}]
	return to, ok
}

// Award is one badge on its way to a learner, by request or direct award,
// and, once accepted, the record of the credential issued for it. It
// carries the IDs of the badge class and its ancestors, fixed at creation.
type Award struct {
	ID            string
	InstitutionID string
	GroupID       string
	IssuerID      string
	BadgeClassID  string
	Kind          AwardKind
	State         AwardState
	BundleID      string // the direct awards made together (one call, one CSV); empty for requests

	Recipient    Recipient
	Narrative    string
	EvidenceURLs []string
	Grade        string

	AwardedBy    string // the user ID of the staff member who made a direct award
	DecidedBy    string // the user ID of the staff member who approved or denied a request
	DenyReason   string
	RevokedBy    string
	RevokeReason string
	TermsVersion string // the version of the terms the learner accepted when claiming

	Requested     time.Time // when the learner asked (requests)
	Decided       time.Time // when staff approved or denied (requests)
	ScheduledFor  time.Time // when a scheduled direct award is to be sent
	Sent          time.Time // when a direct award was sent to the learner
	ClaimDeadline time.Time // when an unclaimed direct award expires
	Claimed       time.Time // when the learner claimed or rejected a direct award
	RevokedAt     time.Time
	// Reminders lists the days-left marks (e.g. 62, 42) already dealt
	// with: a reminder was sent, or the award was sent with fewer days
	// left than the mark.
	Reminders []int

	// CredentialID is the ID of the issued credential. It is empty while
	// the award is not accepted, and, for an accepted award, between the
	// acceptance and the issuance, which [Service.ProcessDue] retries when
	// the issuer failed.
	CredentialID string

	Version int64
	Created time.Time
	Updated time.Time
}

// Path returns the path of the award's badge class.
func (a *Award) Path() Path {
	return Path{Institution: a.InstitutionID, Group: a.GroupID, Issuer: a.IssuerID, BadgeClass: a.BadgeClassID}
}

// Cursor returns the position of a in the order of award lists.
func (a *Award) Cursor() badged.Cursor { return badged.Cursor{Time: a.Created, ID: a.ID} }

// Learner is a signed-in learner: the user and every identifier the login
// established for them. Emails are verified addresses.
type Learner struct {
	UserID    string
	EduID     string   // the eduID subject
	Emails    []string // verified addresses
	EPPNs     []string // eduPersonPrincipalNames of institution accounts
	HolderDID string   // the DID of the learner's wallet, when it has one
	Name      string
}

// normal returns l with emails lower-cased and trimmed and empty
// identifiers dropped.
func (l Learner) normal() Learner {
	out := Learner{UserID: l.UserID, EduID: strings.TrimSpace(l.EduID), HolderDID: l.HolderDID, Name: l.Name}
	for _, e := range l.Emails {
		if e = strings.ToLower(strings.TrimSpace(e)); e != "" && !slices.Contains(out.Emails, e) {
			out.Emails = append(out.Emails, e)
		}
	}
	for _, e := range l.EPPNs {
		if e = strings.TrimSpace(e); e != "" && !slices.Contains(out.EPPNs, e) {
			out.EPPNs = append(out.EPPNs, e)
		}
	}
	return out
}

// Matches reports whether r names l: when any identifier r carries equals
// one of l's (user ID, eduID, EPPN, or email ignoring case).
func (l Learner) Matches(r Recipient) bool {
	switch {
	case r.UserID != "" && r.UserID == l.UserID:
		return true
	case r.EduID != "" && r.EduID == l.EduID:
		return true
	case r.EPPN != "" && slices.Contains(l.EPPNs, r.EPPN):
		return true
	}
	if r.Email != "" {
		for _, e := range l.Emails {
			if strings.EqualFold(strings.TrimSpace(e), r.Email) {
				return true
			}
		}
	}
	return false
}

// AwardQuery selects awards for [AwardStore.Awards]. Exactly one of
// BadgeClassID, BundleID and Learner is set.
type AwardQuery struct {
	BadgeClassID string
	BundleID     string
	// Learner selects the awards whose recipient has any of the learner's
	// identifiers: user ID, eduID, an EPPN or an email (lower case).
	Learner *Learner
	// States keeps the awards in one of these states; empty keeps all.
	States []AwardState
	// After skips the awards up to and including this position.
	After badged.Cursor
	// Limit is the most awards returned; 0 means no limit.
	Limit int
}

// AwardStore keeps awards. Storage adapters implement it; all of them pass
// storage/storagetest.RunAwards.
//
// Error contract: an award that does not exist gives a [badged.NotFound]
// *badged.Error. UpdateAward succeeds only when the award's Version equals
// the stored one, else it fails with [badged.Conflict], so that of two
// racing changes (a claim and an expiry) exactly one wins; it increments
// Version in the award it was given and keeps the stored ID, Kind, path
// IDs, BundleID and Created. Lists are empty, not an error, when nothing
// matches.
//
// CreateAwards and UpdateAward write the [Effects] they are given (audit
// entries and outbox mails, as audit.Store.Append and notify.Store.AddMail
// would) in the same transaction as the awards: all of them or, when the
// call fails, none. An entry or mail whose ID exists is skipped, not an
// error.
type AwardStore interface {
	// CreateAwards stores new awards, all or none, each at Version 1, with
	// fx. It fails with [badged.Conflict] when an ID exists, or when a
	// request would be a second open one (state requested) of the same
	// Recipient.UserID for the same badge class; with [badged.NotFound]
	// when a badge class does not exist.
	CreateAwards(ctx context.Context, awards []*Award, fx Effects) error
	Award(ctx context.Context, id string) (*Award, error)
	// UpdateAward stores a, and fx with it.
	UpdateAward(ctx context.Context, a *Award, fx Effects) error
	// Awards lists the awards q selects, ordered by Created, then ID. It
	// fails with [badged.Invalid] unless exactly one selector is set.
	Awards(ctx context.Context, q AwardQuery) ([]*Award, error)

	// ScheduledDue lists the scheduled awards whose ScheduledFor is at or
	// before t, by ScheduledFor, then ID; at most limit (0: all).
	ScheduledDue(ctx context.Context, t time.Time, limit int) ([]*Award, error)
	// ExpiryDue lists the sent awards whose ClaimDeadline is at or before
	// t, by ClaimDeadline, then ID; at most limit (0: all).
	ExpiryDue(ctx context.Context, t time.Time, limit int) ([]*Award, error)
	// RemindersDue lists the sent awards whose ClaimDeadline is after t
	// and at most daysLeft days (of 24 hours) after t, and whose
	// Reminders lack daysLeft, by ClaimDeadline, then ID; at most limit
	// (0: all).
	RemindersDue(ctx context.Context, t time.Time, daysLeft, limit int) ([]*Award, error)
	// Unissued lists the accepted awards without a CredentialID, by
	// Created, then ID; at most limit (0: all).
	Unissued(ctx context.Context, limit int) ([]*Award, error)
}
