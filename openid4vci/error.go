package openid4vci

import "github.com/badged/badged/oauth"

// Protocol error codes (RFC 6749 section 5.2, RFC 6750, OpenID4VCI 1.0
// sections 6.3 and 8.3.1.2).
const (
	CodeInvalidRequest    = "invalid_request"
	CodeInvalidGrant      = "invalid_grant"
	CodeUnsupportedGrant  = "unsupported_grant_type"
	CodeInvalidToken      = "invalid_token"
	CodeInvalidProof      = "invalid_proof"
	CodeInvalidNonce      = "invalid_nonce"
	CodeUnknownCredConfig = "unknown_credential_configuration"
	CodeCredentialRequest = "invalid_credential_request"
	CodeDenied            = "credential_request_denied"
	CodeServerError       = "server_error"
)

// Error is a protocol failure: Code is the error code sent to the wallet,
// Description the human-readable error_description.
type Error = oauth.Error

func fail(code, format string, args ...any) *Error { return oauth.Fail(code, format, args...) }
