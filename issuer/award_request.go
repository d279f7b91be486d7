package issuer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/badged/badged"
)

// The request flow: a learner asks for a badge in the catalogue, and
// staff approve (the credential is issued) or deny with a reason.

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
