// Package postgres stores badged's records in PostgreSQL through pgx, for
// deployments with more than one node. The schema is created and upgraded
// by embedded migrations when the store is opened; records are kept as
// JSON (the same stored form as storage/bolt) beside the columns queries
// need.
package postgres

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/storage/internal/record"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

var _ issuer.Store = (*DB)(nil)

//go:embed migrations/*.sql
var migrations embed.FS

// migrationLock is the first key of the advisory lock taken while
// migrating; the second is a hash of the schema name, so that processes
// migrating different schemas do not wait for each other.
const migrationLock int32 = 0x0badbed

// DB is a PostgreSQL database.
type DB struct {
	pool             *pgxpool.Pool
	credentialWrites groupCommit[*credentialWrite]
	freeSlots        freeSlots // FreeSlot's candidates
}

// Open connects to the database dsn names (a URL or key=value string, as
// libpq takes; search_path may be set in it) and applies the migrations
// it lacks. Processes opening the same database at once apply each
// migration once.
func Open(ctx context.Context, dsn string, opts ...Option) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse DSN: %v", err) // the parser's message may quote the password
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.timer != nil {
		cfg.ConnConfig.Tracer = timer(o.timer)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return &DB{pool: pool}, nil
}

// Option configures a DB.
type Option func(*options)

type options struct {
	timer func(op string, took time.Duration)
}

// WithTimer passes how long each statement took to f, by op: the
// statement's kind (select, insert, update, delete, with, ...), never its
// text, for the metrics.
func WithTimer(f func(op string, took time.Duration)) Option { return func(o *options) { o.timer = f } }

// timer is a pgx query tracer that times statements.
type timer func(op string, took time.Duration)

type traceStart struct{}

type started struct {
	at time.Time
	op string
}

func (t timer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	op, _, _ := strings.Cut(strings.TrimSpace(d.SQL), " ")
	return context.WithValue(ctx, traceStart{}, started{time.Now(), strings.ToLower(op)})
}

func (t timer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryEndData) {
	if s, ok := ctx.Value(traceStart{}).(started); ok {
		t(s.op, time.Since(s.at))
	}
}

// Close closes every connection.
func (db *DB) Close() { db.pool.Close() }

// migrate applies, in name order, each embedded migration not yet recorded
// in schema_migrations, each in its own transaction, holding a
// session-level advisory lock throughout.
func migrate(ctx context.Context, pool *pgxpool.Pool) (err error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: connect: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1, hashtext(current_schema()))", migrationLock); err != nil {
		return fmt.Errorf("postgres: lock for migrations: %w", err)
	}
	defer func() {
		_, uerr := conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1, hashtext(current_schema()))", migrationLock)
		if uerr != nil && err == nil {
			err = fmt.Errorf("postgres: unlock after migrations: %w", uerr)
		}
	}()
	_, err = conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name       text PRIMARY KEY,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`)
	if err != nil {
		return fmt.Errorf("postgres: create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql") // sorted
	if err != nil {
		return err
	}
	for _, name := range names {
		base := path.Base(name)
		var done bool
		if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE name = $1)", base).Scan(&done); err != nil {
			return fmt.Errorf("postgres: migration %s: %w", base, err)
		}
		if done {
			continue
		}
		sql, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, string(sql)); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (name) VALUES ($1)", base)
			return err
		})
		if err != nil {
			return fmt.Errorf("postgres: migration %s: %w", base, err)
		}
	}
	return nil
}

// querier is a pool or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// rec is a pointer to a record type.
type rec[R any] interface {
	*R
	Header() *record.Meta
}

func notFound(what, id string) error {
	return badged.Errorf(badged.NotFound, "%s %s not found", what, id)
}

func conflict(what, id string, stored, given int64) error {
	return badged.Errorf(badged.Conflict, "%s %s was changed by someone else (version %d, not %d); reload and try again", what, id, stored, given)
}

// storeError translates constraint violations into the domain's kinds.
func storeError(err error, what, id, parent string) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505": // unique_violation
			return badged.Errorf(badged.Conflict, "%s %s already exists", what, id)
		case "23503": // foreign_key_violation
			return badged.Errorf(badged.NotFound, "%s not found", parent)
		}
	}
	return badged.Wrap(badged.Unavailable, err, "the database failed")
}

// get reads the record id of table, locking its row when forUpdate.
func get[R any, P rec[R]](ctx context.Context, q querier, table, what, id string, forUpdate bool) (P, error) {
	sql := "SELECT data, version FROM " + table + " WHERE id = $1"
	if forUpdate {
		sql += " FOR UPDATE"
	}
	var (
		data    []byte
		version int64
	)
	if err := q.QueryRow(ctx, sql, id).Scan(&data, &version); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, notFound(what, id)
		}
		return nil, storeError(err, what, id, "")
	}
	return decode[R, P](data, version, what, id)
}

func decode[R any, P rec[R]](data []byte, version int64, what, id string) (P, error) {
	r := P(new(R))
	if err := record.Decode(data, r); err != nil {
		return nil, badged.Wrap(badged.Internal, fmt.Errorf("%s %s: %w", what, id, err), "stored record unreadable")
	}
	r.Header().Version = version
	return r, nil
}

// list reads the records a query returns as (data, version, id) rows.
func list[R any, P rec[R], D any](ctx context.Context, q querier, what string, domain func(P) D, sql string, args ...any) ([]D, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, storeError(err, what, "", "")
	}
	defer rows.Close()
	out := []D{}
	for rows.Next() {
		var (
			data    []byte
			version int64
			id      string
		)
		if err := rows.Scan(&data, &version, &id); err != nil {
			return nil, storeError(err, what, "", "")
		}
		r, err := decode[R, P](data, version, what, id)
		if err != nil {
			return nil, err
		}
		out = append(out, domain(r))
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(err, what, "", "")
	}
	return out, nil
}

// update replaces the record next.ID of table when its stored version is
// next's, after keep has copied the fixed fields from the stored record;
// write stores next (at its new version) in the transaction.
func update[R any, P rec[R]](ctx context.Context, db *DB, table, what string, next P, keep func(tx pgx.Tx, old, next P) error, write func(tx pgx.Tx, data []byte) error) error {
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		return updateIn[R, P](ctx, tx, table, what, next, keep, write)
	})
}

// updateIn is [update] in the transaction tx.
func updateIn[R any, P rec[R]](ctx context.Context, tx pgx.Tx, table, what string, next P, keep func(tx pgx.Tx, old, next P) error, write func(tx pgx.Tx, data []byte) error) error {
	h := next.Header()
	given := h.Version
	old, err := get[R, P](ctx, tx, table, what, h.ID, true)
	if err != nil {
		return err
	}
	if v := old.Header().Version; v != given {
		return conflict(what, h.ID, v, given)
	}
	h.Created = old.Header().Created
	if err := keep(tx, old, next); err != nil {
		return err
	}
	h.Version = given + 1
	data, err := json.Marshal(next)
	if err != nil {
		return err
	}
	if err := write(tx, data); err != nil {
		return storeError(err, what, h.ID, "")
	}
	return nil
}

func encode(r any) ([]byte, error) {
	data, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode record: %w", err)
	}
	return data, nil
}
