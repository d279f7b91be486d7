package badgeimage

import (
	"fmt"
	"strings"
	"testing"

	"github.com/badged/badged"
)

const inkscapeSVG = `<?xml version="1.0" encoding="UTF-8"?>
<!-- Created with Inkscape -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
  xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
  xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
  xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
  width="200px" height="100" inkscape:version="1.3" data-name="badge">
  <sodipodi:namedview id="nv" inkscape:zoom="1"/>
  <metadata><rdf:RDF><rdf:Description about="https://example.org/"/></rdf:RDF></metadata>
  <defs>
    <linearGradient id="g"><stop offset="0" stop-color="#fc0"/><stop offset="1" style="stop-color: rgb(200, 0, 0)"/></linearGradient>
    <circle id="dot" r="4"/>
    <style>/* badge */ .t { font: bold 20px sans-serif; fill: url(#g) }</style>
  </defs>
  <rect width="200" height="100" rx="12" fill="url('#g')" inkscape:label="background"/>
  <use xlink:href="#dot" x="20" y="20"/>
  <text class="t" x="100" y="60" text-anchor="middle">Data &amp; <![CDATA[Statistics <1>]]><tspan> I</tspan></text>
</svg>
`

func TestSanitizeSVG(t *testing.T) {
	im, err := Sanitize([]byte(inkscapeSVG))
	if err != nil {
		t.Fatal(err)
	}
	want := `<svg xmlns="http://www.w3.org/2000/svg" width="200px" height="100" viewBox="0 0 200 100">` +
		`<defs><linearGradient id="g"><stop offset="0" stop-color="#fc0"/><stop offset="1" style="stop-color: rgb(200, 0, 0)"/></linearGradient>` +
		`<circle id="dot" r="4"/><style>  .t { font: bold 20px sans-serif; fill: url(#g) }</style></defs>` +
		`<rect width="200" height="100" rx="12" fill="url(&#39;#g&#39;)"/><use href="#dot" x="20" y="20"/>` +
		`<text class="t" x="100" y="60" text-anchor="middle">Data &amp; Statistics &lt;1&gt;<tspan> I</tspan></text></svg>`
	if got := string(im.Data); got != want {
		t.Errorf("sanitized\n%s\nwant\n%s", got, want)
	}
	if im.MediaType != SVG || im.Ext() != "svg" {
		t.Errorf("type %s", im.MediaType)
	}
	again, err := Sanitize(im.Data)
	if err != nil {
		t.Fatal(err)
	}
	if string(again.Data) != want {
		t.Errorf("sanitizing the output again changed it:\n%s", again.Data)
	}
}

func TestSanitizeSVGRefused(t *testing.T) {
	const open = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">`
	svg := func(body string) string { return open + body + `</svg>` }
	tests := []struct {
		name, in, message string
	}{
		{"fail/script", svg(`<script>alert(1)</script>`), "a <script> element"},
		{"fail/script in metadata", svg(`<metadata><script>alert(1)</script></metadata>`), "a <script> element"},
		{"fail/script in XHTML", svg(`<script xmlns="http://www.w3.org/1999/xhtml">alert(1)</script>`), "a <script> element"},
		{"fail/foreignObject", svg(`<foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil.example"/></foreignObject>`), "a <foreignObject> element"},
		{"fail/onload", `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1" onload="alert(1)"/>`, "event handler attribute (onload on <svg>)"},
		{"fail/onclick upper case", svg(`<rect ONCLICK="alert(1)"/>`), "event handler attribute (ONCLICK on <rect>)"},
		{"fail/javascript href", svg(`<a href="javascript:alert(1)"><rect/></a>`), "a javascript: address"},
		{"fail/javascript hidden", svg(`<use href="java&#x09;script:alert(1)"/>`), "a javascript: address"},
		{"fail/link", svg(`<a href="#x"><rect/></a>`), "a <a> element"},
		{"fail/external use", svg(`<use xlink:href="https://evil.example/sprite.svg#icon"/>`), `refers to "https://evil.example/sprite.svg#icon"`},
		{"fail/data use", svg(`<use href="data:image/svg+xml;base64,PHN2Zz4="/>`), "outside itself"},
		{"fail/image", svg(`<image href="https://tracker.example/pixel.png"/>`), "a <image> element"},
		{"fail/external fill", svg(`<rect fill="url(https://evil.example/p.svg#g)"/>`), `refers to "https://evil.example/p.svg#g"`},
		{"fail/external style", svg(`<rect style="fill: url( 'http://evil.example/x' )"/>`), `refers to "http://evil.example/x"`},
		{"fail/style import", svg(`<style>@import "https://evil.example/x.css";</style>`), "the rule @import"},
		{"fail/font-face", svg(`<style>@font-face { font-family: x; src: local(x) }</style>`), "the rule @font-face"},
		{"fail/image-set", svg(`<style>rect { fill: image-set("https://evil.example/a.png" 1x) }</style>`), "calls image-set()"},
		{"fail/css escape", svg(`<rect style="fill: u\72l(https://evil.example/)"/>`), "backslash escape"},
		{"fail/unterminated comment", svg(`<rect style="fill: red /* x"/>`), "does not end"},
		{"fail/stylesheet PI", `<?xml-stylesheet href="https://evil.example/x.css"?>` + svg(""), "processing instruction (<?xml-stylesheet ...?>)"},
		{"fail/billion laughs", `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>` + svg(`<text>&lol2;</text>`), "<!DOCTYPE>"},
		{"fail/external entity", `<!DOCTYPE svg SYSTEM "https://evil.example/x.dtd" [<!ENTITY x SYSTEM "file:///etc/passwd">]>` + svg(`<text>&x;</text>`), "<!DOCTYPE>"},
		{"fail/declaration in body", svg(`<!ENTITY x "y">`), "another declaration"},
		{"fail/undeclared entity", svg(`<text>&nbsp;</text>`), "not well-formed XML"},
		{"fail/animation", svg(`<set attributeName="href" to="#x"/>`), "a <set> element"},
		{"fail/unknown attribute", svg(`<rect formaction="x"/>`), "the attribute formaction on <rect>"},
		{"fail/xml:base", svg(`<g xml:base="https://evil.example/"/>`), "the attribute xml:base"},
		{"fail/other vocabulary", svg(`<html:p xmlns:html="http://www.w3.org/1999/xhtml">x</html:p>`), "from another vocabulary (http://www.w3.org/1999/xhtml)"},
		{"fail/duplicate href", svg(`<use href="#a" xlink:href="#b"/>`), "the attribute href twice"},
		{"fail/nested use", svg(`<g id="a"><use href="#b"/></g><use href="#a"/>`), "nested uses are not allowed"},
		{"fail/use cycle", svg(`<g id="a"><use href="#a"/></g>`), "nested uses are not allowed"},
		{"fail/no viewBox", `<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="100%"/>`, "no viewBox"},
		{"fail/bad viewBox", `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 0 10"/>`, "has no area"},
		{"fail/deep", svg(strings.Repeat("<g>", MaxSVGDepth) + strings.Repeat("</g>", MaxSVGDepth)), "more than 64 deep"},
		{"fail/many", svg(strings.Repeat("<g/>", MaxSVGElements)), "more than 10000 elements"},
		{"fail/many attributes", svg(`<rect` + manyAttributes(101) + `/>`), "more than 100 attributes"},
		{"fail/unclosed", open + "<g>", "not well-formed XML"},
		{"fail/two roots", svg("") + svg(""), "content after its <svg> element"},
		{"fail/latin-1", `<?xml version="1.0" encoding="ISO-8859-1"?>` + svg(""), "encoded in ISO-8859-1; only UTF-8"},
		{"fail/not svg", `<html xmlns="http://www.w3.org/1999/xhtml"/>`, "This file is not a PNG, JPEG or SVG image."},
		{"fail/HTML doctype", `<!DOCTYPE html><svg/>`, "This file is not a PNG, JPEG or SVG image."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Sanitize([]byte(tt.in))
			wantError(t, err, badged.Invalid, tt.message)
		})
	}
}

func TestSanitizeSVGKept(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"ok/no namespace", `<svg viewBox="0 0 1 1"><circle r="1"/></svg>`,
			`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><circle r="1"/></svg>`},
		{"ok/filter", `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><filter id="f"><feGaussianBlur stdDeviation="2"/></filter><g filter="url(#f)" transform="rotate(45 0 0) translate(1,2)"/></svg>`,
			`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><filter id="f"><feGaussianBlur stdDeviation="2"/></filter><g filter="url(#f)" transform="rotate(45 0 0) translate(1,2)"/></svg>`},
		{"ok/newline kept in attribute", "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"><path d=\"M0 0\nL1 1\"/></svg>",
			`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><path d="M0 0&#xA;L1 1"/></svg>`},
		{"ok/baked credential dropped", `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" viewBox="0 0 1 1">` +
			`<openbadges:credential><![CDATA[{"@context": []}]]></openbadges:credential><rect/></svg>`,
			`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect/></svg>`},
		{"ok/Illustrator", `<?xml version="1.0" encoding="utf-8"?>
<!-- Generator: Adobe Illustrator 16.0.0, SVG Export Plug-In . SVG Version: 6.00 Build 0)  -->
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg version="1.1" id="Layer_1" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" x="0px" y="0px"
	 width="100px" height="100px" viewBox="0 0 100 100" enable-background="new 0 0 100 100" xml:space="preserve" role="img" aria-label="A badge">
<circle fill="#FFFFFF" cx="50" cy="50" r="40"/>
</svg>`,
			`<svg xmlns="http://www.w3.org/2000/svg" version="1.1" id="Layer_1" x="0px" y="0px" width="100px" height="100px" viewBox="0 0 100 100" enable-background="new 0 0 100 100" xml:space="preserve" role="img" aria-label="A badge"><circle fill="#FFFFFF" cx="50" cy="50" r="40"/></svg>`},
		{"ok/text outside text dropped", `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1">stray<g>text</g></svg>`,
			`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><g/></svg>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im, err := Sanitize([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(im.Data) != tt.want {
				t.Errorf("got\n%s\nwant\n%s", im.Data, tt.want)
			}
		})
	}
}

// manyAttributes returns n distinct attributes, each allowed.
func manyAttributes(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, ` aria-a%d="x"`, i)
	}
	return b.String()
}
