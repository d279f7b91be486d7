package bulk

import (
	"context"
	"fmt"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
)

// Worker awards the rows of queued jobs. Several workers, in one process
// or many sharing a PostgreSQL database, may run at once: a job is worked
// on by the one holding its lease.
type Worker struct {
	store  Store
	issuer Issuer
	st     settings
	wake   chan struct{}
}

// NewWorker returns a worker taking jobs from store and awarding through
// is. Options: [WithClock], [WithLease], [WithBatch], [WithPoll],
// [WithLogger].
func NewWorker(store Store, is Issuer, opts ...Option) *Worker {
	return &Worker{store: store, issuer: is, st: apply(opts), wake: make(chan struct{}, 1)}
}

// Wake makes an idle worker look for jobs at once.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run works on jobs until ctx is done, then returns nil. On a store that
// is a [LeaseResetter] it first ends the leases of a previous process, so
// the jobs it was running resume now. Errors of a job are logged and the
// job is retried once its lease ends.
func (w *Worker) Run(ctx context.Context) error {
	if lr, ok := w.store.(LeaseResetter); ok {
		if err := lr.ResetLeases(ctx); err != nil {
			return fmt.Errorf("bulk worker: %w", err)
		}
	}
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-w.wake:
		}
		for {
			worked, err := w.RunOnce(ctx)
			if err != nil && ctx.Err() == nil {
				w.st.log.Error("bulk award job", "err", err)
			}
			if !worked || err != nil || ctx.Err() != nil {
				break
			}
		}
		t.Reset(w.st.poll)
	}
}

// RunOnce claims one waiting job and works on it until it is done or
// failed. It reports whether it found a job. It returns an error when the
// store or issuer failed in a way worth retrying; the job stays running
// and is taken up again when its lease ends. A job that cannot go on (the
// badge class was archived, the submitter lost the award permission) is
// marked failed, with the reason in its Report, and is no error.
func (w *Worker) RunOnce(ctx context.Context) (bool, error) {
	j, err := w.store.ClaimJob(ctx, w.st.owner, w.timestamp(), w.st.lease)
	if err != nil {
		return false, fmt.Errorf("claim a job: %w", err)
	}
	if j == nil {
		return false, nil
	}
	return true, w.process(ctx, j)
}

func (w *Worker) timestamp() time.Time { return w.st.now().UTC().Truncate(time.Microsecond) }

func (w *Worker) process(ctx context.Context, j *Job) error {
	actor := issuer.Actor{UserID: j.CreatedBy, Superuser: j.Superuser}
	start := time.Now()
	for j.Done < j.Total {
		rows, err := w.store.JobRows(ctx, j.ID, j.Done, w.st.batch)
		if err != nil {
			return fmt.Errorf("job %s: rows after %d: %w", j.ID, j.Done, err)
		}
		if len(rows) == 0 {
			return w.fail(ctx, j, Problem{Message: fmt.Sprintf("the job has %d rows stored, not %d", j.Done, j.Total)})
		}
		in := make([]issuer.DirectAwardInput, len(rows))
		for i, r := range rows {
			in[i] = issuer.DirectAwardInput{
				ID: AwardID(j.ID, r.N), Recipient: issuer.Recipient{Email: r.Email, EPPN: r.EPPN},
				Narrative: r.Narrative, EvidenceURL: r.Evidence, Grade: r.Grade,
			}
		}
		if _, err := w.issuer.DirectAwardBundle(ctx, actor, j.BadgeClassID, j.ID, in, j.ScheduledAt); err != nil {
			switch badged.KindOf(err) {
			case badged.Internal, badged.Unavailable:
				return fmt.Errorf("job %s: rows %d to %d: %w", j.ID, rows[0].N, rows[len(rows)-1].N, err)
			}
			return w.fail(ctx, j, Problem{Row: rows[0].N, Message: "awarding stopped here: " + badged.MessageOf(err)})
		}
		// The awards are stored: only now does Done count them.
		now := w.timestamp()
		j.Done += len(rows)
		j.Updated, j.LeaseUntil = now, now.Add(w.st.lease)
		if j.Done >= j.Total {
			j.State = Done
		}
		if err := w.store.UpdateJob(ctx, j, w.st.owner); err != nil {
			return fmt.Errorf("job %s: progress: %w", j.ID, err)
		}
		w.progress(len(rows), "")
	}
	w.progress(0, Done)
	w.st.log.Info("bulk award job done", "job", j.ID, "rows", j.Total, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// progress reports to the WithProgress callback, if any.
func (w *Worker) progress(done int, state State) {
	if w.st.rows != nil {
		w.st.rows(done, state)
	}
}

func (w *Worker) fail(ctx context.Context, j *Job, p Problem) error {
	now := w.timestamp()
	j.State, j.Report, j.Updated, j.LeaseUntil = Failed, append(j.Report, p), now, time.Time{}
	if err := w.store.UpdateJob(ctx, j, w.st.owner); err != nil {
		return fmt.Errorf("job %s: mark failed: %w", j.ID, err)
	}
	w.st.log.Warn("bulk award job failed", "job", j.ID, "row", p.Row, "reason", p.Message)
	w.progress(0, Failed)
	return nil
}
