package login

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// ProviderConfig configures one OpenID provider. Its JSON form is what
// BADGED_OIDC_PROVIDERS holds (a JSON array of these objects).
type ProviderConfig struct {
	// Name is the provider's name in URLs (/login/{name}): lower-case
	// letters, digits and dashes.
	Name string `json:"name"`
	// Label is shown on the login page; it defaults to Name.
	Label        string   `json:"label,omitempty"`
	Kind         Kind     `json:"kind"`
	Issuer       string   `json:"issuer"`
	ClientID     string   `json:"clientId"`
	ClientSecret string   `json:"clientSecret,omitempty"`
	Scopes       []string `json:"scopes,omitempty"` // default openid, email, profile
	// UserInfo makes the flow also read the userinfo endpoint; its claims
	// complete those of the ID token.
	UserInfo bool `json:"userinfo,omitempty"`
	// InstitutionClaim maps a staff member to an institution by its SCHAC
	// home (default schac_home_organization).
	InstitutionClaim string `json:"institutionClaim,omitempty"`
	// EduIDClaim holds a learner's eduID pairwise subject (eduID: "eduid");
	// empty means sub.
	EduIDClaim string `json:"eduidClaim,omitempty"`
	EmailClaim string `json:"emailClaim,omitempty"` // default email
	// EmailVerifiedClaim must be true for the email to count (default
	// email_verified), unless TrustEmail is set.
	EmailVerifiedClaim string `json:"emailVerifiedClaim,omitempty"`
	TrustEmail         bool   `json:"trustEmail,omitempty"`
	NameClaim          string `json:"nameClaim,omitempty"` // default name
	EPPNClaim          string `json:"eppnClaim,omitempty"` // default eduperson_principal_name
}

// Claim defaults.
const (
	DefaultInstitutionClaim   = "schac_home_organization"
	DefaultEmailClaim         = "email"
	DefaultEmailVerifiedClaim = "email_verified"
	DefaultNameClaim          = "name"
	DefaultEPPNClaim          = "eduperson_principal_name"
)

var nameRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$`)

// withDefaults fills in the defaults and checks the configuration.
func (c ProviderConfig) withDefaults() (ProviderConfig, error) {
	if !nameRE.MatchString(c.Name) {
		return c, fmt.Errorf("provider %q: name: lower-case letters, digits and dashes, at most 32", c.Name)
	}
	if !c.Kind.Valid() {
		return c, fmt.Errorf("provider %s: kind %q: want learner or staff", c.Name, c.Kind)
	}
	u, err := url.Parse(c.Issuer)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return c, fmt.Errorf("provider %s: issuer %q: want an http(s) URL", c.Name, c.Issuer)
	}
	if c.ClientID == "" {
		return c, fmt.Errorf("provider %s: clientId is required", c.Name)
	}
	if c.Label == "" {
		c.Label = c.Name
	}
	if len(c.Scopes) == 0 {
		c.Scopes = []string{"openid", "email", "profile"}
	}
	if !slices.Contains(c.Scopes, "openid") {
		c.Scopes = append([]string{"openid"}, c.Scopes...)
	}
	def := func(s *string, d string) {
		if *s == "" {
			*s = d
		}
	}
	def(&c.InstitutionClaim, DefaultInstitutionClaim)
	def(&c.EmailClaim, DefaultEmailClaim)
	def(&c.EmailVerifiedClaim, DefaultEmailVerifiedClaim)
	def(&c.NameClaim, DefaultNameClaim)
	def(&c.EPPNClaim, DefaultEPPNClaim)
	return c, nil
}

// ParseProviders reads the providers from data: a JSON array of
// [ProviderConfig] objects. Unknown fields, duplicate names and invalid
// values are errors; the message names the provider, never its secret.
func ParseProviders(data []byte) ([]ProviderConfig, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var ps []ProviderConfig
	if err := dec.Decode(&ps); err != nil {
		return nil, fmt.Errorf("OpenID providers: %v", err)
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("OpenID providers: the list is empty")
	}
	seen := map[string]bool{}
	for i, p := range ps {
		p, err := p.withDefaults()
		if err != nil {
			return nil, fmt.Errorf("OpenID providers: %v", err)
		}
		if seen[p.Name] {
			return nil, fmt.Errorf("OpenID providers: provider %s: the name is used twice", p.Name)
		}
		seen[p.Name] = true
		ps[i] = p
	}
	return ps, nil
}

// normalEmail lower-cases and trims an address, returning "" when it does
// not look like one.
func normalEmail(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if at := strings.LastIndexByte(s, '@'); at <= 0 || at == len(s)-1 || strings.ContainsAny(s, " \t\r\n<>,;") {
		return ""
	}
	return s
}
