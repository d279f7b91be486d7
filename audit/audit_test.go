package audit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/audit"
	"github.com/badged/badged/storage/bolt"
)

var now = time.Date(2026, 3, 2, 10, 0, 0, 123456789, time.UTC)

func newLog(t testing.TB) *audit.Log {
	t.Helper()
	db, err := bolt.Open(t.TempDir() + "/badged.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return audit.New(db, audit.WithClock(func() time.Time { return now }))
}

func TestRecord(t *testing.T) {
	ctx := context.Background()
	valid := audit.Entry{InstitutionID: "i1", Actor: "u1", Action: "award.revoke",
		Target: audit.Target{Kind: "award", ID: "a1"}, Details: audit.Reason("fraud")}
	for _, tt := range []struct {
		name   string
		change func(e *audit.Entry)
		kind   badged.Kind
	}{
		{"ok", func(e *audit.Entry) {}, ""},
		{"ok/no details", func(e *audit.Entry) { e.Details = nil }, ""},
		{"fail/no institution", func(e *audit.Entry) { e.InstitutionID = "" }, badged.Invalid},
		{"fail/no actor", func(e *audit.Entry) { e.Actor = "" }, badged.Invalid},
		{"fail/action", func(e *audit.Entry) { e.Action = "Revoke" }, badged.Invalid},
		{"fail/no target", func(e *audit.Entry) { e.Target.ID = "" }, badged.Invalid},
		{"fail/details not an object", func(e *audit.Entry) { e.Details = json.RawMessage(`[1]`) }, badged.Invalid},
		{"fail/details not JSON", func(e *audit.Entry) { e.Details = json.RawMessage(`{`) }, badged.Invalid},
		{"fail/details too large", func(e *audit.Entry) {
			e.Details = json.RawMessage(`{"x":"` + strings.Repeat("a", audit.MaxDetails) + `"}`)
		}, badged.TooLarge},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := valid
			tt.change(&e)
			got, err := newLog(t).Record(ctx, e)
			if tt.kind != "" {
				if badged.KindOf(err) != tt.kind {
					t.Errorf("Record: %v, want %s", err, tt.kind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got.ID) != 32 || !got.Time.Equal(now.Truncate(time.Microsecond)) {
				t.Errorf("recorded ID %q at %v", got.ID, got.Time)
			}
		})
	}
}

// TestRecordIdempotent records one ID twice, as a retried job does.
func TestRecordIdempotent(t *testing.T) {
	ctx := context.Background()
	l := newLog(t)
	e := audit.Entry{ID: "job-1:row-7", InstitutionID: "i1", Actor: "system", Action: "award.create",
		Target: audit.Target{Kind: "award", ID: "a7"}}
	for range 2 {
		if _, err := l.Record(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	list, err := l.List(ctx, "i1", audit.Filter{}, audit.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Entries) != 1 {
		t.Errorf("%d entries, want 1", len(list.Entries))
	}
}

func TestListPages(t *testing.T) {
	ctx := context.Background()
	l := newLog(t)
	for i := range 7 {
		_, err := l.Record(ctx, audit.Entry{ID: fmt.Sprintf("e%d", i), Time: now.Add(time.Duration(i) * time.Second),
			InstitutionID: "i1", Actor: "u1", Action: "staff.grant", Target: audit.Target{Kind: "membership", ID: "m"}})
		if err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	p := audit.Page{Limit: 3}
	for {
		list, err := l.List(ctx, "i1", audit.Filter{Action: "staff.grant"}, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range list.Entries {
			got = append(got, e.ID)
		}
		if list.Next.IsZero() {
			break
		}
		if p.After, err = badged.ParseCursor(list.Next.String()); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Join(got, ",") != "e6,e5,e4,e3,e2,e1,e0" {
		t.Errorf("pages = %v", got)
	}
	if _, err := l.List(ctx, "", audit.Filter{}, audit.Page{}); badged.KindOf(err) != badged.Invalid {
		t.Errorf("List without institution: %v", err)
	}
	if _, err := badged.ParseCursor("!!"); badged.KindOf(err) != badged.Invalid {
		t.Errorf("ParseCursor: %v", err)
	}
}

func TestDiff(t *testing.T) {
	type class struct {
		Name  string   `json:"name"`
		ECTS  float64  `json:"ects"`
		Tags  []string `json:"tags,omitempty"`
		Draft bool     `json:"draft"`
	}
	before := class{Name: "Oud", ECTS: 5, Draft: true}
	after := class{Name: "Nieuw", ECTS: 5, Tags: []string{"x"}, Draft: true}
	got, err := audit.Diff(before, after)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"after":{"name":"Nieuw","tags":["x"]},"before":{"name":"Oud"}}`; string(got) != want {
		t.Errorf("Diff = %s, want %s", got, want)
	}
	if got, err := audit.Diff(before, before); err != nil || got != nil {
		t.Errorf("Diff of equal values = %s, %v", got, err)
	}
	if _, err := audit.Diff(1, before); err == nil {
		t.Errorf("Diff of a number succeeded")
	}
}

func ExampleLog_Record() {
	dir, err := os.MkdirTemp("", "audit")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	db, err := bolt.Open(filepath.Join(dir, "badged.db"))
	if err != nil {
		panic(err)
	}
	defer db.Close()
	l := audit.New(db)
	details, _ := audit.Diff(map[string]any{"name": "Old"}, map[string]any{"name": "New"})
	e, err := l.Record(context.Background(), audit.Entry{InstitutionID: "i1", Actor: "u1",
		Action: audit.ActionBadgeClassUpdate, Target: audit.Target{Kind: "badgeclass", ID: "bc1"}, Details: details})
	if err != nil {
		panic(err)
	}
	fmt.Println(e.Action, e.Target.ID, string(e.Details))
	// Output: badgeclass.update bc1 {"after":{"name":"New"},"before":{"name":"Old"}}
}
