package portal

// Awarding: choosing a badge class to award, awarding it to one learner
// (award.go), by CSV (award_csv.go), the queue of requests
// (award_requests.go) and the awarded list with revocation and what the
// learner sees (award_list.go). Every action goes through the issuer
// service's award flows, which check the award permission of the person
// signed in; the lists show only what their roles let them read.

import (
	"cmp"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/web/page"
)

// awardPages are the pages of awarding, parsed once, each with the
// parts they share (award_parts.html).
var awardPages = func() map[string]*template.Template {
	pages := page.Templates(templates, "award_choose", "award_form", "award_csv", "award_job",
		"award_requests", "award_list", "award_detail", "award_revoke")
	for _, t := range pages {
		template.Must(t.ParseFS(templates, "templates/award_parts.html"))
	}
	return pages
}()

// awardRoutes adds the pages of awarding, requests and awards.
func (h *Handler) awardRoutes(r chi.Router) {
	r.Get("/award", h.Handle(h.handleAwardChoose))
	r.Get("/badgeclasses/{badgeClassID}/award", h.Handle(h.handleAwardForm))
	r.Post("/badgeclasses/{badgeClassID}/award", h.Handle(h.handleAwardPost))
	r.Get("/badgeclasses/{badgeClassID}/award/csv", h.Handle(h.handleAwardCSVForm))
	r.Post("/badgeclasses/{badgeClassID}/award/csv", h.Handle(h.handleAwardCSVPost))
	r.Get("/award/jobs/{jobID}", h.Handle(h.handleAwardJob))
	r.Get("/award/jobs/{jobID}/progress", h.Handle(h.handleAwardJobProgress))
	r.Get("/requests", h.Handle(h.handleRequests))
	r.Post("/requests", h.Handle(h.handleRequestsPost))
	r.Get("/awards", h.Handle(h.handleAwards))
	r.Get("/awards/{awardID}", h.Handle(h.handleAwardDetail))
	r.Get("/awards/{awardID}/revoke", h.Handle(h.handleRevokeForm))
	r.Post("/awards/{awardID}/revoke", h.Handle(h.handleRevokePost))
	r.Post("/awards/{awardID}/withdraw", h.Handle(h.handleWithdrawPost))
	r.Post("/awards/{awardID}/offer", h.Handle(h.handleAwardOffer))
}

// IsUpload reports whether r uploads a file through the portal (a CSV
// file of awards, a badge class's image): its handler bounds the body at
// the file's limit, not the site's.
func IsUpload(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/portal/badgeclasses/")
	if !ok {
		return false
	}
	id, tail, _ := strings.Cut(rest, "/")
	return id != "" && (tail == "award/csv" || tail == "image")
}

// classChoice is a badge class in a list of them: what the person may
// do with it.
type classChoice struct {
	ID, Name, Issuer, Institution string
	State                         issuer.State
	// MayAward says the person may award it (and decide its requests,
	// revoke its awards).
	MayAward bool
}

// classes lists the badge classes a may read, in tree order, each
// marked with whether a may award it.
func (h *Handler) classes(ctx context.Context, a issuer.Actor, lang string) ([]classChoice, error) {
	ids, err := h.institutionIDs(ctx, a)
	if err != nil {
		return nil, err
	}
	var ms []*issuer.Membership
	if !a.Superuser {
		if ms, err = h.Issuer.Memberships(ctx, a); err != nil {
			return nil, err
		}
	}
	var out []classChoice
	for _, id := range ids {
		t, err := h.Issuer.Tree(ctx, a, id)
		if err != nil {
			return nil, err
		}
		for _, g := range t.Groups {
			for _, is := range g.Issuers {
				for _, bc := range is.BadgeClasses {
					out = append(out, classChoice{ID: bc.ID, Name: bc.Name.In(lang), Issuer: is.Name.In(lang),
						Institution: t.Institution.Name.In(lang), State: bc.State,
						MayAward: a.Superuser || issuer.Can(ms, issuer.ActionAward, bc.Path())})
				}
			}
		}
	}
	return out, nil
}

// mayAward reports whether a may award the badge class at p: what a page
// asks before it offers an action, which the issuer service checks again.
func (h *Handler) mayAward(ctx context.Context, a issuer.Actor, p issuer.Path) (bool, error) {
	if a.Superuser {
		return true, nil
	}
	ms, err := h.Issuer.Memberships(ctx, a)
	if err != nil {
		return false, err
	}
	return issuer.Can(ms, issuer.ActionAward, p), nil
}

// awardNotices are the notices a redirect after an award form may ask
// for with ?done= (and ?count=): only these, so that a link cannot put
// words on the page.
var awardNotices = map[string]string{"awarded": "awardDoneAwarded", "scheduled": "awardDoneScheduled",
	"approved": "awardDoneApproved", "denied": "awardDoneDenied", "revoked": "awardDoneRevoked",
	"withdrawn": "awardDoneWithdrawn"}

// awardBase is base with the notice of ?done= (awardNotices).
func (h *Handler) awardBase(w http.ResponseWriter, r *http.Request, nav string) Base {
	b := h.base(w, r, nav)
	b.Styles = append(b.Styles, "/portal/static/award.css")
	if done := r.URL.Query().Get("done"); awardNotices[done] != "" {
		n, _ := strconv.Atoi(r.URL.Query().Get("count"))
		b.Notice = noticeText(b.T, done, n)
	}
	return b
}

// noticeText says what the action done (a key of awardNotices) did to n
// awards or requests.
func noticeText(t map[string]string, done string, n int) string {
	return strings.ReplaceAll(t[awardNotices[done]], "{count}", strconv.Itoa(max(n, 1)))
}

// fieldErrors are a refused form's messages by field name, for the
// template (.Errors.name).
type fieldErrors map[string]string

// add keeps the first message of a field.
func (f fieldErrors) add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// message says a service's field message in the page's words where it
// has them.
func message(t map[string]string, msg string) string {
	switch msg {
	case "required for this badge":
		return t["awardRequiredForBadge"]
	case "required":
		return t["awardRequired"]
	}
	return page.Sentence(msg)
}

// ---- choosing a badge class

type chooseGroup struct {
	Institution, Issuer string
	Classes             []classChoice
}

type choosePage struct {
	Base
	Groups []chooseGroup
}

// handleAwardChoose lists the published badge classes the person may
// award, by issuer, each with its ways to award.
func (h *Handler) handleAwardChoose(w http.ResponseWriter, r *http.Request) error {
	p := choosePage{Base: h.awardBase(w, r, "award")}
	p.Title = p.T["awardChooseTitle"]
	all, err := h.classes(r.Context(), p.Actor, p.Lang)
	if err != nil {
		return err
	}
	for _, c := range all {
		if !c.MayAward || c.State != issuer.Published {
			continue
		}
		if n := len(p.Groups); n == 0 || p.Groups[n-1].Issuer != c.Issuer || p.Groups[n-1].Institution != c.Institution {
			p.Groups = append(p.Groups, chooseGroup{Institution: c.Institution, Issuer: c.Issuer})
		}
		g := &p.Groups[len(p.Groups)-1]
		g.Classes = append(g.Classes, c)
	}
	h.Render(w, r, http.StatusOK, awardPages["award_choose"], p)
	return nil
}

// ---- awarding one learner

// awardForm is what the awarder typed.
type awardForm struct {
	IDType, Recipient, Name, Narrative, Evidence, Grade, ScheduledAt string
}

// badgeClassView is what an award page says of its badge class.
type badgeClassView struct {
	ID, Name, Issuer, Institution                              string
	NarrativeRequired, EvidenceRequired, GradeAchievedRequired bool
	SCHACHome                                                  string
}

type awardFormPage struct {
	Base
	Class  badgeClassView
	Form   awardForm
	Errors fieldErrors
}

// awardTarget reads the badge class of the request's URL when the person
// may award it now (issuer.Service.DirectAwardTarget): NotFound,
// Forbidden, or Conflict for a class that is not published.
func (h *Handler) awardTarget(r *http.Request, a issuer.Actor, lang string) (badgeClassView, error) {
	bc, in, err := h.Issuer.DirectAwardTarget(r.Context(), a, chi.URLParam(r, "badgeClassID"))
	if err != nil {
		return badgeClassView{}, err
	}
	v := badgeClassView{ID: bc.ID, Name: bc.Name.In(lang), Institution: in.Name.In(lang), SCHACHome: in.SCHACHome,
		NarrativeRequired: bc.NarrativeRequired, EvidenceRequired: bc.EvidenceRequired, GradeAchievedRequired: bc.GradeAchievedRequired}
	if is, err := h.Issuer.Issuer(r.Context(), a, bc.IssuerID); err == nil {
		v.Issuer = is.Name.In(lang)
	}
	return v, nil
}

func (h *Handler) awardFormPage(w http.ResponseWriter, r *http.Request) (*awardFormPage, error) {
	p := &awardFormPage{Base: h.awardBase(w, r, "award"), Form: awardForm{IDType: "email"}, Errors: fieldErrors{}}
	c, err := h.awardTarget(r, p.Actor, p.Lang)
	if err != nil {
		return nil, err
	}
	p.Class = c
	p.Title = fmt.Sprintf(p.T["awardFormTitle"], c.Name)
	p.Scripts = []string{"/portal/static/award.js"}
	return p, nil
}

// handleAwardForm is the form that awards the badge class to one
// learner.
func (h *Handler) handleAwardForm(w http.ResponseWriter, r *http.Request) error {
	p, err := h.awardFormPage(w, r)
	if err != nil {
		return err
	}
	h.Render(w, r, http.StatusOK, awardPages["award_form"], p)
	return nil
}

// scheduleLayout is the value of a datetime-local input, read as UTC.
const scheduleLayout = "2006-01-02T15:04"

// schedule reads the schedule fields of a form: v, a date and time
// (empty: send now) in the browser's time zone, offset minutes east of
// UTC as award.js gives it, else (no script) in UTC. A problem goes to
// errs.
func (h *Handler) schedule(t map[string]string, errs fieldErrors, v, offset string) time.Time {
	if v == "" {
		return time.Time{}
	}
	zone := time.UTC
	if m, err := strconv.Atoi(offset); err == nil && m >= -14*60 && m <= 14*60 {
		zone = time.FixedZone("", m*60)
	}
	at, err := time.ParseInLocation(scheduleLayout, v, zone)
	switch {
	case err != nil:
		errs.add("scheduled_at", t["awardScheduleInvalid"])
	case !at.After(h.Clock()):
		errs.add("scheduled_at", t["awardSchedulePast"])
	}
	return at
}

// handleAwardPost awards the badge class to the learner of the form, at
// once or at the scheduled time; a refused form comes back with 422, as
// typed, each message beside its field.
func (h *Handler) handleAwardPost(w http.ResponseWriter, r *http.Request) error {
	p, err := h.awardFormPage(w, r)
	if err != nil {
		return err
	}
	f := awardForm{IDType: r.PostFormValue("id_type"), Recipient: strings.TrimSpace(r.PostFormValue("recipient")),
		Name: strings.TrimSpace(r.PostFormValue("name")), Narrative: strings.TrimSpace(r.PostFormValue("narrative")),
		Evidence: strings.TrimSpace(r.PostFormValue("evidence")), Grade: strings.TrimSpace(r.PostFormValue("grade")),
		ScheduledAt: strings.TrimSpace(r.PostFormValue("scheduled_at"))}
	if f.IDType != "eppn" {
		f.IDType = "email"
	}
	p.Form = f
	row := issuer.DirectAwardInput{Recipient: issuer.Recipient{Name: f.Name}, Narrative: f.Narrative,
		EvidenceURL: f.Evidence, Grade: f.Grade}
	switch {
	case f.Recipient == "":
		p.Errors.add("recipient", p.T["awardRecipientMissing"])
	case f.IDType == "eppn":
		row.Recipient.EPPN = f.Recipient
		if user, scope, ok := strings.Cut(f.Recipient, "@"); !ok || user == "" || scope == "" || strings.ContainsAny(scope, "@ ") {
			p.Errors.add("recipient", p.T["awardEPPNInvalid"])
		}
	default:
		row.Recipient.Email = f.Recipient
	}
	scheduled := h.schedule(p.T, p.Errors, f.ScheduledAt, r.PostFormValue("tz_offset"))
	if len(p.Errors) == 0 {
		_, err = h.Issuer.DirectAward(r.Context(), p.Actor, p.Class.ID, []issuer.DirectAwardInput{row}, scheduled)
		if badged.KindOf(err) == badged.Invalid && len(badged.FieldsOf(err)) > 0 {
			for _, fe := range badged.FieldsOf(err) {
				p.Errors.add(awardField(fe.Field), message(p.T, fe.Message))
			}
		} else if err != nil {
			return err
		}
	}
	if len(p.Errors) > 0 {
		p.Error = p.T["awardRefused"]
		h.Render(w, r, http.StatusUnprocessableEntity, awardPages["award_form"], p)
		return nil
	}
	done := "awarded"
	if !scheduled.IsZero() {
		done = "scheduled"
	}
	page.SeeOther(w, r, "/portal/awards?badgeclass="+url.QueryEscape(p.Class.ID), done)
	return nil
}

// awardField is the form field of a field of issuer.Service.DirectAward's
// problems ("row 1: evidence[0]" is the evidence).
func awardField(field string) string {
	if _, rest, ok := strings.Cut(field, ": "); ok {
		field = rest
	}
	field, _, _ = strings.Cut(field, "[")
	switch field {
	case "email", "eppn", "eduID", "userID", "recipient":
		return "recipient"
	}
	return cmp.Or(field, "recipient")
}

// stateText is an award state in t's words.
func stateText(t map[string]string, s issuer.AwardState) string { return t["awardState_"+string(s)] }

// awardStates are the states the lists filter by, in the order of an
// award's life.
var awardStates = slices.Clone(issuer.AwardStates)
