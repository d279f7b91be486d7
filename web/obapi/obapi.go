// Package obapi serves the 1EdTech Open Badges 3.0 API under /ims/ob/v3p0
// (OB 3.0 section 6): the discovery document, dynamic client
// registration, the token and revocation endpoints, and the learner's
// credentials and profile for an application holding an access token of
// theirs. The authorization endpoint is a page (package
// web/page/apps). The protocol lives in package
// [github.com/badged/badged/obapi]; this package only speaks HTTP.
//
// # Errors
//
// The OAuth endpoints answer with the OAuth 2.0 error codes (RFC 6749
// section 5.2, RFC 7591 section 3.2.2); the resource endpoints with the
// specification's Imsx_StatusInfo, and a WWW-Authenticate challenge
// (RFC 6750) when the token is missing, invalid or lacks the scope.
package obapi

import (
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/obapi"
	"github.com/badged/badged/verifier"
	"github.com/badged/badged/wallet"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

// Handler answers the Open Badges API.
type Handler struct {
	Service *obapi.Service
	Wallet  *wallet.Service
	// Verifier checks a pushed credential before anything else.
	Verifier *verifier.Verifier
	Log      *slog.Logger
	// Name is the name of the service in the discovery document.
	Name string
}

// Routes registers the endpoints. Who may ask: anyone the discovery
// document and registration; a registered client (HTTP Basic or
// client_secret_post) the token and revocation endpoints; the holder of
// a learner's access token with the route's scope the credentials and
// profile.
func (h *Handler) Routes(r chi.Router) {
	r.Get(obapi.PathDiscovery, h.discovery)
	r.Post(obapi.PathRegister, h.register)
	r.Post(obapi.PathToken, h.token)
	r.Post(obapi.PathRevoke, h.revoke)
	r.Get(obapi.PathCredential, h.bearer(obapi.ScopeCredentialReadonly, h.credentials))
	r.Post(obapi.PathCredential, h.bearer(obapi.ScopeCredentialUpsert, h.upsert))
	r.Get(obapi.PathProfile, h.bearer(obapi.ScopeProfileReadonly, h.profile))
	r.Put(obapi.PathProfile, h.bearer(obapi.ScopeProfileUpdate, h.putProfile))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Cache-Control", "no-store")
	render.JSON(w, status, v)
}

// oauthError answers err: an *obapi.Error with its code (invalid_client
// as 401 with a Basic challenge, RFC 6749 section 5.2), anything else as
// server_error, logged.
func (h *Handler) oauthError(w http.ResponseWriter, r *http.Request, err error) {
	e, ok := obapi.ErrorOf(err)
	if !ok {
		if h.Log != nil {
			h.Log.Error("internal error", "method", r.Method, "path", r.URL.Path, "request_id", request.ID(r.Context()), "err", err)
		}
		e = &obapi.Error{Code: "server_error", Description: "the server failed; try again later"}
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": e.Code, "error_description": e.Description})
		return
	}
	status := http.StatusBadRequest
	if e.Code == obapi.CodeInvalidClient {
		status = http.StatusUnauthorized
		w.Header().Set("WWW-Authenticate", `Basic realm="badged"`)
	}
	writeJSON(w, status, map[string]string{"error": e.Code, "error_description": e.Description})
}

func (h *Handler) register(w http.ResponseWriter, r *http.Request) {
	if !request.IsJSON(r.Header.Get("Content-Type")) {
		h.oauthError(w, r, &obapi.Error{Code: obapi.CodeInvalidClientMetadata, Description: "send the registration as application/json"})
		return
	}
	var reg obapi.Registration
	if err := json.NewDecoder(r.Body).Decode(&reg); err != nil {
		h.oauthError(w, r, &obapi.Error{Code: obapi.CodeInvalidClientMetadata, Description: "the registration is not a JSON object of client metadata"})
		return
	}
	c, secret, err := h.Service.Register(r.Context(), reg)
	if err != nil {
		h.oauthError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"client_id": c.ID, "client_secret": secret, "client_id_issued_at": c.Created.Unix(), "client_secret_expires_at": 0,
		"client_name": c.Name, "client_uri": c.URI, "logo_uri": c.LogoURI, "redirect_uris": c.RedirectURIs,
		"scope": strings.Join(c.Scopes, " "), "token_endpoint_auth_method": "client_secret_basic",
		"grant_types": []string{"authorization_code", "refresh_token"}, "response_types": []string{"code"},
	})
}

// client reads the form of a token or revocation request and
// authenticates its client: HTTP Basic (form-urlencoded first, RFC 6749
// section 2.3.1) or client_id and client_secret in the form, not both.
func (h *Handler) client(r *http.Request) (*obapi.Client, error) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return nil, &obapi.Error{Code: obapi.CodeInvalidRequest, Description: "send application/x-www-form-urlencoded"}
	}
	if err := r.ParseForm(); err != nil {
		return nil, &obapi.Error{Code: obapi.CodeInvalidRequest, Description: "the form cannot be parsed"}
	}
	for k, v := range r.PostForm {
		if len(v) > 1 {
			return nil, &obapi.Error{Code: obapi.CodeInvalidRequest, Description: "parameter " + k + " is repeated"}
		}
	}
	id, secret, basic := r.BasicAuth()
	if basic {
		var err1, err2 error
		id, err1 = url.QueryUnescape(id)
		secret, err2 = url.QueryUnescape(secret)
		if err1 != nil || err2 != nil {
			return nil, &obapi.Error{Code: obapi.CodeInvalidClient, Description: "malformed client credentials"}
		}
		if r.PostForm.Has("client_secret") {
			return nil, &obapi.Error{Code: obapi.CodeInvalidRequest, Description: "use one way of client authentication, not two"}
		}
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	return h.Service.AuthenticateClient(r.Context(), id, secret)
}

func (h *Handler) token(w http.ResponseWriter, r *http.Request) {
	c, err := h.client(r)
	if err != nil {
		h.oauthError(w, r, err)
		return
	}
	var tok *obapi.Tokens
	switch f := r.PostForm; f.Get("grant_type") {
	case "authorization_code":
		tok, err = h.Service.Exchange(r.Context(), c, f.Get("code"), f.Get("redirect_uri"), f.Get("code_verifier"))
	case "refresh_token":
		tok, err = h.Service.Refresh(r.Context(), c, f.Get("refresh_token"), f.Get("scope"))
	case "":
		err = &obapi.Error{Code: obapi.CodeInvalidRequest, Description: "grant_type is required"}
	default:
		err = &obapi.Error{Code: obapi.CodeUnsupportedGrant, Description: "grant_type must be authorization_code or refresh_token"}
	}
	if err != nil {
		h.oauthError(w, r, err)
		return
	}
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, tok)
}

// revoke is RFC 7009's endpoint: 200 for any token of the client's,
// known or not.
func (h *Handler) revoke(w http.ResponseWriter, r *http.Request) {
	c, err := h.client(r)
	if err != nil {
		h.oauthError(w, r, err)
		return
	}
	if r.PostForm.Get("token") == "" {
		h.oauthError(w, r, &obapi.Error{Code: obapi.CodeInvalidRequest, Description: "token is required"})
		return
	}
	if err := h.Service.Revoke(r.Context(), c, r.PostForm.Get("token")); err != nil {
		h.oauthError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

// resourceFunc serves a resource endpoint for the learner of a grant.
type resourceFunc func(w http.ResponseWriter, r *http.Request, l issuer.Learner, a *obapi.Access) error

// bearer checks the request's access token and scope (RFC 6750), finds
// the learner of its grant and calls f; errors go out as Imsx_StatusInfo.
func (h *Handler) bearer(scope string, f resourceFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="badged", scope="`+scope+`"`)
			writeStatus(w, http.StatusUnauthorized, "unauthorizedrequest", "an access token is required (Authorization: Bearer)")
			return
		}
		a, err := h.Service.Authenticate(r.Context(), strings.TrimSpace(token))
		if e, ok := obapi.ErrorOf(err); ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="badged", error="`+e.Code+`", error_description="`+e.Description+`"`)
			writeStatus(w, http.StatusUnauthorized, "unauthorizedrequest", e.Description)
			return
		} else if err != nil {
			h.resourceError(w, r, err)
			return
		}
		if !a.Allows(scope) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="badged", error="insufficient_scope", scope="`+scope+`"`)
			writeStatus(w, http.StatusForbidden, "forbidden", "the access token lacks the scope "+scope)
			return
		}
		if h.Wallet == nil {
			h.resourceError(w, r, badged.Errorf(badged.Unavailable, "the backpack is not available on this server"))
			return
		}
		l, err := h.Wallet.Learner(r.Context(), issuer.Learner{UserID: a.Grant.UserID})
		if err == nil {
			err = f(w, r, l, a)
		}
		if err != nil {
			h.resourceError(w, r, err)
		}
	}
}

// StatusInfo is the specification's Imsx_StatusInfo.
type StatusInfo struct {
	CodeMajor   string     `json:"imsx_codeMajor"`
	Severity    string     `json:"imsx_severity"`
	Description string     `json:"imsx_description,omitempty"`
	CodeMinor   *CodeMinor `json:"imsx_codeMinor,omitempty"`
}

// CodeMinor is Imsx_CodeMinor.
type CodeMinor struct {
	Fields []CodeMinorField `json:"imsx_codeMinorField"`
}

// CodeMinorField is Imsx_CodeMinorField.
type CodeMinorField struct {
	Name  string `json:"imsx_codeMinorFieldName"`
	Value string `json:"imsx_codeMinorFieldValue"`
}

func writeStatus(w http.ResponseWriter, status int, minor, description string) {
	writeJSON(w, status, StatusInfo{CodeMajor: "failure", Severity: "error", Description: description,
		CodeMinor: &CodeMinor{Fields: []CodeMinorField{{Name: "TargetEndSystem", Value: minor}}}})
}

// codeMinorOf is the Imsx_CodeMinorFieldValue of each kind of error.
var codeMinorOf = map[badged.Kind]string{
	badged.Invalid:      "invalid_data",
	badged.NotFound:     "unknownobject",
	badged.Conflict:     "invalid_data",
	badged.Unauthorized: "unauthorizedrequest",
	badged.Forbidden:    "forbidden",
	badged.TooLarge:     "invalid_data",
	badged.Unavailable:  "server_busy",
	badged.Internal:     "internal_server_error",
}

// resourceError answers err as Imsx_StatusInfo, with the status of its
// kind (render.Status); only Internal errors are logged.
func (h *Handler) resourceError(w http.ResponseWriter, r *http.Request, err error) {
	kind := badged.KindOf(err)
	if kind == badged.Internal && h.Log != nil {
		h.Log.Error("internal error", "method", r.Method, "path", r.URL.Path, "request_id", request.ID(r.Context()), "err", err)
	}
	minor, ok := codeMinorOf[kind]
	if !ok {
		minor = "internal_server_error"
	}
	writeStatus(w, render.Status(kind), minor, badged.MessageOf(err))
}

// readBody reads at most max bytes of r's body: TooLarge beyond.
func readBody(r *http.Request, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, max+1))
	if _, over := request.OverLimit(err); over || int64(len(b)) > max {
		return nil, badged.Errorf(badged.TooLarge, "the body is larger than %d bytes", max)
	}
	if err != nil {
		return nil, badged.Wrap(badged.Invalid, err, "the body cannot be read")
	}
	return b, nil
}
