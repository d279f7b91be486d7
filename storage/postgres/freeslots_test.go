package postgres

import (
	"slices"
	"testing"
)

// TestFreeSlots checks the node's candidates: a read's free indexes are
// proposed once each, the first at once; an index proposed lately is not
// proposed again when a later read finds it still free (its claim not
// stored yet); a new current list starts afresh.
func TestFreeSlots(t *testing.T) {
	var f freeSlots
	if _, ok := f.take("iss"); ok {
		t.Fatal("an empty node proposed an index")
	}
	first, ok := f.add("iss", "L1", []int{7, 3, 9})
	if !ok || first != 7 {
		t.Fatalf("add = %d, %v; want 7", first, ok)
	}
	var proposed []int
	for {
		s, ok := f.take("iss")
		if !ok {
			break
		}
		if s.ListID != "L1" {
			t.Errorf("proposed %+v, want an index of L1", s)
		}
		proposed = append(proposed, s.Index)
	}
	slices.Sort(proposed)
	if !slices.Equal(proposed, []int{3, 9}) {
		t.Fatalf("then proposed %v, want 3 and 9", proposed)
	}
	// A later read finds 3 and 9 free still, and 5: only 5 is new.
	if idx, ok := f.add("iss", "L1", []int{3, 9, 5}); !ok || idx != 5 {
		t.Fatalf("add of seen indexes = %d, %v; want 5", idx, ok)
	}
	if _, ok := f.add("iss", "L1", []int{3, 9, 5}); ok {
		t.Fatal("an index was proposed twice")
	}
	if idx, ok := f.add("iss", "L2", []int{3}); !ok || idx != 3 {
		t.Fatalf("the next list's index 3 = %d, %v", idx, ok)
	}
	if _, ok := f.take("other"); ok {
		t.Fatal("another issuer's index was proposed")
	}
}
