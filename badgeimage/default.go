package badgeimage

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// DefaultSize is the width and height of a [Default] image.
const DefaultSize = 512

// MinContrast is the contrast ratio of a [Default] image's text to its
// background: WCAG 2 AA for normal text (4.5), with a margin.
const MinContrast = 4.6

// Layout of a default image, in pixels of a DefaultSize square.
const (
	discRadius  = 250
	ringRadius  = 226
	ringWidth   = 6
	textWidth   = 360 // the widest line of the name
	nameLines   = 3   // the most lines of the name
	maxNameSize = 72
	minNameSize = 36
	issuerSize  = 24
	issuerWidth = 300
)

var fonts = sync.OnceValues(func() ([2]*opentype.Font, error) {
	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return [2]*opentype.Font{}, err
	}
	regular, err := opentype.Parse(goregular.TTF)
	return [2]*opentype.Font{bold, regular}, err
})

// Default draws the image of a badge class without one: its name, wrapped
// onto up to three lines and shortened with "…" when it does not fit, and
// the issuer's name below, in white on a disc of a colour derived from
// the name, dark enough for a contrast of at least [MinContrast]. The
// same names give the same bytes.
func Default(name, issuer string) *Image {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		name = "Badge"
	}
	issuer = strings.Join(strings.Fields(issuer), " ")
	bg := Background(name)
	img := image.NewRGBA(image.Rect(0, 0, DefaultSize, DefaultSize))
	disc(img, bg, ringColor(bg))

	fs, err := fonts()
	if err != nil {
		panic("badgeimage: the embedded Go fonts do not parse: " + err.Error())
	}
	text := image.NewUniform(color.White)
	lines, face := fitName(fs[0], name)
	m := face.Metrics()
	lineHeight := m.Height.Ceil()
	blockHeight := lineHeight * len(lines)
	top := DefaultSize/2 - blockHeight/2 - 16
	if issuer == "" {
		top += 24
	}
	d := font.Drawer{Dst: img, Src: text, Face: face}
	for i, line := range lines {
		d.Dot = fixed.P(0, top+i*lineHeight+m.Ascent.Ceil())
		d.Dot.X = fixed.I(DefaultSize/2) - d.MeasureString(line)/2
		d.DrawString(line)
	}
	face.Close()
	if issuer != "" {
		face := newFace(fs[1], issuerSize)
		d := font.Drawer{Dst: img, Src: text, Face: face}
		line := shorten(d, issuer, issuerWidth)
		d.Dot = fixed.P(0, top+blockHeight+20+face.Metrics().Ascent.Ceil())
		d.Dot.X = fixed.I(DefaultSize/2) - d.MeasureString(line)/2
		d.DrawString(line)
		face.Close()
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic("badgeimage: encoding to memory failed: " + err.Error())
	}
	return &Image{MediaType: PNG, Data: b.Bytes()}
}

func newFace(f *opentype.Font, size float64) font.Face {
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		panic("badgeimage: " + err.Error()) // only for sizes out of range, which these are not
	}
	return face
}

// fitName returns the name's lines and the face to draw them in: the
// largest size at which it wraps onto nameLines lines of textWidth, or
// the smallest with the name shortened.
func fitName(f *opentype.Font, name string) ([]string, font.Face) {
	for size := maxNameSize; ; size -= 4 {
		face := newFace(f, float64(size))
		d := font.Drawer{Face: face}
		lines, fits := wrap(d, name, textWidth, nameLines)
		if fits || size <= minNameSize {
			return lines, face
		}
		face.Close()
	}
}

// wrap breaks s into lines of at most width at word boundaries (a word
// wider than a line is broken), at most max of them; fits is false when
// s had to be shortened, the last line ending in "…".
func wrap(d font.Drawer, s string, width, max int) (lines []string, fits bool) {
	w := fixed.I(width)
	var line string
	words := strings.Fields(s)
	for i := 0; i < len(words); i++ {
		word := words[i]
		try := word
		if line != "" {
			try = line + " " + word
		}
		if d.MeasureString(try) <= w {
			line = try
			continue
		}
		if line == "" { // one word wider than a line: break it
			head := strings.TrimSuffix(shorten(d, word, width), "…")
			if head == "" || !strings.HasPrefix(word, head) {
				head = string([]rune(word)[:1])
			}
			lines = append(lines, head)
			words[i] = word[len(head):]
			i--
		} else {
			lines = append(lines, line)
			line = ""
			i--
		}
		if len(lines) == max {
			last := lines[max-1] + " " + strings.Join(words[i+1:], " ")
			lines[max-1] = shorten(d, last, width)
			return lines, false
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines, true
}

// shorten returns s, or its longest prefix that fits width with "…":
// whole words when at least one fits, else cut within the first word.
func shorten(d font.Drawer, s string, width int) string {
	w := fixed.I(width)
	if d.MeasureString(s) <= w {
		return s
	}
	r := []rune(s)
	for _, words := range []bool{true, false} {
		for n := len(r) - 1; n > 0; n-- {
			if words && !unicode.IsSpace(r[n]) {
				continue
			}
			t := strings.TrimRightFunc(string(r[:n]), func(c rune) bool { return unicode.IsSpace(c) || unicode.IsPunct(c) })
			if t == "" {
				continue
			}
			if t += "…"; d.MeasureString(t) <= w {
				return t
			}
		}
	}
	return "…"
}

// Background returns the colour of the default image of a badge named
// name: a hue of the name's, as light as white text on it allows at
// [MinContrast].
func Background(name string) color.NRGBA {
	h := fnv.New32a()
	h.Write([]byte(name))
	hue := float64(h.Sum32()%360) / 360
	for l := 0.42; ; l -= 0.01 {
		c := hsl(hue, 0.6, l)
		if Contrast(c, color.White) >= MinContrast {
			return c
		}
	}
}

// ringColor is bg blended a third of the way to white.
func ringColor(bg color.NRGBA) color.NRGBA {
	mix := func(v uint8) uint8 { return v + (255-v)/3 }
	return color.NRGBA{mix(bg.R), mix(bg.G), mix(bg.B), 255}
}

// disc draws the badge: a disc of bg with a ring of ring inside its edge,
// anti-aliased, on a transparent square.
func disc(img *image.RGBA, bg, ring color.NRGBA) {
	const c = DefaultSize / 2
	fill := func(col color.NRGBA, circles ...float32) {
		z := vector.NewRasterizer(DefaultSize, DefaultSize)
		for i, r := range circles {
			circle(z, c, c, r, i%2 == 1)
		}
		z.Draw(img, img.Bounds(), image.NewUniform(col), image.Point{})
	}
	fill(bg, discRadius)
	fill(ring, ringRadius+ringWidth/2, ringRadius-ringWidth/2)
}

// circle adds a circle of four cubic Béziers to z, counter-clockwise when
// reverse (a hole, with the non-zero rule).
func circle(z *vector.Rasterizer, cx, cy, r float32, reverse bool) {
	const k = 0.5522847498 // control point distance of a quarter circle
	s := float32(1)
	if reverse {
		s = -1
	}
	z.MoveTo(cx+r, cy)
	z.CubeTo(cx+r, cy+s*k*r, cx+k*r, cy+s*r, cx, cy+s*r)
	z.CubeTo(cx-k*r, cy+s*r, cx-r, cy+s*k*r, cx-r, cy)
	z.CubeTo(cx-r, cy-s*k*r, cx-k*r, cy-s*r, cx, cy-s*r)
	z.CubeTo(cx+k*r, cy-s*r, cx+r, cy-s*k*r, cx+r, cy)
	z.ClosePath()
}

// hsl returns the opaque colour of hue, saturation and lightness in [0, 1].
func hsl(h, s, l float64) color.NRGBA {
	a := s * math.Min(l, 1-l)
	f := func(n float64) uint8 {
		k := math.Mod(n+h*12, 12)
		v := l - a*math.Max(-1, math.Min(math.Min(k-3, 9-k), 1))
		return uint8(math.Round(v * 255))
	}
	return color.NRGBA{f(0), f(8), f(4), 255}
}

// Contrast returns the WCAG 2 contrast ratio of two opaque colours, from
// 1 to 21.
func Contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// luminance is the WCAG 2 relative luminance of c.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// DefaultSVG draws the small form of [Default] as an SVG, for thumbnails
// where a name would be too small to read: the initials of the name's
// first two words (short lowercase words such as "of" skipped) in white
// on the same colour, the name as its title.
func DefaultSVG(name string) []byte {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		name = "Badge"
	}
	bg, ring := Background(name), ringColor(Background(name))
	initials := Initials(name)
	size := 96 // two letters fill the inner circle
	if len([]rune(initials)) == 1 {
		size = 120
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 256 256" width="256" height="256" role="img">`+
		`<title>`)
	xml.EscapeText(&b, []byte(name))
	fmt.Fprintf(&b, `</title><circle cx="128" cy="128" r="125" fill="#%02x%02x%02x"/>`+
		`<circle cx="128" cy="128" r="113" fill="none" stroke="#%02x%02x%02x" stroke-width="3"/>`+
		`<text x="128" y="128" dy="0.35em" font-family="sans-serif" font-weight="bold" font-size="%d" fill="#fff" text-anchor="middle">`,
		bg.R, bg.G, bg.B, ring.R, ring.G, ring.B, size)
	xml.EscapeText(&b, []byte(initials))
	b.WriteString(`</text></svg>`)
	return b.Bytes()
}

// Initials returns the upper-case first letters of the first two words of
// name that are not short lowercase words ("of", "de", "and"), or else
// its first letter or digit.
func Initials(name string) string {
	var out []rune
	for _, w := range strings.Fields(name) {
		r := []rune(w)
		if !unicode.IsLetter(r[0]) && !unicode.IsDigit(r[0]) {
			continue
		}
		if len(r) <= 3 && w == strings.ToLower(w) && unicode.IsLetter(r[0]) {
			continue
		}
		out = append(out, unicode.ToUpper(r[0]))
		if len(out) == 2 {
			break
		}
	}
	if len(out) == 0 {
		if i := strings.IndexFunc(name, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }); i >= 0 {
			r, _ := utf8.DecodeRuneInString(name[i:])
			out = append(out, unicode.ToUpper(r))
		}
	}
	return string(out)
}
