// Package developers is the API reference for people: the OpenAPI
// description of badged's API ([openapi]) rendered as a page, its
// operations grouped by tag, each with its method, path, summary, who may
// call it, its parameters, an example request and its answers. The
// headings are in Dutch and English; what the document says is in
// English, and marked so.
package developers

import (
	"embed"
	"net/http"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged/web/openapi"
	"github.com/badged/badged/web/page"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed locales/*.json
var locales embed.FS

// Text is the page's words, by language.
var Text = page.Catalogue(locales)

var pages = page.Templates(templates, "developers")

// Path is where the page is served.
const Path = "/developers"

// reference is the embedded OpenAPI document, read once when the package
// is loaded, as its templates are: it is embedded, so an error is a bug
// the openapi tests find.
var reference = mustParse()

func mustParse() *openapi.Reference {
	ref, err := openapi.Parse(openapi.JSON())
	if err != nil {
		panic(err)
	}
	return ref
}

// Handler serves the API reference on the site's page layer.
type Handler struct{ *page.Handler }

// New returns the API reference on site.
func New(site *page.Handler) *Handler { return &Handler{site} }

// Routes adds the page, public.
func (h *Handler) Routes(r chi.Router) {
	r.With(h.OptionalSession).Get(Path, h.handleReference)
}

type referencePage struct {
	page.Base
	Ref      *openapi.Reference
	Tags     []tagView
	Document string
}

// tagView is a tag with the anchor the page's contents link to.
type tagView struct {
	openapi.Tag
	Anchor string
	Ops    []opView
}

// opView is an operation with a curl command that calls it.
type opView struct {
	openapi.Operation
	Curl string
}

// curl is a command that calls op on the server at $BADGED: with a
// bearer token ($TOKEN) when a system may call it, else with the session
// cookie; sending the example body, if any, from a file.
func curl(op openapi.Operation) string {
	var b strings.Builder
	b.WriteString("curl")
	if op.Method != http.MethodGet {
		b.WriteString(" -X " + op.Method)
	}
	b.WriteString(` "$BADGED` + op.Path + `"`)
	switch {
	case slices.Contains(op.Security, "clientCredentials"):
		b.WriteString(` \` + "\n" + `  -H "Authorization: Bearer $TOKEN"`)
	case slices.Contains(op.Security, "sessionCookie"):
		b.WriteString(` \` + "\n" + `  -b "badged_session=$SESSION"`)
	case slices.Contains(op.Security, "clientBasic"):
		b.WriteString(` \` + "\n" + `  -u "$CLIENT_ID:$CLIENT_SECRET"`)
	}
	if len(op.RequestTypes) > 0 {
		t := op.RequestTypes[0]
		if slices.Contains(op.RequestTypes, "application/json") {
			t = "application/json"
		}
		b.WriteString(` \` + "\n" + `  -H "Content-Type: ` + t + `" --data-binary @body`)
	}
	return b.String()
}

func (h *Handler) handleReference(w http.ResponseWriter, r *http.Request) {
	p := referencePage{Base: h.Base(w, r, ""), Ref: reference, Document: openapi.Path}
	p.T = Text[p.Lang]
	p.Title = p.T["title"]
	for _, t := range reference.Tags {
		v := tagView{Tag: t, Anchor: "tag-" + strings.ToLower(strings.ReplaceAll(t.Name, " ", "-"))}
		for _, op := range t.Operations {
			v.Ops = append(v.Ops, opView{Operation: op, Curl: curl(op)})
		}
		p.Tags = append(p.Tags, v)
	}
	h.Render(w, r, http.StatusOK, pages["developers"], p)
}
