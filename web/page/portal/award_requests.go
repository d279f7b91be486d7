package portal

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/web/page"
	"github.com/badged/badged/web/render"
)

// requestsPerPage is how many requests the queue shows at once: the
// oldest first, so that none waits for ever.
const requestsPerPage = 100

type requestsPage struct {
	Base
	// Classes are the badge classes the person may award: the filter.
	Classes    []classChoice
	BadgeClass string
	Requests   []awardRow
	Selected   map[string]bool
	Reason     string
	Errors     fieldErrors
	// Failures are what went wrong with some of the selected requests.
	Failures []string
}

// requestsPage builds the queue: the open requests of the badge classes
// the person may award (of one, with ?badgeclass=).
func (h *Handler) requestsPage(w http.ResponseWriter, r *http.Request, badgeClass string) (*requestsPage, error) {
	p := &requestsPage{Base: h.awardBase(w, r, "requests"), BadgeClass: badgeClass, Selected: map[string]bool{}, Errors: fieldErrors{}}
	p.Title = p.T["awardRequestsTitle"]
	all, err := h.classes(r.Context(), p.Actor, p.Lang)
	if err != nil {
		return nil, err
	}
	byID := map[string]classChoice{}
	win := awardWindow{States: []issuer.AwardState{issuer.AwardRequested}}
	for _, c := range all {
		if c.MayAward {
			p.Classes = append(p.Classes, c)
			byID[c.ID] = c
			win.Classes = append(win.Classes, c.ID)
		}
	}
	if badgeClass != "" {
		if _, ok := byID[badgeClass]; !ok {
			return nil, badged.Errorf(badged.Forbidden, "you may not decide the requests of this badge class")
		}
		win.Classes = []string{badgeClass}
	}
	awards, _, err := h.awardsIn(r.Context(), p.Actor, win, requestsPerPage)
	if err != nil {
		return nil, err
	}
	for _, a := range awards {
		p.Requests = append(p.Requests, h.awardRow(p.T, p.Lang, a, byID))
	}
	return p, nil
}

// handleRequests is the queue of requests to decide.
func (h *Handler) handleRequests(w http.ResponseWriter, r *http.Request) error {
	p, err := h.requestsPage(w, r, r.URL.Query().Get("badgeclass"))
	if err != nil {
		return err
	}
	h.Render(w, r, http.StatusOK, awardPages["award_requests"], p)
	return nil
}

// handleRequestsPost approves the selected requests
// (issuer.Service.ApproveRequests: all are checked first) or denies each
// with the reason given (issuer.Service.DenyRequest). A refused form comes
// back, 422, with the selection and reason kept; what failed of a batch
// is said on the page.
func (h *Handler) handleRequestsPost(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badged.Errorf(badged.Invalid, "unreadable form")
	}
	badgeClass := r.PostForm.Get("badgeclass")
	ids := slices.Compact(slices.Sorted(slices.Values(r.PostForm["id"])))
	ids = slices.DeleteFunc(ids, func(id string) bool { return id == "" })
	action, reason := r.PostForm.Get("action"), strings.TrimSpace(r.PostForm.Get("reason"))
	if len(ids) > issuer.MaxDirectAwards {
		return badged.Errorf(badged.TooLarge, "decide at most %d requests at once", issuer.MaxDirectAwards)
	}
	p, err := h.requestsPage(w, r, badgeClass)
	if err != nil {
		return err
	}
	p.Reason = reason
	for _, id := range ids {
		p.Selected[id] = true
	}
	refuse := func(status int) error {
		if p.Error == "" {
			p.Error = p.T["awardRefused"]
		}
		h.Render(w, r, status, awardPages["award_requests"], p)
		return nil
	}
	if len(ids) == 0 {
		p.Errors.add("id", p.T["awardRequestsNoneSelected"])
	}
	switch action {
	case "approve":
	case "deny":
		if reason == "" {
			p.Errors.add("reason", p.T["awardDenyReasonMissing"])
		}
	default:
		p.Errors.add("id", p.T["awardRequestsNoAction"])
	}
	if len(p.Errors) > 0 {
		return refuse(http.StatusUnprocessableEntity)
	}
	var (
		done int
		errs []error
	)
	if action == "approve" {
		approved, err := h.Issuer.ApproveRequests(r.Context(), p.Actor, ids...)
		if err != nil && len(approved) == 0 {
			if k := badged.KindOf(err); k != badged.Conflict && k != badged.Invalid {
				return err // not theirs to decide, or not there: the error page
			}
			p.Error = page.Sentence(badged.MessageOf(err))
			return refuse(render.Status(badged.KindOf(err)))
		}
		done = len(approved)
		if err != nil {
			errs = append(errs, err)
		}
	} else {
		for _, id := range ids {
			if _, err := h.Issuer.DenyRequest(r.Context(), p.Actor, id, reason); err != nil {
				if fields := badged.FieldsOf(err); len(fields) > 0 && done == 0 {
					for _, fe := range fields {
						p.Errors.add(fe.Field, message(p.T, fe.Message))
					}
					return refuse(http.StatusUnprocessableEntity)
				}
				errs = append(errs, err)
				continue
			}
			done++
		}
	}
	if done == 0 && len(errs) > 0 {
		if k := badged.KindOf(errs[0]); k != badged.Conflict && k != badged.Invalid {
			return errs[0]
		}
	}
	doneKey := map[string]string{"approve": "approved", "deny": "denied"}[action]
	back := "/portal/requests"
	if badgeClass != "" {
		back += "?badgeclass=" + url.QueryEscape(badgeClass)
	}
	if len(errs) == 0 {
		sep := "?"
		if strings.Contains(back, "?") {
			sep = "&"
		}
		page.SeeOther(w, r, back+sep+"count="+strconv.Itoa(done), doneKey)
		return nil
	}
	// Some went through and some did not: the page says both, at once.
	p, err = h.requestsPage(w, r, badgeClass)
	if err != nil {
		return err
	}
	if done > 0 {
		p.Notice = noticeText(p.T, doneKey, done)
	}
	for _, err := range errs {
		for _, m := range badged.MessagesOf(err) {
			p.Failures = append(p.Failures, page.Sentence(m))
		}
	}
	p.Error = p.T["awardRequestsSomeFailed"]
	h.Render(w, r, http.StatusOK, awardPages["award_requests"], p)
	return nil
}
