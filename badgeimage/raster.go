package badgeimage

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"

	"github.com/badged/badged"

	"golang.org/x/image/draw"
)

// sanitizeRaster decodes a PNG or JPEG within the pixel limits and encodes
// its pixels again as a PNG, scaled down to ServedEdge.
func sanitizeRaster(b []byte) (*Image, error) {
	isPNG := b[0] == 0x89
	kind := "JPEG"
	decodeConfig, decode := jpeg.DecodeConfig, jpeg.Decode
	if isPNG {
		kind = "PNG"
		decodeConfig, decode = png.DecodeConfig, png.Decode
	}
	cfg, err := decodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, badged.Wrap(badged.Invalid, err, "The "+kind+" image is damaged and cannot be read.")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, invalid("The %s image is empty (%d × %d pixels).", kind, cfg.Width, cfg.Height)
	}
	if cfg.Width > MaxEdge || cfg.Height > MaxEdge {
		return nil, invalid("The image is %d × %d pixels; at most %d × %d is allowed.", cfg.Width, cfg.Height, MaxEdge, MaxEdge)
	}
	img, err := decode(bytes.NewReader(b))
	if err != nil {
		return nil, badged.Wrap(badged.Invalid, err, "The "+kind+" image is damaged and cannot be read.")
	}
	img = fit(img, ServedEdge)
	var out bytes.Buffer
	if err := png.Encode(&out, img); err != nil {
		return nil, badged.Wrap(badged.Invalid, err, "The "+kind+" image cannot be converted to PNG.")
	}
	return &Image{MediaType: PNG, Data: out.Bytes()}, nil
}

// fit returns img scaled down, keeping its proportions, so that neither
// side exceeds edge pixels, and img itself when it fits already. A JPEG's
// YCbCr or CMYK pixels become RGBA, which PNG can hold.
func fit(img image.Image, edge int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= edge && h <= edge {
		switch img.(type) {
		case *image.YCbCr, *image.CMYK:
			dst := image.NewRGBA(image.Rect(0, 0, w, h))
			draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Src)
			return dst
		}
		return img
	}
	if w >= h {
		w, h = edge, max(1, h*edge/w)
	} else {
		w, h = max(1, w*edge/h), edge
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}
