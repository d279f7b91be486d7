package badgeimage

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/badged/badged"
)

// Limits on uploads.
const (
	// MaxBytes bounds an uploaded file, checked while it is read.
	MaxBytes = 2 << 20
	// MaxEdge bounds the width and the height of an uploaded PNG or JPEG,
	// checked before its pixels are decoded: decoding one costs at most
	// MaxEdge² × 8 bytes (32 MiB, a 16-bit RGBA image).
	MaxEdge = 2048
	// ServedEdge is the largest width or height of a stored raster image;
	// larger ones are scaled down.
	ServedEdge = 512
	// MaxSVGElements and MaxSVGDepth bound an SVG's elements and their
	// nesting.
	MaxSVGElements = 10000
	MaxSVGDepth    = 64
)

// Media types of stored images.
const (
	PNG = "image/png"
	SVG = "image/svg+xml"
)

// ErrNotFound is returned, possibly wrapped, by [Store.Image] for an image
// it does not hold.
var ErrNotFound = &badged.Error{Kind: badged.NotFound, Message: "there is no image at this address"}

// Image is a sanitized image, named by the SHA-256 of its bytes.
type Image struct {
	MediaType string // PNG or SVG
	Data      []byte
}

// SHA256 returns the lowercase hex SHA-256 of the image's bytes.
func (im *Image) SHA256() string {
	sum := sha256.Sum256(im.Data)
	return hex.EncodeToString(sum[:])
}

// Ext returns the file extension of the image's type, "png" or "svg".
func (im *Image) Ext() string {
	if im.MediaType == SVG {
		return "svg"
	}
	return "png"
}

// Name returns the image's file name: its SHA-256 and extension, as badged
// serves it under /images/.
func (im *Image) Name() string { return im.SHA256() + "." + im.Ext() }

// Store keeps images by content. Storage adapters implement it; all of
// them pass storage/storagetest.
type Store interface {
	// PutImage stores im under its SHA-256; storing the same image again
	// succeeds and changes nothing.
	PutImage(ctx context.Context, im *Image) error
	// Image returns the image whose SHA-256 (lowercase hex) is sum, or an
	// error wrapping [ErrNotFound].
	Image(ctx context.Context, sum string) (*Image, error)
}

// ReadUpload reads an upload from r, at most [MaxBytes], for [Sanitize]:
// a server reads it before it waits for its turn to decode, so that a
// slow client holds no turn. Errors reading r are returned as they are;
// input beyond MaxBytes is TooLarge, and no more of it is read.
func ReadUpload(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxBytes {
		return nil, errTooLarge
	}
	return b, nil
}

// Sanitize returns a safe copy of an uploaded PNG, JPEG or SVG: a PNG for
// the first two, an SVG for the last (see the package documentation). The
// error is Invalid, with a message for the person who uploaded the file,
// when b is none of these or is refused, and TooLarge beyond [MaxBytes].
func Sanitize(b []byte) (*Image, error) {
	if len(b) > MaxBytes {
		return nil, errTooLarge
	}
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")), bytes.HasPrefix(b, []byte("\xff\xd8\xff")):
		return sanitizeRaster(b)
	case looksLikeXML(b):
		return sanitizeSVG(b)
	}
	return nil, errNotImage
}

var (
	errNotImage = badged.Errorf(badged.Invalid, "This file is not a PNG, JPEG or SVG image.")
	errTooLarge = badged.Errorf(badged.TooLarge, "The file is larger than %d MiB, the most allowed for an image.", MaxBytes>>20)
)

// looksLikeXML reports whether b starts, after a byte order mark and white
// space, with '<'.
func looksLikeXML(b []byte) bool {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '<'
}

func invalid(format string, args ...any) error {
	return &badged.Error{Kind: badged.Invalid, Message: fmt.Sprintf(format, args...)}
}
