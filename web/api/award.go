package api

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

// registerAwardRoutes serves the award flows. Staff and the institution's
// systems, with the award permission on the badge class, make direct
// awards, decide requests, revoke and withdraw; whoever may read the badge
// class reads its awards. A signed-in person requests a badge and claims
// or rejects their own awards under /me/awards; systems may not.
func (h *Handler) registerAwardRoutes(r chi.Router) {
	r.Post("/badgeclasses/{badgeClassID}/awards", h.handle(h.handleDirectAward))
	r.Get("/badgeclasses/{badgeClassID}/awards", h.handle(h.handleBadgeClassAwards))
	r.Post("/badgeclasses/{badgeClassID}/requests", h.handle(h.handleRequestBadge))
	r.Post("/awards/approve", h.handle(h.handleApproveRequests))
	r.Get("/awards/{awardID}", h.handle(h.handleAward))
	r.Delete("/awards/{awardID}", h.handle(h.handleDeleteAward))
	r.Post("/awards/{awardID}/deny", h.handle(h.handleDenyRequest))
	r.Post("/awards/{awardID}/revoke", h.handle(h.handleRevokeAward))
	r.Post("/awards/{awardID}/offer", h.handle(h.handleStaffOffer))
	r.Get("/me/awards", h.handle(h.handleMyAwards))
	r.Get("/me/awards/{awardID}", h.handle(h.handleMyAward))
	r.Post("/me/awards/{awardID}/claim", h.handle(h.handleClaimAward))
	r.Post("/me/awards/{awardID}/reject", h.handle(h.handleRejectAward))
}

// Recipient names who an award is for. The learner's user ID and
// holder DID are only known once they requested or claimed.
type Recipient struct {
	Email     string `json:"email,omitempty"`
	EPPN      string `json:"eppn,omitempty"`
	EduID     string `json:"eduid,omitempty"`
	Name      string `json:"name,omitempty"`
	UserID    string `json:"userId,omitempty"`
	HolderDID string `json:"holderDid,omitempty"`
}

// Award is the JSON form of an award.
type Award struct {
	ID            string            `json:"id"`
	InstitutionID string            `json:"institutionId"`
	GroupID       string            `json:"groupId"`
	IssuerID      string            `json:"issuerId"`
	BadgeClassID  string            `json:"badgeClassId"`
	Kind          issuer.AwardKind  `json:"kind"`
	State         issuer.AwardState `json:"state"`
	BundleID      string            `json:"bundleId,omitempty"`
	Recipient     Recipient         `json:"recipient"`
	Narrative     string            `json:"narrative,omitempty"`
	Evidence      []string          `json:"evidence"`
	Grade         string            `json:"grade,omitempty"`
	DenyReason    string            `json:"denyReason,omitempty"`
	RevokeReason  string            `json:"revokeReason,omitempty"`
	TermsVersion  string            `json:"termsVersion,omitempty"`
	// Terms, in a learner's view of a direct award waiting for the claim,
	// are the institution's terms the claim accepts; absent without them.
	Terms *Terms `json:"terms,omitempty"`
	// The staff who acted; left out of a learner's own view.
	AwardedBy string `json:"awardedBy,omitempty"`
	DecidedBy string `json:"decidedBy,omitempty"`
	RevokedBy string `json:"revokedBy,omitempty"`

	Requested     *time.Time `json:"requested,omitempty"`
	Decided       *time.Time `json:"decided,omitempty"`
	ScheduledFor  *time.Time `json:"scheduledFor,omitempty"`
	Sent          *time.Time `json:"sent,omitempty"`
	ClaimDeadline *time.Time `json:"claimDeadline,omitempty"`
	Claimed       *time.Time `json:"claimed,omitempty"`
	RevokedAt     *time.Time `json:"revokedAt,omitempty"`
	Reminders     []int      `json:"reminders,omitempty"`
	CredentialID  string     `json:"credentialId,omitempty"`
	Version       int64      `json:"version"`
	Created       time.Time  `json:"created"`
	Updated       time.Time  `json:"updated"`
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// awardView is the staff's view of a.
func awardView(a *issuer.Award) Award {
	v := Award{
		ID: a.ID, InstitutionID: a.InstitutionID, GroupID: a.GroupID, IssuerID: a.IssuerID, BadgeClassID: a.BadgeClassID,
		Kind: a.Kind, State: a.State, BundleID: a.BundleID,
		Recipient: Recipient{Email: a.Recipient.Email, EPPN: a.Recipient.EPPN, EduID: a.Recipient.EduID,
			Name: a.Recipient.Name, UserID: a.Recipient.UserID, HolderDID: a.Recipient.HolderDID},
		Narrative: a.Narrative, Evidence: append([]string{}, a.EvidenceURLs...), Grade: a.Grade,
		DenyReason: a.DenyReason, RevokeReason: a.RevokeReason, TermsVersion: a.TermsVersion,
		AwardedBy: a.AwardedBy, DecidedBy: a.DecidedBy, RevokedBy: a.RevokedBy,
		Requested: timeOrNil(a.Requested), Decided: timeOrNil(a.Decided), ScheduledFor: timeOrNil(a.ScheduledFor),
		Sent: timeOrNil(a.Sent), ClaimDeadline: timeOrNil(a.ClaimDeadline), Claimed: timeOrNil(a.Claimed),
		RevokedAt: timeOrNil(a.RevokedAt), Reminders: a.Reminders, CredentialID: a.CredentialID,
		Version: a.Version, Created: a.Created, Updated: a.Updated,
	}
	return v
}

// learnerAwardView is the learner's view of their own award: the staff's
// user IDs left out.
func learnerAwardView(a *issuer.Award) Award {
	v := awardView(a)
	v.AwardedBy, v.DecidedBy, v.RevokedBy = "", "", ""
	return v
}

// awardFilter reads ?state= (repeated or comma-separated), ?cursor= and
// ?limit= (1 to maxLimit, default defaultLimit).
func awardFilter(r *http.Request) (issuer.AwardFilter, error) {
	q := r.URL.Query()
	f := issuer.AwardFilter{Limit: defaultLimit}
	var problems []badged.FieldError
	for _, v := range q["state"] {
		for st := range strings.SplitSeq(v, ",") {
			if st = strings.TrimSpace(st); st == "" {
				continue
			}
			if !issuer.AwardState(st).Valid() {
				problems = append(problems, badged.FieldError{Field: "state", Message: "unknown award state " + strconv.Quote(st)})
				continue
			}
			f.States = append(f.States, issuer.AwardState(st))
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			problems = append(problems, badged.FieldError{Field: "limit", Message: "must be a whole number from 1 to " + strconv.Itoa(maxLimit)})
		}
		f.Limit = n
	}
	if v := q.Get("cursor"); v != "" {
		c, err := badged.ParseCursor(v)
		if err != nil {
			problems = append(problems, badged.FieldError{Field: "cursor", Message: "unknown or no longer valid; start from the first page"})
		}
		f.After = c
	}
	if len(problems) > 0 {
		return f, badged.InvalidFields("page", problems...)
	}
	return f, nil
}

// writeAwardPage sends a page of awards as the other lists are sent: the
// items, the next cursor, and a Link header to the next page.
func writeAwardPage(w http.ResponseWriter, r *http.Request, p *issuer.AwardPage, f issuer.AwardFilter, view func(*issuer.Award) Award) {
	out := Page[Award]{Items: mapSlice(p.Awards, view), Next: p.Next.String()}
	if out.Next != "" {
		next := url.Values{}
		for k, v := range r.URL.Query() {
			next[k] = v
		}
		next.Set("limit", strconv.Itoa(f.Limit))
		next.Set("cursor", out.Next)
		w.Header().Set("Link", "<"+r.URL.Path+"?"+next.Encode()+`>; rel="next"`)
	}
	w.Header().Set("Cache-Control", "no-store")
	render.JSON(w, http.StatusOK, out)
}

// ---- staff and systems

// directAwardRowJSON is one recipient of a direct award: at least one of
// email, eppn and eduid.
type directAwardRowJSON struct {
	Email     string `json:"email"`
	EPPN      string `json:"eppn"`
	EduID     string `json:"eduid"`
	Name      string `json:"name"`
	Narrative string `json:"narrative"`
	Evidence  string `json:"evidence"` // a URL
	Grade     string `json:"grade"`
}

type directAwardJSON struct {
	Recipients  []directAwardRowJSON `json:"recipients"`
	ScheduledAt *time.Time           `json:"scheduledAt"`
}

// handleDirectAward awards the badge class to every recipient, as one
// bundle: 201 with the awards, sent at once or scheduled. A bad row
// rejects the whole call with every row's problems (400).
func (h *Handler) handleDirectAward(w http.ResponseWriter, r *http.Request) error {
	var in directAwardJSON
	if err := decode(r, "direct award", &in); err != nil {
		return err
	}
	if len(in.Recipients) == 0 {
		return badged.InvalidFields("direct award", badged.FieldError{Field: "recipients", Message: "name at least one recipient"})
	}
	rows := make([]issuer.DirectAwardInput, len(in.Recipients))
	for i, rc := range in.Recipients {
		rows[i] = issuer.DirectAwardInput{
			Recipient: issuer.Recipient{Email: strings.ToLower(strings.TrimSpace(rc.Email)), EPPN: strings.TrimSpace(rc.EPPN),
				EduID: strings.TrimSpace(rc.EduID), Name: strings.TrimSpace(rc.Name)},
			Narrative: rc.Narrative, EvidenceURL: strings.TrimSpace(rc.Evidence), Grade: strings.TrimSpace(rc.Grade),
		}
	}
	var scheduled time.Time
	if in.ScheduledAt != nil {
		scheduled = *in.ScheduledAt
	}
	id := chi.URLParam(r, "badgeClassID")
	awards, err := h.Issuer.DirectAward(r.Context(), request.Actor(r), id, rows, scheduled)
	if err != nil {
		return err
	}
	created(w, "/api/v1/badgeclasses/"+url.PathEscape(id)+"/awards", Page[Award]{Items: mapSlice(awards, awardView)})
	return nil
}

func (h *Handler) handleBadgeClassAwards(w http.ResponseWriter, r *http.Request) error {
	f, err := awardFilter(r)
	if err != nil {
		return err
	}
	p, err := h.Issuer.BadgeClassAwards(r.Context(), request.Actor(r), chi.URLParam(r, "badgeClassID"), f)
	if err != nil {
		return err
	}
	writeAwardPage(w, r, p, f, awardView)
	return nil
}

func (h *Handler) handleAward(w http.ResponseWriter, r *http.Request) error {
	a, err := h.Issuer.Award(r.Context(), request.Actor(r), chi.URLParam(r, "awardID"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	render.JSON(w, http.StatusOK, awardView(a))
	return nil
}

type approveJSON struct {
	IDs []string `json:"ids"`
}

// ApproveResult is the outcome of a batch approval: the approved
// requests, and what went wrong with those that could not be approved or
// whose credential is not issued yet (it is retried).
type ApproveResult struct {
	Items  []Award  `json:"items"`
	Errors []string `json:"errors,omitempty"`
}

// handleApproveRequests approves a batch of requests: all or none pass
// the checks (unknown, not permitted or not open fails the call); then
// each is approved, and the answer lists the approved ones and the
// errors of the others.
func (h *Handler) handleApproveRequests(w http.ResponseWriter, r *http.Request) error {
	var in approveJSON
	if err := decode(r, "approval", &in); err != nil {
		return err
	}
	if len(in.IDs) == 0 {
		return badged.InvalidFields("approval", badged.FieldError{Field: "ids", Message: "name at least one request"})
	}
	if len(in.IDs) > issuer.MaxDirectAwards {
		return badged.Errorf(badged.TooLarge, "approve at most %d requests at once", issuer.MaxDirectAwards)
	}
	done, err := h.Issuer.ApproveRequests(r.Context(), request.Actor(r), in.IDs...)
	if err != nil && len(done) == 0 {
		return err
	}
	out := ApproveResult{Items: mapSlice(done, awardView)}
	if err != nil {
		if h.Log != nil {
			h.Log.Warn("approval: some requests failed", "request_id", request.ID(r.Context()), "err", err)
		}
		out.Errors = badged.MessagesOf(err)
	}
	render.JSON(w, http.StatusOK, out)
	return nil
}

type reasonJSON struct {
	Reason string `json:"reason"`
}

func (h *Handler) decodeReason(r *http.Request, what string) (string, error) {
	var in reasonJSON
	if err := decode(r, what, &in); err != nil {
		return "", err
	}
	if strings.TrimSpace(in.Reason) == "" {
		return "", badged.InvalidFields(what, badged.FieldError{Field: "reason", Message: "required"})
	}
	return in.Reason, nil
}

func (h *Handler) handleDenyRequest(w http.ResponseWriter, r *http.Request) error {
	reason, err := h.decodeReason(r, "denial")
	if err != nil {
		return err
	}
	a, err := h.Issuer.DenyRequest(r.Context(), request.Actor(r), chi.URLParam(r, "awardID"), reason)
	if err != nil {
		return err
	}
	render.JSON(w, http.StatusOK, awardView(a))
	return nil
}

func (h *Handler) handleRevokeAward(w http.ResponseWriter, r *http.Request) error {
	reason, err := h.decodeReason(r, "revocation")
	if err != nil {
		return err
	}
	a, err := h.Issuer.RevokeAward(r.Context(), request.Actor(r), chi.URLParam(r, "awardID"), reason)
	if err != nil {
		return err
	}
	render.JSON(w, http.StatusOK, awardView(a))
	return nil
}

// handleDeleteAward withdraws an unclaimed direct award; the answer is
// the award, now deleted.
func (h *Handler) handleDeleteAward(w http.ResponseWriter, r *http.Request) error {
	a, err := h.Issuer.DeleteDirectAward(r.Context(), request.Actor(r), chi.URLParam(r, "awardID"))
	if err != nil {
		return err
	}
	render.JSON(w, http.StatusOK, awardView(a))
	return nil
}

// ---- learners

// awardLearner returns the learner of the request: the signed-in person
// (never a system client), completed by the wallet, when there is one,
// with the identifiers the login recorded and the holder DID, which so
// reaches the credential.
func (h *Handler) awardLearner(r *http.Request) (issuer.Learner, error) {
	p := request.Principal(r)
	if p == nil || p.System() {
		return issuer.Learner{}, badged.Errorf(badged.Forbidden, "badges are requested and claimed by people signed in, not by systems")
	}
	l := issuer.Learner{UserID: p.User.ID}
	if p.User.Email != "" {
		l.Emails = []string{p.User.Email}
	}
	if h.Wallet != nil {
		var err error
		if l, err = h.Wallet.Learner(r.Context(), l); err != nil {
			return issuer.Learner{}, err
		}
	}
	return l, nil
}

type requestJSON struct {
	Narrative string   `json:"narrative"`
	Evidence  []string `json:"evidence"` // URLs
}

// handleRequestBadge records the signed-in person's request for the badge
// class: 201 with the request.
func (h *Handler) handleRequestBadge(w http.ResponseWriter, r *http.Request) error {
	l, err := h.awardLearner(r)
	if err != nil {
		return err
	}
	var in requestJSON
	if r.ContentLength != 0 {
		if err := decode(r, "request", &in); err != nil {
			return err
		}
	}
	a, err := h.Issuer.RequestBadge(r.Context(), l, chi.URLParam(r, "badgeClassID"), in.Narrative, in.Evidence)
	if err != nil {
		return err
	}
	created(w, "/api/v1/me/awards/"+url.PathEscape(a.ID), learnerAwardView(a))
	return nil
}

func (h *Handler) handleMyAwards(w http.ResponseWriter, r *http.Request) error {
	l, err := h.awardLearner(r)
	if err != nil {
		return err
	}
	f, err := awardFilter(r)
	if err != nil {
		return err
	}
	p, err := h.Issuer.LearnerAwards(r.Context(), l, f)
	if err != nil {
		return err
	}
	writeAwardPage(w, r, p, f, learnerAwardView)
	return nil
}

func (h *Handler) handleMyAward(w http.ResponseWriter, r *http.Request) error {
	l, err := h.awardLearner(r)
	if err != nil {
		return err
	}
	a, err := h.Issuer.LearnerAward(r.Context(), l, chi.URLParam(r, "awardID"))
	if err != nil {
		return learnerNotFound(err)
	}
	v := learnerAwardView(a)
	if a.Kind == issuer.KindDirect && a.State == issuer.AwardSent && h.InstitutionRecords != nil {
		if in, err := h.InstitutionRecords.Institution(r.Context(), a.InstitutionID); err == nil && in.Terms.Version != "" {
			v.Terms = &Terms{Version: in.Terms.Version, Text: textView(in.Terms.Text)}
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	render.JSON(w, http.StatusOK, v)
	return nil
}

type claimJSON struct {
	TermsVersion string `json:"termsVersion"`
}

// handleClaimAward claims a direct award for the signed-in person, who
// accepted the terms of termsVersion: the institution's current version
// when it has terms (else 409), anything or nothing when it has none. The
// credential is issued, to the wallet's DID when the learner has one.
func (h *Handler) handleClaimAward(w http.ResponseWriter, r *http.Request) error {
	l, err := h.awardLearner(r)
	if err != nil {
		return err
	}
	var in claimJSON
	if err := decode(r, "claim", &in); err != nil {
		return err
	}
	a, err := h.Issuer.ClaimAward(r.Context(), l, chi.URLParam(r, "awardID"), in.TermsVersion)
	if err != nil {
		return learnerNotFound(err)
	}
	render.JSON(w, http.StatusOK, learnerAwardView(a))
	return nil
}

func (h *Handler) handleRejectAward(w http.ResponseWriter, r *http.Request) error {
	l, err := h.awardLearner(r)
	if err != nil {
		return err
	}
	a, err := h.Issuer.RejectAward(r.Context(), l, chi.URLParam(r, "awardID"))
	if err != nil {
		return learnerNotFound(err)
	}
	render.JSON(w, http.StatusOK, learnerAwardView(a))
	return nil
}

// learnerNotFound answers someone else's award as not found, so that a
// learner cannot tell which award IDs exist.
func learnerNotFound(err error) error {
	if badged.KindOf(err) == badged.Forbidden {
		return badged.Errorf(badged.NotFound, "award not found")
	}
	return err
}
