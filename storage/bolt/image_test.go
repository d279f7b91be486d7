package bolt_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/badged/badged/badgeimage"
	"github.com/badged/badged/storage/bolt"
	"github.com/badged/badged/storage/storagetest"
	bbolt "go.etcd.io/bbolt"
)

func TestImageStore(t *testing.T) {
	storagetest.RunImages(t, func(t *testing.T) badgeimage.Store { return openDB(t) })
}

// TestImageRecordFormat pins the stored form of an image (format 1): a
// record written as badged writes it reads back, and one of an unknown
// format is an internal error, not an image.
func TestImageRecordFormat(t *testing.T) {
	db := openWith(t, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte("images"))
		if err := b.Put([]byte("a1"), []byte(`{"format":1,"mediaType":"image/svg+xml","data":"PHN2Zy8+"}`)); err != nil {
			return err
		}
		return b.Put([]byte("a2"), []byte(`{"format":2,"mediaType":"image/svg+xml","data":"PHN2Zy8+"}`))
	})
	im, err := db.Image(context.Background(), "a1")
	if err != nil || im.MediaType != badgeimage.SVG || string(im.Data) != "<svg/>" {
		t.Errorf("format 1 read as %+v, %v", im, err)
	}
	if _, err := db.Image(context.Background(), "a2"); err == nil {
		t.Error("a record of an unknown format read")
	}
}

// openWith opens a new database file after write has put records into it
// as they are stored, through bbolt itself: records of earlier formats.
func openWith(t *testing.T, write func(tx *bbolt.Tx) error) *bolt.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "badged.db")
	db, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = raw.Update(write)
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}
	if db, err = bolt.Open(path); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
