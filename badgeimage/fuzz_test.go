package badgeimage

import (
	"bytes"
	"image/png"
	"testing"

	"github.com/badged/badged"
)

// FuzzSanitize checks that no input panics, that every refusal is an
// Invalid or TooLarge *badged.Error, and that every output is an image
// Sanitize accepts again unchanged (a PNG within ServedEdge).
func FuzzSanitize(f *testing.F) {
	f.Add([]byte(inkscapeSVG))
	f.Add([]byte(`<svg viewBox="0 0 1 1"><text>a&amp;b</text><style>a{fill:url(#x)}</style></svg>`))
	f.Add([]byte(`<svg width="3" height="4"><use href="#a"/><g id="a"/></svg>`))
	f.Add(rawPNG(f, 100000, 100000, 0))
	f.Add(rawPNG(f, 4, 4, 4*5))
	f.Add(rawPNG(f, 4, 4, 1000))
	f.Add(photo(f, 20, 10))
	f.Add([]byte("\xff\xd8\xff\xe0"))
	f.Add([]byte("hello"))
	f.Fuzz(func(t *testing.T, b []byte) {
		im, err := Sanitize(b)
		if err != nil {
			if k := badged.KindOf(err); k != badged.Invalid && k != badged.TooLarge {
				t.Fatalf("kind %s: %v", k, err)
			}
			return
		}
		if im.MediaType == PNG {
			cfg, err := png.DecodeConfig(bytes.NewReader(im.Data))
			if err != nil || cfg.Width > ServedEdge || cfg.Height > ServedEdge {
				t.Fatalf("output PNG: %v, %d × %d", err, cfg.Width, cfg.Height)
			}
		}
		again, err := Sanitize(im.Data)
		if err != nil {
			t.Fatalf("output refused: %v\n%q", err, im.Data)
		}
		if again.MediaType != im.MediaType || !bytes.Equal(again.Data, im.Data) {
			t.Fatalf("sanitizing again changed the output:\n%q\n%q", im.Data, again.Data)
		}
	})
}
