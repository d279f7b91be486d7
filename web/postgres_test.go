package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/badged/badged/storage/postgres"
	"github.com/jackc/pgx/v5"
)

// freshPostgres returns the URL of a new schema on the test server
// (TEST_POSTGRES_DSN, else the local trust server), dropped at the end of
// the test. Without a server it skips the test, or fails it when CI=true.
func freshPostgres(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("TEST_POSTGRES_DSN")
	if dsn == "" {
		dsn = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err == nil {
		err = conn.Ping(ctx)
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is required when CI=true (set TEST_POSTGRES_DSN): %v", err)
		}
		t.Skipf("PostgreSQL unreachable (set TEST_POSTGRES_DSN to test elsewhere): %v", err)
	}
	defer conn.Close(context.Background())
	var b [6]byte
	rand.Read(b[:])
	schema := "badged_web_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Error(err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return dsn + " search_path=" + schema
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// openPostgres opens (and migrates) the store on a fresh schema; it
// returns it with the schema's URL.
func openPostgres(t *testing.T) (*postgres.DB, string) {
	t.Helper()
	dsn := freshPostgres(t)
	db, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db, dsn
}

// scanPostgres reports, per needle (case-insensitive), the table.column
// places of the schema of dsn holding it: every column of every base
// table, bytea read as escaped text and any other type cast to text.
func scanPostgres(t *testing.T, dsn string, needles []string) map[string][]string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT c.table_name, c.column_name, c.data_type
		FROM information_schema.columns c JOIN information_schema.tables t
		  ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
		ORDER BY c.table_name, c.ordinal_position`)
	if err != nil {
		t.Fatal(err)
	}
	type column struct{ table, name, typ string }
	cols, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (column, error) {
		var c column
		return c, r.Scan(&c.table, &c.name, &c.typ)
	})
	if err != nil {
		t.Fatal(err)
	}
	tables := map[string]bool{}
	for _, c := range cols {
		tables[c.table] = true
	}
	if len(tables) < 10 {
		t.Fatalf("only %d tables in the schema: the scan would prove nothing", len(tables))
	}
	found := map[string][]string{}
	for _, c := range cols {
		expr := pgx.Identifier{c.name}.Sanitize() + "::text"
		if c.typ == "bytea" {
			expr = "encode(" + pgx.Identifier{c.name}.Sanitize() + ", 'escape')"
		}
		q := "SELECT count(*) FROM " + pgx.Identifier{c.table}.Sanitize() + " WHERE strpos(lower(" + expr + "), lower($1)) > 0"
		for _, n := range needles {
			var k int
			if err := conn.QueryRow(ctx, q, n).Scan(&k); err != nil {
				t.Fatalf("%s.%s: %v", c.table, c.name, err)
			}
			if k > 0 {
				found[n] = append(found[n], fmt.Sprintf("table %s column %s (%d rows)", c.table, c.name, k))
			}
		}
	}
	return found
}
