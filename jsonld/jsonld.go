// Package jsonld expands and canonicalizes JSON-LD documents the way a
// signature needs them: offline (only the contexts of package contexts),
// strictly (an undefined term, a relative IRI or an IRI that would be dropped
// from the RDF is an error, never silently left out of what gets signed), and
// fast (parsed top-level contexts are cached).
//
// It is built on piprate/json-gold and works around the traps listed in
// STANDARDS.md: the loader never reaches the network, SafeMode expansion
// runs before canonicalization, and the RDF is checked for relative and
// invalid IRIs. Canonicalization is its own RDFC-1.0 (rdfc.go), not
// json-gold's URDNA2015, whose N-Quads escaping of control characters is
// not the canonical one.
package jsonld

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/piprate/json-gold/ld"

	"github.com/badged/badged/contexts"
)

// maxCachedContexts bounds the cache of parsed contexts: documents choose
// their @context, so an attacker could otherwise grow it without end.
const maxCachedContexts = 256

// Processor expands and canonicalizes JSON-LD. It is safe for concurrent
// use; make one and share it.
type Processor struct {
	opts   *ld.JsonLdOptions
	loader *contexts.Loader

	mu    sync.RWMutex
	cache map[string]*activeCtx

	derivedCount atomic.Int64 // scoped contexts remembered, see derive
}

// New returns a Processor that resolves contexts with loader only.
func New(loader *contexts.Loader) *Processor {
	opts := ld.NewJsonLdOptions("")
	opts.DocumentLoader = loader
	opts.SafeMode = true
	opts.Algorithm = ld.AlgorithmURDNA2015
	opts.ProcessingMode = ld.JsonLd_1_1
	return &Processor{opts: opts, loader: loader, cache: make(map[string]*activeCtx)}
}

// Known reports whether the context at url is one p resolves (it fetches
// none).
func (p *Processor) Known(url string) bool { return p.loader.Known(url) }

// Error is a JSON-LD problem with the document itself (as opposed to a bug):
// an undefined term, a relative IRI, an unknown context.
type Error struct {
	Msg string
}

func (e *Error) Error() string { return e.Msg }

func invalid(format string, args ...any) error {
	return &Error{Msg: fmt.Sprintf(format, args...)}
}

// activeContext returns the parsed context for a document's @context value.
func (p *Processor) activeContext(ctxVal any) (*activeCtx, error) {
	key, err := contextKey(ctxVal)
	if err != nil {
		return nil, err
	}
	p.mu.RLock()
	c, ok := p.cache[key]
	p.mu.RUnlock()
	if ok {
		return c, nil
	}
	parsed, err := ld.NewContext(nil, p.opts).Parse(ctxVal)
	if err != nil {
		return nil, invalid("@context: %v", describe(err))
	}
	c = newActiveCtx(parsed, nil)
	p.mu.Lock()
	if len(p.cache) < maxCachedContexts {
		p.cache[key] = c
	}
	p.mu.Unlock()
	return c, nil
}

// contextKey is a cache key for a @context value: the URLs joined for the
// common case of a list of strings, the JSON otherwise.
func contextKey(v any) (string, error) {
	switch c := v.(type) {
	case nil:
		return "", invalid("@context is missing")
	case string:
		return c, nil
	case []any:
		var b strings.Builder
		for _, e := range c {
			s, ok := e.(string)
			if !ok {
				j, err := json.Marshal(v)
				if err != nil {
					return "", invalid("@context: %v", err)
				}
				return string(j), nil
			}
			b.WriteString(s)
			b.WriteByte(' ')
		}
		return b.String(), nil
	default:
		j, err := json.Marshal(v)
		if err != nil {
			return "", invalid("@context: %v", err)
		}
		return string(j), nil
	}
}

// Expand returns the expanded form of doc (a JSON object as decoded by
// encoding/json). It fails with an *Error naming the terms if a property does
// not expand to an absolute IRI (an undefined term), or if a context is
// unknown or invalid. IRIs are checked by [Processor.Canonicalize]. doc is not
// modified.
func (p *Processor) Expand(doc map[string]any) ([]any, error) {
	out, err := p.expand(doc)
	if err != nil && strings.Contains(err.Error(), "did not expand") {
		if terms := p.undefinedTerms(doc); len(terms) > 0 {
			return nil, invalid("undefined term%s %s: no context defines %s, so %s would not be signed",
				plural(len(terms)), strings.Join(terms, ", "), pronoun(len(terms)), pronoun(len(terms)))
		}
	}
	return out, err
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func pronoun(n int) string {
	if n == 1 {
		return "it"
	}
	return "they"
}

func (p *Processor) expand(doc map[string]any) (_ []any, err error) {
	// json-gold panics on some hostile documents (a number where it
	// expects a string, as for {"issuer": {"": 0}} in an Open Badges
	// context); such a document is refused, not a crash.
	defer func() {
		if r := recover(); r != nil {
			err = invalid("the document is not valid JSON-LD: a value has a type JSON-LD does not allow where it is")
		}
	}()
	active, err := p.activeContext(doc["@context"])
	if err != nil {
		return nil, err
	}
	body := make(map[string]any, len(doc))
	for k, v := range doc {
		if k != "@context" {
			body[k] = v
		}
	}
	expanded, err := p.fastExpand(active, body)
	if err == errSlowPath {
		expanded, err = ld.NewJsonLdApi().Expand(active.c, "", body, p.opts, false, nil)
	}
	if err != nil {
		return nil, invalid("%s", describe(err))
	}
	var out []any
	switch e := expanded.(type) {
	case nil:
	case []any:
		out = e
	case map[string]any:
		if g, ok := e["@graph"]; ok && len(e) == 1 {
			if gl, ok := g.([]any); ok {
				out = gl
			} else {
				out = []any{g}
			}
		} else if len(e) > 0 {
			out = []any{e}
		}
	}
	return out, nil
}

// Canonicalize returns the RDFC-1.0 canonical N-Quads of doc. It fails with
// an *Error for every problem Expand reports, and when an IRI in the RDF is
// invalid (json-gold would silently drop the statement from what is signed).
func (p *Processor) Canonicalize(doc map[string]any) (string, error) {
	expanded, err := p.Expand(doc)
	if err != nil {
		return "", err
	}
	return p.CanonicalizeExpanded(expanded)
}

// CanonicalizeExpanded is Canonicalize for a document already expanded with
// [Processor.Expand].
func (p *Processor) CanonicalizeExpanded(expanded []any) (string, error) {
	dataset, err := toRDF(expanded)
	if err != nil {
		return "", err
	}
	// Not json-gold's Normalize: its N-Quads escaping is not RDFC-1.0's
	// (see rdfc.go), and it joins the lines with += (quadratic).
	var quads []*ld.Quad
	if len(dataset.Graphs) == 1 {
		for _, g := range dataset.Graphs {
			quads = g
		}
	} else {
		for _, g := range dataset.Graphs {
			quads = append(quads, g...)
		}
	}
	return canonicalNQuads(quads)
}

// describe turns a json-gold error into a sentence without its Go detail.
func describe(err error) string {
	var je *ld.JsonLdError
	if errors.As(err, &je) {
		if je.Details != nil {
			return fmt.Sprintf("%s: %v", je.Code, je.Details)
		}
		return string(je.Code)
	}
	return err.Error()
}

// Check reports whether doc is sound JSON-LD without canonicalizing it:
// every term defined, every context known, every @id, @type and property an
// absolute, valid IRI. It fails with an *Error saying what is wrong.
func (p *Processor) Check(doc map[string]any) error {
	expanded, err := p.Expand(doc)
	if err != nil {
		return err
	}
	return checkExpanded(expanded)
}

// checkExpanded applies the IRI rules of toRDF to an expanded document.
func checkExpanded(v any) error {
	switch n := v.(type) {
	case []any:
		for _, e := range n {
			if err := checkExpanded(e); err != nil {
				return err
			}
		}
	case map[string]any:
		if _, ok := n["@value"]; ok {
			return nil
		}
		for k, e := range n {
			switch k {
			case "@id":
				s, _ := e.(string)
				if err := checkIRI("@id", s, true); err != nil {
					return err
				}
			case "@type":
				ts, _ := e.([]any)
				for _, t := range ts {
					s, _ := t.(string)
					if err := checkIRI("type", s, true); err != nil {
						return err
					}
				}
			default:
				if !strings.HasPrefix(k, "@") {
					if err := checkIRI("property", k, false); err != nil {
						return err
					}
				}
				if err := checkExpanded(e); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
