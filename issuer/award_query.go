package issuer

import (
	"cmp"
	"context"
	"fmt"

	"github.com/badged/badged"
)

// Reading awards: one, a badge class's, a bundle's, a learner's, a page
// at a time.

// AwardFilter narrows and pages a list of awards.
type AwardFilter struct {
	States []AwardState  // empty: every state
	After  badged.Cursor // the Next of the previous page; zero for the first
	Limit  int           // 0: a default of 50; at most 1000
}

// AwardPage is one page of a list of awards, ordered by creation.
type AwardPage struct {
	Awards []*Award
	// Next is the cursor of the next page; zero on the last page.
	Next badged.Cursor
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
