package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/badged/badged/devidp"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/storage/bolt"
)

// TestDemoTerms: the demo institution has terms in both languages, which
// its demo learners' claims accept.
func TestDemoTerms(t *testing.T) {
	ctx := context.Background()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "badged.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := seedDemoInstitution(ctx, issuer.NewService(db), db); err != nil {
		t.Fatal(err)
	}
	ins, err := db.Institutions(ctx)
	if err != nil || len(ins) != 1 || ins[0].SCHACHome != devidp.DemoSCHACHome {
		t.Fatalf("institutions %v, %v", ins, err)
	}
	if terms := ins[0].Terms; terms.Version != "2026-1" || terms.Text.NL == "" || terms.Text.EN == "" {
		t.Errorf("demo terms %+v", terms)
	}
}
