package bolt_test

import (
	"path/filepath"
	"testing"

	"github.com/badged/badged/openid4vci"
	"github.com/badged/badged/storage/bolt"
	"github.com/badged/badged/storage/storagetest"
)

func TestOpenID4VCIStore(t *testing.T) {
	storagetest.RunOpenID4VCI(t, func(t *testing.T) openid4vci.Store {
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
