package badgeimage

import (
	"context"
	"io"
	"strings"

	"github.com/badged/badged"
)

// Uploads takes uploaded images: it reads one (at most MaxBytes),
// sanitizes it with at most a few decoding at once (decoding may take up
// to 70 MB, docs/benchmarks.md: a few small files declaring the largest
// image allowed must not exhaust memory), stores it and says where it is
// served. The JSON API and the issuer portal share one.
type Uploads struct {
	store Store
	base  string // the server's base URL; "" in tests: the request's host
	slots chan struct{}
}

// MaxDecoding is how many uploaded images are decoded at once; more wait,
// their files read.
const MaxDecoding = 2

// NewUploads returns the uploads into store of a server at baseURL.
func NewUploads(store Store, baseURL string) *Uploads {
	return &Uploads{store: store, base: strings.TrimSuffix(baseURL, "/"), slots: make(chan struct{}, MaxDecoding)}
}

// Put reads, sanitizes and stores the image in r and returns its URL,
// under the base URL (or http://host when there is none). Refusals are
// Invalid errors saying why (TooLarge beyond MaxBytes, as ReadUpload
// says); Unavailable when ctx ends while waiting for a turn to decode.
func (u *Uploads) Put(ctx context.Context, r io.Reader, host string) (string, error) {
	file, err := ReadUpload(r)
	if err != nil {
		if badged.KindOf(err) == badged.Internal { // reading the body failed
			err = badged.Wrap(badged.Invalid, err, "The upload was interrupted; send the image again.")
		}
		return "", err
	}
	release, err := u.turn(ctx)
	if err != nil {
		return "", err
	}
	im, err := Sanitize(file)
	release()
	if err != nil {
		return "", err
	}
	if err := u.store.PutImage(ctx, im); err != nil {
		return "", err
	}
	base := u.base
	if base == "" {
		base = "http://" + host
	}
	return base + "/images/" + im.Name(), nil
}

// turn waits for one of the MaxDecoding turns to decode an image, or for
// ctx to end (Unavailable); release gives the turn back.
func (u *Uploads) turn(ctx context.Context) (release func(), err error) {
	select {
	case u.slots <- struct{}{}:
		return func() { <-u.slots }, nil
	case <-ctx.Done():
		return nil, badged.Wrap(badged.Unavailable, ctx.Err(), "The upload was cancelled while waiting for others to finish.")
	}
}
