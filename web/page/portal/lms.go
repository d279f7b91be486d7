package portal

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/lti"
	"github.com/badged/badged/web/page"
)

// The learning platforms page (lms.go): an institution admin registers
// the institution's LMS (Canvas, Brightspace, Moodle) as an LTI 1.3
// platform, with what the platform's registration of badged gave, and
// reads here what to paste into the platform (badged's login, launch and
// key set URLs).

var lmsPages = page.Templates(templates, "lms")

func (h *Handler) lmsRoutes(r chi.Router) {
	r.Get("/lms", h.Handle(h.handleLMS))
	r.Post("/lms", h.Handle(h.handleRegisterLMS))
}

type lmsPage struct {
	Base
	Institutions  []option
	InstitutionID string
	Platforms     []*lti.Platform
	Issuers       []option
	Form          lti.Platform
	Deployments   string
	Errors        map[string]string
	Tool          map[string]string // badged's URLs for the platform
	Fields        []lmsField
}

// lmsField is one text field of the registration form.
type lmsField struct{ ID, Name, Label, Help, Value, Error string }

// fields lays out the registration form with p's values and errors.
func (p *lmsPage) fields() {
	f, t := p.Form, p.T
	add := func(id, name, key, value, errKey string) {
		p.Fields = append(p.Fields, lmsField{ID: id, Name: name, Label: t[key], Help: t[key+"Help"], Value: value, Error: p.Errors[errKey]})
	}
	add("lms-name", "name", "lmsName", f.Name, "name")
	add("lms-iss", "iss", "lmsIssuer", f.Issuer, "issuer")
	add("lms-client", "clientId", "lmsClientID", f.ClientID, "clientId")
	add("lms-deployments", "deployments", "lmsDeployments", p.Deployments, "deploymentIds")
	add("lms-jwks", "jwksUrl", "lmsJWKS", f.JWKSURL, "jwksUrl")
	add("lms-auth", "authUrl", "lmsAuth", f.AuthURL, "authUrl")
	add("lms-token", "tokenUrl", "lmsToken", f.TokenURL, "tokenUrl")
}

func (h *Handler) lmsPage(w http.ResponseWriter, r *http.Request) (*lmsPage, error) {
	b, id, opts, err := h.adminBase(w, r, "lms")
	if err != nil {
		return nil, err
	}
	if h.LTI == nil {
		return nil, badged.Errorf(badged.Unavailable, "learning platforms are not available")
	}
	p := &lmsPage{Base: b, Institutions: opts, InstitutionID: id, Errors: map[string]string{}}
	p.Title = p.T["lmsTitle"]
	base := h.LTI.BaseURL()
	p.Tool = map[string]string{"login": base + lti.LoginPath, "launch": base + lti.LaunchPath, "jwks": base + lti.JWKSPath, "config": base + lti.ConfigPath}
	if p.Platforms, err = h.LTI.Platforms(r.Context(), p.Actor, id); err != nil {
		return nil, err
	}
	t, err := h.Issuer.Tree(r.Context(), p.Actor, id)
	if err != nil {
		return nil, err
	}
	for _, g := range t.Groups {
		for _, is := range g.Issuers {
			if !is.Archived {
				p.Issuers = append(p.Issuers, option{is.ID, is.Name.In(p.Lang)})
			}
		}
	}
	return p, nil
}

func (h *Handler) handleLMS(w http.ResponseWriter, r *http.Request) error {
	p, err := h.lmsPage(w, r)
	if err != nil {
		return err
	}
	p.fields()
	h.Render(w, r, http.StatusOK, lmsPages["lms"], p)
	return nil
}

// handleRegisterLMS registers a platform; refusals come back beside their
// fields, the form kept.
func (h *Handler) handleRegisterLMS(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badged.Errorf(badged.Invalid, "the form cannot be read")
	}
	p, err := h.lmsPage(w, r)
	if err != nil {
		return err
	}
	f := r.PostForm
	p.Deployments = f.Get("deployments")
	p.Form = lti.Platform{InstitutionID: p.InstitutionID, IssuerID: f.Get("issuerId"), Name: f.Get("name"), Issuer: f.Get("iss"),
		ClientID: f.Get("clientId"), DeploymentIDs: strings.FieldsFunc(p.Deployments, func(r rune) bool { return r == ',' || r == '\n' || r == ' ' || r == '\r' }),
		JWKSURL: strings.TrimSpace(f.Get("jwksUrl")), AuthURL: strings.TrimSpace(f.Get("authUrl")), TokenURL: strings.TrimSpace(f.Get("tokenUrl"))}
	_, err = h.LTI.RegisterPlatform(r.Context(), p.Actor, p.Form)
	if fs := badged.FieldsOf(err); len(fs) > 0 || badged.KindOf(err) == badged.Conflict {
		for _, fe := range fs {
			p.Errors[fe.Field] = fe.Message
		}
		if len(fs) == 0 {
			p.Errors["clientId"] = badged.MessageOf(err)
		}
		p.fields()
		h.Render(w, r, http.StatusUnprocessableEntity, lmsPages["lms"], p)
		return nil
	} else if err != nil {
		return err
	}
	page.SeeOther(w, r, "/portal/lms?institution="+p.InstitutionID, "")
	return nil
}
