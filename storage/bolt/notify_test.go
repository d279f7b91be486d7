package bolt_test

import (
	"path/filepath"
	"testing"

	"github.com/badged/badged/audit"
	"github.com/badged/badged/notify"
	"github.com/badged/badged/storage/bolt"
	"github.com/badged/badged/storage/storagetest"
)

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

func TestOutboxStore(t *testing.T) {
	storagetest.RunOutbox(t, func(t *testing.T) notify.Store { return openDB(t) })
}

func TestAuditStore(t *testing.T) {
	storagetest.RunAudit(t, func(t *testing.T) audit.Store { return openDB(t) })
}
