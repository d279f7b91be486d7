package openid4vp

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/badged/badged"
	gojose "github.com/go-jose/go-jose/v4"
)

// RequestObjectType is the typ of a signed request object (RFC 9101).
const RequestObjectType = "oauth-authz-req+jwt"

// StaticAudience is the aud of a request object for a wallet found without
// metadata (OpenID4VP 1.0 section 5.8).
const StaticAudience = "https://self-issued.me/v2"

// vpFormats are the client_metadata vp_formats_supported: what badged
// checks.
var vpFormats = map[string]any{
	FormatLDP: map[string]any{"proof_type_values": []any{"DataIntegrityProof"}, "cryptosuite_values": []any{"eddsa-rdfc-2022"}},
	FormatJWT: map[string]any{"alg_values": []any{"EdDSA", "ES256"}},
}

// RequestObject returns the signed request object of ref (JWS compact,
// EdDSA, typ oauth-authz-req+jwt, kid the verifier's key): client_id,
// response_type vp_token, response_mode direct_post with response_uri,
// state, nonce, the DCQL query and client_metadata, and an exp no later
// than the transaction's. Errors: *Error invalid_request_uri for an
// unknown, expired or answered transaction; the store's.
func (s *Service) RequestObject(ctx context.Context, ref string) (string, error) {
	t, err := s.pending(ctx, ref, CodeInvalidRequestURI)
	if err != nil {
		return "", err
	}
	now := s.now()
	claims := map[string]any{
		"aud":             StaticAudience,
		"client_id":       s.ClientID(),
		"response_type":   "vp_token",
		"response_mode":   "direct_post",
		"response_uri":    s.ResponseURI(ref),
		"state":           stateOf(ref),
		"nonce":           nonceOf(ref),
		"dcql_query":      t.Ask.DCQL(),
		"client_metadata": map[string]any{"client_name": "badged", "vp_formats_supported": vpFormats},
		"iat":             now.Unix(),
		"exp":             t.Expires.Unix(),
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("encode request object: %w", err)
	}
	signer, err := gojose.NewSigner(gojose.SigningKey{Algorithm: gojose.EdDSA, Key: s.key},
		(&gojose.SignerOptions{}).WithType(RequestObjectType).WithHeader("kid", s.KeyID()))
	if err != nil {
		return "", fmt.Errorf("request object signer: %w", err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("sign request object: %w", err)
	}
	return jws.CompactSerialize()
}

// pending returns the transaction of ref while it may still be answered;
// code is the protocol error for one that may not.
func (s *Service) pending(ctx context.Context, ref, code string) (*Transaction, error) {
	if ref == "" {
		return nil, fail(code, "the request reference is missing")
	}
	t, err := s.store.Transaction(ctx, Hash(ref))
	if badged.KindOf(err) == badged.NotFound {
		return nil, fail(code, "the request is not known")
	} else if err != nil {
		return nil, err
	}
	switch {
	case t.Outcome != nil:
		return nil, fail(code, "the request was already answered")
	case !s.now().Before(t.Expires):
		return nil, fail(code, "the request has expired")
	}
	return t, nil
}
