package issuer

import "time"

// EventKind says what happened to an award.
type EventKind string

// Event kinds. Notifications send an email for most of them; the audit
// trail records all of them.
const (
	EventRequested       EventKind = "requested"              // a learner requested a badge
	EventRequestDenied   EventKind = "request-denied"         // staff denied a request (Reason)
	EventScheduled       EventKind = "direct-award-scheduled" // a direct award waits for its ScheduledFor time
	EventDirectAwardSent EventKind = "direct-award-sent"      // a direct award waits for the learner's claim
	EventReminder        EventKind = "reminder"               // DaysLeft days are left to claim a direct award
	EventExpired         EventKind = "expired"                // a direct award was not claimed in time
	EventRejected        EventKind = "rejected"               // the learner rejected a direct award
	EventDeleted         EventKind = "deleted"                // staff withdrew an unclaimed direct award
	EventAccepted        EventKind = "accepted"               // a request was approved or a direct award claimed
	EventIssued          EventKind = "issued"                 // the award's credential was issued (CredentialID)
	EventRevoked         EventKind = "revoked"                // the award's credential was revoked (Reason)
)

// Event is a change to an award. Its [Effects] (derived by the function
// [WithEffects] installs) are stored with it; it is reported once stored,
// through the callback [WithEvents] installs and, for
// [Service.ProcessDue], in its result.
type Event struct {
	Kind          EventKind
	AwardID       string
	InstitutionID string
	IssuerID      string
	BadgeClassID  string
	BundleID      string
	Recipient     Recipient
	// ActorID is the user (staff or learner) who caused the change, or
	// empty for [Service.ProcessDue].
	ActorID      string
	From, To     AwardState // equal for EventReminder and EventIssued
	DaysLeft     int        // for EventReminder: the mark reached
	Reason       string     // for EventRequestDenied and EventRevoked
	CredentialID string     // for EventIssued
	// ClaimDeadline is the award's, for EventDirectAwardSent and
	// EventReminder.
	ClaimDeadline time.Time
	At            time.Time
}

func newEvent(kind EventKind, a *Award, from AwardState, actorID string, at time.Time) Event {
	return Event{
		Kind: kind, AwardID: a.ID, InstitutionID: a.InstitutionID, IssuerID: a.IssuerID, BadgeClassID: a.BadgeClassID,
		BundleID: a.BundleID, Recipient: a.Recipient, ActorID: actorID, From: from, To: a.State,
		ClaimDeadline: a.ClaimDeadline, At: at,
	}
}
