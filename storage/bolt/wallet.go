package bolt

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/verifier"
	"github.com/badged/badged/wallet"
	bolt "go.etcd.io/bbolt"
)

var _ wallet.Store = (*DB)(nil)

// Buckets of package wallet. Items are keyed user ID, 0x00, kind, 0x00,
// ID, so that a user's records of a kind are one prefix scan and no key
// names another user's record.
var (
	bktWalletKeys  = []byte("wallet:keys")       // user ID → walletKeyRecord
	bktWalletItems = []byte("wallet:items")      // user, 0, kind, 0, ID → a record
	idxWalletIDs   = []byte("idx:wallet:public") // kind, 0, ID → user, 0, ID (the holding's for a share)
)

// Kinds of wallet items.
const (
	kindShare        = "share" // ID: the holding's
	kindImport       = "import"
	kindPresentation = "presentation"
	kindCollection   = "collection"
)

// walletFormat is the format number of the wallet records.
const walletFormat = 1

type walletKeyRecord struct {
	Format  int       `json:"format"`
	UserID  string    `json:"userId"`
	DID     string    `json:"did"`
	Sealed  []byte    `json:"sealed"`
	Created time.Time `json:"created"`
}

type shareRecord struct {
	Format    int       `json:"format"`
	ID        string    `json:"id"`
	UserID    string    `json:"userId"`
	HoldingID string    `json:"holdingId"`
	Public    bool      `json:"public"`
	Created   time.Time `json:"created"`
	Updated   time.Time `json:"updated"`
}

type importRecord struct {
	Format       int              `json:"format"`
	ID           string           `json:"id"`
	UserID       string           `json:"userId"`
	Source       string           `json:"source"`
	URL          string           `json:"url,omitempty"`
	Credential   []byte           `json:"credential"`
	CredFormat   string           `json:"credentialFormat"`
	Verification *verifier.Result `json:"verification,omitempty"`
	Created      time.Time        `json:"created"`
}

type presentationRecord struct {
	Format     int       `json:"format"`
	ID         string    `json:"id"`
	UserID     string    `json:"userId"`
	HoldingIDs []string  `json:"holdingIds"`
	Challenge  string    `json:"challenge"`
	Domain     string    `json:"domain,omitempty"`
	JSON       []byte    `json:"json"`
	Created    time.Time `json:"created"`
	Expires    time.Time `json:"expires"`
}

type collectionRecord struct {
	Format     int       `json:"format"`
	ID         string    `json:"id"`
	UserID     string    `json:"userId"`
	Name       string    `json:"name"`
	HoldingIDs []string  `json:"holdingIds"`
	Created    time.Time `json:"created"`
	Updated    time.Time `json:"updated"`
}

func itemKey(userID, kind, id string) []byte { return []byte(userID + "\x00" + kind + "\x00" + id) }
func publicKey(kind, id string) []byte       { return []byte(kind + "\x00" + id) }

func checkWalletIDs(ids ...string) error {
	for _, id := range ids {
		if id == "" || strings.IndexByte(id, 0) >= 0 {
			return badged.Errorf(badged.Invalid, "a wallet record needs IDs without NUL bytes")
		}
	}
	return nil
}

// walletList decodes every item of a kind of a user, by Created, then ID.
func walletList[R any, D any](ctx context.Context, db *DB, userID, kind string, domain func(*R) D, order func(a, b D) int) ([]D, error) {
	out := []D{}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		p := itemKey(userID, kind, "")
		c := tx.Bucket(bktWalletItems).Cursor()
		for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
			var r R
			if err := decode(v, kind, string(k[len(p):]), walletFormat, &r); err != nil {
				return err
			}
			out = append(out, domain(&r))
		}
		return nil
	})
	slices.SortFunc(out, order)
	return out, storeErr(err)
}

// WalletKey implements [wallet.Store].
func (db *DB) WalletKey(ctx context.Context, userID string) (*wallet.Key, error) {
	var r walletKeyRecord
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return getAt(tx, bktWalletKeys, []byte(userID), "wallet key of", userID, walletFormat, &r)
	})
	if err != nil {
		return nil, storeErr(err)
	}
	return &wallet.Key{UserID: r.UserID, DID: r.DID, Sealed: r.Sealed, Created: r.Created}, nil
}

// CreateWalletKey implements [wallet.Store].
func (db *DB) CreateWalletKey(ctx context.Context, k *wallet.Key) error {
	if err := checkWalletIDs(k.UserID); err != nil {
		return err
	}
	return storeErr(db.update(ctx, func(tx *bolt.Tx) error {
		if tx.Bucket(bktWalletKeys).Get([]byte(k.UserID)) != nil {
			return badged.Errorf(badged.Conflict, "user %s has a wallet key", k.UserID)
		}
		return putAt(tx, bktWalletKeys, []byte(k.UserID), &walletKeyRecord{Format: walletFormat, UserID: k.UserID,
			DID: k.DID, Sealed: k.Sealed, Created: k.Created.UTC()})
	}))
}

func (r *shareRecord) domain() *wallet.Share {
	return &wallet.Share{ID: r.ID, UserID: r.UserID, HoldingID: r.HoldingID, Public: r.Public, Created: r.Created, Updated: r.Updated}
}

// PutShare implements [wallet.Store].
func (db *DB) PutShare(ctx context.Context, s *wallet.Share) error {
	if err := checkWalletIDs(s.ID, s.UserID, s.HoldingID); err != nil {
		return err
	}
	r := &shareRecord{Format: walletFormat, ID: s.ID, UserID: s.UserID, HoldingID: s.HoldingID, Public: s.Public,
		Created: s.Created.UTC(), Updated: s.Updated.UTC()}
	return storeErr(db.update(ctx, func(tx *bolt.Tx) error {
		idx := tx.Bucket(idxWalletIDs)
		owner := []byte(s.UserID + "\x00" + s.HoldingID)
		if got := idx.Get(publicKey(kindShare, s.ID)); got != nil && !bytes.Equal(got, owner) {
			return badged.Errorf(badged.Conflict, "share %s exists", s.ID)
		}
		var old shareRecord
		if err := getAt(tx, bktWalletItems, itemKey(s.UserID, kindShare, s.HoldingID), "share", s.HoldingID, walletFormat, &old); err == nil && old.ID != s.ID {
			if err := idx.Delete(publicKey(kindShare, old.ID)); err != nil {
				return err
			}
		}
		if err := idx.Put(publicKey(kindShare, s.ID), owner); err != nil {
			return err
		}
		return putAt(tx, bktWalletItems, itemKey(s.UserID, kindShare, s.HoldingID), r)
	}))
}

// Share implements [wallet.Store].
func (db *DB) Share(ctx context.Context, userID, holdingID string) (*wallet.Share, error) {
	var r shareRecord
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return getAt(tx, bktWalletItems, itemKey(userID, kindShare, holdingID), "share of", holdingID, walletFormat, &r)
	})
	if err != nil {
		return nil, storeErr(err)
	}
	return r.domain(), nil
}

// ShareByID implements [wallet.Store].
func (db *DB) ShareByID(ctx context.Context, id string) (*wallet.Share, error) {
	var r shareRecord
	err := db.view(ctx, func(tx *bolt.Tx) error {
		owner := tx.Bucket(idxWalletIDs).Get(publicKey(kindShare, id))
		if owner == nil {
			return notFound("share", id)
		}
		user, holding, _ := strings.Cut(string(owner), "\x00")
		return getAt(tx, bktWalletItems, itemKey(user, kindShare, holding), "share", id, walletFormat, &r)
	})
	if err != nil {
		return nil, storeErr(err)
	}
	return r.domain(), nil
}

// Shares implements [wallet.Store].
func (db *DB) Shares(ctx context.Context, userID string) ([]*wallet.Share, error) {
	return walletList(ctx, db, userID, kindShare, (*shareRecord).domain, func(a, b *wallet.Share) int {
		return cmp.Or(a.Created.Compare(b.Created), strings.Compare(a.ID, b.ID))
	})
}

func (r *importRecord) domain() *wallet.Import {
	return &wallet.Import{ID: r.ID, UserID: r.UserID, Source: r.Source, URL: r.URL, Credential: r.Credential,
		Format: r.CredFormat, Verification: r.Verification, Created: r.Created}
}

// CreateImport implements [wallet.Store].
func (db *DB) CreateImport(ctx context.Context, im *wallet.Import) error {
	if err := checkWalletIDs(im.ID, im.UserID); err != nil {
		return err
	}
	r := &importRecord{Format: walletFormat, ID: im.ID, UserID: im.UserID, Source: im.Source, URL: im.URL,
		Credential: im.Credential, CredFormat: im.Format, Verification: im.Verification, Created: im.Created.UTC()}
	return storeErr(db.update(ctx, func(tx *bolt.Tx) error {
		return walletInsert(tx, kindImport, im.UserID, im.ID, r)
	}))
}

// walletInsert stores a new item whose ID is unique across users.
func walletInsert(tx *bolt.Tx, kind, userID, id string, r any) error {
	idx := tx.Bucket(idxWalletIDs)
	if idx.Get(publicKey(kind, id)) != nil {
		return badged.Errorf(badged.Conflict, "%s %s exists", kind, id)
	}
	if err := idx.Put(publicKey(kind, id), []byte(userID+"\x00"+id)); err != nil {
		return err
	}
	return putAt(tx, bktWalletItems, itemKey(userID, kind, id), r)
}

// walletDelete removes a user's item and its public ID.
func walletDelete(tx *bolt.Tx, kind, userID, id string) error {
	k := itemKey(userID, kind, id)
	if tx.Bucket(bktWalletItems).Get(k) == nil {
		return notFound(kind, id)
	}
	if err := tx.Bucket(idxWalletIDs).Delete(publicKey(kind, id)); err != nil {
		return err
	}
	return tx.Bucket(bktWalletItems).Delete(k)
}

// Import implements [wallet.Store].
func (db *DB) Import(ctx context.Context, userID, id string) (*wallet.Import, error) {
	var r importRecord
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return getAt(tx, bktWalletItems, itemKey(userID, kindImport, id), "credential", id, walletFormat, &r)
	})
	if err != nil {
		return nil, storeErr(err)
	}
	return r.domain(), nil
}

// Imports implements [wallet.Store].
func (db *DB) Imports(ctx context.Context, userID string) ([]*wallet.Import, error) {
	return walletList(ctx, db, userID, kindImport, (*importRecord).domain, func(a, b *wallet.Import) int {
		return cmp.Or(a.Created.Compare(b.Created), strings.Compare(a.ID, b.ID))
	})
}

// DeleteImport implements [wallet.Store]; it removes the import's share too.
func (db *DB) DeleteImport(ctx context.Context, userID, id string) error {
	return storeErr(db.update(ctx, func(tx *bolt.Tx) error {
		if err := walletDelete(tx, kindImport, userID, id); err != nil {
			return err
		}
		var sh shareRecord
		if getAt(tx, bktWalletItems, itemKey(userID, kindShare, id), "share", id, walletFormat, &sh) == nil {
			if err := tx.Bucket(idxWalletIDs).Delete(publicKey(kindShare, sh.ID)); err != nil {
				return err
			}
			return tx.Bucket(bktWalletItems).Delete(itemKey(userID, kindShare, id))
		}
		return nil
	}))
}

func (r *presentationRecord) domain() *wallet.Presentation {
	return &wallet.Presentation{ID: r.ID, UserID: r.UserID, HoldingIDs: r.HoldingIDs, Challenge: r.Challenge,
		Domain: r.Domain, JSON: r.JSON, Created: r.Created, Expires: r.Expires}
}

// CreatePresentation implements [wallet.Store].
func (db *DB) CreatePresentation(ctx context.Context, p *wallet.Presentation) error {
	if err := checkWalletIDs(p.ID, p.UserID); err != nil {
		return err
	}
	r := &presentationRecord{Format: walletFormat, ID: p.ID, UserID: p.UserID, HoldingIDs: p.HoldingIDs,
		Challenge: p.Challenge, Domain: p.Domain, JSON: p.JSON, Created: p.Created.UTC(), Expires: p.Expires.UTC()}
	return storeErr(db.update(ctx, func(tx *bolt.Tx) error {
		return walletInsert(tx, kindPresentation, p.UserID, p.ID, r)
	}))
}

// Presentation implements [wallet.Store].
func (db *DB) Presentation(ctx context.Context, id string) (*wallet.Presentation, error) {
	var r presentationRecord
	err := db.view(ctx, func(tx *bolt.Tx) error {
		owner := tx.Bucket(idxWalletIDs).Get(publicKey(kindPresentation, id))
		if owner == nil {
			return notFound("presentation", id)
		}
		user, _, _ := strings.Cut(string(owner), "\x00")
		return getAt(tx, bktWalletItems, itemKey(user, kindPresentation, id), "presentation", id, walletFormat, &r)
	})
	if err != nil {
		return nil, storeErr(err)
	}
	return r.domain(), nil
}

// Presentations implements [wallet.Store].
func (db *DB) Presentations(ctx context.Context, userID string) ([]*wallet.Presentation, error) {
	return walletList(ctx, db, userID, kindPresentation, (*presentationRecord).domain, func(a, b *wallet.Presentation) int {
		return cmp.Or(a.Created.Compare(b.Created), strings.Compare(a.ID, b.ID))
	})
}

// DeletePresentation implements [wallet.Store].
func (db *DB) DeletePresentation(ctx context.Context, userID, id string) error {
	return storeErr(db.update(ctx, func(tx *bolt.Tx) error { return walletDelete(tx, kindPresentation, userID, id) }))
}

func (r *collectionRecord) domain() *wallet.Collection {
	return &wallet.Collection{ID: r.ID, UserID: r.UserID, Name: r.Name, HoldingIDs: r.HoldingIDs, Created: r.Created, Updated: r.Updated}
}

// PutCollection implements [wallet.Store]: Conflict when the ID is
// another user's collection.
func (db *DB) PutCollection(ctx context.Context, c *wallet.Collection) error {
	if err := checkWalletIDs(c.ID, c.UserID); err != nil {
		return err
	}
	r := &collectionRecord{Format: walletFormat, ID: c.ID, UserID: c.UserID, Name: c.Name, HoldingIDs: c.HoldingIDs,
		Created: c.Created.UTC(), Updated: c.Updated.UTC()}
	return storeErr(db.update(ctx, func(tx *bolt.Tx) error {
		owner := tx.Bucket(idxWalletIDs).Get(publicKey(kindCollection, c.ID))
		if owner == nil {
			return walletInsert(tx, kindCollection, c.UserID, c.ID, r)
		}
		if string(owner) != c.UserID+"\x00"+c.ID {
			return badged.Errorf(badged.Conflict, "collection %s exists", c.ID)
		}
		return putAt(tx, bktWalletItems, itemKey(c.UserID, kindCollection, c.ID), r)
	}))
}

// Collection implements [wallet.Store].
func (db *DB) Collection(ctx context.Context, userID, id string) (*wallet.Collection, error) {
	var r collectionRecord
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return getAt(tx, bktWalletItems, itemKey(userID, kindCollection, id), "collection", id, walletFormat, &r)
	})
	if err != nil {
		return nil, storeErr(err)
	}
	return r.domain(), nil
}

// Collections implements [wallet.Store].
func (db *DB) Collections(ctx context.Context, userID string) ([]*wallet.Collection, error) {
	return walletList(ctx, db, userID, kindCollection, (*collectionRecord).domain, func(a, b *wallet.Collection) int {
		return cmp.Or(a.Created.Compare(b.Created), strings.Compare(a.ID, b.ID))
	})
}

// DeleteCollection implements [wallet.Store].
func (db *DB) DeleteCollection(ctx context.Context, userID, id string) error {
	return storeErr(db.update(ctx, func(tx *bolt.Tx) error { return walletDelete(tx, kindCollection, userID, id) }))
}

// DeleteWallet implements [wallet.Store].
func (db *DB) DeleteWallet(ctx context.Context, userID string) error {
	if err := checkWalletIDs(userID); err != nil {
		return err
	}
	return storeErr(db.update(ctx, func(tx *bolt.Tx) error {
		if err := tx.Bucket(bktWalletKeys).Delete([]byte(userID)); err != nil {
			return err
		}
		p := []byte(userID + "\x00")
		items, idx := tx.Bucket(bktWalletItems), tx.Bucket(idxWalletIDs)
		var keys [][]byte
		c := items.Cursor()
		for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
			keys = append(keys, bytes.Clone(k))
			kind, id, _ := strings.Cut(string(k[len(p):]), "\x00")
			if kind == kindShare {
				var r shareRecord
				if err := json.Unmarshal(v, &r); err == nil {
					id = r.ID
				}
			}
			if err := idx.Delete(publicKey(kind, id)); err != nil {
				return err
			}
		}
		for _, k := range keys {
			if err := items.Delete(k); err != nil {
				return err
			}
		}
		return nil
	}))
}
