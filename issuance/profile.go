package issuance

import (
	"context"
	"net/url"

	"github.com/badged/badged/credential"
	"github.com/badged/badged/issuer"
)

// IssuerProfile returns the Open Badges 3.0 Profile of an issuer, the one
// its credentials name as issuer: id the issuer's DID, name in the
// institution's default language, url, email, image, and as parentOrg the
// institution ([Service.InstitutionProfile]). The web layer serves it as JSON. The
// error is NotFound for an unknown issuer or institution.
func (s *Service) IssuerProfile(ctx context.Context, issuerID string) (*credential.Profile, error) {
	is, err := s.store.Issuer(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	in, err := s.store.Institution(ctx, is.InstitutionID)
	if err != nil {
		return nil, err
	}
	return s.profile(in, is, in.DefaultLanguage), nil
}

// InstitutionURL returns the id of an institution's profile (the issuer
// profile's parentOrg): <base>/institutions/<id>.
func (s *Service) InstitutionURL(institutionID string) string {
	return s.base + "/institutions/" + url.PathEscape(institutionID)
}

func (s *Service) profile(in *issuer.Institution, is *issuer.Issuer, lang string) *credential.Profile {
	p := &credential.Profile{
		ID:          s.IssuerDID(is.ID),
		Type:        credential.Types{credential.TypeProfile},
		Name:        is.Name.In(lang),
		Description: is.Description.In(lang),
		URL:         is.URL,
		Email:       is.Email,
		Image:       image(is.ImageURL),
	}
	if in != nil {
		p.ParentOrg = s.InstitutionProfile(in, lang)
	}
	return p
}

// InstitutionProfile returns the Profile of an institution in lang, as an
// issuer profile's parentOrg names it and <base>/institutions/<id> serves
// it: its SCHAC home and BRIN as otherIdentifier entries, its type and
// grading table as badged's extension fields.
func (s *Service) InstitutionProfile(in *issuer.Institution, lang string) *credential.Profile {
	p := &credential.Profile{
		ID:              s.InstitutionURL(in.ID),
		Type:            credential.Types{credential.TypeProfile},
		Name:            in.Name.In(lang),
		Description:     in.Description.In(lang),
		Image:           image(in.ImageURL),
		InstitutionType: string(in.Type),
		GradingTable:    in.GradingTableURL,
	}
	for _, id := range []struct{ typ, v string }{{credential.IdentifierSchacHome, in.SCHACHome}, {credential.IdentifierBRIN, in.BRIN}} {
		if id.v != "" {
			p.OtherIdentifier = append(p.OtherIdentifier, credential.IdentifierEntry{
				Type: credential.TypeIdentifierEntry, Identifier: id.v, IdentifierType: id.typ})
		}
	}
	return p
}

func image(u string) *credential.Image {
	if u == "" {
		return nil
	}
	return &credential.Image{ID: u, Type: credential.TypeImage}
}
