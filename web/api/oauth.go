package api

import (
	"errors"
	"mime"
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged/auth"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

func (h *Handler) registerOAuthRoutes(r chi.Router) {
	r.Post("/oauth/token", h.handle(h.handleToken))
}

// oauthError is an error response of RFC 6749 §5.2.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

func writeOAuthError(w http.ResponseWriter, status int, code, description string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="badged"`)
	}
	w.Header().Set("Cache-Control", "no-store")
	render.JSON(w, status, oauthError{code, description})
}

// handleToken is the token endpoint of the OAuth 2.0 client credentials
// grant (RFC 6749 §4.4): the client authenticates with HTTP Basic or with
// client_id and client_secret in the form, and receives a bearer access
// token of its institution.
func (h *Handler) handleToken(w http.ResponseWriter, r *http.Request) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "send application/x-www-form-urlencoded")
		return nil
	}
	if err := r.ParseForm(); err != nil {
		if _, over := request.OverLimit(err); over {
			writeOAuthError(w, http.StatusRequestEntityTooLarge, "invalid_request", "the request body is too large")
			return nil
		}
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "the form cannot be parsed")
		return nil
	}
	form := r.PostForm
	for k, v := range form {
		if len(v) > 1 {
			writeOAuthError(w, http.StatusBadRequest, "invalid_request", "parameter "+k+" is repeated")
			return nil
		}
	}
	switch gt := form.Get("grant_type"); gt {
	case "client_credentials":
	case "":
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "grant_type is required")
		return nil
	default:
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "only client_credentials is supported")
		return nil
	}
	id, secret, basic := r.BasicAuth()
	if basic {
		// RFC 6749 §2.3.1: Basic credentials are form-urlencoded first.
		var err1, err2 error
		id, err1 = url.QueryUnescape(id)
		secret, err2 = url.QueryUnescape(secret)
		if err1 != nil || err2 != nil {
			writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "malformed client credentials")
			return nil
		}
		if form.Has("client_id") || form.Has("client_secret") {
			writeOAuthError(w, http.StatusBadRequest, "invalid_request", "use one way of client authentication, not two")
			return nil
		}
	} else {
		id, secret = form.Get("client_id"), form.Get("client_secret")
	}
	if id == "" || secret == "" {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "client authentication is required")
		return nil
	}
	token, t, err := h.Auth.ClientCredentials(r.Context(), id, secret)
	if errors.Is(err, auth.ErrInvalidClient) {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return nil
	}
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	render.JSON(w, http.StatusOK, map[string]any{
		"access_token": token,
		"token_type":   "Bearer",
		"expires_in":   int(t.Expires.Sub(t.Created).Seconds()),
	})
	return nil
}
