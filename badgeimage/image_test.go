package badgeimage

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/badged/badged"
)

// pngChunk returns one PNG chunk.
func pngChunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

// rawPNG builds a PNG of w × h pixels (8-bit grey) whose IDAT holds the
// zlib stream of n zero bytes: with n = h*(w+1) an all-black image, with
// more a stream longer than the image.
func rawPNG(t testing.TB, w, h uint32, n int) []byte {
	t.Helper()
	return zeroPNG(t, w, h, 8, 0, n)
}

// zeroPNGs memoizes zeroPNG: compressing a bomb's stream takes a while,
// and the tests, the fuzz seeds and the benchmarks share them.
var zeroPNGs sync.Map

// zeroPNG builds a PNG of w × h pixels of the depth and colour type given
// whose IDAT holds the zlib stream of n zero bytes.
func zeroPNG(t testing.TB, w, h uint32, depth, colorType byte, n int) []byte {
	t.Helper()
	key := fmt.Sprint(w, h, depth, colorType, n)
	if b, ok := zeroPNGs.Load(key); ok {
		return b.([]byte)
	}
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, depth, colorType, 0, 0, 0) // deflate, filter 0, no interlace
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestSpeed) // as small as the best for zeros, ten times faster
	zeros := make([]byte, 1<<20)
	for n > 0 {
		k := min(n, len(zeros))
		zw.Write(zeros[:k])
		n -= k
	}
	zw.Close()
	b := []byte("\x89PNG\r\n\x1a\n")
	b = append(b, pngChunk("IHDR", ihdr)...)
	b = append(b, pngChunk("IDAT", z.Bytes())...)
	b = append(b, pngChunk("IEND", nil)...)
	zeroPNGs.Store(key, b)
	return b
}

// photo draws a w × h image with detail in every pixel, as a photograph
// has, and encodes it as a PNG with a text chunk, as cameras and editors
// write.
func photo(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x*y)%251 + x%7*3), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	// A tEXt chunk after IHDR (8 + 25 bytes): metadata that must not survive.
	raw := b.Bytes()
	out := append([]byte{}, raw[:33]...)
	out = append(out, pngChunk("tEXt", []byte("Author\x00Someone's camera, GPS 52.37N 4.89E"))...)
	return append(out, raw[33:]...)
}

// chunkTypes lists the chunk types of a PNG.
func chunkTypes(t *testing.T, b []byte) []string {
	t.Helper()
	var types []string
	for rest := b[8:]; len(rest) >= 12; {
		n := binary.BigEndian.Uint32(rest)
		types = append(types, string(rest[4:8]))
		rest = rest[12+n:]
	}
	return types
}

func wantError(t *testing.T, err error, kind badged.Kind, message string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s %q", kind, message)
	}
	if got := badged.KindOf(err); got != kind {
		t.Errorf("kind %s, want %s (%v)", got, kind, err)
	}
	if got := badged.MessageOf(err); !strings.Contains(got, message) {
		t.Errorf("message %q, want it to contain %q", got, message)
	}
}

func TestSanitizePNG(t *testing.T) {
	in := photo(t, 800, 600)
	im, err := Sanitize(in)
	if err != nil {
		t.Fatal(err)
	}
	if im.MediaType != PNG {
		t.Errorf("media type %s", im.MediaType)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(im.Data))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != 512 || cfg.Height != 384 {
		t.Errorf("scaled to %d × %d, want 512 × 384", cfg.Width, cfg.Height)
	}
	for _, typ := range chunkTypes(t, im.Data) {
		if typ != "IHDR" && typ != "IDAT" && typ != "IEND" {
			t.Errorf("output has a %s chunk", typ)
		}
	}
	again, err := Sanitize(im.Data)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Data, im.Data) {
		t.Error("sanitizing the output again changed it")
	}
	if len(im.SHA256()) != 64 || im.Name() != im.SHA256()+".png" {
		t.Errorf("name %q", im.Name())
	}
}

func TestSanitizeJPEG(t *testing.T) {
	src, err := png.Decode(bytes.NewReader(photo(t, 300, 200)))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	jpeg.Encode(&b, src, nil)
	im, err := Sanitize(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	got, err := png.Decode(bytes.NewReader(im.Data))
	if err != nil {
		t.Fatalf("output is not a PNG: %v", err)
	}
	if got.Bounds().Dx() != 300 || got.Bounds().Dy() != 200 {
		t.Errorf("size %v", got.Bounds())
	}
	// The pixels are the JPEG's: near the source (JPEG is lossy).
	r, g, _, _ := got.At(150, 100).RGBA()
	if r>>8 < 100 || r>>8 > 155 || g>>8 < 100 || g>>8 > 155 {
		t.Errorf("pixel (150, 100) = %v, want about (127, 127, …)", got.At(150, 100))
	}
}

func TestSanitizeRefused(t *testing.T) {
	truncated := photo(t, 64, 64)
	tests := []struct {
		name    string
		in      []byte
		kind    badged.Kind
		message string
	}{
		{"fail/huge header", rawPNG(t, 100000, 100000, 0), badged.Invalid, "The image is 100000 × 100000 pixels; at most 2048 × 2048 is allowed."},
		{"fail/bomb", rawPNG(t, 10000, 10000, 10000*10001), badged.Invalid, "The image is 10000 × 10000 pixels"},
		{"fail/wide", rawPNG(t, 4000, 1, 0), badged.Invalid, "The image is 4000 × 1 pixels"},
		{"fail/long IDAT stream", rawPNG(t, 16, 16, 64<<20), badged.Invalid, "The PNG image is damaged and cannot be read."},
		{"fail/truncated", truncated[:len(truncated)/2], badged.Invalid, "The PNG image is damaged and cannot be read."},
		{"fail/JPEG header only", []byte("\xff\xd8\xff\xe0garbage"), badged.Invalid, "The JPEG image is damaged"},
		{"fail/text", []byte("hello, world"), badged.Invalid, "This file is not a PNG, JPEG or SVG image."},
		{"fail/GIF", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), badged.Invalid, "This file is not a PNG, JPEG or SVG image."},
		{"fail/PDF", []byte("%PDF-1.7\n"), badged.Invalid, "This file is not a PNG, JPEG or SVG image."},
		{"fail/HTML", []byte("<!doctype html><html><script>alert(1)</script></html>"), badged.Invalid, "This file is not a PNG, JPEG or SVG image."},
		{"fail/empty", nil, badged.Invalid, "This file is not a PNG, JPEG or SVG image."},
		{"fail/too large", append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, MaxBytes)...), badged.TooLarge, "larger than 2 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := ReadUpload(bytes.NewReader(tt.in))
			if err == nil {
				_, err = Sanitize(b)
			}
			wantError(t, err, tt.kind, tt.message)
		})
	}
}

// allocated returns the bytes allocated while fn runs (TotalAlloc: every
// allocation counts, even one freed at once, so it bounds the peak).
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestBombMemory checks that refusing a bomb costs little more than its
// file, and accepting the largest image allowed costs its pixels, bounded.
// Not parallel: TotalAlloc counts every goroutine.
func TestBombMemory(t *testing.T) {
	tests := []struct {
		name  string
		in    []byte
		ok    bool
		limit uint64
	}{
		{"huge header", rawPNG(t, 100000, 100000, 0), false, 64 << 10},
		{"bomb 10000 × 10000", rawPNG(t, 10000, 10000, 10000*10001), false, 64 << 10},
		{"long IDAT stream", rawPNG(t, 16, 16, 64<<20), false, 1 << 20},
		// The largest images allowed, all one colour: small files whose
		// 2048 × 2048 pixels are decoded (4 MiB of grey, 32 MiB of 16-bit
		// RGBA) and scaled (x/image/draw's kernel keeps 512 × 2048 partial
		// sums of 32 bytes: 32 MiB).
		{"largest allowed, grey", rawPNG(t, MaxEdge, MaxEdge, MaxEdge*(MaxEdge+1)), true, 48 << 20},
		{"largest allowed, 16-bit RGBA", zeroPNG(t, MaxEdge, MaxEdge, 16, 6, MaxEdge*(8*MaxEdge+1)), true, 80 << 20},
	}
	for _, tt := range tests {
		var err error
		n := allocated(func() { _, err = Sanitize(tt.in) })
		if (err == nil) != tt.ok {
			t.Errorf("%s: error %v", tt.name, err)
		}
		t.Logf("%s: %d-byte file, %d bytes allocated", tt.name, len(tt.in), n)
		if n > tt.limit {
			t.Errorf("%s: %d bytes allocated, want at most %d", tt.name, n, tt.limit)
		}
	}
}
