package bolt_test

import (
	"path/filepath"
	"testing"

	"github.com/badged/badged/storage/bolt"
	"github.com/badged/badged/storage/storagetest"
)

func TestInsightsStore(t *testing.T) {
	storagetest.RunInsights(t, func(t *testing.T) storagetest.InsightsStore {
		db, err := bolt.Open(filepath.Join(t.TempDir(), "badged.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}
