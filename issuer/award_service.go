package issuer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/badged/badged"
)

// Defaults of the award flows, as edubadges has them.
const (
	DefaultClaimPeriod = 82 * 24 * time.Hour
	// MaxDirectAwards is the most direct awards one call makes.
	MaxDirectAwards = 10000
	// MaxEvidenceURLs is the most evidence URLs an award carries.
	MaxEvidenceURLs = 10

	maxReason     = 1000
	maxGrade      = 255
	defaultPage   = 50
	maxPage       = 1000
	dueBatch      = 200
	day           = 24 * time.Hour
	maxIdentifier = 255
)

// DefaultReminders are the days-left marks at which a learner is reminded
// of an unclaimed direct award: 62 and 42, as edubadges has them.
func DefaultReminders() []int { return []int{62, 42} }

type awardSettings struct {
	issuer       CredentialIssuer
	claimPeriod  time.Duration
	reminders    []int // ascending
	remindersSet bool
	events       func(Event)
	effects      EffectsFunc
}

// WithCredentialIssuer makes approvals and claims issue credentials
// through ci. Without it they fail with an Unavailable error.
func WithCredentialIssuer(ci CredentialIssuer) Option {
	return func(s *Service) { s.award.issuer = ci }
}

// WithClaimPeriod sets how long a learner has to claim a direct award
// before it expires; the default is [DefaultClaimPeriod]. A period of zero
// or less keeps the default.
func WithClaimPeriod(d time.Duration) Option {
	return func(s *Service) { s.award.claimPeriod = d }
}

// WithReminders sets the days-left marks at which an unclaimed direct
// award is due a reminder, instead of [DefaultReminders]; none turns
// reminders off. Marks of zero or less are ignored.
func WithReminders(daysLeft ...int) Option {
	return func(s *Service) {
		s.award.remindersSet = true
		s.award.reminders = []int{}
		for _, d := range daysLeft {
			if d > 0 && !slices.Contains(s.award.reminders, d) {
				s.award.reminders = append(s.award.reminders, d)
			}
		}
		slices.Sort(s.award.reminders)
	}
}

// WithEvents makes the service call fn with every [Event], after the
// change it reports is stored, in the goroutine that made it. fn must not
// block for long. The audit trail and the mails do not hook in here but
// through [WithEffects], which stores them with the change.
func WithEvents(fn func(Event)) Option { return func(s *Service) { s.award.events = fn } }

func (s *Service) claimPeriod() time.Duration {
	if s.award.claimPeriod <= 0 {
		return DefaultClaimPeriod
	}
	return s.award.claimPeriod
}

func (s *Service) reminders() []int {
	if !s.award.remindersSet {
		return []int{42, 62} // DefaultReminders, nearest first
	}
	return s.award.reminders
}

func (s *Service) emit(e Event) {
	if s.award.events != nil {
		s.award.events(e)
	}
}

func (s *Service) credentialIssuer() (CredentialIssuer, error) {
	if s.award.issuer == nil {
		return nil, badged.Errorf(badged.Unavailable, "credential issuance is not configured")
	}
	return s.award.issuer, nil
}

// change is what a transition does besides moving an award to its next
// state: its edit of the award and the event it reports.
type change struct {
	edit    func(a *Award) // optional
	kind    EventKind
	actorID string
	reason  string // the event's Reason
	report  func(Event)
}

// transition moves a to the state t leads to, applies c.edit, and stores
// it with the effects of its event, which it then reports. It fails with
// Conflict when t is not allowed in a's state or a is stale.
func (s *Service) transition(ctx context.Context, a *Award, t Trigger, now time.Time, c change) error {
	to, ok := a.State.Next(t)
	if !ok {
		return badged.Errorf(badged.Conflict, "cannot %s an award that is %s", t, a.State)
	}
	from := a.State
	a.State, a.Updated = to, now
	if c.edit != nil {
		c.edit(a)
	}
	e := newEvent(c.kind, a, from, c.actorID, now)
	e.Reason = c.reason
	report := c.report
	if report == nil {
		report = s.emit
	}
	if err := s.updateAward(ctx, a, e, report); err != nil {
		return fmt.Errorf("%s award %s: %w", t, a.ID, err)
	}
	return nil
}

// learnerAward returns the award id when it is the learner's.
func (s *Service) learnerAward(ctx context.Context, l Learner, id string) (*Award, error) {
	if l.UserID == "" {
		return nil, badged.Errorf(badged.Unauthorized, "sign in first")
	}
	a, err := s.store.Award(ctx, id)
	if err != nil {
		return nil, err
	}
	if !l.normal().Matches(a.Recipient) {
		return nil, badged.Errorf(badged.Forbidden, "this award is not yours")
	}
	return a, nil
}

// staffAward returns the award id when a may award its badge class.
func (s *Service) staffAward(ctx context.Context, actor Actor, id string) (*Award, error) {
	a, err := s.store.Award(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, actor, ActionAward, a.Path()); err != nil {
		return nil, err
	}
	return a, nil
}

// awardable returns the badge class id when it may be awarded.
func (s *Service) awardable(ctx context.Context, id string) (*BadgeClass, error) {
	bc, err := s.store.BadgeClass(ctx, id)
	if err != nil {
		return nil, err
	}
	if bc.State != Published {
		return nil, badged.Errorf(badged.Conflict, "the badge class is %s, not published: it cannot be awarded", bc.State)
	}
	return bc, nil
}

// checkEvidence adds the problems of an award's narrative and evidence
// for badge class bc.
func checkEvidence(p *problems, bc *BadgeClass, prefix, narrative string, evidence []string) {
	if bc.NarrativeRequired && narrative == "" {
		p.add(prefix+"narrative", "required for this badge")
	}
	p.length(prefix+"narrative", narrative, maxDescription)
	if bc.EvidenceRequired && len(evidence) == 0 {
		p.add(prefix+"evidence", "required for this badge")
	}
	if len(evidence) > MaxEvidenceURLs {
		p.add(prefix+"evidence", "more than "+strconv.Itoa(MaxEvidenceURLs)+" URLs")
	}
	for i, u := range evidence {
		if u == "" {
			p.add(prefix+"evidence", "an empty URL")
			continue
		}
		p.url(prefix+"evidence["+strconv.Itoa(i)+"]", u)
	}
}

func trimAll(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// ---- requests

// RequestBadge records a learner's request for the badge class
// badgeClassID, with the narrative and evidence URLs the class requires.
// Errors: Unauthorized without a user ID; NotFound for an unknown badge
// class; Conflict when it is not published or the learner already has an
// open request for it; Invalid for missing or malformed narrative and
// evidence.
func (s *Service) RequestBadge(ctx context.Context, l Learner, badgeClassID, narrative string, evidenceURLs []string) (*Award, error) {
	if l.UserID == "" {
		return nil, badged.Errorf(badged.Unauthorized, "sign in first")
	}
	l = l.normal()
	if l.EduID == "" && l.HolderDID == "" && len(l.Emails) == 0 && len(l.EPPNs) == 0 {
		// Approval issues a credential naming the learner by one of these;
		// without any, the request could never be fulfilled.
		return nil, badged.Errorf(badged.Forbidden, "your account has no eduID, email address, EPPN or wallet DID to name you in a credential, so it cannot request badges")
	}
	bc, err := s.awardable(ctx, badgeClassID)
	if err != nil {
		return nil, err
	}
	if err := s.holdsPrerequisites(ctx, l, bc); err != nil {
		return nil, err
	}
	narrative, evidenceURLs = strings.TrimSpace(narrative), trimAll(evidenceURLs)
	var p problems
	checkEvidence(&p, bc, "", narrative, evidenceURLs)
	if err := p.err("request"); err != nil {
		return nil, err
	}
	open, err := s.store.Awards(ctx, AwardQuery{Learner: &Learner{UserID: l.UserID}, States: []AwardState{AwardRequested}})
	if err != nil {
		return nil, fmt.Errorf("open requests of %s: %w", l.UserID, err)
	}
	if slices.ContainsFunc(open, func(a *Award) bool { return a.BadgeClassID == bc.ID }) {
		return nil, badged.Errorf(badged.Conflict, "you have already requested this badge")
	}
	now := s.timestamp()
	a := &Award{
		ID: s.newID(), InstitutionID: bc.InstitutionID, GroupID: bc.GroupID, IssuerID: bc.IssuerID, BadgeClassID: bc.ID,
		Kind: KindRequest, State: AwardRequested,
		Recipient: Recipient{UserID: l.UserID, EduID: l.EduID, Name: l.Name, HolderDID: l.HolderDID},
		Narrative: narrative, EvidenceURLs: evidenceURLs, Requested: now, Created: now, Updated: now,
	}
	if len(l.Emails) > 0 {
		a.Recipient.Email = l.Emails[0]
	}
	if len(l.EPPNs) > 0 {
		a.Recipient.EPPN = l.EPPNs[0]
	}
	if err := s.createAwards(ctx, []*Award{a}, []Event{newEvent(EventRequested, a, "", l.UserID, now)}); err != nil {
		return nil, fmt.Errorf("request badge: %w", err)
	}
	return a, nil
}

// ApproveRequests approves the requests ids and issues their credentials.
// It first checks every one: when any is unknown (NotFound), outside the
// actor's award permission (Forbidden) or not an open request (Conflict),
// none is approved. It then approves each in turn; it returns the
// approved awards, and the errors of those that failed (Conflict for one
// changed meanwhile, or the issuer's error, after which the approval
// stands and [Service.ProcessDue] retries the issuance) joined. Without a
// credential issuer it fails with Unavailable.
func (s *Service) ApproveRequests(ctx context.Context, actor Actor, ids ...string) ([]*Award, error) {
	if _, err := s.credentialIssuer(); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, badged.Errorf(badged.Invalid, "no requests to approve")
	}
	var awards []*Award
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		a, err := s.staffAward(ctx, actor, id)
		if err != nil {
			return nil, fmt.Errorf("request %s: %w", id, err)
		}
		if _, ok := a.State.Next(TriggerApprove); !ok || a.Kind != KindRequest {
			return nil, badged.Errorf(badged.Conflict, "award %s is a %s award that is %s, not an open request", id, a.Kind, a.State)
		}
		awards = append(awards, a)
	}
	var (
		done []*Award
		errs []error
	)
	for _, a := range awards {
		now := s.timestamp()
		err := s.transition(ctx, a, TriggerApprove, now, change{
			edit: func(a *Award) { a.DecidedBy, a.Decided = actor.UserID, now }, kind: EventAccepted, actorID: actor.UserID,
		})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		done = append(done, a)
		if err := s.issueCredential(ctx, a, actor.UserID, s.emit); err != nil {
			errs = append(errs, err)
		}
	}
	return done, errors.Join(errs...)
}

// DenyRequest denies the request id with a reason for the learner.
// Errors: Invalid without a reason; NotFound; Forbidden; Conflict when it
// is not an open request or was changed meanwhile.
func (s *Service) DenyRequest(ctx context.Context, actor Actor, id, reason string) (*Award, error) {
	reason = strings.TrimSpace(reason)
	var p problems
	if reason == "" {
		p.add("reason", "required")
	}
	p.length("reason", reason, maxReason)
	if err := p.err("denial"); err != nil {
		return nil, err
	}
	a, err := s.staffAward(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	now := s.timestamp()
	err = s.transition(ctx, a, TriggerDeny, now, change{
		edit:    func(a *Award) { a.DecidedBy, a.Decided, a.DenyReason = actor.UserID, now, reason },
		kind:    EventRequestDenied,
		actorID: actor.UserID,
		reason:  reason,
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// ---- direct awards

// DirectAwardInput is one row of a direct award: who receives it (by
// eduID, EPPN or email; at least one) and what it says.
type DirectAwardInput struct {
	// ID, when set, is the award's ID, chosen by the caller so that a
	// retry of the same rows is idempotent (see [Service.DirectAwardBundle]);
	// empty gets a new random ID.
	ID          string
	Recipient   Recipient
	Narrative   string
	EvidenceURL string
	Grade       string
}

// DirectAward awards the badge class badgeClassID to every recipient of
// rows, as one bundle. Each award is sent at once, waiting for the
// learner's claim until the claim period ends, or, when scheduledAt is
// after now, is scheduled and sent by [Service.ProcessDue] at that time.
// Rows are all checked first: any problem (a row without an identifier, a
// malformed email or evidence URL, a missing grade, narrative or evidence
// the class requires, a recipient twice) fails the call with one Invalid
// error listing every problem by row (1-based), and nothing is awarded.
// Other errors: NotFound; Forbidden without the award permission;
// Conflict when the class is not published; TooLarge beyond
// [MaxDirectAwards] rows.
func (s *Service) DirectAward(ctx context.Context, actor Actor, badgeClassID string, rows []DirectAwardInput, scheduledAt time.Time) ([]*Award, error) {
	return s.DirectAwardBundle(ctx, actor, badgeClassID, "", rows, scheduledAt)
}

// DirectAwardTarget returns the badge class badgeClassID and its
// institution when the actor may direct-award it now: what a caller checks
// before it prepares rows, as the bulk awards do before reading a file.
// Errors: NotFound; Forbidden without the award permission; Conflict when
// the class is not published.
func (s *Service) DirectAwardTarget(ctx context.Context, actor Actor, badgeClassID string) (*BadgeClass, *Institution, error) {
	bc, err := s.store.BadgeClass(ctx, badgeClassID)
	if err != nil {
		return nil, nil, err
	}
	if err := s.authorize(ctx, actor, ActionAward, bc.Path()); err != nil {
		return nil, nil, err
	}
	if bc, err = s.awardable(ctx, badgeClassID); err != nil {
		return nil, nil, err
	}
	in, err := s.store.Institution(ctx, bc.InstitutionID)
	if err != nil {
		return nil, nil, fmt.Errorf("institution of badge class %s: %w", bc.ID, err)
	}
	return bc, in, nil
}

// DirectAwardBundle is [Service.DirectAward] into the bundle bundleID
// (empty: a new one), with the award IDs the rows' ID fields choose. It is
// idempotent for chosen IDs: a row whose award ID exists is skipped, a
// no-op success, so that a job retrying rows after a crash never awards
// twice. It returns the awards it created.
func (s *Service) DirectAwardBundle(ctx context.Context, actor Actor, badgeClassID, bundleID string, rows []DirectAwardInput, scheduledAt time.Time) ([]*Award, error) {
	bc, err := s.store.BadgeClass(ctx, badgeClassID)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, actor, ActionAward, bc.Path()); err != nil {
		return nil, err
	}
	if bc, err = s.awardable(ctx, badgeClassID); err != nil {
		return nil, err
	}
	switch {
	case len(rows) == 0:
		return nil, badged.Errorf(badged.Invalid, "no recipients")
	case len(rows) > MaxDirectAwards:
		return nil, badged.Errorf(badged.TooLarge, "%d recipients; at most %d at once", len(rows), MaxDirectAwards)
	}
	var p problems
	recipients := make([]Recipient, len(rows))
	seen := map[string]int{}
	for i, row := range rows {
		prefix := "row " + strconv.Itoa(i+1) + ": "
		r := Recipient{
			UserID: strings.TrimSpace(row.Recipient.UserID), EduID: strings.TrimSpace(row.Recipient.EduID),
			EPPN: strings.TrimSpace(row.Recipient.EPPN), Name: strings.TrimSpace(row.Recipient.Name),
			HolderDID: strings.TrimSpace(row.Recipient.HolderDID),
		}
		if e := strings.TrimSpace(row.Recipient.Email); e != "" {
			if n, err := normalEmail(e); err != nil {
				p.add(prefix+"email", "not a valid email address")
			} else {
				r.Email = n
			}
		}
		if r.UserID == "" && r.EduID == "" && r.EPPN == "" && row.Recipient.Email == "" {
			p.add(prefix+"recipient", "an eduID, EPPN or email is required")
		}
		for _, f := range []struct{ name, v string }{{"eduID", r.EduID}, {"eppn", r.EPPN}, {"name", r.Name}, {"userID", r.UserID}} {
			p.length(prefix+f.name, f.v, maxIdentifier)
		}
		for _, k := range []string{"u:" + r.UserID, "d:" + r.EduID, "p:" + r.EPPN, "e:" + r.Email} {
			if len(k) == 2 {
				continue
			}
			if j, dup := seen[k]; dup && j != i {
				p.add(prefix+"recipient", "the same recipient as row "+strconv.Itoa(j+1))
				break
			}
			seen[k] = i
		}
		var evidence []string
		if u := strings.TrimSpace(row.EvidenceURL); u != "" {
			evidence = []string{u}
		}
		checkEvidence(&p, bc, prefix, strings.TrimSpace(row.Narrative), evidence)
		grade := strings.TrimSpace(row.Grade)
		if bc.GradeAchievedRequired && grade == "" {
			p.add(prefix+"grade", "required for this badge")
		}
		p.length(prefix+"grade", grade, maxGrade)
		recipients[i] = r
	}
	if err := p.err("direct award"); err != nil {
		return nil, err
	}

	now := s.timestamp()
	scheduledAt = scheduledAt.UTC().Truncate(time.Microsecond)
	bundle := cmp.Or(bundleID, s.newID())
	awards := make([]*Award, len(rows))
	for i, row := range rows {
		a := &Award{
			ID: cmp.Or(strings.TrimSpace(row.ID), s.newID()), InstitutionID: bc.InstitutionID, GroupID: bc.GroupID, IssuerID: bc.IssuerID, BadgeClassID: bc.ID,
			Kind: KindDirect, BundleID: bundle, Recipient: recipients[i], Narrative: strings.TrimSpace(row.Narrative),
			Grade: strings.TrimSpace(row.Grade), AwardedBy: actor.UserID, Created: now, Updated: now,
		}
		if u := strings.TrimSpace(row.EvidenceURL); u != "" {
			a.EvidenceURLs = []string{u}
		}
		if scheduledAt.After(now) {
			a.State, a.ScheduledFor = AwardScheduled, scheduledAt
		} else {
			a.State = AwardSent
			s.send(a, now)
		}
		awards[i] = a
	}
	eventsOf := func(awards []*Award) []Event {
		events := make([]Event, len(awards))
		for i, a := range awards {
			kind := EventDirectAwardSent
			if a.State == AwardScheduled {
				kind = EventScheduled
			}
			events[i] = newEvent(kind, a, "", actor.UserID, now)
		}
		return events
	}
	if err := s.createAwards(ctx, awards, eventsOf(awards)); err != nil {
		if badged.KindOf(err) != badged.Conflict || !slices.ContainsFunc(rows, func(r DirectAwardInput) bool { return r.ID != "" }) {
			return nil, fmt.Errorf("direct award: %w", err)
		}
		// Some chosen IDs exist: a retry. Create only the missing ones.
		var missing []*Award
		for i, a := range awards {
			_, gerr := s.store.Award(ctx, a.ID)
			switch {
			case gerr == nil && rows[i].ID != "":
				continue
			case gerr == nil || badged.KindOf(gerr) == badged.NotFound:
				missing = append(missing, a)
			default:
				return nil, fmt.Errorf("direct award: %w", gerr)
			}
		}
		if len(missing) == len(awards) {
			return nil, fmt.Errorf("direct award: %w", err)
		}
		awards = missing
		if err := s.createAwards(ctx, awards, eventsOf(awards)); err != nil {
			return nil, fmt.Errorf("direct award: %w", err)
		}
	}
	return awards, nil
}

// send sets the fields of a direct award sent at now: the deadline, and
// the reminder marks already passed, which are never due.
func (s *Service) send(a *Award, now time.Time) {
	a.Sent, a.ClaimDeadline = now, now.Add(s.claimPeriod())
	a.Reminders = nil
	for _, d := range s.reminders() {
		if !a.ClaimDeadline.After(now.Add(time.Duration(d) * day)) {
			a.Reminders = append(a.Reminders, d)
		}
	}
}

// ClaimAward accepts the direct award id for the learner, who agreed to
// the terms of version termsVersion, binds it to the learner's account
// and wallet DID, and issues its credential. When the award's institution
// has terms, termsVersion must be their current version; without them any
// version, or none, is accepted and recorded. Errors: Unauthorized;
// Invalid without a terms version when the institution has terms;
// NotFound; Forbidden when the award is not the learner's; Conflict when
// the institution's terms have another version, or the award is not
// waiting for a claim, has passed its deadline, or was changed meanwhile
// (an expiry that won the race); the issuer's error, after which the claim stands and
// [Service.ProcessDue] retries the issuance. Without a credential issuer
// it fails with Unavailable.
func (s *Service) ClaimAward(ctx context.Context, l Learner, id, termsVersion string) (*Award, error) {
	if _, err := s.credentialIssuer(); err != nil {
		return nil, err
	}
	a, err := s.learnerAward(ctx, l, id)
	if err != nil {
		return nil, err
	}
	in, err := s.store.Institution(ctx, a.InstitutionID)
	if err != nil {
		return nil, fmt.Errorf("claim award %s: %w", a.ID, err)
	}
	termsVersion = strings.TrimSpace(termsVersion)
	switch {
	case in.Terms.Version == "":
		// The institution has no terms of its own: any version is accepted.
	case termsVersion == "":
		return nil, badged.Errorf(badged.Invalid, "accept the terms first")
	case termsVersion != in.Terms.Version:
		return nil, badged.Errorf(badged.Conflict, "the terms changed; read and accept the current version")
	}
	now := s.timestamp()
	if a.State == AwardSent && !now.Before(a.ClaimDeadline) {
		return nil, badged.Errorf(badged.Conflict, "the award expired on %s", a.ClaimDeadline.Format(time.DateOnly))
	}
	claim := func(a *Award) {
		a.Claimed, a.TermsVersion, a.Recipient.UserID = now, termsVersion, l.UserID
		if a.Recipient.HolderDID == "" {
			a.Recipient.HolderDID = l.HolderDID
		}
		if a.Recipient.EduID == "" {
			a.Recipient.EduID = strings.TrimSpace(l.EduID)
		}
		if a.Recipient.Name == "" {
			a.Recipient.Name = l.Name
		}
	}
	if err := s.transition(ctx, a, TriggerClaim, now, change{edit: claim, kind: EventAccepted, actorID: l.UserID}); err != nil {
		return nil, err
	}
	if err := s.issueCredential(ctx, a, l.UserID, s.emit); err != nil {
		return nil, err
	}
	return a, nil
}

// RejectAward declines the direct award id for the learner. Errors:
// Unauthorized; NotFound; Forbidden when it is not the learner's;
// Conflict when it is not waiting for a claim or was changed meanwhile.
func (s *Service) RejectAward(ctx context.Context, l Learner, id string) (*Award, error) {
	a, err := s.learnerAward(ctx, l, id)
	if err != nil {
		return nil, err
	}
	now := s.timestamp()
	err = s.transition(ctx, a, TriggerReject, now, change{edit: func(a *Award) { a.Claimed = now }, kind: EventRejected, actorID: l.UserID})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// DeleteDirectAward withdraws the unclaimed (scheduled or sent) direct
// award id. Errors: NotFound; Forbidden without the award permission;
// Conflict for a request, an award no longer unclaimed, or a stale one.
func (s *Service) DeleteDirectAward(ctx context.Context, actor Actor, id string) (*Award, error) {
	a, err := s.staffAward(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if a.Kind != KindDirect {
		return nil, badged.Errorf(badged.Conflict, "only a direct award can be deleted; deny a request instead")
	}
	if err := s.transition(ctx, a, TriggerDelete, s.timestamp(), change{kind: EventDeleted, actorID: actor.UserID}); err != nil {
		return nil, err
	}
	return a, nil
}

// RevokeAward revokes the credential of the accepted award id, with a
// reason: the credential issuer sets its status bit first, then the award
// is marked revoked, so a failure between the two leaves a revoked
// credential and an award that a retry revokes again. Errors: Invalid
// without a reason; NotFound; Forbidden; Conflict when the award is not
// accepted, its credential is still being issued, or it changed
// meanwhile; the issuer's error; Unavailable without a credential issuer.
func (s *Service) RevokeAward(ctx context.Context, actor Actor, id, reason string) (*Award, error) {
	ci, err := s.credentialIssuer()
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	var p problems
	if reason == "" {
		p.add("reason", "required")
	}
	p.length("reason", reason, maxReason)
	if err := p.err("revocation"); err != nil {
		return nil, err
	}
	a, err := s.staffAward(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if _, ok := a.State.Next(TriggerRevoke); !ok {
		return nil, badged.Errorf(badged.Conflict, "cannot revoke an award that is %s", a.State)
	}
	if a.CredentialID == "" {
		return nil, badged.Errorf(badged.Conflict, "the credential is still being issued; try again in a moment")
	}
	if err := ci.Revoke(ctx, a.ID, reason); err != nil {
		return nil, fmt.Errorf("revoke the credential of award %s: %w", a.ID, err)
	}
	now := s.timestamp()
	err = s.transition(ctx, a, TriggerRevoke, now, change{
		edit:    func(a *Award) { a.RevokedBy, a.RevokedAt, a.RevokeReason = actor.UserID, now, reason },
		kind:    EventRevoked,
		actorID: actor.UserID,
		reason:  reason,
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// issueCredential issues the credential of the accepted award a, unless
// it has one, and stores its ID in a. The credential issuer is idempotent
// per award, so a retry returns the same credential.
func (s *Service) issueCredential(ctx context.Context, a *Award, actorID string, emit func(Event)) error {
	if a.CredentialID != "" {
		return nil
	}
	ci, err := s.credentialIssuer()
	if err != nil {
		return err
	}
	in, err := s.store.Institution(ctx, a.InstitutionID)
	if err != nil {
		return fmt.Errorf("issue award %s: %w", a.ID, err)
	}
	g, err := s.store.Group(ctx, a.GroupID)
	if err != nil {
		return fmt.Errorf("issue award %s: %w", a.ID, err)
	}
	is, err := s.store.Issuer(ctx, a.IssuerID)
	if err != nil {
		return fmt.Errorf("issue award %s: %w", a.ID, err)
	}
	bc, err := s.store.BadgeClass(ctx, a.BadgeClassID)
	if err != nil {
		return fmt.Errorf("issue award %s: %w", a.ID, err)
	}
	issuedAt := a.Claimed
	if a.Kind == KindRequest {
		issuedAt = a.Decided
	}
	cred, err := ci.Issue(ctx, IssueRequest{
		AwardID: a.ID, Institution: in, Group: g, Issuer: is, BadgeClass: bc, Recipient: a.Recipient,
		Narrative: a.Narrative, EvidenceURL: slices.Clone(a.EvidenceURLs), Grade: a.Grade, IssuedAt: issuedAt,
	})
	if err != nil {
		return fmt.Errorf("issue the credential of award %s: %w", a.ID, err)
	}
	for range 3 {
		next := *a
		next.CredentialID, next.Updated = cred.ID, s.timestamp()
		e := newEvent(EventIssued, &next, next.State, actorID, next.Updated)
		e.CredentialID = cred.ID
		err = s.updateAward(ctx, &next, e, emit)
		if err == nil {
			*a = next
			return nil
		}
		if badged.KindOf(err) != badged.Conflict {
			return fmt.Errorf("record the credential of award %s: %w", a.ID, err)
		}
		// Changed meanwhile: by another issuance, or a revocation.
		cur, rerr := s.store.Award(ctx, a.ID)
		if rerr != nil {
			return fmt.Errorf("record the credential of award %s: %w", a.ID, rerr)
		}
		*a = *cur
		switch {
		case a.CredentialID != "":
			return nil
		case a.State == AwardRevoked:
			// Revoked while being issued: the new credential must not stay valid.
			if err := ci.Revoke(ctx, a.ID, a.RevokeReason); err != nil {
				return fmt.Errorf("revoke the credential of award %s: %w", a.ID, err)
			}
			return nil
		case a.State != AwardAccepted:
			return badged.Errorf(badged.Conflict, "award %s is %s", a.ID, a.State)
		}
	}
	return fmt.Errorf("record the credential of award %s: %w", a.ID, err)
}

// ---- due work

// ProcessDue does what time makes due at now, in this order: it sends the
// scheduled direct awards whose time has come, expires the sent ones
// whose claim deadline has passed, records a reminder for each sent one
// that has reached a days-left mark (once per mark; an award that passed
// several marks at once gets one reminder, for the nearest), and retries
// the issuance of accepted awards without a credential. It returns the
// events of what it did, which it also passes to the [WithEvents]
// callback; running it again at the same now does nothing. An award
// changed meanwhile (claimed while being expired) is skipped: the change
// that won stands. Other errors stop it; what it did until then stands
// and is returned with the error.
func (s *Service) ProcessDue(ctx context.Context, now time.Time) ([]Event, error) {
	now = now.UTC().Truncate(time.Microsecond)
	var events []Event
	record := func(e Event) { events = append(events, e); s.emit(e) }
	stored := func(kind EventKind) change { return change{kind: kind, report: record} }

	// each runs step on batches from list until a batch changes nothing.
	each := func(list func() ([]*Award, error), step func(a *Award) (bool, error)) error {
		for {
			batch, err := list()
			if err != nil {
				return err
			}
			changed := false
			for _, a := range batch {
				ok, err := step(a)
				if err != nil && badged.KindOf(err) != badged.Conflict {
					return err
				}
				changed = changed || ok
			}
			if len(batch) < dueBatch || !changed {
				return nil
			}
		}
	}

	err := each(func() ([]*Award, error) { return s.store.ScheduledDue(ctx, now, dueBatch) },
		func(a *Award) (bool, error) {
			c := stored(EventDirectAwardSent)
			c.edit = func(a *Award) { s.send(a, now) }
			if err := s.transition(ctx, a, TriggerSend, now, c); err != nil {
				return false, err
			}
			return true, nil
		})
	if err != nil {
		return events, fmt.Errorf("send scheduled awards: %w", err)
	}

	err = each(func() ([]*Award, error) { return s.store.ExpiryDue(ctx, now, dueBatch) },
		func(a *Award) (bool, error) {
			if err := s.transition(ctx, a, TriggerExpire, now, stored(EventExpired)); err != nil {
				return false, err
			}
			return true, nil
		})
	if err != nil {
		return events, fmt.Errorf("expire awards: %w", err)
	}

	// Nearest mark first, so that an award past several marks is reminded
	// once, of the nearest, and the farther marks are recorded with it.
	for _, mark := range s.reminders() {
		err = each(func() ([]*Award, error) { return s.store.RemindersDue(ctx, now, mark, dueBatch) },
			func(a *Award) (bool, error) {
				for _, d := range s.reminders() {
					if d >= mark && !slices.Contains(a.Reminders, d) {
						a.Reminders = append(a.Reminders, d)
					}
				}
				a.Updated = now
				e := newEvent(EventReminder, a, a.State, "", now)
				e.DaysLeft = mark
				if err := s.updateAward(ctx, a, e, record); err != nil {
					return false, fmt.Errorf("remind award %s: %w", a.ID, err)
				}
				return true, nil
			})
		if err != nil {
			return events, fmt.Errorf("reminders at %d days left: %w", mark, err)
		}
	}

	if s.award.issuer != nil {
		var failed []error
		err = each(func() ([]*Award, error) { return s.store.Unissued(ctx, dueBatch) },
			func(a *Award) (bool, error) {
				n := len(events)
				if err := s.issueCredential(ctx, a, "", record); err != nil {
					failed = append(failed, err)
					return false, nil
				}
				return len(events) > n, nil
			})
		if err == nil {
			err = errors.Join(failed...)
		}
		if err != nil {
			return events, fmt.Errorf("retry issuance: %w", err)
		}
	}
	return events, nil
}

// ---- reading

// AwardFilter narrows and pages a list of awards.
type AwardFilter struct {
	States []AwardState // empty: every state
	After  AwardCursor  // the Next of the previous page; zero for the first
	Limit  int          // 0: a default of 50; at most 1000
}

// AwardPage is one page of a list of awards, ordered by creation.
type AwardPage struct {
	Awards []*Award
	// Next is the cursor of the next page; zero on the last page.
	Next AwardCursor
}

func (s *Service) page(ctx context.Context, q AwardQuery, f AwardFilter) (*AwardPage, error) {
	for _, st := range f.States {
		if !st.Valid() {
			return nil, badged.Errorf(badged.Invalid, "unknown award state %q", st)
		}
	}
	limit := cmp.Or(f.Limit, defaultPage)
	if limit < 0 || limit > maxPage {
		return nil, badged.Errorf(badged.Invalid, "a page holds 1 to %d awards", maxPage)
	}
	q.States, q.After, q.Limit = f.States, f.After, limit+1
	awards, err := s.store.Awards(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list awards: %w", err)
	}
	p := &AwardPage{Awards: awards}
	if len(awards) > limit {
		p.Awards = awards[:limit]
		p.Next = awards[limit-1].Cursor()
	}
	return p, nil
}

// Award returns an award of a badge class the actor may read. Errors:
// NotFound; Forbidden.
func (s *Service) Award(ctx context.Context, actor Actor, id string) (*Award, error) {
	a, err := s.store.Award(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, actor, ActionRead, a.Path()); err != nil {
		return nil, err
	}
	return a, nil
}

// OfferableAward returns the award id for staff to offer to the
// learner's wallet (OpenID4VCI): the actor must be allowed to award it,
// and its credential must be issued and not revoked. Errors: NotFound,
// Forbidden, Conflict for an award without a live credential.
func (s *Service) OfferableAward(ctx context.Context, actor Actor, id string) (*Award, error) {
	a, err := s.staffAward(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if a.State != AwardAccepted || a.CredentialID == "" {
		return nil, badged.Errorf(badged.Conflict, "the award is %s: only an issued credential can be offered to a wallet", a.State)
	}
	return a, nil
}

// BadgeClassAwards lists the awards of a badge class the actor may read.
// Errors: NotFound for an unknown badge class; Forbidden; Invalid for a
// bad filter.
func (s *Service) BadgeClassAwards(ctx context.Context, actor Actor, badgeClassID string, f AwardFilter) (*AwardPage, error) {
	p, err := s.path(ctx, LevelBadgeClass, badgeClassID)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, actor, ActionRead, p); err != nil {
		return nil, err
	}
	return s.page(ctx, AwardQuery{BadgeClassID: badgeClassID}, f)
}

// BundleAwards lists the awards of a bundle of direct awards whose badge
// class the actor may read. Errors: NotFound for an unknown bundle;
// Forbidden; Invalid for a bad filter.
func (s *Service) BundleAwards(ctx context.Context, actor Actor, bundleID string, f AwardFilter) (*AwardPage, error) {
	if bundleID == "" {
		return nil, badged.Errorf(badged.NotFound, "bundle not found")
	}
	first, err := s.store.Awards(ctx, AwardQuery{BundleID: bundleID, Limit: 1})
	if err != nil {
		return nil, fmt.Errorf("list awards: %w", err)
	}
	if len(first) == 0 {
		return nil, badged.Errorf(badged.NotFound, "bundle %s not found", bundleID)
	}
	if err := s.authorize(ctx, actor, ActionRead, first[0].Path()); err != nil {
		return nil, err
	}
	return s.page(ctx, AwardQuery{BundleID: bundleID}, f)
}

// LearnerAward returns an award of the learner. Errors: Unauthorized;
// NotFound; Forbidden when it is someone else's.
func (s *Service) LearnerAward(ctx context.Context, l Learner, id string) (*Award, error) {
	return s.learnerAward(ctx, l, id)
}

// LearnerAwards lists the learner's awards: those whose recipient has any
// of the learner's identifiers. Errors: Unauthorized; Invalid for a bad
// filter.
func (s *Service) LearnerAwards(ctx context.Context, l Learner, f AwardFilter) (*AwardPage, error) {
	if l.UserID == "" {
		return nil, badged.Errorf(badged.Unauthorized, "sign in first")
	}
	l = l.normal()
	return s.page(ctx, AwardQuery{Learner: &l}, f)
}
