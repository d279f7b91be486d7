package bolt_test

import (
	"path/filepath"
	"testing"

	"github.com/badged/badged/login"
	"github.com/badged/badged/storage/bolt"
	"github.com/badged/badged/storage/storagetest"
)

func TestLoginStore(t *testing.T) {
	storagetest.RunLogin(t, func(t *testing.T) login.Store {
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
