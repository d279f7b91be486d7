package wallet

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/credential"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/verifier"
)

// Filter narrows a list of holdings. Empty fields match everything.
type Filter struct {
	Issuer string // the issuer's id or a part of its name, ignoring case
	State  string // one of States
	Text   string // in the name, description, issuer name or tags, ignoring case
	Tag    string // one of the achievement's tags, ignoring case
}

// Holdings lists every credential the learner holds: those issued to any
// of their identifiers on this platform, then the imported ones, each
// verified (or its recent result reused) and narrowed by f. Errors:
// Unauthorized; Invalid for an unknown state; the stores'.
func (s *Service) Holdings(ctx context.Context, l issuer.Learner, f Filter) ([]*Holding, error) {
	if err := unauthorized(l); err != nil {
		return nil, err
	}
	if f.State != "" && !slices.Contains(States, f.State) {
		return nil, badged.Errorf(badged.Invalid, "unknown state %q: use one of %s", f.State, strings.Join(States, ", "))
	}
	all, err := s.holdings(ctx, l)
	if err != nil {
		return nil, err
	}
	out := []*Holding{}
	for _, h := range all {
		s.check(ctx, h)
		if f.matches(h) {
			out = append(out, h)
		}
	}
	return out, nil
}

func (f Filter) matches(h *Holding) bool {
	sum := h.Summary
	has := func(s, part string) bool { return strings.Contains(strings.ToLower(s), strings.ToLower(part)) }
	switch {
	case f.State != "" && h.State != f.State:
		return false
	case f.Issuer != "" && sum.IssuerID != f.Issuer && !has(sum.IssuerName, f.Issuer):
		return false
	case f.Tag != "" && !slices.ContainsFunc(sum.Tags, func(t string) bool { return strings.EqualFold(t, f.Tag) }):
		return false
	case f.Text != "" && !has(sum.Name, f.Text) && !has(sum.Description, f.Text) && !has(sum.IssuerName, f.Text) &&
		!slices.ContainsFunc(sum.Tags, func(t string) bool { return has(t, f.Text) }):
		return false
	}
	return true
}

// Holding returns one of the learner's holdings, verified. Errors:
// Unauthorized; NotFound, also when the holding is someone else's.
func (s *Service) Holding(ctx context.Context, l issuer.Learner, id string) (*Holding, error) {
	h, err := s.holding(ctx, l, id)
	if err != nil {
		return nil, err
	}
	s.check(ctx, h)
	return h, nil
}

// holding finds one holding of the learner, unverified.
func (s *Service) holding(ctx context.Context, l issuer.Learner, id string) (*Holding, error) {
	if err := unauthorized(l); err != nil {
		return nil, err
	}
	if strings.HasPrefix(id, importPrefix) {
		im, err := s.store.Import(ctx, l.UserID, id)
		if err != nil {
			return nil, err
		}
		h := importHolding(im)
		s.attachShare(ctx, h, l.UserID)
		return h, nil
	}
	all, err := s.platformHoldings(ctx, l)
	if err != nil {
		return nil, err
	}
	for _, h := range all {
		if h.ID == id {
			s.attachShare(ctx, h, l.UserID)
			return h, nil
		}
	}
	return nil, badged.Errorf(badged.NotFound, "credential %s not found", id)
}

func (s *Service) attachShare(ctx context.Context, h *Holding, userID string) {
	if sh, err := s.store.Share(ctx, userID, h.ID); err == nil {
		h.Share = sh
	}
}

// holdings returns every holding of the learner, with shares, unverified.
func (s *Service) holdings(ctx context.Context, l issuer.Learner) ([]*Holding, error) {
	out, err := s.platformHoldings(ctx, l)
	if err != nil {
		return nil, err
	}
	ims, err := s.store.Imports(ctx, l.UserID)
	if err != nil {
		return nil, fmt.Errorf("imports: %w", err)
	}
	for _, im := range ims {
		out = append(out, importHolding(im))
	}
	shares, err := s.store.Shares(ctx, l.UserID)
	if err != nil {
		return nil, fmt.Errorf("shares: %w", err)
	}
	for _, h := range out {
		for _, sh := range shares {
			if sh.HoldingID == h.ID {
				h.Share = sh
			}
		}
	}
	return out, nil
}

// platformHoldings reads the learner's accepted and revoked awards that
// have a credential.
func (s *Service) platformHoldings(ctx context.Context, l issuer.Learner) ([]*Holding, error) {
	var out []*Holding
	f := issuer.AwardFilter{States: []issuer.AwardState{issuer.AwardAccepted, issuer.AwardRevoked}, Limit: 1000}
	for {
		page, err := s.awards.LearnerAwards(ctx, l, f)
		if err != nil {
			return nil, err
		}
		for _, a := range page.Awards {
			if a.CredentialID == "" {
				continue // still being issued
			}
			c, err := s.creds.CredentialByAward(ctx, a.ID)
			if badged.KindOf(err) == badged.NotFound {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("credential of award %s: %w", a.ID, err)
			}
			h := &Holding{
				ID: a.ID, Source: SourcePlatform, AwardID: a.ID, CredentialID: c.ID, Format: FormatJSON,
				Credential: append([]byte(nil), c.JSON...), Created: c.IssuedAt,
			}
			var doc map[string]any
			if json.Unmarshal(c.JSON, &doc) == nil {
				h.Summary = summarize(doc)
			}
			h.State = StateIssued
			if a.State == issuer.AwardRevoked || !c.Revoked.IsZero() {
				h.State, h.RevokeReason = StateRevoked, a.RevokeReason
			} else if !c.ValidUntil.IsZero() && !s.now().Before(c.ValidUntil) {
				h.State = StateExpired
			}
			out = append(out, h)
		}
		if page.Next.IsZero() {
			return out, nil
		}
		f.After = page.Next
	}
}

func importHolding(im *Import) *Holding {
	h := &Holding{
		ID: im.ID, Source: SourceImport, Format: im.Format, Credential: append([]byte(nil), im.Credential...),
		Verification: im.Verification, Created: im.Created, State: StateIssued,
	}
	if doc := credentialOf(im.Credential, im.Verification); doc != nil {
		h.Summary = summarize(doc)
		h.CredentialID, _ = doc["id"].(string)
	}
	return h
}

// credentialOf returns the credential document of held bytes: the JSON
// itself, or a JWT's credential as the verifier read it.
func credentialOf(b []byte, res *verifier.Result) map[string]any {
	var doc map[string]any
	if json.Unmarshal(b, &doc) == nil {
		return doc
	}
	if res != nil && res.Credential != nil {
		return res.Credential
	}
	if parts := strings.Split(string(b), "."); len(parts) == 3 {
		if p, err := base64.RawURLEncoding.DecodeString(parts[1]); err == nil && json.Unmarshal(p, &doc) == nil {
			if vc, ok := doc["vc"].(map[string]any); ok {
				return vc
			}
			return doc
		}
	}
	return nil
}

// check verifies h, or reuses a recent result, and sets its state from
// the result (see [StateOf]). A credential of this platform that could not be
// fully checked keeps the state the platform's own records give it
// (revoked, expired): those are known without any fetch.
func (s *Service) check(ctx context.Context, h *Holding) {
	// The stored state is part of the key: a revocation on this platform
	// changes it, so the next look verifies again and shows it at once.
	key := h.ID + "\x00" + h.CredentialID + "\x00" + h.State
	now := s.now()
	e, ok := s.checked.Get(key, now, time.Time{})
	res := e.Value
	if !ok {
		res = s.verify.Verify(ctx, h.Credential)
		s.checked.Put(key, res, now, now.Add(s.ttl))
	}
	h.Verification = res
	state := StateOf(res)
	if state == StateUnchecked && h.Source == SourcePlatform && h.State != StateIssued {
		state = h.State
	}
	h.State = cmp.Or(state, h.State)
}

// StateOf says what a verification result means for a holding's state, ""
// when it verified: revoked (or suspended) only when the issuer's status
// list has the credential's bit set; expired when only its dates fail;
// invalid when anything else failed (the signature above all: altered or
// not signed by its issuer); unchecked when nothing failed but a check
// could not be made (a key or status list could not be fetched).
func StateOf(res *verifier.Result) string {
	if res == nil || res.Verified {
		return ""
	}
	if res.Verdict == verifier.Indeterminate {
		return StateUnchecked
	}
	for _, c := range res.Failed() {
		switch {
		case c.ID == verifier.CheckStatus && res.Status != "":
		case c.ID == verifier.CheckValidity:
		default:
			return StateInvalid
		}
	}
	switch {
	case res.Status == verifier.StatusRevoked:
		return StateRevoked
	case res.Status == verifier.StatusSuspended:
		return StateSuspended
	case res.Verdict == verifier.Invalid:
		return StateExpired
	}
	return StateInvalid
}

// summarize reads what a credential says for people.
func summarize(doc map[string]any) Summary {
	var s Summary
	str := func(m map[string]any, k string) string { v, _ := m[k].(string); return v }
	num := func(m map[string]any, k string) *float64 {
		if v, ok := m[k].(float64); ok {
			return &v
		}
		return nil
	}
	s.Issued = cmp.Or(str(doc, "validFrom"), str(doc, "issuanceDate"))
	s.ValidUntil = cmp.Or(str(doc, "validUntil"), str(doc, "expirationDate"))
	switch is := doc["issuer"].(type) {
	case string:
		s.IssuerID = is
	case map[string]any:
		s.IssuerID, s.IssuerName, s.IssuerURL = str(is, "id"), str(is, "name"), str(is, "url")
	}
	subj, _ := doc["credentialSubject"].(map[string]any)
	if l, ok := doc["credentialSubject"].([]any); ok && len(l) > 0 {
		subj, _ = l[0].(map[string]any)
	}
	if subj == nil {
		s.Name = str(doc, "name")
		return s
	}
	if rs, ok := subj["result"].([]any); ok && len(rs) > 0 {
		if r, ok := rs[0].(map[string]any); ok {
			s.Grade = str(r, "value")
		}
	}
	a, _ := subj["achievement"].(map[string]any)
	if a == nil {
		s.Name = str(doc, "name")
		return s
	}
	s.Name = cmp.Or(str(a, "name"), str(doc, "name"))
	s.Description = str(a, "description")
	s.AchievementID, s.AchievementType = str(a, "id"), str(a, "achievementType")
	s.Language = str(a, "inLanguage")
	switch im := a["image"].(type) {
	case string:
		s.Image = im
	case map[string]any:
		s.Image = str(im, "id")
	}
	if s.Image == "" {
		if im, ok := doc["image"].(map[string]any); ok {
			s.Image = str(im, "id")
		}
	}
	if c, ok := a["criteria"].(map[string]any); ok {
		s.Criteria, s.CriteriaURL = str(c, "narrative"), str(c, "id")
	}
	// OB 3.0's own properties; credentials issued before badged's v2
	// context carry ectsCredits, eqfLevel and nlqfLevel instead.
	s.ECTS = cmp.Or(num(a, "creditsAvailable"), num(a, "ectsCredits"))
	for _, al := range objectsOf(a["alignment"]) {
		code := str(al, "targetCode")
		switch str(al, "targetFramework") {
		case credential.FrameworkEQF:
			if l, err := strconv.ParseFloat(code, 64); err == nil && s.EQFLevel == nil {
				s.EQFLevel = &l
			}
		case credential.FrameworkNLQF:
			s.NLQFLevel = cmp.Or(s.NLQFLevel, code)
		}
	}
	s.EQFLevel = cmp.Or(s.EQFLevel, num(a, "eqfLevel"))
	s.NLQFLevel = cmp.Or(s.NLQFLevel, str(a, "nlqfLevel"))
	s.StudyLoad = num(a, "studyLoad")
	s.Microcredential, _ = a["microcredential"].(bool)
	if tags, ok := a["tag"].([]any); ok {
		for _, t := range tags {
			if t, ok := t.(string); ok {
				s.Tags = append(s.Tags, t)
			}
		}
	}
	return s
}

// objectsOf returns v as a list of objects: a JSON-LD value may be one
// object or an array of them.
func objectsOf(v any) []map[string]any {
	switch v := v.(type) {
	case map[string]any:
		return []map[string]any{v}
	case []any:
		var out []map[string]any
		for _, e := range v {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

// issuedTime parses a summary's Issued date.
func issuedTime(sum Summary) time.Time {
	t, _ := time.Parse(time.RFC3339, sum.Issued)
	return t
}
