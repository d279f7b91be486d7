package endorsement_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/credential"
	"github.com/badged/badged/endorsement"
	"github.com/badged/badged/issuance"
	"github.com/badged/badged/issuance/issuancetest"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/storage/bolt"
	"github.com/badged/badged/verifier"
)

const base = "https://badges.example.edu"

var t0 = time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)

// env is a badged on bbolt with two institutions: uni, whose issuer math
// endorses, and poly, whose badge class drawing is endorsed; alice
// administers math, bob owns drawing, eve is staff of neither.
type env struct {
	db       *bolt.DB
	svc      *endorsement.Service
	iss      *issuance.Service
	verifier *verifier.Verifier
	alice    issuer.Actor
	bob      issuer.Actor
	eve      issuer.Actor
	ownBC    *issuer.BadgeClass // uni's own badge class
	bc       *issuer.BadgeClass // poly's drawing
	credID   string             // a credential of drawing
	// issueDrawing issues a credential of drawing for a new award.
	issueDrawing func(awardID string) []byte
	// changes are those the service reported, for the audit trail.
	changes []issuer.Change
}

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	db, sealer, ld := issuancetest.Open(t, base)
	var err error
	e := &env{db: db, alice: issuer.Actor{UserID: "alice"}, bob: issuer.Actor{UserID: "bob"}, eve: issuer.Actor{UserID: "eve"}}
	if e.iss, err = issuance.New(db, sealer, base, ld, issuance.WithClock(func() time.Time { return t0 }),
		issuance.WithEndorsements(endorsement.Embedded(db))); err != nil {
		t.Fatal(err)
	}
	is := issuer.NewService(db, issuer.WithClock(func() time.Time { return t0 }))
	e.svc = endorsement.NewService(db, db, is, e.iss, endorsement.WithClock(func() time.Time { return t0 }),
		endorsement.WithChanges(func(c issuer.Change) { e.changes = append(e.changes, c) }))
	e.verifier = issuancetest.Verifier(ld, e.iss, t0.Add(time.Hour))

	root := issuer.Actor{UserID: "root", Superuser: true}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	hier := func(name, schac string) (*issuer.Institution, *issuer.Issuer, *issuer.BadgeClass) {
		in, err := is.CreateInstitution(ctx, root, issuer.Institution{Name: issuer.Text{EN: name}, SCHACHome: schac,
			Type: issuer.WO, Country: "NL", DefaultLanguage: issuer.LangEN})
		must(err)
		g, err := is.CreateGroup(ctx, root, issuer.Group{InstitutionID: in.ID, Name: issuer.Text{EN: "Faculty"}})
		must(err)
		s, err := is.CreateIssuer(ctx, root, issuer.Issuer{GroupID: g.ID, Name: issuer.Text{EN: name + " unit"}})
		must(err)
		bc, err := is.CreateBadgeClass(ctx, root, issuer.BadgeClass{IssuerID: s.ID, Name: issuer.Text{EN: name + " badge"},
			Description: issuer.Text{EN: "What was learned"}, Criteria: issuer.Criteria{Narrative: issuer.Text{EN: "Pass."}}, Language: issuer.LangEN})
		must(err)
		bc, err = is.PublishBadgeClass(ctx, root, bc.ID, bc.Version)
		must(err)
		return in, s, bc
	}
	uni, math, own := hier("Uni", "uni.example.org")
	poly, art, drawing := hier("Poly", "poly.example.org")
	e.ownBC, e.bc = own, drawing
	_, err = is.GrantRole(ctx, root, "alice", issuer.RoleIssuerAdmin, math.ID)
	must(err)
	_, err = is.GrantRole(ctx, root, "bob", issuer.RoleBadgeClassOwner, drawing.ID)
	must(err)
	_, err = is.GrantRole(ctx, root, "eve", issuer.RoleIssuerAwarder, math.ID) // may award, not administer
	must(err)

	// A credential of drawing, issued for an award.
	aw := &issuer.Award{ID: "aw1", InstitutionID: poly.ID, GroupID: art.GroupID, IssuerID: art.ID, BadgeClassID: drawing.ID,
		Kind: issuer.KindDirect, State: issuer.AwardAccepted, Recipient: issuer.Recipient{Email: "jane@example.org"}, Created: t0, Updated: t0}
	must(db.CreateAwards(ctx, []*issuer.Award{aw}, issuer.Effects{}))
	c, err := e.iss.Issue(ctx, issuer.IssueRequest{AwardID: aw.ID, Institution: poly, Issuer: art, BadgeClass: drawing,
		Recipient: aw.Recipient, IssuedAt: t0})
	must(err)
	e.credID = c.ID
	e.issueDrawing = func(awardID string) []byte {
		t.Helper()
		a := *aw
		a.ID = awardID
		must(db.CreateAwards(ctx, []*issuer.Award{&a}, issuer.Effects{}))
		c, err := e.iss.Issue(ctx, issuer.IssueRequest{AwardID: a.ID, Institution: poly, Issuer: art, BadgeClass: drawing,
			Recipient: a.Recipient, IssuedAt: t0})
		must(err)
		return c.JSON
	}
	_ = uni
	return e
}

func (e *env) verify(t *testing.T, en *endorsement.Endorsement) *verifier.Result {
	t.Helper()
	return e.verifier.Verify(context.Background(), en.Credential)
}

// TestEndorseAcceptRevoke: an endorsement of another institution's badge
// class is an EndorsementCredential that verifies, shown only once
// accepted; revoking it makes verifiers see it revoked and hides it.
func TestEndorseAcceptRevoke(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	en, err := e.svc.Create(ctx, e.alice, endorsement.Request{IssuerID: mathID(t, e), BadgeClassID: e.bc.ID, Comment: "  Well assessed.  "})
	if err != nil {
		t.Fatal(err)
	}
	if en.State != endorsement.Pending || en.Comment != "Well assessed." || en.SubjectID != base+"/badgeclasses/"+e.bc.ID {
		t.Errorf("created %+v", en)
	}
	var doc map[string]any
	if err := json.Unmarshal(en.Credential, &doc); err != nil {
		t.Fatal(err)
	}
	cs, _ := doc["credentialSubject"].(map[string]any)
	if got := jsonld.List(doc["type"]); len(got) != 2 || got[1] != "EndorsementCredential" ||
		cs["id"] != en.SubjectID || cs["endorsementComment"] != "Well assessed." || doc["id"] != en.SignedID {
		t.Errorf("credential: %s", en.Credential)
	}
	if p := credential.Validate(doc); hasErrors(p) {
		t.Errorf("OB 3.0 rules: %+v", p)
	}
	if res := e.verify(t, en); !res.Verified {
		t.Fatalf("endorsement does not verify: %+v", res)
	}
	if shown, _ := e.svc.Shown(ctx, e.bc.ID, ""); len(shown) != 0 {
		t.Errorf("pending endorsement shown: %v", shown)
	}
	if _, err := e.svc.Accept(ctx, e.alice, en.ID, en.Version); badged.KindOf(err) != badged.Forbidden {
		t.Errorf("endorser accepts: %v, want Forbidden", err)
	}
	if _, err := e.svc.Accept(ctx, e.bob, en.ID, en.Version+1); badged.KindOf(err) != badged.Conflict {
		t.Errorf("accept at a stale version: %v, want Conflict", err)
	}
	en, err = e.svc.Accept(ctx, e.bob, en.ID, en.Version)
	if err != nil {
		t.Fatal(err)
	}
	shown, err := e.svc.Shown(ctx, e.bc.ID, "")
	if err != nil || len(shown) != 1 || shown[0].ID != en.ID {
		t.Errorf("Shown after accept = %v, %v", shown, err)
	}
	if emb, _ := endorsement.Embedded(e.db)(ctx, e.bc.ID); len(emb) != 1 {
		t.Errorf("Embedded = %d, want 1", len(emb))
	}
	// A credential issued from now on embeds it in its achievement, and
	// verifies with it.
	raw := e.issueDrawing("aw2")
	var issued struct {
		CredentialSubject struct {
			Achievement struct {
				Endorsement []map[string]any `json:"endorsement"`
			} `json:"achievement"`
		} `json:"credentialSubject"`
	}
	if err := json.Unmarshal(raw, &issued); err != nil {
		t.Fatal(err)
	}
	if got := issued.CredentialSubject.Achievement.Endorsement; len(got) != 1 || got[0]["id"] != en.SignedID {
		t.Errorf("achievement.endorsement = %v", got)
	}
	if res := e.verifier.Verify(ctx, raw); !res.Verified {
		t.Errorf("a credential embedding an endorsement does not verify: %+v", res)
	}
	if _, err := e.svc.Decline(ctx, e.bob, en.ID, en.Version); badged.KindOf(err) != badged.Conflict {
		t.Errorf("decline an accepted one: %v, want Conflict", err)
	}
	if _, err := e.svc.Revoke(ctx, e.bob, en.ID, en.Version, "no"); badged.KindOf(err) != badged.Forbidden {
		t.Errorf("endorsed party revokes: %v, want Forbidden", err)
	}
	if _, err := e.svc.Create(ctx, e.alice, endorsement.Request{IssuerID: en.IssuerID, BadgeClassID: e.bc.ID, Comment: "again"}); badged.KindOf(err) != badged.Conflict {
		t.Errorf("second endorsement of the same: %v, want Conflict", err)
	}
	en, err = e.svc.Revoke(ctx, e.alice, en.ID, en.Version, "course changed")
	if err != nil {
		t.Fatal(err)
	}
	if en.State != endorsement.Revoked || en.RevokeReason != "course changed" {
		t.Errorf("revoked: %+v", en)
	}
	if res := e.verify(t, en); res.Verified || res.Status != verifier.StatusRevoked {
		t.Errorf("revoked endorsement verifies: %+v", res)
	}
	if shown, _ := e.svc.Shown(ctx, e.bc.ID, ""); len(shown) != 0 {
		t.Errorf("revoked endorsement shown: %v", shown)
	}
}

// TestEndorseCredential: a single credential is endorsed, and shown with
// that credential only.
func TestEndorseCredential(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	en, err := e.svc.Create(ctx, e.alice, endorsement.Request{IssuerID: mathID(t, e), CredentialID: e.credID, Comment: "Impressive work."})
	if err != nil {
		t.Fatal(err)
	}
	if en.Target != endorsement.TargetCredential || en.SubjectID != e.credID || en.BadgeClassID != e.bc.ID {
		t.Errorf("created %+v", en)
	}
	if res := e.verify(t, en); !res.Verified {
		t.Fatalf("does not verify: %+v", res)
	}
	if _, err := e.svc.Decline(ctx, e.bob, en.ID, en.Version); err != nil {
		t.Fatal(err)
	}
	if shown, _ := e.svc.Shown(ctx, e.bc.ID, e.credID); len(shown) != 0 {
		t.Errorf("declined shown: %v", shown)
	}
	// Endorsed again after the decline, and accepted this time.
	en, err = e.svc.Create(ctx, e.alice, endorsement.Request{IssuerID: en.IssuerID, CredentialID: e.credID, Comment: "Still impressive."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Accept(ctx, e.bob, en.ID, en.Version); err != nil {
		t.Fatal(err)
	}
	if shown, _ := e.svc.Shown(ctx, e.bc.ID, e.credID); len(shown) != 1 {
		t.Errorf("Shown with the credential = %d, want 1", len(shown))
	}
	if shown, _ := e.svc.Shown(ctx, e.bc.ID, base+"/credentials/other"); len(shown) != 0 {
		t.Errorf("shown with another credential: %v", shown)
	}
	if emb, _ := endorsement.Embedded(e.db)(ctx, e.bc.ID); len(emb) != 0 {
		t.Errorf("a credential's endorsement embedded in the badge class's: %d", len(emb))
	}
}

func TestEndorseRefused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	math := mathID(t, e)
	for name, c := range map[string]struct {
		actor issuer.Actor
		req   endorsement.Request
		kind  badged.Kind
	}{
		"fail/own institution":    {e.alice, endorsement.Request{IssuerID: math, BadgeClassID: e.ownBC.ID, Comment: "x"}, badged.Forbidden},
		"fail/awarder only":       {e.eve, endorsement.Request{IssuerID: math, BadgeClassID: e.bc.ID, Comment: "x"}, badged.Forbidden},
		"fail/other's issuer":     {e.bob, endorsement.Request{IssuerID: math, BadgeClassID: e.bc.ID, Comment: "x"}, badged.Forbidden},
		"fail/anonymous":          {issuer.Actor{}, endorsement.Request{IssuerID: math, BadgeClassID: e.bc.ID, Comment: "x"}, badged.Unauthorized},
		"fail/no comment":         {e.alice, endorsement.Request{IssuerID: math, BadgeClassID: e.bc.ID, Comment: "  "}, badged.Invalid},
		"fail/both targets":       {e.alice, endorsement.Request{IssuerID: math, BadgeClassID: e.bc.ID, CredentialID: e.credID, Comment: "x"}, badged.Invalid},
		"fail/no target":          {e.alice, endorsement.Request{IssuerID: math, Comment: "x"}, badged.Invalid},
		"fail/unknown class":      {e.alice, endorsement.Request{IssuerID: math, BadgeClassID: "nope", Comment: "x"}, badged.NotFound},
		"fail/unknown credential": {e.alice, endorsement.Request{IssuerID: math, CredentialID: base + "/credentials/nope", Comment: "x"}, badged.NotFound},
		"fail/too long":           {e.alice, endorsement.Request{IssuerID: math, BadgeClassID: e.bc.ID, Comment: string(bytes.Repeat([]byte("a"), endorsement.MaxComment+1))}, badged.Invalid},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := e.svc.Create(ctx, c.actor, c.req); badged.KindOf(err) != c.kind {
				t.Errorf("Create: %v, want %s", err, c.kind)
			}
		})
	}
	if l, err := e.svc.Endorsements(ctx, e.alice, endorsement.Filter{IssuerID: math}); err != nil || len(l) != 0 {
		t.Errorf("refused endorsements were stored: %v %v", l, err)
	}
}

func mathID(t *testing.T, e *env) string {
	t.Helper()
	return e.ownBC.IssuerID
}

func hasErrors(ps []credential.Problem) bool {
	for _, p := range ps {
		if !p.Warning {
			return true
		}
	}
	return false
}

// TestEndorsementChanges: making, deciding and revoking are reported for
// the audit trail, each to the institution whose act it is, by whom, with
// what was endorsed and never the credential.
func TestEndorsementChanges(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	en, err := e.svc.Create(ctx, e.alice, endorsement.Request{IssuerID: mathID(t, e), BadgeClassID: e.bc.ID, Comment: "Good."})
	if err != nil {
		t.Fatal(err)
	}
	if en, err = e.svc.Accept(ctx, e.bob, en.ID, en.Version); err != nil {
		t.Fatal(err)
	}
	if _, err = e.svc.Revoke(ctx, e.alice, en.ID, en.Version, "changed"); err != nil {
		t.Fatal(err)
	}
	want := []struct{ action, inst, actor string }{
		{endorsement.ChangeCreate, en.InstitutionID, "alice"},
		{endorsement.ChangeAccept, en.EndorsedInstitutionID, "bob"},
		{endorsement.ChangeRevoke, en.InstitutionID, "alice"},
	}
	if len(e.changes) != len(want) {
		t.Fatalf("%d changes reported: %+v", len(e.changes), e.changes)
	}
	for i, w := range want {
		c := e.changes[i]
		b, _ := json.Marshal(c.After)
		if c.Action != w.action || c.InstitutionID != w.inst || c.ActorID != w.actor || c.TargetKind != "endorsement" || c.TargetID != en.ID ||
			strings.Contains(string(b), "proof") || !strings.Contains(string(b), e.bc.ID) {
			t.Errorf("change %d: %+v %s, want %+v", i, c, b, w)
		}
	}
}
