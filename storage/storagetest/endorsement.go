package storagetest

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/endorsement"
)

// RunEndorsements runs the conformance suite of [endorsement.Store].
// newStore returns a new, empty store for one subtest; it registers its
// own cleanup.
func RunEndorsements(t *testing.T, newStore func(t *testing.T) endorsement.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s endorsement.Store)
	}{
		{"CreateGet", testEndorsementCreateGet},
		{"Update", testEndorsementUpdate},
		{"Lists", testEndorsementLists},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore(t)) })
	}
}

var endorsementT0 = time.Date(2026, 5, 1, 9, 0, 0, 123000, time.UTC)

func newEndorsement(id, issuerID, badgeClassID, credentialID string, created time.Time) *endorsement.Endorsement {
	e := &endorsement.Endorsement{
		ID: id, InstitutionID: "inst-a", IssuerID: issuerID, Target: endorsement.TargetBadgeClass,
		BadgeClassID: badgeClassID, EndorsedInstitutionID: "inst-b",
		SubjectID: "https://badges.example.edu/badgeclasses/" + badgeClassID,
		Comment:   "Rigorous and well assessed.", State: endorsement.Pending,
		SignedID: "https://badges.example.edu/credentials/" + id, Credential: []byte(`{"id":"x"}`),
		CreatedBy: "u1", Created: created, Updated: created,
	}
	if credentialID != "" {
		e.Target, e.CredentialID, e.SubjectID = endorsement.TargetCredential, credentialID, credentialID
	}
	return e
}

func testEndorsementCreateGet(t *testing.T, s endorsement.Store) {
	ctx := context.Background()
	in := newEndorsement("e1", "iss-a", "bc-b", "", endorsementT0)
	must(t, s.CreateEndorsement(ctx, in))
	if in.Version != 1 {
		t.Errorf("Version after create = %d, want 1", in.Version)
	}
	in.Credential[0] = 'X' // the store kept its own copy
	got, err := s.Endorsement(ctx, "e1")
	if err != nil {
		t.Fatal(err)
	}
	if got.IssuerID != "iss-a" || got.BadgeClassID != "bc-b" || got.State != endorsement.Pending || got.Target != endorsement.TargetBadgeClass ||
		got.Comment != "Rigorous and well assessed." || !bytes.Equal(got.Credential, []byte(`{"id":"x"}`)) || !got.Created.Equal(endorsementT0) || got.Version != 1 {
		t.Errorf("Endorsement = %+v", got)
	}
	if err := s.CreateEndorsement(ctx, newEndorsement("e1", "iss-a", "bc-c", "", endorsementT0)); badged.KindOf(err) != badged.Conflict {
		t.Errorf("create with a taken ID: %v, want Conflict", err)
	}
	if _, err := s.Endorsement(ctx, "nope"); badged.KindOf(err) != badged.NotFound {
		t.Errorf("Endorsement(nope): %v, want NotFound", err)
	}
}

func testEndorsementUpdate(t *testing.T, s endorsement.Store) {
	ctx := context.Background()
	must(t, s.CreateEndorsement(ctx, newEndorsement("e1", "iss-a", "bc-b", "", endorsementT0)))
	e, err := s.Endorsement(ctx, "e1")
	if err != nil {
		t.Fatal(err)
	}
	stale := *e
	e.State, e.DecidedBy, e.Decided = endorsement.Accepted, "u2", endorsementT0.Add(time.Hour)
	e.BadgeClassID, e.SubjectID, e.Credential = "bc-other", "changed", []byte("changed") // fixed: kept
	must(t, s.UpdateEndorsement(ctx, e))
	if e.Version != 2 {
		t.Errorf("Version after update = %d, want 2", e.Version)
	}
	got, err := s.Endorsement(ctx, "e1")
	if err != nil {
		t.Fatal(err)
	}
	if got.State != endorsement.Accepted || got.DecidedBy != "u2" || !got.Decided.Equal(endorsementT0.Add(time.Hour)) || got.Version != 2 {
		t.Errorf("after update: %+v", got)
	}
	if got.BadgeClassID != "bc-b" || got.SubjectID != "https://badges.example.edu/badgeclasses/bc-b" || string(got.Credential) != `{"id":"x"}` {
		t.Errorf("update changed fixed fields: %+v", got)
	}
	stale.State = endorsement.Declined
	if err := s.UpdateEndorsement(ctx, &stale); badged.KindOf(err) != badged.Conflict {
		t.Errorf("update at a stale version: %v, want Conflict", err)
	}
	missing := newEndorsement("e9", "iss-a", "bc-b", "", endorsementT0)
	missing.Version = 1
	if err := s.UpdateEndorsement(ctx, missing); badged.KindOf(err) != badged.NotFound {
		t.Errorf("update of a missing endorsement: %v, want NotFound", err)
	}
}

func testEndorsementLists(t *testing.T, s endorsement.Store) {
	ctx := context.Background()
	// Created out of order: lists go by Created, then ID.
	must(t, s.CreateEndorsement(ctx, newEndorsement("e3", "iss-a", "bc-b", "https://x/credentials/1", endorsementT0.Add(2*time.Minute))))
	must(t, s.CreateEndorsement(ctx, newEndorsement("e1", "iss-a", "bc-b", "", endorsementT0)))
	must(t, s.CreateEndorsement(ctx, newEndorsement("e2", "iss-c", "bc-b", "", endorsementT0.Add(time.Minute))))
	must(t, s.CreateEndorsement(ctx, newEndorsement("e4", "iss-a", "bc-d", "", endorsementT0.Add(time.Minute))))
	ids := func(l []*endorsement.Endorsement) []string {
		out := []string{}
		for _, e := range l {
			out = append(out, e.ID)
		}
		return out
	}
	for _, c := range []struct {
		name string
		list func() ([]*endorsement.Endorsement, error)
		want []string
	}{
		{"of bc-b", func() ([]*endorsement.Endorsement, error) { return s.EndorsementsOfBadgeClass(ctx, "bc-b") }, []string{"e1", "e2", "e3"}},
		{"of bc-d", func() ([]*endorsement.Endorsement, error) { return s.EndorsementsOfBadgeClass(ctx, "bc-d") }, []string{"e4"}},
		{"of bc-none", func() ([]*endorsement.Endorsement, error) { return s.EndorsementsOfBadgeClass(ctx, "bc") }, []string{}},
		{"by iss-a", func() ([]*endorsement.Endorsement, error) { return s.EndorsementsByIssuer(ctx, "iss-a") }, []string{"e1", "e4", "e3"}},
		{"by iss-c", func() ([]*endorsement.Endorsement, error) { return s.EndorsementsByIssuer(ctx, "iss-c") }, []string{"e2"}},
		{"by none", func() ([]*endorsement.Endorsement, error) { return s.EndorsementsByIssuer(ctx, "iss") }, []string{}},
	} {
		got, err := c.list()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if g := ids(got); !slices.Equal(g, c.want) {
			t.Errorf("%s = %v, want %v", c.name, g, c.want)
		}
	}
	l, _ := s.EndorsementsOfBadgeClass(ctx, "bc-b")
	if l[2].Target != endorsement.TargetCredential || l[2].CredentialID != "https://x/credentials/1" {
		t.Errorf("listed credential endorsement: %+v", l[2])
	}
}
