package bolt_test

import (
	"path/filepath"
	"testing"

	"github.com/badged/badged/issuance"
	"github.com/badged/badged/storage/bolt"
	"github.com/badged/badged/storage/storagetest"
)

func TestIssuanceStore(t *testing.T) {
	storagetest.RunIssuance(t, func(t *testing.T) issuance.Store {
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
