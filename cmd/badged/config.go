package main

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

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
	// SMTP is where mail goes; without a host it stays in the outbox.
	SMTP notify.Config // BADGED_SMTP_*
	// DueInterval is how often scheduled sends, reminders and expiries
	// of awards are run.
	DueInterval time.Duration // BADGED_DUE_INTERVAL
	// OIDCProviders are the OpenID providers people sign in with; none
	// means demo mode, with the built-in demo provider under /devidp.
	OIDCProviders string // BADGED_OIDC_PROVIDERS: JSON, or a file path
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
}

// DefaultConfig is the embedded default: loopback, ./data, demo mode.
func DefaultConfig() Config {
	return Config{
		Addr:    "127.0.0.1:8080",
		DataDir: "data",
		Egress:  egress.DefaultPolicy(),
		// DueInterval: every minute, as edubadges' cron runs its jobs.
		DueInterval:  time.Minute,
		ClaimDays:    82,
		ReminderDays: []int{62, 42},
		Throttle:     web.DefaultThrottle(),
		VerifyLimits: verifier.DefaultLimits(),
	}
}

// envVar documents one environment variable.
type envVar struct {
	name, about string
	set         func(c *Config, v string) error
}

var envVars = []envVar{
	{"BADGED_ADDR", "address to listen on (default 127.0.0.1:8080)", func(c *Config, v string) error { c.Addr = v; return nil }},
	{"BADGED_DATA", "data directory (default ./data)", func(c *Config, v string) error { c.DataDir = v; return nil }},
	{"BADGED_BASE_URL", "public URL of this server, e.g. https://badges.example.edu (default http://ADDR)", func(c *Config, v string) error {
		c.BaseURL = strings.TrimRight(v, "/")
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

// check reports settings that are each valid but not together.
func (c Config) check() error {
	for _, d := range c.ReminderDays {
		if d >= c.ClaimDays {
			return fmt.Errorf("BADGED_REMINDER_DAYS: a reminder at %d days left comes before the claim period of %d days (BADGED_CLAIM_DAYS) starts", d, c.ClaimDays)
		}
	}
	return nil
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
