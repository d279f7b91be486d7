package lti

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	gojose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
)

// The OAuth 2.0 scopes of the platform services badged reads.
const (
	scopeMemberships = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
	scopeLineItems   = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
	scopeResults     = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
	scopes           = scopeMemberships + " " + scopeLineItems + " " + scopeResults
)

// maxServiceBody bounds a platform service's answer.
const maxServiceBody = 4 << 20

// Course is what the launch page shows an instructor: the course's link,
// the badge classes the platform may award, and the course's line items.
type Course struct {
	Link         *Link
	BadgeClasses []*issuer.BadgeClass
}

// Course returns the course of an instructor's launch. Errors: Forbidden
// for a learner's launch.
func (s *Service) Course(ctx context.Context, l *Launch) (*Course, error) {
	p, err := s.instructor(ctx, l)
	if err != nil {
		return nil, err
	}
	link, err := s.store.Link(ctx, p.ID, l.ContextID)
	if badged.KindOf(err) == badged.NotFound {
		link, err = &Link{PlatformID: p.ID, ContextID: l.ContextID}, nil
	}
	if err != nil {
		return nil, err
	}
	link.Title = l.ContextTitle
	tree, err := s.awards.Tree(ctx, issuer.Actor{UserID: p.UserID()}, p.InstitutionID)
	if err != nil {
		return nil, err
	}
	c := &Course{Link: link}
	for _, g := range tree.Groups {
		for _, is := range g.Issuers {
			for _, bc := range is.BadgeClasses {
				if bc.State == issuer.Published {
					c.BadgeClasses = append(c.BadgeClasses, bc)
				}
			}
		}
	}
	return c, nil
}

// LinkCourse links the course of an instructor's launch to badge classes
// the platform may award. Errors: Forbidden for a learner's launch;
// Invalid for a badge class the platform may not award.
func (s *Service) LinkCourse(ctx context.Context, l *Launch, badgeClassIDs []string) (*Link, error) {
	c, err := s.Course(ctx, l)
	if err != nil {
		return nil, err
	}
	for _, id := range badgeClassIDs {
		if !slices.ContainsFunc(c.BadgeClasses, func(bc *issuer.BadgeClass) bool { return bc.ID == id }) {
			return nil, badged.InvalidFields("course", badged.FieldError{Field: "badgeClass", Message: fmt.Sprintf("%s is not a published badge class this platform may award", id)})
		}
	}
	link := c.Link
	link.BadgeClasses = slices.Clone(badgeClassIDs)
	link.Memberships, link.LineItems, link.Updated = l.Memberships, l.LineItems, s.now().UTC()
	if err := s.store.PutLink(ctx, link); err != nil {
		return nil, err
	}
	return link, nil
}

// Completion is the outcome of awarding a course's completed learners.
type Completion struct {
	Completed []string        // the emails of the learners who completed
	Awards    []*issuer.Award // the awards made, per linked badge class
	Skipped   []string        // completed learners without an email: no award can reach them
}

// AwardCompleted awards each badge class linked to the course of an
// instructor's launch to the course's learners who completed it: the
// learners NRPS lists (active, with the Learner role) whose result on the
// line item lineItemID (or on every line item, when empty) reaches its
// maximum score. The awards are direct awards by the platform, which the
// learners claim in their backpack. Errors: Forbidden for a learner's
// launch; Conflict when the course has no linked badge class or the
// launch carries no NRPS or AGS endpoint; Unavailable when the platform
// cannot be reached or refuses.
func (s *Service) AwardCompleted(ctx context.Context, l *Launch, lineItemID string) (*Completion, error) {
	p, err := s.instructor(ctx, l)
	if err != nil {
		return nil, err
	}
	link, err := s.store.Link(ctx, p.ID, l.ContextID)
	if err != nil || len(link.BadgeClasses) == 0 {
		return nil, badged.Errorf(badged.Conflict, "link the course to a badge class first")
	}
	if l.Memberships == "" || l.LineItems == "" {
		return nil, badged.Errorf(badged.Conflict, "the platform gave this launch no roster or grade service: enable Names and Role Provisioning and Assignment and Grade Services for badged")
	}
	token, err := s.accessToken(ctx, p)
	if err != nil {
		return nil, err
	}
	var members struct {
		Members []struct {
			UserID string   `json:"user_id"`
			Status string   `json:"status"`
			Email  string   `json:"email"`
			Name   string   `json:"name"`
			Roles  []string `json:"roles"`
		} `json:"members"`
	}
	if err := s.call(ctx, token, l.Memberships, "application/vnd.ims.lti-nrps.v2.membershipcontainer+json", &members); err != nil {
		return nil, err
	}
	var items []struct {
		ID string `json:"id"`
	}
	if err := s.call(ctx, token, l.LineItems, "application/vnd.ims.lis.v2.lineitemcontainer+json", &items); err != nil {
		return nil, err
	}
	completed := map[string]bool{}
	for _, it := range items {
		if lineItemID != "" && it.ID != lineItemID {
			continue
		}
		var results []struct {
			UserID  string   `json:"userId"`
			Score   *float64 `json:"resultScore"`
			Maximum *float64 `json:"resultMaximum"`
		}
		if err := s.call(ctx, token, resultsURL(it.ID), "application/vnd.ims.lis.v2.resultcontainer+json", &results); err != nil {
			return nil, err
		}
		for _, r := range results {
			if r.Score != nil && r.Maximum != nil && *r.Maximum > 0 && *r.Score >= *r.Maximum {
				completed[r.UserID] = true
			}
		}
	}
	out := &Completion{}
	var rows []issuer.DirectAwardInput
	for _, m := range members.Members {
		learner := slices.ContainsFunc(m.Roles, func(r string) bool { return r == RoleLearner || r == "Learner" })
		if !completed[m.UserID] || !learner || (m.Status != "" && m.Status != "Active") {
			continue
		}
		email := strings.ToLower(strings.TrimSpace(m.Email))
		if email == "" {
			out.Skipped = append(out.Skipped, cmp.Or(m.Name, m.UserID))
			continue
		}
		out.Completed = append(out.Completed, email)
		rows = append(rows, issuer.DirectAwardInput{Recipient: issuer.Recipient{Email: email, Name: m.Name},
			Narrative: fmt.Sprintf("Completed %s.", cmp.Or(l.ContextTitle, "the course"))})
	}
	if len(rows) == 0 {
		return out, nil
	}
	actor := issuer.Actor{UserID: p.UserID()}
	for _, bc := range link.BadgeClasses {
		made, err := s.awards.DirectAward(ctx, actor, bc, rows, time.Time{})
		if err != nil {
			return out, err
		}
		out.Awards = append(out.Awards, made...)
	}
	return out, nil
}

// instructor returns the platform of an instructor's launch.
func (s *Service) instructor(ctx context.Context, l *Launch) (*Platform, error) {
	if !l.Instructor {
		return nil, badged.Errorf(badged.Forbidden, "only the course's instructors link badges and award them")
	}
	return s.store.Platform(ctx, l.PlatformID)
}

// accessToken gets a token for the platform services from the platform's
// token endpoint, with a client assertion signed by the tool's key
// (RFC 7523, as the LTI Security Framework asks).
func (s *Service) accessToken(ctx context.Context, p *Platform) (string, error) {
	key, jwk, err := s.toolJWK(ctx)
	if err != nil {
		return "", err
	}
	signer, err := gojose.NewSigner(gojose.SigningKey{Algorithm: gojose.RS256, Key: key},
		(&gojose.SignerOptions{}).WithType("JWT").WithHeader("kid", jwk.KeyID))
	if err != nil {
		return "", err
	}
	now := s.now()
	assertion, err := jwt.Signed(signer).Claims(jwt.Claims{Issuer: p.ClientID, Subject: p.ClientID,
		Audience: jwt.Audience{p.TokenURL}, IssuedAt: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(now.Add(5 * time.Minute)),
		ID: randomToken()}).Serialize()
	if err != nil {
		return "", err
	}
	form := url.Values{"grant_type": {"client_credentials"},
		"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
		"client_assertion":      {assertion}, "scope": {scopes}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", badged.Errorf(badged.Invalid, "the platform's token URL is not valid")
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := s.do(req, &tok); err != nil {
		return "", err
	}
	if tok.AccessToken == "" {
		return "", badged.Errorf(badged.Unavailable, "the platform's token endpoint gave no access token")
	}
	return tok.AccessToken, nil
}

// call GETs a platform service at u with the access token.
func (s *Service) call(ctx context.Context, token, u, accept string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return badged.Errorf(badged.Unavailable, "the platform's service URL %q is not valid", u)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", accept)
	return s.do(req, out)
}

// do sends req through the egress guard and decodes a 2xx JSON answer.
func (s *Service) do(req *http.Request, out any) error {
	res, err := s.http.Do(req)
	if err != nil {
		return badged.Wrap(badged.Unavailable, err, "the platform could not be reached ("+req.URL.Host+")")
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxServiceBody))
	if err != nil {
		return badged.Wrap(badged.Unavailable, err, "the platform's answer could not be read")
	}
	if res.StatusCode/100 != 2 {
		return badged.Errorf(badged.Unavailable, "the platform answered %s to %s %s", res.Status, req.Method, req.URL.Path)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return badged.Errorf(badged.Unavailable, "the platform's answer to %s is not the JSON expected", req.URL.Path)
	}
	return nil
}

// resultsURL is a line item's results service: its URL with /results
// appended to the path, keeping its query.
func resultsURL(lineItem string) string {
	u, err := url.Parse(lineItem)
	if err != nil {
		return lineItem + "/results"
	}
	u.Path = strings.TrimRight(u.Path, "/") + "/results"
	return u.String()
}

func hostOf(base string) string {
	if u, err := url.Parse(base); err == nil {
		return u.Host
	}
	return ""
}
