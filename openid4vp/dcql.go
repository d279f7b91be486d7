package openid4vp

import (
	"encoding/json"
	"slices"

	"github.com/badged/badged"
	"github.com/badged/badged/jsonld"
)

// What an employer may ask for ([Ask.Kind]).
const (
	AskAny        = "any"        // any Open Badge
	AskBadgeClass = "badgeclass" // a badge of one of the achievements in Values
	AskIssuer     = "issuer"     // a badge issued by one of the issuers (DIDs) in Values
)

// The ids of the credential queries of badged's DCQL queries, one a
// format; the wallet answers one of them (credential_sets), and vp_token
// carries the presentation under its id.
const (
	CredentialQueryID    = "openbadge"     // ldp_vc
	CredentialQueryIDJWT = "openbadge_jwt" // jwt_vc_json
)

// Formats of credential queries, as OpenID4VP 1.0 Appendix B names them.
const (
	FormatLDP = "ldp_vc"      // a Data Integrity credential in a Data Integrity presentation
	FormatJWT = "jwt_vc_json" // a VC-JWT in a VP-JWT
)

// The expanded types of an Open Badge (DCQL type_values are IRIs, after
// the @context is applied): OpenBadgeCredential, and AchievementCredential,
// its older name for the same class.
var obTypeIRIs = [][]any{
	{"https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"},
	{"https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementCredential"},
}

// Limits of an [Ask].
const (
	maxAskValues = 100
	maxAskLabel  = 200
)

// Ask is what an employer asks a wallet for: an Open Badge, narrowed by
// Kind to some achievements or issuers. Label says it for people (the
// badge class's or institution's name).
type Ask struct {
	Kind   string
	Values []string
	Label  string
}

// Check returns an Invalid error for an unknown kind, a narrowing kind
// without values, or too many or too long values.
func (a Ask) Check() error {
	switch {
	case a.Kind == AskAny && len(a.Values) == 0:
	case a.Kind != AskBadgeClass && a.Kind != AskIssuer:
		return badged.Errorf(badged.Invalid, "ask for any badge, a badge class or an institution's badges")
	case len(a.Values) == 0:
		return badged.Errorf(badged.Invalid, "choose what to ask for")
	case len(a.Values) > maxAskValues:
		return badged.Errorf(badged.Invalid, "ask for at most %d badge classes or issuers", maxAskValues)
	}
	if len(a.Label) > maxAskLabel {
		return badged.Errorf(badged.Invalid, "the label is at most %d bytes", maxAskLabel)
	}
	return nil
}

// claimPath is the claim a narrowing ask constrains.
func (a Ask) claimPath() []any {
	switch a.Kind {
	case AskBadgeClass:
		return []any{"credentialSubject", "achievement", "id"}
	case AskIssuer:
		return []any{"issuer", "id"}
	}
	return nil
}

// DCQL returns the ask as a DCQL query (OpenID4VP 1.0 section 6): an Open
// Badge bound to its holder, with the claim values an ask narrows by, as
// ldp_vc ([CredentialQueryID]) or as jwt_vc_json ([CredentialQueryIDJWT]):
// one credential set whose options are either.
func (a Ask) DCQL() map[string]any {
	query := func(id, format string) map[string]any {
		q := map[string]any{
			"id":     id,
			"format": format,
			"meta":   map[string]any{"type_values": obTypeIRIs},
			// Holder binding is the default (require_cryptographic_holder_binding true).
		}
		if path := a.claimPath(); path != nil {
			values := make([]any, len(a.Values))
			for i, v := range a.Values {
				values[i] = v
			}
			q["claims"] = []any{map[string]any{"path": path, "values": values}}
		}
		return q
	}
	return map[string]any{
		"credentials":     []any{query(CredentialQueryID, FormatLDP), query(CredentialQueryIDJWT, FormatJWT)},
		"credential_sets": []any{map[string]any{"options": []any{[]any{CredentialQueryID}, []any{CredentialQueryIDJWT}}}},
	}
}

// Matches reports whether a credential (decoded JSON) is what the ask asks
// for, by its own DCQL query.
func (a Ask) Matches(cred map[string]any) bool {
	q, err := ParseQuery(a.DCQL())
	return err == nil && q.Credentials[0].Matches(cred)
}

// Query is a DCQL query (OpenID4VP 1.0 section 6), the parts a wallet of
// Open Badges reads.
type Query struct {
	Credentials []CredentialQuery `json:"credentials"`
}

// CredentialQuery asks for one credential.
type CredentialQuery struct {
	ID     string `json:"id"`
	Format string `json:"format"`
	Meta   struct {
		TypeValues [][]string `json:"type_values"`
	} `json:"meta"`
	Claims   []ClaimQuery `json:"claims"`
	Multiple bool         `json:"multiple"`
}

// ClaimQuery asks for a claim, at Path, with one of Values when given.
type ClaimQuery struct {
	ID     string `json:"id"`
	Path   []any  `json:"path"`
	Values []any  `json:"values"`
}

// ByFormat returns the first credential query for format, and false when
// there is none.
func (q *Query) ByFormat(format string) (CredentialQuery, bool) {
	for _, c := range q.Credentials {
		if c.Format == format {
			return c, true
		}
	}
	return CredentialQuery{}, false
}

// ParseQuery reads a DCQL query (decoded JSON). The error is *Error
// invalid_request for a query without credential queries, or one with a
// credential query without id or format.
func ParseQuery(v any) (*Query, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, &Error{Code: CodeInvalidRequest, Description: "dcql_query is not JSON", Err: err}
	}
	var q Query
	if err := json.Unmarshal(b, &q); err != nil {
		return nil, &Error{Code: CodeInvalidRequest, Description: "dcql_query is not a DCQL query", Err: err}
	}
	if len(q.Credentials) == 0 {
		return nil, fail(CodeInvalidRequest, "dcql_query asks for no credential")
	}
	for _, c := range q.Credentials {
		if c.ID == "" || c.Format == "" {
			return nil, fail(CodeInvalidRequest, "every credential query of dcql_query needs an id and a format")
		}
	}
	return &q, nil
}

// typeIRIs are the expanded IRIs of the credential types an Open Badge
// wallet holds, by the terms the VC 2.0 and Open Badges contexts define.
var typeIRIs = map[string]string{
	"VerifiableCredential":  "https://www.w3.org/2018/credentials#VerifiableCredential",
	"OpenBadgeCredential":   "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential",
	"AchievementCredential": "https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementCredential",
}

// Matches reports whether a W3C credential (decoded JSON) meets the query:
// its types include one of the type_values sets (terms expanded as
// [typeIRIs] says), and each claim is present, with one of its values
// when the claim lists values.
func (q CredentialQuery) Matches(cred map[string]any) bool {
	if len(q.Meta.TypeValues) > 0 {
		have := map[string]bool{}
		for _, t := range jsonld.List(cred["type"]) {
			s, _ := t.(string)
			have[s] = true
			if iri, ok := typeIRIs[s]; ok {
				have[iri] = true
			}
		}
		if !slices.ContainsFunc(q.Meta.TypeValues, func(set []string) bool {
			return len(set) > 0 && !slices.ContainsFunc(set, func(t string) bool { return !have[t] })
		}) {
			return false
		}
	}
	for _, c := range q.Claims {
		found := selectPath([]any{cred}, c.Path)
		if len(found) == 0 {
			return false
		}
		if len(c.Values) > 0 && !slices.ContainsFunc(found, func(v any) bool { return slices.Contains(c.Values, v) }) {
			return false
		}
	}
	return true
}

// selectPath applies a DCQL claims path (section 7): a string selects a
// member, null every element of an array, a number one element. A
// credential's single issuer or subject may be a string or an object, and
// an array where one is expected: "id" of a string is the string.
func selectPath(set []any, path []any) []any {
	for _, p := range path {
		var next []any
		for _, v := range set {
			switch p := p.(type) {
			case string:
				switch o := v.(type) {
				case map[string]any:
					if m, ok := o[p]; ok {
						next = append(next, m)
					}
				case []any:
					for _, e := range o {
						if m, ok := e.(map[string]any); ok {
							if x, ok := m[p]; ok {
								next = append(next, x)
							}
						}
					}
				case string:
					if p == "id" {
						next = append(next, o)
					}
				}
			case nil:
				next = append(next, jsonld.List(v)...)
			case float64:
				if l, ok := v.([]any); ok && p >= 0 && int(p) < len(l) && p == float64(int(p)) {
					next = append(next, l[int(p)])
				}
			}
		}
		set = next
	}
	return set
}
