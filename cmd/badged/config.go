package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/badged/badged/egress"
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
}

// DefaultConfig is the embedded default: loopback, ./data, demo mode.
func DefaultConfig() Config {
	return Config{
		Addr:    "127.0.0.1:8080",
		DataDir: "data",
		Egress:  egress.DefaultPolicy(),
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
	{"BADGED_EGRESS_TIMEOUT", "timeout of one outbound fetch (default 5s)", func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		c.Egress.Timeout = d
		return err
	}},
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
	return c, nil
}

func envHelp() string {
	var b strings.Builder
	b.WriteString("Environment:\n")
	for _, e := range envVars {
		fmt.Fprintf(&b, "  %-28s %s\n", e.name, e.about)
	}
	return b.String()
}
