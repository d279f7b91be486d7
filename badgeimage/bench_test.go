package badgeimage

import (
	"fmt"
	"strings"
	"testing"
)

// typicalSVG is a badge as a drawing program exports it: about 30 kB of
// paths, gradients, text and editor metadata.
func typicalSVG() []byte {
	var b strings.Builder
	b.WriteString(inkscapeSVG[:strings.Index(inkscapeSVG, "</svg>")])
	for i := range 150 {
		fmt.Fprintf(&b, `<path id="p%d" d="M%d,%d c 10.5,-3.2 20.25,4.75 30,0 s 12.5,-8 22,2 l -5,%d z" fill="url(#g)" stroke="#333" stroke-width="1.5" inkscape:label="leaf %d"/>`+"\n", i, i%200, i%100, i%17, i)
	}
	b.WriteString("</svg>\n")
	return []byte(b.String())
}

// BenchmarkSanitize measures sanitizing a typical upload of each kind, and
// the bombs: B/op is every byte allocated per call, a bound on the memory
// one upload takes.
func BenchmarkSanitize(b *testing.B) {
	inputs := []struct {
		name string
		in   []byte
	}{
		{"png-photo-800x600", photo(b, 800, 600)},
		{"svg", typicalSVG()},
		{"bomb-100000x100000-header", rawPNG(b, 100000, 100000, 0)},
		{"bomb-10000x10000", rawPNG(b, 10000, 10000, 10000*10001)},
		{"bomb-long-IDAT-stream", rawPNG(b, 16, 16, 64<<20)},
		{"largest-allowed-2048x2048-rgba16", zeroPNG(b, MaxEdge, MaxEdge, 16, 6, MaxEdge*(8*MaxEdge+1))},
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(in.in)))
			for b.Loop() {
				Sanitize(in.in)
			}
		})
	}
}

func BenchmarkDefault(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Default("Data Science for Public Health", "Faculty of Science")
	}
}
