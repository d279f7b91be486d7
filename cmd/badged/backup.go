package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/badged/badged/egress"
	"github.com/badged/badged/issuance"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/keys"
	"github.com/badged/badged/verifier"
	"github.com/badged/badged/web"
)

// runBackup copies the bbolt database: from a running server over its API
// (a consistent copy from one read transaction), or from a data directory
// no server has open.
func runBackup(ctx context.Context, args []string, env *environment) error {
	cfg, err := loadConfig(env.getenv)
	if err != nil {
		return err
	}
	fs := newFlagSet(env, "backup", "--out FILE [--data DIR | --server URL --token TOKEN]",
		`Writes a consistent copy of the embedded bbolt database to FILE, which
`+"`badged restore`"+` takes. A running server holds the database file, so back it up
through the server: --server URL with the session token of a platform
administrator (--token, or BADGED_TOKEN; in demo mode `+"`badged session`"+` prints
one before the server starts). Without --server the data directory's file is
copied, which works only while no server has it open.

The master key is not in the backup: keep BADGED_MASTER_KEY (or, in demo
mode, DATA/master.key) with it, or the restored server cannot sign. With
PostgreSQL (BADGED_DATABASE_URL) use pg_dump instead.`)
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data directory (BADGED_DATA)")
	out := fs.String("out", "", "file to write the backup to (required; it must not exist)")
	server := fs.String("server", "", "URL of the running badged server to back up")
	token := fs.String("token", env.getenv("BADGED_TOKEN"), "session token of a platform administrator, for --server (BADGED_TOKEN)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case *out == "":
		fs.Usage()
		return errors.New("backup: --out FILE is required")
	case cfg.DatabaseURL != "" && *server == "":
		return errors.New("backup: the records are in PostgreSQL (BADGED_DATABASE_URL): back them up with pg_dump")
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	n, err := func() (int64, error) {
		if *server != "" {
			return backupFromServer(ctx, *server, *token, f)
		}
		return backupFromFile(filepath.Join(cfg.DataDir, "badged.db"), f)
	}()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = checkBackup(*out)
	}
	if err != nil {
		os.Remove(*out)
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(env.stdout, "backed up %d bytes to %s\n", n, *out)
	return nil
}

func backupFromServer(ctx context.Context, server, token string, w io.Writer) (int64, error) {
	if token == "" {
		return 0, errors.New("--server needs the session token of a platform administrator (--token or BADGED_TOKEN)")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(server, "/")+"/api/v1/admin/backup", nil)
	if err != nil {
		return 0, err
	}
	req.AddCookie(&http.Cookie{Name: "badged_session", Value: token})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return 0, fmt.Errorf("the server answered %s: %s", resp.Status, strings.TrimSpace(string(b)))
	}
	return io.Copy(w, resp.Body)
}

func backupFromFile(path string, w io.Writer) (int64, error) {
	if _, err := os.Stat(path); err != nil {
		return 0, fmt.Errorf("no database at %s", path)
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true, Timeout: time.Second})
	if errors.Is(err, bbolt.ErrTimeout) {
		return 0, fmt.Errorf("%s is open in a running server: back it up through the server with --server URL --token TOKEN", path)
	} else if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int64
	err = db.View(func(tx *bbolt.Tx) error {
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// checkBackup opens a backup read-only and makes sure it is a whole badged
// database.
func checkBackup(path string) error {
	db, err := bbolt.Open(path, 0o400, &bbolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return fmt.Errorf("%s is not a bbolt database: %w", path, err)
	}
	defer db.Close()
	return db.View(func(tx *bbolt.Tx) error {
		if tx.Bucket([]byte("institutions")) == nil {
			return fmt.Errorf("%s is a bbolt database, but not badged's", path)
		}
		return nil
	})
}

// runRestore puts a backup in place as the database of a fresh data
// directory.
func runRestore(ctx context.Context, args []string, env *environment) error {
	cfg, err := loadConfig(env.getenv)
	if err != nil {
		return err
	}
	fs := newFlagSet(env, "restore", "[--data DIR] FILE",
		`Restores a backup that `+"`badged backup`"+` wrote as the database of the data
directory DIR, which must not have one yet (restore never overwrites). Then
start the server on DIR with the master key of the backed-up server, and check
every credential with `+"`badged verify --all --data DIR`"+`.`)
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data directory to restore into (BADGED_DATA)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("restore: give the backup FILE")
	}
	src := fs.Arg(0)
	if err := checkBackup(src); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	dst := filepath.Join(cfg.DataDir, "badged.db")
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("restore: %s already has a database: restore into a fresh data directory", cfg.DataDir)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer in.Close()
	tmp := dst + ".restoring"
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	n, err := io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, dst)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("restore: %w", err)
	}
	fmt.Fprintf(env.stdout, "restored %d bytes into %s\n", n, dst)
	return nil
}

// verifyAll checks every credential the store holds with the server's own
// verifier (its issuers' keys and status lists read from the store, never
// fetched), prints a line per failure and a summary, and fails when any
// credential is not valid. cfg.BaseURL must be the base URL the
// credentials were issued under.
func verifyAll(ctx context.Context, cfg Config, env *environment) error {
	if cfg.DatabaseURL == "" {
		if _, err := os.Stat(filepath.Join(cfg.DataDir, "badged.db")); err != nil {
			return fmt.Errorf("verify --all: no database in %s", cfg.DataDir)
		}
	}
	st, closeStore, err := openStore(ctx, cfg, nil)
	if err != nil {
		if errors.Is(err, bbolt.ErrTimeout) {
			return fmt.Errorf("verify --all: the database in %s is open in a running server: stop it, or verify a restored copy", cfg.DataDir)
		}
		return fmt.Errorf("verify --all: %w", err)
	}
	defer closeStore()
	base := cmp.Or(cfg.BaseURL, "http://localhost:8080")
	loader, err := cfg.contextLoader(base)
	if err != nil {
		return err
	}
	// Verifying reads public keys only; the sealer is never used to unseal.
	var mk [keys.MasterKeySize]byte
	rand.Read(mk[:])
	sealer, err := keys.NewSealer(mk[:])
	if err != nil {
		return err
	}
	iss, err := issuance.New(st, sealer, base, jsonld.New(loader))
	if err != nil {
		return err
	}
	v := web.ServerVerifier(egress.NewClient(cfg.Egress), iss, time.Now, verifier.WithLimits(cfg.VerifyLimits), verifier.WithJSONLD(jsonld.New(loader)))
	total, failed := 0, 0
	for after := ""; ; {
		page, err := st.Credentials(ctx, after, 100)
		if err != nil {
			return fmt.Errorf("verify --all: %w", err)
		}
		if len(page) == 0 {
			break
		}
		for _, c := range page {
			after = c.AwardID
			total++
			res := v.Verify(ctx, c.JSON)
			if res.Verdict == verifier.Valid || (res.Status != "" && onlyStatusFailed(res)) {
				continue // a revoked or suspended credential is as it should be
			}
			failed++
			fmt.Fprintf(env.stdout, "%s (award %s): %s", c.ID, c.AwardID, res.Verdict)
			for _, f := range res.Failed() {
				fmt.Fprintf(env.stdout, "; %s: %s", f.ID, f.Message)
			}
			fmt.Fprintln(env.stdout)
		}
	}
	fmt.Fprintf(env.stdout, "%d credentials checked, %d verify, %d do not\n", total, total-failed, failed)
	if failed > 0 {
		return fmt.Errorf("verify --all: %d of %d credentials do not verify", failed, total)
	}
	return nil
}

// onlyStatusFailed reports whether the status check is the one check res
// failed: a credential its issuer revoked.
func onlyStatusFailed(res *verifier.Result) bool {
	fs := res.Failed()
	return len(fs) == 1 && fs[0].ID == verifier.CheckStatus
}
