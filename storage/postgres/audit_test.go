package postgres_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/badged/badged/audit"
	"github.com/badged/badged/storage/storagetest"
	"github.com/jackc/pgx/v5"
)

func TestAuditStore(t *testing.T) {
	storagetest.RunAudit(t, func(t *testing.T) audit.Store { return open(t, freshSchema(t)) })
}

// TestAuditAppendOnly checks that the table refuses changes even from SQL
// that bypasses the store.
func TestAuditAppendOnly(t *testing.T) {
	dsn := freshSchema(t)
	db := open(t, dsn)
	ctx := context.Background()
	e := &audit.Entry{ID: "e1", Time: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), InstitutionID: "i1",
		Actor: "u1", Action: "award.revoke", Target: audit.Target{Kind: "award", ID: "a1"}}
	if err := db.Append(ctx, e); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, tt := range []struct{ name, sql string }{
		{"fail/update", "UPDATE audit_entries SET actor = 'someone else'"},
		{"fail/delete", "DELETE FROM audit_entries WHERE id = 'e1'"},
		{"fail/truncate", "TRUNCATE audit_entries"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := conn.Exec(ctx, tt.sql)
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: error %v, want the append-only refusal", tt.sql, err)
			}
		})
	}
	got, err := db.Entries(ctx, audit.Query{InstitutionID: "i1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Actor != "u1" {
		t.Errorf("after refused changes: %+v", got)
	}
}
