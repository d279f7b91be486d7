package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/badged/badged/did"
	"github.com/badged/badged/egress"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/verifier"
)

func runVerify(ctx context.Context, args []string, env *environment) error {
	var dataDir string
	fs := newFlagSet(env, "verify", "[--json] [--server URL] FILE... | --all [--data DIR]",
		`Verifies each FILE ("-" for stdin): a JSON-LD credential or presentation, a
VC-JWT, or a PNG or SVG image with a baked credential. Prints a report of
every check per input and exits 0 only if every input is valid.

Keys (did:web) and status lists are fetched over HTTPS, never from private,
loopback or link-local addresses unless BADGED_EGRESS_ALLOW_PRIVATE=true or the
host is listed in BADGED_EGRESS_ALLOW_HOSTS (comma-separated host[:port]).
BADGED_EGRESS_CONNECT_TO (host:port=host:port,...) connects to another address
for a host's URLs, keeping the URL and the name its certificate is checked for.

With --server URL, the credentials of the badged server at URL are checked
against that server: the did:web DIDs of its host are fetched from URL (over
http when URL says http), and it may be on this machine or this network, so a
local demo server (--server http://localhost:8080) can be checked. Everything
else is fetched as without it.

With --all, every credential stored in the data directory (or PostgreSQL)
is checked instead, with the keys and status lists of the store itself: after
a restore, say. BADGED_BASE_URL must be the base URL they were issued under.
A revoked credential counts as verifying (its issuer revoked it); the command
fails if any other does not verify.`)
	all := fs.Bool("all", false, "verify every credential in the store (see --data) instead of files")
	fs.StringVar(&dataDir, "data", "", "data directory for --all (BADGED_DATA)")
	asJSON := fs.Bool("json", false, "print one JSON result per input (a line each) instead of the report")
	server := fs.String("server", "", "URL of the badged server whose DID documents and status lists to fetch from it\n(e.g. http://localhost:8080), even on loopback or plain http")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *all {
		cfg, err := loadConfig(env.getenv)
		if err != nil {
			return err
		}
		if dataDir != "" {
			cfg.DataDir = dataDir
		}
		return verifyAll(ctx, cfg, env)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("verify: give at least one file, or - for stdin")
	}
	cfg, err := loadConfig(env.getenv)
	if err != nil {
		return err
	}
	v, err := newVerifier(cfg, *server)
	if err != nil {
		return err
	}
	failed, unchecked := 0, 0
	for _, name := range fs.Args() {
		input, err := readInput(env, name, verifier.DefaultMaxInput)
		var res *verifier.Result
		if err != nil {
			res = &verifier.Result{Verdict: verifier.Invalid, Checks: []verifier.Check{{ID: verifier.CheckFormat, Verdict: verifier.Fail, Message: err.Error()}}}
		} else {
			res = v.Verify(ctx, input)
		}
		switch res.Verdict {
		case verifier.Invalid:
			failed++
		case verifier.Indeterminate:
			unchecked++
		}
		if *asJSON {
			line, err := json.Marshal(struct {
				File string `json:"file"`
				*verifier.Result
			}{name, res})
			if err != nil {
				return err
			}
			fmt.Fprintln(env.stdout, string(line))
			continue
		}
		printReport(env, name, res)
	}
	switch {
	case failed > 0 && unchecked > 0:
		return fmt.Errorf("%d of %d inputs not valid, %d could not be fully checked", failed, fs.NArg(), unchecked)
	case failed > 0:
		return fmt.Errorf("%d of %d inputs not valid", failed, fs.NArg())
	case unchecked > 0:
		return fmt.Errorf("%d of %d inputs could not be fully checked right now", unchecked, fs.NArg())
	}
	return nil
}

// newVerifier wires the verifier as the server does for foreign issuers:
// embedded contexts (and badged's v2 context of BADGED_BASE_URL and of the
// --server), keys and status lists through the egress policy of
// cfg. A server URL (--server) adds that server's host to the policy's
// allowed hosts and has its did:web DIDs fetched from the URL's origin
// (did.WithServedAt); its status lists are at URLs under it already.
// opts are added to the verifier's (the end-to-end tests' clock).
func newVerifier(cfg Config, server string, opts ...verifier.Option) (*verifier.Verifier, error) {
	policy := cfg.Egress
	var didOpts []did.Option
	bases := []string{cfg.BaseURL}
	if server != "" {
		u, err := url.Parse(server)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("verify: --server %q is not an http or https URL of a server", server)
		}
		hosts := []string{u.Host}
		if local := localName(u.Hostname()); local != u.Hostname() {
			// A server on a loopback address names itself localhost in
			// its DIDs (see localBaseURL).
			if u.Port() != "" {
				local = net.JoinHostPort(local, u.Port())
			}
			hosts = append(hosts, local)
		}
		policy.AllowHosts = append(slices.Clone(policy.AllowHosts), hosts...)
		for _, h := range hosts {
			didOpts = append(didOpts, did.WithServedAt(h, u.Scheme+"://"+u.Host))
			// Its credentials name its badged v2 context under the same
			// name as its DIDs.
			bases = append(bases, u.Scheme+"://"+h)
		}
	}
	client := egress.NewClient(policy)
	loader, err := cfg.contextLoader(bases...)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	return verifier.New(jsonld.New(loader), did.NewResolver(client, didOpts...),
		append([]verifier.Option{verifier.WithStatus(verifier.HTTPFetcher{Client: client})}, opts...)...), nil
}

var marks = map[verifier.Verdict]string{
	verifier.Pass:      "ok  ",
	verifier.Warning:   "warn",
	verifier.Fail:      "FAIL",
	verifier.Skipped:   "skip",
	verifier.Unchecked: "????",
}

func printReport(env *environment, name string, res *verifier.Result) {
	verdict := "VALID"
	switch res.Verdict {
	case verifier.Invalid:
		verdict = "NOT VALID"
	case verifier.Indeterminate:
		verdict = "COULD NOT BE FULLY CHECKED"
	}
	var about []string
	if res.Securing != "" {
		about = append(about, res.Securing)
	}
	if res.IssuerName != "" {
		about = append(about, "issuer "+res.IssuerName+" <"+res.Issuer+">")
	} else if res.Issuer != "" {
		about = append(about, "issuer "+res.Issuer)
	}
	line := name + ": " + verdict
	if len(about) > 0 {
		line += " (" + strings.Join(about, ", ") + ")"
	}
	fmt.Fprintln(env.stdout, line)
	for _, c := range res.Checks {
		fmt.Fprintf(env.stdout, "  %s %-9s %s\n", marks[c.Verdict], c.ID, c.Message)
	}
	for i, sub := range res.Credentials {
		printReport(env, fmt.Sprintf("%s[credential %d]", name, i+1), sub)
	}
}
