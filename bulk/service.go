package bulk

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
)

// Issuer is what bulk awards need of the issuer service.
type Issuer interface {
	DirectAwardTarget(ctx context.Context, actor issuer.Actor, badgeClassID string) (*issuer.BadgeClass, *issuer.Institution, error)
	BadgeClass(ctx context.Context, actor issuer.Actor, id string) (*issuer.BadgeClass, error)
	DirectAwardBundle(ctx context.Context, actor issuer.Actor, badgeClassID, bundleID string, rows []issuer.DirectAwardInput, scheduledAt time.Time) ([]*issuer.Award, error)
}

var _ Issuer = (*issuer.Service)(nil)

// Service submits and reads bulk direct award jobs.
type Service struct {
	store  Store
	issuer Issuer
	now    func() time.Time
	newID  func() string
	wake   func()
	log    *slog.Logger
	change func(issuer.Change)
	rows   func(done int, state State)
}

// Option sets an optional setting of a [Service] or [Worker].
type Option func(*settings)

type settings struct {
	now    func() time.Time
	newID  func() string
	wake   func()
	lease  time.Duration
	batch  int
	poll   time.Duration
	owner  string
	log    *slog.Logger
	change func(issuer.Change)
	rows   func(done int, state State)
}

// WithProgress makes the worker report each batch of rows it awarded
// (done, the batch's size) and a job's end (done 0, the state it ended
// in: Done or Failed), for the metrics.
func WithProgress(fn func(done int, state State)) Option { return func(s *settings) { s.rows = fn } }

// WithClock makes the service or worker read the time from now.
func WithClock(now func() time.Time) Option { return func(s *settings) { s.now = now } }

// WithIDs makes the service take job IDs from newID.
func WithIDs(newID func() string) Option { return func(s *settings) { s.newID = newID } }

// WithWake makes the service call wake after queueing a job, such as a
// [Worker.Wake], so that it starts at once.
func WithWake(wake func()) Option { return func(s *settings) { s.wake = wake } }

// WithLease sets how long a worker holds a job between progress updates
// before another may take it over (default 30 seconds).
func WithLease(d time.Duration) Option { return func(s *settings) { s.lease = d } }

// WithBatch sets how many rows a worker awards per transaction (default
// 250).
func WithBatch(n int) Option { return func(s *settings) { s.batch = n } }

// WithPoll sets how often an idle worker looks for jobs (default 2
// seconds); [Worker.Wake] makes it look at once.
func WithPoll(d time.Duration) Option { return func(s *settings) { s.poll = d } }

// WithChanges makes the service report each accepted submission to fn,
// as a change of action [ChangeSubmit] (for the audit trail), after it is
// stored.
func WithChanges(fn func(issuer.Change)) Option { return func(s *settings) { s.change = fn } }

// ChangeSubmit is the action of an accepted submission's change.
const ChangeSubmit = "bulk.submit"

// Submission is what a submission's change says of it.
type Submission struct {
	BadgeClass  string
	Rows        int
	ScheduledAt time.Time `json:",omitzero"`
}

// WithLogger makes the worker log to log.
func WithLogger(log *slog.Logger) Option { return func(s *settings) { s.log = log } }

func apply(opts []Option) settings {
	s := settings{now: time.Now, newID: randomID, lease: 30 * time.Second, batch: 250, poll: 2 * time.Second,
		owner: randomID(), log: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		o(&s)
	}
	return s
}

func randomID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// NewService returns a Service keeping jobs in store and awarding through
// is.
func NewService(store Store, is Issuer, opts ...Option) *Service {
	st := apply(opts)
	return &Service{store: store, issuer: is, now: st.now, newID: st.newID, wake: st.wake, log: st.log, change: st.change}
}

func (s *Service) timestamp() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// RejectedError is the error of a rejected file: its job, whose Report
// lists every problem.
type RejectedError struct {
	Job *Job
}

func (e *RejectedError) Error() string {
	return fmt.Sprintf("the file was rejected with %d problems; nothing was awarded", len(e.Job.Report))
}

// Unwrap makes a rejection an Invalid *badged.Error.
func (e *RejectedError) Unwrap() error { return badged.Errorf(badged.Invalid, "%s", e.Error()) }

// Submit reads the CSV file r for a bulk direct award of the badge class
// badgeClassID by actor, to be sent at scheduledAt (zero: at once). A clean
// file is stored with its rows as a queued job in one transaction, which
// Submit returns. A file with problems is stored as a rejected job without
// rows and Submit fails with a *[RejectedError] (an Invalid error) holding
// it: nothing is awarded. Other errors: NotFound for an unknown badge
// class; Forbidden without the award permission; Conflict when the class
// is not published; TooLarge for a file over [MaxFileBytes] or with more
// than [issuer.MaxDirectAwards] rows, refused without reading the rest.
func (s *Service) Submit(ctx context.Context, actor issuer.Actor, badgeClassID string, r io.Reader, scheduledAt time.Time) (*Job, error) {
	bc, in, err := s.issuer.DirectAwardTarget(ctx, actor, badgeClassID)
	if err != nil {
		return nil, err
	}
	rows, report, err := Parse(r, RulesFor(bc, in))
	if err != nil {
		return nil, err
	}
	now := s.timestamp()
	j := &Job{
		ID: s.newID(), InstitutionID: bc.InstitutionID, BadgeClassID: bc.ID, CreatedBy: actor.UserID,
		Superuser: actor.Superuser, State: Queued, Total: len(rows), Report: report,
		ScheduledAt: scheduledAt.UTC().Truncate(time.Microsecond), Created: now, Updated: now,
	}
	if len(report) > 0 {
		j.State, rows = Rejected, nil
	}
	if err := s.store.CreateJob(ctx, j, rows); err != nil {
		return nil, fmt.Errorf("store bulk award: %w", err)
	}
	if j.State == Rejected {
		return nil, &RejectedError{Job: j}
	}
	if s.change != nil {
		s.change(issuer.Change{Action: ChangeSubmit, InstitutionID: j.InstitutionID, TargetKind: "bulkjob", TargetID: j.ID,
			ActorID: cmp.Or(actor.UserID, "system"), After: &Submission{BadgeClass: j.BadgeClassID, Rows: j.Total, ScheduledAt: j.ScheduledAt},
			At: j.Created})
	}
	if s.wake != nil {
		s.wake()
	}
	return j, nil
}

// Job returns the job id when the actor may read its badge class. Errors:
// NotFound; Forbidden.
func (s *Service) Job(ctx context.Context, actor issuer.Actor, id string) (*Job, error) {
	j, err := s.store.Job(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.issuer.BadgeClass(ctx, actor, j.BadgeClassID); err != nil {
		return nil, err
	}
	return j, nil
}

// Jobs lists the jobs of a badge class the actor may read, newest first.
// Errors: NotFound for an unknown badge class; Forbidden.
func (s *Service) Jobs(ctx context.Context, actor issuer.Actor, badgeClassID string) ([]*Job, error) {
	if _, err := s.issuer.BadgeClass(ctx, actor, badgeClassID); err != nil {
		return nil, err
	}
	return s.store.Jobs(ctx, badgeClassID)
}
