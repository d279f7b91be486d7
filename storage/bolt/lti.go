package bolt

import (
	"context"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/badged/badged"
	"github.com/badged/badged/lti"
	"github.com/badged/badged/storage/internal/record"
)

var (
	bktLTIPlatforms   = []byte("lti_platforms")    // id → record.LTIPlatform
	idxLTIIssuers     = []byte("lti_issuers")      // iss 0x00 client id → platform id
	idxLTIInstitution = []byte("lti_institutions") // institution 0x00 platform id → nil
	bktLTINonces      = []byte("lti_nonces")       // nonce hash → expiry (JSON time)
	bktLTILinks       = []byte("lti_links")        // platform id 0x00 context id → record.LTILink
	bktLTIToolKey     = []byte("lti_tool_key")     // "tool" → the sealed key
)

func ltiIssuerKey(iss, clientID string) []byte { return []byte(iss + "\x00" + clientID) }

// CreatePlatform implements [lti.Store].
func (db *DB) CreatePlatform(ctx context.Context, p *lti.Platform) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		key := ltiIssuerKey(p.Issuer, p.ClientID)
		if tx.Bucket(idxLTIIssuers).Get(key) != nil {
			return badged.Errorf(badged.Conflict, "a platform %s with client id %s is registered already", p.Issuer, p.ClientID)
		}
		if err := insert(tx, bktLTIPlatforms, "platform", p.ID, record.FromLTIPlatform(p)); err != nil {
			return err
		}
		if err := tx.Bucket(idxLTIIssuers).Put(key, []byte(p.ID)); err != nil {
			return err
		}
		return tx.Bucket(idxLTIInstitution).Put([]byte(p.InstitutionID+"\x00"+p.ID), nil)
	})
}

// Platform implements [lti.Store].
func (db *DB) Platform(ctx context.Context, id string) (*lti.Platform, error) {
	return read(ctx, db, bktLTIPlatforms, "platform", id, (*record.LTIPlatform).Domain)
}

// PlatformByIssuer implements [lti.Store]: without a client id, the one
// platform of the issuer (Invalid when it has several).
func (db *DB) PlatformByIssuer(ctx context.Context, iss, clientID string) (*lti.Platform, error) {
	var r record.LTIPlatform
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var id []byte
		if clientID != "" {
			id = tx.Bucket(idxLTIIssuers).Get(ltiIssuerKey(iss, clientID))
		} else {
			c := tx.Bucket(idxLTIIssuers).Cursor()
			p := ltiIssuerKey(iss, "")
			for k, v := c.Seek(p); k != nil && len(k) >= len(p) && string(k[:len(p)]) == string(p); k, v = c.Next() {
				if id != nil {
					return badged.Errorf(badged.Invalid, "several platforms %s are registered: the login must name its client_id", iss)
				}
				id = v
			}
		}
		if id == nil {
			return notFound("platform", iss)
		}
		return get(tx, bktLTIPlatforms, "platform", string(id), &r)
	})
	if err != nil {
		return nil, err
	}
	return r.Domain(), nil
}

// Platforms implements [lti.Store].
func (db *DB) Platforms(ctx context.Context, institutionID string) ([]*lti.Platform, error) {
	out := []*lti.Platform{}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(idxLTIInstitution).Cursor()
		p := prefix(institutionID)
		for k, _ := c.Seek(p); k != nil && len(k) > len(p) && string(k[:len(p)]) == string(p); k, _ = c.Next() {
			var r record.LTIPlatform
			if err := get(tx, bktLTIPlatforms, "platform", string(k[len(p):]), &r); err != nil {
				return err
			}
			out = append(out, r.Domain())
		}
		return nil
	})
	return out, err
}

// CreateLTINonce implements [lti.Store].
func (db *DB) CreateLTINonce(ctx context.Context, hash string, expires time.Time) error {
	return db.createNonce(ctx, bktLTINonces, hash, expires)
}

// TakeLTINonce implements [lti.Store].
func (db *DB) TakeLTINonce(ctx context.Context, hash string) (time.Time, error) {
	return db.takeNonce(ctx, bktLTINonces, hash)
}

// PutLink implements [lti.Store].
func (db *DB) PutLink(ctx context.Context, l *lti.Link) error {
	key := l.PlatformID + "\x00" + l.ContextID
	r := record.FromLTILink(l)
	err := db.update(ctx, func(tx *bolt.Tx) error {
		var stored int64
		var old record.LTILink
		if err := get(tx, bktLTILinks, "course link", key, &old); err == nil {
			stored = old.Version
		} else if badged.KindOf(err) != badged.NotFound {
			return err
		}
		if stored != l.Version {
			return conflict("course link", l.ContextID, stored, l.Version)
		}
		r.Version = stored + 1
		return put(tx, bktLTILinks, key, r)
	})
	if err == nil {
		l.Version = r.Version
	}
	return err
}

// Link implements [lti.Store].
func (db *DB) Link(ctx context.Context, platformID, contextID string) (*lti.Link, error) {
	var r record.LTILink
	if err := db.view(ctx, func(tx *bolt.Tx) error {
		return get(tx, bktLTILinks, "course link", platformID+"\x00"+contextID, &r)
	}); err != nil {
		return nil, err
	}
	return r.Domain(), nil
}

// ToolKey implements [lti.Store].
func (db *DB) ToolKey(ctx context.Context, create func() ([]byte, error)) ([]byte, error) {
	var key []byte
	if err := db.view(ctx, func(tx *bolt.Tx) error {
		key = append([]byte(nil), tx.Bucket(bktLTIToolKey).Get([]byte("tool"))...)
		return nil
	}); err != nil || len(key) > 0 {
		return key, err
	}
	fresh, err := create()
	if err != nil {
		return nil, err
	}
	err = db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bktLTIToolKey)
		if k := b.Get([]byte("tool")); k != nil {
			key = append([]byte(nil), k...) // another call won
			return nil
		}
		key = fresh
		return b.Put([]byte("tool"), fresh)
	})
	return key, err
}
