package obapi

import "github.com/badged/badged/oauth"

// OAuth 2.0 error codes (RFC 6749 section 5.2, RFC 7591 section 3.2.2,
// RFC 6750 section 3.1).
const (
	CodeInvalidRequest        = "invalid_request"
	CodeInvalidClient         = "invalid_client"
	CodeInvalidGrant          = "invalid_grant"
	CodeInvalidScope          = "invalid_scope"
	CodeUnsupportedGrant      = "unsupported_grant_type"
	CodeUnsupportedResponse   = "unsupported_response_type"
	CodeAccessDenied          = "access_denied"
	CodeInvalidToken          = "invalid_token"
	CodeInsufficientScope     = "insufficient_scope"
	CodeInvalidRedirectURI    = "invalid_redirect_uri"
	CodeInvalidClientMetadata = "invalid_client_metadata"
)

// Error is a protocol failure: Code is the OAuth 2.0 error code sent to
// the client, Description the error_description.
type Error = oauth.Error

func fail(code, format string, args ...any) *Error { return oauth.Fail(code, format, args...) }
