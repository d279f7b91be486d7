// Package lti is badged's pages for learning platforms (LTI 1.3): the
// login initiation and launch endpoints a platform sends the browser to,
// the launch page (an instructor links the course to badge classes and
// awards the learners who completed it; a learner is pointed to the
// backpack), and the tool's key set and configuration for the platform's
// administrator. The protocol is package lti's.
package lti

import (
	"embed"
	"errors"
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/lti"
	"github.com/badged/badged/web/page"
	"github.com/badged/badged/web/render"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed locales/*.json
var locales embed.FS

// Text is the pages' words, by language.
var Text = page.Catalogue(locales)

var pages = page.Templates(templates, "course")

// stateCookie carries a login's state to its launch: SameSite=None, since
// the launch is the platform's cross-site form post.
const stateCookie = "badged_lti_state"

// Handler serves the LTI endpoints and pages on the site's page layer.
type Handler struct {
	*page.Handler
	Tool *lti.Service
}

// New returns the LTI pages of tool.
func New(site *page.Handler, tool *lti.Service) *Handler { return &Handler{Handler: site, Tool: tool} }

// Routes adds the tool's endpoints.
func (h *Handler) Routes(r chi.Router) {
	r.Get(lti.LoginPath, h.Handle(h.handleLogin))
	r.Post(lti.LoginPath, h.Handle(h.handleLogin))
	r.Post(lti.LaunchPath, h.Handle(h.handleLaunch))
	r.Get(lti.JWKSPath, h.handleJWKS)
	r.Get(lti.ConfigPath, h.handleConfig)
	r.Post(lti.CoursePath+"/link", h.Handle(h.handleLink))
	r.Post(lti.CoursePath+"/award", h.Handle(h.handleAward))
}

func (h *Handler) handleLogin(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badged.Errorf(badged.Invalid, "the login cannot be read")
	}
	f := r.Form
	to, state, err := h.Tool.Login(r.Context(), lti.LoginRequest{Issuer: f.Get("iss"), LoginHint: f.Get("login_hint"),
		TargetLinkURI: f.Get("target_link_uri"), MessageHint: f.Get("lti_message_hint"), ClientID: f.Get("client_id"),
		DeploymentID: f.Get("lti_deployment_id")})
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: stateCookie, Value: state, Path: "/lti/", MaxAge: 600, HttpOnly: true,
		Secure: true, SameSite: http.SameSiteNoneMode})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, to, http.StatusFound)
	return nil
}

type coursePage struct {
	page.Base
	Launch   *lti.Launch
	Token    string   // the sealed launch the forms carry
	Choices  []choice // the badge classes the course may lead to
	Done     *lti.Completion
	Saved    bool
	Problem  string
	Backpack string
}

// choice is a badge class an instructor may link.
type choice struct {
	ID, Name string
	Linked   bool
}

func (h *Handler) handleLaunch(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badged.Errorf(badged.Invalid, "the launch cannot be read")
	}
	c, err := r.Cookie(stateCookie)
	if err != nil || c.Value == "" || c.Value != r.PostForm.Get("state") {
		return badged.Errorf(badged.Unauthorized, "launch refused: its state does not match a login of this browser; launch badged from the course again")
	}
	http.SetCookie(w, &http.Cookie{Name: stateCookie, Path: "/lti/", MaxAge: -1, HttpOnly: true, Secure: true, SameSite: http.SameSiteNoneMode})
	l, err := h.Tool.Launch(r.Context(), r.PostForm.Get("id_token"))
	if err != nil {
		return err
	}
	return h.show(w, r, l, func(*coursePage) {})
}

// show renders the launch page of l, changed by edit.
func (h *Handler) show(w http.ResponseWriter, r *http.Request, l *lti.Launch, edit func(*coursePage)) error {
	token, err := h.Tool.Seal(l)
	if err != nil {
		return err
	}
	p := &coursePage{Base: h.Base(w, r, ""), Launch: l, Token: token, Backpack: "/backpack"}
	p.T = Text[p.Lang]
	p.Title = p.T["title"]
	p.SignedIn = false
	if l.Instructor {
		c, err := h.Tool.Course(r.Context(), l)
		if err != nil {
			return err
		}
		for _, bc := range c.BadgeClasses {
			p.Choices = append(p.Choices, choice{ID: bc.ID, Name: bc.Name.In(p.Lang), Linked: slices.Contains(c.Link.BadgeClasses, bc.ID)})
		}
	}
	edit(p)
	w.Header().Set("Cache-Control", "no-store")
	status := http.StatusOK
	if p.Problem != "" {
		status = http.StatusUnprocessableEntity
	}
	h.Render(w, r, status, pages["course"], p)
	return nil
}

// launch reads the sealed launch a form carries.
func (h *Handler) launch(r *http.Request) (*lti.Launch, error) {
	if err := r.ParseForm(); err != nil {
		return nil, badged.Errorf(badged.Invalid, "the form cannot be read")
	}
	return h.Tool.Open(r.PostForm.Get("launch"))
}

func (h *Handler) handleLink(w http.ResponseWriter, r *http.Request) error {
	l, err := h.launch(r)
	if err != nil {
		return err
	}
	_, err = h.Tool.LinkCourse(r.Context(), l, r.PostForm["badgeClass"])
	var be *badged.Error
	if errors.As(err, &be) && be.Kind == badged.Invalid {
		return h.show(w, r, l, func(p *coursePage) { p.Problem = badged.MessageOf(err) })
	}
	if err != nil {
		return err
	}
	return h.show(w, r, l, func(p *coursePage) { p.Saved = true })
}

func (h *Handler) handleAward(w http.ResponseWriter, r *http.Request) error {
	l, err := h.launch(r)
	if err != nil {
		return err
	}
	done, err := h.Tool.AwardCompleted(r.Context(), l, r.PostForm.Get("lineItem"))
	if k := badged.KindOf(err); k == badged.Conflict || k == badged.Unavailable || k == badged.Invalid {
		return h.show(w, r, l, func(p *coursePage) { p.Problem = badged.MessageOf(err) })
	}
	if err != nil {
		return err
	}
	return h.show(w, r, l, func(p *coursePage) { p.Done = done })
}

func (h *Handler) handleJWKS(w http.ResponseWriter, r *http.Request) {
	set, err := h.Tool.JWKS(r.Context())
	if err != nil {
		h.Error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	render.JSON(w, http.StatusOK, set)
}

func (h *Handler) handleConfig(w http.ResponseWriter, r *http.Request) {
	render.JSON(w, http.StatusOK, h.Tool.Config())
}
