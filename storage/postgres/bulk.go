package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/bulk"
	"github.com/badged/badged/storage/internal/record"
	"github.com/jackc/pgx/v5"
)

var _ bulk.Store = (*DB)(nil)

// bulkJob is the stored form of bulk.Job.
type bulkJob = record.BulkJob

func leaseNS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

type bulkRow struct {
	Format int `json:"format"`
	bulk.Row
}

func decodeJob(data []byte) (*bulkJob, error) {
	var r bulkJob
	if err := record.Decode(data, &r); err != nil {
		return nil, badged.Wrap(badged.Internal, fmt.Errorf("bulk award: %w", err), "stored record unreadable")
	}
	return &r, nil
}

// CreateJob implements [bulk.Store].
func (db *DB) CreateJob(ctx context.Context, j *bulk.Job, rows []bulk.Row) error {
	r := record.FromJob(j)
	r.Version = 1
	if r.ID == "" {
		return badged.Errorf(badged.Invalid, "bulk award without an ID")
	}
	data, err := encode(r)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO bulk_jobs (id, badge_class_id, state, lease_until_ns, created_ns, version, data)
			VALUES ($1, $2, $3, $4, $5, 1, $6)`, r.ID, r.BadgeClassID, r.State, leaseNS(r.LeaseUntil), r.Created.UnixNano(), data)
		if err != nil {
			return storeError(err, "bulk award", r.ID, "")
		}
		if len(rows) == 0 {
			return nil
		}
		src := make([][]any, len(rows))
		for i, row := range rows {
			b, err := json.Marshal(bulkRow{Format: record.Format, Row: row})
			if err != nil {
				return err
			}
			src[i] = []any{r.ID, int32(i), b}
		}
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"bulk_rows"}, []string{"job_id", "idx", "data"}, pgx.CopyFromRows(src))
		return err
	})
	if err != nil {
		return err
	}
	j.Version = 1
	return nil
}

// Job implements [bulk.Store].
func (db *DB) Job(ctx context.Context, id string) (*bulk.Job, error) {
	var data []byte
	if err := db.pool.QueryRow(ctx, "SELECT data FROM bulk_jobs WHERE id = $1", id).Scan(&data); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, notFound("bulk award", id)
		}
		return nil, fmt.Errorf("bulk award %s: %w", id, err)
	}
	r, err := decodeJob(data)
	if err != nil {
		return nil, err
	}
	return r.Domain(), nil
}

// Jobs implements [bulk.Store].
func (db *DB) Jobs(ctx context.Context, badgeClassID string) ([]*bulk.Job, error) {
	rows, err := db.pool.Query(ctx, "SELECT data FROM bulk_jobs WHERE badge_class_id = $1 ORDER BY created_ns DESC, id DESC", badgeClassID)
	if err != nil {
		return nil, fmt.Errorf("bulk awards of %s: %w", badgeClassID, err)
	}
	datas, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return nil, fmt.Errorf("bulk awards of %s: %w", badgeClassID, err)
	}
	out := make([]*bulk.Job, 0, len(datas))
	for _, d := range datas {
		r, err := decodeJob(d)
		if err != nil {
			return nil, err
		}
		out = append(out, r.Domain())
	}
	return out, nil
}

// JobRows implements [bulk.Store].
func (db *DB) JobRows(ctx context.Context, id string, skip, limit int) ([]bulk.Row, error) {
	sql := "SELECT data FROM bulk_rows WHERE job_id = $1 AND idx >= $2 ORDER BY idx"
	args := []any{id, skip}
	if limit > 0 {
		sql += " LIMIT $3"
		args = append(args, limit)
	}
	rows, err := db.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("rows of bulk award %s: %w", id, err)
	}
	datas, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return nil, fmt.Errorf("rows of bulk award %s: %w", id, err)
	}
	out := make([]bulk.Row, len(datas))
	for i, d := range datas {
		var r bulkRow
		if err := record.Decode(d, &r); err != nil {
			return nil, badged.Wrap(badged.Internal, fmt.Errorf("bulk award %s row: %w", id, err), "stored record unreadable")
		}
		out[i] = r.Row
	}
	return out, nil
}

// ClaimJob implements [bulk.Store]: FOR UPDATE SKIP LOCKED hands each
// waiting job to one of the workers asking at once.
func (db *DB) ClaimJob(ctx context.Context, owner string, now time.Time, lease time.Duration) (*bulk.Job, error) {
	var got *bulkJob
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var data []byte
		err := tx.QueryRow(ctx, `SELECT data FROM bulk_jobs
			WHERE state = 'queued' OR (state = 'running' AND lease_until_ns < $1)
			ORDER BY created_ns, id LIMIT 1 FOR UPDATE SKIP LOCKED`, now.UnixNano()).Scan(&data)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		r, err := decodeJob(data)
		if err != nil {
			return err
		}
		j := r.Domain()
		j.Claim(owner, now, lease)
		r = record.FromJob(j)
		if err := db.putJob(ctx, tx, r); err != nil {
			return err
		}
		got = r
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim a bulk award: %w", err)
	}
	if got == nil {
		return nil, nil
	}
	return got.Domain(), nil
}

func (db *DB) putJob(ctx context.Context, tx pgx.Tx, r *bulkJob) error {
	data, err := encode(r)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, "UPDATE bulk_jobs SET state = $2, lease_until_ns = $3, version = $4, data = $5 WHERE id = $1",
		r.ID, r.State, leaseNS(r.LeaseUntil), r.Version, data)
	return err
}

// UpdateJob implements [bulk.Store].
func (db *DB) UpdateJob(ctx context.Context, j *bulk.Job, owner string) error {
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var data []byte
		if err := tx.QueryRow(ctx, "SELECT data FROM bulk_jobs WHERE id = $1 FOR UPDATE", j.ID).Scan(&data); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return notFound("bulk award", j.ID)
			}
			return err
		}
		r, err := decodeJob(data)
		if err != nil {
			return err
		}
		stored := r.Domain()
		if err := stored.Apply(j, owner); err != nil {
			return err
		}
		r = record.FromJob(stored)
		if err := db.putJob(ctx, tx, r); err != nil {
			return err
		}
		if j.State.Final() { // rows hold personal data, and are read only while the job runs
			if _, err := tx.Exec(ctx, "DELETE FROM bulk_rows WHERE job_id = $1", r.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		if badged.KindOf(err) != badged.Internal {
			return err
		}
		return fmt.Errorf("update bulk award %s: %w", j.ID, err)
	}
	j.Version++
	return nil
}
