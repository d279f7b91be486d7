package portal

import (
	"cmp"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/web/page"
)

// Staff (staff.go): who holds which role at a node of the tree (an
// institution, issuer group, issuer or badge class), with invitations by
// email, role changes and removal, for those who may administrate the
// node's users (its admins and theirs above). An invitation grants nothing
// until the invitee signs in through the institution's own identity
// provider (issuer.Service.BindInvitations).

var staffPages = page.Templates(templates, "staff")

func (h *Handler) staffRoutes(r chi.Router) {
	r.Get("/staff/{level}/{nodeID}", h.Handle(h.handleStaff))
	r.Post("/staff/{level}/{nodeID}", h.Handle(h.handleInvite))
	r.Post("/memberships/{membershipID}/role", h.Handle(h.handleChangeRole))
	r.Post("/memberships/{membershipID}/revoke", h.Handle(h.handleRevokeRole))
}

// levels are the tree's levels by their name in staff URLs.
var levels = map[string]issuer.Level{"institution": issuer.LevelInstitution, "group": issuer.LevelGroup,
	"issuer": issuer.LevelIssuer, "badgeclass": issuer.LevelBadgeClass}

// levelName is the name of l in staff URLs.
func levelName(l issuer.Level) string {
	for name, v := range levels {
		if v == l {
			return name
		}
	}
	return ""
}

// staffURL is the staff page of node id at level l.
func staffURL(l issuer.Level, id string) string { return "/portal/staff/" + levelName(l) + "/" + id }

type staffMember struct {
	ID, Who, Role, RoleText string
	Pending, You            bool
	Version                 int64
}

type staffPage struct {
	Base
	Level            string
	NodeID, NodeName string
	Back             string
	Members          []staffMember
	Roles            []option // the roles of this level
	Email, Role      string   // the invitation form as sent, after a refusal
	Errors           map[string]string
}

// staffNode reads the level and node of the URL, and the node's name, for
// one who may administrate its users.
func (h *Handler) staffNode(r *http.Request, lang string) (issuer.Level, string, string, error) {
	l, ok := levels[chi.URLParam(r, "level")]
	if !ok {
		return 0, "", "", badged.Errorf(badged.NotFound, "no such level")
	}
	id, a := chi.URLParam(r, "nodeID"), actorOf(r)
	if err := h.Issuer.MayAdministrateUsers(r.Context(), a, l, id); err != nil {
		return 0, "", "", err
	}
	var name issuer.Text
	switch l {
	case issuer.LevelInstitution:
		in, err := h.Issuer.Institution(r.Context(), a, id)
		if err != nil {
			return 0, "", "", err
		}
		name = in.Name
	case issuer.LevelGroup:
		g, err := h.Issuer.Group(r.Context(), a, id)
		if err != nil {
			return 0, "", "", err
		}
		name = g.Name
	case issuer.LevelIssuer:
		is, err := h.Issuer.Issuer(r.Context(), a, id)
		if err != nil {
			return 0, "", "", err
		}
		name = is.Name
	case issuer.LevelBadgeClass:
		bc, err := h.Issuer.BadgeClass(r.Context(), a, id)
		if err != nil {
			return 0, "", "", err
		}
		name = bc.Name
	}
	return l, id, name.In(lang), nil
}

// staffPage is the staff page of the URL's node, with the invitation form
// as sent and its refusals.
func (h *Handler) staffPage(w http.ResponseWriter, r *http.Request, email, role string, errs map[string]string) (*staffPage, error) {
	p := &staffPage{Base: h.base(w, r, "overview"), Email: email, Role: role, Errors: errs}
	l, id, name, err := h.staffNode(r, p.Lang)
	if err != nil {
		return nil, err
	}
	p.Level, p.NodeID, p.NodeName = levelName(l), id, name
	p.Title = p.T["staffTitle"] + ": " + name
	p.Back = "/portal"
	if l == issuer.LevelBadgeClass {
		p.Back = "/portal/badgeclasses/" + id
	}
	for _, role := range issuer.Roles {
		if role.Level() == l {
			p.Roles = append(p.Roles, option{string(role), cmp.Or(p.T["role_"+string(role)], string(role))})
		}
	}
	ms, err := h.Issuer.Staff(r.Context(), actorOf(r), l, id)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		p.Members = append(p.Members, staffMember{ID: m.ID, Who: cmp.Or(m.Email, m.UserID), Role: string(m.Role),
			RoleText: cmp.Or(p.T["role_"+string(m.Role)], string(m.Role)), Pending: m.Pending(),
			You: m.UserID != "" && m.UserID == p.Actor.UserID, Version: m.Version})
	}
	return p, nil
}

func (h *Handler) handleStaff(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staffPage(w, r, "", "", nil)
	if err != nil {
		return err
	}
	switch r.URL.Query().Get("done") {
	case "invited":
		p.Notice = p.T["staffInvited"]
	case "changed":
		p.Notice = p.T["staffChanged"]
	case "removed":
		p.Notice = p.T["staffRemoved"]
	}
	h.Render(w, r, http.StatusOK, staffPages["staff"], p)
	return nil
}

// handleInvite invites an email address to a role at the node; a bad
// address, an unknown role or a second invitation is refused beside its
// field, the form kept.
func (h *Handler) handleInvite(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badged.Errorf(badged.Invalid, "the form cannot be read")
	}
	email, role := strings.TrimSpace(r.PostForm.Get("email")), r.PostForm.Get("role")
	_, err := h.Issuer.InviteStaff(r.Context(), actorOf(r), email, issuer.Role(role), chi.URLParam(r, "nodeID"))
	if err == nil {
		page.SeeOther(w, r, r.URL.Path, "invited")
		return nil
	}
	errs := map[string]string{}
	t := Text[page.LangOf(w, r)]
	switch {
	case !issuer.Role(role).Valid() || issuer.Role(role).Level() != levels[chi.URLParam(r, "level")]:
		errs["role"] = t["staffBadRole"]
	case badged.KindOf(err) == badged.Invalid:
		errs["email"] = t["staffBadEmail"]
	case badged.KindOf(err) == badged.Conflict:
		errs["email"] = page.Sentence(badged.MessageOf(err))
	default:
		return err
	}
	p, perr := h.staffPage(w, r, email, role, errs)
	if perr != nil {
		return perr
	}
	h.Render(w, r, http.StatusUnprocessableEntity, staffPages["staff"], p)
	return nil
}

// back is where a membership's form returns: the staff page it came from.
func back(r *http.Request) string {
	if u := r.PostForm.Get("back"); strings.HasPrefix(u, "/portal/staff/") && !strings.ContainsAny(u, "?#\\") {
		return u
	}
	return "/portal"
}

func (h *Handler) handleChangeRole(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badged.Errorf(badged.Invalid, "the form cannot be read")
	}
	version, _ := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
	if _, err := h.Issuer.ChangeRole(r.Context(), actorOf(r), chi.URLParam(r, "membershipID"), version, issuer.Role(r.PostForm.Get("role"))); err != nil {
		return err
	}
	page.SeeOther(w, r, back(r), "changed")
	return nil
}

func (h *Handler) handleRevokeRole(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badged.Errorf(badged.Invalid, "the form cannot be read")
	}
	version, _ := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
	if err := h.Issuer.RevokeRole(r.Context(), actorOf(r), chi.URLParam(r, "membershipID"), version); err != nil {
		return err
	}
	page.SeeOther(w, r, back(r), "removed")
	return nil
}
