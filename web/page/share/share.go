// Package share is what anyone opens of a learner's backpack: the page of
// a public share (/s/{shareID}), with its image and credential, and the
// page of a shared presentation (/p/{presentationID}); web gives these
// addresses to browsers and the JSON API to other clients.
package share

import (
	"cmp"
	"embed"
	"encoding/base64"
	"html/template"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged/badgeimage"
	"github.com/badged/badged/wallet"
	"github.com/badged/badged/web/page"
	"github.com/badged/badged/web/render"
)

//go:embed templates/share.html templates/presentation.html
var assets embed.FS

// pages are the share and presentation pages.
var pages = page.Templates(assets, "share", "presentation")

// Handler serves the share and presentation pages on the site's page
// layer and its services.
type Handler struct{ *page.Handler }

// New returns the share pages of site.
func New(site *page.Handler) *Handler { return &Handler{site} }

// Routes adds what the public page links to: its image, for link
// previews, and the credential itself, to download or to verify
// elsewhere.
func (h *Handler) Routes(r chi.Router) {
	r.Get("/s/{shareID}/image.png", h.handleShareImage)
	r.Get("/s/{shareID}/credential", h.handleShareCredential)
}

type sharePage struct {
	page.Base
	P           *wallet.Public
	Card        page.Card
	Meaning     page.Meaning
	V           page.Verdict
	Results     []page.Check
	Known       *page.Known
	Signed      bool
	KeyUnknown  bool
	OGImage     string
	Description string
	VerifyURL   string
	// Endorsements are the accepted endorsements of the credential and
	// of its badge class, when badged issued it.
	Endorsements []page.Endorsement
}

// HandleSharePage shows a public credential (GET /s/{shareID} for a
// browser or a link-preview robot; anyone else gets the JSON of
// api.Handler.HandlePublicShare: one address, two representations). A
// private or unknown share is 404 alike. It, what it means and its live
// verification, with OpenGraph and Twitter card tags for link previews.
func (h *Handler) HandleSharePage(w http.ResponseWriter, r *http.Request) error {
	pub, err := h.publicShare(r)
	if err != nil {
		return err
	}
	p := &sharePage{Base: h.Base(w, r, ""), P: pub}
	p.SignedIn = false // a public page: no navigation of the backpack
	sum := pub.Summary
	p.Title = cmp.Or(sum.Name, p.T["sharedBy"])
	p.Card = page.Card{Name: p.Title, Issuer: cmp.Or(sum.IssuerName, sum.IssuerID), Issued: page.DateText(p.Lang, sum.Issued),
		ValidUntil: page.DateText(p.Lang, sum.ValidUntil), State: pub.State, Image: page.ImageURL(sum), Public: true}
	p.Meaning = page.MeaningOf(pub.Credential, pub.Verification, sum)
	p.V, p.Results = page.VerificationOf(p.Checks, pub.Verification, h.Clock())
	p.Endorsements = h.EndorsementsFor(r.Context(), p.Lang, sum.AchievementID, page.CredentialIDOf(pub.Credential))
	if res := pub.Verification; res != nil {
		p.Known, p.Signed, p.KeyUnknown = page.KnownOf(r.Context(), h.Issuers, p.Lang, res), res.SignedByIssuer(), page.KeyUnknown(res)
	}
	p.OGImage = pub.URL + "/image.png"
	if u := page.HTTPURL(sum.Image); u != "" {
		p.OGImage = u
	}
	var desc []string
	if !wallet.Presentable(pub.State) {
		// Revoked, say: every title a link preview shows says so first,
		// so that the page never reads as a valid credential.
		p.Title = page.StateText(p.T, pub.State) + ": " + p.Title
		desc = append(desc, p.V.Title+": "+p.V.Text)
	}
	if p.Card.Issuer != "" {
		desc = append(desc, p.T["issuedBy"]+" "+p.Card.Issuer+".")
	}
	if wallet.Presentable(pub.State) {
		desc = append(desc, p.V.Title+": "+p.V.Text)
	}
	if sum.Description != "" {
		desc = append(desc, page.Clip(sum.Description, 200))
	}
	p.Description = strings.Join(desc, " ")
	p.VerifyURL = "/verify?url=" + template.URLQueryEscaper(pub.URL+"/credential")
	w.Header().Set("Cache-Control", "no-store") // a learner's credential, shared until they stop sharing it
	h.Render(w, r, http.StatusOK, pages["share"], p)
	return nil
}

// handleShareImage sends the image of a public credential as a PNG for
// link previews: its own when the credential carries a PNG, else a drawn
// badge. (An https image is linked directly by og:image.)
func (h *Handler) handleShareImage(w http.ResponseWriter, r *http.Request) {
	pub, err := h.publicShare(r)
	if err != nil {
		render.Error(w, r, h.Log, err)
		return
	}
	b := badgeimage.Default(pub.Summary.Name, pub.Summary.IssuerName).Data
	if png, ok := dataPNG(pub.Summary.Image); ok {
		b = png
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(b)
}

// handleShareCredential sends a public credential as its issuer signed it
// (JSON-LD or a VC-JWT), to download or to verify elsewhere.
func (h *Handler) handleShareCredential(w http.ResponseWriter, r *http.Request) {
	pub, err := h.publicShare(r)
	if err != nil {
		render.Error(w, r, h.Log, err)
		return
	}
	ct, ext := "application/vc+ld+json", "json"
	if pub.Format == wallet.FormatJWT {
		ct, ext = "application/vc+jwt", "jwt"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", `inline; filename="credential.`+ext+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(pub.Credential)
}

// publicShare is the public share the request's address names (see
// [wallet.Service.PublicShare]): NotFound without a wallet, and for a
// private or unknown share alike.
func (h *Handler) publicShare(r *http.Request) (*wallet.Public, error) {
	return h.Wallet.PublicShare(r.Context(), chi.URLParam(r, "shareID"))
}

// dataPNG decodes a data: URL of a PNG.
func dataPNG(u string) ([]byte, bool) {
	const prefix = "data:image/png;base64,"
	if !strings.HasPrefix(u, prefix) {
		return nil, false
	}
	b, err := base64.StdEncoding.DecodeString(u[len(prefix):])
	return b, err == nil && len(b) > 0
}
