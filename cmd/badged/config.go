package main

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/badged/badged/contexts"
	"github.com/badged/badged/egress"
	"github.com/badged/badged/notify"
	"github.com/badged/badged/verifier"
	"github.com/badged/badged/web"
)

// Config is everything badged serve and the verifier can be told, built
// from DefaultConfig, then BADGED_* environment variables, then flags.
type Config struct {
	Addr      string // BADGED_ADDR
	DataDir   string // BADGED_DATA
	BaseURL   string // BADGED_BASE_URL
	MasterKey string // BADGED_MASTER_KEY
	// DatabaseURL, when set, is a PostgreSQL URL used instead of the
	// bbolt file in DataDir.
	DatabaseURL string        // BADGED_DATABASE_URL
	Egress      egress.Policy // BADGED_EGRESS_*
	// TrustedIssuers is a JSON file of issuer id (DID or URL) → name that
	// the verifier names as known issuers.
	TrustedIssuers string // BADGED_TRUSTED_ISSUERS

	ContextsDir string // BADGED_CONTEXTS_DIR: the operator's JSON-LD contexts, pinned by a manifest
	// SMTP is where mail goes; without a host it stays in the outbox.
	SMTP notify.Config // BADGED_SMTP_*
	// DueInterval is how often scheduled sends, reminders and expiries
	// of awards are run.
	DueInterval time.Duration // BADGED_DUE_INTERVAL
	// MailInterval is how often the outbox is delivered, when there is an
	// SMTP server to deliver to.
	MailInterval time.Duration // BADGED_MAIL_INTERVAL
	// OIDCProviders are the OpenID providers people sign in with; none
	// means demo mode, with the built-in demo provider under /devidp.
	OIDCProviders string // BADGED_OIDC_PROVIDERS: JSON, or a file path
	// Demo allows demo mode (the built-in OpenID provider, the seeded demo
	// institution, a master key generated in the data directory) on an
	// address or base URL that is not loopback; see [Config.mode].
	Demo bool // BADGED_DEMO
	// TLSCert and TLSKey are PEM files of the certificate (with its chain)
	// and key to serve https with.
	TLSCert string // BADGED_TLS_CERT
	TLSKey  string // BADGED_TLS_KEY
	// ACMEHosts are the public host names to get certificates for
	// automatically (ACME, Let's Encrypt), cached in DataDir/acme; the
	// HTTP-01 challenge is answered on ACMEHTTPAddr, which redirects every
	// other request to https.
	ACMEHosts    []string // BADGED_ACME_HOSTS
	ACMEHTTPAddr string   // BADGED_ACME_HTTP_ADDR
	// ClaimDays is how long a direct award waits for its claim before it
	// expires, and ReminderDays the days left at which the learner is
	// reminded (edubadges: 82 days, reminders at 62 and 42 days left).
	ClaimDays    int   // BADGED_CLAIM_DAYS
	ReminderDays []int // BADGED_REMINDER_DAYS
	// Throttle limits the public endpoints: verifications at once, and
	// requests per minute per client on verifying, tokens and login.
	Throttle web.Throttle // BADGED_MAX_VERIFICATIONS, BADGED_RATE_*, BADGED_TRUSTED_PROXIES
	// VerifyLimits bound the work of one verification.
	VerifyLimits verifier.Limits // BADGED_VERIFY_*

	LogFormat   string // BADGED_LOG_FORMAT: text (default) or json
	MetricsAddr string // BADGED_METRICS_ADDR: serve /metrics there instead of on Addr
}

// DefaultConfig is the embedded default: loopback, ./data, demo mode.
func DefaultConfig() Config {
	return Config{
		Addr:    "127.0.0.1:8080",
		DataDir: "data",
		Egress:  egress.DefaultPolicy(),
		// DueInterval: every minute, as edubadges' cron runs its jobs.
		DueInterval:  time.Minute,
		MailInterval: 30 * time.Second,
		ClaimDays:    82,
		ReminderDays: []int{62, 42},
		Throttle:     web.DefaultThrottle(),
		VerifyLimits: verifier.DefaultLimits(),
		ACMEHTTPAddr: ":80",
	}
}

// envVar documents one environment variable.
type envVar struct {
	name, about string
	set         func(c *Config, v string) error
}

var envVars = []envVar{
	{"BADGED_ADDR", "address to listen on (default 127.0.0.1:8080)", func(c *Config, v string) error { c.Addr = v; return nil }},
	{"BADGED_LOG_FORMAT", "text (default) or json: one JSON object per log line, the access log included", func(c *Config, v string) error {
		if v != "text" && v != "json" {
			return fmt.Errorf("BADGED_LOG_FORMAT=%q: text or json", v)
		}
		c.LogFormat = v
		return nil
	}},
	{"BADGED_METRICS_ADDR", "address to serve the Prometheus metrics (/metrics) on, apart from the public one (default: /metrics on BADGED_ADDR)", func(c *Config, v string) error {
		c.MetricsAddr = v
		return nil
	}},
	{"BADGED_DATA", "data directory (default ./data)", func(c *Config, v string) error { c.DataDir = v; return nil }},
	{"BADGED_BASE_URL", "public URL of this server, e.g. https://badges.example.edu (default http://ADDR)", func(c *Config, v string) error {
		c.BaseURL = strings.TrimRight(v, "/")
		return nil
	}},
	{"BADGED_DEMO", "true to run demo mode (built-in login without a password, demo data, generated master key) listening on an address or with a base URL that is not this machine's own (default false; on localhost demo mode needs no flag)", func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		c.Demo = b
		return err
	}},
	{"BADGED_TLS_CERT", "PEM file of the certificate (and chain) to serve https with; needs BADGED_TLS_KEY", func(c *Config, v string) error { c.TLSCert = v; return nil }},
	{"BADGED_TLS_KEY", "PEM file of the private key of BADGED_TLS_CERT", func(c *Config, v string) error { c.TLSKey = v; return nil }},
	{"BADGED_ACME_HOSTS", "comma-separated public host names to serve https for with certificates from Let's Encrypt (ACME), cached in DATA/acme", func(c *Config, v string) error {
		c.ACMEHosts = splitHosts(v)
		return nil
	}},
	{"BADGED_ACME_HTTP_ADDR", "address of the plain-http listener that answers the ACME HTTP-01 challenge and redirects to https (default :80)", func(c *Config, v string) error {
		c.ACMEHTTPAddr = v
		return nil
	}},
	{"BADGED_MASTER_KEY", "base64 of 32 random bytes that encrypt signing keys at rest (demo mode generates one in the data directory)", func(c *Config, v string) error {
		c.MasterKey = v
		return nil
	}},
	{"BADGED_DATABASE_URL", "PostgreSQL URL (postgres://user@host:5432/db) to store records in instead of DATA/badged.db", func(c *Config, v string) error {
		c.DatabaseURL = v // checked by serve, whose errors do not quote it: it may hold a password
		return nil
	}},
	{"BADGED_EGRESS_ALLOW_PRIVATE", "true to let the verifier fetch DID documents and status lists from private, loopback and link-local addresses (default false)", func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		c.Egress.AllowPrivate = b
		return err
	}},
	{"BADGED_EGRESS_ALLOW_HOSTS", "comma-separated host[:port] the verifier may fetch from even when private", func(c *Config, v string) error {
		for _, h := range strings.Split(v, ",") {
			if h = strings.TrimSpace(h); h != "" {
				c.Egress.AllowHosts = append(c.Egress.AllowHosts, h)
			}
		}
		return nil
	}},
	{"BADGED_TRUSTED_ISSUERS", "JSON file of trusted issuers, {\"<issuer DID or URL>\": \"<name>\"}, that the verifier names as known", func(c *Config, v string) error {
		c.TrustedIssuers = v
		return nil
	}},
	{"BADGED_CONTEXTS_DIR", "directory of further JSON-LD contexts to read credentials with, listed with their URL and SHA-256 in its manifest.json ({\"contexts\": [{\"url\", \"file\", \"sha256\"}]}); contexts are never fetched", func(c *Config, v string) error {
		c.ContextsDir = v
		return nil
	}},
	{"BADGED_SMTP_HOST", "SMTP server to deliver mail through; unset keeps mail in the outbox, readable by admins (demo)", func(c *Config, v string) error {
		c.SMTP.Host = v
		return nil
	}},
	{"BADGED_SMTP_PORT", "SMTP port (default 587, or 465 with BADGED_SMTP_TLS=tls)", func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err == nil && (n < 1 || n > 65535) {
			err = fmt.Errorf("not a port")
		}
		c.SMTP.Port = n
		return err
	}},
	{"BADGED_SMTP_USERNAME", "SMTP user name for AUTH PLAIN (default: no AUTH)", func(c *Config, v string) error { c.SMTP.Username = v; return nil }},
	{"BADGED_SMTP_PASSWORD", "SMTP password, sent only over TLS or to localhost", func(c *Config, v string) error { c.SMTP.Password = v; return nil }},
	{"BADGED_SMTP_FROM", "From address of the mail, \"Name <addr>\" or addr", func(c *Config, v string) error { c.SMTP.From = v; return nil }},
	{"BADGED_SMTP_TLS", "auto (STARTTLS when offered, the default), starttls, tls (port 465) or none", func(c *Config, v string) error {
		switch m := notify.TLSMode(v); m {
		case notify.TLSAuto, notify.TLSStartTLS, notify.TLSImplicit, notify.TLSNone:
			c.SMTP.TLS = m
			return nil
		}
		return fmt.Errorf("not auto, starttls, tls or none")
	}},
	{"BADGED_DUE_INTERVAL", "how often scheduled awards are sent, reminders mailed and unclaimed awards expired (default 1m)", func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err == nil && d <= 0 {
			err = fmt.Errorf("not positive")
		}
		c.DueInterval = d
		return err
	}},
	{"BADGED_MAIL_INTERVAL", "how often the outbox is delivered over SMTP (default 30s)", func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err == nil && d <= 0 {
			err = fmt.Errorf("not positive")
		}
		c.MailInterval = d
		return err
	}},
	{"BADGED_OIDC_PROVIDERS", "OpenID providers to sign in with: a JSON array, or the path of a file holding one, of {name, label, kind (learner|staff), issuer, clientId, clientSecret, scopes, userinfo, institutionClaim (default schac_home_organization), schacHomes (staff: the SCHAC homes of the institutions it speaks for, or [\"*\"] for a federation), eduidClaim, emailClaim, emailVerifiedClaim, trustEmail, nameClaim, eppnClaim}; redirect URI BASE_URL/login/NAME/callback (default: demo mode, the built-in demo provider at /devidp)", func(c *Config, v string) error {
		c.OIDCProviders = v // parsed by serve, whose errors do not quote it: it holds client secrets
		return nil
	}},
	{"BADGED_CLAIM_DAYS", "days a direct award can be claimed before it expires (default 82)", func(c *Config, v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 || n > 3650 {
			return fmt.Errorf("not a whole number of days from 1 to 3650")
		}
		c.ClaimDays = n
		return nil
	}},
	{"BADGED_REMINDER_DAYS", "comma-separated days left to claim at which the learner is reminded, \"none\" for no reminders (default 62,42)", func(c *Config, v string) error {
		days, err := parseReminderDays(v)
		c.ReminderDays = days
		return err
	}},
	{"BADGED_EGRESS_CONNECT_TO", "comma-separated host:port=host:port: connect to the second address for URLs of the first, URL, Host and TLS name unchanged (as curl --connect-to; for split DNS); an internal address needs its host in BADGED_EGRESS_ALLOW_HOSTS", func(c *Config, v string) error {
		connect, err := parseConnectTo(v)
		c.Egress.ConnectTo = connect
		return err
	}},
	{"BADGED_EGRESS_TIMEOUT", "timeout of one outbound fetch (default 5s)", func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		c.Egress.Timeout = d
		return err
	}},
	{"BADGED_MAX_VERIFICATIONS", "verifications run at once on the public verify endpoints and pages; beyond it they answer 503 with Retry-After (default 32, -1 no limit)", func(c *Config, v string) error {
		return limit(&c.Throttle.Verifications, v)
	}},
	{"BADGED_RATE_VERIFY", "requests per minute per client to /verify, /credentials/verify, /presentations/verify and public share pages; beyond it 429 with Retry-After (default 60, -1 no limit)", func(c *Config, v string) error {
		return limit(&c.Throttle.Verify, v)
	}},
	{"BADGED_RATE_TOKEN", "requests per minute per client to POST /oauth/token (default 30, -1 no limit)", func(c *Config, v string) error {
		return limit(&c.Throttle.Token, v)
	}},
	{"BADGED_RATE_LOGIN", "requests per minute per client to /login/... (default 30, -1 no limit)", func(c *Config, v string) error {
		return limit(&c.Throttle.Login, v)
	}},
	{"BADGED_TRUSTED_PROXIES", "comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For names the client for rate limits (default none: the connection's address)", func(c *Config, v string) error {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p == "" {
				continue
			}
			prefix, err := netip.ParsePrefix(p)
			if err != nil {
				a, aerr := netip.ParseAddr(p)
				if aerr != nil {
					return fmt.Errorf("%q is not an IP address or CIDR", p)
				}
				prefix = netip.PrefixFrom(a, a.BitLen())
			}
			c.Throttle.TrustedProxies = append(c.Throttle.TrustedProxies, prefix.Masked())
		}
		return nil
	}},
	{"BADGED_VERIFY_DEADLINE", "time all the fetches (DID documents, status lists) of one verification may take together (default 10s)", func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("not a positive duration such as 10s")
		}
		c.VerifyLimits.Deadline = d
		return nil
	}},
	{"BADGED_VERIFY_PARALLEL", "fetches one verification makes at once (default 4)", func(c *Config, v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 || n > 64 {
			return fmt.Errorf("not a whole number from 1 to 64")
		}
		c.VerifyLimits.Parallel = n
		return nil
	}},
}

// limit parses a limit that may be turned off: a whole number of at least
// 1, or -1 for none.
func limit(dst *int, v string) error {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n == 0 || n < -1 {
		return fmt.Errorf("not a whole number of at least 1, or -1 for no limit")
	}
	*dst = n
	return nil
}

// parseConnectTo parses BADGED_EGRESS_CONNECT_TO: comma-separated
// from=to pairs, each side a host:port.
func parseConnectTo(v string) (map[string]string, error) {
	connect := map[string]string{}
	for _, pair := range strings.Split(v, ",") {
		if pair = strings.TrimSpace(pair); pair == "" {
			continue
		}
		from, to, ok := strings.Cut(pair, "=")
		from, to = strings.TrimSpace(from), strings.TrimSpace(to)
		for _, hp := range []string{from, to} {
			if host, port, err := net.SplitHostPort(hp); !ok || err != nil || host == "" || port == "" {
				return nil, fmt.Errorf("%q is not host:port=host:port", pair)
			}
		}
		connect[from] = to
	}
	return connect, nil
}

// parseReminderDays parses BADGED_REMINDER_DAYS: days left, each a whole
// number of at least 1, once each; "none" is no reminders.
func parseReminderDays(v string) ([]int, error) {
	if strings.EqualFold(strings.TrimSpace(v), "none") {
		return []int{}, nil
	}
	var days []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 3650 {
			return nil, fmt.Errorf("%q is not a whole number of days from 1 to 3650", strings.TrimSpace(f))
		}
		if slices.Contains(days, n) {
			return nil, fmt.Errorf("%d days is listed twice", n)
		}
		days = append(days, n)
	}
	return days, nil
}

// splitHosts reads a comma-separated list of host names.
func splitHosts(v string) []string {
	var hosts []string
	for _, h := range strings.Split(v, ",") {
		if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
			hosts = append(hosts, h)
		}
	}
	return hosts
}

// check reports settings that are each valid but not together.
func (c Config) check() error {
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return fmt.Errorf("BADGED_TLS_CERT and BADGED_TLS_KEY (--tls-cert, --tls-key) go together: set both or neither")
	}
	if c.TLSCert != "" && len(c.ACMEHosts) > 0 {
		return fmt.Errorf("BADGED_TLS_CERT and BADGED_ACME_HOSTS (--tls-cert, --acme-host) exclude each other: serve either your own certificate or automatic ones")
	}
	for _, d := range c.ReminderDays {
		if d >= c.ClaimDays {
			return fmt.Errorf("BADGED_REMINDER_DAYS: a reminder at %d days left comes before the claim period of %d days (BADGED_CLAIM_DAYS) starts", d, c.ClaimDays)
		}
	}
	return nil
}

// mode reports whether c runs in demo mode, or why badged may not start
// with it. Demo mode fills in what production must be given — the
// built-in OpenID provider, on which anyone signs in as demo staff without
// a password, without BADGED_OIDC_PROVIDERS; a master key generated in
// the data directory without BADGED_MASTER_KEY — so it runs only on this
// machine's own addresses (localhost, 127.0.0.1, [::1]): both the address
// it listens on (c.Addr) and the base URL; or when asked for (Demo). An
// empty c.BaseURL is serve's default (see defaultBaseURL): the first ACME
// host, or else the listener's address, so mode needs no listener. Any
// other configuration without both settings is an error that names the
// address and base URL as given and says what to do.
func (c Config) mode() (demo bool, err error) {
	var missing []string
	if strings.TrimSpace(c.OIDCProviders) == "" {
		missing = append(missing, "BADGED_OIDC_PROVIDERS (the OpenID Connect providers people sign in with, JSON or a file)")
	}
	if c.MasterKey == "" {
		missing = append(missing, "BADGED_MASTER_KEY (base64 of 32 random bytes, e.g. from: head -c 32 /dev/urandom | base64)")
	}
	if len(missing) == 0 {
		return false, nil
	}
	base := c.BaseURL
	if base == "" && len(c.ACMEHosts) > 0 {
		base = "https://" + c.ACMEHosts[0] // as defaultBaseURL
	}
	localAddr := loopbackURL("http://" + c.Addr)
	localBase := base == "" || loopbackURL(base) // empty: follows Addr
	if c.Demo || localAddr && localBase {
		return true, nil
	}
	var where []string
	if !localAddr {
		where = append(where, fmt.Sprintf("listening on %s, which other machines can reach", c.Addr))
	}
	if !localBase {
		where = append(where, fmt.Sprintf("with base URL %s, which is not localhost", base))
	}
	set := "set " + strings.Join(missing, " and ")
	var fixes []string
	if localBase {
		port := "8080"
		if _, p, err := net.SplitHostPort(c.Addr); err == nil && p != "" {
			port = p
		}
		fixes = append(fixes, "to try badged on this machine only, listen on loopback: --addr "+net.JoinHostPort("127.0.0.1", port))
		set = "to run it for real, " + set + ", and BADGED_BASE_URL to its public URL (e.g. https://badges.example.edu)"
	}
	fixes = append(fixes, set, "or, to run the demo there knowingly, pass --demo (BADGED_DEMO=true)")
	return false, fmt.Errorf("refusing to start in demo mode %s: %s", strings.Join(where, " and "), strings.Join(fixes, "; "))
}

// loopbackURL reports whether u names this machine only: localhost (or a
// name under .localhost) or a loopback IP address.
func loopbackURL(u string) bool {
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	host := strings.ToLower(strings.TrimSuffix(p.Hostname(), "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// localName is host as badged names it in its URLs and DIDs: localhost
// for a loopback IP address (a did:web may not name an IP address), any
// other host as it is.
func localName(host string) string {
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return "localhost"
	}
	return host
}

// loadConfig applies the BADGED_* variables to DefaultConfig.
func loadConfig(getenv func(string) string) (Config, error) {
	c := DefaultConfig()
	for _, e := range envVars {
		v := getenv(e.name)
		if v == "" {
			continue
		}
		if err := e.set(&c, v); err != nil {
			return c, fmt.Errorf("%s=%q: %v", e.name, v, err)
		}
	}
	return c, c.check()
}

func envHelp() string {
	var b strings.Builder
	b.WriteString("Environment:\n")
	for _, e := range envVars {
		fmt.Fprintf(&b, "  %-28s %s\n", e.name, e.about)
	}
	return b.String()
}

// contextLoader returns the JSON-LD contexts badged reads with: the
// embedded ones, badged's v2 context at the URL of each non-empty base
// (the deployment's own, from memory), and those of BADGED_CONTEXTS_DIR
// when set.
func (c Config) contextLoader(bases ...string) (*contexts.Loader, error) {
	l := contexts.NewLoader()
	for _, base := range bases {
		if base == "" {
			continue
		}
		var err error
		if l, err = l.WithBase(base); err != nil {
			return nil, err
		}
	}
	if c.ContextsDir == "" {
		return l, nil
	}
	l, err := l.WithDir(c.ContextsDir)
	if err != nil {
		return nil, fmt.Errorf("BADGED_CONTEXTS_DIR: %w", err)
	}
	return l, nil
}
