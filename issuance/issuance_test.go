package issuance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/multiformats/go-multibase"

	"github.com/badged/badged"
	"github.com/badged/badged/contexts"
	"github.com/badged/badged/credential"
	"github.com/badged/badged/credential/jose"
	"github.com/badged/badged/did"
	"github.com/badged/badged/issuance"
	"github.com/badged/badged/issuance/issuancetest"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/keys"
	"github.com/badged/badged/storage/bolt"
	"github.com/badged/badged/verifier"
)

const base = "https://badges.example.edu"

// t0 is when the tests issue; they verify an hour later.
var t0 = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

// env is a badged with one institution, issuer and badge class on bbolt,
// and a verifier that resolves its DID documents and status lists
// in-process, as a serving badged does.
type env struct {
	db       *bolt.DB
	svc      *issuance.Service
	verifier *verifier.Verifier
	in       *issuer.Institution
	grp      *issuer.Group
	iss      *issuer.Issuer
	bc       *issuer.BadgeClass
	ld       *jsonld.Processor
}

func newEnv(t testing.TB) *env {
	t.Helper()
	db, sealer, ld := issuancetest.Open(t, base)
	e := &env{db: db, ld: ld}
	var err error
	e.svc, err = issuance.New(db, sealer, base, e.ld, issuance.WithClock(func() time.Time { return t0 }))
	if err != nil {
		t.Fatal(err)
	}
	e.hierarchy(t)
	e.verifier = issuancetest.Verifier(e.ld, e.svc, t0.Add(time.Hour))
	return e
}

func (e *env) hierarchy(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	e.in = &issuer.Institution{
		ID: "uni", Name: issuer.Text{NL: "Universiteit Voorbeeld", EN: "Example University"},
		Description: issuer.Text{EN: "A research university"}, ImageURL: "https://uni.example.org/logo.png",
		SCHACHome: "uni.example.org", BRIN: "21PB", Type: issuer.WO, Country: "NL",
		GradingTableURL: "https://uni.example.org/grading", DefaultLanguage: issuer.LangNL, Created: t0, Updated: t0,
	}
	e.grp = &issuer.Group{ID: "fac", InstitutionID: "uni", Name: issuer.Text{EN: "Faculty of Science"}, Created: t0, Updated: t0}
	e.iss = &issuer.Issuer{
		ID: "math", InstitutionID: "uni", GroupID: "fac", Name: issuer.Text{NL: "Wiskunde", EN: "Mathematics"},
		Description: issuer.Text{EN: "The mathematics department"}, ImageURL: "https://uni.example.org/math.png",
		URL: "https://uni.example.org/math", Email: "math@uni.example.org", Created: t0, Updated: t0,
	}
	e.bc = &issuer.BadgeClass{
		ID: "stats", InstitutionID: "uni", GroupID: "fac", IssuerID: "math",
		Name: issuer.Text{NL: "Statistiek", EN: "Statistics"}, Description: issuer.Text{NL: "Basisstatistiek", EN: "Basic statistics"},
		ImageURL: "https://uni.example.org/stats.png",
		Criteria: issuer.Criteria{URL: "https://uni.example.org/stats/criteria", Narrative: issuer.Text{EN: "Pass the *exam*."}},
		Language: issuer.LangEN, LearningOutcome: issuer.Text{EN: "Can run a t-test."}, ECTSCredits: ptr(2.5), StudyLoad: ptr(70),
		TimeInvestment: ptr(60), EQFLevel: ptr(6), NLQFLevel: issuer.NLQFEntry1, EducationProgramIdentifier: "34479",
		Alignments: []issuer.Alignment{{TargetName: "Statistics", TargetURL: "http://data.europa.eu/esco/skill/abc",
			TargetDescription: "apply statistics", TargetFramework: "ESCO", TargetCode: "abc"}},
		AssessmentType: "written exam", AssessmentSupervised: ptr(true), AssessmentIdentityVerified: ptr(true),
		QualityAssurance: issuer.QualityAssurance{Name: "NVAO", URL: "https://www.nvao.net/", Description: "Accredited"},
		Stackable:        ptr(true), Participation: issuer.ParticipationBlended, GradeAchievedRequired: true,
		ExpiryDays: 365, Microcredential: true, Tags: []string{"statistics", "science"},
		State: issuer.Published, Created: t0, Updated: t0,
	}
	for _, err := range []error{
		e.db.CreateInstitution(ctx, e.in), e.db.CreateGroup(ctx, e.grp),
		e.db.CreateIssuer(ctx, e.iss), e.db.CreateBadgeClass(ctx, e.bc),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func (e *env) request(award string) issuer.IssueRequest {
	return issuer.IssueRequest{
		AwardID: award, Institution: e.in, Group: e.grp, Issuer: e.iss, BadgeClass: e.bc,
		Recipient: issuer.Recipient{
			UserID: "u1", EduID: "eduid-subject-1", EPPN: "jdoe@uni.example.org", Email: "jane@example.org",
			Name: "Jane Doe", HolderDID: "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
		},
		Narrative:   "Scored 9 on the exam.",
		EvidenceURL: []string{"https://uni.example.org/evidence/1"},
		Grade:       "9",
		IssuedAt:    t0,
	}
}

func (e *env) issue(t testing.TB, r issuer.IssueRequest) *issuer.IssuedCredential {
	t.Helper()
	c, err := e.svc.Issue(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// verify returns the verifier's result for raw, failing the test on any
// check that did not pass unless it is listed in allow.
func (e *env) verify(t *testing.T, raw []byte, allow ...string) *verifier.Result {
	t.Helper()
	res := e.verifier.Verify(context.Background(), raw)
	for _, c := range res.Checks {
		if c.Verdict != verifier.Pass && !contains(allow, c.ID) {
			t.Errorf("check %s: %s: %s", c.ID, c.Verdict, c.Message)
		}
	}
	return res
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func decode(t testing.TB, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestIssueVerifies issues a credential with every field of the badge
// class and the award set, and has badged's verifier check it, resolving
// the issuer's did:web and fetching the status list: every check passes.
func TestIssueVerifies(t *testing.T) {
	e := newEnv(t)
	r := e.request("award-1")
	ic := e.issue(t, r)
	res := e.verify(t, ic.JSON)
	if !res.Verified || res.Securing != "eddsa-rdfc-2022" {
		t.Fatalf("verified %v, securing %q", res.Verified, res.Securing)
	}
	issuerDID := "did:web:badges.example.edu:issuers:math"
	if res.Issuer != issuerDID || !strings.HasPrefix(res.Signer, issuerDID+"#z6Mk") {
		t.Errorf("issuer %s, signer %s", res.Issuer, res.Signer)
	}

	// The stored record.
	if !strings.HasPrefix(ic.ID, base+"/credentials/") || ic.AwardID != "award-1" || !ic.IssuedAt.Equal(t0) ||
		!ic.ValidUntil.Equal(t0.AddDate(0, 0, 365)) || !strings.HasPrefix(ic.StatusList, base+"/status/") {
		t.Errorf("issued = %+v", ic)
	}
	// The recipient's identifiers are never in the credential in plain.
	for _, plain := range []string{r.Recipient.EduID, r.Recipient.EPPN, r.Recipient.Email, r.Recipient.Name} {
		if bytes.Contains(ic.JSON, []byte(plain)) {
			t.Errorf("the credential contains %q", plain)
		}
	}

	c, err := credential.Parse(ic.JSON)
	if err != nil {
		t.Fatal(err)
	}
	subj := c.CredentialSubject
	if subj.ID != r.Recipient.HolderDID {
		t.Errorf("subject id %q", subj.ID)
	}
	wantIDs := map[string]string{issuance.IdentityEduID: r.Recipient.EduID, credential.IdentityEmail: r.Recipient.Email, issuance.IdentityEPPN: r.Recipient.EPPN}
	if len(subj.Identifier) != len(wantIDs) {
		t.Errorf("%d identifiers, want %d", len(subj.Identifier), len(wantIDs))
	}
	for _, o := range subj.Identifier {
		if !o.Hashed || o.Salt == "" || !strings.HasPrefix(o.IdentityHash, "sha256$") || !o.Matches(wantIDs[o.IdentityType]) {
			t.Errorf("identifier %+v does not match %q", o, wantIDs[o.IdentityType])
		}
	}
	if len(subj.Result) != 1 || subj.Result[0].Value != "9" || subj.Result[0].ResultDescription != subj.Achievement.ResultDescription[0].ID {
		t.Errorf("result = %+v", subj.Result)
	}
	if len(c.Evidence) != 1 || c.Evidence[0].ID != r.EvidenceURL[0] || c.Evidence[0].Narrative != r.Narrative {
		t.Errorf("evidence = %+v", c.Evidence)
	}
	if c.ValidFrom != "2026-06-01T12:00:00Z" || c.ValidUntil != "2027-06-01T12:00:00Z" {
		t.Errorf("valid from %s until %s", c.ValidFrom, c.ValidUntil)
	}
	if s := c.CredentialStatus; s == nil || s.Type != "BitstringStatusListEntry" || s.StatusPurpose != "revocation" ||
		s.StatusListCredential != ic.StatusList || s.StatusListIndex != strings.TrimPrefix(s.ID, ic.StatusList+"#") {
		t.Errorf("credentialStatus = %+v", c.CredentialStatus)
	}
	if !contains(anyStrings(c.Context), base+"/ns/badged/v2") || contains(anyStrings(c.Context), contexts.Badged) {
		t.Errorf("@context %v: want badged's v2 at the base URL, not v1", c.Context)
	}

	a := subj.Achievement
	want := credential.Achievement{
		ID: base + "/badgeclasses/stats", Type: credential.Types{"Achievement"}, AchievementType: "MicroCredential",
		Name: "Statistics", Description: "Basic statistics", InLanguage: "en",
		Criteria: &credential.Criteria{ID: "https://uni.example.org/stats/criteria", Narrative: "Pass the *exam*."},
		Image:    &credential.Image{ID: "https://uni.example.org/stats.png", Type: "Image"},
		Tag:      []string{"statistics", "science"},
		Alignment: []credential.Alignment{
			{Type: credential.Types{"Alignment"}, TargetFramework: "European Qualifications Framework", TargetCode: "6",
				TargetName: "EQF level 6", TargetURL: "https://europass.europa.eu/en/description-eight-eqf-levels"},
			{Type: credential.Types{"Alignment"}, TargetFramework: "Nederlands Kwalificatieraamwerk (NLQF)", TargetCode: "entry-1",
				TargetName: "NLQF instroomniveau 1", TargetURL: "https://www.nlqf.nl/nlqf-niveaus"},
			{Type: credential.Types{"Alignment"}, TargetName: "Statistics",
				TargetURL: "http://data.europa.eu/esco/skill/abc", TargetDescription: "apply statistics", TargetFramework: "ESCO", TargetCode: "abc"}},
		OtherIdentifier:   []credential.IdentifierEntry{{Type: "IdentifierEntry", Identifier: "34479", IdentifierType: "ext:educationProgramIdentifier"}},
		ResultDescription: a.ResultDescription,
		CreditsAvailable:  ptr(2.5), StudyLoad: ptr(70), TimeInvestment: ptr(60),
		LearningOutcome: "Can run a t-test.", AssessmentType: "written exam",
		AssessmentSupervised: ptr(true), AssessmentIdentityVerified: ptr(true), QualityAssuranceName: "NVAO",
		QualityAssuranceURL: "https://www.nvao.net/", QualityAssuranceDescription: "Accredited",
		Participation: "blended", Stackable: ptr(true), GradeAchievedRequired: ptr(true), Microcredential: ptr(true),
	}
	if got, wantJSON := mustJSON(t, a), mustJSON(t, want); got != wantJSON {
		t.Errorf("achievement\n got %s\nwant %s", got, wantJSON)
	}
	doc := decode(t, ic.JSON)
	for _, old := range []string{"ectsCredits", "eqfLevel", "nlqfLevel", "educationProgramIdentifier"} {
		if v, ok := doc["credentialSubject"].(map[string]any)["achievement"].(map[string]any)[old]; ok {
			t.Errorf("achievement has %s (%v): OB 3.0's own property replaces it", old, v)
		}
	}

	p := c.Issuer
	if p.ID != issuerDID || p.Name != "Mathematics" || p.URL != e.iss.URL || p.Email != e.iss.Email || p.Image == nil ||
		p.ParentOrg == nil || mustJSON(t, p.ParentOrg.OtherIdentifier) != mustJSON(t, []credential.IdentifierEntry{
		{Type: "IdentifierEntry", Identifier: "uni.example.org", IdentifierType: "ext:schacHome"},
		{Type: "IdentifierEntry", Identifier: "21PB", IdentifierType: "ext:BRIN"}}) ||
		p.ParentOrg.InstitutionType != "WO" || p.ParentOrg.GradingTable != e.in.GradingTableURL || p.ParentOrg.Name != "Example University" {
		t.Errorf("issuer = %s", mustJSON(t, p))
	}
}

// TestIssueJWT checks the VC-JWT form issued with each credential: the
// same credential without its proof, signed by the same verification
// method, and verified (and reported revoked) by badged's verifier.
func TestIssueJWT(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ic := e.issue(t, e.request("award-1"))
	res := e.verify(t, ic.JWT)
	if !res.Verified || res.Securing != "vc-jwt" {
		t.Fatalf("verified %v, securing %q", res.Verified, res.Securing)
	}
	tok, err := jose.Parse(string(ic.JWT))
	if err != nil {
		t.Fatal(err)
	}
	doc := decode(t, ic.JSON)
	proof := doc["proof"].([]any)[0].(map[string]any)
	if tok.Format != jose.OBJWT || tok.Header.Kid != proof["verificationMethod"] {
		t.Errorf("format %v, kid %s; want OB VC-JWT, kid %s", tok.Format, tok.Header.Kid, proof["verificationMethod"])
	}
	delete(doc, "proof")
	if got, want := mustJSON(t, tok.Credential), mustJSON(t, doc); got != want {
		t.Errorf("the JWT's credential\n got %s\nwant %s", got, want)
	}
	stored, err := e.db.CredentialByAward(ctx, "award-1")
	if err != nil || !bytes.Equal(stored.JWT, ic.JWT) {
		t.Fatalf("stored JWT %q, %v", stored.JWT, err)
	}
	if again := e.issue(t, e.request("award-1")); !bytes.Equal(again.JWT, ic.JWT) {
		t.Error("issuing again gave another JWT")
	}
	if err := e.svc.Revoke(ctx, "award-1", "issued in error"); err != nil {
		t.Fatal(err)
	}
	res = e.verify(t, ic.JWT, verifier.CheckStatus)
	if st, _ := res.Check(verifier.CheckStatus); res.Verified || st.Verdict != verifier.Fail {
		t.Errorf("revoked JWT: verified %v, status %+v", res.Verified, st)
	}
}

func anyStrings(v []any) []string {
	var out []string
	for _, x := range v {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestIssueMinimal issues for a bare badge class (no extension fields, no
// expiry) to a learner known only by email: it verifies too.
func TestIssueMinimal(t *testing.T) {
	e := newEnv(t)
	bc := &issuer.BadgeClass{
		ID: "plain", InstitutionID: "uni", GroupID: "fac", IssuerID: "math",
		Name: issuer.Text{NL: "Deelname"}, Description: issuer.Text{NL: "Deelgenomen"},
		Criteria: issuer.Criteria{Narrative: issuer.Text{NL: "Aanwezig zijn."}}, Language: issuer.LangNL, NLQFLevel: "4",
		State: issuer.Published, Created: t0, Updated: t0,
	}
	r := issuer.IssueRequest{AwardID: "a", Institution: e.in, Group: e.grp, Issuer: e.iss, BadgeClass: bc,
		Recipient: issuer.Recipient{Email: "piet@example.org"}, IssuedAt: t0}
	ic := e.issue(t, r)
	e.verify(t, ic.JSON)
	doc := decode(t, ic.JSON)
	if _, ok := doc["validUntil"]; ok || !ic.ValidUntil.IsZero() {
		t.Error("a badge class without expiry gave validUntil")
	}
	subj := doc["credentialSubject"].(map[string]any)
	if _, ok := subj["id"]; ok {
		t.Error("credentialSubject.id without a holder DID")
	}
	a := subj["achievement"].(map[string]any)
	if a["name"] != "Deelname" || a["achievementType"] != "Badge" || a["resultDescription"] != nil {
		t.Errorf("achievement = %v", a)
	}
	// The NLQF level is an OB 3.0 alignment, not a term of badged's.
	if al, _ := a["alignment"].([]any); len(al) != 1 || al[0].(map[string]any)["targetCode"] != "4" {
		t.Errorf("alignment = %v", a["alignment"])
	}
}

func TestIssueInvalid(t *testing.T) {
	e := newEnv(t)
	otherIssuer := *e.iss
	otherIssuer.ID = "physics"
	tests := map[string]func(r *issuer.IssueRequest){
		"fail/no award":       func(r *issuer.IssueRequest) { r.AwardID = "" },
		"fail/no badge class": func(r *issuer.IssueRequest) { r.BadgeClass = nil },
		"fail/no institution": func(r *issuer.IssueRequest) { r.Institution = nil },
		"fail/no recipient":   func(r *issuer.IssueRequest) { r.Recipient = issuer.Recipient{Name: "Jane"} },
		"fail/foreign issuer": func(r *issuer.IssueRequest) { r.Issuer = &otherIssuer },
		"fail/no criteria":    func(r *issuer.IssueRequest) { bc := *r.BadgeClass; bc.Criteria = issuer.Criteria{}; r.BadgeClass = &bc },
		"fail/no name":        func(r *issuer.IssueRequest) { bc := *r.BadgeClass; bc.Name = issuer.Text{}; r.BadgeClass = &bc },
		"fail/empty holder DID only": func(r *issuer.IssueRequest) {
			r.Recipient = issuer.Recipient{UserID: "u"}
		},
	}
	for name, mod := range tests {
		t.Run(name, func(t *testing.T) {
			r := e.request("award-" + name)
			mod(&r)
			_, err := e.svc.Issue(context.Background(), r)
			if badged.KindOf(err) != badged.Invalid {
				t.Fatalf("err = %v, want Invalid", err)
			}
		})
	}
}

// TestIssueIdempotent issues one award again, and from several goroutines
// at once: every call returns the first credential.
func TestIssueIdempotent(t *testing.T) {
	e := newEnv(t)
	first := e.issue(t, e.request("award-1"))
	again := e.issue(t, e.request("award-1"))
	if again.ID != first.ID || !bytes.Equal(again.JSON, first.JSON) || again.StatusIdx != first.StatusIdx {
		t.Fatalf("second Issue gave another credential: %s vs %s", again.ID, first.ID)
	}

	var wg sync.WaitGroup
	got := make([]*issuer.IssuedCredential, 6)
	errs := make([]error, len(got))
	for i := range got {
		wg.Go(func() { got[i], errs[i] = e.svc.Issue(context.Background(), e.request("award-race")) })
	}
	wg.Wait()
	for i := range got {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if got[i].ID != got[0].ID || !bytes.Equal(got[i].JSON, got[0].JSON) {
			t.Errorf("racing Issue %d gave %s, want %s", i, got[i].ID, got[0].ID)
		}
	}
	stored, err := e.db.CredentialByAward(context.Background(), "award-race")
	if err != nil || stored.ID != got[0].ID {
		t.Fatalf("stored %v, %v", stored, err)
	}
}

// TestRevoke revokes one of two credentials: the verifier reports it
// revoked from the re-signed status list, and the other still verifies.
func TestRevoke(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	kept := e.issue(t, e.request("kept"))
	gone := e.issue(t, e.request("gone"))
	if kept.StatusList != gone.StatusList || kept.StatusIdx == gone.StatusIdx {
		t.Fatalf("status: %s#%d and %s#%d", kept.StatusList, kept.StatusIdx, gone.StatusList, gone.StatusIdx)
	}
	listID := strings.TrimPrefix(kept.StatusList, base+"/status/")
	before, signedBefore, err := e.svc.StatusListCredential(ctx, listID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Revoke(ctx, "gone", "issued in error"); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Revoke(ctx, "gone", "twice"); err != nil {
		t.Fatalf("revoking twice: %v", err)
	}
	after, signedAfter, err := e.svc.StatusListCredential(ctx, listID)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(before, after) || signedAfter.Before(signedBefore) {
		t.Error("the status list credential was not re-signed")
	}

	res := e.verify(t, gone.JSON, verifier.CheckStatus)
	st, _ := res.Check(verifier.CheckStatus)
	if res.Verified || st.Verdict != verifier.Fail || !strings.Contains(st.Message, "revoked") {
		t.Errorf("revoked credential: verified %v, status %+v", res.Verified, st)
	}
	if res := e.verify(t, kept.JSON); !res.Verified {
		t.Error("the credential that was not revoked no longer verifies")
	}
	stored, err := e.db.CredentialByAward(ctx, "gone")
	if err != nil || stored.RevocationReason != "issued in error" || !stored.Revoked.Equal(t0) {
		t.Errorf("stored = %+v, %v", stored, err)
	}
	if err := e.svc.Revoke(ctx, "never-issued", "x"); badged.KindOf(err) != badged.NotFound {
		t.Errorf("revoking an unknown award: %v", err)
	}
	if _, _, err := e.svc.StatusListCredential(ctx, "nope"); badged.KindOf(err) != badged.NotFound {
		t.Errorf("unknown list: %v", err)
	}
}

// TestRotateKey rotates the institution's key between two issuances: the
// DID document lists both keys and both credentials verify.
func TestRotateKey(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	old := e.issue(t, e.request("before"))
	if err := e.svc.RotateKey(ctx, "uni"); err != nil {
		t.Fatal(err)
	}
	next := e.issue(t, e.request("after"))
	vm := func(raw []byte) string {
		return decode(t, raw)["proof"].([]any)[0].(map[string]any)["verificationMethod"].(string)
	}
	if vm(old.JSON) == vm(next.JSON) {
		t.Fatal("the rotated key signed with the old verification method")
	}
	doc, err := e.svc.DIDDocument(ctx, "math")
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.VerificationMethod) != 2 || doc.VerificationMethod[0].ID != vm(next.JSON) ||
		!doc.HasAssertionMethod(vm(old.JSON)) || !doc.HasAssertionMethod(vm(next.JSON)) {
		t.Errorf("DID document = %s", mustJSON(t, doc))
	}
	for _, raw := range [][]byte{old.JSON, next.JSON, old.JWT, next.JWT} {
		e.verify(t, raw)
	}
	if tok, err := jose.Parse(string(next.JWT)); err != nil || tok.Header.Kid != vm(next.JSON) {
		t.Errorf("the JWT after rotation: %v, %v; want kid %s", tok, err, vm(next.JSON))
	}
	// Rotating an institution without a ring creates one.
	if err := e.svc.RotateKey(ctx, "new-inst"); err != nil {
		t.Fatal(err)
	}
	if _, v, err := e.db.KeyRing(ctx, "new-inst"); err != nil || v != 1 {
		t.Errorf("new ring: version %d, %v", v, err)
	}
}

func TestDIDDocument(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	doc, err := e.svc.DIDDocument(ctx, "math")
	if err != nil {
		t.Fatal(err)
	}
	if doc.ID != "did:web:badges.example.edu:issuers:math" || len(doc.VerificationMethod) != 1 || len(doc.AssertionMethod) != 1 {
		t.Fatalf("DID document = %s", mustJSON(t, doc))
	}
	// The key is a Multikey whose publicKeyMultibase is base58btc (z) of
	// the Ed25519 multicodec header 0xed01 and 32 bytes, as eddsa-rdfc-2022
	// requires (the W3C eddsa suite resolves only did:key, so cannot check
	// it of a did:web).
	vm := doc.VerificationMethod[0]
	enc, raw, err := multibase.Decode(vm.PublicKeyMultibase)
	if vm.Type != "Multikey" || err != nil || enc != multibase.Base58BTC || !strings.HasPrefix(vm.PublicKeyMultibase, "z6Mk") ||
		len(raw) != 34 || raw[0] != 0xed || raw[1] != 0x01 || vm.ID != doc.ID+"#"+vm.PublicKeyMultibase {
		t.Errorf("verification method %+v (%v): want a Multikey, z6Mk..., id DID#key", vm, err)
	}
	// The ring was created on first use, once.
	again, _ := e.svc.DIDDocument(ctx, "math")
	if again.VerificationMethod[0].ID != doc.VerificationMethod[0].ID {
		t.Error("a second DIDDocument made another key")
	}
	if _, err := e.svc.DIDDocument(ctx, "nope"); badged.KindOf(err) != badged.NotFound {
		t.Errorf("unknown issuer: %v", err)
	}

	tests := []struct{ base, did, url string }{
		{"https://badges.example.edu", "did:web:badges.example.edu:issuers:math", "https://badges.example.edu/issuers/math/did.json"},
		{"https://badges.example.edu:8443/", "did:web:badges.example.edu%3A8443:issuers:math", "https://badges.example.edu:8443/issuers/math/did.json"},
		{"https://example.edu/badged", "did:web:example.edu:badged:issuers:math", "https://example.edu/badged/issuers/math/did.json"},
	}
	for _, tt := range tests {
		t.Run("ok/"+tt.base, func(t *testing.T) {
			svc, err := issuance.New(e.db, nil, tt.base, e.ld)
			if err != nil {
				t.Fatal(err)
			}
			got := svc.IssuerDID("math")
			u, err := did.WebURL(got)
			if got != tt.did || err != nil || u != tt.url {
				t.Errorf("IssuerDID = %s (%s, %v), want %s (%s)", got, u, err, tt.did, tt.url)
			}
		})
	}
	for _, bad := range []string{"", "badges.example.edu", "ftp://x.example", "https://x.example/?q=1"} {
		t.Run("fail/"+bad, func(t *testing.T) {
			if _, err := issuance.New(e.db, nil, bad, e.ld); badged.KindOf(err) != badged.Invalid {
				t.Errorf("New(%q) = %v, want Invalid", bad, err)
			}
		})
	}
}

func TestIssuerProfile(t *testing.T) {
	e := newEnv(t)
	p, err := e.svc.IssuerProfile(context.Background(), "math")
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"did:web:badges.example.edu:issuers:math","type":["Profile"],"name":"Wiskunde","url":"https://uni.example.org/math",` +
		`"description":"The mathematics department","image":{"id":"https://uni.example.org/math.png","type":"Image"},"email":"math@uni.example.org",` +
		`"parentOrg":{"id":"https://badges.example.edu/institutions/uni","type":["Profile"],"name":"Universiteit Voorbeeld",` +
		`"description":"A research university","image":{"id":"https://uni.example.org/logo.png","type":"Image"},` +
		`"otherIdentifier":[{"type":"IdentifierEntry","identifier":"uni.example.org","identifierType":"ext:schacHome"},` +
		`{"type":"IdentifierEntry","identifier":"21PB","identifierType":"ext:BRIN"}],` +
		`"institutionType":"WO","gradingTable":"https://uni.example.org/grading"}}`
	if got := mustJSON(t, p); got != want {
		t.Errorf("profile\n got %s\nwant %s", got, want)
	}
	if _, err := e.svc.IssuerProfile(context.Background(), "nope"); badged.KindOf(err) != badged.NotFound {
		t.Errorf("unknown issuer: %v", err)
	}
}

// TestSignCredentialKeepsInput: SignCredential does not modify the
// credential it is given, VC 1.1 (whose @context it extends) included,
// even when the @context slice has room to grow in place.
func TestSignCredentialKeepsInput(t *testing.T) {
	for _, format := range []string{issuance.FormatDataIntegrity, issuance.FormatJWT} {
		t.Run(format, func(t *testing.T) {
			e := newEnv(t)
			svc, iss := e.svc, e.iss.ID
			ctxList := make([]any, 1, 8)
			ctxList[0] = "https://www.w3.org/2018/credentials/v1"
			doc := map[string]any{
				"@context":          ctxList,
				"type":              []any{"VerifiableCredential"},
				"credentialSubject": map[string]any{"id": "did:example:learner"},
			}
			before, _ := json.Marshal(doc)
			if _, err := svc.SignCredential(context.Background(), iss, doc, issuance.SignOptions{Format: format}); err != nil {
				t.Fatal(err)
			}
			after, _ := json.Marshal(doc)
			if string(before) != string(after) || ctxList[:cap(ctxList)][1] != nil {
				t.Fatalf("the input changed: %s -> %s (backing array %v)", before, after, ctxList[:cap(ctxList)])
			}
		})
	}
}

// TestPreview: the editor's preview is the credential an award would get,
// in the badge class's language, unsigned, with a sample learner; a badge
// class that cannot make an achievement yet is Invalid.
func TestPreview(t *testing.T) {
	e := newEnv(t)
	r := e.request("")
	bc := *r.BadgeClass
	bc.Language = issuer.LangNL
	bc.Criteria.Narrative = issuer.Text{NL: "Haal het tentamen.", EN: "Pass the exam."}
	r.BadgeClass, r.Recipient = &bc, issuer.Recipient{}
	doc, err := e.svc.Preview(r)
	if err != nil {
		t.Fatal(err)
	}
	a := doc["credentialSubject"].(map[string]any)["achievement"].(map[string]any)
	if a["criteria"].(map[string]any)["narrative"] != "Haal het tentamen." || a["name"] != bc.Name.In(issuer.LangNL) {
		t.Errorf("achievement %v, want the Dutch texts", a)
	}
	if _, ok := doc["proof"]; ok {
		t.Error("the preview is signed")
	}
	if ids, _ := doc["credentialSubject"].(map[string]any)["identifier"].([]any); len(ids) != 1 {
		t.Errorf("identifier %v, want the sample learner's", doc["credentialSubject"])
	}
	bc.Name = issuer.Text{}
	if _, err := e.svc.Preview(r); badged.KindOf(err) != badged.Invalid {
		t.Errorf("preview without a name: %v, want Invalid", err)
	}
}

// TestClaimAfterChangesElsewhere claims on one node (issuer and issuance
// services that remember the lineage and the key they used), while
// another node, on the same store, edits the badge class and rotates the
// key: the next claim on the first node states the new name and is signed
// with the new key (its first write, made from what it remembered, is
// refused by the store and made again).
func TestClaimAfterChangesElsewhere(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := issuer.Actor{UserID: "admin", Superuser: true}
	clock := issuer.WithClock(func() time.Time { return t0 })
	node := issuer.NewService(e.db, issuer.WithCredentialIssuer(e.svc), clock)
	elsewhere := issuer.NewService(e.db, clock)
	awards, err := node.DirectAward(ctx, admin, e.bc.ID, []issuer.DirectAwardInput{
		{Recipient: issuer.Recipient{Email: "a@example.org"}, Grade: "8"}, {Recipient: issuer.Recipient{Email: "b@example.org"}, Grade: "7"},
	}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	claim := func(i int) map[string]any {
		t.Helper()
		l := issuer.Learner{UserID: fmt.Sprint("u", i), Emails: []string{awards[i].Recipient.Email}}
		if _, err := node.ClaimAward(ctx, l, awards[i].ID, ""); err != nil {
			t.Fatal(err)
		}
		c, err := e.db.CredentialByAward(ctx, awards[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		e.verify(t, c.JSON)
		return decode(t, c.JSON)
	}
	first := claim(0)

	bc, err := elsewhere.BadgeClass(ctx, admin, e.bc.ID)
	if err != nil {
		t.Fatal(err)
	}
	bc.Name, bc.StudyLoad = issuer.Text{NL: "Statistiek II", EN: "Statistics II"}, nil
	if _, err := elsewhere.UpdateBadgeClass(ctx, admin, *bc); err != nil {
		t.Fatal(err)
	}
	sealer, err := keys.NewSealer(bytes.Repeat([]byte{42}, keys.MasterKeySize)) // issuancetest.Open's
	if err != nil {
		t.Fatal(err)
	}
	other, err := issuance.New(e.db, sealer, base, e.ld, issuance.WithClock(func() time.Time { return t0 }))
	if err != nil {
		t.Fatal(err)
	}
	if err := other.RotateKey(ctx, "uni"); err != nil {
		t.Fatal(err)
	}
	second := claim(1)

	name := func(doc map[string]any) any {
		return doc["credentialSubject"].(map[string]any)["achievement"].(map[string]any)["name"]
	}
	vm := func(doc map[string]any) any { return doc["proof"].([]any)[0].(map[string]any)["verificationMethod"] }
	if name(second) != "Statistics II" || name(first) == name(second) {
		t.Errorf("achievement names %v then %v; want the edit stated", name(first), name(second))
	}
	if vm(first) == vm(second) {
		t.Errorf("both claims signed with %v; want the rotated key", vm(first))
	}
}
