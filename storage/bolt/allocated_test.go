package bolt

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/badged/badged/issuance"
	"github.com/badged/badged/issuer"
)

// TestAllocatedCount: a status list record written before the reserved
// indexes were counted apart keeps its count from the record; the next
// reservation counts on from it, without rewriting the record.
func TestAllocatedCount(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "badged.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	old := statusListRecord{Format: issuanceFormat, ID: "L", IssuerID: "iss", Purpose: "revocation", Seq: 1, Size: 16,
		Allocated: 5, Encoded: "x", Version: 1, Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	if err := db.bolt.Update(func(tx *bolt.Tx) error { return put(tx, bktStatusLists, "L", old) }); err != nil {
		t.Fatal(err)
	}
	if l, err := db.StatusList(ctx, "L"); err != nil || l.Allocated != 5 {
		t.Fatalf("an old list: %+v, %v", l, err)
	}
	c := &issuance.Credential{IssuerID: "iss", ListID: "L"}
	c.IssuedCredential = issuer.IssuedCredential{ID: "https://badges.example.org/credentials/1", AwardID: "a1", JSON: []byte(`{}`),
		StatusList: "https://badges.example.org/status/L", StatusIdx: 9}
	if err := db.CreateCredential(ctx, c); err != nil {
		t.Fatal(err)
	}
	if l, err := db.StatusList(ctx, "L"); err != nil || l.Allocated != 6 || l.Version != 1 {
		t.Fatalf("after a reservation: %+v, %v", l, err)
	}
	var stored statusListRecord
	if err := db.bolt.View(func(tx *bolt.Tx) error {
		return getFormat(tx, bktStatusLists, "status list", "L", issuanceFormat, &stored)
	}); err != nil || stored.Allocated != 5 {
		t.Errorf("the list record was rewritten: %+v, %v", stored, err)
	}
}
