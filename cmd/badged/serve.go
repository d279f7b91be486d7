package main

import (
	"bytes"
	"context"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"github.com/badged/badged/lti"
	"github.com/badged/badged/metrics"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/badged/badged/audit"
	"github.com/badged/badged/auth"
	"github.com/badged/badged/badgeimage"
	"github.com/badged/badged/bulk"
	"github.com/badged/badged/devidp"
	"github.com/badged/badged/egress"
	"github.com/badged/badged/endorsement"
	"github.com/badged/badged/insights"
	"github.com/badged/badged/issuance"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/keys"
	"github.com/badged/badged/login"
	"github.com/badged/badged/notify"
	"github.com/badged/badged/obapi"
	"github.com/badged/badged/openid4vci"
	"github.com/badged/badged/openid4vp"
	"github.com/badged/badged/storage/bolt"
	"github.com/badged/badged/storage/postgres"
	"github.com/badged/badged/verifier"
	"github.com/badged/badged/wallet"
	"github.com/badged/badged/web"
)

func runServe(ctx context.Context, args []string, env *environment) error {
	cfg, err := loadConfig(env.getenv)
	if err != nil {
		return err
	}
	fs := newFlagSet(env, "serve", "[--addr HOST:PORT] [--data DIR]",
		`Runs the badged server. On a new data directory with no other configuration
it is the embedded default: everything in DIR, demo data and a demo login, no
other service needed. Flags override the environment.

`+envHelp())
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "address to listen on (BADGED_ADDR)")
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data directory (BADGED_DATA)")
	fs.BoolVar(&cfg.Demo, "demo", cfg.Demo, "run demo mode even on an address or base URL that is not this machine's own (BADGED_DEMO)")
	fs.StringVar(&cfg.TLSCert, "tls-cert", cfg.TLSCert, "PEM file of the certificate to serve https with (BADGED_TLS_CERT)")
	fs.StringVar(&cfg.TLSKey, "tls-key", cfg.TLSKey, "PEM file of the key of --tls-cert (BADGED_TLS_KEY)")
	fs.Func("acme-host", "public host name to serve https for with a certificate from Let's Encrypt, cached in DATA/acme;\nrepeat or separate by commas (BADGED_ACME_HOSTS); the challenge is answered on BADGED_ACME_HTTP_ADDR (:80)", func(v string) error {
		cfg.ACMEHosts = append(cfg.ACMEHosts, splitHosts(v)...)
		return nil
	})
	verifierOnly := fs.Bool("verifier-only", false, "run a stateless verifier node: /healthz, /verify, /credentials/verify,\n/presentations/verify and /ns/badged/v1, with no database and no data directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve: unexpected arguments %q", fs.Args())
	}
	if err := cfg.check(); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	if *verifierOnly {
		return serveVerifier(ctx, cfg, env)
	}
	// What the configuration alone refuses is said before listening, so
	// that a busy port does not hide it.
	if _, err := cfg.mode(); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	if _, _, err := serverTLS(cfg); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	if _, _, err := configuredKeys(cfg); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	log := newLogger(cfg, env.stdout)
	l, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = defaultBaseURL(cfg, l.Addr())
	}
	a, err := newApp(ctx, cfg, deps{Log: log})
	if err != nil {
		l.Close()
		return fmt.Errorf("serve: %w", err)
	}
	defer a.Close()
	if a.acme != nil {
		wait, err := answerACME(ctx, cfg, a.acme, log)
		if err != nil {
			l.Close()
			return fmt.Errorf("serve: %w", err)
		}
		defer wait()
	}
	return a.Run(ctx, l)
}

// store is what serve keeps its records in: bbolt or PostgreSQL.
type store interface {
	issuer.Store
	auth.Store
	login.Store
	issuance.Store
	bulk.Store
	insights.Store
	notify.Store
	audit.Store
	wallet.Store
	wallet.Accounts
	badgeimage.Store
	openid4vci.Store
	obapi.Store
	openid4vp.Store
	endorsement.Store
	lti.Store
}

// withLogin adds sign-in to api: with the providers of
// BADGED_OIDC_PROVIDERS, or in demo mode with the built-in demo provider
// mounted at /devidp, reached over HTTP like any other, a learner and a
// staff provider on it, and the demo institution its staff belong to. The
// flow key is derived from the master key, so that every instance shares
// it.
func withLogin(ctx context.Context, api *web.API, cfg Config, demo bool, st store, mk []byte, now func() time.Time, log *slog.Logger) error {
	flowKey, err := hkdf.Key(sha256.New, mk, nil, "badged login flow key", 32)
	if err != nil {
		return err
	}
	var providers []login.ProviderConfig
	if v := strings.TrimSpace(cfg.OIDCProviders); v != "" {
		data := []byte(v)
		if !strings.HasPrefix(v, "[") {
			if data, err = os.ReadFile(v); err != nil {
				return fmt.Errorf("BADGED_OIDC_PROVIDERS: %w", err)
			}
		}
		if providers, err = login.ParseProviders(data); err != nil {
			return fmt.Errorf("BADGED_OIDC_PROVIDERS: %v", err)
		}
	} else if demo {
		secret := make([]byte, 32)
		if _, err := rand.Read(secret); err != nil {
			return err
		}
		client := devidp.Client{ID: "badged", Secret: base64.RawURLEncoding.EncodeToString(secret),
			RedirectURIs: []string{api.BaseURL + "/login/demo-eduid/callback", api.BaseURL + "/login/demo-staff/callback"}}
		idp, err := devidp.New(api.BaseURL+"/devidp", []devidp.Client{client}, devidp.WithClock(now))
		if err != nil {
			return err
		}
		providers = []login.ProviderConfig{
			{Name: "demo-eduid", Label: "eduID (demo learners)", Kind: login.Learner, Issuer: idp.Issuer(),
				ClientID: client.ID, ClientSecret: client.Secret, EduIDClaim: "eduid", UserInfo: true},
			{Name: "demo-staff", Label: "Demo University (demo staff)", Kind: login.Staff, Issuer: idp.Issuer(),
				ClientID: client.ID, ClientSecret: client.Secret, SCHACHomes: []string{devidp.DemoSCHACHome}},
		}
		api.DevIDP, api.Demo = idp, true
		if err := seedDemoInstitution(ctx, api.Issuer, st); err != nil {
			return fmt.Errorf("demo institution: %w", err)
		}
		log.Warn("demo mode: sign-in uses the built-in demo OpenID provider at /devidp; set BADGED_OIDC_PROVIDERS in production")
	}
	api.Login, err = login.NewService(providers, api.BaseURL, st, api.Auth, api.Issuer, st,
		login.WithFlowKey(flowKey), login.WithClock(now))
	return err
}

// seedDemoInstitution creates, once, the institution the demo staff belong
// to, with its terms (demoTerms), invites the demo admin as its institution admin, and fills its
// catalogue (see seedDemoCatalogue).
func seedDemoInstitution(ctx context.Context, is *issuer.Service, st store) error {
	ins, err := st.Institutions(ctx)
	if err != nil {
		return err
	}
	for _, in := range ins {
		if in.SCHACHome == devidp.DemoSCHACHome {
			return nil
		}
	}
	system := issuer.Actor{UserID: "system:demo", Superuser: true}
	in, err := is.CreateInstitution(ctx, system, issuer.Institution{
		Name: issuer.Text{EN: "Demo University", NL: "Demo Universiteit"}, SCHACHome: devidp.DemoSCHACHome,
		BRIN: "00AA", Type: issuer.WO, Country: "NL", DefaultLanguage: issuer.LangEN, Terms: demoTerms,
		GradingTableURL: "https://www.university-example.org/grading"})
	if err != nil {
		return err
	}
	if _, err = is.InviteStaff(ctx, system, devidp.DemoUsers()[3].Email, issuer.RoleInstitutionAdmin, in.ID); err != nil {
		return err
	}
	return seedDemoCatalogue(ctx, is, in)
}

// openStore opens PostgreSQL when BADGED_DATABASE_URL is set, else the
// bbolt file badged.db in the data directory, timing its work into m (nil:
// not timed). Errors never quote the URL, which may hold a password.
func openStore(ctx context.Context, cfg Config, m *metrics.Metrics) (store, func(), error) {
	if u := cfg.DatabaseURL; u != "" {
		if !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
			return nil, nil, errors.New("BADGED_DATABASE_URL: not a postgres:// URL")
		}
		var opts []postgres.Option
		if m != nil {
			opts = append(opts, postgres.WithTimer(func(op string, took time.Duration) { m.StoreTime("postgres", op, took) }))
		}
		db, err := postgres.Open(ctx, u, opts...)
		if err != nil {
			return nil, nil, err
		}
		return db, db.Close, nil
	}
	var opts []bolt.Option
	if m != nil {
		opts = append(opts, bolt.WithTimer(func(op string, took time.Duration) { m.StoreTime("bolt", op, took) }))
	}
	db, err := bolt.Open(filepath.Join(cfg.DataDir, "badged.db"), opts...)
	if err != nil {
		return nil, nil, err
	}
	return db, func() { db.Close() }, nil
}

// masterKey returns the key that seals signing keys at rest, and where it
// comes from (for messages): the operator's BADGED_MASTER_KEY, or in demo
// mode one generated once and kept in the data directory (which the log
// says, since it is not fit for production). Its errors are those of
// [configuredKeys].
func masterKey(cfg Config, log *slog.Logger) (key []byte, from string, err error) {
	env, kept, err := configuredKeys(cfg)
	switch {
	case err != nil:
		return nil, "", err
	case env != nil:
		return env, "BADGED_MASTER_KEY", nil
	}
	path := filepath.Join(cfg.DataDir, "master.key")
	from = "the master key in " + path
	if kept != nil {
		log.Warn("demo mode: using the master key kept in the data directory; set BADGED_MASTER_KEY in production", "file", path)
		return kept, from, nil
	}
	k := make([]byte, keys.MasterKeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, "", err
	}
	enc := base64.StdEncoding.EncodeToString(k)
	if err := os.WriteFile(path, []byte(enc+"\n"), 0o600); err != nil {
		return nil, "", fmt.Errorf("write demo master key: %w", err)
	}
	log.Warn("demo mode: generated a master key in the data directory; set BADGED_MASTER_KEY in production", "file", path)
	return k, from, nil
}

// configuredKeys reads the master keys cfg gives, writing nothing: env,
// the key of BADGED_MASTER_KEY, and kept, the key demo mode generated in
// the data directory's master.key; each nil when there is none. It is an
// error when either does not parse, or when both are there and differ,
// since the data was made with the kept key.
func configuredKeys(cfg Config) (env, kept []byte, err error) {
	if cfg.MasterKey != "" {
		if env, err = keys.ParseMasterKey(cfg.MasterKey); err != nil {
			return nil, nil, fmt.Errorf("BADGED_MASTER_KEY: %w", err)
		}
	}
	path := filepath.Join(cfg.DataDir, "master.key")
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return env, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if kept, err = keys.ParseMasterKey(strings.TrimSpace(string(b))); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if env != nil && !bytes.Equal(env, kept) {
		return nil, nil, fmt.Errorf("BADGED_MASTER_KEY is not the master key in %s, which demo mode generated for the data there "+
			"and which seals its keys: set BADGED_MASTER_KEY to the contents of that file, "+
			"or leave BADGED_MASTER_KEY unset to keep running the demo, or start on another data directory (--data)", path)
	}
	return env, kept, nil
}

// serveVerifier runs a stateless verifier node: no store is opened and
// nothing is written; keys and status lists come through the egress
// policy of cfg, and issuers are known only from BADGED_TRUSTED_ISSUERS.
func serveVerifier(ctx context.Context, cfg Config, env *environment) error {
	log := newLogger(cfg, env.stdout)
	trusted, err := trustedIssuers(cfg)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	tc, acme, err := serverTLS(cfg)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	l, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	base := cfg.BaseURL
	if base == "" {
		base = defaultBaseURL(cfg, l.Addr())
	}
	if acme != nil {
		wait, err := answerACME(ctx, cfg, acme, log)
		if err != nil {
			l.Close()
			return fmt.Errorf("serve: %w", err)
		}
		defer wait()
	}
	if tc != nil {
		l = tls.NewListener(l, tc)
	}
	client := egress.NewClient(cfg.Egress)
	loader, err := cfg.contextLoader(base)
	if err != nil {
		l.Close()
		return fmt.Errorf("serve: %w", err)
	}
	api := web.API{BaseURL: base, Egress: client, Verifier: web.DefaultVerifier(client, verifier.WithLimits(cfg.VerifyLimits), verifier.WithJSONLD(jsonld.New(loader))), Throttle: cfg.Throttle}
	if trusted != nil {
		api.Issuers = trusted
	}
	log.Info("badged verifier listening", "addr", l.Addr().String(), "url", base, "trusted_issuers", len(trusted), "version", version)
	return web.NewVerifierServer(version, log, api).Serve(ctx, l)
}

// withVerifier adds the verifier to api, which the wallet uses too: keys
// and status lists of this server's issuers read from the store, others
// through the egress policy of cfg, issuers known from this platform's store and from
// BADGED_TRUSTED_ISSUERS, and /credentials/issue signing through iss.
func withVerifier(api *web.API, cfg Config, st store, iss *issuance.Service, client *http.Client, now func() time.Time, opts ...verifier.Option) error {
	trusted, err := trustedIssuers(cfg)
	if err != nil {
		return err
	}
	dirs := verifier.IssuerDirectories{verifier.PlatformIssuers{DID: iss.IssuerDID, Store: st}}
	if trusted != nil {
		dirs = append(dirs, trusted)
	}
	// This server's own issuers are resolved in-process (web.ServerVerifier).
	v := web.ServerVerifier(client, iss, now, append([]verifier.Option{verifier.WithLimits(cfg.VerifyLimits)}, opts...)...)
	api.Egress, api.Verifier, api.Issuers, api.Credentials, api.Throttle = client, v, dirs, iss, cfg.Throttle
	return nil
}

// trustedIssuers reads the operator's list of trusted issuers, or returns
// nil when BADGED_TRUSTED_ISSUERS is not set.
func trustedIssuers(cfg Config) (verifier.TrustedIssuers, error) {
	if cfg.TrustedIssuers == "" {
		return nil, nil
	}
	b, err := os.ReadFile(cfg.TrustedIssuers)
	if err != nil {
		return nil, fmt.Errorf("BADGED_TRUSTED_ISSUERS: %w", err)
	}
	t, err := verifier.ParseTrustedIssuers(b)
	if err != nil {
		return nil, fmt.Errorf("BADGED_TRUSTED_ISSUERS %s: %w", cfg.TrustedIssuers, err)
	}
	return t, nil
}

// localBaseURL is the base URL when BADGED_BASE_URL is not set:
// http://ADDR, with a loopback IP written localhost, since a did:web may
// not name an IP address (did.WebURL refuses it). A did:web always
// resolves over https: badged reads its own issuers' documents in-process
// (web.ServerVerifier), and another verifier of a local http badged is
// pointed at it (badged verify --server, see newVerifier).
func localBaseURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	return "http://" + net.JoinHostPort(localName(host), port)
}

// purgeOffers removes expired OpenID4VCI offers and nonces now and every
// interval until ctx ends; of several nodes doing it at once, each deletes
// what is left.
func purgeOffers(ctx context.Context, vci *openid4vci.Service, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		switch offers, nonces, err := vci.Purge(ctx); {
		case err != nil && ctx.Err() == nil:
			log.Error("purging expired offers failed", "err", err)
		case offers+nonces > 0:
			log.Info("purged expired offers", "offers", offers, "nonces", nonces)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// processDue runs the award flows' due work (scheduled sends, reminders,
// expiries, retried issuance) every interval until ctx ends. Several
// nodes may run it against one store at once: ProcessDue is idempotent
// (running it again at the same time does nothing) and every change is a
// versioned update, so of two nodes acting on one award exactly one wins
// and the other skips it; each event is therefore reported once.
func processDue(ctx context.Context, is *issuer.Service, interval time.Duration, now func() time.Time, log *slog.Logger) {
	if interval <= 0 {
		interval = time.Minute
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		events, err := is.ProcessDue(ctx, now())
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("award due work failed", "err", err, "events", len(events))
		case len(events) > 0:
			log.Info("award due work done", "events", len(events))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// newLogger is serve's log on w: text, or JSON lines when
// BADGED_LOG_FORMAT=json.
func newLogger(cfg Config, w io.Writer) *slog.Logger {
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}
