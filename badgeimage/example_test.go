package badgeimage_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/badged/badged"
	"github.com/badged/badged/badgeimage"
	"github.com/badged/badged/bake"
)

func ExampleSanitize() {
	_, err := badgeimage.Sanitize([]byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1" onload="alert(1)"/>`))
	fmt.Println(badged.MessageOf(err))

	im, err := badgeimage.Sanitize([]byte(`<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">` +
		`<!-- drawn by hand --><circle cx="20" cy="20" r="18" fill="teal"/></svg>`))
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s\n%s\n", im.MediaType, im.Data)
	// Output:
	// The SVG has an event handler attribute (onload on <svg>), which is not allowed: an image must not run code.
	// image/svg+xml
	// <svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" viewBox="0 0 40 40"><circle cx="20" cy="20" r="18" fill="teal"/></svg>
}

// TestBakeable checks that bake can put a credential into every image
// badgeimage makes, and take it out again.
func TestBakeable(t *testing.T) {
	credential := []byte(`{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]}`)
	svg, err := badgeimage.Sanitize([]byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2 2"><rect width="2" height="2"/></svg>`))
	if err != nil {
		t.Fatal(err)
	}
	png, err := badgeimage.Sanitize(badgeimage.Default("Statistics", "Mathematics").Data)
	if err != nil {
		t.Fatal(err)
	}
	baked, err := bake.SVG(svg.Data, credential)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := bake.ExtractSVG(baked); err != nil || !bytes.Equal(bytes.TrimSpace(got), credential) {
		t.Errorf("SVG: %q, %v", got, err)
	}
	if baked, err = bake.PNG(png.Data, credential); err != nil {
		t.Fatal(err)
	}
	if got, err := bake.ExtractPNG(baked); err != nil || !bytes.Equal(got, credential) {
		t.Errorf("PNG: %q, %v", got, err)
	}
}
