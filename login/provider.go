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
	// SCHACHomes are the institutions a staff provider speaks for, by
	// SCHAC home: the only values of InstitutionClaim it is believed on.
	// A staff member is signed in, and staff invitations bind, only for
	// an institution in this list (see the package doc, "Staff and their
	// institution"). ["*"] believes the provider for every institution:
	// fit only for a federation that sets the claim itself from its
	// members' registered metadata (SURFconext), never for one
	// institution's own provider. Required for staff providers; refused
	// for learner providers.
	SCHACHomes []string `json:"schacHomes,omitempty"`
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
	if err := c.checkSCHACHomes(); err != nil {
		return c, err
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

// AnySCHACHome in [ProviderConfig.SCHACHomes] believes a federation's
// provider for every institution.
const AnySCHACHome = "*"

// checkSCHACHomes normalises SCHACHomes (trimmed, lower case) and checks
// that a staff provider names the institutions it speaks for, and that a
// learner provider names none.
func (c *ProviderConfig) checkSCHACHomes() error {
	if c.Kind == Learner {
		if len(c.SCHACHomes) > 0 {
			return fmt.Errorf("provider %s: schacHomes: a learner provider speaks for no institution; remove it", c.Name)
		}
		return nil
	}
	if len(c.SCHACHomes) == 0 {
		return fmt.Errorf("provider %s: schacHomes is required for a staff provider: the SCHAC home(s) of the institution(s) whose staff it signs in, or [%q] for a federation that vouches for every institution's %s", c.Name, AnySCHACHome, DefaultInstitutionClaim)
	}
	homes := make([]string, 0, len(c.SCHACHomes))
	for _, h := range c.SCHACHomes {
		h = strings.ToLower(strings.TrimSpace(h))
		switch {
		case h == "" || len(h) > 253 || strings.ContainsAny(h, " \t\r\n/@"):
			return fmt.Errorf("provider %s: schacHomes: %q is not a SCHAC home (a domain name such as uva.nl)", c.Name, h)
		case h == AnySCHACHome && len(c.SCHACHomes) > 1:
			return fmt.Errorf("provider %s: schacHomes: %q stands alone", c.Name, AnySCHACHome)
		case slices.Contains(homes, h):
			return fmt.Errorf("provider %s: schacHomes: %s is listed twice", c.Name, h)
		}
		homes = append(homes, h)
	}
	c.SCHACHomes = homes
	return nil
}

// speaksFor reports whether the provider is believed when it says a staff
// member's SCHAC home is home.
func (c *ProviderConfig) speaksFor(home string) bool {
	home = strings.ToLower(home)
	return home != "" && (slices.Equal(c.SCHACHomes, []string{AnySCHACHome}) || slices.Contains(c.SCHACHomes, home))
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
