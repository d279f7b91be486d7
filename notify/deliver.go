package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
	"unicode/utf8"

	"github.com/badged/badged"
)

// ErrRejected is wrapped by the errors of a [Sender] that will fail again
// however often the mail is retried, such as a recipient the server
// refuses. The [Deliverer] gives up on such a mail at once.
var ErrRejected = errors.New("rejected for good")

// Sender sends one mail. [SMTP] is the implementation; its errors wrap
// [ErrRejected] when retrying is pointless.
type Sender interface {
	Send(ctx context.Context, m *Mail) error
}

// Defaults of a [Deliverer].
const (
	DefaultMaxAttempts = 8
	DefaultLease       = 10 * time.Minute
	defaultBatch       = 100
)

// Deliverer sends the mails of a [Store] that are due.
//
// Delivery is at least once: a deliverer claims a mail (raising its
// attempt count and pushing its NextAttempt a lease ahead) before sending
// it, so that deliverers on several nodes do not send it together; if the
// process dies between the server's acceptance and the mail being marked
// sent, the mail is sent again when the lease expires.
type Deliverer struct {
	report      func(Report) // see WithReports
	store       Store
	sender      Sender
	maxAttempts int
	backoff     func(attempt int) time.Duration
	lease       time.Duration
	logger      *slog.Logger
}

// DelivererOption sets an optional setting of a [Deliverer].
type DelivererOption func(*Deliverer)

// WithMaxAttempts sets how many attempts a mail gets before it is marked
// Failed; the default is [DefaultMaxAttempts].
func WithMaxAttempts(n int) DelivererOption { return func(d *Deliverer) { d.maxAttempts = max(n, 1) } }

// WithBackoff sets the wait after failed attempt n (1, 2, …); the default
// is a minute, doubling with each attempt, at most six hours.
func WithBackoff(f func(attempt int) time.Duration) DelivererOption {
	return func(d *Deliverer) { d.backoff = f }
}

// WithLease sets how long a claimed mail is kept from other deliverers;
// it must exceed the sender's timeout. The default is [DefaultLease].
func WithLease(l time.Duration) DelivererOption { return func(d *Deliverer) { d.lease = l } }

// WithReports passes the report of every delivery round to fn (for the
// metrics).
func WithReports(fn func(Report)) DelivererOption { return func(d *Deliverer) { d.report = fn } }

// WithLogger sets where [Deliverer.Run] logs failed rounds; the default is
// slog.Default().
func WithLogger(l *slog.Logger) DelivererOption { return func(d *Deliverer) { d.logger = l } }

// NewDeliverer returns a deliverer of store's mails through sender.
func NewDeliverer(store Store, sender Sender, opts ...DelivererOption) *Deliverer {
	d := &Deliverer{store: store, sender: sender, maxAttempts: DefaultMaxAttempts, backoff: backoff,
		lease: DefaultLease, logger: slog.Default()}
	for _, opt := range opts {
		opt(d)
	}
	return d
}

func backoff(attempt int) time.Duration {
	d := time.Minute << min(max(attempt-1, 0), 10)
	return min(d, 6*time.Hour)
}

// Report counts what one round of [Deliverer.DeliverDue] did.
type Report struct {
	Sent     int // accepted by the server
	Retrying int // failed, due again later
	Failed   int // failed for good
}

// DeliverDue sends the mails due at now, up to a batch of 100, and
// records each outcome. A mail another deliverer claimed meanwhile is
// skipped. It stops early when ctx ends, and fails only when the store
// does (wrapping its error); failures to send are recorded on the mails.
func (d *Deliverer) DeliverDue(ctx context.Context, now time.Time) (r Report, err error) {
	if d.report != nil {
		defer func() { d.report(r) }()
	}
	now = now.UTC().Truncate(time.Microsecond)
	due, err := d.store.DueMails(ctx, now, defaultBatch)
	if err != nil {
		return r, fmt.Errorf("deliver: list due mails: %w", err)
	}
	for _, m := range due {
		if err := ctx.Err(); err != nil {
			return r, err
		}
		m.Attempts++
		m.NextAttempt = now.Add(d.lease)
		if err := d.store.UpdateMail(ctx, m); err != nil {
			if badged.KindOf(err) == badged.Conflict {
				continue // claimed by another deliverer
			}
			return r, fmt.Errorf("deliver: claim mail %s: %w", m.ID, err)
		}
		sendErr := d.sender.Send(ctx, m)
		switch {
		case sendErr == nil:
			m.Status, m.Sent = Sent, now
			r.Sent++
		case errors.Is(sendErr, ErrRejected) || m.Attempts >= d.maxAttempts:
			m.Status, m.LastError = Failed, truncate(sendErr.Error(), 1000)
			r.Failed++
		default:
			m.NextAttempt, m.LastError = now.Add(d.backoff(m.Attempts)), truncate(sendErr.Error(), 1000)
			r.Retrying++
		}
		if err := d.store.UpdateMail(context.WithoutCancel(ctx), m); err != nil {
			return r, fmt.Errorf("deliver: record outcome of mail %s: %w", m.ID, err)
		}
	}
	return r, nil
}

// Run calls DeliverDue every interval, with the time now returns, until ctx
// ends; then it returns nil. It logs rounds that fail.
func (d *Deliverer) Run(ctx context.Context, interval time.Duration, now func() time.Time) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		r, err := d.DeliverDue(ctx, now())
		if err != nil && ctx.Err() == nil {
			d.logger.Error("notify: delivery round failed", "err", err)
		} else if r.Failed > 0 {
			d.logger.Warn("notify: mails failed for good", "failed", r.Failed, "sent", r.Sent)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
