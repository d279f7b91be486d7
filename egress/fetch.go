package egress

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"

	"github.com/badged/badged"
)

// Fetch GETs rawURL with c, normally a client from [NewClient], and returns
// the response body and header. accept, when not empty, is sent as the
// Accept header. maxBytes bounds the body; zero or less means the default
// policy's limit.
//
// Every error is a *badged.Error whose Message says, for people, which
// address could not be fetched and why ("https://x.example/c.json could
// not be fetched: the address does not exist (no such host)"); its cause
// (logged, never shown) is the client's error, and [ReasonOf] tells the
// reason apart, for a page to say it in its own language. Its Kind is:
//   - Forbidden, wrapping [ErrRefused], when the URL's scheme is not http or
//     https, or the client's policy refused an address or a redirect;
//   - TooLarge when the body is longer than maxBytes;
//   - Unavailable when the request fails, times out or is canceled, or the
//     response status is not 2xx.
func Fetch(ctx context.Context, c *http.Client, rawURL string, maxBytes int64, accept string) ([]byte, http.Header, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultPolicy().MaxBytes
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, nil, failure(badged.Forbidden, fmt.Sprintf("%q", rawURL), ReasonInvalidURL, "it is not a valid address", ErrRefused)
	}
	shown := u.Redacted()
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, nil, failure(badged.Forbidden, shown, ReasonInvalidURL, fmt.Sprintf("only http and https addresses are fetched (scheme %q is not allowed)", u.Scheme), ErrRefused)
	}
	if u.Host == "" {
		return nil, nil, failure(badged.Forbidden, shown, ReasonInvalidURL, "the address has no host", ErrRefused)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, failure(badged.Forbidden, shown, ReasonInvalidURL, "it is not a valid address", ErrRefused)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	req.Header.Set("User-Agent", "badged")

	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, fetchError(ctx, shown, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, nil, failure(badged.Unavailable, shown, ReasonStatus, "the server answered "+resp.Status, nil)
	}
	if resp.ContentLength > maxBytes {
		return nil, nil, failure(badged.TooLarge, shown, ReasonTooLarge, fmt.Sprintf("the response is larger than %d bytes", maxBytes), nil)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return nil, nil, fetchError(ctx, shown, err)
	}
	if int64(len(body)) > maxBytes {
		return nil, nil, failure(badged.TooLarge, shown, ReasonTooLarge, fmt.Sprintf("the response is larger than %d bytes", maxBytes), nil)
	}
	return body, resp.Header, nil
}

// Reason says why a fetch failed, in a word a page can put in its own
// language. [ReasonOf] finds it in an error of [Fetch].
type Reason string

// Reasons of a failed fetch.
const (
	ReasonInvalidURL  Reason = "invalid_url"        // not an http or https address with a host
	ReasonNotAllowed  Reason = "not_allowed"        // the policy refused the address (this machine's own network) or a redirect
	ReasonNoSuchHost  Reason = "no_such_host"       // the name does not resolve
	ReasonConnRefused Reason = "connection_refused" // nothing listens at the address
	ReasonTimeout     Reason = "timeout"            // the server did not answer in time
	ReasonCertificate Reason = "certificate"        // the server's TLS certificate is not trusted
	ReasonStatus      Reason = "status"             // the server answered with an error status
	ReasonTooLarge    Reason = "too_large"          // the response is over the limit
	ReasonCanceled    Reason = "canceled"           // the request was canceled
	ReasonUnreachable Reason = "unreachable"        // any other failure to reach the server
)

// ReasonOf returns why err, an error of [Fetch], happened, or "" when err
// is nil or did not come from Fetch.
func ReasonOf(err error) Reason {
	var f *fetchFailure
	if errors.As(err, &f) {
		return f.reason
	}
	return ""
}

// fetchFailure is the cause of a Fetch error: its reason, and the
// client's error (nil when there is none beyond the reason).
type fetchFailure struct {
	reason Reason
	err    error
}

func (f *fetchFailure) Error() string {
	if f.err != nil {
		return f.err.Error()
	}
	return string(f.reason)
}

func (f *fetchFailure) Unwrap() error { return f.err }

// failure is a Fetch error: kind, a message for people naming the address
// shown and why, and the reason and cause behind it.
func failure(kind badged.Kind, shown string, reason Reason, why string, cause error) *badged.Error {
	return &badged.Error{Kind: kind, Message: shown + " could not be fetched: " + why, Err: &fetchFailure{reason: reason, err: cause}}
}

// fetchError turns a client or body error into a Fetch error, finding its
// reason in the error chain: the policy's refusal, a canceled or timed
// out request, a name that does not resolve, a refused connection, an
// untrusted certificate.
func fetchError(ctx context.Context, shown string, err error) error {
	var be *badged.Error
	var dns *net.DNSError
	var ne net.Error
	var unknownCA x509.UnknownAuthorityError
	var badHost x509.HostnameError
	var badCert x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	var refusal *fetchFailure
	switch {
	case errors.As(err, &refusal) && errors.As(err, &be): // the policy's refusal of an address or a redirect
		why := be.Message
		if refusal.reason == ReasonNotAllowed {
			why = "badged does not fetch from addresses on its own network: " + why
		}
		return failure(be.Kind, shown, refusal.reason, why, err)
	case errors.As(err, &be) && be.Kind == badged.TooLarge:
		return failure(be.Kind, shown, ReasonTooLarge, "the response is too large: "+be.Message, err)
	case errors.As(err, &be):
		return failure(be.Kind, shown, ReasonUnreachable, be.Message, err)
	case errors.Is(ctx.Err(), context.Canceled):
		return failure(badged.Unavailable, shown, ReasonCanceled, "the request was canceled", err)
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return failure(badged.Unavailable, shown, ReasonTimeout, "the server did not answer in time (timed out)", err)
	case errors.As(err, &dns) && dns.IsNotFound:
		return failure(badged.Unavailable, shown, ReasonNoSuchHost, "the address does not exist (no such host)", err)
	case errors.Is(err, syscall.ECONNREFUSED):
		return failure(badged.Unavailable, shown, ReasonConnRefused, "nothing answers at that address (connection refused)", err)
	case errors.As(err, &unknownCA) || errors.As(err, &badHost) || errors.As(err, &badCert) || errors.As(err, &verify):
		return failure(badged.Unavailable, shown, ReasonCertificate, "the server's certificate is not trusted", err)
	}
	return failure(badged.Unavailable, shown, ReasonUnreachable, "the server could not be reached", err)
}

// Unreachable returns err, an error of [Fetch], as one of kind Unavailable
// with the same message and cause (so errors.Is(err, ErrRefused) still
// holds), or nil for nil. Fetchers whose callers only need to know that a
// document could not be had (a verifier's DID documents and status lists:
// a refusal, a timeout or an error status all mean "could not be checked")
// use it, so that Forbidden and TooLarge do not read as a verdict on what
// was asked for.
func Unreachable(err error) error {
	if err == nil {
		return nil
	}
	var be *badged.Error
	if errors.As(err, &be) {
		if be.Kind == badged.Unavailable {
			return err
		}
		return &badged.Error{Kind: badged.Unavailable, Message: be.Message, Err: be.Err}
	}
	return badged.Wrap(badged.Unavailable, err, "the document could not be fetched")
}
