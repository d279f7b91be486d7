package record

import (
	"slices"
	"time"

	"github.com/badged/badged/lti"
)

// LTIPlatform is the stored form of lti.Platform.
type LTIPlatform struct {
	Format        int       `json:"format"`
	ID            string    `json:"id"`
	InstitutionID string    `json:"institution"`
	IssuerID      string    `json:"issuerId,omitempty"`
	Name          string    `json:"name"`
	Issuer        string    `json:"iss"`
	ClientID      string    `json:"clientId"`
	DeploymentIDs []string  `json:"deployments"`
	JWKSURL       string    `json:"jwksUrl"`
	AuthURL       string    `json:"authUrl"`
	TokenURL      string    `json:"tokenUrl"`
	Created       time.Time `json:"created"`
}

// FromLTIPlatform returns p's record.
func FromLTIPlatform(p *lti.Platform) *LTIPlatform {
	return &LTIPlatform{Format: Format, ID: p.ID, InstitutionID: p.InstitutionID, IssuerID: p.IssuerID, Name: p.Name,
		Issuer: p.Issuer, ClientID: p.ClientID, DeploymentIDs: slices.Clone(p.DeploymentIDs), JWKSURL: p.JWKSURL,
		AuthURL: p.AuthURL, TokenURL: p.TokenURL, Created: p.Created}
}

// Domain returns the platform r records.
func (r *LTIPlatform) Domain() *lti.Platform {
	return &lti.Platform{ID: r.ID, InstitutionID: r.InstitutionID, IssuerID: r.IssuerID, Name: r.Name, Issuer: r.Issuer,
		ClientID: r.ClientID, DeploymentIDs: slices.Clone(r.DeploymentIDs), JWKSURL: r.JWKSURL, AuthURL: r.AuthURL,
		TokenURL: r.TokenURL, Created: r.Created}
}

// LTILink is the stored form of lti.Link.
type LTILink struct {
	Format       int       `json:"format"`
	PlatformID   string    `json:"platform"`
	ContextID    string    `json:"context"`
	Title        string    `json:"title,omitempty"`
	BadgeClasses []string  `json:"badgeClasses"`
	Memberships  string    `json:"memberships,omitempty"`
	LineItems    string    `json:"lineItems,omitempty"`
	Version      int64     `json:"version"`
	Updated      time.Time `json:"updated"`
}

// FromLTILink returns l's record.
func FromLTILink(l *lti.Link) *LTILink {
	return &LTILink{Format: Format, PlatformID: l.PlatformID, ContextID: l.ContextID, Title: l.Title,
		BadgeClasses: slices.Clone(l.BadgeClasses), Memberships: l.Memberships, LineItems: l.LineItems, Version: l.Version, Updated: l.Updated}
}

// Domain returns the link r records.
func (r *LTILink) Domain() *lti.Link {
	return &lti.Link{PlatformID: r.PlatformID, ContextID: r.ContextID, Title: r.Title, BadgeClasses: slices.Clone(r.BadgeClasses),
		Memberships: r.Memberships, LineItems: r.LineItems, Version: r.Version, Updated: r.Updated}
}
