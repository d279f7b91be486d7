// Package ask is OpenID4VP on the site's pages, both sides of it: the
// employer's page, where anyone (no account) picks what to ask a wallet
// for — any Open Badge, a badge class, an institution's badges — and
// gets a QR code and an openid4vp:// link, then sees the answer as soon as
// it arrives (a small same-origin script polls the status route; without
// script, a refresh button); and the backpack's page where a learner
// opens such a link, sees who asks and for what, picks matching
// credentials and consents, and badged posts the presentation.
//
// The protocol is package openid4vp's; the verifier's endpoints are
// web/openid4vp's. The words are this package's message files,
// locales/*.json, one catalogue with the site's.
package ask

import (
	"cmp"
	"embed"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/badged/badged"
	"github.com/badged/badged/openid4vp"
	"github.com/badged/badged/verifier"
	"github.com/badged/badged/web/page"
	"github.com/badged/badged/web/page/catalogue"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed locales/*.json
var locales embed.FS

//go:embed static/ask.js
var script []byte

// Text is the words of these pages, by language.
var Text = page.Catalogue(locales)

var pages = page.Templates(templates, "ask", "answer")

// Deps are what the pages use beyond the site's page layer.
type Deps struct {
	Verifier *openid4vp.Service
	// Catalogue lists the badge classes an employer may ask for.
	Catalogue *catalogue.Handler
	// Names names a badge class's achievement and an issuer as badged's
	// credentials name them (*issuance.Service).
	Names CredentialNames
	// Egress is the guarded client the backpack fetches requests and posts
	// answers with; Keys resolves the keys of request objects.
	Egress *http.Client
	Keys   openid4vp.KeyResolver
}

// CredentialNames names what credentials carry; *issuance.Service is one.
type CredentialNames interface {
	AchievementID(badgeClassID string) string
	IssuerDID(issuerID string) string
}

// Handler serves the pages.
type Handler struct {
	*page.Handler
	Deps
}

// New returns the pages on the site's page layer.
func New(site *page.Handler, d Deps) *Handler { return &Handler{Handler: site, Deps: d} }

// Routes adds the employer's pages under /verify/ask, for anyone: the
// result page and its status and QR code are named by the view secret
// only their asker has. The backpack's answer page, under
// /backpack/answer, needs a learner's session.
func (h *Handler) Routes(r chi.Router) {
	r.Get("/verify/ask/static/ask.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Write(script)
	})
	r.Route("/verify/ask", func(r chi.Router) {
		r.Get("/", h.Handle(h.handleAskForm))
		r.Post("/", h.Handle(h.handleAsk))
		r.Get("/{view}", h.Handle(h.handleView))
		r.Get("/{view}/qr.png", h.Handle(h.handleQR))
		r.Get("/{view}/status", h.Handle(h.handleStatus))
	})
	r.Route("/backpack/answer", func(r chi.Router) {
		r.Use(h.Session)
		r.Get("/", h.Handle(h.handleAnswerForm))
		r.Post("/", h.Handle(h.handleAnswer))
	})
}

// ---- the employer's side

// choice is a badge class or an institution to ask for.
type choice struct{ Value, Name, Note string }

type askPage struct {
	page.Base
	BadgeClasses, Institutions []choice
	// View names the request once asked: the page then shows its QR code
	// and link while it waits, and the answer once it came.
	View, Link, What string
	Waiting          bool
	Expired          bool
	Outcome          *outcomeView
}

// outcomeView is a wallet's answer in the page's words.
type outcomeView struct {
	Verdict     string // valid, invalid, indeterminate, declined
	Description string // why it was refused or declined
	Error       string // the protocol error
	V           page.Verdict
	Results     []page.Check
	Credentials []page.Presented
}

func (h *Handler) base(w http.ResponseWriter, r *http.Request) page.Base {
	b := h.Base(w, r, "")
	b.T = Text[b.Lang]
	return b
}

func (h *Handler) handleAskForm(w http.ResponseWriter, r *http.Request) error {
	p := &askPage{Base: h.base(w, r)}
	p.Title = p.T["askTitle"]
	entries, err := h.Catalogue.Entries(r.Context())
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, e := range entries {
		p.BadgeClasses = append(p.BadgeClasses, choice{Value: e.BC.ID, Name: cmp.Or(e.BC.Name.In(p.Lang), e.BC.ID),
			Note: e.Institution.Name.In(p.Lang)})
		if !seen[e.Institution.ID] {
			seen[e.Institution.ID] = true
			p.Institutions = append(p.Institutions, choice{Value: e.Institution.ID, Name: cmp.Or(e.Institution.Name.In(p.Lang), e.Institution.ID)})
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	h.Render(w, r, http.StatusOK, pages["ask"], p)
	return nil
}

// handleAsk starts a request for what the form asks and shows its page.
func (h *Handler) handleAsk(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badged.Errorf(badged.Invalid, "the form could not be read")
	}
	ask, err := h.askOf(w, r, r.PostForm.Get("kind"), r.PostForm.Get("badgeclass"), r.PostForm.Get("institution"))
	if err != nil {
		return err
	}
	st, err := h.Verifier.Start(r.Context(), ask)
	if err != nil {
		return err
	}
	page.SeeOther(w, r, "/verify/ask/"+st.View, "")
	return nil
}

// askOf reads the employer's choice: a badge class or an institution of
// the catalogue, or any Open Badge. The error is Invalid for a choice
// that is not in the catalogue.
func (h *Handler) askOf(w http.ResponseWriter, r *http.Request, kind, badgeClass, institution string) (openid4vp.Ask, error) {
	if kind == openid4vp.AskAny {
		return openid4vp.Ask{Kind: openid4vp.AskAny}, nil
	}
	entries, err := h.Catalogue.Entries(r.Context())
	if err != nil {
		return openid4vp.Ask{}, err
	}
	lang := page.LangOf(w, r)
	switch kind {
	case openid4vp.AskBadgeClass:
		for _, e := range entries {
			if e.BC.ID == badgeClass {
				return openid4vp.Ask{Kind: kind, Values: []string{h.Names.AchievementID(e.BC.ID)}, Label: e.BC.Name.In(lang)}, nil
			}
		}
	case "institution":
		a := openid4vp.Ask{Kind: openid4vp.AskIssuer}
		for _, e := range entries {
			if e.Institution.ID == institution && !slices.Contains(a.Values, h.Names.IssuerDID(e.Issuer.ID)) {
				a.Values, a.Label = append(a.Values, h.Names.IssuerDID(e.Issuer.ID)), e.Institution.Name.In(lang)
			}
		}
		if len(a.Values) > 0 {
			return a, nil
		}
	}
	return openid4vp.Ask{}, badged.Errorf(badged.Invalid, "choose any badge, a badge class or an institution from the lists")
}

// handleView shows a request: its QR code and link while it waits, the
// answer once it came.
func (h *Handler) handleView(w http.ResponseWriter, r *http.Request) error {
	view := chi.URLParam(r, "view")
	t, err := h.Verifier.View(r.Context(), view)
	if err != nil {
		return err
	}
	p := &askPage{Base: h.base(w, r), View: view, Link: h.Verifier.ViewURI(view)}
	p.Title = p.T["askTitle"]
	p.What = whatText(p.T, t.Ask)
	switch {
	case t.Outcome != nil:
		p.Outcome = h.outcomeView(p.Base, t.Outcome)
	case h.Verifier.Expired(t):
		p.Expired = true
	default:
		p.Waiting = true
		p.Scripts = []string{"/verify/ask/static/ask.js"}
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.Render(w, r, http.StatusOK, pages["ask"], p)
	return nil
}

func whatText(t map[string]string, a openid4vp.Ask) string {
	switch a.Kind {
	case openid4vp.AskBadgeClass:
		return strings.ReplaceAll(t["whatBadgeClass"], "{name}", a.Label)
	case openid4vp.AskIssuer:
		return strings.ReplaceAll(t["whatInstitution"], "{name}", a.Label)
	}
	return t["whatAny"]
}

// outcomeView says an outcome: declined by the holder, refused (not
// valid, and why), or the verifier's verdict of an accepted presentation.
func (h *Handler) outcomeView(b page.Base, o *openid4vp.Outcome) *outcomeView {
	v := &outcomeView{Error: o.Error, Description: o.Description}
	var res *verifier.Result
	if len(o.Result) > 0 {
		res = &verifier.Result{}
		if json.Unmarshal(o.Result, res) != nil {
			res = nil
		}
	}
	if res != nil {
		v.V, v.Results = page.VerificationOf(b.Checks, res, h.Clock())
		v.Credentials = page.PresentedOf(b, res, h.Clock())
	}
	switch {
	case o.Declined:
		v.Verdict = "declined"
	case o.Error != "":
		v.Verdict = string(verifier.Invalid)
	case res != nil:
		v.Verdict = string(res.Verdict)
	default:
		v.Verdict = string(verifier.Indeterminate)
	}
	return v
}

// handleQR is the request's openid4vp:// link as a QR code.
func (h *Handler) handleQR(w http.ResponseWriter, r *http.Request) error {
	view := chi.URLParam(r, "view")
	if _, err := h.Verifier.View(r.Context(), view); err != nil {
		return err
	}
	png, err := qrcode.Encode(h.Verifier.ViewURI(view), qrcode.Medium, 320)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(png)
	return nil
}

// handleStatus says whether the answer came, for the page's script:
// {"answered": bool, "expired": bool}.
func (h *Handler) handleStatus(w http.ResponseWriter, r *http.Request) error {
	t, err := h.Verifier.View(r.Context(), chi.URLParam(r, "view"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(map[string]bool{"answered": t.Outcome != nil, "expired": h.Verifier.Expired(t)})
}
