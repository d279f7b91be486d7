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

// The direct flow: staff award a badge to learners (one, or a CSV file
// through package bulk), now or at a scheduled time; the learner claims
// it in the backpack (accepting the institution's terms) or rejects it;
// staff may withdraw it before the claim.

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
// (an expiry that won the race); the issuer's error. The claim and its
// credential are stored together, or neither: after an error the learner
// may claim again. Without a credential issuer
// it fails with Unavailable.
func (s *Service) ClaimAward(ctx context.Context, l Learner, id, termsVersion string) (*Award, error) {
	if _, err := s.credentialIssuer(); err != nil {
		return nil, err
	}
	a, err := s.learnerAward(ctx, l, id)
	if err != nil {
		return nil, err
	}
	// The lineage, which the credential states, as remembered from an
	// earlier claim or read; a claim refused because a record of it has
	// changed since is made again from a fresh read.
	for fresh := false; ; fresh = true {
		lineage, err := s.lineage(ctx, a.Path(), fresh)
		if err != nil {
			return nil, fmt.Errorf("claim award %s: %w", a.ID, err)
		}
		err = s.claim(ctx, l, a, termsVersion, &lineage)
		if errors.Is(err, ErrStale) && !fresh {
			continue
		}
		if err != nil {
			return nil, err
		}
		return a, nil
	}
}

// claim is ClaimAward of a, which lineage states.
func (s *Service) claim(ctx context.Context, l Learner, a *Award, termsVersion string, lineage *Lineage) error {
	in := lineage.Institution
	termsVersion = strings.TrimSpace(termsVersion)
	switch {
	case in.Terms.Version == "":
		// The institution has no terms of its own: any version is accepted.
	case termsVersion == "":
		return badged.Errorf(badged.Invalid, "accept the terms first")
	case termsVersion != in.Terms.Version:
		return badged.Errorf(badged.Conflict, "the terms changed; read and accept the current version")
	}
	now := s.timestamp()
	if a.State == AwardSent && !now.Before(a.ClaimDeadline) {
		return badged.Errorf(badged.Conflict, "the award expired on %s", a.ClaimDeadline.Format(time.DateOnly))
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
	to, ok := a.State.Next(TriggerClaim)
	if !ok {
		return badged.Errorf(badged.Conflict, "cannot %s an award that is %s", TriggerClaim, a.State)
	}
	next := *a
	next.State, next.Updated = to, now
	claim(&next)
	accepted := newEvent(EventAccepted, &next, a.State, l.UserID, now)
	if err := s.acceptWithCredential(ctx, a, &next, lineage, accepted, l.UserID); err != nil {
		return fmt.Errorf("%s award %s: %w", TriggerClaim, a.ID, err)
	}
	return nil
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
