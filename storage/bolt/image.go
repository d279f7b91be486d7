package bolt

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/badged/badged"
	"github.com/badged/badged/badgeimage"
	bolt "go.etcd.io/bbolt"
)

var _ badgeimage.Store = (*DB)(nil)

// bktImages holds badge images by the hex SHA-256 of their bytes.
var bktImages = []byte("images")

// imageFormat is the format number of the image records.
const imageFormat = 1

type imageRecord struct {
	Format    int    `json:"format"`
	MediaType string `json:"mediaType"`
	Data      []byte `json:"data"`
}

// PutImage implements [badgeimage.Store].
func (db *DB) PutImage(ctx context.Context, im *badgeimage.Image) error {
	data, err := json.Marshal(imageRecord{Format: imageFormat, MediaType: im.MediaType, Data: im.Data})
	if err != nil {
		return fmt.Errorf("encode image: %w", err)
	}
	key := []byte(im.SHA256())
	return db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bktImages)
		if b.Get(key) != nil {
			return nil
		}
		return b.Put(key, data)
	})
}

// Image implements [badgeimage.Store].
func (db *DB) Image(ctx context.Context, sum string) (*badgeimage.Image, error) {
	var r imageRecord
	err := db.view(ctx, func(tx *bolt.Tx) error {
		data := tx.Bucket(bktImages).Get([]byte(sum))
		if data == nil || sum == "" {
			return fmt.Errorf("image %s: %w", sum, badgeimage.ErrNotFound)
		}
		return json.Unmarshal(data, &r) // copies: data is only valid in the transaction
	})
	if err != nil {
		if badged.KindOf(err) == badged.NotFound {
			return nil, err
		}
		return nil, badged.Wrap(badged.Internal, fmt.Errorf("image %s: %v", sum, err), "stored record unreadable")
	}
	if r.Format != imageFormat {
		return nil, badged.Wrap(badged.Internal, fmt.Errorf("image %s: unknown format %d", sum, r.Format), "stored record unreadable")
	}
	return &badgeimage.Image{MediaType: r.MediaType, Data: r.Data}, nil
}
