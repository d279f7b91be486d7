// Package backpack is the learner's pages: the backpack, a credential, import and account,
// server-rendered in Dutch or English. They need no JavaScript: every
// change is a same-origin form post, which the router's cross-origin
// protection lets through and refuses from other sites, followed by a
// redirect back to a page (post/redirect/get). A browser without a
// session is sent to the login page; any other client gets the API's
// problem+json.
package backpack

import (
	"cmp"
	"context"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/wallet"
	"github.com/badged/badged/web/page"
	"github.com/badged/badged/web/render"
)

//go:embed templates/backpack*.html
var assets embed.FS

// backpackPages are the backpack's pages.
var backpackPages = page.Templates(assets, "backpack", "backpack_credential", "backpack_import", "backpack_account",
	"backpack_delete")

// Handler serves the learner's pages on the site's page layer and its
// services.
type Handler struct{ *page.Handler }

// New returns the backpack of site.
func New(site *page.Handler) *Handler { return &Handler{site} }

// Routes adds the learner's pages.
func (h *Handler) Routes(r chi.Router) {
	r.Route("/backpack", func(r chi.Router) {
		r.Use(h.Session)
		r.Get("/", h.Handle(h.handleBackpackPage))
		r.Get("/awards/{awardID}", h.Handle(h.handleAwardLink))
		r.Post("/awards/{awardID}/claim", h.Handle(h.handleClaimForm))
		r.Post("/awards/{awardID}/reject", h.Handle(h.handleRejectForm))
		r.Get("/import", h.Handle(h.handleImportPage))
		r.Post("/import", h.Handle(h.handleImportForm))
		r.Get("/account", h.Handle(h.handleAccountPage))
		r.Get("/account/delete", h.Handle(h.handleDeletePage))
		r.Post("/account/delete", h.Handle(h.handleDeleteForm))
		r.Get("/{holdingID}", h.Handle(h.handleCredentialPage))
		r.Post("/{holdingID}/share", h.Handle(h.handleShareForm))
		r.Post("/{holdingID}/presentations", h.Handle(h.handlePresentationForm))
		r.Post("/{holdingID}/wallet", h.Handle(h.handleWalletOfferForm))
	})
}

// pendingAward is a direct award waiting for the learner's claim.
type pendingAward struct {
	ID, Name, Description, Issuer, Institution, Deadline string
	Image                                                template.URL
	Terms                                                string // plain text, in the page's language
	TermsVersion                                         string // "" for the fallback terms
	Error                                                string
}

type requestView struct {
	ID, Name, State, Requested, Reason string
}

type holdingGroup struct {
	ID, Name string
	Items    []string
}

type backpackPage struct {
	page.Base
	Cards       []page.Card
	Total       int
	Issuers     []string
	States      []string
	Filter      wallet.Filter
	Filtered    bool
	Pending     []pendingAward
	Requests    []requestView
	Collections []holdingGroup
}

// handleBackpackPage lists the learner's credentials, narrowed by the
// filters (issuer, state, q), the direct awards waiting for a claim,
// their requests and collections.
func (h *Handler) handleBackpackPage(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	p, err := h.backpackPage(w, r, l, "", "")
	if err != nil {
		return err
	}
	h.Render(w, r, http.StatusOK, backpackPages["backpack"], p)
	return nil
}

// backpackPage builds the list; errAward and errText put an error on one
// pending award (a claim refused).
func (h *Handler) backpackPage(w http.ResponseWriter, r *http.Request, l issuer.Learner, errAward, errText string) (*backpackPage, error) {
	ctx := r.Context()
	p := &backpackPage{Base: h.Base(w, r, "list")}
	p.Title = p.T["backpackTitle"]
	q := r.URL.Query()
	p.Filter = wallet.Filter{Issuer: strings.TrimSpace(q.Get("issuer")), State: q.Get("state"), Text: strings.TrimSpace(q.Get("q"))}
	p.Filtered = p.Filter != wallet.Filter{}
	p.States = wallet.States
	if !slices.Contains(p.States, p.Filter.State) {
		p.Filter.State = ""
	}
	all, err := h.Wallet.Holdings(ctx, l, wallet.Filter{})
	if err != nil {
		return nil, err
	}
	p.Total = len(all)
	shown := all
	if p.Filter != (wallet.Filter{}) {
		if shown, err = h.Wallet.Holdings(ctx, l, p.Filter); err != nil {
			return nil, err
		}
	}
	names := map[string]string{}
	for _, hd := range all {
		if n := cmp.Or(hd.Summary.IssuerName, hd.Summary.IssuerID); n != "" && !slices.Contains(p.Issuers, n) {
			p.Issuers = append(p.Issuers, n)
		}
		names[hd.ID] = hd.Summary.Name
	}
	slices.Sort(p.Issuers)
	for _, hd := range shown {
		p.Cards = append(p.Cards, page.Card{ID: hd.ID, Name: cmp.Or(hd.Summary.Name, hd.ID), Issuer: cmp.Or(hd.Summary.IssuerName, hd.Summary.IssuerID),
			Issued: page.DateText(p.Lang, hd.Summary.Issued), ValidUntil: page.DateText(p.Lang, hd.Summary.ValidUntil), State: hd.State,
			Source: hd.Source, Image: page.ImageURL(hd.Summary), Public: hd.Share != nil && hd.Share.Public})
	}
	if h.Issuer != nil {
		awards, err := h.LearnerAwards(ctx, l, issuer.AwardSent, issuer.AwardRequested, issuer.AwardDenied)
		if err != nil {
			return nil, err
		}
		for _, a := range awards {
			name, desc, img := h.badgeClassText(ctx, a.BadgeClassID, p.Lang)
			switch {
			case a.Kind == issuer.KindDirect && a.State == issuer.AwardSent:
				pa := pendingAward{ID: a.ID, Name: name, Description: desc, Image: img,
					Issuer: h.issuerName(ctx, a.IssuerID, p.Lang), Deadline: page.DateText(p.Lang, a.ClaimDeadline.Format(time.RFC3339))}
				pa.Institution, pa.TermsVersion, pa.Terms = h.institutionTerms(ctx, a.InstitutionID, p.Lang)
				if a.ID == errAward {
					pa.Error = errText
				}
				p.Pending = append(p.Pending, pa)
			case a.Kind == issuer.KindRequest:
				rv := requestView{ID: a.ID, Name: name, State: string(a.State), Requested: page.DateText(p.Lang, a.Requested.Format(time.RFC3339))}
				if a.State == issuer.AwardDenied {
					rv.Reason = a.DenyReason
				}
				p.Requests = append(p.Requests, rv)
			}
		}
	}
	cols, err := h.Wallet.Collections(ctx, l)
	if err != nil {
		return nil, err
	}
	for _, c := range cols {
		cv := holdingGroup{ID: c.ID, Name: c.Name}
		for _, id := range c.HoldingIDs {
			if n, ok := names[id]; ok {
				cv.Items = append(cv.Items, n)
			}
		}
		p.Collections = append(p.Collections, cv)
	}
	return p, nil
}

// hierarchyReader reads badge classes and issuers by ID. issuer.Store
// implements it; the server finds it on InstitutionRecords, and without
// it a pending award shows no badge name.
type hierarchyReader interface {
	BadgeClass(ctx context.Context, id string) (*issuer.BadgeClass, error)
	Issuer(ctx context.Context, id string) (*issuer.Issuer, error)
}

func (h *Handler) badgeClassText(ctx context.Context, id, lang string) (name, desc string, img template.URL) {
	if hr, ok := h.InstitutionRecords.(hierarchyReader); ok {
		if bc, err := hr.BadgeClass(ctx, id); err == nil {
			return bc.Name.In(lang), bc.Description.In(lang), page.ImageURL(wallet.Summary{Name: bc.Name.In(lang), Image: bc.ImageURL})
		}
	}
	return id, "", page.ImageURL(wallet.Summary{Name: id})
}

func (h *Handler) issuerName(ctx context.Context, id, lang string) string {
	if hr, ok := h.InstitutionRecords.(hierarchyReader); ok {
		if is, err := hr.Issuer(ctx, id); err == nil {
			return is.Name.In(lang)
		}
	}
	return ""
}

func (h *Handler) institutionName(ctx context.Context, id, lang string) string {
	if h.InstitutionRecords != nil {
		if in, err := h.InstitutionRecords.Institution(ctx, id); err == nil {
			return in.Name.In(lang)
		}
	}
	return page.BackpackText[lang]["institutionUnknown"]
}

// institutionTerms returns the name of the institution id in lang, and
// the version and text in lang of the terms a learner accepts to claim a
// direct award from it: the institution's own, or, when it has none, the
// fallback terms without a version.
func (h *Handler) institutionTerms(ctx context.Context, id, lang string) (name, version, text string) {
	name = page.BackpackText[lang]["institutionUnknown"]
	if h.InstitutionRecords != nil {
		if in, err := h.InstitutionRecords.Institution(ctx, id); err == nil {
			name = in.Name.In(lang)
			if in.Terms.Version != "" {
				return name, in.Terms.Version, in.Terms.Text.In(lang)
			}
		}
	}
	return name, "", fmt.Sprintf(page.FallbackTerms[lang], name)
}

// handleClaimForm claims a direct award for the learner, who ticked the
// box accepting the terms of the version the page showed; without the
// tick, or for older terms, the list comes back with the page.Reason at the
// award.
// handleAwardLink is where the award emails link to: the credential's
// page once the learner holds it, else the backpack at the award (a
// waiting award with its claim and reject forms, or the learner's
// requests). An award that is not the learner's gives the backpack, which
// does not show it.
func (h *Handler) handleAwardLink(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	id := chi.URLParam(r, "awardID")
	w.Header().Set("Cache-Control", "no-store")
	if _, err := h.Wallet.Holding(r.Context(), l, id); err == nil {
		http.Redirect(w, r, "/backpack/"+url.PathEscape(id), http.StatusSeeOther)
		return nil
	} else if badged.KindOf(err) != badged.NotFound {
		return err
	}
	http.Redirect(w, r, "/backpack#award-"+url.PathEscape(id), http.StatusSeeOther)
	return nil
}

func (h *Handler) handleClaimForm(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	if h.Issuer == nil {
		return badged.Errorf(badged.Unavailable, "awards are not available on this server")
	}
	id := chi.URLParam(r, "awardID")
	t := page.BackpackText[page.LangOf(w, r)]
	refuse := func(status int, text string) error {
		p, err := h.backpackPage(w, r, l, id, text)
		if err != nil {
			return err
		}
		p.Error = text
		h.Render(w, r, status, backpackPages["backpack"], p)
		return nil
	}
	if r.PostFormValue("terms") != "accepted" {
		return refuse(http.StatusBadRequest, t["termsRequired"])
	}
	version := r.PostFormValue("terms_version")
	did, err := h.Wallet.HolderDID(r.Context(), l.UserID)
	if err != nil {
		return err
	}
	l.HolderDID = did
	if _, err := h.Issuer.ClaimAward(r.Context(), l, id, version); err != nil {
		if k := badged.KindOf(err); k == badged.Conflict || k == badged.Invalid {
			text := badged.MessageOf(err)
			if h.termsChanged(r.Context(), l, id, version) {
				k, text = badged.Conflict, t["termsChanged"]
			}
			return refuse(render.Status(k), text)
		}
		return hideForbidden(err)
	}
	page.SeeOther(w, r, "/backpack/"+url.PathEscape(id), "claimed")
	return nil
}

// termsChanged reports whether the terms of the award id's institution
// are no longer those of version, which the learner accepted.
func (h *Handler) termsChanged(ctx context.Context, l issuer.Learner, id, version string) bool {
	a, err := h.Issuer.LearnerAward(ctx, l, id)
	if err != nil {
		return false
	}
	_, current, _ := h.institutionTerms(ctx, a.InstitutionID, issuer.LangEN)
	return current != strings.TrimSpace(version)
}

// hideForbidden answers "not yours" as "not found": a learner cannot tell
// another's award from one that does not exist.
func hideForbidden(err error) error {
	if badged.KindOf(err) == badged.Forbidden {
		return badged.Errorf(badged.NotFound, "no such award")
	}
	return err
}

// handleRejectForm rejects a direct award for the learner.
func (h *Handler) handleRejectForm(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	if h.Issuer == nil {
		return badged.Errorf(badged.Unavailable, "awards are not available on this server")
	}
	if _, err := h.Issuer.RejectAward(r.Context(), l, chi.URLParam(r, "awardID")); err != nil {
		return hideForbidden(err)
	}
	page.SeeOther(w, r, "/backpack", "rejected")
	return nil
}

// ---- one credential

type credentialPage struct {
	page.Base
	H            *wallet.Holding
	Card         page.Card
	Meaning      page.Meaning
	V            page.Verdict
	Results      []page.Check
	ShareURL     string
	LinkedIn     string
	Presentable  bool // it counts: LinkedIn and presentations are offered (wallet.Presentable)
	JSON, JWT    bool
	Presentation *presentationPageView
	PresError    string
	// ToWallet says the badge can be sent to the learner's own wallet
	// (OpenID4VCI); Offer is the offer just made for it.
	ToWallet  bool
	Offer     *page.WalletOffer
	Challenge string
	Domain    string
	// Endorsements are the accepted endorsements of the credential and
	// of its badge class, when badged issued it.
	Endorsements []page.Endorsement
}

type presentationPageView struct {
	ID, URL, Expires string
	QR               template.URL
}

// handleCredentialPage shows one of the learner's credentials: what it
// means, its live verification, sharing, downloads and presentations.
func (h *Handler) handleCredentialPage(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	p, err := h.credentialPage(w, r, l, chi.URLParam(r, "holdingID"))
	if err != nil {
		return err
	}
	if id := r.URL.Query().Get("presentation"); id != "" {
		ps, err := h.Wallet.Presentations(r.Context(), l)
		if err != nil {
			return err
		}
		for _, vp := range ps {
			if vp.ID == id {
				p.Presentation = h.presentationPage(p.Lang, vp)
			}
		}
	}
	h.Render(w, r, http.StatusOK, backpackPages["backpack_credential"], p)
	return nil
}

// handleWalletOfferForm makes an OpenID4VCI offer of the learner's badge
// and shows it on the credential's page: a QR code for the wallet app, a
// link for a wallet on this device and the transaction code, shown once
// (the answer is not stored by any cache).
func (h *Handler) handleWalletOfferForm(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	p, err := h.credentialPage(w, r, l, chi.URLParam(r, "holdingID"))
	if err != nil {
		return err
	}
	if h.Offers == nil {
		return badged.Errorf(badged.Unavailable, "sending badges to wallets is not available on this server")
	}
	if err := p.H.Offerable(); err != nil {
		return err
	}
	o, err := h.Offers.CreateOffer(r.Context(), p.H.AwardID, true)
	if err != nil {
		return err
	}
	p.Offer = page.WalletOfferOf(o, h.Clock())
	w.Header().Set("Cache-Control", "no-store")
	h.Render(w, r, http.StatusOK, backpackPages["backpack_credential"], p)
	return nil
}

func (h *Handler) credentialPage(w http.ResponseWriter, r *http.Request, l issuer.Learner, id string) (*credentialPage, error) {
	hd, err := h.Wallet.Holding(r.Context(), l, id)
	if err != nil {
		return nil, err
	}
	p := &credentialPage{Base: h.Base(w, r, "list"), H: hd}
	p.Title = cmp.Or(hd.Summary.Name, hd.ID)
	p.Card = page.Card{ID: hd.ID, Name: p.Title, Issuer: cmp.Or(hd.Summary.IssuerName, hd.Summary.IssuerID),
		Issued: page.DateText(p.Lang, hd.Summary.Issued), ValidUntil: page.DateText(p.Lang, hd.Summary.ValidUntil),
		State: hd.State, Source: hd.Source, Image: page.ImageURL(hd.Summary), Public: hd.Share != nil && hd.Share.Public}
	p.Meaning = page.MeaningOf(hd.Credential, hd.Verification, hd.Summary)
	p.V, p.Results = page.VerificationOf(p.Checks, hd.Verification, h.Clock())
	p.Presentable = wallet.Presentable(hd.State)
	p.Endorsements = h.EndorsementsFor(r.Context(), p.Lang, hd.Summary.AchievementID, hd.CredentialID)
	p.ToWallet = h.Offers != nil && hd.Offerable() == nil
	if p.Card.Public {
		p.ShareURL = h.Wallet.ShareURL(hd.Share.ID)
		if p.Presentable {
			p.LinkedIn = wallet.LinkedInURL(hd.Summary, p.ShareURL, hd.CredentialID)
		}
	}
	p.JSON, p.JWT = hd.Format == wallet.FormatJSON, hd.Format == wallet.FormatJWT
	return p, nil
}

func (h *Handler) presentationPage(lang string, vp *wallet.Presentation) *presentationPageView {
	u := h.Wallet.PresentationURL(vp.ID)
	v := &presentationPageView{ID: vp.ID, URL: u, Expires: page.DateText(lang, vp.Expires.Format(time.RFC3339))}
	if png, err := wallet.QR(u, false); err == nil {
		v.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	}
	return v
}

// handleShareForm makes a credential public or private.
func (h *Handler) handleShareForm(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	id := chi.URLParam(r, "holdingID")
	var public bool
	switch r.PostFormValue("public") {
	case "true":
		public = true
	case "false":
	default:
		return badged.Errorf(badged.Invalid, "say whether the credential is to be public")
	}
	if _, err := h.Wallet.SetPublic(r.Context(), l, id, public); err != nil {
		return err
	}
	page.SeeOther(w, r, "/backpack/"+url.PathEscape(id)+"#share", map[bool]string{true: "public", false: "private"}[public])
	return nil
}

// handlePresentationForm signs a presentation of the credential for the
// challenge and domain given, and shows the credential's page with its
// link and QR code.
func (h *Handler) handlePresentationForm(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	id := chi.URLParam(r, "holdingID")
	vp, err := h.Wallet.CreatePresentation(r.Context(), l, wallet.PresentationRequest{HoldingIDs: []string{id},
		Challenge: r.PostFormValue("challenge"), Domain: r.PostFormValue("domain")})
	if badged.KindOf(err) == badged.Invalid {
		p, perr := h.credentialPage(w, r, l, id)
		if perr != nil {
			return perr
		}
		p.PresError, p.Challenge, p.Domain = badged.MessageOf(err), r.PostFormValue("challenge"), r.PostFormValue("domain")
		h.Render(w, r, http.StatusBadRequest, backpackPages["backpack_credential"], p)
		return nil
	}
	if err != nil {
		return err
	}
	page.SeeOther(w, r, "/backpack/"+url.PathEscape(id)+"?presentation="+url.QueryEscape(vp.ID)+"#present", "")
	return nil
}
