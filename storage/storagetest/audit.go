package storagetest

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/audit"
)

// RunAudit runs the conformance suite of [audit.Store]. newStore returns a
// new, empty store for one subtest; it registers its own cleanup.
func RunAudit(t *testing.T, newStore func(t *testing.T) audit.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s audit.Store)
	}{
		{"AppendAndRead", testAuditAppend},
		{"Query", testAuditQuery},
		{"Paging", testAuditPaging},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore(t)) })
	}
	// The store has no way to change or remove an entry.
	if n := reflect.TypeFor[audit.Store]().NumMethod(); n != 2 {
		t.Errorf("audit.Store has %d methods, want Append and Entries only", n)
	}
}

func entry(id, inst string, at time.Time, actor, action, kind, target string) *audit.Entry {
	return &audit.Entry{ID: id, Time: at, InstitutionID: inst, Actor: actor, Action: action,
		Target: audit.Target{Kind: kind, ID: target}}
}

func entryIDs(es []*audit.Entry) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func testAuditAppend(t *testing.T, s audit.Store) {
	ctx := context.Background()
	want := entry("e1", "i1", t0, "u1", "badgeclass.update", "badgeclass", "bc1")
	want.Details = json.RawMessage(`{"after":{"name":"Nieuw <b> “x”"},"before":{"name":"Oud"}}`)
	if err := s.Append(ctx, want); err != nil {
		t.Fatal(err)
	}
	wantAuthKind(t, "duplicate entry", s.Append(ctx, entry("e1", "i1", t0.Add(time.Hour), "u2", "award.revoke", "award", "a1")), badged.Conflict)
	noDetails := entry("e2", "i1", t0.Add(time.Second), "u1", "award.revoke", "award", "a1")
	if err := s.Append(ctx, noDetails); err != nil {
		t.Fatal(err)
	}
	got, err := s.Entries(ctx, audit.Query{InstitutionID: "i1"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, []*audit.Entry{noDetails, want}) {
		t.Errorf("Entries =\n%+v\n%+v, want\n%+v\n%+v", got[0], got[len(got)-1], noDetails, want)
	}
}

func testAuditQuery(t *testing.T, s audit.Store) {
	ctx := context.Background()
	for _, e := range []*audit.Entry{
		entry("e1", "i1", t0, "u1", "badgeclass.update", "badgeclass", "bc1"),
		entry("e2", "i1", t0.Add(time.Minute), "u2", "award.approve", "award", "a1"),
		entry("e3", "i1", t0.Add(2*time.Minute), "u1", "award.revoke", "award", "a1"),
		entry("e4", "i1", t0.Add(3*time.Minute), "sis", "award.approve", "award", "a2"),
		entry("e5", "i2", t0.Add(time.Minute), "u1", "award.approve", "award", "a1"),
	} {
		if err := s.Append(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		name string
		q    audit.Query
		want []string
	}{
		{"ok/institution", audit.Query{InstitutionID: "i1"}, []string{"e4", "e3", "e2", "e1"}},
		{"ok/other institution", audit.Query{InstitutionID: "i2"}, []string{"e5"}},
		{"ok/actor", audit.Query{InstitutionID: "i1", Actor: "u1"}, []string{"e3", "e1"}},
		{"ok/action", audit.Query{InstitutionID: "i1", Action: "award.approve"}, []string{"e4", "e2"}},
		{"ok/target", audit.Query{InstitutionID: "i1", Target: audit.Target{Kind: "award", ID: "a1"}}, []string{"e3", "e2"}},
		{"ok/target kind", audit.Query{InstitutionID: "i1", Target: audit.Target{Kind: "badgeclass"}}, []string{"e1"}},
		{"ok/since", audit.Query{InstitutionID: "i1", Since: t0.Add(2 * time.Minute)}, []string{"e4", "e3"}},
		{"ok/until", audit.Query{InstitutionID: "i1", Until: t0.Add(2 * time.Minute)}, []string{"e2", "e1"}},
		{"ok/range", audit.Query{InstitutionID: "i1", Since: t0.Add(time.Minute), Until: t0.Add(3 * time.Minute)}, []string{"e3", "e2"}},
		{"ok/range and limit", audit.Query{InstitutionID: "i1", Since: t0.Add(time.Minute), Limit: 2}, []string{"e4", "e3"}},
		{"ok/actor and action", audit.Query{InstitutionID: "i1", Actor: "u1", Action: "award.revoke"}, []string{"e3"}},
		{"ok/none", audit.Query{InstitutionID: "i1", Actor: "nobody"}, []string{}},
		{"ok/unknown institution", audit.Query{InstitutionID: "i"}, []string{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Entries(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(entryIDs(got), tt.want) {
				t.Errorf("Entries = %v, want %v", entryIDs(got), tt.want)
			}
		})
	}
}

func testAuditPaging(t *testing.T, s audit.Store) {
	ctx := context.Background()
	var want []string
	// Ten entries, in pairs sharing a time, appended out of order.
	for _, i := range []int{3, 7, 0, 9, 1, 5, 2, 8, 4, 6} {
		e := entry(fmt.Sprintf("e%d", i), "i1", t0.Add(time.Duration(i/2)*time.Second), "u1", "award.approve", "award", "a")
		if err := s.Append(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	for i := 9; i >= 0; i-- {
		want = append(want, fmt.Sprintf("e%d", i))
	}
	for _, size := range []int{1, 3, 10} {
		t.Run(fmt.Sprintf("ok/page of %d", size), func(t *testing.T) {
			var got []string
			q := audit.Query{InstitutionID: "i1", Limit: size}
			for range 20 {
				page, err := s.Entries(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if len(page) == 0 {
					break
				}
				got = append(got, entryIDs(page)...)
				q.After = page[len(page)-1].Cursor()
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("paged = %v, want %v", got, want)
			}
		})
	}
	t.Run("ok/after with until", func(t *testing.T) {
		got, err := s.Entries(ctx, audit.Query{InstitutionID: "i1", Until: t0.Add(2 * time.Second),
			After: badged.Cursor{Time: t0.Add(4 * time.Second), ID: "e8"}})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"e3", "e2", "e1", "e0"}; !reflect.DeepEqual(entryIDs(got), want) {
			t.Errorf("Entries = %v, want %v", entryIDs(got), want)
		}
	})
}
