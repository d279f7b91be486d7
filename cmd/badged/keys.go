package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"

	"github.com/badged/badged/did"
	"github.com/badged/badged/keys"
)

func runKeys(ctx context.Context, args []string, env *environment) error {
	fs := newFlagSet(env, "keys", "generate --out FILE | show FILE",
		`generate writes a new Ed25519 signing key to FILE (mode 0600; an existing file
is never overwritten) and prints its did:key. show prints the did:key of the
key in FILE. Key files hold a Multikey pair (publicKeyMultibase and
secretKeyMultibase), the form the W3C test vectors use.`)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("keys: say generate or show")
	}
	switch fs.Arg(0) {
	case "generate":
		gs := newFlagSet(env, "keys generate", "--out FILE", "Writes a new Ed25519 signing key to FILE and prints its did:key.")
		out := gs.String("out", "", "file to write the key to (required)")
		if err := gs.Parse(fs.Args()[1:]); err != nil {
			return err
		}
		if *out == "" || gs.NArg() > 0 {
			gs.Usage()
			return fmt.Errorf("keys generate: --out FILE is required")
		}
		key, err := keys.Generate(rand.Reader)
		if err != nil {
			return err
		}
		if err := keys.WriteFile(*out, key); err != nil {
			return fmt.Errorf("keys generate: %w", err)
		}
		return printDID(env, key)
	case "show":
		if fs.NArg() != 2 {
			return fmt.Errorf("keys show: give one key file")
		}
		key, err := keys.ReadFile(fs.Arg(1))
		if err != nil {
			return fmt.Errorf("keys show: %w", err)
		}
		return printDID(env, key)
	default:
		fs.Usage()
		return fmt.Errorf("keys: unknown subcommand %q", fs.Arg(0))
	}
}

func printDID(env *environment, key ed25519.PrivateKey) error {
	id, err := did.KeyDID(key.Public())
	if err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, id)
	return nil
}
