package egress

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"

	"github.com/badged/badged"
)

// Fetch GETs rawURL with c, normally a client from [NewClient], and returns
// the response body and header. accept, when not empty, is sent as the
// Accept header. maxBytes bounds the body; zero or less means the default
// policy's limit.
//
// Every error is a *badged.Error:
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
		return nil, nil, &badged.Error{Kind: badged.Forbidden, Message: fmt.Sprintf("fetch %q: not a valid URL", rawURL), Err: ErrRefused}
	}
	shown := u.Redacted()
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, nil, &badged.Error{Kind: badged.Forbidden, Message: fmt.Sprintf("fetch %s: scheme %q is not allowed", shown, u.Scheme), Err: ErrRefused}
	}
	if u.Host == "" {
		return nil, nil, &badged.Error{Kind: badged.Forbidden, Message: fmt.Sprintf("fetch %s: URL has no host", shown), Err: ErrRefused}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, &badged.Error{Kind: badged.Forbidden, Message: fmt.Sprintf("fetch %s: not a valid URL", shown), Err: ErrRefused}
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
		return nil, nil, badged.Errorf(badged.Unavailable, "fetch %s: status %s", shown, resp.Status)
	}
	if resp.ContentLength > maxBytes {
		return nil, nil, badged.Errorf(badged.TooLarge, "fetch %s: response body exceeds %d bytes", shown, maxBytes)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return nil, nil, fetchError(ctx, shown, err)
	}
	if int64(len(body)) > maxBytes {
		return nil, nil, badged.Errorf(badged.TooLarge, "fetch %s: response body exceeds %d bytes", shown, maxBytes)
	}
	return body, resp.Header, nil
}

// fetchError turns a client or body error into a *badged.Error that names
// the URL.
func fetchError(ctx context.Context, shown string, err error) error {
	var be *badged.Error
	if errors.As(err, &be) {
		return &badged.Error{Kind: be.Kind, Message: fmt.Sprintf("fetch %s: %s", shown, be.Message), Err: be.Err}
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		return badged.Wrap(badged.Unavailable, err, fmt.Sprintf("fetch %s: canceled", shown))
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return badged.Wrap(badged.Unavailable, err, fmt.Sprintf("fetch %s: timed out", shown))
	}
	return badged.Wrap(badged.Unavailable, err, fmt.Sprintf("fetch %s: request failed", shown))
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
