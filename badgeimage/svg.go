package badgeimage

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
)

// XML namespaces.
const (
	nsSVG   = "http://www.w3.org/2000/svg"
	nsXLink = "http://www.w3.org/1999/xlink"
	nsXML   = "http://www.w3.org/XML/1998/namespace"
)

// editorNamespaces are those of drawing programs' metadata and of baked
// Open Badges credentials (2.0 and 3.0), which are dropped: they are
// neither drawn nor able to run or fetch anything.
var editorNamespaces = set(
	"https://purl.imsglobal.org/ob/v3p0",
	"http://openbadges.org",
	"http://www.inkscape.org/namespaces/inkscape",
	"http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
	"http://www.w3.org/1999/02/22-rdf-syntax-ns#",
	"http://creativecommons.org/ns#",
	"http://purl.org/dc/elements/1.1/",
	"http://www.bohemiancoding.com/sketch/ns",
	"http://www.serif.com/",
)

// svgElements are the SVG elements kept; textElements those whose text
// is kept.
var (
	svgElements = set(
		"svg", "g", "defs", "title", "desc", "symbol", "use", "switch",
		"path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
		"text", "tspan", "textPath",
		"linearGradient", "radialGradient", "stop", "clipPath", "mask", "pattern", "marker", "style",
		"filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feFuncR", "feFuncG", "feFuncB", "feFuncA",
		"feComposite", "feFlood", "feGaussianBlur", "feMerge", "feMergeNode", "feMorphology", "feOffset", "feDropShadow",
	)
	textElements = set("text", "tspan", "textPath", "title", "desc", "style")
)

// svgAttributes are the attributes kept (in no namespace; href also from
// xlink). Each value is also checked by cleanCSS, as presentation
// attributes are CSS.
var svgAttributes = set(
	"id", "class", "style", "lang", "version", "baseProfile", "href",
	"x", "y", "width", "height", "cx", "cy", "r", "rx", "ry", "x1", "y1", "x2", "y2", "d", "points", "pathLength",
	"viewBox", "preserveAspectRatio", "transform",
	"fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin",
	"stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "stroke-opacity", "opacity", "color", "display",
	"visibility", "clip-path", "clip-rule", "mask", "filter", "font-family", "font-size", "font-weight",
	"font-style", "font-variant", "font-stretch", "text-anchor", "dominant-baseline", "alignment-baseline",
	"baseline-shift", "letter-spacing", "word-spacing", "text-decoration", "writing-mode", "direction",
	"unicode-bidi", "stop-color", "stop-opacity", "flood-color", "flood-opacity", "lighting-color",
	"color-interpolation", "color-interpolation-filters", "color-rendering", "shape-rendering", "text-rendering",
	"image-rendering", "vector-effect", "paint-order", "overflow", "isolation", "mix-blend-mode",
	"marker-start", "marker-mid", "marker-end",
	"dx", "dy", "rotate", "textLength", "lengthAdjust", "startOffset", "method", "spacing", "side",
	"gradientUnits", "gradientTransform", "spreadMethod", "fx", "fy", "fr", "offset",
	"patternUnits", "patternContentUnits", "patternTransform", "clipPathUnits", "maskUnits", "maskContentUnits",
	"markerWidth", "markerHeight", "markerUnits", "refX", "refY", "orient",
	"filterUnits", "primitiveUnits", "in", "in2", "result", "stdDeviation", "mode", "operator",
	"k1", "k2", "k3", "k4", "values", "type", "tableValues", "slope", "intercept", "amplitude", "exponent",
	"radius", "media", "role", "focusable", "enable-background", "clip", "kerning", "systemLanguage",
)

// cssFunctions are the CSS functions an attribute or style sheet may call
// (url only with a local #fragment).
var cssFunctions = set(
	"url", "rgb", "rgba", "hsl", "hsla", "hwb", "lab", "lch", "oklab", "oklch", "color", "calc", "min", "max",
	"clamp", "var", "matrix", "matrix3d", "translate", "translatex", "translatey", "translatez", "translate3d",
	"scale", "scalex", "scaley", "scalez", "scale3d", "rotate", "rotatex", "rotatey", "rotatez", "rotate3d",
	"skew", "skewx", "skewy", "perspective", "blur", "brightness", "contrast", "drop-shadow", "grayscale",
	"hue-rotate", "invert", "opacity", "saturate", "sepia", "linear-gradient", "radial-gradient",
	"repeating-linear-gradient", "repeating-radial-gradient", "cubic-bezier", "steps",
)

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// maxSVGAttributes bounds the attributes of an element (each is checked
// against those before it).
const maxSVGAttributes = 100

// node is an element kept, or a run of text (name "").
type node struct {
	name     string
	attrs    []attr
	text     string
	children []*node
}

type attr struct{ name, value string }

func (n *node) attr(name string) (string, bool) {
	for _, a := range n.attrs {
		if a.name == name {
			return a.value, true
		}
	}
	return "", false
}

// sanitizeSVG parses b as SVG, refusing what is not allowed, and writes
// the document again from what it kept.
func sanitizeSVG(b []byte) (*Image, error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	var charset string // only UTF-8 is read
	d.CharsetReader = func(cs string, _ io.Reader) (io.Reader, error) {
		charset = cs
		return nil, errors.New("not UTF-8")
	}
	var (
		root      *node
		stack     []*node
		skip      int // depth inside a dropped element
		elements  int
		rootEnded bool
	)
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if charset != "" {
				return nil, invalid("The SVG is encoded in %s; only UTF-8 is allowed.", charset)
			}
			if root == nil {
				return nil, errNotImage
			}
			return nil, invalid("The SVG is not well-formed XML (%v).", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root == nil && (t.Name.Local != "svg" || (t.Name.Space != nsSVG && t.Name.Space != "")) {
				return nil, errNotImage
			}
			if rootEnded {
				return nil, invalid("The SVG has content after its <svg> element.")
			}
			if elements++; elements > MaxSVGElements {
				return nil, invalid("The SVG has more than %d elements, the most allowed.", MaxSVGElements)
			}
			if len(stack)+skip >= MaxSVGDepth {
				return nil, invalid("The SVG nests elements more than %d deep, the most allowed.", MaxSVGDepth)
			}
			if err := refuseActive(t); err != nil {
				return nil, err
			}
			if skip > 0 || editorNamespaces[t.Name.Space] || t.Name.Local == "metadata" && isSVG(t.Name.Space) {
				skip++
				continue
			}
			n, err := element(t)
			if err != nil {
				return nil, err
			}
			if root == nil {
				root = n
			} else {
				top := stack[len(stack)-1]
				top.children = append(top.children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			if skip > 0 {
				skip--
				continue
			}
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			rootEnded = len(stack) == 0
			if n.name == "style" {
				if err := cleanStyle(n); err != nil {
					return nil, err
				}
			}
		case xml.CharData:
			if skip > 0 || len(stack) == 0 {
				continue
			}
			if top := stack[len(stack)-1]; textElements[top.name] {
				top.children = append(top.children, &node{text: string(t)})
			}
		case xml.ProcInst:
			if t.Target != "xml" || root != nil {
				return nil, invalid("The SVG contains a processing instruction (<?%s ...?>), which is not allowed: it could load a style sheet from elsewhere.", t.Target)
			}
		case xml.Directive:
			f := strings.Fields(string(t))
			doctype := root == nil && len(f) > 1 && strings.EqualFold(f[0], "DOCTYPE")
			if doctype && f[1] != "svg" {
				return nil, errNotImage // <!DOCTYPE html>
			}
			// The SVG 1.0 and 1.1 DOCTYPEs that drawing programs write name
			// an external DTD, which is never read, and declare nothing:
			// dropped. An internal subset ([...]) declares entities.
			if !doctype || bytes.ContainsAny(t, "[<") {
				return nil, invalid("The SVG contains a <!DOCTYPE> with declarations, or another declaration, which is not allowed: it can declare entities that expand without limit.")
			}
		}
	}
	if root == nil {
		return nil, errNotImage
	}
	if err := setViewBox(root); err != nil {
		return nil, err
	}
	if err := checkUses(root); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	write(&out, root, true)
	return &Image{MediaType: SVG, Data: out.Bytes()}, nil
}

func isSVG(space string) bool { return space == nsSVG || space == "" }

// refuseActive refuses, wherever it is (in metadata too), an element or
// attribute that runs code.
func refuseActive(t xml.StartElement) error {
	switch t.Name.Local {
	case "script":
		return invalid("The SVG contains a <script> element, which is not allowed: an image must not run code.")
	case "foreignObject":
		return invalid("The SVG contains a <foreignObject> element, which is not allowed: it can embed web pages and code.")
	}
	for _, a := range t.Attr {
		if strings.HasPrefix(strings.ToLower(a.Name.Local), "on") {
			return invalid("The SVG has an event handler attribute (%s on <%s>), which is not allowed: an image must not run code.", a.Name.Local, t.Name.Local)
		}
		if scriptURL(a.Value) {
			return invalid("The SVG contains a javascript: address (in %s on <%s>), which is not allowed: an image must not run code.", a.Name.Local, t.Name.Local)
		}
	}
	return nil
}

// scriptURL reports whether v holds a javascript: or vbscript: URL, with
// white space and control characters ignored as browsers ignore them.
func scriptURL(v string) bool {
	v = strings.Map(func(r rune) rune {
		if r <= ' ' {
			return -1
		}
		return r
	}, strings.ToLower(v))
	return strings.Contains(v, "javascript:") || strings.Contains(v, "vbscript:")
}

// element returns the node of an allowed SVG element with its allowed
// attributes, or the error saying what is not allowed.
func element(t xml.StartElement) (*node, error) {
	name := t.Name.Local
	if !isSVG(t.Name.Space) {
		return nil, invalid("The SVG contains an element <%s> from another vocabulary (%s), which is not allowed.", name, t.Name.Space)
	}
	if !svgElements[name] {
		return nil, invalid("The SVG contains a <%s> element, which is not allowed in a badge image.", name)
	}
	if len(t.Attr) > maxSVGAttributes {
		return nil, invalid("The SVG has an element <%s> with more than %d attributes, the most allowed.", name, maxSVGAttributes)
	}
	n := &node{name: name}
	for _, a := range t.Attr {
		an := a.Name.Local
		switch a.Name.Space {
		case "":
			if an == "xmlns" || strings.HasPrefix(an, "data-") {
				continue // namespaces are written anew; data attributes are for scripts
			}
		case "xmlns":
			continue
		case nsXLink:
			if an != "href" {
				return nil, invalid("The SVG has the attribute xlink:%s on <%s>, which is not allowed.", an, name)
			}
		case nsXML:
			if an != "space" && an != "lang" {
				return nil, invalid("The SVG has the attribute xml:%s on <%s>, which is not allowed.", an, name)
			}
			an = "xml:" + an
		default:
			if editorNamespaces[a.Name.Space] {
				continue
			}
			return nil, invalid("The SVG has an attribute %s from another vocabulary (%s) on <%s>, which is not allowed.", an, a.Name.Space, name)
		}
		if !svgAttributes[an] && an != "xml:space" && an != "xml:lang" && !strings.HasPrefix(an, "aria-") {
			return nil, invalid("The SVG has the attribute %s on <%s>, which is not allowed in a badge image.", an, name)
		}
		if _, dup := n.attr(an); dup {
			return nil, invalid("The SVG has the attribute %s twice on <%s>.", an, name)
		}
		v := a.Value
		if an == "href" {
			if !localRef(v) {
				return nil, invalid("The SVG refers to %q, outside itself; only references to its own parts (#name) are allowed.", v)
			}
		} else {
			var err error
			if v, err = cleanCSS(v); err != nil {
				return nil, err
			}
		}
		n.attrs = append(n.attrs, attr{an, v})
	}
	return n, nil
}

// localRef reports whether v is a reference to a part of the same
// document: '#' and a name.
func localRef(v string) bool {
	if len(v) < 2 || v[0] != '#' {
		return false
	}
	for _, c := range v[1:] {
		if !(c == '-' || c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c > 0x7f) {
			return false
		}
	}
	return true
}

// cleanStyle checks the CSS of a <style> element, joined into one text.
func cleanStyle(n *node) error {
	var css strings.Builder
	for _, c := range n.children {
		css.WriteString(c.text)
	}
	clean, err := cleanCSS(css.String())
	if err != nil {
		return err
	}
	n.children = nil
	if clean != "" {
		n.children = []*node{{text: clean}}
	}
	return nil
}

// cleanCSS returns CSS (a style sheet, a style attribute or a presentation
// attribute's value) with its comments replaced by spaces, or an error
// when it holds an escape (which could hide a name), an at-rule other
// than @media, a function other than [cssFunctions], or a url() other than
// a local #fragment.
func cleanCSS(s string) (string, error) {
	if strings.Contains(s, "/*") {
		var b strings.Builder
		for {
			before, after, found := strings.Cut(s, "/*")
			b.WriteString(before)
			if !found {
				break
			}
			_, rest, closed := strings.Cut(after, "*/")
			if !closed {
				return "", invalid("The SVG has a CSS comment that does not end.")
			}
			b.WriteByte(' ')
			s = rest
		}
		s = b.String()
	}
	if strings.IndexByte(s, '\\') >= 0 {
		return "", invalid("The SVG's CSS contains a backslash escape, which is not allowed.")
	}
	lower := strings.ToLower(s)
	for i := 0; i < len(lower); i++ {
		switch lower[i] {
		case '@':
			rule := lower[i+1:]
			if !strings.HasPrefix(rule, "media") {
				end := strings.IndexFunc(rule, func(r rune) bool { return !(r == '-' || r >= 'a' && r <= 'z') })
				if end < 0 {
					end = len(rule)
				}
				return "", invalid("The SVG's CSS has the rule @%s, which is not allowed: only @media is.", rule[:end])
			}
		case '(':
			start := i
			for start > 0 && isNameByte(lower[start-1]) {
				start--
			}
			fn := lower[start:i]
			if fn == "" {
				continue
			}
			if !cssFunctions[fn] {
				return "", invalid("The SVG's CSS calls %s(), which is not allowed.", fn)
			}
			if fn == "url" {
				arg, _, _ := strings.Cut(s[i+1:], ")")
				ref := strings.Trim(strings.TrimSpace(arg), `"'`)
				if !localRef(ref) {
					return "", invalid("The SVG refers to %q, outside itself; only references to its own parts (#name) are allowed.", ref)
				}
			}
		}
	}
	return s, nil
}

func isNameByte(c byte) bool {
	return c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 0x80
}

// setViewBox checks the root's viewBox, or derives one from its width and
// height in pixels.
func setViewBox(root *node) error {
	if vb, ok := root.attr("viewBox"); ok {
		f := strings.FieldsFunc(vb, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' })
		if len(f) != 4 {
			return invalid("The SVG's viewBox %q is not four numbers.", vb)
		}
		var n [4]float64
		for i, s := range f {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || v != v || v > 1e9 || v < -1e9 {
				return invalid("The SVG's viewBox %q is not four numbers.", vb)
			}
			n[i] = v
		}
		if n[2] <= 0 || n[3] <= 0 {
			return invalid("The SVG's viewBox %q has no area.", vb)
		}
		return nil
	}
	w, wok := pixels(root, "width")
	h, hok := pixels(root, "height")
	if !wok || !hok {
		return invalid("The SVG has no viewBox, and no width and height in pixels to derive one from.")
	}
	root.attrs = append(root.attrs, attr{"viewBox", "0 0 " + w + " " + h})
	return nil
}

// pixels returns the root's attribute name as a positive number of
// pixels (with or without "px").
func pixels(root *node, name string) (string, bool) {
	v, ok := root.attr(name)
	if !ok {
		return "", false
	}
	v = strings.TrimSuffix(strings.TrimSpace(v), "px")
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || !(f > 0 && f <= 1e9) {
		return "", false
	}
	return strconv.FormatFloat(f, 'f', -1, 64), true
}

// checkUses refuses a <use> of an element that holds a <use> itself:
// nested uses multiply (ten uses of ten uses of ten... draw billions of
// shapes from a small file), and a use of its own ancestor is a cycle.
func checkUses(root *node) error {
	byID := map[string]*node{}
	var uses []*node
	var walk func(n *node)
	walk = func(n *node) {
		if id, ok := n.attr("id"); ok {
			if _, dup := byID[id]; !dup {
				byID[id] = n
			}
		}
		if n.name == "use" {
			uses = append(uses, n)
		}
		for _, c := range n.children {
			walk(c)
		}
	}
	walk(root)
	for _, u := range uses {
		ref, ok := u.attr("href")
		if !ok {
			continue
		}
		if target := byID[ref[1:]]; target != nil && holdsUse(target) {
			return invalid("The SVG uses %s, which itself holds a <use>; nested uses are not allowed.", ref)
		}
	}
	return nil
}

func holdsUse(n *node) bool {
	if n.name == "use" {
		return true
	}
	for _, c := range n.children {
		if holdsUse(c) {
			return true
		}
	}
	return false
}

// write serializes n: the root declares the SVG namespace, attributes keep
// their order, and every text and value is escaped.
func write(b *bytes.Buffer, n *node, root bool) {
	if n.name == "" {
		xml.EscapeText(b, []byte(n.text))
		return
	}
	b.WriteByte('<')
	b.WriteString(n.name)
	if root {
		b.WriteString(` xmlns="` + nsSVG + `"`)
	}
	for _, a := range n.attrs {
		b.WriteByte(' ')
		b.WriteString(a.name)
		b.WriteString(`="`)
		xml.EscapeText(b, []byte(a.value))
		b.WriteByte('"')
	}
	if len(n.children) == 0 {
		b.WriteString("/>")
		return
	}
	b.WriteByte('>')
	for _, c := range n.children {
		write(b, c, false)
	}
	b.WriteString("</")
	b.WriteString(n.name)
	b.WriteByte('>')
}
