package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/badged/badged/contexts"
	"github.com/badged/badged/did"
	"github.com/badged/badged/egress"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/verifier"
)

func runVerify(ctx context.Context, args []string, env *environment) error {
	fs := newFlagSet(env, "verify", "[--json] FILE...",
		`Verifies each FILE ("-" for stdin): a JSON-LD credential or presentation, a
VC-JWT, or a PNG or SVG image with a baked credential. Prints a report of
every check per input and exits 0 only if every input is valid.

Keys (did:web) and status lists are fetched over HTTPS, never from private,
loopback or link-local addresses unless BADGED_EGRESS_ALLOW_PRIVATE=true or the
host is listed in BADGED_EGRESS_ALLOW_HOSTS (comma-separated host[:port]).`)
	asJSON := fs.Bool("json", false, "print one JSON result per input (a line each) instead of the report")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("verify: give at least one file, or - for stdin")
	}
	cfg, err := loadConfig(env.getenv)
	if err != nil {
		return err
	}
	v := newVerifier(cfg)
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

// newVerifier wires the verifier as the server does: embedded contexts,
// keys and status lists through the egress policy of cfg.
func newVerifier(cfg Config) *verifier.Verifier {
	client := egress.NewClient(cfg.Egress)
	return verifier.New(jsonld.New(contexts.NewLoader()), did.NewResolver(client),
		verifier.WithStatus(verifier.HTTPFetcher{Client: client}))
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
