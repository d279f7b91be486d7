// Package openid4vp serves badged's OpenID4VP 1.0 verifier endpoints: the
// verifier's did:web document, the signed request objects wallets fetch
// by reference, and the response endpoint they post to (direct_post). The
// protocol lives in package [github.com/badged/badged/openid4vp]; this
// package only speaks HTTP. The employer's page is web/page/ask.
package openid4vp

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/badged/badged/openid4vp"
	"github.com/badged/badged/web/render"
	"github.com/go-chi/chi/v5"
)

// Handler answers the OpenID4VP endpoints.
type Handler struct {
	Service *openid4vp.Service
	Log     *slog.Logger
}

// maxResponseBody bounds a wallet's response (form-encoded vp_token).
const maxResponseBody = 1 << 20

// Routes registers the endpoints on r. Who may ask: anyone for the DID
// document; whoever holds a request reference (the wallet the QR code
// was shown to) for its request object and its one response.
func (h *Handler) Routes(r chi.Router) {
	r.Get(openid4vp.PathDID, h.didDocument)
	r.Get(openid4vp.PathRequest+"{ref}", h.requestObject)
	r.Post(openid4vp.PathResponse+"{ref}", h.response)
}

func (h *Handler) didDocument(w http.ResponseWriter, r *http.Request) {
	doc, err := h.Service.DIDDocument()
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/did+json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	json.NewEncoder(w).Encode(doc)
}

// requestObject serves the signed request object. Wallets send a
// Content-Type even on this GET; it is ignored.
func (h *Handler) requestObject(w http.ResponseWriter, r *http.Request) {
	jwt, err := h.Service.RequestObject(r.Context(), chi.URLParam(r, "ref"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/oauth-authz-req+jwt")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte(jwt))
}

// response takes the wallet's direct_post: 200 with an empty JSON object
// when the presentation is accepted (or the wallet's error response
// recorded), 400 with the protocol's error object when it is refused.
func (h *Handler) response(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxResponseBody)
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, &openid4vp.Error{Code: openid4vp.CodeInvalidRequest, Description: "the body must be form-encoded (application/x-www-form-urlencoded)", Err: err})
		return
	}
	f := r.PostForm
	_, err := h.Service.Respond(r.Context(), chi.URLParam(r, "ref"), openid4vp.Response{
		VPToken: f.Get("vp_token"), State: f.Get("state"), Error: f.Get("error"), ErrorDescription: f.Get("error_description")})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	render.JSON(w, http.StatusOK, map[string]any{})
}

// fail writes err as the protocol's JSON error object (see
// [render.OAuthFail]).
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	render.OAuthFail(w, r, h.Log, "verifier", err)
}
