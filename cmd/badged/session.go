package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/badged/badged/auth"
	"github.com/badged/badged/issuer"
)

// runSession starts a session of a platform administrator on the store
// serve would use and prints its token: the demo login of the API, and
// how tests and scripts bootstrap a fresh data directory.
func runSession(ctx context.Context, args []string, env *environment) error {
	cfg, err := loadConfig(env.getenv)
	if err != nil {
		return err
	}
	fs := newFlagSet(env, "session", "[--data DIR] [--user ID] [--email ADDR]",
		`Demo mode only: starts a session of a platform administrator (superuser) in
the store serve uses, and prints its token, to be sent as the cookie
`+"`badged_session=TOKEN`"+` to the API. It refuses to run when BADGED_MASTER_KEY is
set, that is, outside demo mode. With the embedded bbolt store, run it while
the server is stopped: only one process can open the file.

`+envHelp())
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data directory (BADGED_DATA)")
	user := fs.String("user", "demo-admin", "user ID of the administrator")
	email := fs.String("email", "admin@demo.invalid", "email of the administrator")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("session: unexpected arguments %q", fs.Args())
	}
	if cfg.MasterKey != "" {
		return errors.New("session: only in demo mode (BADGED_MASTER_KEY is set); sign in instead")
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("session: data directory: %w", err)
	}
	st, closeStore, err := openStore(ctx, cfg, nil)
	if err != nil {
		return fmt.Errorf("session: %w", err)
	}
	defer closeStore()
	token, _, err := auth.NewService(st, issuer.NewService(st)).CreateSession(ctx, auth.User{ID: *user, Email: *email, Superuser: true})
	if err != nil {
		return fmt.Errorf("session: %w", err)
	}
	_, err = fmt.Fprintln(env.stdout, token)
	return err
}
