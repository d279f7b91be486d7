package openid4vci

import (
	"context"
	"fmt"
	"slices"

	"github.com/badged/badged"
)

// Issuer signs an award's credential for a holder; *issuance.Service is
// one. format is a [Configuration]'s SignAs. The credential is a JSON
// object or a compact JWT string.
type Issuer interface {
	HolderCredential(ctx context.Context, awardID, holderDID, format string) (any, error)
}

// Request is a credential request: the configuration asked for and the
// proof JWTs (one per credential).
type Request struct {
	AccessToken     string
	ConfigurationID string
	Proofs          []string
}

// Credentials answers a credential request with one credential per proof,
// each bound to its proof's key. Errors are *Error: invalid_token,
// unknown_credential_configuration for one not offered, and those of
// [Service.Holders], credential_request_denied when the Issuer refuses
// (a revoked award); otherwise the Issuer's.
func (s *Service) Credentials(ctx context.Context, iss Issuer, r Request) ([]any, error) {
	o, err := s.Authorize(ctx, r.AccessToken)
	if err != nil {
		return nil, err
	}
	cfg, ok := ConfigurationByID(r.ConfigurationID)
	if !ok || !slices.Contains(o.Configurations, r.ConfigurationID) {
		return nil, fail(CodeUnknownCredConfig, "credential configuration %q was not offered", r.ConfigurationID)
	}
	holders, err := s.Holders(ctx, r.Proofs)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(holders))
	for i, h := range holders {
		if out[i], err = iss.HolderCredential(ctx, o.AwardID, h, cfg.SignAs); err != nil {
			if k := badged.KindOf(err); k == badged.Invalid || k == badged.NotFound {
				return nil, &Error{Code: CodeDenied, Description: "the credential is no longer issued: " + badged.MessageOf(err), Err: err}
			}
			return nil, fmt.Errorf("issue for %s: %w", h, err)
		}
	}
	return out, nil
}
