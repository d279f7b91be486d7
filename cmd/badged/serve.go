package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/badged/badged/auth"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/keys"
	"github.com/badged/badged/storage/bolt"
	"github.com/badged/badged/storage/postgres"
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
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve: unexpected arguments %q", fs.Args())
	}
	log := slog.New(slog.NewTextHandler(env.stdout, nil))
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("serve: data directory: %w", err)
	}
	if _, err := masterKey(cfg, log); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	l, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	base := cfg.BaseURL
	if base == "" {
		base = "http://" + l.Addr().String()
	}
	st, closeStore, err := openStore(ctx, cfg)
	if err != nil {
		l.Close()
		return fmt.Errorf("serve: %w", err)
	}
	defer closeStore()
	is := issuer.NewService(st)
	api := web.API{BaseURL: base, Issuer: is, Auth: auth.NewService(st, is), Institutions: st}
	log.Info("badged listening", "addr", l.Addr().String(), "url", base, "data", cfg.DataDir, "version", version)
	return web.NewServer(version, log, api).Serve(ctx, l)
}

// store is what serve keeps its records in: bbolt or PostgreSQL.
type store interface {
	issuer.Store
	auth.Store
}

// openStore opens PostgreSQL when BADGED_DATABASE_URL is set, else the
// bbolt file badged.db in the data directory. Errors never quote the URL,
// which may hold a password.
func openStore(ctx context.Context, cfg Config) (store, func(), error) {
	if u := cfg.DatabaseURL; u != "" {
		if !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
			return nil, nil, errors.New("BADGED_DATABASE_URL: not a postgres:// URL")
		}
		db, err := postgres.Open(ctx, u)
		if err != nil {
			return nil, nil, err
		}
		return db, db.Close, nil
	}
	db, err := bolt.Open(filepath.Join(cfg.DataDir, "badged.db"))
	if err != nil {
		return nil, nil, err
	}
	return db, func() { db.Close() }, nil
}

// masterKey returns the key that seals signing keys at rest: the operator's
// BADGED_MASTER_KEY, or in demo mode one generated once and kept in the data
// directory (which the log says, since it is not fit for production).
func masterKey(cfg Config, log *slog.Logger) ([]byte, error) {
	if cfg.MasterKey != "" {
		k, err := keys.ParseMasterKey(cfg.MasterKey)
		if err != nil {
			return nil, fmt.Errorf("BADGED_MASTER_KEY: %w", err)
		}
		return k, nil
	}
	path := filepath.Join(cfg.DataDir, "master.key")
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		k := make([]byte, keys.MasterKeySize)
		if _, err := rand.Read(k); err != nil {
			return nil, err
		}
		enc := base64.StdEncoding.EncodeToString(k)
		if err := os.WriteFile(path, []byte(enc+"\n"), 0o600); err != nil {
			return nil, fmt.Errorf("write demo master key: %w", err)
		}
		log.Warn("demo mode: generated a master key in the data directory; set BADGED_MASTER_KEY in production", "file", path)
		return k, nil
	}
	if err != nil {
		return nil, err
	}
	k, err := keys.ParseMasterKey(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	log.Warn("demo mode: using the master key kept in the data directory; set BADGED_MASTER_KEY in production", "file", path)
	return k, nil
}
