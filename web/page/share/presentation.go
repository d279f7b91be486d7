package share

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/web/page"
)

// The public page of a shared presentation: GET /p/{presentationID}
// answers a browser with this page and anyone else with the JSON of
// handlePublicPresentation, as /s/{shareID} does. The page shows the
// presented credentials and the presentation's verification against the
// challenge and domain it was made for. An expired or unknown
// presentation is 404 alike.

type presentationPage struct {
	page.Base
	URL, Holder, Challenge, Domain, Expires string
	V                                       page.Verdict
	Results                                 []page.Check
	Credentials                             []page.Presented
}

func (h *Handler) HandlePresentationPage(w http.ResponseWriter, r *http.Request) error {
	if h.Wallet == nil {
		return badged.Errorf(badged.NotFound, "no such presentation")
	}
	vp, res, err := h.Wallet.PublicPresentation(r.Context(), chi.URLParam(r, "presentationID"))
	if err != nil {
		return err
	}
	p := &presentationPage{Base: h.Base(w, r, ""), URL: h.Wallet.PresentationURL(vp.ID), Challenge: vp.Challenge,
		Domain: vp.Domain}
	p.SignedIn = false // a public page: no navigation of the backpack
	p.Title = p.T["presentationTitle"]
	p.Expires = page.DateText(p.Lang, vp.Expires.UTC().Format(time.RFC3339))
	var doc map[string]any
	if json.Unmarshal(vp.JSON, &doc) == nil {
		switch hd := doc["holder"].(type) {
		case string:
			p.Holder = hd
		case map[string]any:
			p.Holder, _ = hd["id"].(string)
		}
	}
	p.V, p.Results = page.VerificationOf(p.Checks, res, h.Clock())
	p.Credentials = page.PresentedOf(p.Base, res, h.Clock())
	w.Header().Set("Cache-Control", "no-store")
	h.Render(w, r, http.StatusOK, pages["presentation"], p)
	return nil
}
