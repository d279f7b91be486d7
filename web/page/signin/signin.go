// Package signin is the sign-in page: the list of OpenID Connect
// providers (eduID, an institution's, or the demo accounts), the redirect
// to one, its callback, which starts a session, and sign-out.
package signin

import (
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/auth"
	"github.com/badged/badged/login"
	"github.com/badged/badged/web/page"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

// Cookie is the name of the cookie that carries a sign-in in progress
// (sealed state, nonce and PKCE verifier) from /login/{provider} to its
// callback.
const Cookie = "badged_login"

//go:embed templates/login.html
var loginAssets embed.FS

var loginTemplate = template.Must(template.ParseFS(loginAssets, "templates/login.html"))

// Text is the words of the sign-in page, by language.
var Text = page.Words("login")

// Deps are what the sign-in pages use. Without Login there is no
// provider, and /login/{provider} answers 404.
type Deps struct {
	Log   *slog.Logger
	Login *login.Service
	// Demo says the providers are demo accounts, which the page tells.
	Demo bool
	Auth *auth.Service
	// SecureCookies marks the cookies Secure (an https base URL).
	SecureCookies bool
}

// Handler serves the sign-in pages.
type Handler struct{ Deps }

// New returns the sign-in pages on d.
func New(d Deps) *Handler { return &Handler{d} }

// Routes adds the sign-in pages: the list of providers, the
// redirect to one, its callback, and sign-out. They are public: the
// callback signs in whoever completes a flow this browser started.
func (h *Handler) Routes(r chi.Router) {
	r.Get("/login", h.handleLoginPage)
	r.Get("/login/{provider}", h.handleLoginStart)
	r.Get("/login/{provider}/callback", h.handleLoginCallback)
	r.Post("/logout", h.handleLogout)
}

type loginLink struct{ Name, Label, URL string }

type loginPage struct {
	Lang            string
	T               map[string]string
	LangURL         string // this page in the other language
	Demo            bool
	Error           string // that signing in failed, in the page's language
	Detail          string // why, in English: the sign-in service's message
	RequestID       string
	Learners, Staff []loginLink
	SignedIn        bool
}

// renderLogin shows the login page, in the visitor's language (as the
// backpack's pages choose it), with an error when err is not nil: that
// signing in failed, in the page's language, and why in the sign-in
// service's (English) words, under "Technical details" on a Dutch page.
func (h *Handler) renderLogin(w http.ResponseWriter, r *http.Request, status int, err error) {
	lang := page.LangOf(w, r)
	lp := loginPage{Lang: lang, T: Text[lang], LangURL: page.LangURL(r, "/login", Text[lang]["otherLang"]), Demo: h.Demo}
	if err != nil {
		kind := badged.KindOf(err)
		if status = render.Status(kind); status == 0 {
			status = http.StatusInternalServerError
		}
		lp.Error, lp.Detail, lp.RequestID = lp.T["failed"], page.Sentence(badged.MessageOf(err)), request.ID(r.Context())
		if h.Log == nil {
		} else if kind == badged.Internal || kind == badged.Unavailable {
			h.Log.Error("sign-in failed", "path", r.URL.Path, "request_id", request.ID(r.Context()), "err", err)
		} else {
			h.Log.Info("sign-in refused", "path", r.URL.Path, "request_id", request.ID(r.Context()), "err", err)
		}
	}
	next := login.SafeNext(r.URL.Query().Get("next"))
	if h.Login != nil {
		for _, p := range h.Login.Providers() {
			u := "/login/" + url.PathEscape(p.Name)
			if next != "/" {
				u += "?next=" + url.QueryEscape(next)
			}
			l := loginLink{Name: p.Name, Label: p.Label, URL: u}
			if p.Kind == login.Staff {
				lp.Staff = append(lp.Staff, l)
			} else {
				lp.Learners = append(lp.Learners, l)
			}
		}
	}
	lp.SignedIn = request.SessionToken(r) != ""
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	w.Header().Set("Content-Language", lang)
	w.WriteHeader(status)
	loginTemplate.Execute(w, lp)
}

func (h *Handler) handleLoginPage(w http.ResponseWriter, r *http.Request) {
	h.renderLogin(w, r, http.StatusOK, nil)
}

// loginCookie returns the cookie of a sign-in in progress: HttpOnly,
// Secure as the session cookie, and SameSite=Lax, since the provider
// sends the browser back with a cross-site top-level GET. An empty value
// deletes it.
func (h *Handler) loginCookie(value string, ttl time.Duration) *http.Cookie {
	c := &http.Cookie{Name: Cookie, Value: value, Path: "/login/", MaxAge: int(ttl / time.Second),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.SecureCookies}
	if value == "" {
		c.MaxAge = -1
	}
	return c
}

func (h *Handler) handleLoginStart(w http.ResponseWriter, r *http.Request) {
	if h.Login == nil {
		h.renderLogin(w, r, 0, badged.Errorf(badged.NotFound, "no sign-in provider is configured"))
		return
	}
	authURL, sealed, err := h.Login.Begin(r.Context(), chi.URLParam(r, "provider"), r.URL.Query().Get("next"), r.URL.Query().Get("login_hint"))
	if err != nil {
		h.renderLogin(w, r, 0, err)
		return
	}
	http.SetCookie(w, h.loginCookie(sealed, h.Login.FlowTTL()))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, authURL, http.StatusSeeOther)
}

func (h *Handler) handleLoginCallback(w http.ResponseWriter, r *http.Request) {
	if h.Login == nil {
		h.renderLogin(w, r, 0, badged.Errorf(badged.NotFound, "no sign-in provider is configured"))
		return
	}
	var sealed string
	if c, err := r.Cookie(Cookie); err == nil {
		sealed = c.Value
	}
	http.SetCookie(w, h.loginCookie("", 0)) // a flow finishes once, either way
	res, err := h.Login.Finish(r.Context(), chi.URLParam(r, "provider"), sealed, r.URL.Query())
	if err != nil {
		h.renderLogin(w, r, 0, err)
		return
	}
	if h.Log != nil {
		h.Log.Info("signed in", "user", res.User.ID, "kind", res.User.Kind, "provider", res.User.Provider,
			"invitations_bound", len(res.Bound), "request_id", request.ID(r.Context()))
		for _, m := range res.Waiting {
			h.Log.Info("invitation not bound: it binds only through the inviting institution's own identity provider",
				"user", res.User.ID, "provider", res.User.Provider, "membership", m.ID, "institution", m.InstitutionID,
				"signed_in_institution", res.User.InstitutionID, "request_id", request.ID(r.Context()))
		}
	}
	http.SetCookie(w, request.NewSessionCookie(res.Token, res.Session.Expires, h.SecureCookies))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, res.Next, http.StatusSeeOther)
}

// handleLogout ends the session of the cookie, if any, clears the cookie
// and goes to the login page. Cross-origin posts are refused by the
// router's cross-origin protection.
func (h *Handler) handleLogout(w http.ResponseWriter, r *http.Request) {
	if token := request.SessionToken(r); token != "" {
		if err := h.Auth.RevokeSession(r.Context(), token); err != nil {
			h.renderLogin(w, r, 0, err)
			return
		}
	}
	http.SetCookie(w, request.NewSessionCookie("", time.Time{}, h.SecureCookies))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
