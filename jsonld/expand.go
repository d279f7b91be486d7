package jsonld

import (
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/piprate/json-gold/ld"
)

// This file is derived from piprate/json-gold v0.9.1 (ld/api_expand.go),
// Copyright 2015-2017 Piprate Limited, under the Apache License 2.0
// (https://www.apache.org/licenses/LICENSE-2.0).
//
// This file is a fast path for JSON-LD expansion. It mirrors json-gold's
// expandElement and expandObject (ld/api_expand.go, v0.9.1) step for step,
// for the subset of JSON-LD that credentials use, with one difference: the
// active contexts that scoped contexts produce are remembered (per Processor,
// keyed by the context they were applied to and the term definition that
// holds them) instead of being rebuilt, and reverting a type-scoped context
// follows a pointer instead of copying a ~300-term context. json-gold spends
// most of an expansion copying and re-parsing contexts.
//
// Whatever falls outside the subset (an embedded @context, @graph, @list,
// @reverse, @nest, @included, an index/id/type/language/graph container, a
// reverse property, a scoped context with @propagate or null) and every
// error, makes it give up with errSlowPath, and the caller expands with
// json-gold itself. So errors, and their messages, always come from
// json-gold, and the fast path only has to agree with json-gold on
// documents that expand without error: TestFastPathMatchesJSONGold checks
// that on every document under testdata.

// errSlowPath says: expand this document with json-gold instead.
var errSlowPath = errors.New("jsonld: fast path does not handle this document")

// maxDerivedContexts bounds the scoped contexts one Processor remembers:
// nested property-scoped contexts can stack without end. Past it, derived
// contexts are still computed, only not kept.
const maxDerivedContexts = 512

// activeCtx is a json-gold context plus what json-gold keeps in its private
// previousContext field: the context to revert to when a type-scoped context
// stops applying (nil if none). The ld.Context is never modified after it is
// built, so it is shared freely.
type activeCtx struct {
	c    *ld.Context
	prev *activeCtx

	mu      sync.RWMutex
	derived map[derivation]*activeCtx
	iri     map[string]string // vocab-relative ExpandIri results
}

type derivation struct {
	td         *ld.TermDefinition
	typeScoped bool
}

func newActiveCtx(c *ld.Context, prev *activeCtx) *activeCtx {
	return &activeCtx{c: c, prev: prev}
}

// expandVocab is c.ExpandIri(v, false, true, nil, nil), remembered. With a
// nil local context ExpandIri cannot fail.
func (a *activeCtx) expandVocab(v string) string {
	a.mu.RLock()
	s, ok := a.iri[v]
	a.mu.RUnlock()
	if ok {
		return s
	}
	s, _ = a.c.ExpandIri(v, false, true, nil, nil)
	// Remember only the context's own terms and keywords, so that what is
	// kept is bounded by the context, not by what documents send.
	if _, isTerm := a.c.TermDefinitions[v]; isTerm || ld.IsKeyword(v) {
		a.mu.Lock()
		if a.iri == nil {
			a.iri = make(map[string]string)
		}
		a.iri[v] = s
		a.mu.Unlock()
	}
	return s
}

// revert is RevertToPreviousContext.
func (a *activeCtx) revert() *activeCtx {
	if a.prev == nil {
		return a
	}
	return a.prev
}

// derive applies td's scoped context to a, as json-gold's
// parse(td.Context, nil, false, propagate, false, overrideProtected) does
// with propagate and overrideProtected false for a type-scoped context and
// true for a property-scoped one.
//
// It parses with the public Parse (propagate true, overrideProtected
// false) and sets the previous context itself. overrideProtected false can
// only add errors (a protected term redefined), and any error sends the
// document to json-gold, so a context it does return is the one json-gold
// would build.
func (p *Processor) derive(a *activeCtx, td *ld.TermDefinition, typeScoped bool) (*activeCtx, error) {
	key := derivation{td, typeScoped}
	a.mu.RLock()
	d, ok := a.derived[key]
	a.mu.RUnlock()
	if ok {
		return d, nil
	}
	local := ld.Arrayify(td.Context)
	if len(local) == 0 {
		return nil, errSlowPath
	}
	for _, l := range local {
		switch m := l.(type) {
		case string:
		case map[string]any:
			if _, ok := m["@propagate"]; ok {
				return nil, errSlowPath
			}
			if inner, ok := m["@context"].(map[string]any); ok {
				if _, ok := inner["@propagate"]; ok {
					return nil, errSlowPath
				}
			}
		default: // null resets the context; the rest are errors
			return nil, errSlowPath
		}
	}
	c, err := a.c.Parse(td.Context)
	if err != nil {
		return nil, errSlowPath
	}
	prev := a.prev
	if typeScoped && prev == nil {
		prev = a
	}
	d = newActiveCtx(c, prev)
	if p.derivedCount.Add(1) <= maxDerivedContexts {
		a.mu.Lock()
		if e, ok := a.derived[key]; ok {
			d = e
		} else {
			if a.derived == nil {
				a.derived = make(map[derivation]*activeCtx)
			}
			a.derived[key] = d
		}
		a.mu.Unlock()
	}
	return d, nil
}

// fastExpand is json-gold's Expand(active, "", body, opts, false, nil) for
// documents in the fast path's subset; errSlowPath otherwise.
func (p *Processor) fastExpand(active *activeCtx, body map[string]any) (any, error) {
	x := expander{p: p, keys: make([]string, 0, 16)}
	return x.element(active, "", body)
}

type expander struct {
	p    *Processor
	keys []string // scratch for sorted keys
}

func (x *expander) sortedKeys(m map[string]any) []string {
	start := len(x.keys)
	for k := range m {
		x.keys = append(x.keys, k)
	}
	ks := x.keys[start:]
	slices.Sort(ks)
	return ks
}

// element is expandElement with frameExpansion and insideIndex false and
// typeScopedContext nil, as every call in expansion without containers has
// them.
func (x *expander) element(active *activeCtx, activeProperty string, element any) (any, error) {
	switch elem := element.(type) {
	case nil:
		return nil, nil
	case []any:
		isList := activeProperty == "@list" || active.c.HasContainerMapping(activeProperty, "@list")
		resultList := make([]any, 0, len(elem))
		for _, item := range elem {
			v, err := x.element(active, activeProperty, item)
			if err != nil {
				return nil, err
			}
			if isList {
				if _, ok := v.([]any); ok {
					v = map[string]any{"@list": v}
				}
			}
			if v != nil {
				if vl, ok := v.([]any); ok {
					resultList = append(resultList, vl...)
				} else {
					resultList = append(resultList, v)
				}
			}
		}
		return resultList, nil
	case map[string]any:
		return x.object(active, activeProperty, elem)
	default:
		if activeProperty == "" || activeProperty == "@graph" {
			return nil, nil
		}
		v, err := active.c.ExpandValue(activeProperty, element)
		if err != nil {
			return nil, errSlowPath
		}
		return v, nil
	}
}

func (x *expander) object(active *activeCtx, activeProperty string, elem map[string]any) (any, error) {
	if _, ok := elem["@context"]; ok {
		return nil, errSlowPath
	}
	mark := len(x.keys)
	defer func() { x.keys = x.keys[:mark] }()
	keys := x.sortedKeys(elem)

	var propertyScoped *ld.TermDefinition
	if td := active.c.GetTermDefinition(activeProperty); td != nil && td.Context != nil {
		propertyScoped = td
	}

	var typeScoped *activeCtx
	if active.prev != nil {
		typeScoped = active
	}
	mustRevert := true
	if typeScoped != nil && len(keys) <= 2 {
		for _, key := range keys {
			e := typeScoped.expandVocab(key)
			if e == "@value" {
				mustRevert = false
				active = typeScoped
				break
			}
			if e == "@id" && len(keys) == 1 {
				mustRevert = false
				break
			}
		}
	}
	if mustRevert {
		active = active.revert()
	}
	if propertyScoped != nil {
		d, err := x.p.derive(active, propertyScoped, false)
		if err != nil {
			return nil, err
		}
		active = d
	}
	typeScoped = active

	var typeKey string
	for _, key := range keys {
		if active.expandVocab(key) != "@type" {
			continue
		}
		var types []string
		switch v := elem[key].(type) {
		case []any:
			types = make([]string, 0, len(v))
			for _, t := range v {
				s, ok := t.(string)
				if !ok {
					return nil, errSlowPath
				}
				types = append(types, s)
			}
			slices.Sort(types)
		case string:
			types = []string{v}
		default:
			return nil, errSlowPath
		}
		for _, t := range types {
			if td := typeScoped.c.GetTermDefinition(t); td != nil && td.HasContext {
				d, err := x.p.derive(active, td, true)
				if err != nil {
					return nil, err
				}
				active = d
			}
		}
		typeKey = key
	}

	result := make(map[string]any, len(keys))
	if err := x.properties(active, typeScoped, elem, keys, result, typeKey); err != nil {
		return nil, err
	}

	// 8)
	if rval, hasValue := result["@value"]; hasValue {
		for k := range result {
			switch k {
			case "@value", "@index", "@language", "@type", "@direction":
			default:
				return nil, errSlowPath
			}
		}
		_, hasLanguage := result["@language"]
		_, hasDirection := result["@direction"]
		typeValue, hasType := result["@type"]
		if (hasLanguage || hasDirection) && hasType {
			return nil, errSlowPath
		}
		if rval == nil && typeValue != "@json" {
			return nil, nil
		}
		if hasLanguage {
			for _, v := range ld.Arrayify(rval) {
				if _, ok := v.(string); !ok && !isEmptyObject(v) {
					return nil, errSlowPath
				}
			}
		} else if hasType {
			types := ld.Arrayify(typeValue)
			// processingMode(1.1) holds: New sets JSON-LD 1.1 and no
			// context can lower it.
			if !(len(types) == 1 && types[0] == "@json") {
				for _, v := range types {
					s, ok := v.(string)
					if !(isEmptyObject(v) || (ok && ld.IsAbsoluteIri(s) && !strings.HasPrefix(s, "_:"))) {
						return nil, errSlowPath
					}
				}
			}
		}
	} else if rtype, hasType := result["@type"]; hasType { // 9)
		if _, ok := rtype.([]any); !ok {
			result["@type"] = []any{rtype}
		}
	}
	// 11)
	if _, hasLanguage := result["@language"]; hasLanguage && len(result) == 1 {
		return nil, nil
	}
	// 12)
	if activeProperty == "" || activeProperty == "@graph" {
		_, hasValue := result["@value"]
		_, hasList := result["@list"]
		_, hasID := result["@id"]
		if len(result) == 0 || hasValue || hasList {
			return nil, nil
		}
		if hasID && len(result) == 1 {
			return nil, nil
		}
	}
	return result, nil
}

func isEmptyObject(v any) bool {
	m, ok := v.(map[string]any)
	return ok && len(m) == 0
}

// properties is expandObject.
func (x *expander) properties(active, typeScoped *activeCtx, elem map[string]any, keys []string, result map[string]any, typeKey string) error {
	var inputType any
	if typeKey != "" {
		inputType = elem[typeKey]
		if l, ok := inputType.([]any); ok {
			if len(l) > 0 {
				inputType = l[len(l)-1]
			} else {
				inputType = nil
			}
		}
		if inputType != nil {
			s, ok := inputType.(string)
			if !ok {
				return errSlowPath
			}
			inputType = active.expandVocab(s)
		}
	}

	for _, key := range keys {
		value := elem[key]
		expanded := active.expandVocab(key)
		if expanded == "" || (!strings.Contains(expanded, ":") && !ld.IsKeyword(expanded)) {
			return errSlowPath // SafeMode: the term would be dropped
		}
		if ld.IsKeyword(expanded) {
			if _, ok := result[expanded]; ok && expanded != "@type" {
				return errSlowPath
			}
			var ev any
			switch expanded {
			case "@id":
				s, ok := value.(string)
				if !ok {
					return errSlowPath
				}
				id, err := active.c.ExpandIri(s, true, false, nil, nil)
				if err != nil {
					return errSlowPath
				}
				ev = id
			case "@type":
				switch v := value.(type) {
				case []any:
					var list []any
					for _, t := range v {
						s, ok := t.(string)
						if !ok {
							return errSlowPath
						}
						e, err := typeScoped.c.ExpandIri(s, true, true, nil, nil)
						if err != nil {
							return errSlowPath
						}
						list = append(list, e)
					}
					ev = list
				case string:
					e, err := typeScoped.c.ExpandIri(v, true, true, nil, nil)
					if err != nil {
						return errSlowPath
					}
					ev = e
					if prior, ok := result["@type"]; ok {
						ev = append(ld.Arrayify(prior), e)
					}
				default:
					return errSlowPath
				}
			case "@value":
				if inputType != "@json" {
					switch value.(type) {
					case map[string]any, []any:
						return errSlowPath
					}
				}
				if value == nil {
					result["@value"] = nil
					continue
				}
				ev = value
			case "@language":
				s, ok := value.(string)
				if !ok {
					return errSlowPath
				}
				ev = strings.ToLower(s)
			default:
				return errSlowPath
			}
			if ev != nil {
				result[expanded] = ev
			}
			continue
		}

		termCtx := active
		if td := active.c.GetTermDefinition(key); td != nil && td.HasContext {
			d, err := x.p.derive(active, td, false)
			if err != nil {
				return err
			}
			termCtx = d
		}
		// The container is the term's in the active context, not in its
		// scoped context (JSON-LD 1.1 Expansion 13.5, jsonld.js; see
		// third_party/json-gold/README.badged.md).
		isList := false
		if td := active.c.GetTermDefinition(key); td != nil {
			if td.Reverse {
				return errSlowPath
			}
			for _, c := range td.Container {
				switch c {
				case "@set":
				case "@list":
					isList = true
				default:
					return errSlowPath
				}
			}
		}
		if td := termCtx.c.GetTermDefinition(key); td != nil && td.Reverse {
			return errSlowPath
		}
		var ev any
		if td := active.c.GetTermDefinition(key); td != nil && td.Type == "@json" {
			ev = map[string]any{"@type": "@json", "@value": value}
		} else {
			var err error
			ev, err = x.element(termCtx, key, value)
			if err != nil {
				return err
			}
		}
		if ev == nil {
			continue
		}
		if isList {
			m, ok := ev.(map[string]any)
			if _, has := m["@list"]; !ok || !has {
				if l, ok := ev.([]any); ok {
					ev = map[string]any{"@list": l}
				} else {
					ev = map[string]any{"@list": []any{ev}}
				}
			}
		}
		list, ok := result[expanded].([]any)
		if !ok {
			list = make([]any, 0, 1)
		}
		if el, ok := ev.([]any); ok {
			list = append(list, el...)
		} else {
			list = append(list, ev)
		}
		result[expanded] = list
	}
	return nil
}
