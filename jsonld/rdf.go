package jsonld

import (
	"encoding/json"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/gowebpki/jcs"
	"github.com/piprate/json-gold/ld"
)

var (
	schemeRE   = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.\-]*:`)
	languageRE = regexp.MustCompile(`^[a-zA-Z]+(-[a-zA-Z0-9]+)*$`)
)

// toRDF is the JSON-LD "Deserialize JSON-LD to RDF" algorithm over an
// expanded document, producing json-gold's dataset for its canonicalizer.
//
// It differs from json-gold's own ToRDF on purpose: where that one silently
// skips a statement (a relative IRI, a blank-node property, an http(s) IRI
// its URL check rejects, a malformed language tag), this one fails, because
// a skipped statement is a part of the document the signature would not
// cover. It also remembers IRI checks across calls: a credential repeats
// the same vocabulary IRIs, and the check is a costly regular expression.
func toRDF(expanded []any) (*ld.RDFDataset, error) {
	issuer := ld.NewIdentifierIssuer("_:b")
	nodeMap := map[string]any{"@default": map[string]any{}}
	if _, err := ld.NewJsonLdApi().GenerateNodeMap(expanded, nodeMap, "@default", issuer, "", "", nil); err != nil {
		return nil, invalid("to RDF: %s", describe(err))
	}
	ds := ld.NewRDFDataset()
	for graphName, g := range nodeMap {
		if graphName != "@default" {
			if err := checkIRI("graph name", graphName, true); err != nil {
				return nil, err
			}
		}
		c := converter{issuer: issuer, graph: graphName}
		if err := c.graph2RDF(g.(map[string]any)); err != nil {
			return nil, err
		}
		ds.Graphs[graphName] = c.quads
	}
	return ds, nil
}

type converter struct {
	issuer *ld.IdentifierIssuer
	graph  string
	quads  []*ld.Quad
}

func (c *converter) add(s, p, o ld.Node) {
	c.quads = append(c.quads, ld.NewQuad(s, p, o, c.graph))
}

func (c *converter) graph2RDF(graph map[string]any) error {
	ids := make([]string, 0, len(graph))
	for id := range graph {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if err := checkIRI("@id", id, true); err != nil {
			return err
		}
		subject := node(id)
		n := graph[id].(map[string]any)
		for property, vals := range n {
			values, _ := vals.([]any)
			switch {
			case property == "@type":
				for _, t := range values {
					s, _ := t.(string)
					if err := checkIRI("type", s, true); err != nil {
						return err
					}
					c.add(subject, ld.NewIRI(ld.RDFType), node(s))
				}
				continue
			case strings.HasPrefix(property, "@"):
				continue
			}
			if err := checkIRI("property", property, false); err != nil {
				return err
			}
			predicate := ld.NewIRI(property)
			for _, item := range values {
				o, err := c.object(item)
				if err != nil {
					return err
				}
				c.add(subject, predicate, o)
			}
		}
	}
	return nil
}

func node(id string) ld.Node {
	if strings.HasPrefix(id, "_:") {
		return ld.NewBlankNode(id)
	}
	return ld.NewIRI(id)
}

// object converts a value object, list object or node reference.
func (c *converter) object(item any) (ld.Node, error) {
	m, ok := item.(map[string]any)
	if !ok {
		return nil, invalid("unexpected value %v in expanded document", item)
	}
	if value, ok := m["@value"]; ok {
		return literal(m, value)
	}
	if list, ok := m["@list"]; ok {
		l, _ := list.([]any)
		return c.list(l)
	}
	id, _ := m["@id"].(string)
	if err := checkIRI("@id", id, true); err != nil {
		return nil, err
	}
	return node(id), nil
}

func (c *converter) list(items []any) (ld.Node, error) {
	if len(items) == 0 {
		return ld.NewIRI(ld.RDFNil), nil
	}
	var head ld.Node = ld.NewBlankNode(c.issuer.GetId(""))
	subject := head
	for i, item := range items {
		o, err := c.object(item)
		if err != nil {
			return nil, err
		}
		c.add(subject, ld.NewIRI(ld.RDFFirst), o)
		var next ld.Node = ld.NewIRI(ld.RDFNil)
		if i < len(items)-1 {
			next = ld.NewBlankNode(c.issuer.GetId(""))
		}
		c.add(subject, ld.NewIRI(ld.RDFRest), next)
		subject = next
	}
	return head, nil
}

// literal converts a value object as JSON-LD 1.1 section 8.6 says (with
// rdfDirection unset, as jsonld.js and the VC test suites use it).
func literal(m map[string]any, value any) (ld.Node, error) {
	datatype, _ := m["@type"].(string)
	if datatype == "@json" {
		b, err := json.Marshal(value)
		if err != nil {
			return nil, invalid("@json value: %v", err)
		}
		canon, err := jcs.Transform(b)
		if err != nil {
			return nil, invalid("@json value: %v", err)
		}
		return ld.NewLiteral(string(canon), ld.RDFJSONLiteral, ""), nil
	}
	if datatype != "" {
		if err := checkIRI("datatype", datatype, false); err != nil {
			return nil, err
		}
	}
	or := func(dt string) string {
		if datatype != "" {
			return datatype
		}
		return dt
	}
	switch v := value.(type) {
	case bool:
		return ld.NewLiteral(strconv.FormatBool(v), or(ld.XSDBoolean), ""), nil
	case float64:
		if v != math.Trunc(v) || math.Abs(v) >= 1e21 || datatype == ld.XSDDouble {
			return ld.NewLiteral(ld.GetCanonicalDouble(v), or(ld.XSDDouble), ""), nil
		}
		return ld.NewLiteral(strconv.FormatFloat(v, 'f', 0, 64), or(ld.XSDInteger), ""), nil
	case string:
		if lang, ok := m["@language"].(string); ok {
			if !languageRE.MatchString(lang) {
				return nil, invalid("language tag %q is not valid", lang)
			}
			return ld.NewLiteral(v, or(ld.RDFLangString), lang), nil
		}
		return ld.NewLiteral(v, or(ld.XSDString), ""), nil
	}
	return nil, invalid("unexpected @value %v", value)
}

// iriValidity remembers http(s) IRI checks across calls. It is bounded: it
// starts afresh when full, since documents choose their IRIs.
var iriValidity = struct {
	sync.RWMutex
	m map[string]bool
}{m: map[string]bool{}}

const maxRememberedIRIs = 8192

// checkIRI refuses a relative IRI (or, unless blankOK, a blank node
// identifier) and an http(s) IRI that json-gold's URL check rejects.
func checkIRI(what, iri string, blankOK bool) error {
	if strings.HasPrefix(iri, "_:") {
		if blankOK {
			return nil
		}
		return invalid("%s %q is a blank node identifier, which RDF cannot express here", what, iri)
	}
	if !schemeRE.MatchString(iri) {
		return invalid("%s %q is a relative IRI (an undefined term or a missing scheme); it would not be signed", what, iri)
	}
	if !strings.HasPrefix(iri, "http://") && !strings.HasPrefix(iri, "https://") {
		return nil
	}
	if !validURL(iri) {
		return invalid("%s %q is not a valid IRI; it would not be signed", what, iri)
	}
	return nil
}

// validURL reports json-gold's URL check of an http(s) IRI, remembered.
// An IRI whose path, query and fragment are plain characters (plainPath)
// is valid exactly when its scheme and authority with "/" are: most IRIs
// of a credential (its ID, its status entry) are new each time, their
// origins are not.
func validURL(iri string) bool {
	key := iri
	_, rest, _ := strings.Cut(iri, "://")
	authority := len(iri) - len(rest)
	if end := strings.IndexAny(rest, "/?#"); end > 0 && rest[end] == '/' && plainPath(rest[end:]) &&
		utf8.RuneCountInString(iri) < maxURLRunes {
		key = iri[:authority+end+1]
	}
	iriValidity.RLock()
	ok, seen := iriValidity.m[key]
	iriValidity.RUnlock()
	if !seen {
		ok = ld.IsURL(key)
		iriValidity.Lock()
		if len(iriValidity.m) >= maxRememberedIRIs {
			iriValidity.m = map[string]bool{}
		}
		iriValidity.m[key] = ok
		iriValidity.Unlock()
	}
	return ok
}

// maxURLRunes is the length from which json-gold's URL check refuses an
// IRI.
const maxURLRunes = 2083

// plainPath reports whether p has only characters that json-gold's URL
// check accepts in any path, query or fragment: no space, no control, no
// percent sign (whose escapes are checked), nothing outside ASCII.
func plainPath(p string) bool {
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~!$&'()*+,;=:@/?#", c) >= 0) {
			return false
		}
	}
	return true
}
