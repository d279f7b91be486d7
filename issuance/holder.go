package issuance

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/badged/badged"
	"github.com/badged/badged/credential"
	"github.com/badged/badged/credential/dataintegrity"
)

// HolderCredential signs a copy of the award's issued credential for a
// wallet: its credentialSubject.id is holderDID (the key the wallet proved
// it holds) and it gets a new urn:uuid id, but it keeps the award's status
// entry, so that revoking the award revokes every copy too. A copy is not
// stored: the award's credential is the record.
// format is [FormatDataIntegrity] (the result is the credential object) or
// [FormatJWT] (the compact JWT string).
//
// Errors: NotFound when the award has no issued credential; Invalid for a
// revoked one or an unknown format; otherwise the store's or a signing
// failure.
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
	if doc["id"], err = credential.NewTimeID(s.rand, s.now()); err != nil {
		return nil, fmt.Errorf("credential id: %w", err)
	}
	subject, ok := doc["credentialSubject"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("stored credential %s has no single credentialSubject", c.ID)
	}
	subject["id"] = holderDID
	is, err := s.store.Issuer(ctx, c.IssuerID)
	if err != nil {
		return nil, err
	}
	key, vm, _, err := s.signer(ctx, is.InstitutionID, is.ID)
	if err != nil {
		return nil, err
	}
	signed, err := s.secure(doc, key, vm, SignOptions{Format: format, Cryptosuite: dataintegrity.RDFC}, true)
	if err != nil {
		return nil, err
	}
	if format == FormatJWT {
		return signed.JWT, nil
	}
	return signed.Credential, nil
}
