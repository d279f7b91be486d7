package web

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// screenshotTolerance is the share of pixels a new screenshot may differ
// in from the one in docs/ and still count as unchanged: a digit of a date
// (the tests seed what is random, such as share ids and their QR codes,
// and use fixed hosts); a changed word changes more.
const screenshotTolerance = 0.0002

// saveScreenshot writes a browser test's screenshot to docs/name, unless
// the file there shows the same page (see screenshotTolerance), so that
// the docs change only when the pages do.
func saveScreenshot(t *testing.T, name string, shot []byte) {
	t.Helper()
	if len(shot) == 0 {
		t.Errorf("no screenshot %s", name)
		return
	}
	path := filepath.Join("..", "docs", name)
	if old, err := os.ReadFile(path); err == nil {
		share, where, err := pixelsDiffering(old, shot)
		if err == nil && share <= screenshotTolerance {
			t.Logf("%s: %.3f%% of pixels differ, in %v; kept the one in docs/", name, 100*share, where)
			return
		}
		t.Logf("%s: %.3f%% of pixels differ, in %v (%v); written", name, 100*share, where, err)
	}
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Error(err)
	}
}

// pixelsDiffering returns the share of pixels in which two PNG images
// differ (1 when their sizes differ) and the rectangle that holds them.
func pixelsDiffering(a, b []byte) (float64, image.Rectangle, error) {
	ia, err := png.Decode(bytes.NewReader(a))
	if err != nil {
		return 1, image.Rectangle{}, err
	}
	ib, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return 1, image.Rectangle{}, err
	}
	r := ia.Bounds()
	if r != ib.Bounds() || r.Empty() {
		return 1, r.Union(ib.Bounds()), nil
	}
	differ, where := 0, image.Rectangle{}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if !samePixel(ia, ib, x, y) {
				differ++
				where = where.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return float64(differ) / float64(r.Dx()*r.Dy()), where, nil
}

func samePixel(a, b image.Image, x, y int) bool {
	r1, g1, b1, a1 := a.At(x, y).RGBA()
	r2, g2, b2, a2 := b.At(x, y).RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}
