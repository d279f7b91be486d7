// Package consent is the page where a learner answers a wallet's
// OpenID4VCI authorization request (the authorization code flow): who
// asks, where the badge will go, which of their badges to send, and
// consent or decline. The protocol is package openid4vci's; this page
// only asks the learner.
package consent

import (
	"embed"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/openid4vci"
	"github.com/badged/badged/wallet"
	"github.com/badged/badged/web/page"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed locales/*.json
var locales embed.FS

// Text is the page's words, by language.
var Text = page.Catalogue(locales)

var pages = page.Templates(templates, "consent")

// Handler serves the consent page on the site's page layer.
type Handler struct {
	*page.Handler
	VCI *openid4vci.Service
}

// New returns the consent page of vci's authorization requests.
func New(site *page.Handler, vci *openid4vci.Service) *Handler {
	return &Handler{Handler: site, VCI: vci}
}

// Routes adds the authorization endpoint. The learner must be signed in
// (a browser without a session goes to sign-in and comes back); the form
// posts to the same URL.
func (h *Handler) Routes(r chi.Router) {
	h.Question(r, openid4vci.PathAuthorize, h.handleAsk, h.handleAnswer)
}

// choice is one badge the learner may send.
type choice struct {
	ID, Name, Issuer string
	Image            template.URL
}

type consentPage struct {
	page.Base
	Params       url.Values // the request's parameters, carried by the form
	ClientID     string
	RedirectHost string
	Formats      []string
	Choices      []choice
	FieldError   string
	SelectedID   string
}

// params are the parameters of an authorization request the form carries.
var params = []string{"response_type", "client_id", "redirect_uri", "state", "code_challenge", "code_challenge_method",
	"authorization_details", "scope", "issuer_state"}

// request parses the authorization request of r: a wallet's error goes
// back to the wallet; an error about the wallet itself is shown here.
func (h *Handler) request(w http.ResponseWriter, r *http.Request, q url.Values) (*openid4vci.AuthorizationRequest, bool, error) {
	req, err := openid4vci.ParseAuthorizationRequest(q)
	var re *openid4vci.RedirectError
	switch {
	case errors.As(err, &re):
		page.SeeOther(w, r, re.URL(h.VCI.IssuerURL()), "")
		return nil, true, nil
	case err != nil:
		var pe *openid4vci.Error
		errors.As(err, &pe)
		return nil, false, badged.Errorf(badged.Invalid, "the wallet's request cannot be answered: %s", pe.Description)
	}
	return req, false, nil
}

func (h *Handler) handleAsk(w http.ResponseWriter, r *http.Request) error {
	req, done, err := h.request(w, r, r.URL.Query())
	if done || err != nil {
		return err
	}
	// A wallet answering an offer of one of the learner's badges has it
	// preselected.
	return h.render(w, r, http.StatusOK, req, r.URL.Query(), h.VCI.OfferedAward(r.Context(), req.IssuerState), "")
}

// render shows the question, with fieldError beside the choice of badge;
// selected is the holding, or the award of the holding, chosen already.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, req *openid4vci.AuthorizationRequest, q url.Values, selected, fieldError string) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	holdings, err := h.Wallet.Holdings(r.Context(), l, wallet.Filter{})
	if err != nil {
		return err
	}
	p := consentPage{Base: h.Base(w, r, ""), Params: page.Carried(q, params), ClientID: req.ClientID, SelectedID: selected,
		FieldError: fieldError}
	p.T = Text[p.Lang]
	p.Title = p.T["title"]
	if u, err := url.Parse(req.RedirectURI); err == nil {
		p.RedirectHost = u.Host
		if p.RedirectHost == "" {
			p.RedirectHost = u.Scheme + ":"
		}
	}
	for _, c := range req.Configurations {
		if cfg, ok := openid4vci.ConfigurationByID(c); ok && !slices.Contains(p.Formats, cfg.Format) {
			p.Formats = append(p.Formats, cfg.Format)
		}
	}
	for _, hd := range holdings {
		if hd.Offerable() == nil {
			if selected != "" && hd.AwardID == selected {
				p.SelectedID = hd.ID
			}
			p.Choices = append(p.Choices, choice{ID: hd.ID, Name: hd.Summary.Name, Issuer: hd.Summary.IssuerName,
				Image: page.ImageURL(hd.Summary)})
		}
	}
	h.Render(w, r, status, pages["consent"], p)
	return nil
}

func (h *Handler) handleAnswer(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badged.Errorf(badged.Invalid, "the form cannot be read")
	}
	req, done, err := h.request(w, r, r.PostForm)
	if done || err != nil {
		return err
	}
	if r.PostForm.Get("decision") != "send" {
		page.SeeOther(w, r, h.VCI.Denied(req), "")
		return nil
	}
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	id := r.PostForm.Get("holding")
	if id == "" {
		return h.render(w, r, http.StatusUnprocessableEntity, req, r.PostForm, "", Text[page.LangOf(w, r)]["pick"])
	}
	hd, err := h.Wallet.Holding(r.Context(), l, id)
	if badged.KindOf(err) == badged.NotFound {
		return h.render(w, r, http.StatusUnprocessableEntity, req, r.PostForm, "", Text[page.LangOf(w, r)]["pick"])
	} else if err != nil {
		return err
	}
	if err := hd.Offerable(); err != nil {
		return h.render(w, r, http.StatusUnprocessableEntity, req, r.PostForm, id, page.Sentence(badged.MessageOf(err)))
	}
	to, err := h.VCI.Consent(r.Context(), req, hd.AwardID)
	if err != nil {
		return err
	}
	page.SeeOther(w, r, to, "")
	return nil
}
