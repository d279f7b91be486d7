package openid4vp

import "github.com/badged/badged/oauth"

// Protocol error codes (RFC 6749 section 4.1.2.1, RFC 9101 section 7,
// OpenID4VP 1.0 section 8.5).
const (
	CodeInvalidRequest    = "invalid_request"
	CodeInvalidRequestURI = "invalid_request_uri"
	CodeAccessDenied      = "access_denied"
	CodeVPFormats         = "vp_formats_not_supported"
	CodeServerError       = "server_error"
)

// Error is a protocol failure: Code is the error code, Description the
// human-readable error_description.
type Error = oauth.Error

func fail(code, format string, args ...any) *Error { return oauth.Fail(code, format, args...) }
