package wallet

import (
	"context"
	"fmt"

	"github.com/badged/badged"
	"github.com/badged/badged/badgeimage"
	"github.com/badged/badged/bake"
	"github.com/badged/badged/issuer"
)

// Download formats.
const (
	DownloadJSON = "json" // the credential as JSON-LD, with its proof
	DownloadJWT  = "jwt"  // the credential as a VC-JWT, as its issuer signed it
	DownloadPNG  = "png"  // a badge image with the credential baked in
	DownloadSVG  = "svg"
)

// NoJWT explains why a credential has no VC-JWT form: it was imported as
// JSON-LD, or issued here before badged signed each credential as a
// VC-JWT too.
const NoJWT = "this credential was issued as JSON-LD with a Data Integrity proof only, and only its issuer can sign " +
	"another form of it: a wallet cannot re-sign an issuer's credential. Download it as JSON-LD or as a baked " +
	"image; both verify everywhere Open Badges 3.0 credentials are verified."

// Download returns one of the learner's holdings in a format and its
// media type. A credential issued on this platform is signed in both
// forms at issuance, so its JWT is the VC-JWT stored with it. Errors:
// Unauthorized; NotFound; Invalid for an unknown format; Conflict for a
// JWT of a credential its issuer did not sign as a JWT ([NoJWT] says
// why), or JSON of one it signed only as a JWT.
func (s *Service) Download(ctx context.Context, l issuer.Learner, holdingID, format string) ([]byte, string, error) {
	h, err := s.holding(ctx, l, holdingID)
	if err != nil {
		return nil, "", err
	}
	switch format {
	case DownloadJSON:
		if h.Format != FormatJSON {
			return nil, "", badged.Errorf(badged.Conflict, "this credential was issued as a VC-JWT: download it as a JWT or a baked image")
		}
		return h.Credential, "application/vc+ld+json", nil
	case DownloadJWT:
		if h.Format == FormatJWT {
			return h.Credential, "application/vc+jwt", nil
		}
		if h.Source == SourcePlatform {
			c, err := s.creds.CredentialByAward(ctx, h.AwardID)
			if err != nil {
				return nil, "", fmt.Errorf("credential of award %s: %w", h.AwardID, err)
			}
			if len(c.JWT) > 0 {
				return c.JWT, "application/vc+jwt", nil
			}
		}
		return nil, "", badged.Errorf(badged.Conflict, "%s", NoJWT)
	case DownloadPNG:
		b, err := bake.PNG(badgeimage.Default(h.Summary.Name, h.Summary.IssuerName).Data, h.Credential)
		return b, "image/png", err
	case DownloadSVG:
		b, err := bake.SVG(badgeimage.DefaultSVG(h.Summary.Name), h.Credential)
		return b, "image/svg+xml", err
	}
	return nil, "", badged.Errorf(badged.Invalid, "unknown format %q: use json, jwt, png or svg", format)
}
