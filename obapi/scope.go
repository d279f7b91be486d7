package obapi

import (
	"slices"
	"strings"
)

// The scopes of the Open Badges API (OB 3.0 section 6.1.1.1).
const (
	ScopeCredentialReadonly = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly"
	ScopeCredentialUpsert   = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert"
	ScopeProfileReadonly    = "https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.readonly"
	ScopeProfileUpdate      = "https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.update"
)

// Scopes are all the scopes, in the order pages list them.
var Scopes = []string{ScopeCredentialReadonly, ScopeCredentialUpsert, ScopeProfileReadonly, ScopeProfileUpdate}

// parseScope splits a space-separated scope parameter, dropping repeats;
// it reports false for an empty one or one with a scope not in allowed.
func parseScope(s string, allowed []string) ([]string, bool) {
	var out []string
	for _, sc := range strings.Fields(s) {
		if !slices.Contains(allowed, sc) {
			return nil, false
		}
		if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return out, len(out) > 0
}

// ScopeName is the last part of a scope URL ("credential.readonly"), the
// key pages name it by.
func ScopeName(scope string) string { return scope[strings.LastIndex(scope, "/")+1:] }
