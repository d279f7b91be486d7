package jsonld

import (
	"strings"

	"github.com/piprate/json-gold/ld"
)

// nquads writes quads as json-gold's toNQuad (ld/serialize_nquads.go,
// v0.9.1) does, one line each, in the order given. After
// NormalisationAlgorithm.Normalize the quads are relabelled and in the order
// of their sorted lines, so this is what Normalize's N-Quads output would be.
func nquads(quads []*ld.Quad) string {
	var b strings.Builder
	n := 0
	for _, q := range quads {
		n += 16 + len(q.Subject.GetValue()) + len(q.Predicate.GetValue()) + len(q.Object.GetValue())
		if l, ok := q.Object.(ld.Literal); ok {
			n += len(l.Datatype) + len(l.Language)
		}
		if q.Graph != nil {
			n += 3 + len(q.Graph.GetValue())
		}
	}
	b.Grow(n)
	for _, q := range quads {
		writeNQuad(&b, q)
	}
	return b.String()
}

func writeNQuad(b *strings.Builder, q *ld.Quad) {
	if ld.IsIRI(q.Subject) {
		b.WriteByte('<')
		writeEscaped(b, q.Subject.GetValue())
		b.WriteByte('>')
	} else {
		b.WriteString(q.Subject.GetValue())
	}
	if ld.IsIRI(q.Predicate) {
		b.WriteString(" <")
		writeEscaped(b, q.Predicate.GetValue())
		b.WriteString("> ")
	} else {
		b.WriteByte(' ')
		writeEscaped(b, q.Predicate.GetValue())
		b.WriteByte(' ')
	}
	switch o := q.Object.(type) {
	case ld.IRI:
		b.WriteByte('<')
		writeEscaped(b, o.GetValue())
		b.WriteByte('>')
	case ld.BlankNode:
		b.WriteString(o.GetValue())
	default:
		l := q.Object.(ld.Literal)
		b.WriteByte('"')
		writeEscaped(b, l.GetValue())
		b.WriteByte('"')
		if l.Datatype == ld.RDFLangString {
			b.WriteByte('@')
			b.WriteString(l.Language)
		} else if l.Datatype != ld.XSDString {
			b.WriteString("^^<")
			writeEscaped(b, l.Datatype)
			b.WriteByte('>')
		}
	}
	if q.Graph != nil {
		if name := q.Graph.GetValue(); name != "" {
			if !strings.HasPrefix(name, "_:") {
				b.WriteString(" <")
				writeEscaped(b, name)
				b.WriteByte('>')
			} else {
				b.WriteByte(' ')
				b.WriteString(name)
			}
		}
	}
	b.WriteString(" .\n")
}

// writeEscaped is json-gold's escape: backslash, double quote, and \n, \r,
// \t only.
func writeEscaped(b *strings.Builder, s string) {
	if !strings.ContainsAny(s, "\\\"\n\r\t") {
		b.WriteString(s)
		return
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteByte(c)
		}
	}
}
