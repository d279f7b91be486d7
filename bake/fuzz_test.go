package bake_test

import (
	"bytes"
	"testing"

	"github.com/badged/badged/bake"
)

// The fixtures are large seeds: with the default -fuzzminimizetime of 60s
// a short run spends most of its time minimizing. Run for instance
//
//	go test ./bake -run=^$ -fuzz=FuzzExtractPNG -fuzztime=10s -fuzzminimizetime=100x
func FuzzExtractPNG(f *testing.F) {
	for _, name := range []string{"simple-json.png", "simple-jwt.png", "simple-jwt_v1.png"} {
		f.Add(readFixture(f, name))
	}
	small, _ := bake.PNG(testPNG(f), []byte(jsonCredential))
	f.Add(small)
	f.Fuzz(func(t *testing.T, img []byte) {
		payload, err := bake.ExtractPNG(img)
		if err != nil {
			return
		}
		if len(payload) > bake.MaxPayloadSize {
			t.Fatalf("payload of %d bytes", len(payload))
		}
		// Whatever was read can be baked back, and reads back the same.
		baked, err := bake.PNG(img, payload)
		if err != nil {
			return // payload need not be JSON or a JWT
		}
		again, err := bake.ExtractPNG(baked)
		if err != nil || !bytes.Equal(again, payload) {
			t.Fatalf("rebake: %q, %v; want %q", again, err, payload)
		}
	})
}

func FuzzExtractSVG(f *testing.F) {
	for _, name := range []string{"simple-json.svg", "simple-jwt.svg", "simple-jwt_v1.svg"} {
		f.Add(readFixture(f, name))
	}
	f.Add([]byte(testSVG))
	f.Add([]byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`))
	f.Fuzz(func(t *testing.T, svg []byte) {
		payload, err := bake.ExtractSVG(svg)
		if err != nil {
			// Baking must fail cleanly too, or produce a readable image.
			if baked, err := bake.SVG(svg, []byte(jsonCredential)); err == nil {
				if got, err := bake.ExtractSVG(baked); err != nil || string(got) != jsonCredential {
					t.Fatalf("bake into unreadable-but-bakeable SVG: %q, %v\n%s", got, err, baked)
				}
			}
			return
		}
		baked, err := bake.SVG(svg, payload)
		if err != nil {
			return
		}
		again, err := bake.ExtractSVG(baked)
		if err != nil || !bytes.Equal(again, bytes.TrimSpace(payload)) {
			t.Fatalf("rebake: %q, %v; want %q\n%s", again, err, payload, baked)
		}
	})
}
