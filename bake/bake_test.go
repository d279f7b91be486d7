package bake_test

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/badged/badged"
	"github.com/badged/badged/bake"
)

const fixtures = "../testdata/vectors/ob3-validator-fixtures"

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// jsonCredential and jwtCredential are small payloads for round trips.
const (
	jsonCredential = `{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:uuid:1","name":"odd ]]> text & <tags>"}`
	jwtCredential  = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZToxIn0.c2lnbmF0dXJl"
)

// TestFixtures extracts the credential from each of 1EdTech's baked images.
// The JSON images hold an eddsa-rdfc-2022 signed OB 3.0 credential; the JWT
// images hold an RS256 VC-JWT (key in the header's jwk): simple-jwt.* with
// the credential as the JWT claims (VC 2.0), simple-jwt_v1.* with it under
// the "vc" claim (VC 1.1, OB context.json).
func TestFixtures(t *testing.T) {
	tests := []struct {
		file, kind string
		jwt        bool
		id         string // the credential's id
	}{
		{"simple-json.png", bake.KindPNG, false, "http://example.com/credentials/3527"},
		{"simple-json.svg", bake.KindSVG, false, "http://example.com/credentials/3527"},
		{"simple-jwt.png", bake.KindPNG, true, "http://example.com/credentials/3527"},
		{"simple-jwt.svg", bake.KindSVG, true, "http://example.com/credentials/3527"},
		{"simple-jwt_v1.png", bake.KindPNG, true, "http://example.edu/credentials/3732"},
		{"simple-jwt_v1.svg", bake.KindSVG, true, "http://example.edu/credentials/3732"},
	}
	for _, tt := range tests {
		t.Run("ok/"+tt.file, func(t *testing.T) {
			payload, kind, err := bake.Extract(readFixture(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if kind != tt.kind {
				t.Errorf("kind = %q, want %q", kind, tt.kind)
			}
			claims := payload
			if tt.jwt {
				parts := strings.Split(string(payload), ".")
				if len(parts) != 3 {
					t.Fatalf("payload is not a compact JWT: %.60q", payload)
				}
				if claims, err = base64.RawURLEncoding.DecodeString(parts[1]); err != nil {
					t.Fatalf("JWT payload: %v", err)
				}
			}
			var cred struct {
				ID string
				VC struct{ ID string }
			}
			if err := json.Unmarshal(claims, &cred); err != nil {
				t.Fatalf("payload is not JSON: %v", err)
			}
			if cred.ID == "" {
				cred.ID = cred.VC.ID
			}
			if cred.ID != tt.id {
				t.Errorf("id = %q, want %q", cred.ID, tt.id)
			}
		})
	}
}

// testPNG returns a small valid PNG.
func testPNG(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{R: 255, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const testSVG = `<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4"/></svg>`

func TestRoundTrip(t *testing.T) {
	images := map[string][]byte{
		"png/generated": testPNG(t),
		"png/fixture":   readFixture(t, "simple-json.png"), // replaces the baked credential
		"svg/generated": []byte(testSVG),
		"svg/empty":     []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`),
		"svg/fixture":   readFixture(t, "simple-jwt.svg"),
	}
	payloads := map[string]string{"json": jsonCredential, "jwt": jwtCredential}
	for iname, img := range images {
		for pname, payload := range payloads {
			t.Run("ok/"+iname+"/"+pname, func(t *testing.T) {
				bakeFn := bake.SVG
				if strings.HasPrefix(iname, "png") {
					bakeFn = bake.PNG
				}
				baked, err := bakeFn(img, []byte(payload))
				if err != nil {
					t.Fatal(err)
				}
				got, _, err := bake.Extract(baked)
				if err != nil {
					t.Fatalf("extract: %v\n%s", err, baked)
				}
				if string(got) != payload {
					t.Errorf("extracted %q, want %q", got, payload)
				}
				// Baking again replaces, never duplicates.
				again, err := bakeFn(baked, []byte(payloads["jwt"]))
				if err != nil {
					t.Fatal(err)
				}
				if got, _, err := bake.Extract(again); err != nil || string(got) != jwtCredential {
					t.Errorf("rebaked: got %q, %v", got, err)
				}
				if strings.HasPrefix(iname, "png") {
					if _, err := png.Decode(bytes.NewReader(baked)); err != nil {
						t.Errorf("baked PNG does not decode: %v", err)
					}
				}
			})
		}
	}
}

func TestSVGShape(t *testing.T) {
	out, err := bake.SVG([]byte(testSVG), []byte(jwtCredential))
	if err != nil {
		t.Fatal(err)
	}
	want := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">
<openbadges:credential verify="` + jwtCredential + `"/><circle r="4"/></svg>`
	if !strings.HasSuffix(string(out), want) {
		t.Errorf("got\n%s\nwant suffix\n%s", out, want)
	}
	out, err = bake.SVG([]byte(testSVG), []byte(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte(`<openbadges:credential><![CDATA[{"a":1}]]></openbadges:credential><circle`)) {
		t.Errorf("JSON not in CDATA as first child:\n%s", out)
	}
}

// pngWithChunk returns a valid PNG with an extra chunk before IEND.
func pngWithChunk(t testing.TB, typ string, data []byte) []byte {
	t.Helper()
	p := testPNG(t)
	iend := p[len(p)-12:]
	out := bytes.Clone(p[:len(p)-12])
	out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
	start := len(out)
	out = append(out, typ...)
	out = append(out, data...)
	out = binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[start:]))
	return append(out, iend...)
}

func TestExtractPNGCompressed(t *testing.T) {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write([]byte(jsonCredential))
	zw.Close()
	img := pngWithChunk(t, "iTXt", append([]byte("openbadgecredential\x00\x01\x00en\x00\x00"), z.Bytes()...))
	got, err := bake.ExtractPNG(img)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != jsonCredential {
		t.Errorf("got %q", got)
	}
}

func TestExtractErrors(t *testing.T) {
	good, err := bake.PNG(testPNG(t), []byte(jsonCredential))
	if err != nil {
		t.Fatal(err)
	}
	badCRC := bytes.Clone(good)
	badCRC[len(badCRC)-20] ^= 1 // inside the iTXt chunk
	hugeLen := bytes.Clone(good)
	binary.BigEndian.PutUint32(hugeLen[8:], 0xfffffff0)

	// PNG() removes old credentials, so add the second chunk by hand.
	second := []byte("openbadgecredential\x00\x00\x00\x00\x00{}")
	oneCredential := pngWithChunk(t, "iTXt", second)
	twoCredentials, err := bake.PNG(oneCredential, []byte(jsonCredential))
	if err != nil {
		t.Fatal(err)
	}
	twoCredentials = append(twoCredentials[:len(twoCredentials)-12], oneCredential[len(oneCredential)-12-12-len(second):]...)
	if _, err := bake.ExtractPNG(twoCredentials); err == nil || !strings.Contains(err.Error(), "more than one") {
		t.Fatalf("two credentials: %v", err)
	}

	var bomb bytes.Buffer
	zw := zlib.NewWriter(&bomb)
	zw.Write(make([]byte, bake.MaxPayloadSize+10))
	zw.Close()

	tests := []struct {
		name string
		data []byte
		kind badged.Kind
		is   error
	}{
		{"fail/png-bad-crc", badCRC, badged.Invalid, nil},
		{"fail/png-truncated", good[:len(good)-30], badged.Invalid, nil},
		{"fail/png-no-iend", good[:len(good)-12], badged.Invalid, nil},
		{"fail/png-huge-length", hugeLen, badged.Invalid, nil},
		{"fail/png-not-baked", testPNG(t), badged.Invalid, bake.ErrNoCredential},
		{"fail/png-two-credentials", twoCredentials, badged.Invalid, nil},
		{"fail/png-zlib-bomb", pngWithChunk(t, "iTXt", append([]byte("openbadgecredential\x00\x01\x00\x00\x00"), bomb.Bytes()...)), badged.TooLarge, nil},
		{"fail/png-bad-compression", pngWithChunk(t, "iTXt", []byte("openbadgecredential\x00\x01\x07\x00\x00x")), badged.Invalid, nil},
		{"fail/png-signature-only", []byte("\x89PNG\r\n\x1a\n"), badged.Invalid, nil},
		{"fail/not-an-image", []byte("GIF89a...."), badged.Invalid, nil},
		{"fail/empty", nil, badged.Invalid, nil},
		{"fail/svg-doctype-entities", []byte(`<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential>&b;</openbadges:credential></svg>`), badged.Invalid, nil},
		{"fail/svg-external-entity", []byte(`<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><openbadges:credential xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">&x;</openbadges:credential></svg>`), badged.Invalid, nil},
		{"fail/svg-undefined-entity", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><openbadges:credential xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">&x;</openbadges:credential></svg>`), badged.Invalid, nil},
		{"fail/svg-not-baked", []byte(testSVG), badged.Invalid, bake.ErrNoCredential},
		{"fail/svg-not-svg", []byte(`<html><body/></html>`), badged.Invalid, nil},
		{"fail/svg-malformed", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><g></svg>`), badged.Invalid, nil},
		{"fail/svg-empty-credential", []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential>  </openbadges:credential></svg>`), badged.Invalid, nil},
		{"fail/svg-two-credentials", []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential verify="a.b.c"/><openbadges:credential verify="d.e.f"/></svg>`), badged.Invalid, nil},
		{"fail/svg-deep", []byte(`<svg xmlns="http://www.w3.org/2000/svg">` + strings.Repeat("<g>", 300) + strings.Repeat("</g>", 300) + `</svg>`), badged.Invalid, nil},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := bake.Extract(tt.data)
			if err == nil {
				t.Fatalf("no error; payload %q", got)
			}
			if k := badged.KindOf(err); k != tt.kind {
				t.Errorf("kind = %s, want %s (%v)", k, tt.kind, err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
		})
	}
}

func TestBakeErrors(t *testing.T) {
	tests := []struct {
		name    string
		img     []byte
		payload string
		fn      func([]byte, []byte) ([]byte, error)
	}{
		{"fail/png-empty-payload", testPNG(t), "", bake.PNG},
		{"fail/png-not-json-or-jwt", testPNG(t), "hello world", bake.PNG},
		{"fail/png-bad-json", testPNG(t), `{"a":`, bake.PNG},
		{"fail/png-not-png", []byte(testSVG), jsonCredential, bake.PNG},
		{"fail/svg-not-svg", testPNG(t), jsonCredential, bake.SVG},
		{"fail/svg-jwt-with-quote", []byte(testSVG), `a.b".c`, bake.SVG},
		{"fail/svg-other-prefix-binding", []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"/>`), jsonCredential, bake.SVG},
		{"fail/svg-doctype-subset", []byte(`<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg"/>`), jsonCredential, bake.SVG},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.fn(tt.img, []byte(tt.payload)); err == nil {
				t.Fatal("no error")
			} else if badged.KindOf(err) != badged.Invalid {
				t.Errorf("kind = %s (%v)", badged.KindOf(err), err)
			}
		})
	}
}

func ExampleSVG() {
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>`)
	baked, err := bake.SVG(svg, []byte("eyJhbGciOiJFZERTQSJ9.e30.c2ln"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(baked))
	payload, kind, _ := bake.Extract(baked)
	fmt.Println(kind, string(payload))
	// Output:
	// <svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">
	// <openbadges:credential verify="eyJhbGciOiJFZERTQSJ9.e30.c2ln"/><circle r="4"/></svg>
	// svg eyJhbGciOiJFZERTQSJ9.e30.c2ln
}
