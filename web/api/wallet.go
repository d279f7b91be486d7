package api

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/verifier"
	"github.com/badged/badged/wallet"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

// registerWalletRoutes adds the learner's backpack under /api/v1/me: the
// caller's own holdings, shares, presentations, imports, collections and
// account. Every route acts for the signed-in person only; a system
// client gets 403, and another learner's records are 404.
func (h *Handler) registerWalletRoutes(r chi.Router) {
	r.Get("/me/wallet", h.handle(h.handleWalletDID))
	r.Get("/me/holdings", h.handle(h.handleHoldings))
	r.Get("/me/holdings/{holdingID}", h.handle(h.handleHolding))
	r.Put("/me/holdings/{holdingID}/share", h.handle(h.handleShare))
	r.Get("/me/holdings/{holdingID}/qr.png", h.handle(h.handleQR))
	r.Get("/me/holdings/{holdingID}/qr.svg", h.handle(h.handleQR))
	r.Get("/me/holdings/{holdingID}/linkedin", h.handle(h.handleLinkedIn))
	r.Get("/me/holdings/{holdingID}/download/{format}", h.handle(h.handleDownload))
	r.Post("/me/holdings/{holdingID}/offer", h.handle(h.handleOffer))
	r.Get("/me/presentations", h.handle(h.handlePresentations))
	r.Post("/me/presentations", h.handle(h.handleCreatePresentation))
	r.Delete("/me/presentations/{presentationID}", h.handle(h.handleDeletePresentation))
	r.Post("/me/imports", h.handle(h.handleImport))
	r.Delete("/me/imports/{importID}", h.handle(h.handleDeleteImport))
	r.Get("/me/collections", h.handle(h.handleCollections))
	r.Post("/me/collections", h.handle(h.handleSaveCollection))
	r.Get("/me/collections/{collectionID}", h.handle(h.handleCollection))
	r.Put("/me/collections/{collectionID}", h.handle(h.handleSaveCollection))
	r.Delete("/me/collections/{collectionID}", h.handle(h.handleDeleteCollection))
	r.Get("/me/export", h.handle(h.handleExport))
	r.Get("/me/account", h.handle(h.handleAccount))
	r.Delete("/me/account", h.handle(h.handleDeleteAccount))
}

// WalletLearner returns the signed-in person of the request as the
// wallet's learner: Unavailable without a wallet, Forbidden for a system
// client or nobody, else the wallet's errors.
func (h *Handler) WalletLearner(r *http.Request) (issuer.Learner, error) {
	if h.Wallet == nil {
		return issuer.Learner{}, badged.Errorf(badged.Unavailable, "the backpack is not available on this server")
	}
	p := request.Principal(r)
	if p == nil || p.System() {
		return issuer.Learner{}, badged.Errorf(badged.Forbidden, "the backpack is for people signed in, not for systems")
	}
	l := issuer.Learner{UserID: p.User.ID}
	if p.User.Email != "" {
		l.Emails = []string{p.User.Email}
	}
	return h.Wallet.Learner(r.Context(), l)
}

// Holding is the JSON form of a credential in a learner's backpack.
type Holding struct {
	ID           string           `json:"id"`
	Source       string           `json:"source"`
	AwardID      string           `json:"awardId,omitempty"`
	CredentialID string           `json:"credentialId,omitempty"`
	Format       string           `json:"format"`
	State        string           `json:"state"`
	RevokeReason string           `json:"revokeReason,omitempty"` // the issuer's, for a revoked credential of this platform
	Summary      wallet.Summary   `json:"summary"`
	Public       bool             `json:"public"`
	ShareURL     string           `json:"shareUrl,omitempty"`
	Verification *verifier.Result `json:"verification,omitempty"`
	Credential   json.RawMessage  `json:"credential,omitempty"` // detail only
	JWT          string           `json:"jwt,omitempty"`        // detail only
}

func (h *Handler) holdingView(hd *wallet.Holding, detail bool) Holding {
	v := Holding{ID: hd.ID, Source: hd.Source, AwardID: hd.AwardID, CredentialID: hd.CredentialID, Format: hd.Format,
		State: hd.State, RevokeReason: hd.RevokeReason, Summary: hd.Summary}
	if hd.Share != nil && hd.Share.Public {
		v.Public, v.ShareURL = true, h.Wallet.ShareURL(hd.Share.ID)
	}
	if !detail {
		if hd.Verification != nil {
			v.Verification = &verifier.Result{Verified: hd.Verification.Verified, Verdict: hd.Verification.Verdict,
				Status: hd.Verification.Status, StatusFetched: hd.Verification.StatusFetched, Checks: hd.Verification.Checks}
		}
		return v
	}
	v.Verification = hd.Verification
	if hd.Format == wallet.FormatJSON {
		v.Credential = json.RawMessage(hd.Credential)
	} else {
		v.JWT = string(hd.Credential)
	}
	return v
}

func (h *Handler) handleWalletDID(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	id, err := h.Wallet.HolderDID(r.Context(), l.UserID)
	if err != nil {
		return err
	}
	render.JSON(w, http.StatusOK, map[string]string{"did": id})
	return nil
}

func (h *Handler) handleHoldings(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	hs, err := h.Wallet.Holdings(r.Context(), l, wallet.Filter{Issuer: q.Get("issuer"), State: q.Get("state"), Text: q.Get("q"), Tag: q.Get("tag")})
	if err != nil {
		return err
	}
	out := make([]Holding, 0, len(hs))
	for _, hd := range hs {
		out = append(out, h.holdingView(hd, false))
	}
	render.JSON(w, http.StatusOK, map[string]any{"holdings": out})
	return nil
}

func (h *Handler) handleHolding(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	hd, err := h.Wallet.Holding(r.Context(), l, chi.URLParam(r, "holdingID"))
	if err != nil {
		return err
	}
	render.JSON(w, http.StatusOK, h.holdingView(hd, true))
	return nil
}

// Share is whether a holding is public, and its link.
type Share struct {
	Public   bool   `json:"public"`
	ShareID  string `json:"shareId,omitempty"`
	ShareURL string `json:"shareUrl,omitempty"`
}

func (h *Handler) handleShare(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	var body struct {
		Public *bool `json:"public"`
	}
	if err := decode(r, "share", &body); err != nil {
		return err
	}
	if body.Public == nil {
		return badged.InvalidFields("share", badged.FieldError{Field: "public", Message: "required: true or false"})
	}
	sh, err := h.Wallet.SetPublic(r.Context(), l, chi.URLParam(r, "holdingID"), *body.Public)
	if err != nil {
		return err
	}
	out := Share{Public: sh.Public}
	if sh.Public {
		out.ShareID, out.ShareURL = sh.ID, h.Wallet.ShareURL(sh.ID)
	}
	render.JSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) handleQR(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	svg := len(r.URL.Path) > 4 && r.URL.Path[len(r.URL.Path)-4:] == ".svg"
	b, err := h.Wallet.ShareQR(r.Context(), l, chi.URLParam(r, "holdingID"), svg)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", map[bool]string{true: "image/svg+xml", false: "image/png"}[svg])
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(b)
	return nil
}

func (h *Handler) handleLinkedIn(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	u, err := h.Wallet.LinkedInURL(r.Context(), l, chi.URLParam(r, "holdingID"))
	if err != nil {
		return err
	}
	render.JSON(w, http.StatusOK, map[string]string{"url": u})
	return nil
}

func (h *Handler) handleDownload(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	format := chi.URLParam(r, "format")
	b, ct, err := h.Wallet.Download(r.Context(), l, chi.URLParam(r, "holdingID"), format)
	if err != nil {
		return err
	}
	ext := map[string]string{wallet.DownloadJSON: "json", wallet.DownloadJWT: "jwt", wallet.DownloadPNG: "png", wallet.DownloadSVG: "svg"}[format]
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", `attachment; filename="credential.`+ext+`"`)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(b)
	return nil
}

// Presentation is the JSON form of a learner's presentation.
type Presentation struct {
	ID         string          `json:"id"`
	URL        string          `json:"url"`
	HoldingIDs []string        `json:"holdingIds"`
	Challenge  string          `json:"challenge"`
	Domain     string          `json:"domain,omitempty"`
	Created    time.Time       `json:"created"`
	Expires    time.Time       `json:"expires"`
	JSON       json.RawMessage `json:"presentation"`
}

func (h *Handler) presentationView(p *wallet.Presentation) Presentation {
	return Presentation{ID: p.ID, URL: h.Wallet.PresentationURL(p.ID), HoldingIDs: p.HoldingIDs, Challenge: p.Challenge,
		Domain: p.Domain, Created: p.Created, Expires: p.Expires, JSON: json.RawMessage(p.JSON)}
}

func (h *Handler) handlePresentations(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	ps, err := h.Wallet.Presentations(r.Context(), l)
	if err != nil {
		return err
	}
	render.JSON(w, http.StatusOK, map[string]any{"presentations": mapSlice(ps, h.presentationView)})
	return nil
}

func (h *Handler) handleCreatePresentation(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	var body struct {
		HoldingIDs []string `json:"holdingIds"`
		Challenge  string   `json:"challenge"`
		Domain     string   `json:"domain"`
		TTLSeconds int64    `json:"ttlSeconds"`
	}
	if err := decode(r, "presentation", &body); err != nil {
		return err
	}
	p, err := h.Wallet.CreatePresentation(r.Context(), l, wallet.PresentationRequest{HoldingIDs: body.HoldingIDs,
		Challenge: body.Challenge, Domain: body.Domain, TTL: time.Duration(body.TTLSeconds) * time.Second})
	if err != nil {
		return err
	}
	created(w, "/api/v1/me/presentations/"+p.ID, h.presentationView(p))
	return nil
}

func (h *Handler) handleDeletePresentation(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	if err := h.Wallet.DeletePresentation(r.Context(), l, chi.URLParam(r, "presentationID")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleImport imports one credential, given as exactly one of: credential
// (a JSON object, or a JWT as a string), image (a baked PNG or SVG,
// base64) or url (https, fetched through the egress policy).
func (h *Handler) handleImport(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	var body struct {
		Credential json.RawMessage `json:"credential"`
		Image      string          `json:"image"`
		URL        string          `json:"url"`
	}
	if err := decode(r, "import", &body); err != nil {
		return err
	}
	var hd *wallet.Holding
	switch {
	case len(body.Credential) > 0 && body.Image == "" && body.URL == "":
		input := []byte(body.Credential)
		var jwt string
		if json.Unmarshal(body.Credential, &jwt) == nil {
			input = []byte(jwt)
		}
		hd, err = h.Wallet.Import(r.Context(), l, input)
	case body.Image != "" && len(body.Credential) == 0 && body.URL == "":
		img, derr := base64.StdEncoding.DecodeString(body.Image)
		if derr != nil {
			return badged.InvalidFields("import", badged.FieldError{Field: "image", Message: "must be base64"})
		}
		hd, err = h.Wallet.Import(r.Context(), l, img)
	case body.URL != "" && len(body.Credential) == 0 && body.Image == "":
		hd, err = h.Wallet.ImportURL(r.Context(), l, body.URL)
	default:
		err = badged.InvalidFields("import", badged.FieldError{Field: "body", Message: "give exactly one of credential, image and url"})
	}
	if err != nil {
		return err
	}
	created(w, "/api/v1/me/holdings/"+hd.ID, h.holdingView(hd, true))
	return nil
}

func (h *Handler) handleDeleteImport(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	if err := h.Wallet.DeleteImport(r.Context(), l, chi.URLParam(r, "importID")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// Collection is the JSON form of a learner's collection of holdings.
type Collection struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	HoldingIDs []string  `json:"holdingIds"`
	Created    time.Time `json:"created"`
	Updated    time.Time `json:"updated"`
}

func collectionView(c *wallet.Collection) Collection {
	ids := c.HoldingIDs
	if ids == nil {
		ids = []string{}
	}
	return Collection{ID: c.ID, Name: c.Name, HoldingIDs: ids, Created: c.Created, Updated: c.Updated}
}

func (h *Handler) handleCollections(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	cs, err := h.Wallet.Collections(r.Context(), l)
	if err != nil {
		return err
	}
	render.JSON(w, http.StatusOK, map[string]any{"collections": mapSlice(cs, collectionView)})
	return nil
}

func (h *Handler) handleCollection(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	c, err := h.Wallet.Collection(r.Context(), l, chi.URLParam(r, "collectionID"))
	if err != nil {
		return err
	}
	render.JSON(w, http.StatusOK, collectionView(c))
	return nil
}

func (h *Handler) handleSaveCollection(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	var body struct {
		Name       string   `json:"name"`
		HoldingIDs []string `json:"holdingIds"`
	}
	if err := decode(r, "collection", &body); err != nil {
		return err
	}
	id := chi.URLParam(r, "collectionID")
	c, err := h.Wallet.SaveCollection(r.Context(), l, wallet.Collection{ID: id, Name: body.Name, HoldingIDs: body.HoldingIDs})
	if err != nil {
		return err
	}
	if id == "" {
		created(w, "/api/v1/me/collections/"+c.ID, collectionView(c))
		return nil
	}
	render.JSON(w, http.StatusOK, collectionView(c))
	return nil
}

func (h *Handler) handleDeleteCollection(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	if err := h.Wallet.DeleteCollection(r.Context(), l, chi.URLParam(r, "collectionID")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) handleExport(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	b, err := h.Wallet.Export(r.Context(), l)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="badged-export.zip"`)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(b)
	return nil
}

// handleAccount tells what the account holds publicly and what deleting
// it means.
func (h *Handler) handleAccount(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	hs, err := h.Wallet.Holdings(r.Context(), l, wallet.Filter{})
	if err != nil {
		return err
	}
	public := []string{}
	for _, hd := range hs {
		if hd.Share != nil && hd.Share.Public {
			public = append(public, h.Wallet.ShareURL(hd.Share.ID))
		}
	}
	render.JSON(w, http.StatusOK, map[string]any{"userId": l.UserID, "name": l.Name, "emails": l.Emails, "eduId": l.EduID,
		"eppns": l.EPPNs, "walletDid": l.HolderDID, "public": public, "deletionNotice": wallet.DeletionNotice()})
	return nil
}

func (h *Handler) handleDeleteAccount(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	if request.Principal(r).User.Superuser {
		return badged.Errorf(badged.Forbidden, "a platform administrator's account cannot be deleted here")
	}
	if err := h.Wallet.DeleteAccount(r.Context(), l); err != nil {
		return err
	}
	http.SetCookie(w, request.NewSessionCookie("", time.Time{}, h.SecureCookies))
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// PublicShare is a public credential and its live verification.
type PublicShare struct {
	URL          string           `json:"url"`
	State        string           `json:"state"`
	RevokeReason string           `json:"revokeReason,omitempty"` // the issuer's, for a revoked credential of this platform
	Summary      wallet.Summary   `json:"summary"`
	Verification *verifier.Result `json:"verification"`
	Credential   json.RawMessage  `json:"credential,omitempty"`
	JWT          string           `json:"jwt,omitempty"`
}

// HandlePublicShare sends a public credential and its live verification
// (GET /s/{shareID} for all but a browser, which web gives a page); a
// private or unknown share is 404 alike.
func (h *Handler) HandlePublicShare(w http.ResponseWriter, r *http.Request) error {
	p, err := h.Wallet.PublicShare(r.Context(), chi.URLParam(r, "shareID"))
	if err != nil {
		return err
	}
	out := PublicShare{URL: p.URL, State: p.State, Summary: p.Summary, Verification: p.Verification}
	if p.Format == wallet.FormatJSON {
		out.Credential = json.RawMessage(p.Credential)
	} else {
		out.JWT = string(p.Credential)
	}
	w.Header().Set("Cache-Control", "no-store")
	render.JSON(w, http.StatusOK, out)
	return nil
}

// HandlePublicPresentation sends a shared presentation and its
// verification against its own challenge and domain (GET /p/{presentationID}
// for all but a browser, which web gives a page).
func (h *Handler) HandlePublicPresentation(w http.ResponseWriter, r *http.Request) error {
	if h.Wallet == nil {
		return badged.Errorf(badged.NotFound, "no such presentation")
	}
	p, res, err := h.Wallet.PublicPresentation(r.Context(), chi.URLParam(r, "presentationID"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	render.JSON(w, http.StatusOK, map[string]any{"presentation": json.RawMessage(p.JSON), "challenge": p.Challenge,
		"domain": p.Domain, "expires": p.Expires, "verification": res})
	return nil
}
