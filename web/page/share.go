package page

import (
	"cmp"
	"encoding/base64"
	"html/template"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/wallet"
	"github.com/badged/badged/web/render"
)

// The public page of a shared credential. GET /s/{shareID} answers a
// browser (or a link-preview robot) with this page and anyone else with
// the JSON of handlePublicShare: one address, two representations. A
// private or unknown share is 404 alike.

// registerSharePageRoutes adds what the public page links to: its image,
// for link previews, and the credential itself, to download or to verify
// elsewhere.
func (h *Handler) registerSharePageRoutes(r chi.Router) {
	r.Get("/s/{shareID}/image.png", h.handleShareImage)
	r.Get("/s/{shareID}/credential", h.handleShareCredential)
}

type sharePage struct {
	Base
	P           *wallet.Public
	Card        Card
	Meaning     Meaning
	V           Verdict
	Results     []Check
	Known       *Known
	Signed      bool
	KeyUnknown  bool
	OGImage     string
	Description string
	VerifyURL   string
}

// HandleSharePage shows a public credential, what it means and its live
// verification, with OpenGraph and Twitter Card tags for link previews.
func (h *Handler) HandleSharePage(w http.ResponseWriter, r *http.Request) {
	if h.Wallet == nil {
		h.Error(w, r, badged.Errorf(badged.NotFound, "nothing is shared at this address"))
		return
	}
	pub, err := h.Wallet.PublicShare(r.Context(), chi.URLParam(r, "shareID"))
	if err != nil {
		h.Error(w, r, err)
		return
	}
	p := &sharePage{Base: h.Base(w, r, ""), P: pub}
	p.SignedIn = false // a public page: no navigation of the backpack
	sum := pub.Summary
	p.Title = cmp.Or(sum.Name, p.T["sharedBy"])
	p.Card = Card{Name: p.Title, Issuer: cmp.Or(sum.IssuerName, sum.IssuerID), Issued: DateText(p.Lang, sum.Issued),
		ValidUntil: DateText(p.Lang, sum.ValidUntil), State: pub.State, Image: ImageURL(sum), Public: true}
	p.Meaning = MeaningOf(pub.Credential, pub.Verification, sum)
	p.V, p.Results = VerificationOf(p.Checks, pub.Verification, h.Clock())
	if res := pub.Verification; res != nil {
		p.Known, p.Signed, p.KeyUnknown = KnownOf(r.Context(), h.Issuers, p.Lang, res), res.SignedByIssuer(), KeyUnknown(res)
	}
	p.OGImage = pub.URL + "/image.png"
	if u := HTTPURL(sum.Image); u != "" {
		p.OGImage = u
	}
	var desc []string
	if !wallet.Presentable(pub.State) {
		// Revoked, say: every title a link preview shows says so first,
		// so that the page never reads as a valid credential.
		p.Title = StateText(p.T, pub.State) + ": " + p.Title
		desc = append(desc, p.V.Title+": "+p.V.Text)
	}
	if p.Card.Issuer != "" {
		desc = append(desc, p.T["issuedBy"]+" "+p.Card.Issuer+".")
	}
	if wallet.Presentable(pub.State) {
		desc = append(desc, p.V.Title+": "+p.V.Text)
	}
	if sum.Description != "" {
		desc = append(desc, Clip(sum.Description, 200))
	}
	p.Description = strings.Join(desc, " ")
	p.VerifyURL = "/verify?url=" + template.URLQueryEscaper(pub.URL+"/credential")
	w.Header().Set("Cache-Control", "no-store") // a learner's credential, shared until they stop sharing it
	h.Render(w, r, http.StatusOK, backpackPages["share"], p)
}

func Clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// handleShareImage sends the image of a public credential as a PNG for
// link previews: its own when the credential carries a PNG, else a drawn
// badge. (An https image is linked directly by og:image.)
func (h *Handler) handleShareImage(w http.ResponseWriter, r *http.Request) {
	if h.Wallet == nil {
		render.Error(w, r, h.Log, badged.Errorf(badged.NotFound, "nothing is shared at this address"))
		return
	}
	pub, err := h.Wallet.PublicShare(r.Context(), chi.URLParam(r, "shareID"))
	if err != nil {
		render.Error(w, r, h.Log, err)
		return
	}
	b := wallet.DefaultPNG(pub.Summary.Name)
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
	if h.Wallet == nil {
		render.Error(w, r, h.Log, badged.Errorf(badged.NotFound, "nothing is shared at this address"))
		return
	}
	pub, err := h.Wallet.PublicShare(r.Context(), chi.URLParam(r, "shareID"))
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

// dataPNG decodes a data: URL of a PNG.
func dataPNG(u string) ([]byte, bool) {
	const prefix = "data:image/png;base64,"
	if !strings.HasPrefix(u, prefix) {
		return nil, false
	}
	b, err := base64.StdEncoding.DecodeString(u[len(prefix):])
	return b, err == nil && len(b) > 0
}
