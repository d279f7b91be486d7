// Package page is the site's page layer, which every page package
// (backpack, catalogue, share, verify, signin) builds on: the layout and
// its stylesheet, rendering ([Handler.Render], [Templates]), the
// language of a page and its words ([Words], one message catalogue),
// the page session, the styled error and message pages, and the views
// the pages share (a credential's card, its meaning, its verdict). The
// home page is its own.
package page

import (
	"bytes"
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
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/auth"
	"github.com/badged/badged/badgeimage"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/login"
	"github.com/badged/badged/openid4vci"
	"github.com/badged/badged/verifier"
	"github.com/badged/badged/wallet"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

// Deps are what the pages built on this layer use (backpack, catalogue,
// share take them from the [Handler] they embed). Without Wallet the
// backpack's pages answer 503; the rest as their handlers say.
type Deps struct {
	Log *slog.Logger
	// Now is the clock pages say ages by (nil: time.Now).
	Now                func() time.Time
	Issuer             *issuer.Service
	Auth               *auth.Service
	Wallet             *wallet.Service
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
	// Demo says the sign-in providers are demo accounts: the home page
	// offers one-click sign-in as each (DemoAccounts).
	Demo bool
	// Endorsements gives the accepted endorsements the catalogue, share
	// and backpack pages show (nil: none).
	Endorsements EndorsementReader
	// Offers makes OpenID4VCI offers of a learner's badge for their own
	// wallet (nil: the backpack offers none).
	Offers OfferCreator
}

// WalletOffer is an OpenID4VCI offer of a badge shown on a page, for the
// learner's wallet app: a QR code to scan, the link for a wallet on the
// same device and the transaction code to type (the layout's
// "walletOffer" block shows it).
type WalletOffer struct {
	URI     template.URL // openid-credential-offer://…
	QR      string
	TxCode  string
	Minutes int // how long it works
}

// WalletOfferOf is o as shown at now.
func WalletOfferOf(o *openid4vci.NewOffer, now time.Time) *WalletOffer {
	return &WalletOffer{URI: template.URL(o.URI), QR: openid4vci.PathOffers + o.Ref + "/qr.png", TxCode: o.TxCode,
		Minutes: int(o.Offer.Expires.Sub(now).Round(time.Minute).Minutes())}
}

// OfferCreator creates OpenID4VCI credential offers for awards;
// *openid4vci.Service is one.
type OfferCreator interface {
	CreateOffer(ctx context.Context, awardID string, withTxCode bool) (*openid4vci.NewOffer, error)
}

// Handler is the site's page layer and the home page.
type Handler struct{ Deps }

// New returns the page layer on d.
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

// Routes adds the site's own pages: the home page and the stylesheet of
// every page.
func (h *Handler) Routes(r chi.Router) {
	r.Get("/static/backpack.css", func(w http.ResponseWriter, r *http.Request) {
		b, _ := siteAssets.ReadFile("static/backpack.css")
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Write(b)
	})
	r.With(h.OptionalSession).Get("/", h.handleHomePage)
}

// sitePages are the site's own pages: home, and the message of every
// error.
var sitePages = func() map[string]*template.Template {
	pages := Templates(siteAssets, "home")
	pages["message"] = template.Must(template.Must(layout.Clone()).ParseFS(layoutAssets, "templates/message.html"))
	return pages
}()

// Clock is the pages' clock: Now, or time.Now.
func (h *Handler) Clock() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

//go:embed templates/home.html static/backpack.css
var siteAssets embed.FS

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
		if token := request.SessionToken(r); token != "" {
			var err error
			p, err = h.Auth.SessionPrincipal(r.Context(), token)
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

// Base is what every page shows around its content.
type Base struct {
	Lang     string
	T        map[string]string
	Checks   map[string]string // the verify page's words for checks
	LangURL  string            // this page in the other language
	SignedIn bool
	// Staff says the person signed in works for an institution (or runs
	// the platform): the layout links the issuer portal and the backpack.
	Staff bool
	// Menu, when set, is the navigation of an area of the site (the
	// issuer portal's); else a signed-in person sees the backpack's.
	Menu      []MenuItem
	Nav       string // the current item of the navigation
	Notice    string // what the last action did
	Error     string
	Title     string
	RequestID string
	// Styles and Scripts are the page's own stylesheets and scripts
	// beyond the site's, same-origin paths (a page with scripts gets
	// script-src 'self' in its content security policy; none inline).
	Styles, Scripts []string
}

// PageScripts are the scripts of the page, for [Handler.Render].
func (b Base) PageScripts() []string { return b.Scripts }

// MenuItem is one link of an area's navigation: Nav is the Base.Nav
// that marks it current.
type MenuItem struct{ Nav, URL, Text string }

func (h *Handler) Base(w http.ResponseWriter, r *http.Request, nav string) Base {
	lang := LangOf(w, r)
	t := BackpackText[lang]
	p := Base{Lang: lang, T: t, Checks: VerifyText[lang], LangURL: LangURL(r, r.URL.Path, t["otherLang"]), Nav: nav,
		RequestID: request.ID(r.Context())}
	if pr := request.Principal(r); pr != nil && !pr.System() {
		p.SignedIn = true
		p.Staff = h.IsStaff(r.Context(), pr)
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
// page: a strict content security policy (no script but the page's own
// same-origin Scripts, none inline), no framing;
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
	scripts := ""
	if s, ok := data.(interface{ PageScripts() []string }); ok && len(s.PageScripts()) > 0 {
		scripts = "; script-src 'self'; connect-src 'self'"
	}
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data: https:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"+scripts)
	hd.Set("Vary", "Accept, Accept-Language, Cookie")
	if status == http.StatusOK && strings.HasPrefix(hd.Get("Cache-Control"), "public") {
		hd.Set("ETag", render.ETag(b.Bytes()))
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b.Bytes()))
		return
	}
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// IsStaff reports whether p works for an institution (a membership that
// is not a pending invitation) or runs the platform.
func (h *Handler) IsStaff(ctx context.Context, p *auth.Principal) bool {
	if p == nil || p.System() || h.Issuer == nil {
		return false
	}
	if p.User.Superuser {
		return true
	}
	ms, err := h.Issuer.Memberships(ctx, p.Actor())
	if err != nil {
		return false
	}
	for _, m := range ms {
		if !m.Pending() {
			return true
		}
	}
	return false
}

// DemoAccount is a demo person the home page signs in with one click:
// the provider to sign in with, the person (its login_hint) and where
// they land.
type DemoAccount struct{ ID, Provider, User, Next, Role, Text string }

// DemoAccounts are the demo people of the home page: the institution's
// admin and awarder, who land on the issuer portal, and a learner, who
// lands on the backpack (the demo provider's people, devidp.DemoUsers).
func DemoAccounts(t map[string]string) []DemoAccount {
	return []DemoAccount{
		{ID: "demo-admin", Provider: "demo-staff", User: "staff-admin", Next: "/portal", Role: t["demoAdmin"], Text: t["demoAdminText"]},
		{ID: "demo-awarder", Provider: "demo-staff", User: "staff-teacher", Next: "/portal", Role: t["demoAwarder"], Text: t["demoAwarderText"]},
		{ID: "demo-learner", Provider: "demo-eduid", User: "learner-anna", Next: "/backpack", Role: t["demoLearner"], Text: t["demoLearnerText"]},
	}
}

// homePage is the site's front door.
type homePage struct {
	Base
	Demo []DemoAccount
}

// handleHomePage is the site's root: for someone signed in, where
// sign-in lands without a next page, the issuer portal (staff) or their
// backpack; for a visitor, what badged is, the ways in (sign in, the
// catalogue, the verifier) and, in demo mode, one-click sign-in as a
// demo admin, awarder or learner.
func (h *Handler) handleHomePage(w http.ResponseWriter, r *http.Request) {
	p := homePage{Base: h.Base(w, r, "")}
	if p.SignedIn {
		to := "/backpack"
		if p.Staff {
			to = "/portal"
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
		return
	}
	if h.Demo {
		p.Demo = DemoAccounts(p.T)
	}
	p.Title = p.T["homeTitle"]
	h.Render(w, r, http.StatusOK, sitePages["home"], p)
}

// MessagePage is a page that only says something: an error, a 404, the
// farewell after deleting an account.
type MessagePage struct {
	Base
	Heading, Text string
	Status        int
	Back          string // a page to go back to, if any (the form of a refused upload)
}

// Message answers with status and a page that only says something: say
// gives its heading and text in the words t of the page's language lang;
// back, when set, is a page to go back to.
func (h *Handler) Message(w http.ResponseWriter, r *http.Request, status int, back string, say func(t map[string]string, lang string) (heading, text string)) {
	p := MessagePage{Base: h.Base(w, r, ""), Status: status, Back: back}
	p.Heading, p.Text = say(p.T, p.Lang)
	p.Title = p.Heading
	h.RenderMessage(w, r, p)
}

// Question routes a question to a signed-in person (an authorization
// request's consent page): GET path asks, and the form posts the answer
// to the same path. A browser without a session signs in and comes back.
func (h *Handler) Question(r chi.Router, path string, ask, answer HandlerFunc) {
	r.With(h.Session).Get(path, h.Handle(ask))
	r.With(h.Session).Post(path, h.Handle(answer))
}

// Carried returns the parameters of q named in names that are set: a
// request's parameters, which a form carries on to its answer.
func Carried(q url.Values, names []string) url.Values {
	out := url.Values{}
	for _, k := range names {
		if v := q.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	return out
}

// HandlerFunc is a page handler that returns its error instead of
// answering it: [Handler.Handle] answers it, once for every page, with
// [Handler.Error].
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Handle returns f as an http.HandlerFunc that answers f's error, if any,
// with Error: a styled page to a browser, problem+json to anyone else.
func (h *Handler) Handle(f HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := f(w, r); err != nil {
			h.Error(w, r, err)
		}
	}
}

// RenderMessage answers with the message page p, with p.Status.
func (h *Handler) RenderMessage(w http.ResponseWriter, r *http.Request, p MessagePage) {
	h.Render(w, r, p.Status, sitePages["message"], p)
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
		for _, raw := range jsonld.List(a["alignment"]) {
			if o, ok := raw.(map[string]any); ok {
				m.Alignments = append(m.Alignments, Alignment{Name: str(o, "targetName"), URL: HTTPURL(str(o, "targetUrl")),
					Framework: str(o, "targetFramework"), Code: str(o, "targetCode")})
			}
		}
	}
	for _, raw := range jsonld.List(doc["evidence"]) {
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
	return template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(badgeimage.DefaultSVG(sum.Name)))
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
		if token := request.SessionToken(r); token != "" && h.Auth != nil {
			if p, err := h.Auth.SessionPrincipal(r.Context(), token); err == nil && p != nil {
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
