// Package apps is where a learner connects applications to their
// backpack through the Open Badges 3.0 API, and disconnects them: the
// consent page of the API's authorization endpoint (who asks, what it
// may do, allow or decline) and the list of connected applications. The
// protocol is package obapi's; these pages only ask the learner.
package apps

import (
	"embed"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/obapi"
	"github.com/badged/badged/web/page"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed locales/*.json
var locales embed.FS

// Text is the pages' words, by language.
var Text = page.Catalogue(locales)

var pages = page.Templates(templates, "consent", "apps")

// PathApps is the list of connected applications.
const PathApps = "/backpack/apps"

// Handler serves the pages on the site's page layer.
type Handler struct {
	*page.Handler
	API *obapi.Service
}

// New returns the pages of api's authorization.
func New(site *page.Handler, api *obapi.Service) *Handler {
	return &Handler{Handler: site, API: api}
}

// Routes adds the authorization endpoint (the form posts to the same
// URL) and the connected applications. The learner must be signed in: a
// browser without a session goes to sign-in and comes back.
func (h *Handler) Routes(r chi.Router) {
	h.Question(r, obapi.PathAuthorize, h.handleAsk, h.handleAnswer)
	r.With(h.Session).Get(PathApps, h.Handle(h.handleApps))
	r.With(h.Session).Post(PathApps+"/{grantID}/disconnect", h.Handle(h.handleDisconnect))
}

// scope is a scope as the pages show it.
type scope struct{ Key, URL string }

func scopesOf(scopes []string) []scope {
	out := make([]scope, len(scopes))
	for i, s := range scopes {
		out[i] = scope{Key: "scope_" + obapi.ScopeName(s), URL: s}
	}
	return out
}

type consentPage struct {
	page.Base
	Params       url.Values // the request's parameters, carried by the form
	Client       *obapi.Client
	ClientHost   string
	RedirectHost string
	Scopes       []scope
}

// params are the parameters of an authorization request the form carries.
var params = []string{"response_type", "client_id", "redirect_uri", "state", "code_challenge", "code_challenge_method", "scope"}

// request parses the authorization request in q: an error the client
// should hear goes back to it; an error about the client itself (unknown,
// or a redirect URI it did not register) is shown here, with its OAuth
// 2.0 error code.
func (h *Handler) request(w http.ResponseWriter, r *http.Request, q url.Values) (*obapi.AuthorizationRequest, bool, error) {
	req, err := h.API.ParseAuthorization(r.Context(), q)
	var re *obapi.RedirectError
	switch {
	case errors.As(err, &re):
		page.SeeOther(w, r, re.URL(h.API.BaseURL()), "")
		return nil, true, nil
	case err != nil:
		if pe, ok := obapi.ErrorOf(err); ok {
			return nil, false, badged.Errorf(badged.Invalid, "the application's request cannot be answered (%s): %s", pe.Code, pe.Description)
		}
		return nil, false, err
	}
	return req, false, nil
}

func host(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Host
	}
	return ""
}

func (h *Handler) handleAsk(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.WalletLearner(r); err != nil {
		return err
	}
	req, done, err := h.request(w, r, r.URL.Query())
	if done || err != nil {
		return err
	}
	p := consentPage{Base: h.Base(w, r, ""), Params: page.Carried(r.URL.Query(), params), Client: req.Client,
		ClientHost: host(req.Client.URI), RedirectHost: host(req.RedirectURI), Scopes: scopesOf(req.Scopes)}
	p.T = Text[p.Lang]
	p.Title = p.T["title"]
	h.Render(w, r, http.StatusOK, pages["consent"], p)
	return nil
}

func (h *Handler) handleAnswer(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badged.Errorf(badged.Invalid, "the form cannot be read")
	}
	q := url.Values{}
	for _, k := range params {
		if v, ok := r.PostForm[k]; ok {
			q[k] = v
		}
	}
	req, done, err := h.request(w, r, q)
	if done || err != nil {
		return err
	}
	if r.PostForm.Get("decision") != "allow" {
		page.SeeOther(w, r, h.API.Denied(req), "")
		return nil
	}
	to, err := h.API.Consent(r.Context(), req, l.UserID)
	if err != nil {
		return err
	}
	page.SeeOther(w, r, to, "")
	return nil
}

// connection is a connected application as the list shows it.
type connection struct {
	GrantID, Name, Host string
	Since               time.Time
	Scopes              []scope
}

type appsPage struct {
	page.Base
	Apps         []connection
	Disconnected bool
}

func (h *Handler) handleApps(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	conns, err := h.API.Connections(r.Context(), l.UserID)
	if err != nil {
		return err
	}
	p := appsPage{Base: h.Base(w, r, "account"), Disconnected: r.URL.Query().Get("done") == "disconnected"}
	p.T = Text[p.Lang]
	p.Title = p.T["appsTitle"]
	for _, c := range conns {
		p.Apps = append(p.Apps, connection{GrantID: c.Grant.ID, Name: c.Client.Name, Host: host(c.Client.URI),
			Since: c.Grant.Created, Scopes: scopesOf(c.Grant.Scopes)})
	}
	h.Render(w, r, http.StatusOK, pages["apps"], p)
	return nil
}

func (h *Handler) handleDisconnect(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	if err := h.API.Disconnect(r.Context(), l.UserID, chi.URLParam(r, "grantID")); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, PathApps+"?done=disconnected", http.StatusSeeOther)
	return nil
}
