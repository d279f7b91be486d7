package openid4vci

// Endpoint paths under the credential issuer identifier.
const (
	PathOffers     = "/openid4vci/offers/"
	PathToken      = "/openid4vci/token"
	PathNonce      = "/openid4vci/nonce"
	PathCredential = "/openid4vci/credential"
)

// GrantPreAuthorized is the pre-authorized code grant type.
const GrantPreAuthorized = "urn:ietf:params:oauth:grant-type:pre-authorized_code"

// Metadata returns the credential issuer metadata
// (/.well-known/openid-credential-issuer). badged is its own
// authorization server, so authorization_servers is left out.
func (s *Service) Metadata() map[string]any {
	configs := make(map[string]any, len(Configurations))
	for _, c := range Configurations {
		m := map[string]any{
			"format": c.Format,
			"cryptographic_binding_methods_supported": []any{"did:key", "did:jwk", "jwk"},
			"proof_types_supported": map[string]any{
				"jwt": map[string]any{"proof_signing_alg_values_supported": []any{"EdDSA", "ES256"}},
			},
			"scope": c.ID,
			"credential_metadata": map[string]any{
				"display": []any{map[string]any{"name": "Open Badge", "locale": "en"}},
			},
		}
		for k, v := range c.Metadata {
			m[k] = v
		}
		configs[c.ID] = m
	}
	return map[string]any{
		"credential_issuer":                   s.issuer,
		"credential_endpoint":                 s.issuer + PathCredential,
		"nonce_endpoint":                      s.issuer + PathNonce,
		"batch_credential_issuance":           map[string]any{"batch_size": MaxProofs},
		"display":                             []any{map[string]any{"name": "badged", "locale": "en"}},
		"credential_configurations_supported": configs,
	}
}

// AuthorizationServerMetadata returns the OAuth 2.0 authorization server
// metadata (RFC 8414, /.well-known/oauth-authorization-server).
func (s *Service) AuthorizationServerMetadata() map[string]any {
	return map[string]any{
		"issuer":                                          s.issuer,
		"authorization_endpoint":                          s.issuer + PathAuthorize,
		"token_endpoint":                                  s.issuer + PathToken,
		"grant_types_supported":                           []any{GrantAuthorizationCode, GrantPreAuthorized},
		"response_types_supported":                        []any{"code"},
		"code_challenge_methods_supported":                []any{"S256"},
		"authorization_details_types_supported":           []any{"openid_credential"},
		"token_endpoint_auth_methods_supported":           []any{"none"},
		"authorization_response_iss_parameter_supported":  true,
		"pre-authorized_grant_anonymous_access_supported": true,
	}
}
