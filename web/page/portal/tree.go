package portal

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/web/page"
)

// The tree's upper levels (tree.go): the institution's own fields, its
// issuer groups and their issuers, each edited in the same form as a
// badge class (templates/node_edit.html), and groups and issuers archived
// after a confirmation. The issuer service decides who may do what; the
// overview shows only the links a person may follow.

var treePages = page.Templates(templates, "node_edit", "node_archive")

func (h *Handler) treeRoutes(r chi.Router) {
	r.Get("/institutions/new", h.Handle(h.handleNewInstitution))
	r.Post("/institutions", h.Handle(h.handleCreateInstitution))
	r.Get("/institutions/{institutionID}/edit", h.Handle(h.handleEditInstitution))
	r.Post("/institutions/{institutionID}/edit", h.Handle(h.handleUpdateInstitution))
	r.Get("/institutions/{institutionID}/groups/new", h.Handle(h.handleNewGroup))
	r.Post("/institutions/{institutionID}/groups", h.Handle(h.handleCreateGroup))
	r.Get("/groups/{groupID}/edit", h.Handle(h.handleEditGroup))
	r.Post("/groups/{groupID}/edit", h.Handle(h.handleUpdateGroup))
	r.Get("/groups/{groupID}/issuers/new", h.Handle(h.handleNewIssuer))
	r.Post("/groups/{groupID}/issuers", h.Handle(h.handleCreateIssuer))
	r.Get("/issuers/{issuerID}/edit", h.Handle(h.handleEditIssuer))
	r.Post("/issuers/{issuerID}/edit", h.Handle(h.handleUpdateIssuer))
	r.Get("/groups/{groupID}/archive", h.Handle(h.handleArchivePage("groups")))
	r.Post("/groups/{groupID}/archive", h.Handle(h.handleArchive("groups")))
	r.Get("/issuers/{issuerID}/archive", h.Handle(h.handleArchivePage("issuers")))
	r.Post("/issuers/{issuerID}/archive", h.Handle(h.handleArchive("issuers")))
}

// nodeEdit is one editor page of a node: its title, where the form goes,
// its version (0 for a new node) and its fields, drawn from the stored
// node or, after a refusal, from what was typed.
type nodeEdit struct {
	title, action, cancel string
	version               int64
	form                  func(t map[string]string, raw url.Values, errs map[string]string) []formSection
}

// renderNode draws the editor of n with the refusals errs and the input
// raw kept (both nil for a fresh form).
func (h *Handler) renderNode(w http.ResponseWriter, r *http.Request, status int, n nodeEdit, raw url.Values, errs []badged.FieldError) {
	p := &badgeClassEditPage{Base: h.base(w, r, "overview"), Action: n.action, Cancel: n.cancel, Version: n.version}
	p.Title = n.title
	var byField map[string]string
	p.Errors, byField = problemsOf(p.T, errs)
	p.Sections = n.form(p.T, raw, byField)
	h.Render(w, r, status, treePages["node_edit"], p)
}

// saveNode ends a post of n's form: back to the editor with the refusals
// when the service refused fields, else to done.
func (h *Handler) saveNode(w http.ResponseWriter, r *http.Request, n nodeEdit, err error, done string) error {
	if errs := badged.FieldsOf(err); len(errs) > 0 {
		h.renderNode(w, r, http.StatusUnprocessableEntity, n, r.PostForm, errs)
		return nil
	} else if err != nil {
		return err
	}
	page.SeeOther(w, r, done, "")
	return nil
}

// postForm parses a posted form and its version.
func postForm(r *http.Request) (url.Values, int64, error) {
	if err := r.ParseForm(); err != nil {
		return nil, 0, badged.Errorf(badged.Invalid, "the form cannot be read")
	}
	v, _ := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
	return r.PostForm, v, nil
}

// fields builds a form's fields from the stored values or, when raw is
// not nil, from what was typed; labels are the bc_<name> messages.
type fields struct {
	t    map[string]string
	raw  url.Values
	errs map[string]string
}

func (f fields) val(name, v string) string {
	if f.raw != nil {
		return f.raw.Get(name)
	}
	return v
}

// text is a bilingual field (kind "bilingual" or "bilingual-long").
func (f fields) text(name string, v issuer.Text, kind string, required bool) formField {
	return formField{ID: inputID(name), Name: name, Label: f.t["bc_"+name], Help: f.t["bc_"+name+"_help"], Kind: kind,
		NL: f.val(name+".nl", v.NL), EN: f.val(name+".en", v.EN), Required: required,
		Error: strings.Join(nonEmpty(f.errs[name], f.errs[name+".nl"], f.errs[name+".en"]), "; ")}
}

func (f fields) one(name, kind, v string, opts ...option) formField {
	return formField{ID: inputID(name), Name: name, Label: f.t["bc_"+name], Help: f.t["bc_"+name+"_help"], Kind: kind,
		Value: f.val(name, v), Error: f.errs[name], Options: opts}
}

func textOf(f url.Values, name string) issuer.Text {
	return issuer.Text{NL: f.Get(name + ".nl"), EN: f.Get(name + ".en")}
}

// ---- the institution

func institutionEdit(in *issuer.Institution, lang string) nodeEdit {
	t := Text[lang]
	title, action := t["tree_editInstitution"]+": "+in.Name.In(lang), "/portal/institutions/"+in.ID+"/edit"
	if in.ID == "" {
		title, action = t["tree_newInstitution"], "/portal/institutions"
	}
	return nodeEdit{title: title, action: action,
		cancel: "/portal", version: in.Version,
		form: func(t map[string]string, raw url.Values, errs map[string]string) []formSection {
			f := fields{t, raw, errs}
			return []formSection{
				{ID: "institution", Title: t["tree_sectionInstitution"], Fields: []formField{
					f.text("name", in.Name, "bilingual", true), f.text("description", in.Description, "bilingual-long", false),
					f.one("schacHome", "text", in.SCHACHome), f.one("brin", "text", in.BRIN),
					f.one("type", "select", string(in.Type), option{"WO", t["tree_typeWO"]}, option{"HBO", t["tree_typeHBO"]}, option{"MBO", t["tree_typeMBO"]}),
					f.one("country", "text", in.Country),
					f.one("defaultLanguage", "select", in.DefaultLanguage, option{issuer.LangNL, "Nederlands"}, option{issuer.LangEN, "English"}),
					f.one("gradingTableUrl", "url", in.GradingTableURL)}},
				{ID: "terms", Title: t["tree_sectionTerms"], Fields: []formField{
					f.one("terms.version", "text", in.Terms.Version), f.text("terms.text", in.Terms.Text, "bilingual-long", false)}},
			}
		}}
}

func institutionOf(f url.Values, old *issuer.Institution, version int64) issuer.Institution {
	in := *old
	in.Name, in.Description = textOf(f, "name"), textOf(f, "description")
	in.SCHACHome, in.BRIN = strings.TrimSpace(f.Get("schacHome")), strings.TrimSpace(f.Get("brin"))
	in.Type, in.Country = issuer.InstitutionType(f.Get("type")), strings.TrimSpace(f.Get("country"))
	in.DefaultLanguage, in.GradingTableURL = f.Get("defaultLanguage"), strings.TrimSpace(f.Get("gradingTableUrl"))
	in.Terms = issuer.Terms{Version: strings.TrimSpace(f.Get("terms.version")), Text: textOf(f, "terms.text")}
	in.Version = version
	return in
}

// handleNewInstitution is the form of a new institution, for platform
// administrators (the service refuses anyone else).
func (h *Handler) handleNewInstitution(w http.ResponseWriter, r *http.Request) error {
	if !actorOf(r).Superuser {
		return badged.Errorf(badged.Forbidden, "only a platform administrator may create an institution")
	}
	in := &issuer.Institution{Type: issuer.WO, Country: "NL", DefaultLanguage: issuer.LangNL}
	h.renderNode(w, r, http.StatusOK, institutionEdit(in, page.LangOf(w, r)), nil, nil)
	return nil
}

func (h *Handler) handleCreateInstitution(w http.ResponseWriter, r *http.Request) error {
	f, _, err := postForm(r)
	if err != nil {
		return err
	}
	in := institutionOf(f, &issuer.Institution{}, 0)
	created, err := h.Issuer.CreateInstitution(r.Context(), actorOf(r), in)
	done := "/portal"
	if created != nil {
		done += "#inst-" + created.ID
	}
	return h.saveNode(w, r, institutionEdit(&in, page.LangOf(w, r)), err, done)
}

func (h *Handler) handleEditInstitution(w http.ResponseWriter, r *http.Request) error {
	in, err := h.Issuer.Institution(r.Context(), actorOf(r), chi.URLParam(r, "institutionID"))
	if err != nil {
		return err
	}
	if err := h.Issuer.MayUpdate(r.Context(), actorOf(r), issuer.LevelInstitution, in.ID); err != nil {
		return err
	}
	h.renderNode(w, r, http.StatusOK, institutionEdit(in, page.LangOf(w, r)), nil, nil)
	return nil
}

func (h *Handler) handleUpdateInstitution(w http.ResponseWriter, r *http.Request) error {
	f, version, err := postForm(r)
	if err != nil {
		return err
	}
	old, err := h.Issuer.Institution(r.Context(), actorOf(r), chi.URLParam(r, "institutionID"))
	if err != nil {
		return err
	}
	in := institutionOf(f, old, version)
	_, err = h.Issuer.UpdateInstitution(r.Context(), actorOf(r), in)
	return h.saveNode(w, r, institutionEdit(old, page.LangOf(w, r)), err, "/portal#inst-"+old.ID)
}

// ---- issuer groups

func groupEdit(g *issuer.Group, lang string) nodeEdit {
	t := Text[lang]
	n := nodeEdit{title: t["tree_newGroup"], action: "/portal/institutions/" + g.InstitutionID + "/groups", cancel: "/portal"}
	if g.ID != "" {
		n.title, n.action, n.version = t["tree_editGroup"]+": "+g.Name.In(lang), "/portal/groups/"+g.ID+"/edit", g.Version
	}
	n.form = func(t map[string]string, raw url.Values, errs map[string]string) []formSection {
		f := fields{t, raw, errs}
		return []formSection{{ID: "group", Title: t["tree_sectionGroup"], Fields: []formField{
			f.text("name", g.Name, "bilingual", true), f.text("description", g.Description, "bilingual-long", false)}}}
	}
	return n
}

func (h *Handler) handleNewGroup(w http.ResponseWriter, r *http.Request) error {
	id := chi.URLParam(r, "institutionID")
	if err := h.Issuer.MayCreate(r.Context(), actorOf(r), issuer.LevelInstitution, id); err != nil {
		return err
	}
	h.renderNode(w, r, http.StatusOK, groupEdit(&issuer.Group{InstitutionID: id}, page.LangOf(w, r)), nil, nil)
	return nil
}

func (h *Handler) handleCreateGroup(w http.ResponseWriter, r *http.Request) error {
	f, _, err := postForm(r)
	if err != nil {
		return err
	}
	g := issuer.Group{InstitutionID: chi.URLParam(r, "institutionID"), Name: textOf(f, "name"), Description: textOf(f, "description")}
	created, err := h.Issuer.CreateGroup(r.Context(), actorOf(r), g)
	done := "/portal"
	if created != nil {
		done += "#group-" + created.ID
	}
	return h.saveNode(w, r, groupEdit(&g, page.LangOf(w, r)), err, done)
}

func (h *Handler) handleEditGroup(w http.ResponseWriter, r *http.Request) error {
	g, err := h.Issuer.Group(r.Context(), actorOf(r), chi.URLParam(r, "groupID"))
	if err != nil {
		return err
	}
	if err := h.Issuer.MayUpdate(r.Context(), actorOf(r), issuer.LevelGroup, g.ID); err != nil {
		return err
	}
	h.renderNode(w, r, http.StatusOK, groupEdit(g, page.LangOf(w, r)), nil, nil)
	return nil
}

func (h *Handler) handleUpdateGroup(w http.ResponseWriter, r *http.Request) error {
	f, version, err := postForm(r)
	if err != nil {
		return err
	}
	old, err := h.Issuer.Group(r.Context(), actorOf(r), chi.URLParam(r, "groupID"))
	if err != nil {
		return err
	}
	g := *old
	g.Name, g.Description, g.Version = textOf(f, "name"), textOf(f, "description"), version
	_, err = h.Issuer.UpdateGroup(r.Context(), actorOf(r), g)
	return h.saveNode(w, r, groupEdit(old, page.LangOf(w, r)), err, "/portal#group-"+old.ID)
}

// ---- issuers

func issuerEdit(is *issuer.Issuer, lang string) nodeEdit {
	t := Text[lang]
	n := nodeEdit{title: t["bc_newIssuerTitle"], action: "/portal/groups/" + is.GroupID + "/issuers", cancel: "/portal"}
	if is.ID != "" {
		n.title, n.action, n.version = t["bc_editTitle"]+": "+is.Name.In(lang), "/portal/issuers/"+is.ID+"/edit", is.Version
	}
	n.form = func(t map[string]string, raw url.Values, errs map[string]string) []formSection {
		f := fields{t, raw, errs}
		return []formSection{{ID: "issuer", Title: t["bc_sectionIssuer"], Fields: []formField{
			f.text("name", is.Name, "bilingual", true), f.text("description", is.Description, "bilingual-long", false),
			f.one("url", "url", is.URL), f.one("email", "email", is.Email)}}}
	}
	return n
}

func issuerOf(f url.Values) issuer.Issuer {
	return issuer.Issuer{Name: textOf(f, "name"), Description: textOf(f, "description"),
		URL: strings.TrimSpace(f.Get("url")), Email: strings.TrimSpace(f.Get("email"))}
}

func (h *Handler) handleNewIssuer(w http.ResponseWriter, r *http.Request) error {
	g, err := h.Issuer.Group(r.Context(), actorOf(r), chi.URLParam(r, "groupID"))
	if err != nil {
		return err
	}
	if err := h.Issuer.MayCreate(r.Context(), actorOf(r), issuer.LevelGroup, g.ID); err != nil {
		return err
	}
	h.renderNode(w, r, http.StatusOK, issuerEdit(&issuer.Issuer{GroupID: g.ID}, page.LangOf(w, r)), nil, nil)
	return nil
}

func (h *Handler) handleCreateIssuer(w http.ResponseWriter, r *http.Request) error {
	f, _, err := postForm(r)
	if err != nil {
		return err
	}
	in := issuerOf(f)
	in.GroupID = chi.URLParam(r, "groupID")
	created, err := h.Issuer.CreateIssuer(r.Context(), actorOf(r), in)
	done := "/portal"
	if created != nil {
		done += "#issuer-" + created.ID
	}
	return h.saveNode(w, r, issuerEdit(&in, page.LangOf(w, r)), err, done)
}

func (h *Handler) handleEditIssuer(w http.ResponseWriter, r *http.Request) error {
	is, err := h.Issuer.Issuer(r.Context(), actorOf(r), chi.URLParam(r, "issuerID"))
	if err != nil {
		return err
	}
	if err := h.Issuer.MayUpdate(r.Context(), actorOf(r), issuer.LevelIssuer, is.ID); err != nil {
		return err
	}
	h.renderNode(w, r, http.StatusOK, issuerEdit(is, page.LangOf(w, r)), nil, nil)
	return nil
}

func (h *Handler) handleUpdateIssuer(w http.ResponseWriter, r *http.Request) error {
	f, version, err := postForm(r)
	if err != nil {
		return err
	}
	old, err := h.Issuer.Issuer(r.Context(), actorOf(r), chi.URLParam(r, "issuerID"))
	if err != nil {
		return err
	}
	in := issuerOf(f)
	in.ID, in.GroupID, in.ImageURL, in.Version = old.ID, old.GroupID, old.ImageURL, version
	_, err = h.Issuer.UpdateIssuer(r.Context(), actorOf(r), in)
	return h.saveNode(w, r, issuerEdit(old, page.LangOf(w, r)), err, "/portal#issuer-"+old.ID)
}

// ---- archiving

// archivable is a group or an issuer as its archive pages see it: its
// level, the URL parameter of its ID, its name and version, the words of
// what archiving it means, the anchor of the tree it returns to, and the
// service's archive call.
type archivable struct {
	level               issuer.Level
	kind, param, anchor string // "group" or "issuer" (its word), its ID's URL parameter, its tree anchor
	consequence         string // the message key of what archiving means
	read                func(ctx context.Context, a issuer.Actor, id string) (issuer.Text, int64, error)
	archive             func(ctx context.Context, a issuer.Actor, id string, version int64) error
}

func (h *Handler) archivables() map[string]archivable {
	return map[string]archivable{
		"groups": {level: issuer.LevelGroup, kind: "group", param: "groupID", anchor: "group-", consequence: "tree_archiveGroupConsequence",
			read: func(ctx context.Context, a issuer.Actor, id string) (issuer.Text, int64, error) {
				g, err := h.Issuer.Group(ctx, a, id)
				if err != nil {
					return issuer.Text{}, 0, err
				}
				return g.Name, g.Version, nil
			},
			archive: func(ctx context.Context, a issuer.Actor, id string, version int64) error {
				_, err := h.Issuer.ArchiveGroup(ctx, a, id, version)
				return err
			}},
		"issuers": {level: issuer.LevelIssuer, kind: "issuer", param: "issuerID", anchor: "issuer-", consequence: "tree_archiveIssuerConsequence",
			read: func(ctx context.Context, a issuer.Actor, id string) (issuer.Text, int64, error) {
				is, err := h.Issuer.Issuer(ctx, a, id)
				if err != nil {
					return issuer.Text{}, 0, err
				}
				return is.Name, is.Version, nil
			},
			archive: func(ctx context.Context, a issuer.Actor, id string, version int64) error {
				_, err := h.Issuer.ArchiveIssuer(ctx, a, id, version)
				return err
			}},
	}
}

// archivePage asks to confirm archiving a group or an issuer.
type archivePage struct {
	Base
	Name, What, Consequence, Action, Cancel string
	Version                                 int64
}

// handleArchivePage asks the person who may change the group or issuer
// of the URL (path: "groups" or "issuers") to confirm archiving it.
func (h *Handler) handleArchivePage(path string) page.HandlerFunc {
	n := h.archivables()[path]
	return func(w http.ResponseWriter, r *http.Request) error {
		id := chi.URLParam(r, n.param)
		name, version, err := n.read(r.Context(), actorOf(r), id)
		if err != nil {
			return err
		}
		if err := h.Issuer.MayUpdate(r.Context(), actorOf(r), n.level, id); err != nil {
			return err
		}
		p := archivePage{Base: h.base(w, r, "overview"), Action: "/portal/" + path + "/" + id + "/archive",
			Cancel: "/portal#" + n.anchor + id, Version: version}
		p.Name, p.What, p.Consequence = name.In(p.Lang), p.T[n.kind], p.T[n.consequence]
		p.Title = p.T["tree_archiveTitle"] + ": " + p.Name
		h.Render(w, r, http.StatusOK, treePages["node_archive"], p)
		return nil
	}
}

// handleArchive archives the group or issuer of the URL at the version
// the confirmation was made for.
func (h *Handler) handleArchive(path string) page.HandlerFunc {
	n := h.archivables()[path]
	return func(w http.ResponseWriter, r *http.Request) error {
		id := chi.URLParam(r, n.param)
		_, version, err := postForm(r)
		if err != nil {
			return err
		}
		if err := n.archive(r.Context(), actorOf(r), id, version); err != nil {
			return err
		}
		page.SeeOther(w, r, "/portal#"+n.anchor+id, "")
		return nil
	}
}
