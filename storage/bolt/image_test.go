package bolt_test

import (
	"path/filepath"
	"testing"

	"github.com/badged/badged/badgeimage"
	"github.com/badged/badged/storage/bolt"
	"github.com/badged/badged/storage/storagetest"
)

func TestImageStore(t *testing.T) {
	storagetest.RunImages(t, func(t *testing.T) badgeimage.Store {
		db, err := bolt.Open(filepath.Join(t.TempDir(), "badged.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := db.Close(); err != nil {
				t.Error(err)
			}
		})
		return db
	})
}
