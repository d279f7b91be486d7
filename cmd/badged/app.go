package main

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"github.com/badged/badged/lti"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"golang.org/x/crypto/acme/autocert"

	domain "github.com/badged/badged"
	"github.com/badged/badged/audit"
	"github.com/badged/badged/auth"
	"github.com/badged/badged/bulk"
	"github.com/badged/badged/did"
	"github.com/badged/badged/effects"
	"github.com/badged/badged/egress"
	"github.com/badged/badged/endorsement"
	"github.com/badged/badged/insights"
	"github.com/badged/badged/issuance"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/keys"
	"github.com/badged/badged/metrics"
	"github.com/badged/badged/notify"
	"github.com/badged/badged/obapi"
	"github.com/badged/badged/openid4vci"
	"github.com/badged/badged/openid4vp"
	"github.com/badged/badged/verifier"
	"github.com/badged/badged/wallet"
	"github.com/badged/badged/web"
)

// outboxGaugeBound bounds the due mails a scrape counts.
const outboxGaugeBound = 10000

// deps are what the application takes from its surroundings rather than
// from the configuration: serve gives the real ones, the end-to-end tests
// their own. Every field is optional.
type deps struct {
	// Now is the clock of every service and loop (default time.Now).
	Now func() time.Time
	// HTTP fetches foreign DID documents, status lists and imports
	// (default egress.NewClient(cfg.Egress): the egress guard).
	HTTP *http.Client
	// Sender delivers mail from the outbox (default: SMTP of cfg.SMTP when
	// a host is set; without either, mail stays in the outbox).
	Sender notify.Sender
	// Log is where the application logs (default: discarded).
	Log *slog.Logger
}

// app is badged serve's application, built once by [newApp] for serve and
// the end-to-end tests alike. It holds what [app.Run] needs and what the
// tests inspect; the services themselves hold everything else.
type app struct {
	cfg   Config
	log   *slog.Logger
	now   func() time.Time
	close func() // closes the store
	// demo is demo mode: the built-in OpenID provider under /devidp and
	// the seeded demo institution.
	demo bool

	issuer    *issuer.Service
	issuance  *issuance.Service
	vci       *openid4vci.Service // OpenID4VCI offers (badged offer, the tests)
	vp        *openid4vp.Service  // the OpenID4VP verifier (the tests)
	lti       *lti.Service        // the LTI 1.3 tool (the tests register platforms)
	auth      *auth.Service
	deliverer *notify.Deliverer // nil without a Sender
	worker    *bulk.Worker
	handler   *web.Server
	metrics   *metrics.Metrics
	// tls is how Run speaks https (nil: plain http); acme, when set, gets
	// its certificates (see serverTLS).
	tls  *tls.Config
	acme *autocert.Manager
}

// newApp opens the store of cfg and builds every service on it, and the
// handler, with cfg.BaseURL (which must be set) as the public URL. It
// starts nothing: see [app.Run]. The caller closes the app when newApp
// succeeds. Its errors say what to set when the configuration is not
// one badged may start with (see [Config.mode]).
func newApp(ctx context.Context, cfg Config, d deps) (_ *app, err error) {
	if cfg.BaseURL == "" {
		return nil, errors.New("no base URL (BADGED_BASE_URL)")
	}
	demo, err := cfg.mode()
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, log: d.Log, now: d.Now, demo: demo}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.now == nil {
		a.now = time.Now
	}
	client := d.HTTP
	if client == nil {
		client = egress.NewClient(cfg.Egress)
	}
	sender := d.Sender
	if sender == nil && cfg.SMTP.Enabled() {
		smtp, err := notify.NewSMTP(cfg.SMTP)
		if err != nil {
			return nil, fmt.Errorf("BADGED_SMTP_*: %w", err)
		}
		smtp.Now = a.now // the Date header
		sender = smtp
	}
	if a.tls, a.acme, err = serverTLS(cfg); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	mk, keyFrom, err := masterKey(cfg, a.log)
	if err != nil {
		return nil, err
	}
	sealer, err := keys.NewSealer(mk)
	if err != nil {
		return nil, err
	}
	a.metrics = metrics.New()
	var st store
	if st, a.close, err = openStore(ctx, cfg, a.metrics); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			a.close()
		}
	}()
	if err := checkMasterKey(ctx, st, sealer, keyFrom); err != nil {
		return nil, err
	}
	now, log, base := a.now, a.log, cfg.BaseURL
	// One JSON-LD processor, with the embedded contexts and the operator's
	// (BADGED_CONTEXTS_DIR), for signing, verifying and the wallet: it is
	// safe for concurrent use, and its cache of parsed contexts is then
	// warmed once.
	loader, err := cfg.contextLoader(base)
	if err != nil {
		return nil, err
	}
	ld := jsonld.New(loader)

	if a.issuance, err = issuance.New(st, sealer, base, ld, issuance.WithClock(now),
		issuance.WithEndorsements(endorsement.Embedded(st))); err != nil {
		return nil, err
	}
	outbox, err := notify.NewOutbox(st, notify.WithClock(now))
	if err != nil {
		return nil, err
	}
	trail := audit.New(st, audit.WithClock(now))
	// Award changes are stored with their audit entries and mails, in one
	// transaction; changes to the hierarchy, staff and API clients go to
	// the audit trail, and staff invitations to the outbox, after them.
	changes := effects.New(trail, outbox, st, base, effects.WithLogger(log),
		effects.WithNames(func(ctx context.Context, userID string) string {
			if u, err := st.User(ctx, userID); err == nil {
				return u.Name
			}
			return ""
		}))
	a.issuer = issuer.NewService(st, issuer.WithCredentialIssuer(a.issuance), issuer.WithEffects(changes.Awards),
		issuer.WithEvents(func(e issuer.Event) { a.metrics.AwardEvent(string(e.Kind)) }),
		issuer.WithChanges(changes.Change), issuer.WithClaimPeriod(time.Duration(cfg.ClaimDays)*24*time.Hour),
		issuer.WithReminders(cfg.ReminderDays...), issuer.WithClock(now))
	if sender != nil {
		a.deliverer = notify.NewDeliverer(st, sender, notify.WithLogger(log),
			notify.WithReports(func(r notify.Report) { a.metrics.MailRound(r.Sent, r.Retrying, r.Failed) }))
	}
	a.worker = bulk.NewWorker(st, a.issuer, bulk.WithLogger(log), bulk.WithClock(now),
		bulk.WithProgress(func(rows int, state bulk.State) { a.metrics.BulkProgress(rows, string(state)) }))
	// The outbox's due mails, counted when scraped (up to a bound, so
	// that a scrape stays cheap).
	a.metrics.Gauge("badged_outbox_due_mails", "Mails due to be sent now (counted up to 10,000).", func() float64 {
		due, err := st.DueMails(context.Background(), now(), outboxGaugeBound)
		if err != nil {
			return -1
		}
		return float64(len(due))
	})
	a.auth = auth.NewService(st, a.issuer, auth.WithChanges(changes.Change), auth.WithClock(now))
	api := web.API{BaseURL: base, Issuer: a.issuer, Auth: a.auth, Institutions: st,
		Bulk:  bulk.NewService(st, a.issuer, bulk.WithWake(a.worker.Wake), bulk.WithClock(now), bulk.WithChanges(changes.Change)),
		Audit: trail, Outbox: outbox, Images: st}
	api.Publisher, api.InstitutionRecords, api.Insights = a.issuance, st, insights.New(st, a.issuer, insights.WithClock(now))
	api.Previews, api.Keys = a.issuance, a.issuance
	api.Metrics, api.MetricsRoute = a.metrics, cfg.MetricsAddr == ""
	if b, ok := st.(interface {
		Backup(io.Writer) (int64, error)
	}); ok { // bbolt; PostgreSQL has pg_dump
		api.Backup = b
	}
	api.Endorsements = endorsement.NewService(st, st, a.issuer, a.issuance, endorsement.WithClock(now),
		endorsement.WithChanges(changes.Change))
	if err := withLogin(ctx, &api, cfg, demo, st, mk, now, log); err != nil {
		return nil, err
	}
	if err := withVerifier(&api, cfg, st, a.issuance, client, now, verifier.WithJSONLD(ld),
		verifier.WithResults(func(r *verifier.Result) { a.metrics.Verified(string(r.Verdict)) })); err != nil {
		return nil, err
	}
	if api.Wallet, err = wallet.New(st, a.issuer, st, sealer, api.Verifier, ld, base,
		wallet.WithUsers(st), wallet.WithAccounts(st), wallet.WithEgress(api.Egress), wallet.WithClock(now)); err != nil {
		return nil, err
	}
	changes.SetActors(api.Wallet)
	a.vci = openid4vci.New(st, base, did.NewResolver(client), openid4vci.WithClock(now))
	api.VCI, api.VCIIssuer = a.vci, a.issuance
	api.OBAPI = obapi.New(st, base, obapi.WithClock(now))
	api.LTI = lti.New(st, a.issuer, sealer, base, client, lti.WithClock(now))
	a.lti = api.LTI
	if a.vp, err = withOpenID4VP(&api, st, mk, base, a.issuance, client, now); err != nil {
		return nil, err
	}
	a.handler = web.NewServer(version, log, api)
	return a, nil
}

// Close closes the store. Call it after Run has returned.
func (a *app) Close() { a.close() }

// Run starts the background loops — the award flows' due work, mail
// delivery when there is a sender, the bulk award worker — and serves the
// handler on l, over https when the configuration says so, until ctx ends; then it stops the loops, waits for them,
// and returns nil after a clean shutdown. It closes l.
func (a *app) Run(ctx context.Context, l net.Listener) error {
	if a.tls != nil {
		l = tls.NewListener(l, a.tls)
	}
	loopCtx, stopLoops := context.WithCancel(ctx)
	var loops sync.WaitGroup
	loops.Go(func() { processDue(loopCtx, a.issuer, a.cfg.DueInterval, a.now, a.log) })
	loops.Go(func() { purgeOffers(loopCtx, a.vci, time.Hour, a.log) })
	loops.Go(func() { purgeTransactions(loopCtx, a.vp, time.Hour, a.log) })
	if a.deliverer != nil {
		loops.Go(func() { a.deliverer.Run(loopCtx, cmp.Or(a.cfg.MailInterval, 30*time.Second), a.now) })
		a.log.Info("delivering mail", "smtp", a.cfg.SMTP)
	} else {
		a.log.Warn("no SMTP configured (BADGED_SMTP_HOST): mail stays in the outbox")
	}
	workerDone := make(chan error, 1)
	loops.Go(func() { workerDone <- a.worker.Run(loopCtx) })
	if a.cfg.MetricsAddr != "" {
		stop, err := serveMetrics(ctx, a.cfg.MetricsAddr, a.metrics, a.log)
		if err != nil {
			stopLoops()
			loops.Wait()
			return err
		}
		defer stop()
	}
	a.log.Info("badged listening", "addr", l.Addr().String(), "url", a.cfg.BaseURL, "data", a.cfg.DataDir, "version", version)
	err := a.handler.Serve(ctx, l)
	stopLoops()
	loops.Wait()
	if werr := <-workerDone; err == nil && werr != nil && !errors.Is(werr, context.Canceled) {
		err = werr
	}
	return err
}

// checkMasterKey makes sure the master key opens the signing keys already
// stored, by unsealing the current key of the first institution key ring
// it finds, so that a wrong key stops the start instead of failing every
// claim later. A store without key rings passes. from says where the key
// came from (see masterKey), for the message.
func checkMasterKey(ctx context.Context, st store, sealer *keys.Sealer, from string) error {
	ins, err := st.Institutions(ctx)
	if err != nil {
		return fmt.Errorf("check the master key: %w", err)
	}
	for _, in := range ins {
		ring, _, err := st.KeyRing(ctx, in.ID)
		if domain.KindOf(err) == domain.NotFound || (err == nil && ring.Current == nil) {
			continue
		}
		if err != nil {
			return fmt.Errorf("check the master key: %w", err)
		}
		if _, _, err := ring.Signer(sealer); err != nil {
			if errors.Is(err, keys.ErrUnknownKey) || errors.Is(err, keys.ErrCorrupt) {
				advice := "set BADGED_MASTER_KEY to the key this data was made with"
				if from != "BADGED_MASTER_KEY" {
					advice = "this data was made with another key: set BADGED_MASTER_KEY to that key"
				}
				return fmt.Errorf("%s does not open the signing keys stored here (those of institution %s): %s", from, in.ID, advice)
			}
			return fmt.Errorf("check the master key: %w", err)
		}
		return nil
	}
	return nil
}

// serveMetrics serves m at /metrics on its own address (BADGED_METRICS_ADDR),
// apart from the public listener; stop shuts it down.
func serveMetrics(ctx context.Context, addr string, m *metrics.Metrics, log *slog.Logger) (stop func(), err error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(l)
	log.Info("metrics listening", "addr", l.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
}
