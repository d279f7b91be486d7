package effects

import (
	"cmp"
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/badged/badged/audit"
	"github.com/badged/badged/cache"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/notify"
	"github.com/badged/badged/wallet"
)

// Hierarchy reads the records whose names the mails show; issuer.Store
// implements it.
type Hierarchy interface {
	Institution(ctx context.Context, id string) (*issuer.Institution, error)
	Group(ctx context.Context, id string) (*issuer.Group, error)
	Issuer(ctx context.Context, id string) (*issuer.Issuer, error)
	BadgeClass(ctx context.Context, id string) (*issuer.BadgeClass, error)
}

// Actors names the actor of an award event's audit entry;
// wallet.Service implements it, with a learner's pseudonym for their own
// actions.
type Actors interface {
	AuditActor(ctx context.Context, e issuer.Event) string
}

// Recorder maps changes to their audit entries and mails: award events
// through [Recorder.Awards], other changes through [Recorder.Change].
type Recorder struct {
	trail     *audit.Log
	outbox    *notify.Outbox
	hierarchy Hierarchy
	baseURL   string
	names     func(ctx context.Context, userID string) string
	log       *slog.Logger
	actors    atomic.Pointer[Actors]
	// badges remembers the names [Recorder.Awards] puts in mails, by
	// badge class, for namesTTL: a cohort's claims read them once.
	badges *cache.LRU[string, named]
}

// namesTTL is how long a badge's names, as its mails show them, are
// remembered: a renamed badge shows its new name in mails written this
// long after.
const namesTTL = 10 * time.Second

// Option sets an optional setting of a [Recorder].
type Option func(*Recorder)

// WithNames gives the names of users, for the inviter's name in a staff
// invitation; without it the mail names no inviter.
func WithNames(fn func(ctx context.Context, userID string) string) Option {
	return func(r *Recorder) { r.names = fn }
}

// WithLogger sets where [Recorder.Change] logs a change it could not
// record; the default is slog.Default().
func WithLogger(log *slog.Logger) Option { return func(r *Recorder) { r.log = log } }

// New returns a recorder that prepares entries with trail, renders mails
// with outbox, reads names from h, and links mails to pages under
// baseURL (scheme and host, no trailing slash).
func New(trail *audit.Log, outbox *notify.Outbox, h Hierarchy, baseURL string, opts ...Option) *Recorder {
	r := &Recorder{trail: trail, outbox: outbox, hierarchy: h, baseURL: baseURL,
		badges: cache.New[string, named](1024).Named("mail_names")}
	for _, opt := range opts {
		opt(r)
	}
	return r
}

// SetActors sets what names the actors of award events, once it exists:
// the wallet is built after the issuer service that uses r. Until then
// (and with a nil a) a learner's own action is recorded as "learner",
// without a pseudonym.
func (r *Recorder) SetActors(a Actors) { r.actors.Store(&a) }

// actor names the actor of e's audit entry.
func (r *Recorder) actor(ctx context.Context, e issuer.Event) string {
	if p := r.actors.Load(); p != nil && *p != nil {
		return (*p).AuditActor(ctx, e)
	}
	switch {
	case e.ActorID == "":
		return "system"
	case wallet.LearnerAction(e):
		return "learner"
	}
	return e.ActorID
}

func (r *Recorder) logger() *slog.Logger { return cmp.Or(r.log, slog.Default()) }
