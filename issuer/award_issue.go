package issuer

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/badged/badged"
)

// Revocation, and the issuance of an accepted award's credential.

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
	req, err := s.issueRequest(ctx, a, nil)
	if err != nil {
		return err
	}
	cred, err := ci.Issue(ctx, req)
	if err != nil {
		return fmt.Errorf("issue the credential of award %s: %w", a.ID, err)
	}
	for range 3 {
		next := *a
		next.CredentialID, next.Updated = cred.ID, s.timestamp()
		e := newEvent(EventIssued, &next, next.State, actorID, next.Updated)
		e.CredentialID = cred.ID
		err = s.updateAward(ctx, &next, emit, e)
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

// issueRequest is what the credential of the accepted award a states;
// lineage is a's, when the caller has read it already, or nil.
func (s *Service) issueRequest(ctx context.Context, a *Award, lineage *Lineage) (IssueRequest, error) {
	if lineage == nil {
		l, err := s.store.Lineage(ctx, a.Path())
		if err != nil {
			return IssueRequest{}, fmt.Errorf("issue award %s: %w", a.ID, err)
		}
		lineage = &l
	}
	in, g, is, bc := lineage.Institution, lineage.Group, lineage.Issuer, lineage.BadgeClass
	issuedAt := a.Claimed
	if a.Kind == KindRequest {
		issuedAt = a.Decided
	}
	return IssueRequest{
		AwardID: a.ID, Institution: in, Group: g, Issuer: is, BadgeClass: bc, Recipient: a.Recipient,
		Narrative: a.Narrative, EvidenceURL: slices.Clone(a.EvidenceURLs), Grade: a.Grade, IssuedAt: issuedAt,
		Unchanged: lineage.Stamps(),
	}, nil
}

// acceptWithCredential stores next, the award a as accepting it leaves it
// (the event accepted), together with its credential: the credential
// issuer stores both in one transaction ([IssueRequest.Record]), so that
// the award is accepted with its credential or not at all, and a claim
// costs one write. When the issuer did not record the change (the award
// had a credential already), the change is stored on its own, with the
// credential's ID, and fails with Conflict if the award changed meanwhile.
// lineage is the award's, as the caller read it.
func (s *Service) acceptWithCredential(ctx context.Context, a, next *Award, lineage *Lineage, accepted Event, actorID string) error {
	ci, err := s.credentialIssuer()
	if err != nil {
		return err
	}
	req, err := s.issueRequest(ctx, next, lineage)
	if err != nil {
		return err
	}
	// withCredential is next with the credential id, and its events.
	withCredential := func(id string) (*Award, []Event) {
		n := *next
		n.CredentialID = id
		issued := newEvent(EventIssued, &n, n.State, actorID, n.Updated)
		issued.CredentialID = id
		return &n, []Event{accepted, issued}
	}
	var (
		recorded *Award
		events   []Event
	)
	req.Record = func(id string) (AwardChange, error) {
		n, evs := withCredential(id)
		fx, err := s.effectsOf(ctx, evs)
		if err != nil {
			return AwardChange{}, err
		}
		recorded, events = n, evs
		return AwardChange{Award: n, Effects: fx}, nil
	}
	cred, err := ci.Issue(ctx, req)
	if err != nil {
		return fmt.Errorf("issue the credential of award %s: %w", a.ID, err)
	}
	if !cred.Recorded {
		n, evs := withCredential(cred.ID)
		if err := s.updateAward(ctx, n, s.emit, evs...); err != nil {
			return fmt.Errorf("accept award %s: %w", a.ID, err)
		}
		*a = *n
		return nil
	}
	*a = *recorded
	for _, e := range events {
		s.emit(e)
	}
	return nil
}
