// Package catalogue is the public catalogue: the published badge classes
// of the institutions, to browse and search by anyone, server-rendered
// like the backpack (no script). A signed-in learner requests a badge from
// its page; the request then shows in the backpack's list of requests.
// Draft and archived badge classes never appear, nor those of archived
// issuers or groups.
package catalogue

import (
	"cmp"
	"context"
	"embed"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/auth"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/wallet"
	"github.com/badged/badged/web/page"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

//go:embed templates/catalogue*.html
var assets embed.FS

// pages are the catalogue's pages.
var pages = page.Templates(assets, "catalogue", "catalogue_badge")

// Handler serves the catalogue on the site's pages and their services.
type Handler struct{ *page.Handler }

// New returns the catalogue of site.
func New(site *page.Handler) *Handler { return &Handler{site} }

// CacheControl is the caching of a catalogue page for someone
// not signed in: public, kept a minute (a badge class published or
// withdrawn shows within that), then revalidated by its ETag (see
// [Server.renderHTML]). Signed in, the page is the learner's (their
// requests) and no-store.
const CacheControl = "public, max-age=60"

// catalogueReader lists the hierarchy down to its badge classes.
// issuer.Store implements it; the server finds it on InstitutionRecords
// or Institutions, and without it the catalogue is empty.
type catalogueReader interface {
	Institutions(ctx context.Context) ([]*issuer.Institution, error)
	Groups(ctx context.Context, institutionID string) ([]*issuer.Group, error)
	Issuers(ctx context.Context, groupID string) ([]*issuer.Issuer, error)
	BadgeClasses(ctx context.Context, issuerID string) ([]*issuer.BadgeClass, error)
	BadgeClass(ctx context.Context, id string) (*issuer.BadgeClass, error)
	Group(ctx context.Context, id string) (*issuer.Group, error)
	Issuer(ctx context.Context, id string) (*issuer.Issuer, error)
	Institution(ctx context.Context, id string) (*issuer.Institution, error)
}

func (h *Handler) catalogueReader() catalogueReader {
	if cr, ok := h.InstitutionRecords.(catalogueReader); ok {
		return cr
	}
	if cr, ok := h.Institutions.(catalogueReader); ok {
		return cr
	}
	return nil
}

// Routes adds the catalogue: its pages for anyone (with
// the session, when there is one, for the request form), and the request
// for signed-in people.
func (h *Handler) Routes(r chi.Router) {
	r.Route("/catalogue", func(r chi.Router) {
		r.With(h.OptionalSession).Get("/", h.Handle(h.handleCataloguePage))
		r.With(h.OptionalSession).Get("/{badgeClassID}", h.Handle(h.handleCatalogueBadgePage))
		r.With(h.Session).Post("/{badgeClassID}/request", h.Handle(h.handleCatalogueRequest))
	})
}

// catalogueEntry is a published badge class with its place in the
// hierarchy.
type catalogueEntry struct {
	BC          *issuer.BadgeClass
	Issuer      *issuer.Issuer
	Institution *issuer.Institution
}

// catalogueEntries walks the hierarchy for the published badge classes of
// issuers and groups that are not archived.
func (h *Handler) catalogueEntries(ctx context.Context) ([]catalogueEntry, error) {
	cr := h.catalogueReader()
	if cr == nil {
		return nil, nil
	}
	ins, err := cr.Institutions(ctx)
	if err != nil {
		return nil, err
	}
	var out []catalogueEntry
	for _, in := range ins {
		groups, err := cr.Groups(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		for _, g := range groups {
			if g.Archived {
				continue
			}
			iss, err := cr.Issuers(ctx, g.ID)
			if err != nil {
				return nil, err
			}
			for _, is := range iss {
				if is.Archived {
					continue
				}
				bcs, err := cr.BadgeClasses(ctx, is.ID)
				if err != nil {
					return nil, err
				}
				for _, bc := range bcs {
					if bc.State == issuer.Published {
						out = append(out, catalogueEntry{BC: bc, Issuer: is, Institution: in})
					}
				}
			}
		}
	}
	return out, nil
}

// catalogueEntry returns the entry of one badge class, NotFound unless it
// is in the catalogue.
func (h *Handler) catalogueEntry(ctx context.Context, id string) (catalogueEntry, error) {
	notFound := badged.Errorf(badged.NotFound, "no badge %s in the catalogue", id)
	cr := h.catalogueReader()
	if cr == nil {
		return catalogueEntry{}, notFound
	}
	bc, err := cr.BadgeClass(ctx, id)
	if err != nil {
		if badged.KindOf(err) == badged.NotFound {
			return catalogueEntry{}, notFound
		}
		return catalogueEntry{}, err
	}
	if bc.State != issuer.Published {
		return catalogueEntry{}, notFound
	}
	is, err := cr.Issuer(ctx, bc.IssuerID)
	if err != nil || is.Archived {
		return catalogueEntry{}, notFound
	}
	if g, err := cr.Group(ctx, is.GroupID); err != nil || g.Archived {
		return catalogueEntry{}, notFound
	}
	in, err := cr.Institution(ctx, bc.InstitutionID)
	if err != nil {
		return catalogueEntry{}, notFound
	}
	return catalogueEntry{BC: bc, Issuer: is, Institution: in}, nil
}

// catalogueFilter is what the list is narrowed by.
type catalogueFilter struct {
	Text, Institution, Issuer, EQF string
	Micro                          bool
}

func (f catalogueFilter) match(e catalogueEntry, lang string) bool {
	bc := e.BC
	if f.Institution != "" && e.Institution.ID != f.Institution || f.Issuer != "" && e.Issuer.ID != f.Issuer {
		return false
	}
	if f.EQF != "" && (bc.EQFLevel == nil || strconv.Itoa(*bc.EQFLevel) != f.EQF) {
		return false
	}
	if f.Micro && !bc.Microcredential {
		return false
	}
	if f.Text == "" {
		return true
	}
	hay := strings.ToLower(strings.Join(append([]string{bc.Name.NL, bc.Name.EN, bc.Description.NL, bc.Description.EN,
		bc.LearningOutcome.NL, bc.LearningOutcome.EN, e.Issuer.Name.In(lang), e.Institution.Name.In(lang)}, bc.Tags...), "\n"))
	for _, w := range strings.Fields(strings.ToLower(f.Text)) {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

type option struct{ Value, Label string }

// catalogueCard is one badge class in the list.
type catalogueCard struct {
	ID, Name, Description, Issuer, Institution, ECTS, EQF string
	Micro                                                 bool
	Image                                                 template.URL
}

type cataloguePage struct {
	page.Base
	Cards        []catalogueCard
	Total        int
	Filter       catalogueFilter
	Filtered     bool
	Institutions []option
	Issuers      []option
	Levels       []string
}

// maxCatalogueCards bounds the list; a search narrows it.
const maxCatalogueCards = 500

// handleCataloguePage lists the catalogue, narrowed by q, institution,
// issuer, eqf and micro.
func (h *Handler) handleCataloguePage(w http.ResponseWriter, r *http.Request) error {
	p := &cataloguePage{Base: h.Base(w, r, "catalogue")}
	p.Title = p.T["catalogueTitle"]
	q := r.URL.Query()
	p.Filter = catalogueFilter{Text: strings.TrimSpace(q.Get("q")), Institution: q.Get("institution"), Issuer: q.Get("issuer"),
		EQF: q.Get("eqf"), Micro: q.Get("micro") == "1"}
	p.Levels = []string{"1", "2", "3", "4", "5", "6", "7", "8"}
	if !slices.Contains(p.Levels, p.Filter.EQF) {
		p.Filter.EQF = ""
	}
	p.Filtered = p.Filter != catalogueFilter{}
	entries, err := h.catalogueEntries(r.Context())
	if err != nil {
		return err
	}
	p.Total = len(entries)
	seenIn, seenIs := map[string]bool{}, map[string]bool{}
	for _, e := range entries {
		if !seenIn[e.Institution.ID] {
			seenIn[e.Institution.ID] = true
			p.Institutions = append(p.Institutions, option{e.Institution.ID, e.Institution.Name.In(p.Lang)})
		}
		if !seenIs[e.Issuer.ID] && (p.Filter.Institution == "" || p.Filter.Institution == e.Institution.ID) {
			seenIs[e.Issuer.ID] = true
			p.Issuers = append(p.Issuers, option{e.Issuer.ID, e.Issuer.Name.In(p.Lang)})
		}
		if !p.Filter.match(e, p.Lang) || len(p.Cards) >= maxCatalogueCards {
			continue
		}
		p.Cards = append(p.Cards, h.catalogueCard(e, p.Lang))
	}
	byLabel := func(a, b option) int { return cmp.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label)) }
	slices.SortFunc(p.Institutions, byLabel)
	slices.SortFunc(p.Issuers, byLabel)
	slices.SortFunc(p.Cards, func(a, b catalogueCard) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.ID, b.ID))
	})
	if request.Principal(r) == nil { // signed in, the page is theirs: no-store, the default
		w.Header().Set("Cache-Control", CacheControl)
	}
	h.Render(w, r, http.StatusOK, pages["catalogue"], p)
	return nil
}

func (h *Handler) catalogueCard(e catalogueEntry, lang string) catalogueCard {
	bc := e.BC
	c := catalogueCard{ID: bc.ID, Name: cmp.Or(bc.Name.In(lang), bc.ID), Description: page.Clip(bc.Description.In(lang), 240),
		Issuer: e.Issuer.Name.In(lang), Institution: e.Institution.Name.In(lang), Micro: bc.Microcredential,
		Image: page.ImageURL(wallet.Summary{Name: bc.Name.In(lang), Image: bc.ImageURL})}
	if bc.ECTSCredits != nil {
		c.ECTS = strconv.FormatFloat(*bc.ECTSCredits, 'f', -1, 64)
	}
	if bc.EQFLevel != nil {
		c.EQF = strconv.Itoa(*bc.EQFLevel)
	}
	return c
}

// catalogueBadgePage is one badge class: what it is, and the request
// form.
type catalogueBadgePage struct {
	page.Base
	Card                catalogueCard
	Meaning             page.Meaning
	IssuerURL           string
	CriteriaText        string
	CriteriaURL         string
	Prerequisites       []prerequisite // what a learner must hold before requesting it
	NarrativeRequired   bool
	EvidenceRequired    bool
	Requested           string // the date of the learner's open request, if any
	Narrative, Evidence string // the form as sent, after a refusal
	LoginURL            string
	CanRequest          bool
	// Endorsements are the badge class's accepted endorsements.
	Endorsements []page.Endorsement
	// CanEndorse offers institution staff the endorsement form.
	CanEndorse bool
}

// prerequisite is a badge class a learner must hold first: its catalogue
// page, if it is listed there.
type prerequisite struct{ ID, Name string }

func (h *Handler) handleCatalogueBadgePage(w http.ResponseWriter, r *http.Request) error {
	p, err := h.catalogueBadgePage(w, r, chi.URLParam(r, "badgeClassID"))
	if err != nil {
		return err
	}
	if request.Principal(r) == nil { // signed in, the page is theirs: no-store, the default
		w.Header().Set("Cache-Control", CacheControl)
	}
	h.Render(w, r, http.StatusOK, pages["catalogue_badge"], p)
	return nil
}

func (h *Handler) catalogueBadgePage(w http.ResponseWriter, r *http.Request, id string) (*catalogueBadgePage, error) {
	ctx := r.Context()
	e, err := h.catalogueEntry(ctx, id)
	if err != nil {
		return nil, err
	}
	p := &catalogueBadgePage{Base: h.Base(w, r, "catalogue")}
	bc := e.BC
	p.Card = h.catalogueCard(e, p.Lang)
	p.Card.Description = bc.Description.In(p.Lang)
	p.Title = p.Card.Name
	sum := wallet.Summary{Name: p.Card.Name, Description: p.Card.Description, Microcredential: bc.Microcredential,
		Language: bc.Language, Tags: bc.Tags, NLQFLevel: string(bc.NLQFLevel)}
	if bc.ECTSCredits != nil {
		sum.ECTS = bc.ECTSCredits
	}
	if bc.EQFLevel != nil {
		v := float64(*bc.EQFLevel)
		sum.EQFLevel = &v
	}
	if bc.StudyLoad != nil {
		v := float64(*bc.StudyLoad)
		sum.StudyLoad = &v
	}
	p.Meaning = page.Meaning{Summary: sum, LearningOutcome: bc.LearningOutcome.In(p.Lang)}
	if bc.TimeInvestment != nil {
		p.Meaning.TimeInvestment = strconv.Itoa(*bc.TimeInvestment)
	}
	for _, a := range bc.Alignments {
		p.Meaning.Alignments = append(p.Meaning.Alignments, page.Alignment{Name: a.TargetName, URL: page.HTTPURL(a.TargetURL),
			Framework: a.TargetFramework, Code: a.TargetCode})
	}
	p.CriteriaText, p.CriteriaURL = bc.Criteria.Narrative.In(p.Lang), page.HTTPURL(bc.Criteria.URL)
	for _, id := range bc.Prerequisites {
		if pre, err := h.catalogueEntry(ctx, id); err == nil {
			p.Prerequisites = append(p.Prerequisites, prerequisite{ID: id, Name: pre.BC.Name.In(p.Lang)})
		} else if badged.KindOf(err) != badged.NotFound {
			return nil, err
		}
	}
	p.IssuerURL = page.HTTPURL(e.Issuer.URL)
	p.NarrativeRequired, p.EvidenceRequired = bc.NarrativeRequired, bc.EvidenceRequired
	p.Endorsements = h.EndorsementsOf(ctx, p.Lang, bc.ID)
	pr := request.Principal(r)
	switch {
	case pr == nil:
		p.LoginURL = "/login?next=" + url.QueryEscape("/catalogue/"+bc.ID)
	case pr.System():
	default:
		p.CanEndorse = h.IsStaff(ctx, pr)
		p.CanRequest = h.Issuer != nil && h.Wallet != nil
		if p.CanRequest {
			if a := h.openRequest(ctx, pr, bc.ID); a != nil {
				p.Requested = page.DateText(p.Lang, a.Requested.Format(time.RFC3339))
			}
		}
	}
	return p, nil
}

// openRequest returns the person's open request for badge class id, if
// any.
func (h *Handler) openRequest(ctx context.Context, pr *auth.Principal, id string) *issuer.Award {
	l := issuer.Learner{UserID: pr.User.ID}
	if pr.User.Email != "" {
		l.Emails = []string{pr.User.Email}
	}
	l, err := h.Wallet.Learner(ctx, l)
	if err != nil {
		return nil
	}
	awards, err := h.LearnerAwards(ctx, l, issuer.AwardRequested)
	if err != nil {
		return nil
	}
	for _, a := range awards {
		if a.BadgeClassID == id && a.Kind == issuer.KindRequest {
			return a
		}
	}
	return nil
}

// handleCatalogueRequest requests the badge for the signed-in learner,
// with the narrative and evidence URLs (one a line) of the form, and sends
// them to their backpack, where the request is listed. A refusal shows
// the badge's page again with the Reason and the form as sent.
func (h *Handler) handleCatalogueRequest(w http.ResponseWriter, r *http.Request) error {
	l, err := h.WalletLearner(r)
	if err != nil {
		return err
	}
	if h.Issuer == nil {
		return badged.Errorf(badged.Unavailable, "requests are not available on this server")
	}
	id := chi.URLParam(r, "badgeClassID")
	if _, err := h.catalogueEntry(r.Context(), id); err != nil {
		return err
	}
	narrative, evidence := r.PostFormValue("narrative"), r.PostFormValue("evidence")
	var urls []string
	for _, line := range strings.FieldsFunc(evidence, func(c rune) bool { return c == '\n' || c == '\r' }) {
		if line = strings.TrimSpace(line); line != "" {
			urls = append(urls, line)
		}
	}
	if l.HolderDID == "" {
		did, err := h.Wallet.HolderDID(r.Context(), l.UserID)
		if err != nil {
			return err
		}
		l.HolderDID = did
	}
	if _, err := h.Issuer.RequestBadge(r.Context(), l, id, narrative, urls); err != nil {
		k := badged.KindOf(err)
		if k != badged.Invalid && k != badged.Conflict {
			return err
		}
		p, perr := h.catalogueBadgePage(w, r, id)
		if perr != nil {
			return perr
		}
		p.Error, p.Narrative, p.Evidence = badged.MessageOf(err), narrative, evidence
		h.Render(w, r, render.Status(k), pages["catalogue_badge"], p)
		return nil
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, "/backpack?done=requested#requests", http.StatusSeeOther)
	return nil
}

// Entry is a badge class of the catalogue, with its issuer and institution.
type Entry = catalogueEntry

// Entries lists the catalogue: the published badge classes of issuers and
// groups that are not archived (the employer's page of OpenID4VP offers
// them to ask for).
func (h *Handler) Entries(ctx context.Context) ([]Entry, error) { return h.catalogueEntries(ctx) }
