package verifier

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/badged/badged"
	"github.com/badged/badged/bake"
	"github.com/badged/badged/contexts"
	"github.com/badged/badged/jsonld"
)

// Verify reads input as whatever a person may hold and verifies it: a
// JSON-LD credential or presentation, a compact JWT (bare or as an
// EnvelopedVerifiableCredential), or a PNG or SVG image
// with a baked credential. It never fails: every problem, from unreadable
// input to a revoked credential, is a failed check in the Result.
func (v *Verifier) Verify(ctx context.Context, input []byte) *Result {
	return v.observed(v.verifyInput(ctx, input))
}

func (v *Verifier) verifyInput(ctx context.Context, input []byte) *Result {
	v = v.begin()
	rep := newReport()
	res := &Result{}
	if len(input) > v.maxInput {
		rep.add(CheckFormat, Fail, fmt.Sprintf("the input is %d bytes; the limit is %d", len(input), v.maxInput))
		return rep.result(res)
	}
	payload := input
	res.Container = "json"
	if bytes.HasPrefix(input, []byte("\x89PNG")) || looksLikeXML(input) {
		p, kind, err := bake.Extract(input)
		if err != nil {
			rep.add(CheckFormat, Fail, "no credential could be read from the image: "+badged.MessageOf(err))
			return rep.result(res)
		}
		payload, res.Container = p, kind
	}
	payload = bytes.TrimSpace(payload)
	if len(payload) > 0 && payload[0] == '{' {
		doc, err := v.decode(payload)
		if err != nil {
			rep.add(CheckFormat, Fail, err.Error())
			return rep.result(res)
		}
		if isPresentation(doc) {
			return v.presentation(ctx, doc, PresentationOptions{}, rep, res)
		}
		if hasType(doc, "EnvelopedVerifiableCredential") {
			return v.envelope(ctx, doc, rep, res)
		}
		return v.credential(ctx, doc, v.contentOfBytes(payload), rep, res)
	}
	if looksLikeJWT(payload) {
		if res.Container == "json" {
			res.Container = "jwt"
		}
		return v.jwt(ctx, string(payload), rep, res)
	}
	rep.add(CheckFormat, Fail, "the input is not a JSON credential, a JWT, or a PNG or SVG image with a credential")
	return rep.result(res)
}

// envelope verifies an EnvelopedVerifiableCredential (VC 2.0 section
// 4.13.1), what the VC-API's issue answers for a JWT: its @context begins
// with the VC 2.0 context, which defines it, and its id is a data: URL of
// the JWT that secures the credential.
func (v *Verifier) envelope(ctx context.Context, doc map[string]any, rep *report, res *Result) *Result {
	res.Kind = "credential"
	if list := jsonld.List(doc["@context"]); len(list) == 0 || list[0] != contexts.VCv2 {
		rep.add(CheckContext, Fail, "an EnvelopedVerifiableCredential's @context must begin with "+contexts.VCv2+", which defines it")
		return rep.result(res)
	}
	token, ok := envelopedJWT(doc)
	if !ok {
		rep.add(CheckFormat, Fail, "an EnvelopedVerifiableCredential's id must be a data: URL of a JWT ("+strings.Join(envelopedMediaTypes, "..., ")+"...)")
		return rep.result(res)
	}
	res.Container = "jwt"
	return v.jwt(ctx, token, rep, res)
}

// VerifyCredential verifies a credential secured with an embedded Data
// Integrity proof, already decoded from JSON.
func (v *Verifier) VerifyCredential(ctx context.Context, doc map[string]any) *Result {
	v = v.begin()
	rep, res := newReport(), &Result{Container: "json"}
	if v.tooDeep(doc, rep) {
		return rep.result(res)
	}
	return v.credential(ctx, doc, v.contentOf(doc), rep, res)
}

// VerifyJWT verifies a credential secured as a compact JWT (VC-JWT as Open
// Badges 3.0 defines it, or VC-JOSE).
func (v *Verifier) VerifyJWT(ctx context.Context, token string) *Result {
	v = v.begin()
	return v.jwt(ctx, token, newReport(), &Result{Container: "jwt"})
}

// decode parses JSON after checking it is UTF-8 and not nested too deeply,
// so hostile input fails fast and clearly.
func (v *Verifier) decode(b []byte) (map[string]any, error) {
	if !utf8.Valid(b) {
		return nil, fmt.Errorf("the input is not valid UTF-8")
	}
	if d := Depth(b, v.maxDepth); d > v.maxDepth {
		return nil, fmt.Errorf("the JSON is nested %d levels deep or more; the limit is %d", d, v.maxDepth)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, errors.New(jsonProblem(b, err))
	}
	if err := v.tooMany(doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// jsonProblem says in words, not the decoder's, what is wrong with b,
// JSON that did not decode into an object: it ends too early, or where
// the first unexpected character is.
func jsonProblem(b []byte, err error) string {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		// The decoder's only syntax error at the end of the input.
		if strings.HasPrefix(syntax.Error(), "unexpected end") {
			return "the input is not valid JSON: it ends too early (a brace, bracket or quote is not closed)"
		}
		line, col := 1, 1
		for _, c := range b[:max(syntax.Offset-1, 0)] {
			if c == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
		}
		return fmt.Sprintf("the input is not valid JSON: unexpected character at line %d, column %d", line, col)
	}
	return "the input is not a JSON object"
}

// tooMany refuses a document with more JSON values than the limits allow:
// JSON-LD expansion and canonicalization, and their memory, grow with them.
func (v *Verifier) tooMany(doc map[string]any) error {
	if n := countNodes(doc, v.limits.Nodes); n > v.limits.Nodes {
		return fmt.Errorf("the JSON holds more than %d values; a verification reads at most %d", v.limits.Nodes, v.limits.Nodes)
	}
	return nil
}

// tooDeep reports, as a failed format check, a document decoded by the
// caller that nests more deeply than Verify would have accepted.
func (v *Verifier) tooDeep(doc map[string]any, rep *report) bool {
	if d := nesting(doc, v.maxDepth); d > v.maxDepth {
		rep.add(CheckFormat, Fail, fmt.Sprintf("the JSON is nested %d levels deep or more; the limit is %d", d, v.maxDepth))
		return true
	}
	if err := v.tooMany(doc); err != nil {
		rep.add(CheckFormat, Fail, err.Error())
		return true
	}
	return false
}

// Depth returns how deeply JSON objects and arrays nest in b, counting no
// further than limit+1, so hostile input is refused without decoding it.
func Depth(b []byte, limit int) int {
	d, maxD := 0, 0
	inString, escaped := false, false
	for _, c := range b {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			d++
			if d > maxD {
				if maxD = d; maxD > limit {
					return maxD
				}
			}
		case '}', ']':
			d--
		}
	}
	return maxD
}

func looksLikeXML(b []byte) bool {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '<'
}

// looksLikeJWT reports whether b has the shape of a compact JWS: three
// base64url parts separated by dots (the JOSE parser says the rest).
func looksLikeJWT(b []byte) bool {
	if bytes.Count(b, []byte(".")) < 2 {
		return false
	}
	for _, c := range b {
		if !(c == '.' || c == '-' || c == '_' || c == '=' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// types returns the type values of a JSON-LD node (a string or a list).
func types(doc map[string]any) []string {
	switch t := doc["type"].(type) {
	case string:
		return []string{t}
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func hasType(doc map[string]any, want ...string) bool {
	for _, t := range types(doc) {
		for _, w := range want {
			if t == w {
				return true
			}
		}
	}
	return false
}

func isPresentation(doc map[string]any) bool {
	return hasType(doc, "VerifiablePresentation")
}

// stringInput decodes an image given as a data: URL or in base64; any
// other string is passed on as is (a JWT).
func StringInput(str string) []byte {
	str = strings.TrimSpace(str)
	if rest, ok := strings.CutPrefix(str, "data:"); ok {
		if _, data, ok := strings.Cut(rest, ";base64,"); ok {
			if b, err := base64.StdEncoding.DecodeString(data); err == nil {
				return b
			}
		}
		return []byte(str)
	}
	if strings.Count(str, ".") < 2 {
		if b, err := base64.StdEncoding.DecodeString(str); err == nil && (bytes.HasPrefix(b, []byte("\x89PNG")) || bytes.HasPrefix(bytes.TrimSpace(b), []byte("<"))) {
			return b
		}
	}
	return []byte(str)
}
