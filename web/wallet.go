package web

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
)

// registerWalletRoutes adds the learner's backpack under /api/v1/me: the
// caller's own holdings, shares, presentations, imports, collections and
// account. Every route acts for the signed-in person only; a system
// client gets 403, and another learner's records are 404.
func (s *Server) registerWalletRoutes(r chi.Router) {
	r.Get("/me/wallet", s.handleWalletDID)
	r.Get("/me/holdings", s.handleHoldings)
	r.Get("/me/holdings/{holdingID}", s.handleHolding)
	r.Put("/me/holdings/{holdingID}/share", s.handleShare)
	r.Get("/me/holdings/{holdingID}/qr.png", s.handleQR)
	r.Get("/me/holdings/{holdingID}/qr.svg", s.handleQR)
	r.Get("/me/holdings/{holdingID}/linkedin", s.handleLinkedIn)
	r.Get("/me/holdings/{holdingID}/download/{format}", s.handleDownload)
	r.Post("/me/holdings/{holdingID}/offer", s.handleOffer)
	r.Get("/me/presentations", s.handlePresentations)
	r.Post("/me/presentations", s.handleCreatePresentation)
	r.Delete("/me/presentations/{presentationID}", s.handleDeletePresentation)
	r.Post("/me/imports", s.handleImport)
	r.Delete("/me/imports/{importID}", s.handleDeleteImport)
	r.Get("/me/collections", s.handleCollections)
	r.Post("/me/collections", s.handleSaveCollection)
	r.Get("/me/collections/{collectionID}", s.handleCollection)
	r.Put("/me/collections/{collectionID}", s.handleSaveCollection)
	r.Delete("/me/collections/{collectionID}", s.handleDeleteCollection)
	r.Get("/me/export", s.handleExport)
	r.Get("/me/account", s.handleAccount)
	r.Delete("/me/account", s.handleDeleteAccount)
}

// registerWalletPublicRoutes adds what anyone may open: a public share and
// a shared presentation, as JSON or, for a browser, as a page.
func (s *Server) registerWalletPublicRoutes(r chi.Router) {
	r.Get("/s/{shareID}", s.handlePublicShare)
	r.Get("/p/{presentationID}", s.handlePublicPresentation)
}

// learner returns the wallet's learner of the request: the signed-in
// person, never a system client. It answers the errors itself.
func (s *Server) learner(w http.ResponseWriter, r *http.Request) (issuer.Learner, bool) {
	l, err := s.walletLearner(r)
	if err != nil {
		s.writeError(w, r, err)
		return issuer.Learner{}, false
	}
	return l, true
}

// walletLearner returns the signed-in person of the request as the
// wallet's learner: Unavailable without a wallet, Forbidden for a system
// client or nobody, else the wallet's errors.
func (s *Server) walletLearner(r *http.Request) (issuer.Learner, error) {
	if s.Wallet == nil {
		return issuer.Learner{}, badged.Errorf(badged.Unavailable, "the backpack is not available on this server")
	}
	p := principal(r)
	if p == nil || p.System() {
		return issuer.Learner{}, badged.Errorf(badged.Forbidden, "the backpack is for people signed in, not for systems")
	}
	l := issuer.Learner{UserID: p.User.ID}
	if p.User.Email != "" {
		l.Emails = []string{p.User.Email}
	}
	return s.Wallet.Learner(r.Context(), l)
}

type holdingJSON struct {
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

func (s *Server) holdingView(h *wallet.Holding, detail bool) holdingJSON {
	v := holdingJSON{ID: h.ID, Source: h.Source, AwardID: h.AwardID, CredentialID: h.CredentialID, Format: h.Format,
		State: h.State, RevokeReason: h.RevokeReason, Summary: h.Summary}
	if h.Share != nil && h.Share.Public {
		v.Public, v.ShareURL = true, s.Wallet.ShareURL(h.Share.ID)
	}
	if !detail {
		if h.Verification != nil {
			v.Verification = &verifier.Result{Verified: h.Verification.Verified, Verdict: h.Verification.Verdict,
				Status: h.Verification.Status, StatusFetched: h.Verification.StatusFetched, Checks: h.Verification.Checks}
		}
		return v
	}
	v.Verification = h.Verification
	if h.Format == wallet.FormatJSON {
		v.Credential = json.RawMessage(h.Credential)
	} else {
		v.JWT = string(h.Credential)
	}
	return v
}

func (s *Server) handleWalletDID(w http.ResponseWriter, r *http.Request) {
	l, ok := s.learner(w, r)
	if !ok {
		return
	}
	id, err := s.Wallet.HolderDID(r.Context(), l.UserID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"did": id})
}

func (s *Server) handleHoldings(w http.ResponseWriter, r *http.Request) {
	l, ok := s.learner(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	hs, err := s.Wallet.Holdings(r.Context(), l, wallet.Filter{Issuer: q.Get("issuer"), State: q.Get("state"), Text: q.Get("q"), Tag: q.Get("tag")})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]holdingJSON, 0, len(hs))
	for _, h := range hs {
		out = append(out, s.holdingView(h, false))
	}
	writeJSON(w, http.StatusOK, map[string]any{"holdings": out})
}

func (s *Server) handleHolding(w http.ResponseWriter, r *http.Request) {
	l, ok := s.learner(w, r)
	if !ok {
		return
	}
	h, err := s.Wallet.Holding(r.Context(), l, chi.URLParam(r, "holdingID"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.holdingView(h, true))
}

type shareJSON struct {
	Public   bool   `json:"public"`
	ShareID  string `json:"shareId,omitempty"`
	ShareURL string `json:"shareUrl,omitempty"`
}

func (s *Server) handleShare(w http.ResponseWriter, r *http.Request) {
	l, ok := s.learner(w, r)
	if !ok {
		return
	}
	var body struct {
		Public *bool `json:"public"`
	}
	if err := decode(r, "share", &body); err != nil {
		s.writeError(w, r, err)
		return
	}
	if body.Public == nil {
		s.writeError(w, r, invalidFields("share", FieldProblem{"public", "required: true or false"}))
		return
	}
	sh, err := s.Wallet.SetPublic(r.Context(), l, chi.URLParam(r, "holdingID"), *body.Public)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := shareJSON{Public: sh.Public}
	if sh.Public {
		out.ShareID, out.ShareURL = sh.ID, s.Wallet.ShareURL(sh.ID)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleQR(w http.ResponseWriter, r *http.Request) {
	l, ok := s.learner(w, r)
	if !ok {
		return
	}
	svg := len(r.URL.Path) > 4 && r.URL.Path[len(r.URL.Path)-4:] == ".svg"
	b, err := s.Wallet.ShareQR(r.Context(), l, chi.URLParam(r, "holdingID"), svg)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", map[bool]string{true: "image/svg+xml", false: "image/png"}[svg])
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(b)
}

func (s *Server) handleLinkedIn(w http.ResponseWriter, r *http.Request) {
	l, ok := s.learner(w, r)
	if !ok {
		return
	}
	u, err := s.Wallet.LinkedInURL(r.Context(), l, chi.URLParam(r, "holdingID"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"url": u})
}

func (s *Server) handleDownload(w http.ResponseWriter, r *http.Request) {
	l, ok := s.learner(w, r)
	if !ok {
		return
	}
	format := chi.URLParam(r, "format")
	b, ct, err := s.Wallet.Download(r.Context(), l, chi.URLParam(r, "holdingID"), format)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ext := map[string]string{wallet.DownloadJSON: "json", wallet.DownloadJWT: "jwt", wallet.DownloadPNG: "png", wallet.DownloadSVG: "svg"}[format]
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", `attachment; filename="credential.`+ext+`"`)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(b)
}

type presentationJSON struct {
	ID         string          `json:"id"`
	URL        string          `json:"url"`
	HoldingIDs []string        `json:"holdingIds"`
	Challenge  string          `json:"challenge"`
	Domain     string          `json:"domain,omitempty"`
	Created    time.Time       `json:"created"`
	Expires    time.Time       `json:"expires"`
	JSON       json.RawMessage `json:"presentation"`
}

func (s *Server) presentationView(p *wallet.Presentation) presentationJSON {
	return presentationJSON{ID: p.ID, URL: s.Wallet.PresentationURL(p.ID), HoldingIDs: p.HoldingIDs, Challenge: p.Challenge,
		Domain: p.Domain, Created: p.Created, Expires: p.Expires, JSON: json.RawMessage(p.JSON)}
}

func (s *Server) handlePresentations(w http.ResponseWriter, r *http.Request) {
	l, ok := s.learner(w, r)
	if !ok {
		return
	}
	ps, err := s.Wallet.Presentations(r.Context(), l)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"presentations": mapSlice(ps, s.presentationView)})
}

func (s *Server) handleCreatePresentation(w http.ResponseWriter, r *http.Request) {
	l, ok := s.learner(w, r)
	if !ok {
		return
	}
	var body struct {
		HoldingIDs []string `json:"holdingIds"`
		Challenge  string   `json:"challenge"`
		Domain     string   `json:"domain"`
		TTLSeconds int64    `json:"ttlSeconds"`
	}
	if err := decode(r, "presentation", &body); err != nil {
		s.writeError(w, r, err)
		return
	}
	p, err := s.Wallet.CreatePresentation(r.Context(), l, wallet.PresentationRequest{HoldingIDs: body.HoldingIDs,
		Challenge: body.Challenge, Domain: body.Domain, TTL: time.Duration(body.TTLSeconds) * time.Second})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	created(w, "/api/v1/me/presentations/"+p.ID, s.presentationView(p))
}

func (s *Server) handleDeletePresentation(w http.ResponseWriter, r *http.Request) {
	l, ok := s.learner(w, r)
	if !ok {
		return
	}
	if err := s.Wallet.DeletePresentation(r.Context(), l, chi.URLParam(r, "presentationID")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleImport imports one credential, given as exactly one of: credential
// (a JSON object, or a JWT as a string), image (a baked PNG or SVG,
// base64) or url (https, fetched through the egress policy).
func (s *Server) handleImport(w http.ResponseWriter, r *http.Request) {
	l, ok := s.learner(w, r)
	if !ok {
		return
	}
	var body struct {
		Credential json.RawMessage `json:"credential"`
		Image      string          `json:"image"`
		URL        string          `json:"url"`
	}
	if err := decode(r, "import", &body); err != nil {
		s.writeError(w, r, err)
		return
	}
	var (
		h   *wallet.Holding
		err error
	)
	switch {
	case len(body.Credential) > 0 && body.Image == "" && body.URL == "":
		input := []byte(body.Credential)
		var jwt string
		if json.Unmarshal(body.Credential, &jwt) == nil {
			input = []byte(jwt)
		}
		h, err = s.Wallet.Import(r.Context(), l, input)
	case body.Image != "" && len(body.Credential) == 0 && body.URL == "":
		img, derr := base64.StdEncoding.DecodeString(body.Image)
		if derr != nil {
			s.writeError(w, r, invalidFields("import", FieldProblem{"image", "must be base64"}))
			return
		}
		h, err = s.Wallet.Import(r.Context(), l, img)
	case body.URL != "" && len(body.Credential) == 0 && body.Image == "":
		h, err = s.Wallet.ImportURL(r.Context(), l, body.URL)
	default:
		err = invalidFields("import", FieldProblem{"body", "give exactly one of credential, image and url"})
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	created(w, "/api/v1/me/holdings/"+h.ID, s.holdingView(h, true))
}

func (s *Server) handleDeleteImport(w http.ResponseWriter, r *http.Request) {
	l, ok := s.learner(w, r)
	if !ok {
		return
	}
	if err := s.Wallet.DeleteImport(r.Context(), l, chi.URLParam(r, "importID")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type collectionJSON struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	HoldingIDs []string  `json:"holdingIds"`
	Created    time.Time `json:"created"`
	Updated    time.Time `json:"updated"`
}

func collectionView(c *wallet.Collection) collectionJSON {
	ids := c.HoldingIDs
	if ids == nil {
		ids = []string{}
	}
	return collectionJSON{ID: c.ID, Name: c.Name, HoldingIDs: ids, Created: c.Created, Updated: c.Updated}
}

func (s *Server) handleCollections(w http.ResponseWriter, r *http.Request) {
	l, ok := s.learner(w, r)
	if !ok {
		return
	}
	cs, err := s.Wallet.Collections(r.Context(), l)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"collections": mapSlice(cs, collectionView)})
}

func (s *Server) handleCollection(w http.ResponseWriter, r *http.Request) {
	l, ok := s.learner(w, r)
	if !ok {
		return
	}
	c, err := s.Wallet.Collection(r.Context(), l, chi.URLParam(r, "collectionID"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, collectionView(c))
}

func (s *Server) handleSaveCollection(w http.ResponseWriter, r *http.Request) {
	l, ok := s.learner(w, r)
	if !ok {
		return
	}
	var body struct {
		Name       string   `json:"name"`
		HoldingIDs []string `json:"holdingIds"`
	}
	if err := decode(r, "collection", &body); err != nil {
		s.writeError(w, r, err)
		return
	}
	id := chi.URLParam(r, "collectionID")
	c, err := s.Wallet.SaveCollection(r.Context(), l, wallet.Collection{ID: id, Name: body.Name, HoldingIDs: body.HoldingIDs})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if id == "" {
		created(w, "/api/v1/me/collections/"+c.ID, collectionView(c))
		return
	}
	writeJSON(w, http.StatusOK, collectionView(c))
}

func (s *Server) handleDeleteCollection(w http.ResponseWriter, r *http.Request) {
	l, ok := s.learner(w, r)
	if !ok {
		return
	}
	if err := s.Wallet.DeleteCollection(r.Context(), l, chi.URLParam(r, "collectionID")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) {
	l, ok := s.learner(w, r)
	if !ok {
		return
	}
	b, err := s.Wallet.Export(r.Context(), l)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="badged-export.zip"`)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(b)
}

// handleAccount tells what the account holds publicly and what deleting
// it means.
func (s *Server) handleAccount(w http.ResponseWriter, r *http.Request) {
	l, ok := s.learner(w, r)
	if !ok {
		return
	}
	hs, err := s.Wallet.Holdings(r.Context(), l, wallet.Filter{})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	public := []string{}
	for _, h := range hs {
		if h.Share != nil && h.Share.Public {
			public = append(public, s.Wallet.ShareURL(h.Share.ID))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"userId": l.UserID, "name": l.Name, "emails": l.Emails, "eduId": l.EduID,
		"eppns": l.EPPNs, "walletDid": l.HolderDID, "public": public, "deletionNotice": wallet.DeletionNotice()})
}

func (s *Server) handleDeleteAccount(w http.ResponseWriter, r *http.Request) {
	l, ok := s.learner(w, r)
	if !ok {
		return
	}
	if principal(r).User.Superuser {
		s.writeError(w, r, badged.Errorf(badged.Forbidden, "a platform administrator's account cannot be deleted here"))
		return
	}
	if err := s.Wallet.DeleteAccount(r.Context(), l); err != nil {
		s.writeError(w, r, err)
		return
	}
	http.SetCookie(w, s.SessionCookie("", time.Time{}))
	w.WriteHeader(http.StatusNoContent)
}

type publicShareJSON struct {
	URL          string           `json:"url"`
	State        string           `json:"state"`
	RevokeReason string           `json:"revokeReason,omitempty"` // the issuer's, for a revoked credential of this platform
	Summary      wallet.Summary   `json:"summary"`
	Verification *verifier.Result `json:"verification"`
	Credential   json.RawMessage  `json:"credential,omitempty"`
	JWT          string           `json:"jwt,omitempty"`
}

// handlePublicShare shows a public credential and its live verification;
// a private or unknown share is 404 alike. A browser (a client that
// prefers HTML) gets the page of share.go instead of the JSON.
func (s *Server) handlePublicShare(w http.ResponseWriter, r *http.Request) {
	w.Header().Add("Vary", "Accept")
	if wantsHTML(r) {
		s.handleSharePage(w, r)
		return
	}
	if s.Wallet == nil {
		s.writeError(w, r, badged.Errorf(badged.NotFound, "nothing is shared at this address"))
		return
	}
	p, err := s.Wallet.PublicShare(r.Context(), chi.URLParam(r, "shareID"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := publicShareJSON{URL: p.URL, State: p.State, Summary: p.Summary, Verification: p.Verification}
	if p.Format == wallet.FormatJSON {
		out.Credential = json.RawMessage(p.Credential)
	} else {
		out.JWT = string(p.Credential)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}

// handlePublicPresentation shows a shared presentation and its
// verification against its own challenge and domain; a browser (a client
// that prefers HTML) gets the page of presentation.go instead.
func (s *Server) handlePublicPresentation(w http.ResponseWriter, r *http.Request) {
	w.Header().Add("Vary", "Accept")
	if wantsHTML(r) {
		s.handlePresentationPage(w, r)
		return
	}
	if s.Wallet == nil {
		s.writeError(w, r, badged.Errorf(badged.NotFound, "no such presentation"))
		return
	}
	p, res, err := s.Wallet.PublicPresentation(r.Context(), chi.URLParam(r, "presentationID"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"presentation": json.RawMessage(p.JSON), "challenge": p.Challenge,
		"domain": p.Domain, "expires": p.Expires, "verification": res})
}
