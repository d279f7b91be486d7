package api

import (
	"context"
	"testing"

	"github.com/badged/badged"
)

// TestDecodeSlot checks that an image upload waits for one of the
// maxImageUploads turns: with every turn taken it ends only when the
// request does (Unavailable), and with one given back it goes through.
func TestDecodeSlot(t *testing.T) {
	h := New(Deps{})
	var releases []func()
	for range maxImageUploads {
		release, err := h.decodeSlot(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		releases = append(releases, release)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.decodeSlot(ctx); badged.KindOf(err) != badged.Unavailable {
		t.Fatalf("every turn taken: %v, want Unavailable", err)
	}
	releases[0]()
	release, err := h.decodeSlot(context.Background())
	if err != nil {
		t.Fatalf("a turn given back: %v", err)
	}
	release()
	if n := len(h.imageSlots); n != maxImageUploads-1 {
		t.Errorf("%d turns taken, want %d", n, maxImageUploads-1)
	}
}
