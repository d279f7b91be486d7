package credential

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/badged/badged/contexts"
)

// Check ids: what a [Problem] is about. They are stable; callers (the
// verifier's report, the VC-API "checks") may branch on them.
const (
	CheckContext  = "context"  // @context
	CheckType     = "type"     // the credential's type
	CheckSchema   = "schema"   // the OB 3.0 JSON schema and credentialSchema entries
	CheckIssuer   = "issuer"   // issuer and the profiles inside it
	CheckSubject  = "subject"  // credentialSubject, achievement, identifiers, results
	CheckEvidence = "evidence" // evidence
	CheckValidity = "validity" // validFrom/validUntil: presence, syntax, order (not the clock)
	CheckProof    = "proof"    // the shape of proof (not the signature)
	CheckStatus   = "status"   // the shape of credentialStatus (not the list)
)

// Problem is one finding of [Validate] or [ValidateVC]. Path is a JSON
// Pointer (RFC 6901) into the document; Message is meant for people. A
// Warning does not make the credential invalid.
type Problem struct {
	Check   string
	Path    string
	Message string
	Warning bool
}

func (p Problem) String() string {
	level := "error"
	if p.Warning {
		level = "warning"
	}
	return fmt.Sprintf("%s: %s at %q: %s", level, p.Check, p.Path, p.Message)
}

// Valid reports whether problems holds no error (warnings are allowed).
func Valid(problems []Problem) bool {
	for _, p := range problems {
		if !p.Warning {
			return false
		}
	}
	return true
}

// Validate checks doc, a credential decoded from JSON (objects as
// map[string]any, arrays as []any), against the structural rules of Open
// Badges 3.0 and VC 2.0 and against the embedded OB 3.0 JSON schema. It
// returns nil when it finds nothing. It never fetches anything, does not
// verify proofs or status and does not compare dates with the clock.
//
// A credential whose type is not an Open Badges type (OpenBadgeCredential,
// AchievementCredential, EndorsementCredential) gets only the VC 2.0
// checks and a [CheckType] problem, as the OB rules say nothing about it.
// It is safe for concurrent use.
func Validate(doc map[string]any) []Problem {
	var v validator
	v.vc(doc)
	types, _ := typesOf(doc["type"])
	endorsement := contains(types, TypeEndorsementCredential)
	if !endorsement && !contains(types, TypeOpenBadgeCredential) && !contains(types, TypeAchievementCredential) {
		v.errorf(CheckType, "/type", "type must include OpenBadgeCredential, AchievementCredential or EndorsementCredential")
		return v.problems
	}
	v.obContext(doc)
	v.obValidity(doc)
	v.obIssuer(doc)
	if endorsement {
		v.endorsementSubject(doc)
	} else {
		v.achievementSubject(doc)
	}
	v.evidence(doc)
	v.schema(doc, endorsement)
	return v.problems
}

// ValidateVC checks doc against the structural rules of VC 2.0 only (read
// with VC 1.1 compatibility), for credentials that are not Open Badges.
// It is safe for concurrent use.
func ValidateVC(doc map[string]any) []Problem {
	var v validator
	v.vc(doc)
	return v.problems
}

type validator struct {
	problems []Problem
}

func (v *validator) errorf(check, path, format string, args ...any) {
	v.problems = append(v.problems, Problem{Check: check, Path: path, Message: fmt.Sprintf(format, args...)})
}

func (v *validator) warnf(check, path, format string, args ...any) {
	v.problems = append(v.problems, Problem{Check: check, Path: path, Message: fmt.Sprintf(format, args...), Warning: true})
}

// vc applies the VC 2.0 data model rules.
func (v *validator) vc(doc map[string]any) {
	ctx := contextList(doc["@context"])
	switch {
	case len(ctx) == 0:
		v.errorf(CheckContext, "/@context", "@context is missing")
	case ctx[0] == contexts.VCv2:
	case ctx[0] == contexts.VCv1:
		v.warnf(CheckContext, "/@context/0", "VC 1.1 context: read for compatibility; credentials are now issued on VC 2.0 (%s)", contexts.VCv2)
	default:
		v.errorf(CheckContext, "/@context/0", "the first @context must be %s", contexts.VCv2)
	}
	if arr, ok := doc["@context"].([]any); ok {
		for i, c := range arr {
			switch c.(type) {
			case string, map[string]any:
			default:
				v.errorf(CheckContext, "/@context/"+strconv.Itoa(i), "a @context entry must be a URL or an object")
			}
		}
	}

	if id, ok := doc["id"]; ok {
		if s, ok := id.(string); !ok || !isURI(s) {
			v.errorf(CheckSchema, "/id", "id must be a URL")
		}
	}
	if types, ok := typesOf(doc["type"]); !ok {
		v.errorf(CheckType, "/type", "type must be a string or an array of strings")
	} else if !contains(types, TypeVerifiableCredential) {
		v.errorf(CheckType, "/type", "type must include VerifiableCredential")
	}

	switch is := doc["issuer"].(type) {
	case nil:
		v.errorf(CheckIssuer, "/issuer", "issuer is missing")
	case string:
		if !isURI(is) {
			v.errorf(CheckIssuer, "/issuer", "issuer must be a URL or a Profile with an id")
		}
	case map[string]any:
		if s, _ := is["id"].(string); !isURI(s) {
			v.errorf(CheckIssuer, "/issuer/id", "the issuer needs an id that is a URL")
		}
	default:
		v.errorf(CheckIssuer, "/issuer", "issuer must be a URL or a Profile with an id")
	}

	switch cs := doc["credentialSubject"].(type) {
	case map[string]any:
	case []any:
		if len(cs) == 0 {
			v.errorf(CheckSubject, "/credentialSubject", "credentialSubject is empty")
		}
		for i, s := range cs {
			if _, ok := s.(map[string]any); !ok {
				v.errorf(CheckSubject, "/credentialSubject/"+strconv.Itoa(i), "a credentialSubject must be an object")
			}
		}
	case nil:
		v.errorf(CheckSubject, "/credentialSubject", "credentialSubject is missing")
	default:
		v.errorf(CheckSubject, "/credentialSubject", "credentialSubject must be an object")
	}

	v.dates(doc)
	v.objects(doc, "proof", CheckProof, func(path string, p map[string]any) {
		if t, _ := p["type"].(string); t == "" {
			v.errorf(CheckProof, path+"/type", "a proof needs a type")
		}
	})
	v.objects(doc, "credentialStatus", CheckStatus, v.status)
	v.objects(doc, "credentialSchema", CheckSchema, func(path string, s map[string]any) {
		if id, _ := s["id"].(string); !isURI(id) {
			v.errorf(CheckSchema, path+"/id", "a credentialSchema needs an id that is a URL")
		}
		if t, _ := s["type"].(string); t == "" {
			v.errorf(CheckSchema, path+"/type", "a credentialSchema needs a type")
		}
	})
}

// dates checks the syntax and order of the validity dates, reading the VC
// 1.1 names with a warning.
func (v *validator) dates(doc map[string]any) {
	from := v.date(doc, "validFrom", "issuanceDate")
	until := v.date(doc, "validUntil", "expirationDate")
	if from != "" && until != "" {
		f, err1 := ParseTime(from)
		u, err2 := ParseTime(until)
		if err1 == nil && err2 == nil && u.Before(f) {
			v.errorf(CheckValidity, "/validUntil", "validUntil is before validFrom")
		}
	}
}

func (v *validator) date(doc map[string]any, name, v1name string) string {
	val, ok := doc[name]
	if !ok {
		if val, ok = doc[v1name]; !ok {
			return ""
		}
		v.warnf(CheckValidity, "/"+v1name, "VC 1.1 %s: read as %s", v1name, name)
		name = v1name
	}
	s, ok := val.(string)
	if !ok {
		v.errorf(CheckValidity, "/"+name, "%s must be a date-time string", name)
		return ""
	}
	if _, err := ParseTime(s); err != nil {
		v.errorf(CheckValidity, "/"+name, "%s must be a date-time with a time zone (RFC 3339), not %q", name, s)
		return ""
	}
	return s
}

func (v *validator) status(path string, s map[string]any) {
	t, _ := s["type"].(string)
	if t == "" {
		v.errorf(CheckStatus, path+"/type", "a credentialStatus needs a type")
		return
	}
	if t != TypeBitstringStatusEntry {
		return
	}
	switch p, _ := s["statusPurpose"].(string); p {
	case "":
		v.errorf(CheckStatus, path+"/statusPurpose", "a BitstringStatusListEntry needs a statusPurpose")
	}
	switch idx := s["statusListIndex"].(type) {
	case string:
		if n, err := strconv.ParseUint(idx, 10, 63); err != nil || strconv.FormatUint(n, 10) != idx {
			v.errorf(CheckStatus, path+"/statusListIndex", "statusListIndex must be a non-negative decimal integer in a string")
		}
	case float64:
		// Issuers in the wild (1EdTech's own fixtures) write a JSON number;
		// the value is unambiguous, so it is read with a warning.
		if idx < 0 || idx != float64(int64(idx)) {
			v.errorf(CheckStatus, path+"/statusListIndex", "statusListIndex must be a non-negative integer")
		} else {
			v.warnf(CheckStatus, path+"/statusListIndex", "statusListIndex should be a string (\"%d\"), not a number", int64(idx))
		}
	default:
		v.errorf(CheckStatus, path+"/statusListIndex", "a BitstringStatusListEntry needs a statusListIndex")
	}
	if u, _ := s["statusListCredential"].(string); !isURI(u) {
		v.errorf(CheckStatus, path+"/statusListCredential", "statusListCredential must be a URL")
	}
}

// objects calls f for doc[name] if it is an object, or for each element if
// it is an array of objects, and reports anything else under check.
func (v *validator) objects(doc map[string]any, name, check string, f func(path string, m map[string]any)) {
	forEach(doc[name], "/"+name, func(path string, m map[string]any) { f(path, m) },
		func(path string) { v.errorf(check, path, "%s must be an object or an array of objects", name) })
}

func forEach(val any, path string, f func(string, map[string]any), bad func(string)) {
	switch x := val.(type) {
	case nil:
	case map[string]any:
		f(path, x)
	case []any:
		for i, e := range x {
			if m, ok := e.(map[string]any); ok {
				f(path+"/"+strconv.Itoa(i), m)
			} else {
				bad(path + "/" + strconv.Itoa(i))
			}
		}
	default:
		bad(path)
	}
}

// obContextRE matches the OB 3.0 context URLs 1EdTech's validator accepts
// in second position: context.json and every context-3.x.y.json.
var obContextRE = regexp.MustCompile(`^https://purl\.imsglobal\.org/spec/ob/v3p0/context(-\d+\.\d+\.\d+)?\.json$`)

// obContextAlias is the other name 1EdTech's validator accepts.
const obContextAlias = "https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld"

// obContext requires the OB 3.0 context in second position. Like 1EdTech's
// validator, any version other than 3.0.3 (and the unversioned alias) is
// only a warning: older credentials are read, new ones are written on 3.0.3.
func (v *validator) obContext(doc map[string]any) {
	ctx := contextList(doc["@context"])
	if len(ctx) < 2 || !(obContextRE.MatchString(ctx[1]) || ctx[1] == obContextAlias) {
		v.errorf(CheckContext, "/@context/1", "the second @context must be the Open Badges 3.0 context %s", contexts.OB303)
		return
	}
	switch {
	case ctx[1] == contexts.OB303:
	case ctx[0] == contexts.VCv2:
		// 3.0.3 is the OB context made for VC 2.0; the older ones were
		// written for VC 1.1 (1EdTech's validator reports this as an error).
		v.errorf(CheckContext, "/@context/1", "a VC 2.0 credential must use the Open Badges context %s, not %s", contexts.OB303, ctx[1])
	default:
		v.warnf(CheckContext, "/@context/1", "expected the Open Badges context %s, found %s", contexts.OB303, ctx[1])
	}
}

func (v *validator) obValidity(doc map[string]any) {
	_, from := doc["validFrom"]
	_, issued := doc["issuanceDate"]
	if !from && !issued {
		v.errorf(CheckValidity, "/validFrom", "an Open Badges credential needs validFrom")
	}
}

func (v *validator) obIssuer(doc map[string]any) {
	is, ok := doc["issuer"].(map[string]any)
	if !ok {
		if s, isString := doc["issuer"].(string); isString && s != "" {
			v.errorf(CheckIssuer, "/issuer", "an Open Badges issuer must be a Profile object, not only a URL")
		}
		return // missing or malformed: reported by the VC rules
	}
	v.profile(CheckIssuer, "/issuer", is)
}

// profile checks a Profile's type and the types of its otherIdentifier
// entries and parentOrg, recursively (parentOrg chains are short; depth is
// bounded so that a hostile document cannot recurse without end).
func (v *validator) profile(check, path string, p map[string]any) {
	for depth := 0; p != nil && depth < 8; depth++ {
		v.hasType(check, path, p, TypeProfile)
		forEach(p["otherIdentifier"], path+"/otherIdentifier", func(path string, e map[string]any) {
			v.hasType(check, path, e, TypeIdentifierEntry)
		}, func(path string) { v.errorf(check, path, "an otherIdentifier must be an IdentifierEntry object") })
		next, ok := p["parentOrg"]
		if !ok {
			return
		}
		path += "/parentOrg"
		if p, ok = next.(map[string]any); !ok {
			v.errorf(check, path, "parentOrg must be a Profile object")
		}
	}
}

// hasType reports a problem unless m's type (a string or an array) includes
// want.
func (v *validator) hasType(check, path string, m map[string]any, want string) {
	types, ok := typesOf(m["type"])
	if !ok || !contains(types, want) {
		v.errorf(check, path+"/type", "type must include %s", want)
	}
}

// identityHashRE matches an OB IdentityHash; md5 is accepted by OB 3.0 and so
// by structure, though badged never matches against it.
var identityHashRE = regexp.MustCompile(`^(?i:sha256\$[0-9a-f]{64}|md5\$[0-9a-f]{32})$`)

func (v *validator) achievementSubject(doc map[string]any) {
	cs, ok := doc["credentialSubject"].(map[string]any)
	if !ok {
		if _, isArray := doc["credentialSubject"].([]any); isArray {
			v.errorf(CheckSubject, "/credentialSubject", "an Open Badges credentialSubject must be a single AchievementSubject")
		}
		return
	}
	const p = "/credentialSubject"
	v.hasType(CheckSubject, p, cs, TypeAchievementSubject)

	_, hasID := cs["id"]
	ids, hasIdentifier := cs["identifier"]
	if !hasID && !hasIdentifier {
		v.warnf(CheckSubject, p, "the subject has neither an id nor an identifier: the credential names no recipient")
	}
	forEach(ids, p+"/identifier", v.identityObject,
		func(path string) { v.errorf(CheckSubject, path, "an identifier must be an IdentityObject") })

	forEach(cs["result"], p+"/result", func(path string, r map[string]any) {
		v.hasType(CheckSubject, path, r, TypeResult)
	}, func(path string) { v.errorf(CheckSubject, path, "a result must be a Result object") })
	if src, ok := cs["source"].(map[string]any); ok {
		v.profile(CheckSubject, p+"/source", src)
	}

	a, ok := cs["achievement"].(map[string]any)
	if !ok {
		v.errorf(CheckSubject, p+"/achievement", "the subject needs an achievement object")
		return
	}
	ap := p + "/achievement"
	v.hasType(CheckSubject, ap, a, TypeAchievement)
	forEach(a["resultDescription"], ap+"/resultDescription", func(path string, r map[string]any) {
		v.hasType(CheckSubject, path, r, TypeResultDescription)
	}, func(path string) {
		v.errorf(CheckSubject, path, "a resultDescription must be a ResultDescription object")
	})
	if c, ok := a["creator"].(map[string]any); ok {
		v.profile(CheckSubject, ap+"/creator", c)
	}
}

func (v *validator) identityObject(path string, id map[string]any) {
	v.hasType(CheckSubject, path, id, TypeIdentityObject)
	if t, _ := id["identityType"].(string); t == "" {
		v.errorf(CheckSubject, path+"/identityType", "an IdentityObject needs an identityType")
	}
	hash, _ := id["identityHash"].(string)
	if hash == "" {
		v.errorf(CheckSubject, path+"/identityHash", "an IdentityObject needs an identityHash")
		return
	}
	if hashed, _ := id["hashed"].(bool); hashed && !identityHashRE.MatchString(hash) {
		v.errorf(CheckSubject, path+"/identityHash", "a hashed identityHash must be sha256$ and 64 hex digits (or md5$ and 32)")
	}
}

func (v *validator) endorsementSubject(doc map[string]any) {
	cs, ok := doc["credentialSubject"].(map[string]any)
	if !ok {
		return
	}
	v.hasType(CheckSubject, "/credentialSubject", cs, "EndorsementSubject")
	if id, _ := cs["id"].(string); !isURI(id) {
		v.errorf(CheckSubject, "/credentialSubject/id", "an EndorsementSubject needs the id of what it endorses")
	}
}

func (v *validator) evidence(doc map[string]any) {
	forEach(doc["evidence"], "/evidence", func(path string, e map[string]any) {
		v.hasType(CheckEvidence, path, e, TypeEvidence)
	}, func(path string) {
		v.errorf(CheckEvidence, path, "evidence must be an Evidence object or an array of them")
	})
}

// schema validates a normalised copy of doc (see the package doc) against
// the embedded schema, and reports credentialSchema entries it cannot check.
// credentialSchemas refuses credentialSchema entries badged cannot check,
// in the credential and in the credentials embedded in it (endorsements).
func (v *validator) credentialSchemas(val any, path string) {
	switch n := val.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(n)) {
			e := n[k]
			if k != "credentialSchema" {
				v.credentialSchemas(e, path+"/"+k)
				continue
			}
			forEach(e, path+"/credentialSchema", func(p string, s map[string]any) {
				id, _ := s["id"].(string)
				id = strings.TrimSpace(id)
				if _, known := knownSchemas[id]; !known && id != "" {
					v.errorf(CheckSchema, p+"/id", "credentialSchema %s cannot be checked: badged checks only the Open Badges 3.0 schemas it embeds and never fetches a schema", id)
				}
			}, func(string) {})
		}
	case []any:
		for i, e := range n {
			v.credentialSchemas(e, fmt.Sprintf("%s/%d", path, i))
		}
	}
}

func (v *validator) schema(doc map[string]any, endorsement bool) {
	v.credentialSchemas(doc, "")

	s, err := compiled()
	if err != nil {
		v.errorf(CheckSchema, "", "%v", err) // unreachable: a test compiles the embedded schema
		return
	}
	sch := s.achievement
	if endorsement {
		sch = s.endorsement
	}
	err = sch.Validate(normalize(doc, 0))
	var ve *jsonschema.ValidationError
	if errors.As(err, &ve) {
		start := len(v.problems)
		v.schemaErrors(ve)
		// The schema library's order follows map iteration: sort for stable reports.
		slices.SortFunc(v.problems[start:], func(a, b Problem) int {
			return cmp.Or(strings.Compare(a.Path, b.Path), strings.Compare(a.Message, b.Message))
		})
	} else if err != nil {
		v.errorf(CheckSchema, "", "%v", err)
	}
}

var printer = message.NewPrinter(language.English)

// schemaErrors reports the leaves of a schema error tree: the specific
// failures, not the "allOf failed" groupings above them.
//
// Two kinds of leaf are dropped. A single string where the schema wants an
// array of types ("type": "Evidence" for ["Evidence"]) means the same in
// JSON-LD and is common in the wild; the rules of [Validate] check the type
// values themselves. And under anyOf/oneOf, a branch that failed only
// because the value has another JSON type (the string branch of ProfileRef
// for an issuer object) is noise when another branch got further.
func (v *validator) schemaErrors(e *jsonschema.ValidationError) {
	if len(e.Causes) == 0 {
		if t, ok := e.ErrorKind.(*kind.Type); ok && t.Got == "string" && slices.Contains(t.Want, "array") &&
			len(e.InstanceLocation) > 0 && e.InstanceLocation[len(e.InstanceLocation)-1] == "type" {
			return
		}
		v.errorf(CheckSchema, pointer(e.InstanceLocation), "%s", e.ErrorKind.LocalizedString(printer))
		return
	}
	causes := e.Causes
	switch e.ErrorKind.(type) {
	case *kind.AnyOf, *kind.OneOf:
		var deeper []*jsonschema.ValidationError
		for _, c := range causes {
			if _, typeOnly := c.ErrorKind.(*kind.Type); !(typeOnly && len(c.Causes) == 0) {
				deeper = append(deeper, c)
			}
		}
		if len(deeper) > 0 {
			causes = deeper
		}
	}
	for _, c := range causes {
		v.schemaErrors(c)
	}
}

// normalize returns doc in the shape the schema expects, copying only what
// it changes: proof as an array, and a VC 1.1 credential's context and dates
// under their VC 2.0 names. Credentials embedded anywhere (endorsements of
// the issuer, the achievement, its creator...) are normalised the same way.
func normalize(doc map[string]any, depth int) map[string]any {
	n, _ := normalizeValue(doc, depth).(map[string]any)
	return n
}

// maxDepth bounds the walk of normalizeValue; the schema itself goes no
// deeper than a few levels of embedded credentials.
const maxDepth = 32

func normalizeValue(val any, depth int) any {
	if depth > maxDepth {
		return val
	}
	switch x := val.(type) {
	case []any:
		var out []any
		for i, e := range x {
			if ne := normalizeValue(e, depth+1); !same(ne, e) {
				if out == nil {
					out = slices.Clone(x)
				}
				out[i] = ne
			}
		}
		if out != nil {
			return out
		}
		return x
	case map[string]any:
		var out map[string]any
		set := func(k string, v any) {
			if out == nil {
				out = maps.Clone(x)
			}
			out[k] = v
		}
		for k, e := range x {
			if ne := normalizeValue(e, depth+1); !same(ne, e) {
				set(k, ne)
			}
		}
		if _, isCredential := x["@context"]; isCredential {
			if p, ok := x["proof"].(map[string]any); ok {
				set("proof", []any{p})
			}
			if ctx, ok := x["@context"].([]any); ok && len(ctx) > 0 && ctx[0] == contexts.VCv1 {
				c := slices.Clone(ctx)
				c[0] = contexts.VCv2
				set("@context", c)
				for v1, v2 := range map[string]string{"issuanceDate": "validFrom", "expirationDate": "validUntil"} {
					if val, ok := x[v1]; ok {
						if _, has := x[v2]; !has {
							set(v2, val)
						}
						set(v1, nil) // clones x if needed
						delete(out, v1)
					}
				}
			}
		}
		if out != nil {
			return out
		}
		return x
	}
	return val
}

// same reports whether normalizeValue returned its input unchanged: it
// returns the very same map or slice when it changes nothing.
func same(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		return ok && len(x) == len(y) && (len(x) == 0 || reflect.ValueOf(x).UnsafePointer() == reflect.ValueOf(y).UnsafePointer())
	case []any:
		y, ok := b.([]any)
		return ok && len(x) == len(y) && (len(x) == 0 || &x[0] == &y[0])
	}
	return true // scalars are returned as they are
}

func pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(t))
	}
	return b.String()
}

// contextList returns the string entries of @context in order, with
// inline context objects as "". A single string is a one-entry list.
func contextList(val any) []string {
	switch c := val.(type) {
	case string:
		return []string{c}
	case []any:
		out := make([]string, len(c))
		for i, e := range c {
			out[i], _ = e.(string)
		}
		return out
	}
	return nil
}

// typesOf reads a type value: a string or an array of strings.
func typesOf(val any) ([]string, bool) {
	switch t := val.(type) {
	case string:
		return []string{t}, true
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// isURI reports whether s looks like an absolute URI: a scheme, a colon and
// something after it (urn:uuid:..., did:..., https://...).
func isURI(s string) bool {
	i := strings.IndexByte(s, ':')
	if i <= 0 || i == len(s)-1 || strings.ContainsAny(s, " \t\n") {
		return false
	}
	for j, r := range s[:i] {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case j > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.'):
		default:
			return false
		}
	}
	return true
}
