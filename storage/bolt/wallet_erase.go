package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/notify"
	"github.com/badged/badged/storage/internal/record"
	"github.com/badged/badged/wallet"
	bolt "go.etcd.io/bbolt"
)

var (
	_ issuer.RecipientEraser = (*DB)(nil)
	_ wallet.Accounts        = (*DB)(nil)
)

// EraseRecipient implements [issuer.RecipientEraser].
func (db *DB) EraseRecipient(ctx context.Context, l issuer.Learner) (int, error) {
	var keys []string
	for _, k := range []string{"u:" + l.UserID, "d:" + l.EduID} {
		if len(k) > 2 {
			keys = append(keys, k)
		}
	}
	for _, p := range l.EPPNs {
		keys = append(keys, "p:"+p)
	}
	for _, e := range l.Emails {
		keys = append(keys, "e:"+strings.ToLower(e))
	}
	n := 0
	err := db.update(ctx, func(tx *bolt.Tx) error {
		ids := map[string]bool{}
		c := tx.Bucket(idxAwardsByRecipient).Cursor()
		for _, rk := range keys {
			p := prefix(rk)
			for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p) && len(k) >= len(p)+8; k, _ = c.Next() {
				ids[string(k[len(p)+8:])] = true
			}
		}
		for id := range ids {
			var r record.Award
			if err := get(tx, bktAwards, "award", id, &r); err != nil {
				return err
			}
			old := r
			r.EraseLearner()
			r.Version++
			if err := put(tx, bktAwards, id, &r); err != nil {
				return err
			}
			if err := reindexAward(tx, &old, &r); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, storeErr(err)
}

// EraseAccount implements [wallet.Accounts]: it deletes the login user
// record, every session of the user and every mail to one of their
// addresses.
func (db *DB) EraseAccount(ctx context.Context, l issuer.Learner) error {
	if err := db.DeleteUser(ctx, l.UserID); err != nil && badged.KindOf(err) != badged.NotFound {
		return err
	}
	emails := map[string]bool{}
	for _, e := range l.Emails {
		emails[strings.ToLower(strings.TrimSpace(e))] = true
	}
	return storeErr(db.update(ctx, func(tx *bolt.Tx) error {
		var sessions [][]byte
		err := tx.Bucket(bktSessions).ForEach(func(k, v []byte) error {
			var r sessionRecord
			if json.Unmarshal(v, &r) == nil && r.UserID == l.UserID {
				sessions = append(sessions, bytes.Clone(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range sessions {
			if err := tx.Bucket(bktSessions).Delete(k); err != nil {
				return err
			}
		}
		var mails []*mailRecord
		err = tx.Bucket(bktMails).ForEach(func(k, v []byte) error {
			var r mailRecord
			if json.Unmarshal(v, &r) == nil && emails[strings.ToLower(strings.TrimSpace(r.To))] {
				mails = append(mails, &r)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, r := range mails {
			if r.Status == string(notify.Pending) {
				if err := tx.Bucket(idxMailsDue).Delete(indexKey("", r.NextAttempt, r.ID)); err != nil {
					return err
				}
			}
			if err := tx.Bucket(idxMailsByInst).Delete(indexKey(r.InstitutionID, r.Created, r.ID)); err != nil {
				return err
			}
			if err := tx.Bucket(bktMails).Delete([]byte(r.ID)); err != nil {
				return err
			}
		}
		return nil
	}))
}

// Scan calls fn with every key and value of every bucket, in one read
// transaction: how a privacy audit (and the deletion tests) checks that
// nothing of a person is left. fn must not keep the slices.
func (db *DB) Scan(ctx context.Context, fn func(bucket, key, value []byte) error) error {
	return db.view(ctx, func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error { return fn(name, k, v) })
		})
	})
}
