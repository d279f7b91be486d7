package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/badged/badged/issuer"
	"github.com/badged/badged/storage/postgres"
	"github.com/badged/badged/storage/storagetest"
	"github.com/jackc/pgx/v5"
)

const defaultDSN = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

var (
	reachOnce sync.Once
	reachErr  error
)

// baseDSN returns the DSN of the test server, skipping the test when it
// does not answer, or failing it when CI=true.
func baseDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("TEST_POSTGRES_DSN")
	if dsn == "" {
		dsn = defaultDSN
	}
	reachOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			reachErr = err
			return
		}
		reachErr = conn.Ping(ctx)
		conn.Close(ctx)
	})
	if reachErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL at %s is required when CI=true: %v", redact(dsn), reachErr)
		}
		t.Skipf("PostgreSQL unreachable at %s (set TEST_POSTGRES_DSN to test elsewhere): %v", redact(dsn), reachErr)
	}
	return dsn
}

func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		u.User = url.User(u.User.Username())
		return u.String()
	}
	return "the configured DSN"
}

// freshSchema creates a schema for one test, dropped at its end, and
// returns a DSN whose search_path is that schema.
func freshSchema(t *testing.T) string {
	t.Helper()
	dsn := baseDSN(t)
	var b [6]byte
	rand.Read(b[:])
	schema := "badged_test_" + hex.EncodeToString(b[:])
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Error(err)
		}
	})
	return withSearchPath(t, dsn, schema)
}

func withSearchPath(t *testing.T, dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " search_path=" + schema
}

func open(t *testing.T, dsn string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

func TestStore(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) issuer.Store { return open(t, freshSchema(t)) })
}

func TestAwardStore(t *testing.T) {
	storagetest.RunAwards(t, func(t *testing.T) issuer.Store { return open(t, freshSchema(t)) })
}

func TestAwardEffects(t *testing.T) {
	storagetest.RunAwardEffects(t, func(t *testing.T) storagetest.EffectsStore { return open(t, freshSchema(t)) })
}

// TestMigrateConcurrently opens one fresh schema from several processes'
// worth of pools at once, then again: every open succeeds and each
// migration is recorded once.
func TestMigrateConcurrently(t *testing.T) {
	dsn := freshSchema(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			db, err := postgres.Open(context.Background(), dsn)
			if err == nil {
				db.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("open %d: %v", i, err)
		}
	}
	open(t, dsn) // idempotent
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n, distinct int
	if err := conn.QueryRow(ctx, "SELECT count(*), count(DISTINCT name) FROM schema_migrations").Scan(&n, &distinct); err != nil {
		t.Fatal(err)
	}
	if n == 0 || n != distinct {
		t.Errorf("schema_migrations has %d rows, %d distinct", n, distinct)
	}
}
