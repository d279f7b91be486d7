package jsonld

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/piprate/json-gold/ld"
)

// This file is RDFC-1.0, the W3C RDF Dataset Canonicalization algorithm
// (https://www.w3.org/TR/rdf-canon/, identical in output to URDNA2015), with
// the canonical N-Quads form used both for hashing and for the output.
//
// It replaces json-gold's NormalisationAlgorithm, whose N-Quads escaping
// only knows \\ \" \n \r \t: RDFC-1.0 (like rdf-canonize, which jsonld.js
// and the VC libraries use) writes \b \t \n \f \r \" \\ as ECHARs and every
// other character in U+0000..U+001F and U+007F as an uppercase \u00XX, and
// since the same serialization feeds the blank-node hashes, a control
// character changes the labels too, not only the bytes of its own line.
//
// Beyond the spec text it follows rdf-canonize where the spec leaves room:
// Hash First Degree Quads always uses _:a and _:z (never an already-issued
// canonical label; the spec and every implementation agree on this), the
// predicate in Hash Related Blank Node is its raw IRI, and IRIs are written
// with the characters U+0000..U+0020 and <>"{}|^`\ as \u00XX (none of
// which a valid IRI contains, so this only matters for a corrupt one).

// Work limits against "poison" datasets (spec section 7, "Dataset
// Poisoning"): blank nodes interlinked so that Hash N-Degree Quads has to
// explore a factorial number of paths. Two limits, both far above what the
// URDNA2015 test suite needs (its "evil" tests take 430 runs and 5,712
// steps) and low enough to refuse a clique of 100 blank nodes in well under
// 0.1 s:
//
//   - runs of Hash N-Degree Quads: at most n³ for n blank nodes that share
//     a first-degree hash, and never more than rdfcMaxDeep. rdf-canonize's
//     default is n¹, which already refuses a circle of two blank nodes, so
//     what jsonld.js canonicalizes by default is canonicalized here;
//   - steps: related blank nodes hashed plus permutation elements tried,
//     at most rdfcMaxSteps, since one run can hash many nodes or enumerate
//     many permutations.
const (
	rdfcWorkFactor = 3
	rdfcMaxDeep    = 1 << 12
	rdfcMaxSteps   = 1 << 15
)

type termKind uint8

const (
	termNone termKind = iota // the default graph
	termIRI
	termBlank
	termLiteral
)

type rdfTerm struct {
	kind     termKind
	bn       int32  // blank node index, for termBlank
	value    string // IRI, lexical form or the blank node's input label
	datatype string // literal only
	lang     string // literal only
}

type rdfQuad struct {
	s, p, o, g rdfTerm
}

type blankNode struct {
	quads []int32 // indices of the quads that mention the node, once each
	hash  hexHash // Hash First Degree Quads
	canon int32   // canonical label number, -1 until issued
}

// hexHash is a SHA-256 in lowercase hex, as the algorithm compares and
// concatenates hashes; its byte order is its code point order.
type hexHash [64]byte

// rdfcIssuer is an identifier issuer for temporary _:bN labels.
type rdfcIssuer struct {
	ids   map[int32]int32
	order []int32
}

func newIssuer() *rdfcIssuer { return &rdfcIssuer{ids: make(map[int32]int32, 4)} }

func (is *rdfcIssuer) clone() *rdfcIssuer {
	return &rdfcIssuer{ids: maps.Clone(is.ids), order: slices.Clone(is.order)}
}

// issue returns the number of the label issued for bn, issuing one if need be.
func (is *rdfcIssuer) issue(bn int32) int32 {
	if n, ok := is.ids[bn]; ok {
		return n
	}
	n := int32(len(is.order))
	is.ids[bn] = n
	is.order = append(is.order, bn)
	return n
}

type canonicalizer struct {
	quads   []rdfQuad
	nodes   []blankNode
	labels  map[string]int32
	issued  int32 // canonical labels issued
	sha     hash.Hash
	buf     []byte
	lines   [][]byte
	offsets []int

	deepLimit int // Hash N-Degree Quads runs allowed
	deepLeft  int // Hash N-Degree Quads runs left
	stepsLeft int // related hashes and permutation elements left
}

// canonicalNQuads returns the RDFC-1.0 canonical N-Quads of the dataset
// made of quads (json-gold's RDF types; a nil Graph is the default graph).
// It fails with an *Error on a generalized-RDF quad (a blank node or literal
// predicate, a literal subject or graph name) and on a dataset that needs
// more work than the limits above allow.
func canonicalNQuads(quads []*ld.Quad) (string, error) {
	c := &canonicalizer{
		quads:  make([]rdfQuad, len(quads)),
		labels: make(map[string]int32),
		sha:    sha256.New(),
	}
	for i, q := range quads {
		var err error
		rq := &c.quads[i]
		if rq.s, err = c.term(q.Subject, false); err == nil {
			if rq.p, err = c.term(q.Predicate, false); err == nil && rq.p.kind != termIRI {
				err = invalid("canonicalize: the predicate %q is not an IRI", q.Predicate.GetValue())
			}
		}
		if err == nil {
			rq.o, err = c.term(q.Object, true)
		}
		if err == nil && q.Graph != nil && q.Graph.GetValue() != "@default" {
			rq.g, err = c.term(q.Graph, false)
		}
		if err != nil {
			return "", err
		}
		if rq.s.kind == termNone {
			return "", invalid("canonicalize: a statement has no subject")
		}
	}
	if err := c.run(); err != nil {
		return "", err
	}
	return c.serialize(), nil
}

func (c *canonicalizer) term(n ld.Node, literalOK bool) (rdfTerm, error) {
	switch v := n.(type) {
	case ld.IRI:
		return rdfTerm{kind: termIRI, value: v.Value}, nil
	case ld.BlankNode:
		return c.blank(v.Attribute), nil
	case ld.Literal:
		if literalOK {
			return rdfTerm{kind: termLiteral, value: v.Value, datatype: v.Datatype, lang: v.Language}, nil
		}
		return rdfTerm{}, invalid("canonicalize: literal %q where RDF allows only an IRI or blank node", v.Value)
	case nil:
		return rdfTerm{}, nil
	}
	return rdfTerm{}, invalid("canonicalize: unexpected RDF term %v", n)
}

func (c *canonicalizer) blank(label string) rdfTerm {
	bn, ok := c.labels[label]
	if !ok {
		bn = int32(len(c.nodes))
		c.labels[label] = bn
		c.nodes = append(c.nodes, blankNode{canon: -1})
	}
	return rdfTerm{kind: termBlank, bn: bn, value: label}
}

// run issues a canonical label to every blank node (spec 4.4.3 steps 1-5).
func (c *canonicalizer) run() error {
	if len(c.nodes) == 0 {
		return nil
	}
	// Step 2: the blank node to quads map, each quad once per node.
	for i := range c.quads {
		q := &c.quads[i]
		for _, t := range [...]*rdfTerm{&q.s, &q.o, &q.g} {
			if t.kind == termBlank {
				n := &c.nodes[t.bn]
				if k := len(n.quads); k == 0 || n.quads[k-1] != int32(i) {
					n.quads = append(n.quads, int32(i))
				}
			}
		}
	}
	// Step 3: first-degree hashes.
	byHash := make([]int32, len(c.nodes))
	for i := range c.nodes {
		c.nodes[i].hash = c.hashFirstDegree(int32(i))
		byHash[i] = int32(i)
	}
	slices.SortStableFunc(byHash, func(a, b int32) int {
		return bytes.Compare(c.nodes[a].hash[:], c.nodes[b].hash[:])
	})
	// Step 4: canonical labels for unique hashes, in hash order; the groups
	// sharing a hash are kept, in hash order, for step 5.
	var groups [][]int32
	nonUnique := 0
	for i := 0; i < len(byHash); {
		j := i + 1
		for j < len(byHash) && c.nodes[byHash[j]].hash == c.nodes[byHash[i]].hash {
			j++
		}
		if j-i == 1 {
			c.issueCanonical(byHash[i])
		} else {
			groups = append(groups, byHash[i:j])
			nonUnique += j - i
		}
		i = j
	}
	if len(groups) == 0 {
		return nil
	}
	c.deepLimit = 1
	for range rdfcWorkFactor {
		c.deepLimit = min(c.deepLimit*nonUnique, rdfcMaxDeep)
	}
	c.deepLeft = c.deepLimit
	c.stepsLeft = rdfcMaxSteps
	// Step 5: the shared hashes, by Hash N-Degree Quads.
	type result struct {
		hash   hexHash
		issuer *rdfcIssuer
	}
	for _, group := range groups {
		var results []result
		for _, bn := range group {
			if c.nodes[bn].canon >= 0 {
				continue
			}
			is := newIssuer()
			is.issue(bn)
			h, is, err := c.hashNDegree(bn, is)
			if err != nil {
				return err
			}
			results = append(results, result{h, is})
		}
		slices.SortStableFunc(results, func(a, b result) int { return bytes.Compare(a.hash[:], b.hash[:]) })
		for _, r := range results {
			for _, bn := range r.issuer.order {
				c.issueCanonical(bn)
			}
		}
	}
	return nil
}

func (c *canonicalizer) issueCanonical(bn int32) {
	if c.nodes[bn].canon < 0 {
		c.nodes[bn].canon = c.issued
		c.issued++
	}
}

func (c *canonicalizer) sum() (h hexHash) {
	var raw [sha256.Size]byte
	hex.Encode(h[:], c.sha.Sum(raw[:0]))
	return h
}

// hashFirstDegree is Hash First Degree Quads (spec 4.6).
func (c *canonicalizer) hashFirstDegree(bn int32) hexHash {
	quads := c.nodes[bn].quads
	c.buf, c.offsets = c.buf[:0], c.offsets[:0]
	for _, qi := range quads {
		c.offsets = append(c.offsets, len(c.buf))
		c.buf = c.appendQuad(c.buf, &c.quads[qi], bn, false)
	}
	c.lines = c.lines[:0]
	for i, off := range c.offsets {
		end := len(c.buf)
		if i+1 < len(c.offsets) {
			end = c.offsets[i+1]
		}
		c.lines = append(c.lines, c.buf[off:end])
	}
	slices.SortFunc(c.lines, bytes.Compare)
	c.sha.Reset()
	for _, l := range c.lines {
		c.sha.Write(l)
	}
	return c.sum()
}

// hashRelated is Hash Related Blank Node (spec 4.7).
func (c *canonicalizer) hashRelated(related int32, q *rdfQuad, is *rdfcIssuer, position byte) hexHash {
	c.sha.Reset()
	b := append(c.buf[:0], position)
	if position != 'g' {
		b = append(b, '<')
		b = append(b, q.p.value...)
		b = append(b, '>')
	}
	if n := c.nodes[related].canon; n >= 0 {
		b = append(b, "_:c14n"...)
		b = strconv.AppendInt(b, int64(n), 10)
	} else if n, ok := is.ids[related]; ok {
		b = append(b, "_:b"...)
		b = strconv.AppendInt(b, int64(n), 10)
	} else {
		h := c.nodes[related].hash
		b = append(b, h[:]...)
	}
	c.sha.Write(b)
	c.buf = b
	return c.sum()
}

func errPoison(what string, limit int) error {
	return invalid("canonicalize: the dataset's blank nodes need more than %d %s of RDFC-1.0 to be told apart; "+
		"it is refused as a possible poison dataset (RDFC-1.0 section 7)", limit, what)
}

// hashNDegree is Hash N-Degree Quads (spec 4.8). It returns the hash and the
// issuer to use in place of is.
func (c *canonicalizer) hashNDegree(bn int32, is *rdfcIssuer) (hexHash, *rdfcIssuer, error) {
	if c.deepLeft <= 0 {
		return hexHash{}, nil, errPoison("runs of Hash N-Degree Quads", c.deepLimit)
	}
	c.deepLeft--
	c.stepsLeft -= len(c.nodes[bn].quads)
	// Steps 1-3: the hash to related blank nodes map.
	type relatedHash struct {
		hash hexHash
		bn   int32
	}
	var rel []relatedHash
	for _, qi := range c.nodes[bn].quads {
		q := &c.quads[qi]
		for i, t := range [...]*rdfTerm{&q.s, &q.o, &q.g} {
			if t.kind == termBlank && t.bn != bn {
				rel = append(rel, relatedHash{c.hashRelated(t.bn, q, is, "sog"[i]), t.bn})
			}
		}
	}
	slices.SortStableFunc(rel, func(a, b relatedHash) int { return bytes.Compare(a.hash[:], b.hash[:]) })
	var data []byte // step 4: data to hash
	var list []int32
	for i := 0; i < len(rel); {
		j := i + 1
		for j < len(rel) && rel[j].hash == rel[i].hash {
			j++
		}
		// Step 5.
		data = append(data, rel[i].hash[:]...)
		list = list[:0]
		for _, r := range rel[i:j] {
			list = append(list, r.bn)
		}
		i = j
		var chosenPath []byte
		var chosenIssuer *rdfcIssuer
		// A node related twice with the same hash (as a graph name is to
		// the subject of its statements) is in list twice: permute the
		// multiset, as rdf-canonize does; the other orders would give the
		// same paths again, and recurse again.
		perm := list
		slices.Sort(perm)
		var path []byte
		var recursion []int32
	permutations:
		for first := true; first || nextPermutation(perm); first = false {
			if c.stepsLeft -= len(perm); c.stepsLeft < 0 {
				return hexHash{}, nil, errPoison("steps", rdfcMaxSteps)
			}
			issuerCopy := is.clone()
			path, recursion = path[:0], recursion[:0]
			for _, related := range perm {
				if n := c.nodes[related].canon; n >= 0 {
					path = append(path, "_:c14n"...)
					path = strconv.AppendInt(path, int64(n), 10)
				} else {
					if _, ok := issuerCopy.ids[related]; !ok {
						recursion = append(recursion, related)
					}
					path = append(path, "_:b"...)
					path = strconv.AppendInt(path, int64(issuerCopy.issue(related)), 10)
				}
				if chosenPath != nil && bytes.Compare(path, chosenPath) > 0 {
					continue permutations
				}
			}
			for _, related := range recursion {
				h, resIssuer, err := c.hashNDegree(related, issuerCopy)
				if err != nil {
					return hexHash{}, nil, err
				}
				path = append(path, "_:b"...)
				path = strconv.AppendInt(path, int64(issuerCopy.issue(related)), 10)
				path = append(path, '<')
				path = append(path, h[:]...)
				path = append(path, '>')
				issuerCopy = resIssuer
				if chosenPath != nil && bytes.Compare(path, chosenPath) > 0 {
					continue permutations
				}
			}
			if chosenPath == nil || bytes.Compare(path, chosenPath) < 0 {
				chosenPath = append(chosenPath[:0:0], path...)
				chosenIssuer = issuerCopy
			}
		}
		data = append(data, chosenPath...)
		is = chosenIssuer
	}
	c.sha.Reset()
	c.sha.Write(data)
	return c.sum(), is, nil
}

// nextPermutation rearranges p into the next permutation in lexicographic
// order, reporting false when p was the last one. Starting from p sorted,
// it goes through every distinct order of the multiset p once.
func nextPermutation(p []int32) bool {
	i := len(p) - 2
	for i >= 0 && p[i] >= p[i+1] {
		i--
	}
	if i < 0 {
		return false
	}
	j := len(p) - 1
	for p[j] <= p[i] {
		j--
	}
	p[i], p[j] = p[j], p[i]
	slices.Reverse(p[i+1:])
	return true
}

// serialize writes the quads with their canonical labels, one canonical
// N-Quads line each, sorted, without duplicates (spec 4.4.3 step 6 and 5).
func (c *canonicalizer) serialize() string {
	c.buf, c.offsets = c.buf[:0], c.offsets[:0]
	for i := range c.quads {
		c.offsets = append(c.offsets, len(c.buf))
		c.buf = c.appendQuad(c.buf, &c.quads[i], -1, true)
	}
	c.lines = slices.Grow(c.lines[:0], len(c.offsets))
	for i, off := range c.offsets {
		end := len(c.buf)
		if i+1 < len(c.offsets) {
			end = c.offsets[i+1]
		}
		c.lines = append(c.lines, c.buf[off:end])
	}
	slices.SortFunc(c.lines, bytes.Compare)
	var b strings.Builder
	b.Grow(len(c.buf))
	for i, l := range c.lines {
		if i > 0 && bytes.Equal(l, c.lines[i-1]) {
			continue
		}
		b.Write(l)
	}
	return b.String()
}

// appendQuad appends q in canonical N-Quads form. Blank nodes are written
// with their canonical labels if canonical, else as _:a (the node ref) or
// _:z (any other), as Hash First Degree Quads wants them.
func (c *canonicalizer) appendQuad(b []byte, q *rdfQuad, ref int32, canonical bool) []byte {
	b = c.appendTerm(b, &q.s, ref, canonical)
	b = append(b, ' ')
	b = c.appendTerm(b, &q.p, ref, canonical)
	b = append(b, ' ')
	b = c.appendTerm(b, &q.o, ref, canonical)
	if q.g.kind != termNone {
		b = append(b, ' ')
		b = c.appendTerm(b, &q.g, ref, canonical)
	}
	return append(b, " .\n"...)
}

func (c *canonicalizer) appendTerm(b []byte, t *rdfTerm, ref int32, canonical bool) []byte {
	switch t.kind {
	case termIRI:
		b = append(b, '<')
		b = appendEscapedIRI(b, t.value)
		return append(b, '>')
	case termBlank:
		switch {
		case canonical:
			b = append(b, "_:c14n"...)
			return strconv.AppendInt(b, int64(c.nodes[t.bn].canon), 10)
		case t.bn == ref:
			return append(b, "_:a"...)
		default:
			return append(b, "_:z"...)
		}
	case termLiteral:
		b = append(b, '"')
		b = appendEscapedLiteral(b, t.value)
		b = append(b, '"')
		if t.datatype == ld.RDFLangString {
			if t.lang != "" {
				b = append(b, '@')
				b = append(b, t.lang...)
			}
		} else if t.datatype != ld.XSDString && t.datatype != "" {
			b = append(b, "^^<"...)
			b = appendEscapedIRI(b, t.datatype)
			b = append(b, '>')
		}
	}
	return b
}

const hexUpper = "0123456789ABCDEF"

// appendEscapedLiteral appends s as the inside of a canonical N-Quads
// string literal: \b \t \n \f \r \" \\ as ECHARs, the rest of U+0000..U+001F
// and U+007F as \u00XX with uppercase hex, everything else as it is.
func appendEscapedLiteral(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c != 0x7f {
			continue
		}
		b = append(b, s[start:i]...)
		start = i + 1
		switch c {
		case '\b':
			b = append(b, `\b`...)
		case '\t':
			b = append(b, `\t`...)
		case '\n':
			b = append(b, `\n`...)
		case '\f':
			b = append(b, `\f`...)
		case '\r':
			b = append(b, `\r`...)
		case '"':
			b = append(b, `\"`...)
		case '\\':
			b = append(b, `\\`...)
		default:
			b = append(b, '\\', 'u', '0', '0', hexUpper[c>>4], hexUpper[c&0xf])
		}
	}
	return append(b, s[start:]...)
}

// appendEscapedIRI appends s as the inside of an N-Quads IRIREF, with the
// characters an IRIREF cannot hold (U+0000..U+0020 and <>"{}|^`\) as
// \u00XX, as rdf-canonize writes them.
func appendEscapedIRI(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c <= 0x20, c == '<', c == '>', c == '"', c == '{', c == '}', c == '|', c == '^', c == '`', c == '\\':
		default:
			continue
		}
		b = append(b, s[start:i]...)
		start = i + 1
		b = append(b, '\\', 'u', '0', '0', hexUpper[c>>4], hexUpper[c&0xf])
	}
	return append(b, s[start:]...)
}
