package wallet

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/credential/dataintegrity"
	"github.com/badged/badged/did"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/verifier"
)

// PresentationRequest is what a learner asks to present.
type PresentationRequest struct {
	HoldingIDs []string
	Challenge  string        // the verifier's challenge; required
	Domain     string        // the verifier's domain; optional
	TTL        time.Duration // how long the link lives; 0: DefaultPresentationTTL
}

// Limits of a presentation request.
const (
	maxPresented = 50
	maxChallenge = 512
)

// CreatePresentation builds a verifiable presentation of the learner's
// chosen holdings, held by their wallet DID and signed with its key
// (eddsa-rdfc-2022, proofPurpose authentication, with the challenge and
// domain), and keeps it to be shared as a link until it expires. Errors:
// Unauthorized; Invalid without holdings or challenge, for too many, for
// a VC-JWT holding (which a Data Integrity presentation cannot carry yet)
// or a TTL out of range; NotFound when a holding is not the learner's;
// Conflict when one is not [Presentable] (revoked, say).
func (s *Service) CreatePresentation(ctx context.Context, l issuer.Learner, req PresentationRequest) (*Presentation, error) {
	if err := unauthorized(l); err != nil {
		return nil, err
	}
	if req.TTL < 0 || req.TTL > MaxPresentationTTL {
		return nil, badged.Errorf(badged.Invalid, "a presentation lives at most %d days", int(MaxPresentationTTL.Hours()/24))
	}
	id, err := s.newID("vp_")
	if err != nil {
		return nil, err
	}
	req.Challenge, req.Domain = strings.TrimSpace(req.Challenge), strings.TrimSpace(req.Domain)
	signed, err := s.signPresentation(ctx, l, req, s.PresentationURL(id))
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(signed)
	if err != nil {
		return nil, fmt.Errorf("encode presentation: %w", err)
	}
	now := s.timestamp()
	ttl := req.TTL
	if ttl == 0 {
		ttl = s.presTTL
	}
	p := &Presentation{ID: id, UserID: l.UserID, HoldingIDs: append([]string(nil), req.HoldingIDs...),
		Challenge: req.Challenge, Domain: req.Domain, JSON: raw, Created: now, Expires: now.Add(ttl)}
	if err := s.store.CreatePresentation(ctx, p); err != nil {
		return nil, err
	}
	return p, nil
}

// SignedPresentation returns a verifiable presentation of the learner's
// chosen holdings for a verifier that asked in person (OpenID4VP: the
// challenge its nonce, the domain its client_id), signed as
// [Service.CreatePresentation] signs, without an id and without keeping
// it. Errors are CreatePresentation's.
func (s *Service) SignedPresentation(ctx context.Context, l issuer.Learner, req PresentationRequest) (map[string]any, error) {
	req.Challenge, req.Domain = strings.TrimSpace(req.Challenge), strings.TrimSpace(req.Domain)
	return s.signPresentation(ctx, l, req, "")
}

// signPresentation checks req and signs the presentation of its holdings
// with the learner's wallet key; id, when set, is the presentation's.
func (s *Service) signPresentation(ctx context.Context, l issuer.Learner, req PresentationRequest, id string) (map[string]any, error) {
	if err := unauthorized(l); err != nil {
		return nil, err
	}
	switch {
	case len(req.HoldingIDs) == 0:
		return nil, badged.Errorf(badged.Invalid, "choose at least one credential to present")
	case len(req.HoldingIDs) > maxPresented:
		return nil, badged.Errorf(badged.Invalid, "present at most %d credentials at once", maxPresented)
	case req.Challenge == "":
		return nil, badged.Errorf(badged.Invalid, "the challenge is required: the verifier gives it, so that a presentation cannot be replayed")
	case len(req.Challenge) > maxChallenge || len(req.Domain) > maxChallenge:
		return nil, badged.Errorf(badged.Invalid, "the challenge and domain are at most %d bytes", maxChallenge)
	}
	var creds []any
	for _, id := range req.HoldingIDs {
		h, err := s.Holding(ctx, l, id)
		if err != nil {
			return nil, err
		}
		if err := presentable(h); err != nil {
			return nil, err
		}
		if h.Format != FormatJSON {
			return nil, badged.Errorf(badged.Invalid, "credential %s is a VC-JWT, which a Data Integrity presentation cannot carry; present it on its own", id)
		}
		var doc map[string]any
		if err := json.Unmarshal(h.Credential, &doc); err != nil {
			return nil, badged.Wrap(badged.Internal, fmt.Errorf("holding %s: %v", id, err), "a stored credential is unreadable")
		}
		creds = append(creds, doc)
	}
	key, _, err := s.signer(ctx, l.UserID)
	if err != nil {
		return nil, err
	}
	signed, err := SignPresentation(s.proofs, key, PresentationDocument{
		ID: id, Credentials: creds, Challenge: req.Challenge, Domain: req.Domain, Created: s.now(),
	})
	if err != nil {
		return nil, badged.Wrap(badged.Internal, err, "the presentation could not be signed")
	}
	return signed, nil
}

// PresentationDocument is what a wallet presentation says besides its
// holder, who is the signing key's did:key.
type PresentationDocument struct {
	ID                string // the presentation's URL; empty for none
	Credentials       []any  // the credentials, as decoded JSON objects
	Challenge, Domain string // the verifier's
	Created           time.Time
}

// SignPresentation returns the verifiable presentation a wallet makes of
// d: VC 2.0, held by the did:key of key and signed with it
// (eddsa-rdfc-2022, proofPurpose authentication, with the challenge and
// domain). It fails as [dataintegrity.Suite.Sign] does, for example when a
// credential is not sound JSON-LD.
func SignPresentation(proofs *dataintegrity.Suite, key ed25519.PrivateKey, d PresentationDocument) (map[string]any, error) {
	holder, err := did.KeyDID(key.Public())
	if err != nil {
		return nil, err
	}
	k := &Key{DID: holder}
	doc := map[string]any{
		"@context":             []any{"https://www.w3.org/ns/credentials/v2"},
		"type":                 []any{"VerifiablePresentation"},
		"holder":               holder,
		"verifiableCredential": d.Credentials,
	}
	if d.ID != "" {
		doc["id"] = d.ID
	}
	return proofs.Sign(doc, key, dataintegrity.Options{
		Cryptosuite: dataintegrity.RDFC, VerificationMethod: k.VerificationMethod(), Created: d.Created,
		ProofPurpose: dataintegrity.Authentication, Challenge: d.Challenge, Domain: d.Domain,
	})
}

// Presentations lists the learner's presentations, expired ones
// included. Errors: Unauthorized; the store's.
func (s *Service) Presentations(ctx context.Context, l issuer.Learner) ([]*Presentation, error) {
	if err := unauthorized(l); err != nil {
		return nil, err
	}
	return s.store.Presentations(ctx, l.UserID)
}

// DeletePresentation withdraws a presentation's link. Errors:
// Unauthorized; NotFound, also for someone else's.
func (s *Service) DeletePresentation(ctx context.Context, l issuer.Learner, id string) error {
	if err := unauthorized(l); err != nil {
		return err
	}
	return s.store.DeletePresentation(ctx, l.UserID, id)
}

// PublicPresentation returns a presentation shared as a link, for anyone,
// and its verification against its own challenge and domain. Errors:
// NotFound when there is none or it expired.
func (s *Service) PublicPresentation(ctx context.Context, id string) (*Presentation, *verifier.Result, error) {
	p, err := s.store.Presentation(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if !s.now().Before(p.Expires) {
		return nil, nil, badged.Errorf(badged.NotFound, "presentation %s not found", id)
	}
	var doc map[string]any
	if err := json.Unmarshal(p.JSON, &doc); err != nil {
		return nil, nil, badged.Wrap(badged.Internal, err, "a stored presentation is unreadable")
	}
	return p, s.verify.VerifyPresentation(ctx, doc, verifier.PresentationOptions{Challenge: p.Challenge, Domain: p.Domain}), nil
}

// presentable returns the Conflict error of a holding that is not
// [Presentable], naming its state; nil for one that is.
func presentable(h *Holding) error {
	if Presentable(h.State) {
		return nil
	}
	why := map[string]string{StateRevoked: "its issuer revoked it", StateSuspended: "its issuer suspended it",
		StateInvalid: "it does not verify"}[h.State]
	return badged.Errorf(badged.Conflict, "credential %s no longer counts (%s), so it cannot be put forward as one that does", h.ID, why)
}
