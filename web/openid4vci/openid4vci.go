// Package openid4vci serves badged's OpenID4VCI 1.0 issuer endpoints: the
// two metadata documents, credential offers by reference (and as QR
// codes), and the token (pre-authorized and authorization code grants),
// nonce and credential endpoints. The protocol lives in package
// [github.com/badged/badged/openid4vci]; this package only speaks HTTP.
package openid4vci

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"github.com/badged/badged/openid4vci"
	"github.com/badged/badged/web/render"
	"github.com/go-chi/chi/v5"
	qrcode "github.com/skip2/go-qrcode"
)

// Handler answers the OpenID4VCI endpoints.
type Handler struct {
	Service *openid4vci.Service
	Issuer  openid4vci.Issuer
	Log     *slog.Logger
}

// Routes registers the endpoints on r, at the root of the credential
// issuer identifier. Who may ask: anyone with the offer reference (which
// carries the pre-authorized code), or the wallet with the authorization
// code the learner consented to (package consent serves the
// authorization endpoint), then the holder of the access token.
func (h *Handler) Routes(r chi.Router) {
	r.Get("/.well-known/openid-credential-issuer", h.metadata)
	r.Get("/.well-known/oauth-authorization-server", h.authorizationServer)
	r.Get(openid4vci.PathOffers+"{ref}", h.offer)
	r.Get(openid4vci.PathOffers+"{ref}/qr.png", h.offerQR)
	r.Post(openid4vci.PathToken, h.token)
	r.Post(openid4vci.PathNonce, h.nonce)
	r.Post(openid4vci.PathCredential, h.credential)
}

func (h *Handler) metadata(w http.ResponseWriter, r *http.Request) {
	render.JSON(w, http.StatusOK, h.Service.Metadata())
}

func (h *Handler) authorizationServer(w http.ResponseWriter, r *http.Request) {
	render.JSON(w, http.StatusOK, h.Service.AuthorizationServerMetadata())
}

func (h *Handler) offer(w http.ResponseWriter, r *http.Request) {
	doc, err := h.Service.OfferDocument(r.Context(), chi.URLParam(r, "ref"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	render.JSON(w, http.StatusOK, doc)
}

// offerQR shows the offer's openid-credential-offer:// URI as a QR code,
// for the backpack and staff pages. It reveals nothing the URL does not.
func (h *Handler) offerQR(w http.ResponseWriter, r *http.Request) {
	ref := chi.URLParam(r, "ref")
	if _, err := h.Service.OfferDocument(r.Context(), ref); err != nil {
		h.fail(w, r, err)
		return
	}
	png, err := qrcode.Encode(h.Service.OfferURI(ref), qrcode.Medium, 320)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(png)
}

func (h *Handler) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, &openid4vci.Error{Code: openid4vci.CodeInvalidRequest, Description: "the body must be form-encoded", Err: err})
		return
	}
	var tok *openid4vci.Token
	var err error
	switch f := r.PostForm; f.Get("grant_type") {
	case openid4vci.GrantPreAuthorized:
		tok, err = h.Service.Redeem(r.Context(), f.Get("pre-authorized_code"), f.Get("tx_code"))
	case openid4vci.GrantAuthorizationCode:
		tok, err = h.Service.Exchange(r.Context(), f.Get("code"), f.Get("client_id"), f.Get("redirect_uri"), f.Get("code_verifier"))
	default:
		err = &openid4vci.Error{Code: openid4vci.CodeUnsupportedGrant, Description: "grant_type must be " +
			openid4vci.GrantPreAuthorized + " or " + openid4vci.GrantAuthorizationCode}
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	render.JSON(w, http.StatusOK, map[string]any{"access_token": tok.AccessToken, "token_type": "Bearer", "expires_in": tok.ExpiresIn})
}

func (h *Handler) nonce(w http.ResponseWriter, r *http.Request) {
	n, err := h.Service.Nonce(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	render.JSON(w, http.StatusOK, map[string]any{"c_nonce": n})
}

// credentialRequest is the body of a credential request: proofs (1.0) or
// the single proof of earlier drafts.
type credentialRequest struct {
	ConfigurationID string `json:"credential_configuration_id"`
	Proofs          *struct {
		JWT []string `json:"jwt"`
	} `json:"proofs"`
	Proof *struct {
		ProofType string `json:"proof_type"`
		JWT       string `json:"jwt"`
	} `json:"proof"`
}

func (h *Handler) credential(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		h.fail(w, r, &openid4vci.Error{Code: openid4vci.CodeInvalidToken, Description: "a Bearer access token is required"})
		return
	}
	var body credentialRequest
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		h.fail(w, r, &openid4vci.Error{Code: openid4vci.CodeCredentialRequest, Description: "the body must be a JSON credential request", Err: err})
		return
	}
	req := openid4vci.Request{AccessToken: token, ConfigurationID: body.ConfigurationID}
	switch {
	case body.Proofs != nil && body.Proof != nil:
		h.fail(w, r, &openid4vci.Error{Code: openid4vci.CodeCredentialRequest, Description: "give proofs or proof, not both"})
		return
	case body.Proofs != nil:
		req.Proofs = body.Proofs.JWT
	case body.Proof != nil && body.Proof.ProofType == "jwt":
		req.Proofs = []string{body.Proof.JWT}
	}
	creds, err := h.Service.Credentials(r.Context(), h.Issuer, req)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]any, len(creds))
	for i, c := range creds {
		out[i] = map[string]any{"credential": c}
	}
	w.Header().Set("Cache-Control", "no-store")
	render.JSON(w, http.StatusOK, map[string]any{"credentials": out})
}

// fail writes err as the protocol's JSON error object (see
// [render.OAuthFail]).
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	render.OAuthFail(w, r, h.Log, "issuer", err)
}
