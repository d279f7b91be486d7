package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/badged/badged/wallet"
	"github.com/badged/badged/web/page"
)

// decodeQR reads the text of the QR code in img with a real decoder.
func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil {
		// Without the hint, as a camera would.
		if res, err = qrcode.NewQRCodeReader().Decode(bmp, nil); err != nil {
			t.Fatalf("the QR code does not decode: %v", err)
		}
	}
	return res.GetText()
}

// decodeQRPNG decodes the QR code of a PNG.
func decodeQRPNG(t *testing.T, b []byte) string {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return decodeQR(t, img)
}

// decodeQRSVG rasterises the module squares of a QR SVG (svgMatrix), n
// modules a side, with a quiet zone, and decodes it.
func decodeQRSVG(t *testing.T, b []byte, n int) string {
	t.Helper()
	m := svgMatrix(t, b, n)
	const scale, quiet = 8, 4
	side := (n + 2*quiet) * scale
	img := image.NewGray(image.Rect(0, 0, side, side))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y := range n {
		for x := range n {
			if !m[y][x] {
				continue
			}
			for dy := range scale {
				for dx := range scale {
					img.SetGray((x+quiet)*scale+dx, (y+quiet)*scale+dy, color.Gray{})
				}
			}
		}
	}
	return decodeQR(t, img)
}

// TestPresentationPage: a browser opening a presentation's link sees the
// presented credential and the presentation verified against the
// challenge and domain it was made for; a presentation stored with
// another challenge than it was signed for shows as not valid; the QR
// code on the backpack's page decodes to the link; a script still gets
// the JSON; expired is 404.
func TestPresentationPage(t *testing.T) {
	we := newWalletEnv(t).backpack()
	ctx := context.Background()
	a := we.claim(learner)
	resp, doc := we.browse(learner, "POST", "/backpack/"+a.ID+"/presentations", url.Values{"challenge": {"c-42"}, "domain": {"verifier.example"}}, true)
	wantPage(t, resp, doc, 200)
	link, _ := doc.Find("#presentation-url").Attr("value")
	src, _ := doc.Find("#presentation-qr").Attr("src")
	png := must(base64.StdEncoding.DecodeString(strings.TrimPrefix(src, "data:image/png;base64,")))
	if got := decodeQRPNG(t, png); got != link || !strings.HasPrefix(link, publicBase+"/p/vp_") {
		t.Errorf("the presentation QR decodes to %q, want the link %q", got, link)
	}
	path := strings.TrimPrefix(link, publicBase)

	for _, lang := range []string{"en", "nl"} {
		resp, doc = we.browse(anonymous, "GET", path+"?lang="+lang, nil, false)
		wantPage(t, resp, doc, 200)
		if v, _ := doc.Find("#verification").Attr("data-verified"); v != "true" {
			t.Errorf("%s: presentation not verified: %q", lang, doc.Find("#verification").Text())
		}
		if doc.Find("h1").Text() != page.BackpackText[lang]["presentationTitle"] {
			t.Errorf("%s: h1 %q", lang, doc.Find("h1").Text())
		}
	}
	holder := must(we.w.HolderDID(ctx, "user-"+learner))
	if doc.Find("#challenge").Text() != "c-42" || doc.Find("#domain").Text() != "verifier.example" || doc.Find("#holder").Text() != holder {
		t.Errorf("about: %q", doc.Find("#presentation-about").Text())
	}
	cred := doc.Find(`#credentials article[data-credential="0"]`)
	if cred.Length() != 1 || cred.Find("h3").Text() != "Statistics" || cred.AttrOr("data-verified", "") != "true" ||
		!strings.Contains(cred.Find(".issuer").Text(), "Department") || cred.Find(`li.check[data-check="proof"][data-verdict="pass"]`).Length() != 1 {
		t.Errorf("presented credential: %q", doc.Find("#credentials").Text())
	}
	if doc.Find(`#verification li.check[data-verdict="fail"]`).Length() != 0 || doc.Find(`#verification li.check`).Length() == 0 {
		t.Errorf("presentation checks: %q", doc.Find("#verification").Text())
	}
	// A script gets the JSON still.
	resp, body := we.do(anonymous, "GET", path, nil)
	wantStatus(t, resp, body, 200)
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || !strings.Contains(resp.Header.Get("Vary"), "Accept") {
		t.Errorf("JSON answer: %s, Vary %q", resp.Header.Get("Content-Type"), resp.Header.Get("Vary"))
	}

	// Stored for another challenge than it was signed for: not valid.
	vp := must(we.db.Presentation(ctx, strings.TrimPrefix(path, "/p/")))
	forged := *vp
	forged.ID, forged.Challenge = "vp_forged", "another"
	must(0, we.db.CreatePresentation(ctx, &forged))
	resp, doc = we.browse(anonymous, "GET", "/p/vp_forged?lang=en", nil, false)
	wantPage(t, resp, doc, 200)
	if v, _ := doc.Find("#verification").Attr("data-verified"); v != "false" || !strings.Contains(doc.Find(".verdict").Text(), page.BackpackText["en"]["presentationNotVerified"]) {
		t.Errorf("forged presentation: %q", doc.Find("#verification").Text())
	}

	resp, doc = we.browse(anonymous, "GET", "/p/vp_nope", nil, false)
	wantPage(t, resp, doc, http.StatusNotFound)
	we.clock.Add(wallet.DefaultPresentationTTL + 60e9)
	resp, doc = we.browse(anonymous, "GET", path, nil, false)
	wantPage(t, resp, doc, http.StatusNotFound)
}
