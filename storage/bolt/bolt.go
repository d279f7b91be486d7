// Package bolt stores badged's records in a bbolt file, the embedded
// default store: one bucket of JSON records per entity, and index buckets
// whose keys order children and memberships by creation time.
package bolt

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/storage/internal/record"
	bolt "go.etcd.io/bbolt"
)

var _ issuer.Store = (*DB)(nil)

// Buckets. Records are JSON by ID; index keys are
// parent ID, 0x00, creation time (8 bytes, big-endian), record ID.
var (
	bktInstitutions = []byte("institutions")
	bktGroups       = []byte("groups")
	bktIssuers      = []byte("issuers")
	bktBadgeClasses = []byte("badgeclasses")
	bktMemberships  = []byte("memberships")

	idxInstitutions  = []byte("idx:institutions")
	idxGroups        = []byte("idx:groups:institution")
	idxIssuers       = []byte("idx:issuers:group")
	idxBadgeClasses  = []byte("idx:badgeclasses:issuer")
	idxMembersByNode = []byte("idx:memberships:node")
	idxMembersByUser = []byte("idx:memberships:user")
	idxInvitations   = []byte("idx:memberships:email") // pending only
)

var allBuckets = [][]byte{
	bktInstitutions, bktGroups, bktIssuers, bktBadgeClasses, bktMemberships,
	idxInstitutions, idxGroups, idxIssuers, idxBadgeClasses, idxMembersByNode, idxMembersByUser, idxInvitations,
	bktAwards, idxAwardsByClass, idxAwardsByBundle, idxAwardsByRecipient, idxAwardsScheduled, idxAwardsDeadline, idxAwardsUnissued, idxAwardsOpenRequest,
	bktSessions, bktClients, bktAccessTokens, idxClientSecrets, idxClientsByInst, // auth.go
	bktKeyRings, bktStatusLists, bktCredentials, idxCurrentList, idxSlots, idxSlotOfAward, idxCredentials, idxAllocated, // issuance.go
	bktMails, idxMailsDue, idxMailsByInst, // notify.go
	bktAudit, idxAuditIDs, // audit.go
	bktBulkJobs, bktBulkRows, idxBulkByClass, idxBulkActive, // bulk.go
	bktLoginUsers, idxLoginSubjects, // login.go
	bktWalletKeys, bktWalletItems, idxWalletIDs, // wallet.go
	bktImages,                                             // image.go
	bktVCIOffers, idxVCICodes, idxVCITokens, bktVCINonces, // openid4vci.go
	bktVPTransactions,                                                // openid4vp.go
	bktEndorsements, idxEndorsementsByClass, idxEndorsementsByIssuer, // endorsement.go
	bktOBClients, bktOBGrants, idxOBGrantsUser, bktOBTokens, bktOBProfiles, // obapi.go
	bktLTIPlatforms, idxLTIIssuers, idxLTIInstitution, bktLTINonces, bktLTILinks, bktLTIToolKey, // lti.go
}

// DB is a bbolt database file.
type DB struct {
	bolt    *bolt.DB
	commits committer // see batch
	timer   func(op string, took time.Duration)
}

// Open opens (creating when needed) the database file at path. It waits up
// to a second for another process holding the file to let go, then fails.
func Open(path string, opts ...Option) (*DB, error) {
	// The free page list is not written at each commit (it grows with the
	// file, and a claim's commit would rewrite it) but rebuilt when the
	// file is opened, and kept in a map, as etcd does.
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, NoFreelistSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	err = b.Update(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("open %s: create buckets: %w", path, err)
	}
	db := &DB{bolt: b}
	for _, o := range opts {
		o(db)
	}
	return db, nil
}

// Option configures a DB.
type Option func(*DB)

// WithTimer passes how long each transaction took to f, by op: "commit"
// (a group of concurrent writes), "update" (a write on its own) and
// "view" (a read), for the metrics.
func WithTimer(f func(op string, took time.Duration)) Option { return func(db *DB) { db.timer = f } }

// timed runs fn, passing its duration to the timer, if any.
func (db *DB) timed(op string, fn func() error) error {
	if db.timer == nil {
		return fn()
	}
	start := time.Now()
	err := fn()
	db.timer(op, time.Since(start))
	return err
}

// Close closes the file.
func (db *DB) Close() error { return db.bolt.Close() }

func (db *DB) update(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.timed("update", func() error { return db.bolt.Update(fn) })
}

func (db *DB) view(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.timed("view", func() error { return db.bolt.View(fn) })
}

// indexKey returns parent, 0x00, created (order-preserving), id.
func indexKey(parent string, created time.Time, id string) []byte {
	k := make([]byte, 0, len(parent)+1+8+len(id))
	k = append(k, parent...)
	k = append(k, 0)
	k = binary.BigEndian.AppendUint64(k, uint64(created.UnixNano())^(1<<63))
	return append(k, id...)
}

// indexEntry is a key of an index bucket.
type indexEntry struct {
	bucket []byte
	key    []byte
}

// setIndex puts the index entries of a record, or deletes them when del.
func setIndex(tx *bolt.Tx, entries []indexEntry, del bool) error {
	for _, e := range entries {
		var err error
		if del {
			err = tx.Bucket(e.bucket).Delete(e.key)
		} else {
			err = tx.Bucket(e.bucket).Put(e.key, nil)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func prefix(parent string) []byte { return append([]byte(parent), 0) }

func notFound(what, id string) error {
	return badged.Errorf(badged.NotFound, "%s %s not found", what, id)
}

func conflict(what, id string, stored, given int64) error {
	return badged.Errorf(badged.Conflict, "%s %s was changed by someone else (version %d, not %d); reload and try again", what, id, stored, given)
}

func checkID(what, id string) error {
	if id == "" {
		return badged.Errorf(badged.Invalid, "%s without an ID", what)
	}
	for i := 0; i < len(id); i++ {
		if id[i] == 0 {
			return badged.Errorf(badged.Invalid, "%s ID contains a NUL byte", what)
		}
	}
	return nil
}

// get decodes the record id of bucket, of the shared record package's
// format, into r.
func get(tx *bolt.Tx, bucket []byte, what, id string, r any) error {
	return getFormat(tx, bucket, what, id, record.Format, r)
}

// getFormat decodes the record id of bucket into r, which must be of the
// given format.
func getFormat(tx *bolt.Tx, bucket []byte, what, id string, format int, r any) error {
	return getAt(tx, bucket, []byte(id), what, id, format, r)
}

// getAt decodes the record at key of bucket (the record id of what) into
// r, which must be of the given format: the one read of a record.
func getAt(tx *bolt.Tx, bucket, key []byte, what, id string, format int, r any) error {
	data := tx.Bucket(bucket).Get(key)
	if data == nil {
		return notFound(what, id)
	}
	return decode(data, what, id, format, r)
}

// decode decodes data, the record id of what, into r when its format
// number is format; an unreadable record is Internal.
func decode(data []byte, what, id string, format int, r any) error {
	if err := record.DecodeFormat(data, format, r); err != nil {
		return badged.Wrap(badged.Internal, fmt.Errorf("%s %s: %v", what, id, err), "stored record unreadable")
	}
	return nil
}

// read is a store's read of one record: the record id of bucket as the
// domain value domain makes of it.
func read[R any, D any](ctx context.Context, db *DB, bucket []byte, what, id string, domain func(*R) D) (D, error) {
	var r R
	if err := db.view(ctx, func(tx *bolt.Tx) error { return get(tx, bucket, what, id, &r) }); err != nil {
		var zero D
		return zero, err
	}
	return domain(&r), nil
}

func exists(tx *bolt.Tx, bucket []byte, what, id string) error {
	if id == "" || tx.Bucket(bucket).Get([]byte(id)) == nil {
		return notFound(what, id)
	}
	return nil
}

// put encodes r as the record id of bucket.
func put(tx *bolt.Tx, bucket []byte, id string, r any) error {
	return putAt(tx, bucket, []byte(id), r)
}

// putAt encodes r as the record at key of bucket: the one write of a
// record.
func putAt(tx *bolt.Tx, bucket, key []byte, r any) error {
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return tx.Bucket(bucket).Put(key, data)
}

// insert puts a new record, failing with Conflict when the ID is taken.
func insert(tx *bolt.Tx, bucket []byte, what, id string, r any) error {
	if err := checkID(what, id); err != nil {
		return err
	}
	if tx.Bucket(bucket).Get([]byte(id)) != nil {
		return badged.Errorf(badged.Conflict, "%s %s already exists", what, id)
	}
	return put(tx, bucket, id, r)
}

// list decodes, in index order, the records whose index keys start with
// parent.
func list[R any, D any](ctx context.Context, db *DB, index, bucket []byte, what, parent string, domain func(*R) D) ([]D, error) {
	out := []D{}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		p := prefix(parent)
		c := tx.Bucket(index).Cursor()
		records := tx.Bucket(bucket)
		for k, _ := c.Seek(p); k != nil && len(k) >= len(p)+8 && string(k[:len(p)]) == string(p); k, _ = c.Next() {
			id := string(k[len(p)+8:])
			var r R
			data := records.Get([]byte(id))
			if data == nil {
				return badged.Errorf(badged.Internal, "index %s names missing %s %s", index, what, id)
			}
			if err := record.Decode(data, &r); err != nil {
				return badged.Wrap(badged.Internal, fmt.Errorf("%s %s: %w", what, id, err), "stored record unreadable")
			}
			out = append(out, domain(&r))
		}
		return nil
	})
	return out, err
}

// Backup writes a consistent copy of the whole database file to w, from
// one read transaction, while the store stays in use: what `badged backup`
// saves of a running server. It returns the bytes written.
func (db *DB) Backup(w io.Writer) (n int64, err error) {
	err = db.bolt.View(func(tx *bolt.Tx) error {
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}
