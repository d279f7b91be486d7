package jose

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// Leeway is the clock skew CheckClaims allows on nbf, exp and iat.
const Leeway = time.Minute

const vc11Context = "https://www.w3.org/2018/credentials/v1"

// CheckClaims compares the JWT claims with the credential and with now, and
// returns the problems it finds, or nil. Each problem is a sentence for
// people. It reports:
//
//   - iss, jti, sub that differ from the issuer id, the credential id and
//     the credentialSubject id;
//   - nbf and exp that differ (to the second) from validFrom and validUntil,
//     or for a VC 1.1 credential from issuanceDate and expirationDate;
//   - a token not yet valid (nbf, iat) or expired (exp) at now, give or take
//     [Leeway];
//   - for [OBJWT], a missing iss or nbf, and a missing exp when the
//     credential has a validUntil.
//
// A missing jti or sub is not a problem: 1EdTech's own fixtures omit sub.
// For [VCJOSE] every claim is optional and only conflicts are reported.
// CheckClaims does not validate the credential itself. It is
// [Token.Conflicts] followed by [Token.Timing].
func (t *Token) CheckClaims(now time.Time) []string {
	return append(t.Conflicts(), t.Timing(now)...)
}

// Timing returns the problems of the token's own dates against now: not
// yet valid (nbf), expired (exp) or issued in the future (iat), give or take
// [Leeway]. Malformed dates are Conflicts.
func (t *Token) Timing(now time.Time) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if nbf, ok, err := numericDate(t.Claims, "nbf"); err == nil && ok && nbf.After(now.Add(Leeway)) {
		add("token is not valid before %s", stamp(nbf))
	}
	if exp, ok, err := numericDate(t.Claims, "exp"); err == nil && ok && !now.Before(exp.Add(Leeway)) {
		add("token expired at %s", stamp(exp))
	}
	if iat, ok, err := numericDate(t.Claims, "iat"); err == nil && ok && iat.After(now.Add(Leeway)) {
		add("token was issued in the future (iat %s)", stamp(iat))
	}
	return problems
}

// Conflicts returns the claims that contradict the credential they carry,
// malformed date claims, and the claims OB 3.0 requires that are missing
// (see [Token.CheckClaims]). The claims are signed with the credential, so
// any conflict means the token does not secure what it appears to.
func (t *Token) Conflicts() []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	c, cred := t.Claims, t.Credential
	ob := t.Format == OBJWT

	if v, ok := c["iss"]; ok {
		iss, _ := v.(string)
		if want := issuerID(cred); iss != want {
			add("iss %s does not match the issuer id %q", show(v), want)
		}
	} else if ob {
		add("iss claim is missing (OB 3.0 requires it)")
	}
	if v, ok := c["jti"]; ok {
		jti, _ := v.(string)
		if want, _ := cred["id"].(string); jti != want {
			add("jti %s does not match the credential id %q", show(v), want)
		}
	}
	if v, ok := c["sub"]; ok {
		sub, _ := v.(string)
		if ids := subjectIDs(cred); !slices.Contains(ids, sub) {
			add("sub %s does not match credentialSubject id %q", show(v), ids)
		}
	}

	nbf, hasNBF, err := numericDate(c, "nbf")
	if err != nil {
		add("%v", err)
	}
	if hasNBF {
		if from, name := validFrom(cred); from != "" {
			if ft, err := parseTime(from); err != nil {
				add("%s %q is not an RFC 3339 date-time", name, from)
			} else if ft.Unix() != nbf.Unix() {
				add("nbf %s does not match %s %s", stamp(nbf), name, from)
			}
		}
	} else if ob && err == nil {
		add("nbf claim is missing (OB 3.0 requires it)")
	}

	exp, hasEXP, err := numericDate(c, "exp")
	if err != nil {
		add("%v", err)
	}
	until, name := validUntil(cred)
	if hasEXP {
		if until != "" {
			if ut, err := parseTime(until); err != nil {
				add("%s %q is not an RFC 3339 date-time", name, until)
			} else if ut.Unix() != exp.Unix() {
				add("exp %s does not match %s %s", stamp(exp), name, until)
			}
		}
	} else if ob && err == nil && until != "" {
		add("exp claim is missing although the credential has %s %s", name, until)
	}

	if _, _, err := numericDate(c, "iat"); err != nil {
		add("%v", err)
	}
	return problems
}

// numericDate reads a NumericDate claim (RFC 7519 section 2).
func numericDate(c map[string]any, name string) (time.Time, bool, error) {
	v, ok := c[name]
	if !ok {
		return time.Time{}, false, nil
	}
	f, isNum := v.(float64)
	if !isNum || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1<<40 {
		return time.Time{}, false, fmt.Errorf("%s claim %s is not a NumericDate", name, show(v))
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true, nil
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func show(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%v", v)
}

func parseTime(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) }

// issuerID returns the credential's issuer id: the issuer string, or the
// issuer object's id.
func issuerID(cred map[string]any) string {
	switch v := cred["issuer"].(type) {
	case string:
		return v
	case map[string]any:
		id, _ := v["id"].(string)
		return id
	}
	return ""
}

// subjectIDs returns the ids of the credential's subjects.
func subjectIDs(cred map[string]any) []string {
	var subs []any
	switch v := cred["credentialSubject"].(type) {
	case map[string]any:
		subs = []any{v}
	case []any:
		subs = v
	}
	var ids []string
	for _, s := range subs {
		if m, ok := s.(map[string]any); ok {
			if id, ok := m["id"].(string); ok && id != "" {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// subjectID returns the subject id when there is exactly one subject and it
// has an id.
func subjectID(cred map[string]any) string {
	n := 1
	if subs, ok := cred["credentialSubject"].([]any); ok {
		n = len(subs)
	}
	if ids := subjectIDs(cred); n == 1 && len(ids) == 1 {
		return ids[0]
	}
	return ""
}

// isVC11 reports whether the credential uses the VC 1.1 base context.
func isVC11(cred map[string]any) bool {
	switch v := cred["@context"].(type) {
	case string:
		return v == vc11Context
	case []any:
		return len(v) > 0 && v[0] == vc11Context
	}
	return false
}

// validFrom returns the date nbf stands for and its property name:
// validFrom (VC 2.0), or issuanceDate for a VC 1.1 credential that has one.
func validFrom(cred map[string]any) (string, string) {
	return pick(cred, isVC11(cred), "issuanceDate", "validFrom")
}

// validUntil returns the date exp stands for: validUntil, or
// expirationDate for a VC 1.1 credential that has one.
func validUntil(cred map[string]any) (string, string) {
	return pick(cred, isVC11(cred), "expirationDate", "validUntil")
}

func pick(cred map[string]any, v11 bool, old, new string) (string, string) {
	order := []string{new, old}
	if v11 {
		order = []string{old, new}
	}
	for _, name := range order {
		if s, ok := cred[name].(string); ok && s != "" {
			return s, name
		}
	}
	return "", ""
}
