package ecdsasd

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// splitNQuads splits canonical N-Quads into statements, each with its
// line feed, as the selective disclosure functions handle them.
func splitNQuads(nq string) []string {
	var out []string
	for nq != "" {
		i := strings.IndexByte(nq, '\n')
		if i < 0 {
			out = append(out, nq+"\n")
			break
		}
		out = append(out, nq[:i+1])
		nq = nq[i+1:]
	}
	return out
}

// relabel implements the verifier's side of labelReplacementCanonicalizeNQuads
// with the label map factory of createLabelMapFunction: in canonical
// N-Quads (blank nodes labelled _:c14nN), every blank node label is
// replaced by the label labelMap gives its canonical label, and the
// statements are sorted again. A canonical label the map does not have is
// an error: the proof does not cover that blank node.
func relabel(statements []string, labelMap map[string]string) ([]string, error) {
	out := make([]string, len(statements))
	for i, s := range statements {
		r, err := relabelStatement(s, labelMap)
		if err != nil {
			return nil, err
		}
		out[i] = r
	}
	slices.Sort(out) // code point order, as canonical N-Quads are sorted
	return out, nil
}

// relabelStatement replaces the blank node labels of one canonical N-Quad.
// Blank nodes appear only as terms: outside IRIs (<...>) and literals
// ("...", where a quote or backslash is escaped), so those are skipped.
func relabelStatement(s string, labelMap map[string]string) (string, error) {
	var b strings.Builder
	b.Grow(len(s) + 64)
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == '<':
			j := strings.IndexByte(s[i:], '>')
			if j < 0 {
				return "", malformed("canonical N-Quad with an unterminated IRI: %q", short(s))
			}
			b.WriteString(s[i : i+j+1])
			i += j + 1
		case c == '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				return "", malformed("canonical N-Quad with an unterminated literal: %q", short(s))
			}
			b.WriteString(s[i : j+1])
			i = j + 1
		case c == '_' && strings.HasPrefix(s[i:], "_:"):
			j := i + 2
			for j < len(s) && s[j] != ' ' && s[j] != '\n' {
				j++
			}
			label := s[i+2 : j]
			nl, ok := labelMap[label]
			if !ok {
				return "", fail(ReasonSignature, "the proof's label map has no label for blank node _:%s: the document has a blank node the issuer did not sign", label)
			}
			b.WriteString("_:")
			b.WriteString(nl)
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), nil
}

// short shortens s for an error message.
func short(s string) string {
	const max = 120
	s = strings.TrimSuffix(s, "\n")
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return s[:cut] + "…"
	}
	return s
}
