package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/badged/badged/did"
	"github.com/badged/badged/openid4vci"
)

// runOffer creates an OpenID4VCI credential offer for an issued award in
// the store serve uses, and prints its openid-credential-offer:// URI and
// transaction code, which the learner gives their wallet.
func runOffer(ctx context.Context, args []string, env *environment) error {
	cfg, err := loadConfig(env.getenv)
	if err != nil {
		return err
	}
	fs := newFlagSet(env, "offer", "--award ID [--data DIR] [--base-url URL] [--no-tx-code]",
		`Creates an OpenID4VCI credential offer (pre-authorized code) for an issued
award and prints its openid-credential-offer:// URI and, on the next line,
its transaction code. The offer is valid for ten minutes and once. The base
URL must be the one serve answers on. With the embedded bbolt store, run it
while the server is stopped: only one process can open the file.

`+envHelp())
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data directory (BADGED_DATA)")
	fs.StringVar(&cfg.BaseURL, "base-url", cfg.BaseURL, "public URL of the server (BADGED_BASE_URL)")
	award := fs.String("award", "", "ID of the issued award to offer")
	noTx := fs.Bool("no-tx-code", false, "offer without a transaction code")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("offer: unexpected arguments %q", fs.Args())
	}
	if *award == "" {
		return errors.New("offer: --award is required")
	}
	if cfg.BaseURL == "" {
		return errors.New("offer: no base URL (--base-url or BADGED_BASE_URL)")
	}
	if _, err := os.Stat(cfg.DataDir); err != nil && cfg.DatabaseURL == "" {
		return fmt.Errorf("offer: data directory: %w", err)
	}
	st, closeStore, err := openStore(ctx, cfg)
	if err != nil {
		return fmt.Errorf("offer: %w", err)
	}
	defer closeStore()
	if _, err := st.CredentialByAward(ctx, *award); err != nil {
		return fmt.Errorf("offer: award %s has no issued credential: %w", *award, err)
	}
	o, err := openid4vci.New(st, cfg.BaseURL, did.NewResolver(nil)).CreateOffer(ctx, *award, !*noTx)
	if err != nil {
		return fmt.Errorf("offer: %w", err)
	}
	_, err = fmt.Fprintf(env.stdout, "%s\n%s\n", o.URI, o.TxCode)
	return err
}
