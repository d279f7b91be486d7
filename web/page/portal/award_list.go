package portal

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/web/page"
	"github.com/badged/badged/web/request"
)

// awardsPerPage is how many awards a page of a list shows.
const awardsPerPage = 25

// awardWindow is what a list of awards shows: the awards of some badge
// classes, in some states, created in [From, Until) (zero: unbounded),
// from a position on.
type awardWindow struct {
	Classes     []string
	States      []issuer.AwardState
	From, Until time.Time
	After       badged.Cursor
}

// awardsIn reads one page of the awards of w, ordered by creation as
// every list of awards is (badged.Cursor): each badge class's page
// through issuer.Service.BadgeClassAwards, which checks that a may read
// it, merged; and the cursor of the next page (zero on the last).
func (h *Handler) awardsIn(ctx context.Context, a issuer.Actor, w awardWindow, limit int) ([]*issuer.Award, badged.Cursor, error) {
	after := w.After
	if after.IsZero() && !w.From.IsZero() {
		// No award sits at an empty ID: the list starts at From.
		after = badged.Cursor{Time: w.From}
	}
	inWindow := func(x *issuer.Award) bool { return w.Until.IsZero() || x.Created.Before(w.Until) }
	var (
		all  []*issuer.Award
		more bool
	)
	for _, id := range w.Classes {
		p, err := h.Issuer.BadgeClassAwards(ctx, a, id, issuer.AwardFilter{States: w.States, After: after, Limit: limit})
		if err != nil {
			return nil, badged.Cursor{}, err
		}
		all = append(all, p.Awards...)
		// The class has more, and they may fall in the window.
		if !p.Next.IsZero() && inWindow(p.Awards[len(p.Awards)-1]) {
			more = true
		}
	}
	slices.SortFunc(all, func(x, y *issuer.Award) int {
		return cmp.Or(x.Created.Compare(y.Created), strings.Compare(x.ID, y.ID))
	})
	if i := slices.IndexFunc(all, func(x *issuer.Award) bool { return !inWindow(x) }); i >= 0 {
		all = all[:i]
	}
	switch {
	case len(all) > limit:
		return all[:limit], all[limit-1].Cursor(), nil
	case more && len(all) > 0:
		return all, all[len(all)-1].Cursor(), nil
	}
	return all, badged.Cursor{}, nil
}

// awardRow is one award in a list.
type awardRow struct {
	ID, Recipient, Class, ClassID, State, StateText, Created, Narrative, Grade, Reason string
	Evidence                                                                           []string
	MayRevoke                                                                          bool
}

func recipientText(rc issuer.Recipient) string {
	id := cmp.Or(rc.Email, rc.EPPN, rc.EduID, rc.UserID)
	if rc.Name != "" && rc.Name != id {
		return rc.Name + " (" + id + ")"
	}
	return id
}

// dateTimeText says t in lang, with its time in UTC.
func dateTimeText(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return page.DateText(lang, t.Format(time.RFC3339)) + ", " + t.UTC().Format("15:04") + " UTC"
}

func (h *Handler) awardRow(t map[string]string, lang string, a *issuer.Award, classes map[string]classChoice) awardRow {
	c := classes[a.BadgeClassID]
	row := awardRow{ID: a.ID, Recipient: recipientText(a.Recipient), Class: cmp.Or(c.Name, a.BadgeClassID), ClassID: a.BadgeClassID,
		State: string(a.State), StateText: stateText(t, a.State), Created: page.DateText(lang, a.Created.Format(time.RFC3339)),
		Narrative: a.Narrative, Grade: a.Grade, Evidence: a.EvidenceURLs, Reason: cmp.Or(a.RevokeReason, a.DenyReason),
		MayRevoke: c.MayAward && a.State == issuer.AwardAccepted && a.CredentialID != ""}
	return row
}

// awardsFilter is the filter form of the awarded list, as typed.
type awardsFilter struct {
	BadgeClass, State, From, To string
}

type awardsPage struct {
	Base
	Classes []classChoice
	States  []issuer.AwardState
	Filter  awardsFilter
	Errors  fieldErrors
	Awards  []awardRow
	// Next is the next page; First the first, when this is not it.
	Next, First string
}

// handleAwards is the awarded list: the awards of the badge classes the
// person may read, filtered by badge class, state and creation date, a
// page at a time, each with what the learner sees and, where the person
// may award, revocation.
func (h *Handler) handleAwards(w http.ResponseWriter, r *http.Request) error {
	p := awardsPage{Base: h.awardBase(w, r, "awards"), States: awardStates, Errors: fieldErrors{}}
	p.Title = p.T["awardListTitle"]
	q := r.URL.Query()
	p.Filter = awardsFilter{BadgeClass: q.Get("badgeclass"), State: q.Get("state"), From: q.Get("from"), To: q.Get("to")}
	classes, err := h.classes(r.Context(), p.Actor, p.Lang)
	if err != nil {
		return err
	}
	p.Classes = classes
	byID := map[string]classChoice{}
	win := awardWindow{}
	for _, c := range classes {
		byID[c.ID] = c
		win.Classes = append(win.Classes, c.ID)
	}
	if id := p.Filter.BadgeClass; id != "" {
		// Any badge class by its ID: the issuer service says whether the
		// person may read it.
		win.Classes = []string{id}
	}
	if s := issuer.AwardState(p.Filter.State); s != "" {
		if s.Valid() {
			win.States = []issuer.AwardState{s}
		} else {
			p.Errors.add("state", p.T["awardFilterStateInvalid"])
		}
	}
	day := func(field, v string) time.Time {
		if v == "" {
			return time.Time{}
		}
		d, err := time.ParseInLocation(time.DateOnly, v, time.UTC)
		if err != nil {
			p.Errors.add(field, p.T["awardFilterDateInvalid"])
		}
		return d
	}
	win.From = day("from", p.Filter.From)
	if to := day("to", p.Filter.To); !to.IsZero() {
		win.Until = to.AddDate(0, 0, 1)
		if !win.From.IsZero() && win.Until.Before(win.From) {
			p.Errors.add("to", p.T["awardFilterToBeforeFrom"])
		}
	}
	if c := q.Get("cursor"); c != "" {
		if win.After, err = badged.ParseCursor(c); err != nil {
			p.Errors.add("cursor", p.T["awardFilterCursorInvalid"])
		}
	}
	if len(p.Errors) > 0 {
		p.Error = p.T["awardFilterRefused"]
		h.Render(w, r, http.StatusUnprocessableEntity, awardPages["award_list"], p)
		return nil
	}
	awards, next, err := h.awardsIn(r.Context(), p.Actor, win, awardsPerPage)
	if err != nil {
		return err
	}
	for _, a := range awards {
		p.Awards = append(p.Awards, h.awardRow(p.T, p.Lang, a, byID))
	}
	keep := url.Values{}
	for k, v := range map[string]string{"badgeclass": p.Filter.BadgeClass, "state": p.Filter.State, "from": p.Filter.From, "to": p.Filter.To} {
		if v != "" {
			keep.Set(k, v)
		}
	}
	if q.Get("cursor") != "" {
		p.First = "/portal/awards?" + keep.Encode()
	}
	if !next.IsZero() {
		keep.Set("cursor", next.String())
		p.Next = "/portal/awards?" + keep.Encode()
	}
	h.Render(w, r, http.StatusOK, awardPages["award_list"], p)
	return nil
}

// ---- one award, and what the learner sees of it

type awardDetailPage struct {
	Base
	A         awardRow
	Kind      string
	Award     *issuer.Award
	Dates     []dateLine
	Learner   learnerView
	MayRevoke bool
	// MayWithdraw says the person may withdraw the award: a direct award
	// not claimed yet, of a badge class they may award.
	MayWithdraw bool
	// MayOffer says the person may offer the issued credential to the
	// learner's wallet (OpenID4VCI); Offer is the offer just made.
	MayOffer bool
	Offer    *page.WalletOffer
}

type dateLine struct{ Label, Value string }

// learnerView is what the learner sees of an award in their backpack.
type learnerView struct {
	// Where is the part of the backpack it shows in: pending, requests,
	// credentials, or none.
	Where, Title, State, StateText, Note, Reason, Deadline, Scheduled, Issued string
	// The backpack's labels of the reason, the deadline and the buttons.
	ReasonLabel, DeadlineLabel, Claim, Reject string
}

// learnerViewOf says where and how the backpack shows a, in the
// backpack's own words (t holds them: page.Catalogue).
func learnerViewOf(t map[string]string, lang string, a *issuer.Award) learnerView {
	v := learnerView{State: string(a.State), ReasonLabel: t["revokeReason"], DeadlineLabel: t["claimBy"],
		Claim: t["claim"], Reject: t["reject"]}
	date := func(x time.Time) string { return page.DateText(lang, x.Format(time.RFC3339)) }
	switch a.State {
	case issuer.AwardRequested:
		v.Where, v.Title, v.StateText = "requests", t["requestsTitle"], t["requestWaiting"]
	case issuer.AwardDenied:
		v.Where, v.Title, v.StateText, v.Reason = "requests", t["requestsTitle"], t["requestDenied"], a.DenyReason
		v.ReasonLabel = t["awardLearnerDenyReason"]
	case issuer.AwardScheduled:
		v.Where, v.Note, v.Scheduled = "none", t["awardLearnerScheduled"], dateTimeText(lang, a.ScheduledFor)
	case issuer.AwardSent:
		v.Where, v.Title, v.Deadline = "pending", t["pendingTitle"], date(a.ClaimDeadline)
	case issuer.AwardAccepted:
		v.Where, v.Title, v.StateText, v.Issued = "credentials", t["awardLearnerCredentials"], t["stateIssued"], date(cmp.Or(a.Claimed, a.Decided))
	case issuer.AwardRevoked:
		v.Where, v.Title, v.StateText, v.Note, v.Reason = "credentials", t["awardLearnerCredentials"], t["stateRevoked"], t["stateRevokedText"], a.RevokeReason
	default: // rejected, expired, deleted: gone from the backpack
		v.Where, v.Note = "none", t["awardLearnerGone_"+string(a.State)]
	}
	return v
}

// handleAwardDetail shows one award as staff see it and as the learner
// sees it.
func (h *Handler) handleAwardDetail(w http.ResponseWriter, r *http.Request) error {
	p, err := h.awardDetail(w, r)
	if err != nil {
		return err
	}
	h.Render(w, r, http.StatusOK, awardPages["award_detail"], p)
	return nil
}

// handleAwardOffer offers the award's issued credential to the learner's
// wallet, for staff who may award it (at a desk, say): the award's page
// with the offer's QR code, link and transaction code, shown once.
func (h *Handler) handleAwardOffer(w http.ResponseWriter, r *http.Request) error {
	p, err := h.awardDetail(w, r)
	if err != nil {
		return err
	}
	if h.Offers == nil {
		return badged.Errorf(badged.Unavailable, "sending badges to wallets is not available on this server")
	}
	a, err := h.Issuer.OfferableAward(r.Context(), p.Actor, p.Award.ID)
	if err != nil {
		return err
	}
	o, err := h.Offers.CreateOffer(r.Context(), a.ID, true)
	if err != nil {
		return err
	}
	p.Offer = page.WalletOfferOf(o, h.Clock())
	w.Header().Set("Cache-Control", "no-store")
	h.Render(w, r, http.StatusOK, awardPages["award_detail"], p)
	return nil
}

// awardDetail reads the award of the request's URL for its page.
func (h *Handler) awardDetail(w http.ResponseWriter, r *http.Request) (*awardDetailPage, error) {
	p := &awardDetailPage{Base: h.awardBase(w, r, "awards")}
	a, err := h.Issuer.Award(r.Context(), p.Actor, chi.URLParam(r, "awardID"))
	if err != nil {
		return nil, err
	}
	may, err := h.mayAward(r.Context(), p.Actor, a.Path())
	if err != nil {
		return nil, err
	}
	class := classChoice{ID: a.BadgeClassID, MayAward: may}
	if bc, err := h.Issuer.BadgeClass(r.Context(), p.Actor, a.BadgeClassID); err == nil {
		class.Name = bc.Name.In(p.Lang)
	}
	p.Award, p.A = a, h.awardRow(p.T, p.Lang, a, map[string]classChoice{a.BadgeClassID: class})
	p.MayRevoke = p.A.MayRevoke
	p.MayWithdraw = may && a.Kind == issuer.KindDirect && (a.State == issuer.AwardSent || a.State == issuer.AwardScheduled)
	p.Kind = p.T["awardKind_"+string(a.Kind)]
	p.Title = p.A.Class + " · " + p.A.Recipient
	for _, d := range []struct {
		key string
		t   time.Time
	}{{"awardDateCreated", a.Created}, {"awardDateRequested", a.Requested}, {"awardDateDecided", a.Decided},
		{"awardDateScheduled", a.ScheduledFor}, {"awardDateSent", a.Sent}, {"awardDateDeadline", a.ClaimDeadline},
		{"awardDateClaimed", a.Claimed}, {"awardDateRevoked", a.RevokedAt}} {
		if !d.t.IsZero() {
			p.Dates = append(p.Dates, dateLine{Label: p.T[d.key], Value: dateTimeText(p.Lang, d.t)})
		}
	}
	p.Learner = learnerViewOf(p.T, p.Lang, a)
	p.MayOffer = may && h.Offers != nil && a.State == issuer.AwardAccepted && a.CredentialID != ""
	return p, nil
}

// ---- revocation

type revokePage struct {
	Base
	A      awardRow
	Reason string
	Errors fieldErrors
	// Preview is what the learner will see, with the reason typed so far.
	Preview learnerView
}

// revokePage reads the award to revoke: the person must be allowed to
// award its badge class, and it must be issued.
func (h *Handler) revokePage(w http.ResponseWriter, r *http.Request) (*revokePage, error) {
	p := &revokePage{Base: h.awardBase(w, r, "awards"), Errors: fieldErrors{}}
	a, err := h.Issuer.Award(r.Context(), p.Actor, chi.URLParam(r, "awardID"))
	if err != nil {
		return nil, err
	}
	may, err := h.mayAward(r.Context(), p.Actor, a.Path())
	if err != nil {
		return nil, err
	}
	if !may {
		return nil, badged.Errorf(badged.Forbidden, "you may not revoke the awards of this badge class")
	}
	if a.State != issuer.AwardAccepted {
		return nil, badged.Errorf(badged.Conflict, "only an issued award can be revoked; this one is %s", a.State)
	}
	class := classChoice{ID: a.BadgeClassID, MayAward: true}
	if bc, err := h.Issuer.BadgeClass(r.Context(), p.Actor, a.BadgeClassID); err == nil {
		class.Name = bc.Name.In(p.Lang)
	}
	p.A = h.awardRow(p.T, p.Lang, a, map[string]classChoice{a.BadgeClassID: class})
	p.Title = p.T["awardRevokeTitle"]
	revoked := *a
	revoked.State, revoked.RevokeReason = issuer.AwardRevoked, p.T["awardRevokeReasonPlaceholder"]
	p.Preview = learnerViewOf(p.T, p.Lang, &revoked)
	return p, nil
}

// handleRevokeForm asks for the reason of a revocation and says what the
// learner, and whoever checks the credential, will see.
func (h *Handler) handleRevokeForm(w http.ResponseWriter, r *http.Request) error {
	p, err := h.revokePage(w, r)
	if err != nil {
		return err
	}
	h.Render(w, r, http.StatusOK, awardPages["award_revoke"], p)
	return nil
}

// handleRevokePost revokes the award with the reason of the form
// (issuer.Service.RevokeAward); without one the form comes back, 422.
func (h *Handler) handleRevokePost(w http.ResponseWriter, r *http.Request) error {
	p, err := h.revokePage(w, r)
	if err != nil {
		return err
	}
	p.Reason = strings.TrimSpace(r.PostFormValue("reason"))
	if p.Reason != "" {
		p.Preview.Reason = p.Reason
	}
	_, err = h.Issuer.RevokeAward(r.Context(), p.Actor, p.A.ID, p.Reason)
	if fields := badged.FieldsOf(err); badged.KindOf(err) == badged.Invalid && len(fields) > 0 {
		for _, fe := range fields {
			p.Errors.add(fe.Field, message(p.T, fe.Message))
		}
		p.Error = p.T["awardRefused"]
		h.Render(w, r, http.StatusUnprocessableEntity, awardPages["award_revoke"], p)
		return nil
	}
	if err != nil {
		return err
	}
	page.SeeOther(w, r, "/portal/awards/"+url.PathEscape(p.A.ID), "revoked")
	return nil
}

// handleWithdrawPost withdraws a direct award the learner has not claimed
// yet (issuer.Service.DeleteDirectAward): a typo in an address, say.
func (h *Handler) handleWithdrawPost(w http.ResponseWriter, r *http.Request) error {
	id := chi.URLParam(r, "awardID")
	if _, err := h.Issuer.DeleteDirectAward(r.Context(), request.Actor(r), id); err != nil {
		return err
	}
	page.SeeOther(w, r, "/portal/awards/"+url.PathEscape(id), "withdrawn")
	return nil
}
