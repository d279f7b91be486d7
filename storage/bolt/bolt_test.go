package bolt_test

import (
	"path/filepath"
	"testing"

	"github.com/badged/badged/issuer"
	"github.com/badged/badged/storage/bolt"
	"github.com/badged/badged/storage/storagetest"
)

// openDB opens a bbolt store in t's temporary directory, closed (and
// checked) when t ends: every test's store.
func openDB(t *testing.T) *bolt.DB {
	t.Helper()
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
}

func newStore(t *testing.T) issuer.Store { return openDB(t) }

func TestStore(t *testing.T) {
	storagetest.Run(t, newStore)
}

func TestAwardStore(t *testing.T) {
	storagetest.RunAwards(t, newStore)
}

func TestAwardEffects(t *testing.T) {
	storagetest.RunAwardEffects(t, func(t *testing.T) storagetest.EffectsStore { return openDB(t) })
}
