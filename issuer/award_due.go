package issuer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/badged/badged"
)

// The work that time makes due: scheduled awards sent, unclaimed ones
// expired, reminders, issuance retried.

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
				if err := s.updateAward(ctx, a, record, e); err != nil {
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
