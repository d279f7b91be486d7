// Command badged is the Open Badges 3.0 platform: one binary that serves the
// issuer portal, the backpack and the verifier, and signs, verifies and
// manages keys from the command line. Run `badged help` for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "badged:", err)
		os.Exit(1)
	}
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, env *environment) error
}

// environment is what a command may touch of the process.
type environment struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
}

func commands() []command {
	return []command{
		{"serve", "run the badged server (issuer portal, backpack, verifier, API)", runServe},
		{"session", "demo mode: start a platform administrator session and print its token", runSession},
		{"offer", "create an OpenID4VCI credential offer for an issued award", runOffer},
		{"issue", "sign a credential with a key file", runIssue},
		{"verify", "verify credentials (JSON, JWT, baked PNG or SVG), or every stored one (--all)", runVerify},
		{"backup", "copy the embedded database, also while the server runs", runBackup},
		{"restore", "restore a backup into a fresh data directory", runRestore},
		{"keys", "generate a signing key, or show a key's did:key", runKeys},
		{"version", "print badged's version", runVersion},
	}
}

// run is badged's main, testable: it reads only its arguments and the
// environment it is given, and writes only to stdout (errors are returned).
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	env := &environment{getenv: getenv, stdin: stdin, stdout: stdout}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			return run(ctx, []string{args[1], "-h"}, getenv, stdin, stdout)
		}
		usage(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(ctx, args[1:], env)
			if errors.Is(err, flag.ErrHelp) {
				return nil
			}
			return err
		}
	}
	usage(stdout)
	return fmt.Errorf("unknown command %q", args[0])
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "badged %s: Open Badges 3.0 credentials, issued, kept and verified.\n\nUsage: badged COMMAND [flags]\n\nCommands:\n", version)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "  help     this text; `badged help COMMAND` or `badged COMMAND -h` explains a command's flags")
}

// newFlagSet returns a flag set that prints its usage to stdout and returns
// errors instead of exiting.
func newFlagSet(env *environment, name, synopsis, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stdout)
	fs.Usage = func() {
		fmt.Fprintf(env.stdout, "Usage: badged %s %s\n\n%s\n", name, synopsis, about)
		var hasFlags bool
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintln(env.stdout, "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

func runVersion(_ context.Context, args []string, env *environment) error {
	fs := newFlagSet(env, "version", "", "Prints badged's version.")
	if err := fs.Parse(args); err != nil {
		return err
	}
	_, err := fmt.Fprintln(env.stdout, "badged", version)
	return err
}
