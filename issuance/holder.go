package issuance

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/badged/badged"
)

// HolderCredential signs a copy of the award's issued credential for a
// wallet: its credentialSubject.id is holderDID (the key the wallet proved
// it holds), it gets a new id and its own revocation entry, and keeps the
// award's status entry, so that revoking the award revokes the copy too.
// format is [FormatDataIntegrity] (the result is the credential object) or
// [FormatJWT] (the compact JWT string).
//
// Errors: NotFound when the award has no issued credential; Invalid for a
// revoked one or an unknown format; otherwise those of
// [Service.SignCredential].
func (s *Service) HolderCredential(ctx context.Context, awardID, holderDID, format string) (any, error) {
	c, err := s.store.CredentialByAward(ctx, awardID)
	if err != nil {
		return nil, err
	}
	if !c.Revoked.IsZero() {
		return nil, badged.Errorf(badged.Invalid, "the credential of award %s was revoked", awardID)
	}
	if format != FormatDataIntegrity && format != FormatJWT {
		return nil, badged.Errorf(badged.Invalid, "format %q is not one a wallet copy is made in", format)
	}
	var doc map[string]any
	if err := json.Unmarshal(c.JSON, &doc); err != nil {
		return nil, fmt.Errorf("stored credential %s: %v", c.ID, err)
	}
	delete(doc, "proof")
	delete(doc, "id")
	subject, ok := doc["credentialSubject"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("stored credential %s has no single credentialSubject", c.ID)
	}
	subject["id"] = holderDID
	signed, err := s.SignCredential(ctx, c.IssuerID, doc, SignOptions{Format: format})
	if err != nil {
		return nil, err
	}
	if format == FormatJWT {
		return signed.JWT, nil
	}
	return signed.Credential, nil
}
