package badged_test

import (
	"testing"
	"time"

	"github.com/badged/badged"
)

// TestCursor: a cursor survives its String form; the zero cursor is "";
// anything else is an Invalid error; Before orders newest first.
func TestCursor(t *testing.T) {
	c := badged.Cursor{Time: time.Date(2026, 3, 1, 12, 0, 0, 5, time.UTC), ID: "e.7"}
	got, err := badged.ParseCursor(c.String())
	if err != nil || !got.Time.Equal(c.Time) || got.ID != c.ID {
		t.Errorf("round trip %v: %v, %v", c, got, err)
	}
	if s := (badged.Cursor{}).String(); s != "" {
		t.Errorf("zero cursor %q", s)
	}
	if z, err := badged.ParseCursor(""); err != nil || !z.IsZero() {
		t.Errorf("ParseCursor(\"\") = %v, %v", z, err)
	}
	for _, bad := range []string{"!!", "bm90YW5pbnQ", "MTIz", "MTIzLg"} {
		if _, err := badged.ParseCursor(bad); badged.KindOf(err) != badged.Invalid {
			t.Errorf("ParseCursor(%q): %v, want Invalid", bad, err)
		}
	}
	older, newer := c.Time.Add(-time.Second), c.Time.Add(time.Second)
	for _, tt := range []struct {
		at   time.Time
		id   string
		want bool
	}{{older, "z", true}, {newer, "a", false}, {c.Time, "e.6", true}, {c.Time, "e.8", false}, {c.Time, "e.7", false}} {
		if got := c.Before(tt.at, tt.id); got != tt.want {
			t.Errorf("Before(%v, %s) = %v", tt.at, tt.id, got)
		}
	}
	if !(badged.Cursor{}).Before(newer, "x") {
		t.Error("the zero cursor is before everything")
	}
}
