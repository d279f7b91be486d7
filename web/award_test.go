package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/badged/badged/issuer"
	"github.com/badged/badged/web/api"
)

// people are the callers who are persons signed in: each may request a
// badge and read their own awards; systems may not.
var people = []string{learner, superuser, instAdmin, groupAdmin, groupAward, issAdmin, issAward,
	bcOwner, bcEditor, bcAward, viewer, instAward, otherAdmin}

// awarding wires the backpack and makes the server's issuer service the
// one that issues credentials, which approvals, claims and revocations
// need.
func (e *env) awarding() *walletEnv {
	we := e.wallet()
	e.set(func(a *API) {
		a.Issuer = we.is
	})
	return we
}

// matrixLearner is the learner the matrix's direct awards go to: only
// they may claim, reject or read them.
var matrixLearner = issuer.Learner{UserID: "user-" + learner, Emails: []string{learner + "@example.org"}}

// directB awards badge class B to the matrix learner and returns the
// award, waiting for a claim.
func (e *env) directB() *issuer.Award {
	e.publishB()
	rows := []issuer.DirectAwardInput{{Recipient: issuer.Recipient{Email: matrixLearner.Emails[0]}}}
	return must(e.cfg.Issuer.DirectAward(context.Background(), root, e.B.ID, rows, time.Time{}))[0]
}

// requestB records a request for badge class B by a fresh learner.
func (e *env) requestB() *issuer.Award {
	e.publishB()
	n := e.next()
	l := issuer.Learner{UserID: fmt.Sprintf("requester-%d", n), Emails: []string{fmt.Sprintf("requester%d@example.org", n)}}
	return must(e.cfg.Issuer.RequestBadge(context.Background(), l, e.B.ID, "", nil))
}

// acceptedB is an approved request of badge class B, its credential
// issued.
func (e *env) acceptedB() *issuer.Award {
	a := e.requestB()
	return must(e.cfg.Issuer.ApproveRequests(context.Background(), root, a.ID))[0]
}

// awardMatrix is the authorization matrix of the award routes (award.go).
// Staff with the award permission at B and the institution's own SIS
// award and decide; whoever may read B reads its awards; a person
// requests for themselves and claims, rejects and reads only their own.
func awardMatrix() map[string]matrixCase {
	onlyLearner := []string{learner}
	namedPeople := slices.DeleteFunc(slices.Clone(people), func(c string) bool { return c == superuser })
	return map[string]matrixCase{
		"POST /api/v1/badgeclasses/{badgeClassID}/awards": {awardB, func(e *env) (string, any) {
			e.publishB()
			return "/api/v1/badgeclasses/" + e.B.ID + "/awards", map[string]any{"recipients": []map[string]string{
				{"email": fmt.Sprintf("direct%d@example.org", e.next()), "grade": "8"}}}
		}},
		"GET /api/v1/badgeclasses/{badgeClassID}/awards": {readB, fixed(func(e *env) string {
			return "/api/v1/badgeclasses/" + e.B.ID + "/awards?state=sent,requested&limit=5"
		})},
		// A superuser's session names no address, so it cannot be
		// awarded and may not request (issuer refuses nameless learners).
		"POST /api/v1/badgeclasses/{badgeClassID}/requests": {namedPeople, func(e *env) (string, any) {
			e.publishB()
			return "/api/v1/badgeclasses/" + e.B.ID + "/requests", map[string]any{"narrative": "I passed."}
		}},
		"GET /api/v1/awards/{awardID}": {readB, fixed(func(e *env) string { return "/api/v1/awards/" + e.directB().ID })},
		"DELETE /api/v1/awards/{awardID}": {awardB, fixed(func(e *env) string {
			return "/api/v1/awards/" + e.directB().ID
		})},
		"POST /api/v1/awards/approve": {awardB, func(e *env) (string, any) {
			return "/api/v1/awards/approve", map[string]any{"ids": []string{e.requestB().ID}}
		}},
		"POST /api/v1/awards/{awardID}/deny": {awardB, func(e *env) (string, any) {
			return "/api/v1/awards/" + e.requestB().ID + "/deny", map[string]string{"reason": "no evidence"}
		}},
		"POST /api/v1/awards/{awardID}/revoke": {awardB, func(e *env) (string, any) {
			return "/api/v1/awards/" + e.acceptedB().ID + "/revoke", map[string]string{"reason": "fraud"}
		}},
		// Staff who may award B offer an issued award to the learner's
		// wallet (offer.go).
		"POST /api/v1/awards/{awardID}/offer": {awardB, func(e *env) (string, any) {
			return "/api/v1/awards/" + e.acceptedB().ID + "/offer", map[string]any{}
		}},
		"GET /api/v1/me/awards": {people, fixed(func(e *env) string { return "/api/v1/me/awards?state=sent" })},
		"GET /api/v1/me/awards/{awardID}": {onlyLearner, fixed(func(e *env) string {
			return "/api/v1/me/awards/" + e.directB().ID
		})},
		"POST /api/v1/me/awards/{awardID}/claim": {onlyLearner, func(e *env) (string, any) {
			return "/api/v1/me/awards/" + e.directB().ID + "/claim", map[string]string{"termsVersion": "2024-1"}
		}},
		"POST /api/v1/me/awards/{awardID}/reject": {onlyLearner, fixed(func(e *env) string {
			return "/api/v1/me/awards/" + e.directB().ID + "/reject"
		})},
	}
}

type awardPageJSON struct {
	Items []api.Award `json:"items"`
	Next  string      `json:"next"`
}

// TestAwardFlows runs each flow over HTTP: request → approve, request →
// deny, direct award → claim (with the wallet's DID) or reject, revoke,
// withdraw, and the lists with their filters and pages.
func TestAwardFlows(t *testing.T) {
	e := newEnv(t)
	we := e.awarding()
	ctx := context.Background()
	e.publishB()
	holder := must(we.w.HolderDID(ctx, matrixLearner.UserID))
	bc := "/api/v1/badgeclasses/" + e.B.ID

	t.Run("ok/request-approve", func(t *testing.T) {
		e.t = t
		resp, body := e.do(learner, http.MethodPost, bc+"/requests", map[string]any{"narrative": "Passed", "evidence": []string{"https://example.org/work"}})
		wantStatus(t, resp, body, http.StatusCreated)
		req := decodeJSON[api.Award](t, body)
		if req.State != issuer.AwardRequested || req.Recipient.HolderDID != holder || req.Recipient.Email != "learner@example.org" {
			t.Fatalf("request %s", body)
		}
		if resp.Header.Get("Location") != "/api/v1/me/awards/"+req.ID {
			t.Errorf("Location %q", resp.Header.Get("Location"))
		}
		// A second open request is a conflict.
		resp, body = e.do(learner, http.MethodPost, bc+"/requests", map[string]any{})
		wantStatus(t, resp, body, http.StatusConflict)
		problemOf(t, resp, body)

		resp, body = e.do(issAward, http.MethodPost, "/api/v1/awards/approve", map[string]any{"ids": []string{req.ID}})
		wantStatus(t, resp, body, http.StatusOK)
		res := decodeJSON[api.ApproveResult](t, body)
		if len(res.Items) != 1 || res.Items[0].State != issuer.AwardAccepted || res.Items[0].CredentialID == "" || len(res.Errors) != 0 {
			t.Fatalf("approve %s", body)
		}
		// Approving again: it is no longer an open request.
		resp, body = e.do(issAward, http.MethodPost, "/api/v1/awards/approve", map[string]any{"ids": []string{req.ID}})
		wantStatus(t, resp, body, http.StatusConflict)
		// The learner sees it without the staff's IDs.
		resp, body = e.do(learner, http.MethodGet, "/api/v1/me/awards/"+req.ID, nil)
		wantStatus(t, resp, body, http.StatusOK)
		if v := decodeJSON[api.Award](t, body); v.DecidedBy != "" || v.State != issuer.AwardAccepted {
			t.Errorf("learner view %s", body)
		}
		// Staff revoke it with a reason.
		resp, body = e.do(issAward, http.MethodPost, "/api/v1/awards/"+req.ID+"/revoke", map[string]string{})
		wantStatus(t, resp, body, http.StatusBadRequest)
		resp, body = e.do(issAward, http.MethodPost, "/api/v1/awards/"+req.ID+"/revoke", map[string]string{"reason": "fraud"})
		wantStatus(t, resp, body, http.StatusOK)
		if v := decodeJSON[api.Award](t, body); v.State != issuer.AwardRevoked || v.RevokeReason != "fraud" {
			t.Errorf("revoked %s", body)
		}
	})

	t.Run("ok/request-deny", func(t *testing.T) {
		e.t = t
		resp, body := e.do(viewer, http.MethodPost, bc+"/requests", nil)
		wantStatus(t, resp, body, http.StatusCreated)
		req := decodeJSON[api.Award](t, body)
		resp, body = e.do(otherAdmin, http.MethodPost, "/api/v1/awards/"+req.ID+"/deny", map[string]string{"reason": "no"})
		if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
			t.Fatalf("other institution's admin denied: %d %s", resp.StatusCode, body)
		}
		resp, body = e.do(bcAward, http.MethodPost, "/api/v1/awards/"+req.ID+"/deny", map[string]string{"reason": "Not enough evidence"})
		wantStatus(t, resp, body, http.StatusOK)
		if v := decodeJSON[api.Award](t, body); v.State != issuer.AwardDenied || v.DenyReason != "Not enough evidence" {
			t.Errorf("denied %s", body)
		}
	})

	t.Run("ok/direct-claim-reject-delete", func(t *testing.T) {
		e.t = t
		resp, body := e.do(ownSIS, http.MethodPost, bc+"/awards", map[string]any{"recipients": []map[string]string{
			{"email": "Learner@Example.org", "grade": "9", "narrative": "Well done"},
			{"email": "learner@example.org", "eppn": "l@i.example.edu"},
			{"eduid": "someone-else"},
		}})
		wantStatus(t, resp, body, http.StatusBadRequest) // the learner twice
		problemOf(t, resp, body)
		resp, body = e.do(ownSIS, http.MethodPost, bc+"/awards", map[string]any{"recipients": []map[string]string{
			{"email": "Learner@Example.org", "grade": "9", "narrative": "Well done"},
			{"eppn": "l@i.example.edu"},
			{"eduid": "someone-else"},
		}})
		wantStatus(t, resp, body, http.StatusCreated)
		sent := decodeJSON[awardPageJSON](t, body).Items
		if len(sent) != 3 || sent[0].State != issuer.AwardSent || sent[0].BundleID == "" || sent[0].ClaimDeadline == nil {
			t.Fatalf("direct award %s", body)
		}
		mine, other := sent[0], sent[2]

		// Another person may neither see nor claim it.
		resp, body = e.do(viewer, http.MethodPost, "/api/v1/me/awards/"+mine.ID+"/claim", map[string]string{"termsVersion": "1"})
		wantStatus(t, resp, body, http.StatusNotFound)

		// The institution admin gives the institution terms; the learner
		// reads them with the award and must accept their version.
		inst := "/api/v1/institutions/" + e.I.ID
		resp, body = e.do(instAdmin, http.MethodGet, inst, nil)
		wantStatus(t, resp, body, http.StatusOK)
		in := decodeJSON[api.Institution](t, body)
		if in.Terms != (api.Terms{}) {
			t.Fatalf("terms before any were set: %s", body)
		}
		in.Terms = api.Terms{Version: "2026-1", Text: api.Text{NL: "Voorwaarden", EN: "Terms"}}
		resp, body = e.do(instAdmin, http.MethodPut, inst, in)
		wantStatus(t, resp, body, http.StatusOK)
		in = decodeJSON[api.Institution](t, body)
		if in.Terms.Version != "2026-1" || in.Terms.Text.EN != "Terms" {
			t.Fatalf("terms after the update: %s", body)
		}
		changed := in
		changed.Terms.Text.EN = "Other terms"
		resp, body = e.do(instAdmin, http.MethodPut, inst, changed)
		wantStatus(t, resp, body, http.StatusBadRequest) // a new text needs a new version
		resp, body = e.do(learner, http.MethodGet, "/api/v1/me/awards/"+mine.ID, nil)
		wantStatus(t, resp, body, http.StatusOK)
		if v := decodeJSON[api.Award](t, body); v.Terms == nil || *v.Terms != in.Terms {
			t.Fatalf("the learner's award without the institution's terms: %s", body)
		}

		resp, body = e.do(learner, http.MethodPost, "/api/v1/me/awards/"+mine.ID+"/claim", map[string]string{})
		wantStatus(t, resp, body, http.StatusBadRequest)
		resp, body = e.do(learner, http.MethodPost, "/api/v1/me/awards/"+mine.ID+"/claim", map[string]string{"termsVersion": "2024-1"})
		wantStatus(t, resp, body, http.StatusConflict)
		resp, body = e.do(learner, http.MethodPost, "/api/v1/me/awards/"+mine.ID+"/claim", map[string]string{"termsVersion": "2026-1"})
		wantStatus(t, resp, body, http.StatusOK)
		if v := decodeJSON[api.Award](t, body); v.TermsVersion != "2026-1" || v.Terms != nil {
			t.Fatalf("claimed %s", body)
		}
		if v := decodeJSON[api.Award](t, body); v.State != issuer.AwardAccepted || v.Recipient.HolderDID != holder || v.CredentialID == "" {
			t.Fatalf("claimed %s", body)
		}
		// The institution's terms removed, any version is accepted again.
		in.Terms = api.Terms{}
		resp, body = e.do(instAdmin, http.MethodPut, inst, in)
		wantStatus(t, resp, body, http.StatusOK)
		resp, body = e.do(learner, http.MethodPost, "/api/v1/me/awards/"+mine.ID+"/reject", nil)
		wantStatus(t, resp, body, http.StatusConflict)
		// A system cannot act as a learner.
		resp, body = e.do(ownSIS, http.MethodGet, "/api/v1/me/awards", nil)
		wantStatus(t, resp, body, http.StatusForbidden)

		// Withdraw the other; withdrawing a claimed one is a conflict.
		resp, body = e.do(issAdmin, http.MethodDelete, "/api/v1/awards/"+other.ID, nil)
		wantStatus(t, resp, body, http.StatusOK)
		if v := decodeJSON[api.Award](t, body); v.State != issuer.AwardDeleted {
			t.Errorf("deleted %s", body)
		}
		resp, body = e.do(issAdmin, http.MethodDelete, "/api/v1/awards/"+mine.ID, nil)
		wantStatus(t, resp, body, http.StatusConflict)

		// Reject one sent to the learner.
		a := e.directB()
		resp, body = e.do(learner, http.MethodPost, "/api/v1/me/awards/"+a.ID+"/reject", nil)
		wantStatus(t, resp, body, http.StatusOK)
		if v := decodeJSON[api.Award](t, body); v.State != issuer.AwardRejected {
			t.Errorf("rejected %s", body)
		}
	})

	t.Run("ok/lists-and-pages", func(t *testing.T) {
		e.t = t
		var all []string
		path := bc + "/awards?limit=2"
		for range 20 {
			resp, body := e.do(viewer, http.MethodGet, path, nil)
			wantStatus(t, resp, body, http.StatusOK)
			p := decodeJSON[awardPageJSON](t, body)
			for _, a := range p.Items {
				all = append(all, a.ID)
			}
			if p.Next == "" {
				if resp.Header.Get("Link") != "" {
					t.Errorf("Link on the last page")
				}
				break
			}
			link := resp.Header.Get("Link")
			u := must(url.Parse(link[1 : len(link)-len(`>; rel="next"`)]))
			if u.Query().Get("cursor") != p.Next {
				t.Fatalf("Link %q, next %q", link, p.Next)
			}
			path = u.String()
		}
		if len(all) < 6 {
			t.Fatalf("paged %d awards: %v", len(all), all)
		}
		seen := map[string]bool{}
		for _, id := range all {
			if seen[id] {
				t.Fatalf("award %s twice in the pages", id)
			}
			seen[id] = true
		}
		resp, body := e.do(viewer, http.MethodGet, bc+"/awards?state=denied", nil)
		wantStatus(t, resp, body, http.StatusOK)
		if p := decodeJSON[awardPageJSON](t, body); len(p.Items) != 1 || p.Items[0].State != issuer.AwardDenied {
			t.Errorf("denied list %s", body)
		}
		resp, body = e.do(learner, http.MethodGet, "/api/v1/me/awards?state=accepted,revoked", nil)
		wantStatus(t, resp, body, http.StatusOK)
		if p := decodeJSON[awardPageJSON](t, body); len(p.Items) != 2 {
			t.Errorf("learner's list %s", body)
		}
	})

	t.Run("fail/bad-input", func(t *testing.T) {
		e.t = t
		for _, path := range []string{bc + "/awards?state=lost", bc + "/awards?limit=0", bc + "/awards?cursor=%21%21", "/api/v1/me/awards?limit=x"} {
			caller := viewer
			resp, body := e.do(caller, http.MethodGet, path, nil)
			wantStatus(t, resp, body, http.StatusBadRequest)
			problemOf(t, resp, body)
		}
		resp, body := e.do(issAward, http.MethodPost, bc+"/awards", map[string]any{"recipients": []any{}})
		wantStatus(t, resp, body, http.StatusBadRequest)
		resp, body = e.do(issAward, http.MethodPost, "/api/v1/awards/approve", map[string]any{"ids": []string{}})
		wantStatus(t, resp, body, http.StatusBadRequest)
		resp, body = e.do(issAward, http.MethodPost, "/api/v1/awards/approve", map[string]any{"ids": []string{"nope"}})
		wantStatus(t, resp, body, http.StatusNotFound)
		resp, body = e.do(issAward, http.MethodGet, "/api/v1/awards/nope", nil)
		wantStatus(t, resp, body, http.StatusNotFound)
		resp, body = e.do(otherSIS, http.MethodPost, bc+"/awards", map[string]any{"recipients": []map[string]string{{"email": "a@example.org"}}})
		if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
			t.Errorf("another institution's SIS: %d %s", resp.StatusCode, body)
		}
	})
}
