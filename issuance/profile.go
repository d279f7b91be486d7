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
// institution with badged's extension fields (schacHome, brin,
// institutionType, gradingTable). The web layer serves it as JSON. The
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
		p.ParentOrg = &credential.Profile{
			ID:              s.InstitutionURL(in.ID),
			Type:            credential.Types{credential.TypeProfile},
			Name:            in.Name.In(lang),
			Description:     in.Description.In(lang),
			Image:           image(in.ImageURL),
			SchacHome:       in.SCHACHome,
			BRIN:            in.BRIN,
			InstitutionType: string(in.Type),
			GradingTable:    in.GradingTableURL,
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
