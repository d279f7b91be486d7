// Package oauth holds the OAuth 2.0 pieces badged's authorization
// servers share (the OpenID4VCI issuer, the OpenID4VP verifier, the Open
// Badges API): the protocol error with its code (RFC 6749 section 5.2),
// the error sent back to a client at its redirect URI (section 4.1.2.1),
// and the parameters of a redirect back (with iss, RFC 9207).
package oauth

import (
	"fmt"
	"net/url"
)

// Error is a protocol failure: Code is the error code sent to the
// client, Description the error_description.
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

// Fail returns an Error of code with a formatted description.
func Fail(code, format string, args ...any) *Error {
	return &Error{Code: code, Description: fmt.Sprintf(format, args...)}
}

// RedirectError is an authorization error to send back to the client at
// its redirect URI.
type RedirectError struct {
	Err                *Error
	RedirectURI, State string
}

func (e *RedirectError) Error() string { return e.Err.Error() }

// Unwrap returns the protocol error.
func (e *RedirectError) Unwrap() error { return e.Err }

// URL is the redirect URI with the error, the state and the issuer.
func (e *RedirectError) URL(issuer string) string {
	return WithParams(e.RedirectURI, url.Values{"error": {e.Err.Code}, "error_description": {e.Err.Description}}, e.State, issuer)
}

// WithParams adds params, state (when not empty) and iss (RFC 9207) to
// the query of uri, keeping what its query has.
func WithParams(uri string, params url.Values, state, issuer string) string {
	if state != "" {
		params.Set("state", state)
	}
	params.Set("iss", issuer)
	u, _ := url.Parse(uri)
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	return u.String()
}
