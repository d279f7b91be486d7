package bake

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"github.com/badged/badged"
)

// Namespace of the OB 3.0 credential element in SVG.
const svgNamespace = "https://purl.imsglobal.org/ob/v3p0"

// maxSVGDepth bounds element nesting, so deeply nested input cannot make
// the decoder's stack grow without limit.
const maxSVGDepth = 256

// svgDoc is what scanSVG learns about an SVG document: where its root start
// tag is, whether it binds the openbadges prefix, and where existing
// credential elements are.
type svgDoc struct {
	rootStart, rootEnd int  // byte offsets of the root start tag
	rootEmpty          bool // the root is <svg .../>
	prefixBound        bool // the root declares xmlns:openbadges
	credentials        [][2]int
	payload            []byte
}

// SVG returns a copy of svg with payload baked into it: the root element
// declares xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" and gets an
// <openbadges:credential> first child holding a JSON credential in CDATA or
// a compact JWT in its verify attribute. Any credential element already
// there is removed; the rest of the document is kept byte for byte.
//
// The error is Invalid when svg is not a well-formed SVG document (or has
// a DOCTYPE with an internal subset, or binds the openbadges prefix to
// another namespace) or payload is neither JSON nor a compact JWT, and
// TooLarge beyond [MaxImageSize] or [MaxPayloadSize].
func SVG(svg []byte, payload []byte) ([]byte, error) {
	f, err := payloadFormat(payload)
	if err != nil {
		return nil, err
	}
	doc, err := scanSVG(svg)
	if err != nil {
		return nil, err
	}

	var elem bytes.Buffer
	elem.WriteString("\n<openbadges:credential")
	p := bytes.TrimSpace(payload)
	if f == formatJWT {
		elem.WriteString(` verify="`)
		elem.Write(p) // base64url and dots need no escaping
		elem.WriteString(`"/>`)
	} else {
		elem.WriteString("><![CDATA[")
		// "]]>" cannot appear inside CDATA: end the section and start another.
		elem.Write(bytes.ReplaceAll(p, []byte("]]>"), []byte("]]]]><![CDATA[>")))
		elem.WriteString("]]></openbadges:credential>")
	}
	if doc.rootEmpty {
		elem.WriteString("\n</svg>")
	}

	tag := svg[doc.rootStart:doc.rootEnd]
	var out bytes.Buffer
	out.Grow(len(svg) + elem.Len() + len(svgNamespace) + 32)
	out.Write(svg[:doc.rootStart])
	switch {
	case doc.rootEmpty:
		out.Write(bytes.TrimRight(tag[:len(tag)-2], " \t\r\n"))
	default:
		out.Write(tag[:len(tag)-1])
	}
	if !doc.prefixBound {
		out.WriteString(` xmlns:openbadges="` + svgNamespace + `"`)
	}
	out.WriteByte('>')
	out.Write(elem.Bytes())
	// Copy the rest, leaving out existing credential elements.
	pos := doc.rootEnd
	for _, c := range doc.credentials {
		out.Write(svg[pos:c[0]])
		pos = c[1]
	}
	out.Write(svg[pos:])
	return out.Bytes(), nil
}

// ExtractSVG returns the credential baked into svg: the verify attribute of
// its <openbadges:credential> element (a compact JWT) or, without one, the
// element's text with surrounding white space trimmed (a JSON credential).
//
// The error wraps [ErrNoCredential] when the document holds no credential
// element. It is Invalid when svg is not well-formed XML, its root is not
// <svg>, it has a DOCTYPE with an internal subset or more than one
// credential element, and TooLarge beyond the size limits.
func ExtractSVG(svg []byte) ([]byte, error) {
	doc, err := scanSVG(svg)
	if err != nil {
		return nil, err
	}
	switch {
	case len(doc.credentials) == 0:
		return nil, badged.Wrap(badged.Invalid, ErrNoCredential, "the SVG holds no Open Badges credential")
	case len(doc.credentials) > 1:
		return nil, badged.Errorf(badged.Invalid, "the SVG holds more than one openbadges:credential element")
	case len(doc.payload) == 0:
		return nil, badged.Errorf(badged.Invalid, "the SVG's openbadges:credential element is empty")
	}
	return doc.payload, nil
}

// scanSVG reads the whole document with encoding/xml, which never fetches
// external entities nor expands entities other than the five predefined
// ones, and records what [SVG] and [ExtractSVG] need.
func scanSVG(svg []byte) (*svgDoc, error) {
	if len(svg) > MaxImageSize {
		return nil, badged.Errorf(badged.TooLarge, "the image is larger than %d bytes", MaxImageSize)
	}
	d := xml.NewDecoder(bytes.NewReader(svg))
	d.Strict = true
	doc := &svgDoc{rootStart: -1}
	depth := 0
	inCred := false // inside the (first) credential element
	credStart := 0
	var text bytes.Buffer
	for {
		start := int(d.InputOffset())
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, badged.Errorf(badged.Invalid, "the SVG is not well-formed XML: %v", err)
		}
		end := int(d.InputOffset())
		switch t := tok.(type) {
		case xml.Directive:
			if err := checkDirective(t); err != nil {
				return nil, err
			}
		case xml.StartElement:
			depth++
			if depth > maxSVGDepth {
				return nil, badged.Errorf(badged.Invalid, "the SVG nests elements more than %d deep", maxSVGDepth)
			}
			if doc.rootStart < 0 {
				if t.Name.Local != "svg" || (t.Name.Space != "" && t.Name.Space != "http://www.w3.org/2000/svg") {
					return nil, badged.Errorf(badged.Invalid, "the document's root element is <%s>, not <svg>", t.Name.Local)
				}
				doc.rootStart, doc.rootEnd = start, end
				doc.rootEmpty = bytes.HasSuffix(svg[start:end], []byte("/>"))
				for _, a := range t.Attr {
					if a.Name.Space == "xmlns" && a.Name.Local == "openbadges" {
						if a.Value != svgNamespace {
							return nil, badged.Errorf(badged.Invalid, "the SVG binds the openbadges prefix to %q, not %s", a.Value, svgNamespace)
						}
						doc.prefixBound = true
					}
				}
				continue
			}
			if t.Name.Space == "openbadges" {
				// encoding/xml leaves an undeclared prefix as the space;
				// baking would declare it and change the element's meaning.
				return nil, badged.Errorf(badged.Invalid, "the SVG uses the openbadges prefix without declaring its namespace")
			}
			if t.Name.Space == svgNamespace && t.Name.Local == "credential" {
				if inCred {
					return nil, badged.Errorf(badged.Invalid, "the SVG nests openbadges:credential elements")
				}
				inCred = true
				credStart = start
				text.Reset()
				if len(doc.credentials) == 0 {
					for _, a := range t.Attr {
						if a.Name.Space == "" && a.Name.Local == "verify" {
							doc.payload = []byte(strings.TrimSpace(a.Value))
						}
					}
				}
			}
		case xml.EndElement:
			depth--
			if inCred && t.Name.Space == svgNamespace && t.Name.Local == "credential" {
				inCred = false
				if len(doc.credentials) == 0 && doc.payload == nil {
					doc.payload = bytes.TrimSpace(text.Bytes())
				}
				doc.credentials = append(doc.credentials, [2]int{credStart, end})
			}
		case xml.CharData:
			if inCred {
				if text.Len()+len(t) > MaxPayloadSize {
					return nil, badged.Errorf(badged.TooLarge, "the baked credential is larger than %d bytes", MaxPayloadSize)
				}
				text.Write(t)
			}
		}
	}
	if doc.rootStart < 0 {
		return nil, badged.Errorf(badged.Invalid, "the SVG has no <svg> element")
	}
	if len(doc.payload) > MaxPayloadSize {
		return nil, badged.Errorf(badged.TooLarge, "the baked credential is larger than %d bytes", MaxPayloadSize)
	}
	if doc.payload != nil {
		doc.payload = bytes.Clone(doc.payload)
	}
	return doc, nil
}

// checkDirective allows a DOCTYPE that only names an external DTD, as the
// SVG 1.1 one that badge editors write (encoding/xml never fetches it), and
// refuses any internal subset, where entities would be declared, and any
// other directive.
func checkDirective(dir xml.Directive) error {
	s := strings.TrimSpace(string(dir))
	if !strings.HasPrefix(s, "DOCTYPE") {
		return badged.Errorf(badged.Invalid, "the SVG has a markup declaration other than DOCTYPE")
	}
	if strings.ContainsAny(s, "[<") {
		return badged.Wrap(badged.Invalid, errDTDSubset, "the SVG declares a DTD internal subset (entity declarations are not allowed)")
	}
	return nil
}

var errDTDSubset = errors.New("DOCTYPE internal subset")
