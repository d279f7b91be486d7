package badgeimage

import (
	"context"
	"testing"

	"github.com/badged/badged"
)

// TestUploadTurns checks that an upload waits for one of the MaxDecoding
// turns: with every turn taken it ends only when the request does
// (Unavailable), and with one given back it goes through.
func TestUploadTurns(t *testing.T) {
	u := NewUploads(nil, "")
	var releases []func()
	for range MaxDecoding {
		release, err := u.turn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		releases = append(releases, release)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := u.turn(ctx); badged.KindOf(err) != badged.Unavailable {
		t.Fatalf("every turn taken: %v, want Unavailable", err)
	}
	releases[0]()
	release, err := u.turn(context.Background())
	if err != nil {
		t.Fatalf("a turn given back: %v", err)
	}
	release()
	if n := len(u.slots); n != MaxDecoding-1 {
		t.Errorf("%d turns taken, want %d", n, MaxDecoding-1)
	}
}
