package web

import (
	"bytes"
	"cmp"
	"context"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/auth"
	"github.com/badged/badged/credential"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/login"
	"github.com/badged/badged/verifier"
	"github.com/badged/badged/wallet"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

// The learner's pages: the backpack, a credential, import and account,
// server-rendered in Dutch or English. They need no JavaScript: every
// change is a same-origin form post, which the router's cross-origin
// protection lets through and refuses from other sites, followed by a
// redirect back to a page (post/redirect/get). A browser without a
// session is sent to the login page; any other client gets the API's
// problem+json.

//go:embed templates/backpack*.html templates/share*.html templates/home.html static/backpack.css
var backpackAssets embed.FS

// backpackPages are the page templates, each the layout with its own
// "title", "meta" and "content", parsed once when the package is loaded:
// they are embedded, so a parse error is a bug every test finds.
var backpackPages = func() map[string]*template.Template {
	base := template.Must(template.New("layout").Funcs(template.FuncMap{
		"text": func(t map[string]string, key string) string { return t[key] },
		"state": func(t map[string]string, state string) map[string]string {
			return map[string]string{"S": state, "T": stateText(t, state), "Note": t[stateKey(state)+"Text"]}
		},
	}).ParseFS(backpackAssets, "templates/backpack_layout.html"))
	pages := map[string]*template.Template{}
	for _, name := range []string{"backpack", "backpack_credential", "backpack_import", "backpack_account",
		"backpack_delete", "backpack_message", "share", "home"} {
		pages[name] = template.Must(template.Must(base.Clone()).ParseFS(backpackAssets, "templates/"+name+".html"))
	}
	return pages
}()

// registerBackpackRoutes adds the learner's pages and their stylesheet.
func (s *Server) registerBackpackRoutes(r chi.Router) {
	r.Get("/static/backpack.css", func(w http.ResponseWriter, r *http.Request) {
		b, _ := backpackAssets.ReadFile("static/backpack.css")
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Write(b)
	})
	r.With(s.optionalPageSession).Get("/", s.handleHomePage)
	r.Route("/backpack", func(r chi.Router) {
		r.Use(s.pageSession)
		r.Get("/", s.handleBackpackPage)
		r.Get("/awards/{awardID}", s.handleAwardLink)
		r.Post("/awards/{awardID}/claim", s.handleClaimForm)
		r.Post("/awards/{awardID}/reject", s.handleRejectForm)
		r.Get("/import", s.handleImportPage)
		r.Post("/import", s.handleImportForm)
		r.Get("/account", s.handleAccountPage)
		r.Get("/account/delete", s.handleDeletePage)
		r.Post("/account/delete", s.handleDeleteForm)
		r.Get("/{holdingID}", s.handleCredentialPage)
		r.Post("/{holdingID}/share", s.handleShareForm)
		r.Post("/{holdingID}/presentations", s.handlePresentationForm)
	})
}

// wantsHTML reports whether the client prefers HTML to JSON: a browser.
// A request without Accept (a script, curl) gets JSON; */* counts for
// both, so that a link-preview robot sending it gets the page with its
// OpenGraph tags.
func wantsHTML(r *http.Request) bool {
	accept := r.Header.Get("Accept")
	if strings.TrimSpace(accept) == "" {
		return false
	}
	html, js := -1.0, -1.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		switch mt {
		case "text/html", "application/xhtml+xml":
			html = max(html, q)
		case "application/json", "application/ld+json", "application/vc+ld+json", "application/problem+json":
			js = max(js, q)
		case "text/*":
			html = max(html, min(q, 0.999))
		case "*/*":
			html, js = max(html, min(q, 0.999)), max(js, min(q, 0.998))
		}
	}
	return html > 0 && html >= js
}

// pageSession establishes the person of a page request from the session
// cookie. A browser without a valid session is redirected to the login
// page, which brings it back; any other request goes through
// authenticate, so an API client gets 401, and a system's bearer token
// 403 from the handler.
func (s *Server) pageSession(next http.Handler) http.Handler {
	api := s.authenticate(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" || !wantsHTML(r) {
			api.ServeHTTP(w, r)
			return
		}
		var p *auth.Principal
		if c, err := r.Cookie(request.SessionCookie); err == nil && c.Value != "" {
			p, err = s.Auth.SessionPrincipal(r.Context(), c.Value)
			switch {
			case badged.KindOf(err) == badged.Unauthorized:
				http.SetCookie(w, s.SessionCookie("", time.Time{}))
				p = nil
			case err != nil:
				s.pageError(w, r, err)
				return
			}
		}
		if p == nil {
			next := "/backpack"
			if r.Method == http.MethodGet {
				next = r.URL.RequestURI()
			}
			w.Header().Set("Cache-Control", "no-store")
			http.Redirect(w, r, "/login?next="+url.QueryEscape(login.SafeNext(next)), http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r.WithContext(request.WithPrincipal(r.Context(), p)))
	})
}

// langCookie keeps the language a visitor chose with ?lang=.
const langCookie = "badged_lang"

// backpackLang is the language of a learner's page: ?lang= (remembered in
// a cookie), else the cookie, else the form's lang or Accept-Language.
func backpackLang(w http.ResponseWriter, r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == "nl" || l == "en" {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode})
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == "nl" || c.Value == "en") {
		return c.Value
	}
	return pageLang(r)
}

// langURL is the page at path in lang: r's URL with that path and its
// query's lang set to lang, as a link on this site.
func langURL(r *http.Request, path, lang string) string {
	u := *r.URL
	q := u.Query()
	q.Set("lang", lang)
	u.Path, u.RawQuery = path, q.Encode()
	return u.RequestURI()
}

// basePage is what every learner's page shows around its content.
type basePage struct {
	Lang      string
	T         map[string]string
	Checks    map[string]string // the verify page's words for checks
	LangURL   string            // this page in the other language
	SignedIn  bool
	Nav       string // the current item of the navigation
	Notice    string // what the last action did
	Error     string
	Title     string
	RequestID string
}

func (s *Server) basePage(w http.ResponseWriter, r *http.Request, nav string) basePage {
	lang := backpackLang(w, r)
	t := backpackText[lang]
	p := basePage{Lang: lang, T: t, Checks: pageText[lang], LangURL: langURL(r, r.URL.Path, t["otherLang"]), Nav: nav,
		RequestID: request.ID(r.Context())}
	if pr := request.Principal(r); pr != nil && !pr.System() {
		p.SignedIn = true
	}
	if n := r.URL.Query().Get("done"); n != "" {
		p.Notice = t[noticeKeys[n]]
	}
	return p
}

// noticeKeys are the notices a redirect after a form may ask for with
// ?done=: only these, so that a link cannot put words on the page.
var noticeKeys = map[string]string{"claimed": "claimed", "rejected": "rejected", "public": "sharedPublic",
	"private": "sharedPrivate", "imported": "importDone"}

// renderHTML executes page with data and sends it with the headers of a
// page: a strict content security policy (no script at all), no framing;
// nosniff, the Referrer-Policy and no caching (unless its handler set
// another Cache-Control) come from [Server.secureHeaders]. A page its handler marked public (Cache-Control "public,
// …", the catalogue to someone not signed in) gets, when its status is
// 200, an ETag of its content, and If-None-Match is answered with 304.
func (s *Server) renderHTML(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	var b bytes.Buffer
	if err := backpackPages[page].ExecuteTemplate(&b, "layout", data); err != nil {
		if s.Log != nil {
			s.Log.Error("render page", "page", page, "request_id", request.ID(r.Context()), "err", err)
		}
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data: https:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("Vary", "Accept, Accept-Language, Cookie")
	if status == http.StatusOK && strings.HasPrefix(h.Get("Cache-Control"), "public") {
		h.Set("ETag", contentETag(b.Bytes()))
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b.Bytes()))
		return
	}
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// handleHomePage is the site's root: for someone signed in, where
// sign-in lands without a next page, their backpack; for a visitor, what
// badged is and the three ways in (sign in, the catalogue, the verifier).
func (s *Server) handleHomePage(w http.ResponseWriter, r *http.Request) {
	p := s.basePage(w, r, "")
	if p.SignedIn {
		http.Redirect(w, r, "/backpack", http.StatusSeeOther)
		return
	}
	p.Title = p.T["homeTitle"]
	s.renderHTML(w, r, http.StatusOK, "home", p)
}

// messagePage is a page that only says something: an error, a 404, the
// farewell after deleting an account.
type messagePage struct {
	basePage
	Heading, Text string
	Status        int
	Back          string // a page to go back to, if any (the form of a refused upload)
}

// pageError answers err as a page to a browser and as problem+json to
// anyone else. Its status comes from statusOf; only Internal errors are
// logged, and their detail is never shown.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, err error) {
	if !wantsHTML(r) {
		s.writeError(w, r, err)
		return
	}
	kind := badged.KindOf(err)
	status := cmp.Or(render.Status(kind), http.StatusInternalServerError)
	if kind == badged.Internal && s.Log != nil {
		s.Log.Error("internal error", "method", r.Method, "path", r.URL.Path, "request_id", request.ID(r.Context()), "err", err)
	}
	p := messagePage{basePage: s.basePage(w, r, ""), Status: status}
	switch status {
	case http.StatusNotFound:
		p.Heading, p.Text = p.T["notFoundTitle"], p.T["notFoundText"]
	default:
		p.Heading, p.Text = p.T["errorTitle"], sentence(badged.MessageOf(err))
	}
	p.Title = p.Heading
	s.renderHTML(w, r, status, "backpack_message", p)
}

// pageLearner returns the signed-in learner of a page request, as
// [Server.learner] does for the API, answering the errors as pages.
func (s *Server) pageLearner(w http.ResponseWriter, r *http.Request) (issuer.Learner, bool) {
	l, err := s.api.WalletLearner(r)
	if err != nil {
		s.pageError(w, r, err)
		return issuer.Learner{}, false
	}
	return l, true
}

// seeOther ends a form post: back to a page, with a notice. path may end
// in a fragment ("/backpack/x#share"); the notice goes into the query,
// before it, where the page can read it.
func seeOther(w http.ResponseWriter, r *http.Request, path, done string) {
	if done != "" {
		base, fragment, hasFragment := strings.Cut(path, "#")
		sep := "?"
		if strings.Contains(base, "?") {
			sep = "&"
		}
		path = base + sep + "done=" + url.QueryEscape(done)
		if hasFragment {
			path += "#" + fragment
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// stateText is a holding state in t's words (backpackText), by its
// stateKey.
func stateText(t map[string]string, state string) string { return t[stateKey(state)] }

// stateKey is the key of a holding state's words in backpackText:
// "stateRevoked"; the key + "Text" says what the state means.
func stateKey(state string) string {
	return "state" + strings.ToUpper(state[:min(1, len(state))]) + state[min(1, len(state)):]
}

// ---- the list

// card is one credential in the list.
type card struct {
	ID, Name, Issuer, Issued, ValidUntil, State, Source string
	Image                                               template.URL
	Public                                              bool
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
	basePage
	Cards       []card
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
func (s *Server) handleBackpackPage(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pageLearner(w, r)
	if !ok {
		return
	}
	p, err := s.backpackPage(w, r, l, "", "")
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.renderHTML(w, r, http.StatusOK, "backpack", p)
}

// backpackPage builds the list; errAward and errText put an error on one
// pending award (a claim refused).
func (s *Server) backpackPage(w http.ResponseWriter, r *http.Request, l issuer.Learner, errAward, errText string) (*backpackPage, error) {
	ctx := r.Context()
	p := &backpackPage{basePage: s.basePage(w, r, "list")}
	p.Title = p.T["backpackTitle"]
	q := r.URL.Query()
	p.Filter = wallet.Filter{Issuer: strings.TrimSpace(q.Get("issuer")), State: q.Get("state"), Text: strings.TrimSpace(q.Get("q"))}
	p.Filtered = p.Filter != wallet.Filter{}
	p.States = wallet.States
	if !slices.Contains(p.States, p.Filter.State) {
		p.Filter.State = ""
	}
	all, err := s.Wallet.Holdings(ctx, l, wallet.Filter{})
	if err != nil {
		return nil, err
	}
	p.Total = len(all)
	shown := all
	if p.Filter != (wallet.Filter{}) {
		if shown, err = s.Wallet.Holdings(ctx, l, p.Filter); err != nil {
			return nil, err
		}
	}
	names := map[string]string{}
	for _, h := range all {
		if n := cmp.Or(h.Summary.IssuerName, h.Summary.IssuerID); n != "" && !slices.Contains(p.Issuers, n) {
			p.Issuers = append(p.Issuers, n)
		}
		names[h.ID] = h.Summary.Name
	}
	slices.Sort(p.Issuers)
	for _, h := range shown {
		p.Cards = append(p.Cards, card{ID: h.ID, Name: cmp.Or(h.Summary.Name, h.ID), Issuer: cmp.Or(h.Summary.IssuerName, h.Summary.IssuerID),
			Issued: dateText(p.Lang, h.Summary.Issued), ValidUntil: dateText(p.Lang, h.Summary.ValidUntil), State: h.State,
			Source: h.Source, Image: imageURL(h.Summary), Public: h.Share != nil && h.Share.Public})
	}
	if s.Issuer != nil {
		awards, err := s.learnerAwards(ctx, l, issuer.AwardSent, issuer.AwardRequested, issuer.AwardDenied)
		if err != nil {
			return nil, err
		}
		for _, a := range awards {
			name, desc, img := s.badgeClassText(ctx, a.BadgeClassID, p.Lang)
			switch {
			case a.Kind == issuer.KindDirect && a.State == issuer.AwardSent:
				pa := pendingAward{ID: a.ID, Name: name, Description: desc, Image: img,
					Issuer: s.issuerName(ctx, a.IssuerID, p.Lang), Deadline: dateText(p.Lang, a.ClaimDeadline.Format(time.RFC3339))}
				pa.Institution, pa.TermsVersion, pa.Terms = s.institutionTerms(ctx, a.InstitutionID, p.Lang)
				if a.ID == errAward {
					pa.Error = errText
				}
				p.Pending = append(p.Pending, pa)
			case a.Kind == issuer.KindRequest:
				rv := requestView{ID: a.ID, Name: name, State: string(a.State), Requested: dateText(p.Lang, a.Requested.Format(time.RFC3339))}
				if a.State == issuer.AwardDenied {
					rv.Reason = a.DenyReason
				}
				p.Requests = append(p.Requests, rv)
			}
		}
	}
	cols, err := s.Wallet.Collections(ctx, l)
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

// learnerAwards lists every award of the learner in one of states.
func (s *Server) learnerAwards(ctx context.Context, l issuer.Learner, states ...issuer.AwardState) ([]*issuer.Award, error) {
	var out []*issuer.Award
	f := issuer.AwardFilter{States: states, Limit: 1000}
	for {
		page, err := s.Issuer.LearnerAwards(ctx, l, f)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Awards...)
		if page.Next.IsZero() {
			return out, nil
		}
		f.After = page.Next
	}
}

// hierarchyReader reads badge classes and issuers by ID. issuer.Store
// implements it; the server finds it on InstitutionRecords, and without
// it a pending award shows no badge name.
type hierarchyReader interface {
	BadgeClass(ctx context.Context, id string) (*issuer.BadgeClass, error)
	Issuer(ctx context.Context, id string) (*issuer.Issuer, error)
}

func (s *Server) badgeClassText(ctx context.Context, id, lang string) (name, desc string, img template.URL) {
	if hr, ok := s.InstitutionRecords.(hierarchyReader); ok {
		if bc, err := hr.BadgeClass(ctx, id); err == nil {
			return bc.Name.In(lang), bc.Description.In(lang), imageURL(wallet.Summary{Name: bc.Name.In(lang), Image: bc.ImageURL})
		}
	}
	return id, "", imageURL(wallet.Summary{Name: id})
}

func (s *Server) issuerName(ctx context.Context, id, lang string) string {
	if hr, ok := s.InstitutionRecords.(hierarchyReader); ok {
		if is, err := hr.Issuer(ctx, id); err == nil {
			return is.Name.In(lang)
		}
	}
	return ""
}

func (s *Server) institutionName(ctx context.Context, id, lang string) string {
	if s.InstitutionRecords != nil {
		if in, err := s.InstitutionRecords.Institution(ctx, id); err == nil {
			return in.Name.In(lang)
		}
	}
	return backpackText[lang]["institutionUnknown"]
}

// institutionTerms returns the name of the institution id in lang, and
// the version and text in lang of the terms a learner accepts to claim a
// direct award from it: the institution's own, or, when it has none, the
// fallback terms without a version.
func (s *Server) institutionTerms(ctx context.Context, id, lang string) (name, version, text string) {
	name = backpackText[lang]["institutionUnknown"]
	if s.InstitutionRecords != nil {
		if in, err := s.InstitutionRecords.Institution(ctx, id); err == nil {
			name = in.Name.In(lang)
			if in.Terms.Version != "" {
				return name, in.Terms.Version, in.Terms.Text.In(lang)
			}
		}
	}
	return name, "", fmt.Sprintf(fallbackTerms[lang], name)
}

// handleClaimForm claims a direct award for the learner, who ticked the
// box accepting the terms of the version the page showed; without the
// tick, or for older terms, the list comes back with the reason at the
// award.
// handleAwardLink is where the award emails link to: the credential's
// page once the learner holds it, else the backpack at the award (a
// waiting award with its claim and reject forms, or the learner's
// requests). An award that is not the learner's gives the backpack, which
// does not show it.
func (s *Server) handleAwardLink(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pageLearner(w, r)
	if !ok {
		return
	}
	id := chi.URLParam(r, "awardID")
	w.Header().Set("Cache-Control", "no-store")
	if _, err := s.Wallet.Holding(r.Context(), l, id); err == nil {
		http.Redirect(w, r, "/backpack/"+url.PathEscape(id), http.StatusSeeOther)
		return
	} else if badged.KindOf(err) != badged.NotFound {
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/backpack#award-"+url.PathEscape(id), http.StatusSeeOther)
}

func (s *Server) handleClaimForm(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pageLearner(w, r)
	if !ok {
		return
	}
	if s.Issuer == nil {
		s.pageError(w, r, badged.Errorf(badged.Unavailable, "awards are not available on this server"))
		return
	}
	id := chi.URLParam(r, "awardID")
	t := backpackText[backpackLang(w, r)]
	refuse := func(status int, text string) {
		p, err := s.backpackPage(w, r, l, id, text)
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		p.Error = text
		s.renderHTML(w, r, status, "backpack", p)
	}
	if r.PostFormValue("terms") != "accepted" {
		refuse(http.StatusBadRequest, t["termsRequired"])
		return
	}
	version := r.PostFormValue("terms_version")
	did, err := s.Wallet.HolderDID(r.Context(), l.UserID)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	l.HolderDID = did
	if _, err := s.Issuer.ClaimAward(r.Context(), l, id, version); err != nil {
		if k := badged.KindOf(err); k == badged.Conflict || k == badged.Invalid {
			text := badged.MessageOf(err)
			if s.termsChanged(r.Context(), l, id, version) {
				k, text = badged.Conflict, t["termsChanged"]
			}
			refuse(render.Status(k), text)
			return
		}
		s.pageError(w, r, hideForbidden(err))
		return
	}
	seeOther(w, r, "/backpack/"+url.PathEscape(id), "claimed")
}

// termsChanged reports whether the terms of the award id's institution
// are no longer those of version, which the learner accepted.
func (s *Server) termsChanged(ctx context.Context, l issuer.Learner, id, version string) bool {
	a, err := s.Issuer.LearnerAward(ctx, l, id)
	if err != nil {
		return false
	}
	_, current, _ := s.institutionTerms(ctx, a.InstitutionID, issuer.LangEN)
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
func (s *Server) handleRejectForm(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pageLearner(w, r)
	if !ok {
		return
	}
	if s.Issuer == nil {
		s.pageError(w, r, badged.Errorf(badged.Unavailable, "awards are not available on this server"))
		return
	}
	if _, err := s.Issuer.RejectAward(r.Context(), l, chi.URLParam(r, "awardID")); err != nil {
		s.pageError(w, r, hideForbidden(err))
		return
	}
	seeOther(w, r, "/backpack", "rejected")
}

// ---- one credential

type credentialPage struct {
	basePage
	H            *wallet.Holding
	Card         card
	Meaning      meaning
	V            verdictView
	Results      []pageCheck
	ShareURL     string
	LinkedIn     string
	Presentable  bool // it counts: LinkedIn and presentations are offered (wallet.Presentable)
	JSON, JWT    bool
	Presentation *presentationPageView
	PresError    string
	Challenge    string
	Domain       string
}

type presentationPageView struct {
	ID, URL, Expires string
	QR               template.URL
}

// handleCredentialPage shows one of the learner's credentials: what it
// means, its live verification, sharing, downloads and presentations.
func (s *Server) handleCredentialPage(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pageLearner(w, r)
	if !ok {
		return
	}
	p, err := s.credentialPage(w, r, l, chi.URLParam(r, "holdingID"))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	if id := r.URL.Query().Get("presentation"); id != "" {
		ps, err := s.Wallet.Presentations(r.Context(), l)
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		for _, vp := range ps {
			if vp.ID == id {
				p.Presentation = s.presentationPage(p.Lang, vp)
			}
		}
	}
	s.renderHTML(w, r, http.StatusOK, "backpack_credential", p)
}

func (s *Server) credentialPage(w http.ResponseWriter, r *http.Request, l issuer.Learner, id string) (*credentialPage, error) {
	h, err := s.Wallet.Holding(r.Context(), l, id)
	if err != nil {
		return nil, err
	}
	p := &credentialPage{basePage: s.basePage(w, r, "list"), H: h}
	p.Title = cmp.Or(h.Summary.Name, h.ID)
	p.Card = card{ID: h.ID, Name: p.Title, Issuer: cmp.Or(h.Summary.IssuerName, h.Summary.IssuerID),
		Issued: dateText(p.Lang, h.Summary.Issued), ValidUntil: dateText(p.Lang, h.Summary.ValidUntil),
		State: h.State, Source: h.Source, Image: imageURL(h.Summary), Public: h.Share != nil && h.Share.Public}
	p.Meaning = meaningOf(h.Credential, h.Verification, h.Summary)
	p.V, p.Results = verificationOf(p.Checks, h.Verification, s.now())
	p.Presentable = wallet.Presentable(h.State)
	if p.Card.Public {
		p.ShareURL = s.Wallet.ShareURL(h.Share.ID)
		if p.Presentable {
			p.LinkedIn = wallet.LinkedInURL(h.Summary, p.ShareURL, h.CredentialID)
		}
	}
	p.JSON, p.JWT = h.Format == wallet.FormatJSON, h.Format == wallet.FormatJWT
	return p, nil
}

func (s *Server) presentationPage(lang string, vp *wallet.Presentation) *presentationPageView {
	u := s.Wallet.PresentationURL(vp.ID)
	v := &presentationPageView{ID: vp.ID, URL: u, Expires: dateText(lang, vp.Expires.Format(time.RFC3339))}
	if png, err := wallet.QR(u, false); err == nil {
		v.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	}
	return v
}

// handleShareForm makes a credential public or private.
func (s *Server) handleShareForm(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pageLearner(w, r)
	if !ok {
		return
	}
	id := chi.URLParam(r, "holdingID")
	var public bool
	switch r.PostFormValue("public") {
	case "true":
		public = true
	case "false":
	default:
		s.pageError(w, r, badged.Errorf(badged.Invalid, "say whether the credential is to be public"))
		return
	}
	if _, err := s.Wallet.SetPublic(r.Context(), l, id, public); err != nil {
		s.pageError(w, r, err)
		return
	}
	seeOther(w, r, "/backpack/"+url.PathEscape(id)+"#share", map[bool]string{true: "public", false: "private"}[public])
}

// handlePresentationForm signs a presentation of the credential for the
// challenge and domain given, and shows the credential's page with its
// link and QR code.
func (s *Server) handlePresentationForm(w http.ResponseWriter, r *http.Request) {
	l, ok := s.pageLearner(w, r)
	if !ok {
		return
	}
	id := chi.URLParam(r, "holdingID")
	vp, err := s.Wallet.CreatePresentation(r.Context(), l, wallet.PresentationRequest{HoldingIDs: []string{id},
		Challenge: r.PostFormValue("challenge"), Domain: r.PostFormValue("domain")})
	if badged.KindOf(err) == badged.Invalid {
		p, perr := s.credentialPage(w, r, l, id)
		if perr != nil {
			s.pageError(w, r, perr)
			return
		}
		p.PresError, p.Challenge, p.Domain = badged.MessageOf(err), r.PostFormValue("challenge"), r.PostFormValue("domain")
		s.renderHTML(w, r, http.StatusBadRequest, "backpack_credential", p)
		return
	}
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	seeOther(w, r, "/backpack/"+url.PathEscape(id)+"?presentation="+url.QueryEscape(vp.ID)+"#present", "")
}

// ---- what a credential means

// meaning is what a credential says beyond its summary, read for people.
type meaning struct {
	Summary         wallet.Summary
	LearningOutcome string
	TimeInvestment  string
	Alignments      []alignmentView
	Evidence        []evidenceView
}

type alignmentView struct{ Name, URL, Framework, Code string }

type evidenceView struct{ Name, URL, Narrative, Description string }

// meaningOf reads the credential's achievement and evidence.
func meaningOf(b []byte, res *verifier.Result, sum wallet.Summary) meaning {
	m := meaning{Summary: sum}
	var doc map[string]any
	if json.Unmarshal(b, &doc) != nil {
		if res == nil || res.Credential == nil {
			return m
		}
		doc = res.Credential
	}
	str := func(o map[string]any, k string) string { v, _ := o[k].(string); return v }
	subj, _ := doc["credentialSubject"].(map[string]any)
	if l, ok := doc["credentialSubject"].([]any); ok && len(l) > 0 {
		subj, _ = l[0].(map[string]any)
	}
	if a, ok := subj["achievement"].(map[string]any); ok {
		m.LearningOutcome = str(a, "learningOutcome")
		if v, ok := a["timeInvestment"].(float64); ok {
			m.TimeInvestment = strconv.FormatFloat(v, 'f', -1, 64)
		}
		for _, raw := range credential.List(a["alignment"]) {
			if o, ok := raw.(map[string]any); ok {
				m.Alignments = append(m.Alignments, alignmentView{Name: str(o, "targetName"), URL: httpURL(str(o, "targetUrl")),
					Framework: str(o, "targetFramework"), Code: str(o, "targetCode")})
			}
		}
	}
	for _, raw := range credential.List(doc["evidence"]) {
		if o, ok := raw.(map[string]any); ok {
			m.Evidence = append(m.Evidence, evidenceView{Name: str(o, "name"), URL: httpURL(str(o, "id")),
				Narrative: str(o, "narrative"), Description: str(o, "description")})
		}
	}
	return m
}

// httpURL returns u when it is an http(s) URL, for a link; else "".
func httpURL(u string) string {
	if p, err := url.Parse(u); err == nil && (p.Scheme == "https" || p.Scheme == "http") && p.Host != "" {
		return u
	}
	return ""
}

// imageURL returns the credential's image for an img element: its http(s)
// URL, a data: URL of an image, or else a drawn badge.
func imageURL(sum wallet.Summary) template.URL {
	if u := httpURL(sum.Image); u != "" {
		return template.URL(u)
	}
	for _, mt := range []string{"data:image/png;", "data:image/jpeg;", "data:image/gif;", "data:image/webp;", "data:image/svg+xml;"} {
		if strings.HasPrefix(sum.Image, mt) && len(sum.Image) < 512<<10 {
			return template.URL(sum.Image)
		}
	}
	return template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(wallet.DefaultSVG(sum.Name)))
}

var monthNames = map[string][12]string{
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	"nl": {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
}

// dateText says an RFC 3339 date in lang, "2 March 2025"; "" for none,
// and the text itself when it is not a date.
func dateText(lang, s string) string {
	if s == "" {
		return ""
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	if t.IsZero() || t.Year() <= 1 {
		return ""
	}
	return fmt.Sprintf("%d %s %d", t.Day(), monthNames[lang][t.Month()-1], t.Year())
}
