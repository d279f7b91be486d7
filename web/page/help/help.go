// Package help is the site's help: a short guide per role (institution
// admin, awarder, learner, employer checking a badge), each with a picture
// of the page it is about, and the questions people ask, in Dutch and
// English, linked from every page's footer.
package help

import (
	"embed"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/web/page"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed locales/*.json
var locales embed.FS

// pictures are each guide's picture, <guide>.jpg, taken by the browser
// walk through the demo (cmd/badged TestPortalWalk), which writes them
// anew on every run.
//
//go:embed static/*.jpg
var pictures embed.FS

// Text is the help's words, by language.
var Text = page.Catalogue(locales)

var pages = page.Templates(templates, "help")

// Handler serves the help on the site's page layer.
type Handler struct{ *page.Handler }

// New returns the help of site.
func New(site *page.Handler) *Handler { return &Handler{site} }

// Routes adds /help, public.
func (h *Handler) Routes(r chi.Router) {
	r.With(h.OptionalSession).Get("/help", h.handleHelp)
	r.Get("/help/static/{file}", func(w http.ResponseWriter, r *http.Request) {
		b, err := pictures.ReadFile("static/" + chi.URLParam(r, "file"))
		if err != nil || len(b) == 0 {
			h.Error(w, r, badged.Errorf(badged.NotFound, "no such picture"))
			return
		}
		w.Header().Set("Content-Type", "image/jpeg")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Write(b)
	})
}

// guide is one role's guide: its steps, in the page's words.
type guide struct {
	ID, Title, Intro string
	Steps            []string
	Picture, Alt     string // the picture of the page the guide is about, if any
}

type helpPage struct {
	page.Base
	Guides []guide
	FAQ    []qa
}

type qa struct{ Q, A string }

// guides are the roles, each with its number of steps (words
// "<id>Step1"…).
var guides = []struct {
	id    string
	steps int
}{{"admin", 5}, {"awarder", 4}, {"learner", 5}, {"employer", 3}}

// faq is the number of questions (words "faqQ1", "faqA1"…).
const faq = 6

func (h *Handler) handleHelp(w http.ResponseWriter, r *http.Request) {
	p := helpPage{Base: h.Base(w, r, "")}
	p.T = Text[p.Lang]
	p.Title = p.T["title"]
	for _, g := range guides {
		gd := guide{ID: g.id, Title: p.T[g.id+"Title"], Intro: p.T[g.id+"Intro"]}
		if b, err := pictures.ReadFile("static/" + g.id + ".jpg"); err == nil && len(b) > 0 {
			gd.Picture, gd.Alt = "/help/static/"+g.id+".jpg", p.T[g.id+"Picture"]
		}
		for i := 1; i <= g.steps; i++ {
			gd.Steps = append(gd.Steps, p.T[g.id+"Step"+strconv.Itoa(i)])
		}
		p.Guides = append(p.Guides, gd)
	}
	for i := 1; i <= faq; i++ {
		p.FAQ = append(p.FAQ, qa{Q: p.T["faqQ"+strconv.Itoa(i)], A: p.T["faqA"+strconv.Itoa(i)]})
	}
	h.Render(w, r, http.StatusOK, pages["help"], p)
}
