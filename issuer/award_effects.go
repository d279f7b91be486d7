package issuer

import (
	"context"
	"fmt"

	"github.com/badged/badged/audit"
	"github.com/badged/badged/notify"
)

// Effects are what award changes cause besides themselves: the audit
// entries that record them and the emails that tell the learner. The
// [AwardStore] writes them in the same transaction as the changes (a
// transactional outbox), so a crash loses none of them and no change
// stands without them. Their IDs are derived from the events, so a
// retried change writes nothing twice: the store skips an entry or mail
// whose ID exists.
type Effects struct {
	Audit []*audit.Entry
	Mails []*notify.Mail
}

// EffectsFunc derives the [Effects] of events, before the change they
// report is stored. It may read but must not write the change's records;
// an error fails the change, which is then not stored.
type EffectsFunc func(ctx context.Context, events []Event) (Effects, error)

// WithEffects makes the service write the effects fn derives with every
// award change, in the same store transaction. Without it changes are
// stored with no audit entries and no mails.
func WithEffects(fn EffectsFunc) Option { return func(s *Service) { s.award.effects = fn } }

// effectsOf derives the effects of events, none without an [EffectsFunc].
func (s *Service) effectsOf(ctx context.Context, events []Event) (Effects, error) {
	if s.award.effects == nil || len(events) == 0 {
		return Effects{}, nil
	}
	fx, err := s.award.effects(ctx, events)
	if err != nil {
		return Effects{}, fmt.Errorf("effects of award %s %s: %w", events[0].AwardID, events[0].Kind, err)
	}
	return fx, nil
}

// createAwards stores new awards with the effects of their events, then
// reports the events.
func (s *Service) createAwards(ctx context.Context, awards []*Award, events []Event) error {
	fx, err := s.effectsOf(ctx, events)
	if err != nil {
		return err
	}
	if err := s.store.CreateAwards(ctx, awards, fx); err != nil {
		return err
	}
	for _, e := range events {
		s.emit(e)
	}
	return nil
}

// updateAward stores the changed award a with the effects of its events,
// then reports them to report.
func (s *Service) updateAward(ctx context.Context, a *Award, report func(Event), events ...Event) error {
	fx, err := s.effectsOf(ctx, events)
	if err != nil {
		return err
	}
	if err := s.store.UpdateAward(ctx, a, fx); err != nil {
		return err
	}
	for _, e := range events {
		report(e)
	}
	return nil
}
