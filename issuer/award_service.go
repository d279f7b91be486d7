package issuer

import (
	"context"
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
	if err := s.updateAward(ctx, a, report, e); err != nil {
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
