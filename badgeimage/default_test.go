package badgeimage

import (
	"bytes"
	"cmp"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"testing"
)

func TestContrast(t *testing.T) {
	tests := []struct {
		a, b color.Color
		want float64
	}{
		{color.White, color.Black, 21},
		{color.White, color.White, 1},
		{color.NRGBA{0x77, 0x77, 0x77, 255}, color.White, 4.48}, // the grey famously just short of AA
		{color.NRGBA{0x76, 0x76, 0x76, 255}, color.White, 4.54},
	}
	for _, tt := range tests {
		if got := Contrast(tt.a, tt.b); got < tt.want-0.01 || got > tt.want+0.01 {
			t.Errorf("Contrast(%v, %v) = %.3f, want %.2f", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestDefault draws default images for names of every length and many
// hues, and checks in the pixels that the text is there, white, on the
// name's colour at a WCAG AA contrast, and that drawing is deterministic.
func TestDefault(t *testing.T) {
	names := []string{
		"", "AI", "Statistics", "Data Science for Public Health",
		"Introduction to Sustainable Energy Systems and the Circuits of a Smart Grid, with Lab Work and an Essay",
		"Donaudampfschifffahrtsgesellschaftskapitänsmützenbestandsaufnahme",
		"Zelfstandig werken in de zorg — niveau 4 (MBO)", "学习成果",
	}
	for i := range 12 {
		names = append(names, fmt.Sprintf("Badge %d", i)) // many hues
	}
	for _, name := range names {
		im := Default(name, "Faculty of Science, University of Amsterdam, Department of Informatics")
		if len(name) > 40 {
			if again := Default(name, "Faculty of Science, University of Amsterdam, Department of Informatics"); !bytes.Equal(im.Data, again.Data) {
				t.Errorf("%q: two drawings differ", name)
			}
		}
		decoded, err := png.Decode(bytes.NewReader(im.Data))
		if err != nil {
			t.Fatal(err)
		}
		img, ok := decoded.(*image.NRGBA)
		if !ok {
			t.Fatalf("%q: decoded as %T", name, decoded)
		}
		if b := img.Bounds(); b.Dx() != DefaultSize || b.Dy() != DefaultSize {
			t.Fatalf("%q: size %v", name, b)
		}
		bg := img.At(DefaultSize/2, 60) // inside the ring, above the text
		if want := Background(cmp.Or(name, "Badge")); bg != color.Color(want) {
			t.Errorf("%q: background %v, want %v", name, bg, want)
		}
		if r := Contrast(bg, color.White); r < 4.5 {
			t.Errorf("%q: contrast %.2f, below WCAG AA (4.5)", name, r)
		}
		// Solid white text: glyph interiors are exactly white.
		white := 0
		for y := 100; y < 420; y++ {
			for x := 60; x < 452; x++ {
				if c := img.NRGBAAt(x, y); c == (color.NRGBA{255, 255, 255, 255}) {
					white++
				}
			}
		}
		if white < 1000 {
			t.Errorf("%q: %d white pixels, want the name's text", name, white)
		}
		if _, _, _, a := img.At(2, 2).RGBA(); a != 0 {
			t.Errorf("%q: corner not transparent", name)
		}
	}
	if Background("Statistics") == Background("Physics") {
		t.Error("two names, one colour")
	}
	if out := os.Getenv("BADGEIMAGE_DEFAULT_OUT"); out != "" {
		os.WriteFile(out, Default(names[4], "Faculty of Science, University of Amsterdam").Data, 0o644)
		os.WriteFile(out+".short.png", Default(names[2], "Mathematics").Data, 0o644)
		os.WriteFile(out+".long.png", Default(names[5], "").Data, 0o644)
	}
}

// TestWrap checks that a long name is wrapped onto at most three lines
// and shortened, and that a word wider than a line is broken.
func TestWrap(t *testing.T) {
	fs, err := fonts()
	if err != nil {
		t.Fatal(err)
	}
	lines, face := fitName(fs[0], "Introduction to Sustainable Energy Systems and the Circuits of a Smart Grid, with Lab Work and an Essay")
	defer face.Close()
	if len(lines) != nameLines || !bytes.HasSuffix([]byte(lines[2]), []byte("…")) {
		t.Errorf("lines %q, want three, the last shortened", lines)
	}
	lines, face2 := fitName(fs[0], "Statistics")
	defer face2.Close()
	if len(lines) != 1 || lines[0] != "Statistics" {
		t.Errorf("lines %q", lines)
	}
}

func TestInitials(t *testing.T) {
	for name, want := range map[string]string{
		"Data Science Foundations":           "DS",
		"Introduction to Sustainable Energy": "IS",
		"statistics":                         "S",
		"Geschiedenis van de Nederlanden":    "GN",
		"AI":                                 "A",
		"3D printing":                        "3P",
		"— of —":                             "O",
		"学习成果":                               "学",
		"":                                   "",
	} {
		if got := Initials(name); got != want {
			t.Errorf("Initials(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestDefaultSVG checks the small default image: its initials in white at
// an AA contrast on the name's colour, the name as its title, and that it
// is already what Sanitize makes of it.
func TestDefaultSVG(t *testing.T) {
	for _, name := range []string{"Data Science <Foundations> & more", "", "statistics"} {
		svg := DefaultSVG(name)
		im, err := Sanitize(svg)
		if err != nil {
			t.Fatalf("%q: %v\n%s", name, err, svg)
		}
		if !bytes.Equal(im.Data, svg) {
			t.Errorf("%q: sanitized\n%s\nfrom\n%s", name, im.Data, svg)
		}
		bg := Background(cmp.Or(name, "Badge"))
		fill := fmt.Sprintf(`fill="#%02x%02x%02x"`, bg.R, bg.G, bg.B)
		if !bytes.Contains(svg, []byte(fill)) || Contrast(bg, color.White) < 4.5 {
			t.Errorf("%q: no %s or contrast below AA", name, fill)
		}
		if want := ">" + Initials(cmp.Or(name, "Badge")) + "</text>"; !bytes.Contains(svg, []byte(want)) {
			t.Errorf("%q: no %s in\n%s", name, want, svg)
		}
	}
	if !bytes.Contains(DefaultSVG("Data Science <Foundations> & more"), []byte("<title>Data Science &lt;Foundations&gt; &amp; more</title>")) {
		t.Error("the title is not the escaped name")
	}
}
