package bolt_test

import (
	"path/filepath"
	"testing"

	"github.com/badged/badged/issuer"
	"github.com/badged/badged/storage/bolt"
	"github.com/badged/badged/storage/storagetest"
)

func newStore(t *testing.T) issuer.Store {
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

func TestStore(t *testing.T) {
	storagetest.Run(t, newStore)
}

func TestAwardStore(t *testing.T) {
	storagetest.RunAwards(t, newStore)
}

func TestAwardEffects(t *testing.T) {
	storagetest.RunAwardEffects(t, func(t *testing.T) storagetest.EffectsStore { return openDB(t) })
}
