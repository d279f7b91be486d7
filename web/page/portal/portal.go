// Package portal is the issuer portal: the pages where an institution's
// staff see their institution's tree (institution > issuer groups >
// issuers > badge classes), edit it, award badges, handle requests and
// see what happened. Every page is server-rendered on the site's page
// layer ([page.Handler]); every change is a same-origin form post that
// goes through the issuer service, which checks the role of the person
// signed in, followed by a redirect (post/redirect/get). Its words are
// its own message files, locales/*.json, one catalogue with the site's.
//
// The portal is one handler with one route table ([Handler.Routes]); each
// part of it (the tree, awarding, requests, insights, staff, ...) is a
// file with its handlers, its templates (templates/<part>*.html) and its
// words (locales/<part>.<lang>.json).
package portal

import (
	"context"
	"embed"
	"github.com/badged/badged/endorsement"
	"github.com/badged/badged/lti"
	"mime"
	"net/http"
	"path"
	"slices"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/audit"
	"github.com/badged/badged/badgeimage"
	"github.com/badged/badged/bulk"
	"github.com/badged/badged/insights"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/notify"
	"github.com/badged/badged/web/page"
	"github.com/badged/badged/web/request"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed locales/*.json
var locales embed.FS

//go:embed static
var static embed.FS

// Text is the portal's words, by language.
var Text = page.Catalogue(locales)

// pages are the portal's pages, parsed once.
var pages = page.Templates(templates, "overview")

// Deps are what the portal uses beyond the site's page layer.
type Deps struct {
	// Bulk runs the CSV awards; without it their pages answer 503.
	Bulk *bulk.Service
	// Uploads takes badge images; without it the editor offers none.
	Uploads *badgeimage.Uploads
	// Previews builds the editor's preview of a credential; without it
	// the editor shows none.
	Previews Previewer
	// Insights and Audit serve the insights and audit trail pages;
	// without them those answer 503.
	Insights *insights.Service
	Audit    *audit.Log
	// Outbox serves the outbox page; without it that answers 503.
	Outbox *notify.Outbox
	// Keys are the institutions' signing keys; without them the keys
	// page answers 503.
	Keys KeyRing
	// LTI registers learning platforms; without it the page answers 503.
	LTI *lti.Service
	// Endorse makes and decides endorsements; without it their pages
	// answer 503.
	Endorse *endorsement.Service
}

// Handler serves the issuer portal.
type Handler struct {
	*page.Handler
	Deps
}

// New returns the portal on the site's page layer.
func New(site *page.Handler, d Deps) *Handler { return &Handler{Handler: site, Deps: d} }

// Routes adds the portal's pages under /portal. Every one needs a staff
// member's session; what each may do is checked by the issuer service on
// every action.
func (h *Handler) Routes(r chi.Router) {
	// The portal's stylesheet and scripts are public, as the site's are.
	r.Get("/portal/static/{file}", func(w http.ResponseWriter, r *http.Request) {
		name := chi.URLParam(r, "file")
		b, err := static.ReadFile("static/" + name)
		if err != nil {
			h.Error(w, r, badged.Errorf(badged.NotFound, "no such file"))
			return
		}
		w.Header().Set("Content-Type", mime.TypeByExtension(path.Ext(name)))
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Write(b)
	})
	r.Route("/portal", func(r chi.Router) {
		r.Use(h.Session, h.requireStaff)
		r.Get("/", h.Handle(h.handleOverview))
		h.awardRoutes(r)
		h.insightsRoutes(r)
		h.auditRoutes(r)
		h.adminRoutes(r)
		h.lmsRoutes(r)
		h.endorsementRoutes(r)
		h.keyRoutes(r)
		h.treeRoutes(r)
		h.staffRoutes(r)
		h.badgeClassRoutes(r)
	})
}

// requireStaff lets only staff through (page.Handler.IsStaff); anyone
// else signed in gets a page that says the portal is for institution
// staff, with a way to their backpack.
func (h *Handler) requireStaff(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !h.IsStaff(r.Context(), request.Principal(r)) {
			if !page.WantsHTML(r) {
				h.Error(w, r, badged.Errorf(badged.Forbidden, "the issuer portal is for institution staff"))
				return
			}
			h.Message(w, r, http.StatusForbidden, "/backpack", func(_ map[string]string, lang string) (string, string) {
				t := Text[lang]
				return t["notStaffTitle"], t["notStaffText"]
			})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// menu is the portal's navigation, in order: each part of the portal
// adds its entry. Admin entries are shown to institution admins only.
var menu = []struct {
	Nav, URL, Key string
	Admin         bool
}{
	{"overview", "/portal", "navOverview", false},
	{"award", "/portal/award", "awardNavAward", false},
	{"requests", "/portal/requests", "awardNavRequests", false},
	{"awards", "/portal/awards", "awardNavAwards", false},
	{"insights", "/portal/insights", "navInsights", false},
	{"audit", "/portal/audit", "navAudit", true},
	{"clients", "/portal/clients", "navClients", true},
	{"outbox", "/portal/outbox", "navOutbox", true},
	{"keys", "/portal/keys", "navKeys", true},
	{"lms", "/portal/lms", "navLMS", true},
	{"endorsements", "/portal/endorsements", "navEndorsements", false},
}

// Base is what every portal page shows around its content: the site's
// layout with the portal's words and navigation.
type Base struct {
	page.Base
	Actor issuer.Actor
}

// base starts a portal page: nav is its item of the navigation.
func (h *Handler) base(w http.ResponseWriter, r *http.Request, nav string) Base {
	b := Base{Base: h.Base(w, r, nav)}
	b.T = Text[b.Lang]
	b.Styles = []string{"/portal/static/portal.css"}
	if p := request.Principal(r); p != nil {
		b.Actor = p.Actor()
	}
	admin := false
	if ids, err := h.adminInstitutions(r.Context(), b.Actor); err == nil && len(ids) > 0 {
		admin = true
	}
	for _, m := range menu {
		if !m.Admin || admin {
			b.Menu = append(b.Menu, page.MenuItem{Nav: m.Nav, URL: m.URL, Text: b.T[m.Key]})
		}
	}
	return b
}

// institutionChoice is the institution a page is about, from ?institution=
// among ids (the first by default; an unknown one is the service's to
// refuse), and ids as the options to choose from, by name in lang.
func (h *Handler) institutionChoice(r *http.Request, a issuer.Actor, lang string, ids []string) (string, []option) {
	var opts []option
	for _, id := range ids {
		name := id
		if in, err := h.Issuer.Institution(r.Context(), a, id); err == nil {
			name = in.Name.In(lang)
		}
		opts = append(opts, option{id, name})
	}
	chosen := r.URL.Query().Get("institution")
	if chosen == "" && len(ids) > 0 {
		chosen = ids[0]
	}
	return chosen, opts
}

// adminInstitutions are the institutions a administrates: those whose
// audit trail and outbox they may read.
func (h *Handler) adminInstitutions(ctx context.Context, a issuer.Actor) ([]string, error) {
	ids, err := h.institutionIDs(ctx, a)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(ids, func(id string) bool { return h.Issuer.AuthorizeInstitutionAdmin(ctx, a, id) != nil }), nil
}

// ---- the overview: the institution tree

type treeBadgeClass struct {
	ID, Name, State string
	Microcredential bool
}

type treeIssuer struct {
	ID, Name     string
	Archived     bool
	MayCreate    bool // the person may create badge classes here
	MayEdit      bool // the person may edit the issuer
	MayStaff     bool // the person may see and change its staff
	BadgeClasses []treeBadgeClass
}

type treeGroup struct {
	ID, Name  string
	Archived  bool
	MayCreate bool // the person may create issuers here
	MayEdit   bool // the person may edit and archive the group
	MayStaff  bool // the person may see and change its staff
	Issuers   []treeIssuer
}

type treeInstitution struct {
	ID, Name, SCHACHome string
	MayCreate           bool // the person may create issuer groups here
	MayEdit             bool // the person may edit the institution
	MayStaff            bool // the person may see and change its staff
	Groups              []treeGroup
}

type overviewPage struct {
	Base
	Institutions []treeInstitution
}

// handleOverview is where staff land: the tree of every institution they
// work for, as far as their roles let them see it.
func (h *Handler) handleOverview(w http.ResponseWriter, r *http.Request) error {
	p := overviewPage{Base: h.base(w, r, "overview")}
	p.Title = p.T["overviewTitle"]
	ids, err := h.institutionIDs(r.Context(), p.Actor)
	if err != nil {
		return err
	}
	for _, id := range ids {
		ti, err := h.tree(r.Context(), p.Actor, id, p.Lang)
		if err != nil {
			return err
		}
		p.Institutions = append(p.Institutions, *ti)
	}
	h.Render(w, r, http.StatusOK, pages["overview"], p)
	return nil
}

// institutionIDs are the institutions a works for: every institution for
// a superuser.
func (h *Handler) institutionIDs(ctx context.Context, a issuer.Actor) ([]string, error) {
	var ids []string
	if a.Superuser && h.Institutions != nil {
		all, err := h.Institutions.Institutions(ctx)
		if err != nil {
			return nil, err
		}
		for _, in := range all {
			ids = append(ids, in.ID)
		}
		return ids, nil
	}
	ms, err := h.Issuer.Memberships(ctx, a)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if !m.Pending() && !slices.Contains(ids, m.InstitutionID) {
			ids = append(ids, m.InstitutionID)
		}
	}
	return ids, nil
}

// tree reads the institution's tree as a may see it.
func (h *Handler) tree(ctx context.Context, a issuer.Actor, institutionID, lang string) (*treeInstitution, error) {
	t, err := h.Issuer.Tree(ctx, a, institutionID)
	if err != nil {
		return nil, err
	}
	ti := &treeInstitution{ID: t.Institution.ID, Name: t.Institution.Name.In(lang), SCHACHome: t.Institution.SCHACHome,
		MayCreate: h.Issuer.MayCreate(ctx, a, issuer.LevelInstitution, institutionID) == nil,
		MayEdit:   h.Issuer.MayUpdate(ctx, a, issuer.LevelInstitution, institutionID) == nil,
		MayStaff:  h.Issuer.MayAdministrateUsers(ctx, a, issuer.LevelInstitution, institutionID) == nil}
	for _, g := range t.Groups {
		tg := treeGroup{ID: g.ID, Name: g.Name.In(lang), Archived: g.Archived,
			MayCreate: !g.Archived && h.Issuer.MayCreate(ctx, a, issuer.LevelGroup, g.ID) == nil,
			MayEdit:   !g.Archived && h.Issuer.MayUpdate(ctx, a, issuer.LevelGroup, g.ID) == nil,
			MayStaff:  h.Issuer.MayAdministrateUsers(ctx, a, issuer.LevelGroup, g.ID) == nil}
		for _, is := range g.Issuers {
			ts := treeIssuer{ID: is.ID, Name: is.Name.In(lang), Archived: is.Archived,
				MayCreate: !is.Archived && h.Issuer.MayCreate(ctx, a, issuer.LevelIssuer, is.ID) == nil,
				MayEdit:   !is.Archived && h.Issuer.MayUpdate(ctx, a, issuer.LevelIssuer, is.ID) == nil,
				MayStaff:  h.Issuer.MayAdministrateUsers(ctx, a, issuer.LevelIssuer, is.ID) == nil}
			for _, bc := range is.BadgeClasses {
				ts.BadgeClasses = append(ts.BadgeClasses, treeBadgeClass{ID: bc.ID, Name: bc.Name.In(lang),
					State: string(bc.State), Microcredential: bc.Microcredential})
			}
			tg.Issuers = append(tg.Issuers, ts)
		}
		ti.Groups = append(ti.Groups, tg)
	}
	return ti, nil
}
