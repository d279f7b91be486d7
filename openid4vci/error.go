package openid4vci

import "fmt"

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
type Error struct {
	Code        string
	Description string
	Err         error // the cause, logged only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Description, e.Err)
	}
	return e.Code + ": " + e.Description
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

func fail(code, format string, args ...any) *Error {
	return &Error{Code: code, Description: fmt.Sprintf(format, args...)}
}
