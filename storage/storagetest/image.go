package storagetest

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/badged/badged"
	"github.com/badged/badged/badgeimage"
)

// RunImages runs the conformance suite of [badgeimage.Store]. newStore
// returns a new, empty store for one subtest; it registers its own
// cleanup.
func RunImages(t *testing.T, newStore func(t *testing.T) badgeimage.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s badgeimage.Store)
	}{
		{"PutGet", testImagePutGet},
		{"Idempotent", testImageIdempotent},
		{"NotFound", testImageNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore(t)) })
	}
}

// A PNG signature and an SVG: the store keeps bytes, it does not read them.
var (
	imagePNG = &badgeimage.Image{MediaType: badgeimage.PNG, Data: []byte("\x89PNG\r\n\x1a\n\x00\x01\x02\xff")}
	imageSVG = &badgeimage.Image{MediaType: badgeimage.SVG, Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>`)}
)

func testImagePutGet(t *testing.T, s badgeimage.Store) {
	ctx := context.Background()
	for _, want := range []*badgeimage.Image{imagePNG, imageSVG} {
		in := &badgeimage.Image{MediaType: want.MediaType, Data: bytes.Clone(want.Data)}
		must(t, s.PutImage(ctx, in))
		in.Data[0] = 'X' // the store kept its own copy
		got, err := s.Image(ctx, want.SHA256())
		if err != nil {
			t.Fatal(err)
		}
		if got.MediaType != want.MediaType || !bytes.Equal(got.Data, want.Data) {
			t.Errorf("Image(%s) = %s %q, want %s %q", want.SHA256(), got.MediaType, got.Data, want.MediaType, want.Data)
		}
		got.Data[0] = 'Y' // and hands out copies
		again, err := s.Image(ctx, want.SHA256())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again.Data, want.Data) {
			t.Errorf("changing a returned image changed the stored one: %q", again.Data)
		}
	}
}

func testImageIdempotent(t *testing.T, s badgeimage.Store) {
	ctx := context.Background()
	must(t, s.PutImage(ctx, imagePNG))
	must(t, s.PutImage(ctx, imagePNG))
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() { errs <- s.PutImage(ctx, imageSVG) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent put of one image: %v", err)
		}
	}
	for _, want := range []*badgeimage.Image{imagePNG, imageSVG} {
		got, err := s.Image(ctx, want.SHA256())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Data, want.Data) {
			t.Errorf("Image(%s) = %q", want.SHA256(), got.Data)
		}
	}
}

func testImageNotFound(t *testing.T, s badgeimage.Store) {
	ctx := context.Background()
	must(t, s.PutImage(ctx, imagePNG))
	sum := imagePNG.SHA256()
	for _, q := range []string{imageSVG.SHA256(), "", "../" + sum, sum[:63], sum + "0", string(bytes.ToUpper([]byte(sum)))} {
		_, err := s.Image(ctx, q)
		if !errors.Is(err, badgeimage.ErrNotFound) || badged.KindOf(err) != badged.NotFound {
			t.Errorf("Image(%q): %v, want ErrNotFound", q, err)
		}
	}
}
