package page

import (
	"bytes"
	"cmp"
	"context"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
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

// Deps are what the pages use. Without Wallet the backpack's pages
// answer 503, without Login /login/{provider} 404; the rest as their
// handlers say.
type Deps struct {
	Log *slog.Logger
	// Now is the clock pages say ages by (nil: time.Now).
	Now                func() time.Time
	Issuer             *issuer.Service
	Auth               *auth.Service
	Wallet             *wallet.Service
	Verifier           *verifier.Verifier
	Egress             *http.Client
	Issuers            verifier.IssuerDirectory
	InstitutionRecords InstitutionReader
	Institutions       InstitutionLister
	// SecureCookies marks the cookies Secure (an https base URL).
	SecureCookies bool
	// Authenticate is web's authentication of an API request, which a
	// page route falls back to for a client that is not a browser.
	Authenticate func(http.Handler) http.Handler
	// WalletLearner is the signed-in person of a request as the wallet's
	// learner (api.Handler.WalletLearner).
	WalletLearner func(r *http.Request) (issuer.Learner, error)
	// MaxBody is the limit on a request body.
	MaxBody func() int64
}

// Handler serves the pages.
type Handler struct{ Deps }

// New returns the pages on d.
func New(d Deps) *Handler { return &Handler{d} }

// InstitutionReader reads an institution by ID; issuer.Store implements
// it, and also hierarchyReader and catalogueReader, which the pages look
// for on it.
type InstitutionReader interface {
	Institution(ctx context.Context, id string) (*issuer.Institution, error)
}

// InstitutionLister lists every institution. issuer.Store implements it.
type InstitutionLister interface {
	Institutions(ctx context.Context) ([]*issuer.Institution, error)
}

// Routes adds the pages: the share and
// presentation pages' images and credentials, the backpack and the
// catalogue.
func (h *Handler) Routes(r chi.Router) {
	h.registerBackpackRoutes(r)
}

// Clock is the pages' clock: Now, or time.Now.
func (h *Handler) Clock() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// The learner's pages: the backpack, a credential, import and account,
// server-rendered in Dutch or English. They need no JavaScript: every
// change is a same-origin form post, which the router's cross-origin
// protection lets through and refuses from other sites, followed by a
// redirect back to a page (post/redirect/get). A browser without a
// session is sent to the login page; any other client gets the API's
// problem+json.

//go:embed templates/backpack*.html templates/home.html static/backpack.css
var backpackAssets embed.FS

//go:embed templates/layout.html templates/message.html
var layoutAssets embed.FS

// layout is the site's layout, which every page of [Templates] fills.
var layout = template.Must(template.New("layout").Funcs(template.FuncMap{
	"text": func(t map[string]string, key string) string { return t[key] },
	"state": func(t map[string]string, state string) map[string]string {
		return map[string]string{"S": state, "T": StateText(t, state), "Note": t[stateKey(state)+"Text"]}
	},
}).ParseFS(layoutAssets, "templates/layout.html"))

// Templates parses the pages names of fsys (templates/<name>.html), each
// the site's layout with its own "title", "meta" and "content", for
// [Handler.Render]. A package parses its pages once, when it is loaded:
// they are embedded, so a parse error is a bug every test finds.
func Templates(fsys fs.FS, names ...string) map[string]*template.Template {
	pages := map[string]*template.Template{}
	for _, name := range names {
		pages[name] = template.Must(template.Must(layout.Clone()).ParseFS(fsys, "templates/"+name+".html"))
	}
	return pages
}

// backpackPages are the pages of this package.
var backpackPages = func() map[string]*template.Template {
	pages := Templates(backpackAssets, "backpack", "backpack_credential", "backpack_import", "backpack_account",
		"backpack_delete", "home")
	pages["backpack_message"] = template.Must(template.Must(layout.Clone()).ParseFS(layoutAssets, "templates/message.html"))
	return pages
}()

// registerBackpackRoutes adds the learner's pages and their stylesheet.
func (h *Handler) registerBackpackRoutes(r chi.Router) {
	r.Get("/static/backpack.css", func(w http.ResponseWriter, r *http.Request) {
		b, _ := backpackAssets.ReadFile("static/backpack.css")
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Write(b)
	})
	r.With(h.OptionalSession).Get("/", h.handleHomePage)
	r.Route("/backpack", func(r chi.Router) {
		r.Use(h.Session)
		r.Get("/", h.handleBackpackPage)
		r.Get("/awards/{awardID}", h.handleAwardLink)
		r.Post("/awards/{awardID}/claim", h.handleClaimForm)
		r.Post("/awards/{awardID}/reject", h.handleRejectForm)
		r.Get("/import", h.handleImportPage)
		r.Post("/import", h.handleImportForm)
		r.Get("/account", h.handleAccountPage)
		r.Get("/account/delete", h.handleDeletePage)
		r.Post("/account/delete", h.handleDeleteForm)
		r.Get("/{holdingID}", h.handleCredentialPage)
		r.Post("/{holdingID}/share", h.handleShareForm)
		r.Post("/{holdingID}/presentations", h.handlePresentationForm)
	})
}

// WantsHTML reports whether the client prefers HTML to JSON: a browser.
// A request without Accept (a script, curl) gets JSON; */* counts for
// both, so that a link-preview robot sending it gets the page with its
// OpenGraph tags.
func WantsHTML(r *http.Request) bool {
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

// Session establishes the person of a page request from the session
// cookie. A browser without a valid session is redirected to the login
// page, which brings it back; any other request goes through
// authenticate, so an API client gets 401, and a system's bearer token
// 403 from the handler.
func (h *Handler) Session(next http.Handler) http.Handler {
	api := h.Authenticate(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" || !WantsHTML(r) {
			api.ServeHTTP(w, r)
			return
		}
		var p *auth.Principal
		if c, err := r.Cookie(request.SessionCookie); err == nil && c.Value != "" {
			p, err = h.Auth.SessionPrincipal(r.Context(), c.Value)
			switch {
			case badged.KindOf(err) == badged.Unauthorized:
				http.SetCookie(w, request.NewSessionCookie("", time.Time{}, h.SecureCookies))
				p = nil
			case err != nil:
				h.Error(w, r, err)
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

// LangOf is the language of a learner's page: ?lang= (remembered in
// a cookie), else the cookie, else the form's lang or Accept-Language.
func LangOf(w http.ResponseWriter, r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == "nl" || l == "en" {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode})
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == "nl" || c.Value == "en") {
		return c.Value
	}
	return Lang(r)
}

// LangURL is the page at path in lang: r's URL with that path and its
// query's lang set to lang, as a link on this site.
func LangURL(r *http.Request, path, lang string) string {
	u := *r.URL
	q := u.Query()
	q.Set("lang", lang)
	u.Path, u.RawQuery = path, q.Encode()
	return u.RequestURI()
}

// Base is what every learner's page shows around its content.
type Base struct {
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

func (h *Handler) Base(w http.ResponseWriter, r *http.Request, nav string) Base {
	lang := LangOf(w, r)
	t := BackpackText[lang]
	p := Base{Lang: lang, T: t, Checks: VerifyText[lang], LangURL: LangURL(r, r.URL.Path, t["otherLang"]), Nav: nav,
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
	"private": "sharedPrivate", "imported": "importDone", "requested": "requestDone"}

// Render executes page (one of [Templates]) with data and sends it with the headers of a
// page: a strict content security policy (no script at all), no framing;
// nosniff, the Referrer-Policy and no caching (unless its handler set
// another Cache-Control) come from [Server.secureHeaders]. A page its handler marked public (Cache-Control "public,
// …", the catalogue to someone not signed in) gets, when its status is
// 200, an ETag of its content, and If-None-Match is answered with 304.
func (h *Handler) Render(w http.ResponseWriter, r *http.Request, status int, page *template.Template, data any) {
	var b bytes.Buffer
	if err := page.ExecuteTemplate(&b, "layout", data); err != nil {
		if h.Log != nil {
			h.Log.Error("render page", "path", r.URL.Path, "request_id", request.ID(r.Context()), "err", err)
		}
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data: https:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	hd.Set("Vary", "Accept, Accept-Language, Cookie")
	if status == http.StatusOK && strings.HasPrefix(hd.Get("Cache-Control"), "public") {
		hd.Set("ETag", render.ETag(b.Bytes()))
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b.Bytes()))
		return
	}
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// handleHomePage is the site's root: for someone signed in, where
// sign-in lands without a next page, their backpack; for a visitor, what
// badged is and the three ways in (sign in, the catalogue, the verifier).
func (h *Handler) handleHomePage(w http.ResponseWriter, r *http.Request) {
	p := h.Base(w, r, "")
	if p.SignedIn {
		http.Redirect(w, r, "/backpack", http.StatusSeeOther)
		return
	}
	p.Title = p.T["homeTitle"]
	h.Render(w, r, http.StatusOK, backpackPages["home"], p)
}

// messagePage is a page that only says something: an error, a 404, the
// farewell after deleting an account.
type messagePage struct {
	Base
	Heading, Text string
	Status        int
	Back          string // a page to go back to, if any (the form of a refused upload)
}

// Message answers with status and a page that only says something: say
// gives its heading and text in the words t of the page's language lang;
// back, when set, is a page to go back to.
func (h *Handler) Message(w http.ResponseWriter, r *http.Request, status int, back string, say func(t map[string]string, lang string) (heading, text string)) {
	p := messagePage{Base: h.Base(w, r, ""), Status: status, Back: back}
	p.Heading, p.Text = say(p.T, p.Lang)
	p.Title = p.Heading
	h.Render(w, r, status, backpackPages["backpack_message"], p)
}

// Error answers err as a page to a browser (a styled page in the site's
// layout, in the visitor's language, with a link home) and as
// problem+json to anyone else. Its status comes from render.Status, or
// from a *render.StatusError (405, say); only Internal errors are
// logged, and their detail is never shown.
func (h *Handler) Error(w http.ResponseWriter, r *http.Request, err error) {
	if !WantsHTML(r) {
		render.Error(w, r, h.Log, err)
		return
	}
	kind := badged.KindOf(err)
	status := render.Status(kind)
	var se *render.StatusError
	if errors.As(err, &se) {
		status = se.Status
	} else if kind == badged.Internal && h.Log != nil {
		h.Log.Error("internal error", "method", r.Method, "path", r.URL.Path, "request_id", request.ID(r.Context()), "err", err)
	}
	h.Message(w, r, status, "", func(t map[string]string, _ string) (string, string) {
		switch status {
		case http.StatusNotFound:
			return t["notFoundTitle"], t["notFoundText"]
		case http.StatusMethodNotAllowed:
			return t["methodNotAllowedTitle"], t["methodNotAllowedText"]
		case http.StatusInternalServerError:
			return t["errorTitle"], t["internalText"]
		}
		return t["errorTitle"], Sentence(badged.MessageOf(err))
	})
}

// Learner returns the signed-in learner of a page request, as
// [Server.learner] does for the API, answering the errors as pages.
func (h *Handler) Learner(w http.ResponseWriter, r *http.Request) (issuer.Learner, bool) {
	l, err := h.WalletLearner(r)
	if err != nil {
		h.Error(w, r, err)
		return issuer.Learner{}, false
	}
	return l, true
}

// SeeOther ends a form post: back to a page, with a notice. path may end
// in a fragment ("/backpack/x#share"); the notice goes into the query,
// before it, where the page can read it.
func SeeOther(w http.ResponseWriter, r *http.Request, path, done string) {
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

// StateText is a holding state in t's words (BackpackText), by its
// stateKey.
func StateText(t map[string]string, state string) string { return t[stateKey(state)] }

// stateKey is the key of a holding state's words in BackpackText:
// "stateRevoked"; the key + "Text" says what the state means.
func stateKey(state string) string {
	return "state" + strings.ToUpper(state[:min(1, len(state))]) + state[min(1, len(state)):]
}

// ---- the list

// Card is one credential in the list.
type Card struct {
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
	Base
	Cards       []Card
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
func (h *Handler) handleBackpackPage(w http.ResponseWriter, r *http.Request) {
	l, ok := h.Learner(w, r)
	if !ok {
		return
	}
	p, err := h.backpackPage(w, r, l, "", "")
	if err != nil {
		h.Error(w, r, err)
		return
	}
	h.Render(w, r, http.StatusOK, backpackPages["backpack"], p)
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
		p.Cards = append(p.Cards, Card{ID: hd.ID, Name: cmp.Or(hd.Summary.Name, hd.ID), Issuer: cmp.Or(hd.Summary.IssuerName, hd.Summary.IssuerID),
			Issued: DateText(p.Lang, hd.Summary.Issued), ValidUntil: DateText(p.Lang, hd.Summary.ValidUntil), State: hd.State,
			Source: hd.Source, Image: ImageURL(hd.Summary), Public: hd.Share != nil && hd.Share.Public})
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
					Issuer: h.issuerName(ctx, a.IssuerID, p.Lang), Deadline: DateText(p.Lang, a.ClaimDeadline.Format(time.RFC3339))}
				pa.Institution, pa.TermsVersion, pa.Terms = h.institutionTerms(ctx, a.InstitutionID, p.Lang)
				if a.ID == errAward {
					pa.Error = errText
				}
				p.Pending = append(p.Pending, pa)
			case a.Kind == issuer.KindRequest:
				rv := requestView{ID: a.ID, Name: name, State: string(a.State), Requested: DateText(p.Lang, a.Requested.Format(time.RFC3339))}
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

// LearnerAwards lists every award of the learner in one of states.
func (h *Handler) LearnerAwards(ctx context.Context, l issuer.Learner, states ...issuer.AwardState) ([]*issuer.Award, error) {
	var out []*issuer.Award
	f := issuer.AwardFilter{States: states, Limit: 1000}
	for {
		page, err := h.Issuer.LearnerAwards(ctx, l, f)
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

func (h *Handler) badgeClassText(ctx context.Context, id, lang string) (name, desc string, img template.URL) {
	if hr, ok := h.InstitutionRecords.(hierarchyReader); ok {
		if bc, err := hr.BadgeClass(ctx, id); err == nil {
			return bc.Name.In(lang), bc.Description.In(lang), ImageURL(wallet.Summary{Name: bc.Name.In(lang), Image: bc.ImageURL})
		}
	}
	return id, "", ImageURL(wallet.Summary{Name: id})
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
	return BackpackText[lang]["institutionUnknown"]
}

// institutionTerms returns the name of the institution id in lang, and
// the version and text in lang of the terms a learner accepts to claim a
// direct award from it: the institution's own, or, when it has none, the
// fallback terms without a version.
func (h *Handler) institutionTerms(ctx context.Context, id, lang string) (name, version, text string) {
	name = BackpackText[lang]["institutionUnknown"]
	if h.InstitutionRecords != nil {
		if in, err := h.InstitutionRecords.Institution(ctx, id); err == nil {
			name = in.Name.In(lang)
			if in.Terms.Version != "" {
				return name, in.Terms.Version, in.Terms.Text.In(lang)
			}
		}
	}
	return name, "", fmt.Sprintf(FallbackTerms[lang], name)
}

// handleClaimForm claims a direct award for the learner, who ticked the
// box accepting the terms of the version the page showed; without the
// tick, or for older terms, the list comes back with the Reason at the
// award.
// handleAwardLink is where the award emails link to: the credential's
// page once the learner holds it, else the backpack at the award (a
// waiting award with its claim and reject forms, or the learner's
// requests). An award that is not the learner's gives the backpack, which
// does not show it.
func (h *Handler) handleAwardLink(w http.ResponseWriter, r *http.Request) {
	l, ok := h.Learner(w, r)
	if !ok {
		return
	}
	id := chi.URLParam(r, "awardID")
	w.Header().Set("Cache-Control", "no-store")
	if _, err := h.Wallet.Holding(r.Context(), l, id); err == nil {
		http.Redirect(w, r, "/backpack/"+url.PathEscape(id), http.StatusSeeOther)
		return
	} else if badged.KindOf(err) != badged.NotFound {
		h.Error(w, r, err)
		return
	}
	http.Redirect(w, r, "/backpack#award-"+url.PathEscape(id), http.StatusSeeOther)
}

func (h *Handler) handleClaimForm(w http.ResponseWriter, r *http.Request) {
	l, ok := h.Learner(w, r)
	if !ok {
		return
	}
	if h.Issuer == nil {
		h.Error(w, r, badged.Errorf(badged.Unavailable, "awards are not available on this server"))
		return
	}
	id := chi.URLParam(r, "awardID")
	t := BackpackText[LangOf(w, r)]
	refuse := func(status int, text string) {
		p, err := h.backpackPage(w, r, l, id, text)
		if err != nil {
			h.Error(w, r, err)
			return
		}
		p.Error = text
		h.Render(w, r, status, backpackPages["backpack"], p)
	}
	if r.PostFormValue("terms") != "accepted" {
		refuse(http.StatusBadRequest, t["termsRequired"])
		return
	}
	version := r.PostFormValue("terms_version")
	did, err := h.Wallet.HolderDID(r.Context(), l.UserID)
	if err != nil {
		h.Error(w, r, err)
		return
	}
	l.HolderDID = did
	if _, err := h.Issuer.ClaimAward(r.Context(), l, id, version); err != nil {
		if k := badged.KindOf(err); k == badged.Conflict || k == badged.Invalid {
			text := badged.MessageOf(err)
			if h.termsChanged(r.Context(), l, id, version) {
				k, text = badged.Conflict, t["termsChanged"]
			}
			refuse(render.Status(k), text)
			return
		}
		h.Error(w, r, hideForbidden(err))
		return
	}
	SeeOther(w, r, "/backpack/"+url.PathEscape(id), "claimed")
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
func (h *Handler) handleRejectForm(w http.ResponseWriter, r *http.Request) {
	l, ok := h.Learner(w, r)
	if !ok {
		return
	}
	if h.Issuer == nil {
		h.Error(w, r, badged.Errorf(badged.Unavailable, "awards are not available on this server"))
		return
	}
	if _, err := h.Issuer.RejectAward(r.Context(), l, chi.URLParam(r, "awardID")); err != nil {
		h.Error(w, r, hideForbidden(err))
		return
	}
	SeeOther(w, r, "/backpack", "rejected")
}

// ---- one credential

type credentialPage struct {
	Base
	H            *wallet.Holding
	Card         Card
	Meaning      Meaning
	V            Verdict
	Results      []Check
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
func (h *Handler) handleCredentialPage(w http.ResponseWriter, r *http.Request) {
	l, ok := h.Learner(w, r)
	if !ok {
		return
	}
	p, err := h.credentialPage(w, r, l, chi.URLParam(r, "holdingID"))
	if err != nil {
		h.Error(w, r, err)
		return
	}
	if id := r.URL.Query().Get("presentation"); id != "" {
		ps, err := h.Wallet.Presentations(r.Context(), l)
		if err != nil {
			h.Error(w, r, err)
			return
		}
		for _, vp := range ps {
			if vp.ID == id {
				p.Presentation = h.presentationPage(p.Lang, vp)
			}
		}
	}
	h.Render(w, r, http.StatusOK, backpackPages["backpack_credential"], p)
}

func (h *Handler) credentialPage(w http.ResponseWriter, r *http.Request, l issuer.Learner, id string) (*credentialPage, error) {
	hd, err := h.Wallet.Holding(r.Context(), l, id)
	if err != nil {
		return nil, err
	}
	p := &credentialPage{Base: h.Base(w, r, "list"), H: hd}
	p.Title = cmp.Or(hd.Summary.Name, hd.ID)
	p.Card = Card{ID: hd.ID, Name: p.Title, Issuer: cmp.Or(hd.Summary.IssuerName, hd.Summary.IssuerID),
		Issued: DateText(p.Lang, hd.Summary.Issued), ValidUntil: DateText(p.Lang, hd.Summary.ValidUntil),
		State: hd.State, Source: hd.Source, Image: ImageURL(hd.Summary), Public: hd.Share != nil && hd.Share.Public}
	p.Meaning = MeaningOf(hd.Credential, hd.Verification, hd.Summary)
	p.V, p.Results = VerificationOf(p.Checks, hd.Verification, h.Clock())
	p.Presentable = wallet.Presentable(hd.State)
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
	v := &presentationPageView{ID: vp.ID, URL: u, Expires: DateText(lang, vp.Expires.Format(time.RFC3339))}
	if png, err := wallet.QR(u, false); err == nil {
		v.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	}
	return v
}

// handleShareForm makes a credential public or private.
func (h *Handler) handleShareForm(w http.ResponseWriter, r *http.Request) {
	l, ok := h.Learner(w, r)
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
		h.Error(w, r, badged.Errorf(badged.Invalid, "say whether the credential is to be public"))
		return
	}
	if _, err := h.Wallet.SetPublic(r.Context(), l, id, public); err != nil {
		h.Error(w, r, err)
		return
	}
	SeeOther(w, r, "/backpack/"+url.PathEscape(id)+"#share", map[bool]string{true: "public", false: "private"}[public])
}

// handlePresentationForm signs a presentation of the credential for the
// challenge and domain given, and shows the credential's page with its
// link and QR code.
func (h *Handler) handlePresentationForm(w http.ResponseWriter, r *http.Request) {
	l, ok := h.Learner(w, r)
	if !ok {
		return
	}
	id := chi.URLParam(r, "holdingID")
	vp, err := h.Wallet.CreatePresentation(r.Context(), l, wallet.PresentationRequest{HoldingIDs: []string{id},
		Challenge: r.PostFormValue("challenge"), Domain: r.PostFormValue("domain")})
	if badged.KindOf(err) == badged.Invalid {
		p, perr := h.credentialPage(w, r, l, id)
		if perr != nil {
			h.Error(w, r, perr)
			return
		}
		p.PresError, p.Challenge, p.Domain = badged.MessageOf(err), r.PostFormValue("challenge"), r.PostFormValue("domain")
		h.Render(w, r, http.StatusBadRequest, backpackPages["backpack_credential"], p)
		return
	}
	if err != nil {
		h.Error(w, r, err)
		return
	}
	SeeOther(w, r, "/backpack/"+url.PathEscape(id)+"?presentation="+url.QueryEscape(vp.ID)+"#present", "")
}

// ---- what a credential means

// Meaning is what a credential says beyond its summary, read for people.
type Meaning struct {
	Summary         wallet.Summary
	LearningOutcome string
	TimeInvestment  string
	Alignments      []Alignment
	Evidence        []Evidence
}

type Alignment struct{ Name, URL, Framework, Code string }

type Evidence struct{ Name, URL, Narrative, Description string }

// MeaningOf reads the credential's achievement and evidence.
func MeaningOf(b []byte, res *verifier.Result, sum wallet.Summary) Meaning {
	m := Meaning{Summary: sum}
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
				m.Alignments = append(m.Alignments, Alignment{Name: str(o, "targetName"), URL: HTTPURL(str(o, "targetUrl")),
					Framework: str(o, "targetFramework"), Code: str(o, "targetCode")})
			}
		}
	}
	for _, raw := range credential.List(doc["evidence"]) {
		if o, ok := raw.(map[string]any); ok {
			m.Evidence = append(m.Evidence, Evidence{Name: str(o, "name"), URL: HTTPURL(str(o, "id")),
				Narrative: str(o, "narrative"), Description: str(o, "description")})
		}
	}
	return m
}

// HTTPURL returns u when it is an http(s) URL, for a link; else "".
func HTTPURL(u string) string {
	if p, err := url.Parse(u); err == nil && (p.Scheme == "https" || p.Scheme == "http") && p.Host != "" {
		return u
	}
	return ""
}

// ImageURL returns the credential's image for an img element: its http(s)
// URL, a data: URL of an image, or else a drawn badge.
func ImageURL(sum wallet.Summary) template.URL {
	if u := HTTPURL(sum.Image); u != "" {
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

// DateText says an RFC 3339 date in lang, "2 March 2025"; "" for none,
// and the text itself when it is not a date.
func DateText(lang, s string) string {
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

// SizeText says n bytes in MiB or KiB when it is a whole number of them.
func SizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// OptionalSession adds the person of a valid session cookie to the
// request, and lets every request through: a public page that says more
// to someone signed in.
func (h *Handler) OptionalSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie(request.SessionCookie); err == nil && c.Value != "" && h.Auth != nil {
			if p, err := h.Auth.SessionPrincipal(r.Context(), c.Value); err == nil && p != nil {
				r = r.WithContext(request.WithPrincipal(r.Context(), p))
			}
		}
		next.ServeHTTP(w, r)
	})
}

// Clip cuts s to at most n characters, ending in "…" when it cut.
func Clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
