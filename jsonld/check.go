package jsonld

import (
	"sort"
	"strings"
)

// undefinedTerms finds the properties of doc that expand to nothing, for an
// error message that names them. For each property it expands a pruned copy
// of doc that keeps only the path to it (with the ids and types that select
// scoped contexts), so one undefined term does not hide another. It runs
// only after expansion has already failed.
func (p *Processor) undefinedTerms(doc map[string]any) []string {
	var found []string
	var walk func(path []string, obj map[string]any, build func(leaf map[string]any) map[string]any)
	walk = func(path []string, obj map[string]any, build func(leaf map[string]any) map[string]any) {
		for k, v := range obj {
			if k == "@context" || isSelector(k) {
				continue
			}
			leaf := selectors(obj)
			leaf[k] = v
			if _, err := p.expand(build(leaf)); err != nil && strings.Contains(err.Error(), "did not expand") {
				// The value may still hide more; the key itself is the first culprit.
				if !p.childFails(build, obj, k) {
					if sel := p.undefinedSelectors(build, obj, k); len(sel) > 0 {
						for _, s := range sel {
							found = append(found, strings.Join(append(path, k, s), "."))
						}
					} else {
						found = append(found, strings.Join(append(path, k), "."))
					}
					continue
				}
			}
			for _, child := range objects(v) {
				key := k
				walk(append(path, k), child, func(l map[string]any) map[string]any {
					parent := selectors(obj)
					parent[key] = l
					return build(parent)
				})
			}
		}
	}
	walk(nil, doc, func(leaf map[string]any) map[string]any {
		leaf["@context"] = doc["@context"]
		return leaf
	})
	sort.Strings(found)
	return found
}

// childFails reports whether obj[k] with its value reduced to selectors
// still fails: if so the culprit is deeper, not k itself.
func (p *Processor) childFails(build func(map[string]any) map[string]any, obj map[string]any, k string) bool {
	leaf := selectors(obj)
	switch v := obj[k].(type) {
	case map[string]any:
		leaf[k] = selectors(v)
	case []any:
		var l []any
		for _, e := range v {
			if m, ok := e.(map[string]any); ok {
				l = append(l, selectors(m))
			} else {
				l = append(l, e)
			}
		}
		leaf[k] = l
	default:
		return false
	}
	_, err := p.expand(build(leaf))
	return err == nil
}

// undefinedSelectors returns the id and type keys of obj[k] that are
// themselves undefined terms when k is not: under a term whose scoped
// context is null, as a VC 2.0 presentation's verifiableCredential, a
// credential without its own @context defines not even type.
func (p *Processor) undefinedSelectors(build func(map[string]any) map[string]any, obj map[string]any, k string) []string {
	var first map[string]any
	if l := objects(obj[k]); len(l) > 0 {
		first = l[0]
	}
	probe := func(extra map[string]any) bool {
		node := map[string]any{"@id": "urn:badged:probe", "@type": "urn:badged:Probe"}
		for key, v := range extra {
			node[key] = v
		}
		leaf := selectors(obj)
		leaf[k] = node
		_, err := p.expand(build(leaf))
		return err == nil
	}
	if first == nil || !probe(nil) {
		return nil
	}
	var out []string
	for key, v := range selectors(first) {
		if !strings.HasPrefix(key, "@") && !probe(map[string]any{key: v}) {
			out = append(out, key)
		}
	}
	sort.Strings(out)
	return out
}

func isSelector(k string) bool {
	return k == "id" || k == "type" || k == "@id" || k == "@type"
}

func selectors(obj map[string]any) map[string]any {
	s := map[string]any{}
	for k, v := range obj {
		if isSelector(k) {
			s[k] = v
		}
	}
	return s
}

func objects(v any) []map[string]any {
	switch n := v.(type) {
	case map[string]any:
		return []map[string]any{n}
	case []any:
		var out []map[string]any
		for _, e := range n {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}
