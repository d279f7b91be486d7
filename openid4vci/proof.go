package openid4vci

import (
	"context"
	"crypto"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/did"
	gojose "github.com/go-jose/go-jose/v4"
)

// ProofType is the typ of a proof of possession JWT.
const ProofType = "openid4vci-proof+jwt"

// proofAlgs are the algorithms a proof may use.
var proofAlgs = []gojose.SignatureAlgorithm{gojose.EdDSA, gojose.ES256}

// proof is a checked proof of possession, before its nonce is taken.
type proof struct {
	holder string // the DID the credential is issued to
	nonce  string
}

// Holders checks the proofs of a credential request (one proof or a batch)
// and returns, in order, the DID of each proof's key: the kid's DID for a
// did:key or did:jwk kid, the did:jwk of the key for a jwk header. Every
// proof must carry the same c_nonce, which is then used up. Errors are
// *Error: invalid_proof for a malformed, unsigned or misaddressed proof,
// invalid_nonce for a missing, unknown, used or expired nonce.
func (s *Service) Holders(ctx context.Context, jwts []string) ([]string, error) {
	if len(jwts) == 0 {
		return nil, fail(CodeInvalidProof, "a proof of possession is required")
	}
	if len(jwts) > MaxProofs {
		return nil, fail(CodeCredentialRequest, "at most %d proofs in one request", MaxProofs)
	}
	holders := make([]string, len(jwts))
	var nonce string
	for i, j := range jwts {
		p, err := s.checkProof(ctx, j)
		if err != nil {
			return nil, err
		}
		if i > 0 && p.nonce != nonce {
			return nil, fail(CodeInvalidProof, "the proofs carry different nonces")
		}
		nonce = p.nonce
		holders[i] = p.holder
	}
	if nonce == "" {
		return nil, fail(CodeInvalidNonce, "the proof carries no nonce")
	}
	expires, err := s.store.TakeNonce(ctx, Hash(nonce))
	if badged.KindOf(err) == badged.NotFound {
		return nil, fail(CodeInvalidNonce, "the nonce is not known or was already used")
	} else if err != nil {
		return nil, fmt.Errorf("take nonce: %w", err)
	}
	if !s.now().Before(expires) {
		return nil, fail(CodeInvalidNonce, "the nonce has expired")
	}
	return holders, nil
}

func (s *Service) checkProof(ctx context.Context, raw string) (*proof, error) {
	jws, err := gojose.ParseSigned(raw, proofAlgs)
	if err != nil {
		return nil, &Error{Code: CodeInvalidProof, Description: "the proof is not a compact JWS signed with EdDSA or ES256", Err: err}
	}
	if len(jws.Signatures) != 1 {
		return nil, fail(CodeInvalidProof, "the proof must have one signature")
	}
	h := jws.Signatures[0].Protected
	if typ, _ := h.ExtraHeaders["typ"].(string); typ != ProofType {
		return nil, fail(CodeInvalidProof, "the proof's typ must be %s", ProofType)
	}
	var pub crypto.PublicKey
	var holder string
	switch {
	case h.KeyID != "" && h.JSONWebKey != nil:
		return nil, fail(CodeInvalidProof, "the proof has both kid and jwk")
	case strings.HasPrefix(h.KeyID, "did:key:") || strings.HasPrefix(h.KeyID, "did:jwk:"):
		k, err := s.keys.ResolveKey(ctx, h.KeyID)
		if err != nil {
			return nil, &Error{Code: CodeInvalidProof, Description: "the proof's kid does not resolve", Err: err}
		}
		pub, holder = k.PublicKey, k.Controller
	case h.JSONWebKey != nil:
		if !h.JSONWebKey.IsPublic() {
			return nil, fail(CodeInvalidProof, "the proof's jwk is not a public key")
		}
		pub = h.JSONWebKey.Key
		if holder, err = did.JWKDID(pub); err != nil {
			return nil, &Error{Code: CodeInvalidProof, Description: "the proof's jwk is not an Ed25519 or P-256 key", Err: err}
		}
	default:
		return nil, fail(CodeInvalidProof, "the proof's kid must be a did:key or did:jwk URL, or its header a jwk")
	}
	payload, err := jws.Verify(pub)
	if err != nil {
		return nil, &Error{Code: CodeInvalidProof, Description: "the proof's signature does not verify", Err: err}
	}
	var c struct {
		Aud   any    `json:"aud"`
		Iat   *int64 `json:"iat"`
		Nonce string `json:"nonce"`
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, &Error{Code: CodeInvalidProof, Description: "the proof's claims are not a JSON object", Err: err}
	}
	if !audience(c.Aud, s.issuer) {
		return nil, fail(CodeInvalidProof, "the proof's aud must be %s", s.issuer)
	}
	if c.Iat == nil {
		return nil, fail(CodeInvalidProof, "the proof has no iat")
	}
	iat, now := time.Unix(*c.Iat, 0), s.now()
	if iat.After(now.Add(time.Minute)) || iat.Before(now.Add(-proofMaxAge)) {
		return nil, fail(CodeInvalidProof, "the proof's iat is not recent")
	}
	return &proof{holder: holder, nonce: c.Nonce}, nil
}

func audience(aud any, issuer string) bool {
	switch a := aud.(type) {
	case string:
		return a == issuer
	case []any:
		for _, v := range a {
			if v == issuer {
				return true
			}
		}
	}
	return false
}
