package issuance

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/credential"
	"github.com/badged/badged/credential/dataintegrity"
)

// SignCredential signs a credential an institution's system composed (the
// VC-API's /credentials/issue): any VC 2.0 credential, an Open Badge or
// not, issued by issuerID. The credential's issuer, when present, must be
// the issuer's DID (as a string or a profile's id); when absent it is set
// to it. validFrom defaults to now. The credential is checked before it is
// signed, with the Open Badges 3.0 rules for an Open Badge and the VC 2.0
// rules otherwise, and must be sound JSON-LD; it is signed with
// eddsa-rdfc-2022 by the current key of the issuer's institution. doc is
// not modified. The credential is not stored and gets no status entry:
// the caller keeps it.
//
// Errors: NotFound for an unknown issuer; Invalid for an archived issuer,
// a credential that names another issuer, already has a proof, breaks the
// rules or is not sound JSON-LD (the message says what is wrong); otherwise
// the store's errors or a signing failure.
func (s *Service) SignCredential(ctx context.Context, issuerID string, doc map[string]any) (map[string]any, error) {
	is, err := s.store.Issuer(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	if is.Archived {
		return nil, badged.Errorf(badged.Invalid, "issuer %s is archived", issuerID)
	}
	if _, ok := doc["proof"]; ok {
		return nil, badged.Errorf(badged.Invalid, "the credential already has a proof")
	}
	issuerDID := s.IssuerDID(issuerID)
	out := make(map[string]any, len(doc)+2)
	for k, v := range doc {
		out[k] = v
	}
	switch iss := doc["issuer"].(type) {
	case nil:
		out["issuer"] = issuerDID
	case string:
		if iss != issuerDID {
			return nil, badged.Errorf(badged.Invalid, "the credential's issuer is %s; this client signs as %s", iss, issuerDID)
		}
	case map[string]any:
		id, _ := iss["id"].(string)
		if id != issuerDID {
			return nil, badged.Errorf(badged.Invalid, "the credential's issuer is %q; this client signs as %s", id, issuerDID)
		}
	default:
		return nil, badged.Errorf(badged.Invalid, "the credential's issuer must be a URL or a profile")
	}
	if _, ok := out["validFrom"]; !ok {
		if _, old := out["issuanceDate"]; !old {
			out["validFrom"] = s.now().UTC().Truncate(time.Second).Format(time.RFC3339)
		}
	}
	var problems []credential.Problem
	if isOpenBadge(out) {
		problems = credential.Validate(out)
	} else {
		problems = credential.ValidateVC(out)
	}
	var msgs []string
	for _, p := range problems {
		if p.Warning || p.Check == credential.CheckProof {
			continue // the proof is what we are about to add
		}
		m := p.Message
		if p.Path != "" && p.Path != "/" {
			m = p.Path + ": " + m
		}
		msgs = append(msgs, m)
	}
	if len(msgs) > 0 {
		return nil, badged.Errorf(badged.Invalid, "invalid credential: %s", strings.Join(msgs, "; "))
	}
	key, vm, err := s.signer(ctx, is.InstitutionID, is.ID)
	if err != nil {
		return nil, err
	}
	signed, err := s.proofs.Sign(out, key, dataintegrity.Options{
		Cryptosuite:        dataintegrity.RDFC,
		VerificationMethod: vm,
		Created:            s.now(),
	})
	if err != nil {
		var de *dataintegrity.Error
		if errors.As(err, &de) && de.Reason == dataintegrity.ReasonJSONLD {
			return nil, badged.Errorf(badged.Invalid, "the credential is not sound JSON-LD: %s", de.Msg)
		}
		return nil, badged.Wrap(badged.Internal, err, "the credential could not be signed")
	}
	return signed, nil
}

// isOpenBadge reports whether doc is an Open Badge by its type or context,
// as the verifier judges it.
func isOpenBadge(doc map[string]any) bool {
	for _, c := range asAnyList(doc["@context"]) {
		if s, ok := c.(string); ok && strings.HasPrefix(s, "https://purl.imsglobal.org/spec/ob/v3p0/context") {
			return true
		}
	}
	for _, t := range asAnyList(doc["type"]) {
		switch t {
		case credential.TypeOpenBadgeCredential, credential.TypeAchievementCredential, credential.TypeEndorsementCredential:
			return true
		}
	}
	return false
}

func asAnyList(v any) []any {
	switch l := v.(type) {
	case nil:
		return nil
	case []any:
		return l
	}
	return []any{v}
}
