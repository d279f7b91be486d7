package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/bulk"
	"github.com/badged/badged/storage/internal/record"
	bolt "go.etcd.io/bbolt"
)

// Bulk award buckets: jobs by ID; rows by job ID, 0x00, row index (8
// bytes, big-endian); jobs by badge class ([indexKey]); and the jobs a
// worker may still claim (queued or running), by creation.
var (
	bktBulkJobs    = []byte("bulk:jobs")
	bktBulkRows    = []byte("bulk:rows")
	idxBulkByClass = []byte("idx:bulk:badgeclass")
	idxBulkActive  = []byte("idx:bulk:active")
)

var (
	_ bulk.Store         = (*DB)(nil)
	_ bulk.LeaseResetter = (*DB)(nil)
)

// bulkJob is the stored form of bulk.Job.
type bulkJob = record.BulkJob

// active reports whether the job is waiting or running.
func active(r *bulkJob) bool {
	return r.State == string(bulk.Queued) || r.State == string(bulk.Running)
}

// bulkRow is the stored form of bulk.Row.
type bulkRow struct {
	Format int `json:"format"`
	bulk.Row
}

func rowKey(jobID string, i int) []byte {
	return binary.BigEndian.AppendUint64(prefix(jobID), uint64(i))
}

// CreateJob implements [bulk.Store].
func (db *DB) CreateJob(ctx context.Context, j *bulk.Job, rows []bulk.Row) error {
	r := record.FromJob(j)
	r.Version = 1
	err := db.update(ctx, func(tx *bolt.Tx) error {
		if err := insert(tx, bktBulkJobs, "bulk award", r.ID, r); err != nil {
			return err
		}
		if err := tx.Bucket(idxBulkByClass).Put(indexKey(r.BadgeClassID, r.Created, r.ID), nil); err != nil {
			return err
		}
		if active(r) {
			if err := tx.Bucket(idxBulkActive).Put(indexKey("", r.Created, r.ID), nil); err != nil {
				return err
			}
		}
		b := tx.Bucket(bktBulkRows)
		b.FillPercent = 0.9 // appended in key order
		for i, row := range rows {
			data, err := json.Marshal(bulkRow{Format: record.Format, Row: row})
			if err != nil {
				return err
			}
			if err := b.Put(rowKey(r.ID, i), data); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		j.Version = 1
	}
	return err
}

func (db *DB) job(tx *bolt.Tx, id string) (*bulkJob, error) {
	var r bulkJob
	if err := get(tx, bktBulkJobs, "bulk award", id, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// Job implements [bulk.Store].
func (db *DB) Job(ctx context.Context, id string) (*bulk.Job, error) {
	var r *bulkJob
	err := db.view(ctx, func(tx *bolt.Tx) (err error) { r, err = db.job(tx, id); return err })
	if err != nil {
		return nil, err
	}
	return r.Domain(), nil
}

// Jobs implements [bulk.Store].
func (db *DB) Jobs(ctx context.Context, badgeClassID string) ([]*bulk.Job, error) {
	var out []*bulk.Job
	err := db.view(ctx, func(tx *bolt.Tx) error {
		idx := tx.Bucket(idxBulkByClass)
		p := prefix(badgeClassID)
		c := idx.Cursor()
		for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
			r, err := db.job(tx, string(k[len(p)+8:]))
			if err != nil {
				return err
			}
			out = append(out, r.Domain())
		}
		return nil
	})
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 { // newest first
		out[i], out[j] = out[j], out[i]
	}
	return out, err
}

// JobRows implements [bulk.Store].
func (db *DB) JobRows(ctx context.Context, id string, skip, limit int) ([]bulk.Row, error) {
	var out []bulk.Row
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bktBulkRows)
		p := prefix(id)
		c := b.Cursor()
		for k, v := c.Seek(rowKey(id, skip)); k != nil && bytes.HasPrefix(k, p) && (limit <= 0 || len(out) < limit); k, v = c.Next() {
			var r bulkRow
			if err := record.Decode(v, &r); err != nil {
				return badged.Wrap(badged.Internal, fmt.Errorf("bulk award %s row: %w", id, err), "stored record unreadable")
			}
			out = append(out, r.Row)
		}
		return nil
	})
	return out, err
}

// ClaimJob implements [bulk.Store]. A bbolt file has one process, whose
// transactions are serialised, so claiming needs nothing more.
func (db *DB) ClaimJob(ctx context.Context, owner string, now time.Time, lease time.Duration) (*bulk.Job, error) {
	var got *bulkJob
	err := db.update(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(idxBulkActive).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			r, err := db.job(tx, string(k[1+8:]))
			if err != nil {
				return err
			}
			j := r.Domain()
			if !j.Claimable(now) {
				continue
			}
			j.Claim(owner, now, lease)
			r = record.FromJob(j)
			if err := put(tx, bktBulkJobs, r.ID, r); err != nil {
				return err
			}
			got = r
			return nil
		}
		return nil
	})
	if err != nil || got == nil {
		return nil, err
	}
	return got.Domain(), nil
}

// UpdateJob implements [bulk.Store].
func (db *DB) UpdateJob(ctx context.Context, j *bulk.Job, owner string) error {
	err := db.update(ctx, func(tx *bolt.Tx) error {
		r, err := db.job(tx, j.ID)
		if err != nil {
			return err
		}
		wasActive := active(r)
		stored := r.Domain()
		if err := stored.Apply(j, owner); err != nil {
			return err
		}
		r = record.FromJob(stored)
		if err := put(tx, bktBulkJobs, r.ID, r); err != nil {
			return err
		}
		if j.State.Final() { // rows hold personal data, and are read only while the job runs
			if err := deleteJobRows(tx, r.ID); err != nil {
				return err
			}
		}
		switch k := indexKey("", r.Created, r.ID); {
		case wasActive && !active(r):
			return tx.Bucket(idxBulkActive).Delete(k)
		case !wasActive && active(r):
			return tx.Bucket(idxBulkActive).Put(k, nil)
		}
		return nil
	})
	if err == nil {
		j.Version++
	}
	return err
}

// deleteJobRows deletes the rows of job id.
func deleteJobRows(tx *bolt.Tx, id string) error {
	b := tx.Bucket(bktBulkRows)
	p := prefix(id)
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// ResetLeases implements [bulk.LeaseResetter]: only one process can open
// a bbolt file, so the leases found when a worker starts are a dead
// process's.
func (db *DB) ResetLeases(ctx context.Context) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(idxBulkActive).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			r, err := db.job(tx, string(k[1+8:]))
			if err != nil {
				return err
			}
			if r.LeaseOwner == "" {
				continue
			}
			r.LeaseOwner, r.LeaseUntil = "", time.Time{}
			if err := put(tx, bktBulkJobs, r.ID, r); err != nil {
				return err
			}
		}
		return nil
	})
}
