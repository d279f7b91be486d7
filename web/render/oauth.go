package render

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/badged/badged"
	"github.com/badged/badged/oauth"
)

// OAuthFail answers err at an OAuth 2.0 protocol endpoint of server (the
// OpenID4VCI "issuer", the OpenID4VP "verifier") as the protocol's JSON
// error object (RFC 6749 section 5.2), not stored: invalid_token is 401
// with a Bearer challenge, any other *oauth.Error 400, NotFound
// not_found 404, and anything else a logged 500 server_error.
func OAuthFail(w http.ResponseWriter, r *http.Request, log *slog.Logger, server string, err error) {
	var pe *oauth.Error
	status := http.StatusBadRequest
	switch {
	case errors.As(err, &pe):
		if pe.Code == "invalid_token" {
			status = http.StatusUnauthorized
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		}
	case badged.KindOf(err) == badged.NotFound:
		pe, status = &oauth.Error{Code: "not_found", Description: badged.MessageOf(err)}, http.StatusNotFound
	default:
		if log != nil {
			log.ErrorContext(r.Context(), server+" failed", "path", r.URL.Path, "err", err)
		}
		pe, status = &oauth.Error{Code: "server_error", Description: "the " + server + " failed"}, http.StatusInternalServerError
	}
	w.Header().Set("Cache-Control", "no-store")
	JSON(w, status, map[string]any{"error": pe.Code, "error_description": pe.Description})
}
