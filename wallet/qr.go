package wallet

import (
	"fmt"
	"strings"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/badged/badged"
)

// qrLevel is the error correction of badged's QR codes: medium, which
// survives a printed code's smudges.
const qrLevel = qrcode.Medium

// QRMatrix returns the modules of the QR code of text, quiet zone
// included: true is dark. PNG and SVG codes are drawn from it.
func QRMatrix(text string) ([][]bool, error) {
	q, err := qrcode.New(text, qrLevel)
	if err != nil {
		return nil, badged.Wrap(badged.Invalid, err, "the text is too long for a QR code")
	}
	return q.Bitmap(), nil
}

// QR returns the QR code of text as a PNG image, or with svg as an SVG
// image with one path of unit squares. Errors: Invalid for text too long.
func QR(text string, svg bool) ([]byte, error) {
	if !svg {
		b, err := qrcode.Encode(text, qrLevel, 512)
		if err != nil {
			return nil, badged.Wrap(badged.Invalid, err, "the text is too long for a QR code")
		}
		return b, nil
	}
	m, err := QRMatrix(text)
	if err != nil {
		return nil, err
	}
	var d strings.Builder
	for y, row := range m {
		for x, dark := range row {
			if dark {
				fmt.Fprintf(&d, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	n := len(m)
	return fmt.Appendf(nil, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" shape-rendering="crispEdges">`+
		`<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="%s"/></svg>`+"\n", n, n, n*8, n*8, n, n, d.String()), nil
}
