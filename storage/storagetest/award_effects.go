package storagetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/audit"
	"github.com/badged/badged/issuance"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/keys"
	"github.com/badged/badged/notify"
)

// EffectsStore is a store of awards, credentials, the audit trail and the
// outbox: what the award changes and issuances write with their
// [issuer.Effects].
type EffectsStore interface {
	issuer.Store
	issuance.Store
	audit.Store
	notify.Store
}

// RunAwardEffects runs the suite of the transactional outbox of
// [issuer.AwardStore]: the effects given to CreateAwards and UpdateAward
// are stored with the change, all of them or none, and those whose ID
// exists are skipped. newStore returns a new, empty store for one subtest.
func RunAwardEffects(t *testing.T, newStore func(t *testing.T) EffectsStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s EffectsStore)
	}{
		{"Create", testEffectsCreate},
		{"CreateFails", testEffectsCreateFails},
		{"Update", testEffectsUpdate},
		{"UpdateFails", testEffectsUpdateFails},
		{"Credential", testEffectsCredential},
		{"CredentialWithAward", testCredentialWithAward},
		{"ClaimsTogether", testClaimsTogether},
		{"CredentialStamps", testCredentialStamps},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore(t)) })
	}
}

// effectsOf returns an audit entry and a pending mail for each award ID,
// with IDs derived from tag and the award ID.
func effectsOf(tag string, at time.Time, awardIDs ...string) issuer.Effects {
	var fx issuer.Effects
	for _, id := range awardIDs {
		fx.Audit = append(fx.Audit, &audit.Entry{ID: tag + "-entry-" + id, Time: at, InstitutionID: "i1", Actor: "staff1",
			Action: "award.create", Target: audit.Target{Kind: "award", ID: id}, Details: json.RawMessage(`{"event":"` + tag + `"}`)})
		fx.Mails = append(fx.Mails, &notify.Mail{ID: tag + "-mail-" + id, InstitutionID: "i1", To: id + "@example.org",
			Lang: "en", Template: notify.TemplateAwardWaiting, Subject: "A badge for " + id, Text: "text " + id, HTML: "<p>" + id + "</p>",
			Status: notify.Pending, NextAttempt: at, Created: at})
	}
	return fx
}

// stored returns the IDs of the audit entries and the mails of
// institution i1, sorted.
func stored(t *testing.T, s EffectsStore) (entries, mails []string) {
	t.Helper()
	ctx := context.Background()
	es, err := s.Entries(ctx, audit.Query{InstitutionID: "i1"})
	must(t, err)
	ms, err := s.Mails(ctx, notify.MailQuery{InstitutionID: "i1"})
	must(t, err)
	entries = ids(es, func(e *audit.Entry) string { return e.ID })
	mails = ids(ms, func(m *notify.Mail) string { return m.ID })
	slices.Sort(entries)
	slices.Sort(mails)
	return entries, mails
}

func wantStored(t *testing.T, s EffectsStore, what string, entries, mails []string) {
	t.Helper()
	ge, gm := stored(t, s)
	if entries == nil {
		entries = []string{}
	}
	if mails == nil {
		mails = []string{}
	}
	if !slices.Equal(ge, entries) || !slices.Equal(gm, mails) {
		t.Fatalf("%s: entries %v, mails %v; want %v, %v", what, ge, gm, entries, mails)
	}
}

func testEffectsCreate(t *testing.T, s EffectsStore) {
	ctx := context.Background()
	tree(t, s)
	fx := effectsOf("sent", t0, "a1", "a2")
	must(t, s.CreateAwards(ctx, []*issuer.Award{
		directAward("a1", t0, issuer.Recipient{Email: "a1@example.org"}),
		directAward("a2", t0, issuer.Recipient{Email: "a2@example.org"}),
	}, fx))
	wantStored(t, s, "after a create", []string{"sent-entry-a1", "sent-entry-a2"}, []string{"sent-mail-a1", "sent-mail-a2"})

	// They read back as given, the mail due.
	es, err := s.Entries(ctx, audit.Query{InstitutionID: "i1", Target: audit.Target{Kind: "award", ID: "a1"}})
	must(t, err)
	if len(es) != 1 || es[0].Actor != "staff1" || es[0].Action != "award.create" || !es[0].Time.Equal(t0) || string(es[0].Details) != `{"event":"sent"}` {
		t.Fatalf("entry of a1 = %+v", es)
	}
	m, err := s.Mail(ctx, "sent-mail-a1")
	must(t, err)
	if m.To != "a1@example.org" || m.Subject != "A badge for a1" || m.Status != notify.Pending || m.Version != 1 {
		t.Fatalf("mail of a1 = %+v", m)
	}
	due, err := s.DueMails(ctx, t0, 10)
	must(t, err)
	if len(due) != 2 {
		t.Fatalf("%d mails due, want 2", len(due))
	}

	// A retry whose effects partly exist: the new award and its effects
	// are stored, the existing effects skipped and left as they were.
	retry := effectsOf("sent", t0.Add(time.Hour), "a1", "a3")
	retry.Mails[0].Subject = "changed"
	must(t, s.CreateAwards(ctx, []*issuer.Award{directAward("a3", t0, issuer.Recipient{Email: "a3@example.org"})}, retry))
	wantStored(t, s, "after a retry", []string{"sent-entry-a1", "sent-entry-a2", "sent-entry-a3"},
		[]string{"sent-mail-a1", "sent-mail-a2", "sent-mail-a3"})
	if m, err := s.Mail(ctx, "sent-mail-a1"); err != nil || m.Subject != "A badge for a1" {
		t.Fatalf("an existing mail was overwritten: %+v, %v", m, err)
	}
}

func testEffectsCreateFails(t *testing.T, s EffectsStore) {
	ctx := context.Background()
	tree(t, s)
	must(t, s.CreateAwards(ctx, []*issuer.Award{directAward("a1", t0, issuer.Recipient{Email: "a1@example.org"})}, issuer.Effects{}))
	// A batch that fails (a1 exists) stores none of its effects.
	wantKind(t, s.CreateAwards(ctx, []*issuer.Award{
		directAward("a2", t0, issuer.Recipient{Email: "a2@example.org"}),
		directAward("a1", t0, issuer.Recipient{Email: "a1@example.org"}),
	}, effectsOf("sent", t0, "a2", "a1")), badged.Conflict)
	wantStored(t, s, "after a failed batch", nil, nil)
	// So does one with an unknown badge class.
	bad := directAward("a3", t0, issuer.Recipient{Email: "a3@example.org"})
	bad.BadgeClassID = "nope"
	wantKind(t, s.CreateAwards(ctx, []*issuer.Award{bad}, effectsOf("sent", t0, "a3")), badged.NotFound)
	wantStored(t, s, "after a batch of an unknown class", nil, nil)
}

func testEffectsUpdate(t *testing.T, s EffectsStore) {
	ctx := context.Background()
	tree(t, s)
	a := directAward("a1", t0, issuer.Recipient{Email: "a1@example.org"})
	must(t, s.CreateAwards(ctx, []*issuer.Award{a}, effectsOf("sent", t0, "a1")))
	a.State, a.Updated = issuer.AwardExpired, t0.Add(time.Hour)
	must(t, s.UpdateAward(ctx, a, effectsOf("expired", t0.Add(time.Hour), "a1")))
	wantStored(t, s, "after an update", []string{"expired-entry-a1", "sent-entry-a1"}, []string{"expired-mail-a1", "sent-mail-a1"})
	// Effects that exist are skipped; the update stands.
	a.Reminders, a.Updated = []int{42}, t0.Add(2*time.Hour)
	must(t, s.UpdateAward(ctx, a, effectsOf("expired", t0.Add(2*time.Hour), "a1")))
	if got, err := s.Award(ctx, "a1"); err != nil || got.Version != 3 {
		t.Fatalf("award after an update with existing effects: %+v, %v", got, err)
	}
	wantStored(t, s, "after an update with existing effects", []string{"expired-entry-a1", "sent-entry-a1"},
		[]string{"expired-mail-a1", "sent-mail-a1"})
}

func testEffectsUpdateFails(t *testing.T, s EffectsStore) {
	ctx := context.Background()
	tree(t, s)
	a := directAward("a1", t0, issuer.Recipient{Email: "a1@example.org"})
	must(t, s.CreateAwards(ctx, []*issuer.Award{a}, issuer.Effects{}))
	// A stale update (an expiry that lost to a claim) stores none of its
	// effects.
	stale := *a
	a.State = issuer.AwardAccepted
	must(t, s.UpdateAward(ctx, a, issuer.Effects{}))
	stale.State = issuer.AwardExpired
	wantKind(t, s.UpdateAward(ctx, &stale, effectsOf("expired", t0, "a1")), badged.Conflict)
	wantKind(t, s.UpdateAward(ctx, directAward("nope", t0, issuer.Recipient{Email: "n@example.org"}), effectsOf("x", t0, "nope")), badged.NotFound)
	wantStored(t, s, "after failed updates", nil, nil)
}

// testEffectsCredential checks that a credential issued through the API is
// stored with its effects, and that one refused stores none of them.
func testEffectsCredential(t *testing.T, s EffectsStore) {
	ctx := context.Background()
	slot, err := s.Allocate(ctx, allocation("api-1", "iss", "L", 16, emptyList(t)))
	must(t, err)
	c := storedCredential("api-1", "https://badges.example.org/credentials/1", slot)
	c.Effects = effectsOf("issued", t0, "api-1")
	must(t, s.CreateCredential(ctx, c))
	wantStored(t, s, "after an issuance", []string{"issued-entry-api-1"}, []string{"issued-mail-api-1"})

	dup := storedCredential("api-1", "https://badges.example.org/credentials/2", slot)
	dup.Effects = effectsOf("again", t0, "api-1")
	wantKind(t, s.CreateCredential(ctx, dup), badged.Conflict)
	wantStored(t, s, "after a refused issuance", []string{"issued-entry-api-1"}, []string{"issued-mail-api-1"})
}

// testCredentialWithAward checks that a credential that completes an award
// (a claim) is stored with the award's change and its effects, all in one
// transaction: a stale award (an expiry that won) stores neither the
// credential, nor its status list index, nor the effects.
func testCredentialWithAward(t *testing.T, s EffectsStore) {
	ctx := context.Background()
	tree(t, s)
	for _, id := range []string{"a1", "a2"} {
		must(t, s.CreateAwards(ctx, []*issuer.Award{directAward(id, t0, issuer.Recipient{Email: id + "@example.org"})}, issuer.Effects{}))
	}
	a1, err := s.Award(ctx, "a1")
	must(t, err)
	slot, err := s.Allocate(ctx, allocation("a1", "iss", "L", 16, emptyList(t)))
	must(t, err)
	c := storedCredential("a1", "https://badges.example.org/credentials/1", slot)
	claimed := *a1
	claimed.State, claimed.CredentialID, claimed.Updated = issuer.AwardAccepted, c.ID, t0.Add(time.Hour)
	c.Award, c.Effects = &claimed, effectsOf("claimed", t0, "a1")
	must(t, s.CreateCredential(ctx, c))
	if claimed.Version != a1.Version+1 {
		t.Errorf("the award's version after the write: %d, want %d", claimed.Version, a1.Version+1)
	}
	got, err := s.Award(ctx, "a1")
	must(t, err)
	if got.State != issuer.AwardAccepted || got.CredentialID != c.ID || got.Version != a1.Version+1 {
		t.Errorf("award stored with its credential: %+v", got)
	}
	if _, err := s.CredentialByAward(ctx, "a1"); err != nil {
		t.Errorf("credential: %v", err)
	}
	wantStored(t, s, "after a claim", []string{"claimed-entry-a1"}, []string{"claimed-mail-a1"})

	// a2 expires first; its claim, stale, stores nothing.
	a2, err := s.Award(ctx, "a2")
	must(t, err)
	stale := *a2
	a2.State = issuer.AwardExpired
	must(t, s.UpdateAward(ctx, a2, issuer.Effects{}))
	free, err := s.FreeSlot(ctx, allocation("a2", "iss", "L", 16, emptyList(t)))
	must(t, err)
	lost := storedCredential("a2", "https://badges.example.org/credentials/2", free)
	stale.State, stale.CredentialID = issuer.AwardAccepted, lost.ID
	lost.Award, lost.Effects = &stale, effectsOf("claimed", t0, "a2")
	wantKind(t, s.CreateCredential(ctx, lost), badged.Conflict)
	wantKind(t, errOf(s.CredentialByAward(ctx, "a2")), badged.NotFound)
	if again, err := s.FreeSlot(ctx, allocation("a2", "iss", "L", 16, emptyList(t))); err != nil || again.Held {
		t.Errorf("the lost claim holds a status list index: %+v, %v", again, err)
	}
	wantStored(t, s, "after a stale claim", []string{"claimed-entry-a1"}, []string{"claimed-mail-a1"})
}

// testClaimsTogether stores many claims at once, as a cohort claiming
// its badges does (a store may write them together), in two waves: the
// first all sound, the second with one stale claim and two at the same
// status list index. Each claim stands or falls on its own: the stale one
// and one of the two fail with Conflict, storing nothing of theirs, and
// every other is stored whole, its award's reminders kept.
func testClaimsTogether(t *testing.T, s EffectsStore) {
	ctx := context.Background()
	tree(t, s)
	const n = 24
	var awards []*issuer.Award
	for i := range n {
		a := directAward(fmt.Sprintf("a%02d", i), t0, issuer.Recipient{Email: fmt.Sprintf("a%02d@example.org", i)})
		a.Reminders = []int{i % 3, 7}
		awards = append(awards, a)
	}
	must(t, s.CreateAwards(ctx, awards, issuer.Effects{}))
	seed, err := s.Allocate(ctx, allocation("seed", "iss", "L", 64, emptyList(t)))
	must(t, err)
	var free []int // the list's indexes but the seed's
	for i := range 64 {
		if i != seed.Index {
			free = append(free, i)
		}
	}
	const stale, twinA, twinB = 15, 20, 21 // in the second wave
	claims := make([]*issuance.Credential, n)
	for i, a := range awards {
		stored, err := s.Award(ctx, a.ID)
		must(t, err)
		if i == stale {
			expired := *stored
			expired.State = issuer.AwardExpired
			must(t, s.UpdateAward(ctx, &expired, issuer.Effects{}))
		}
		idx := free[i]
		if i == twinB {
			idx = free[twinA]
		}
		c := storedCredential(a.ID, "https://badges.example.org/credentials/"+a.ID, issuance.Slot{ListID: "L", Index: idx})
		claimed := *stored
		claimed.State, claimed.CredentialID, claimed.Updated = issuer.AwardAccepted, c.ID, t0.Add(time.Hour)
		c.Award, c.Effects = &claimed, effectsOf("claimed", t0, a.ID)
		claims[i] = c
	}
	errs := make([]error, n)
	for _, wave := range [][2]int{{0, n / 2}, {n / 2, n}} {
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := wave[0]; i < wave[1]; i++ {
			wg.Go(func() {
				<-start
				errs[i] = s.CreateCredential(ctx, claims[i])
			})
		}
		close(start)
		wg.Wait()
	}

	var entries, mails []string
	for i, a := range awards {
		err := errs[i]
		switch {
		case i == stale:
			wantKind(t, err, badged.Conflict)
		case i == twinA || i == twinB:
			if err != nil {
				wantKind(t, err, badged.Conflict)
			}
		default:
			must(t, err)
		}
		c, cerr := s.CredentialByAward(ctx, a.ID)
		if (err == nil) != (cerr == nil) {
			t.Fatalf("claim %s: %v, yet its credential reads %v", a.ID, err, cerr)
		}
		got, gerr := s.Award(ctx, a.ID)
		must(t, gerr)
		if err != nil {
			if got.State == issuer.AwardAccepted {
				t.Errorf("award %s of a failed claim was stored accepted", a.ID)
			}
			continue
		}
		entries, mails = append(entries, "claimed-entry-"+a.ID), append(mails, "claimed-mail-"+a.ID)
		if c.StatusIdx != claims[i].StatusIdx || got.State != issuer.AwardAccepted || got.CredentialID != c.ID ||
			got.Version != claims[i].Award.Version || !slices.Equal(got.Reminders, a.Reminders) {
			t.Errorf("claim %s stored as %+v with credential at %d", a.ID, got, c.StatusIdx)
		}
	}
	if (errs[twinA] == nil) == (errs[twinB] == nil) {
		t.Errorf("two claims at one index: %v and %v; want one to fail with Conflict", errs[twinA], errs[twinB])
	}
	wantStored(t, s, "after the claims", entries, mails)
	if l, err := s.StatusList(ctx, "L"); err != nil || l.Allocated != n-1 {
		t.Errorf("status list = %+v, %v; want %d indexes reserved", l, err, n-1)
	}
}

// testCredentialStamps checks that a credential is stored only while the
// records it was made from (its Unchanged stamps: the lineage and the key
// ring) have the versions it states: after a badge class edit or a key
// rotation, or for a record that is not there, the write is refused with
// Conflict wrapping issuer.ErrStale and stores nothing.
func testCredentialStamps(t *testing.T, s EffectsStore) {
	ctx := context.Background()
	tree(t, s)
	ring, err := s.PutKeyRing(ctx, "i1", &keys.Ring{}, 0)
	must(t, err)
	stamps := func() []issuer.Stamp {
		l, err := s.Lineage(ctx, issuer.Path{Institution: "i1", Group: "g1", Issuer: "s1", BadgeClass: "b1"})
		must(t, err)
		_, v, err := s.KeyRing(ctx, "i1")
		must(t, err)
		return append(l.Stamps(), issuer.Stamp{Kind: issuer.StampKeyRing, ID: "i1", Version: v})
	}
	seed, err := s.Allocate(ctx, allocation("seed", "iss", "L", 64, emptyList(t)))
	must(t, err)
	next := 0
	write := func(award string, unchanged []issuer.Stamp) error {
		next++
		if next == seed.Index {
			next++
		}
		c := storedCredential(award, "https://badges.example.org/credentials/"+award, issuance.Slot{ListID: "L", Index: next})
		c.Unchanged, c.Effects = unchanged, effectsOf("issued", t0, award)
		return s.CreateCredential(ctx, c)
	}
	stale := func(award string, unchanged []issuer.Stamp) {
		t.Helper()
		err := write(award, unchanged)
		wantKind(t, err, badged.Conflict)
		if !errors.Is(err, issuer.ErrStale) {
			t.Errorf("refusal of %s: %v, want issuer.ErrStale", award, err)
		}
		wantKind(t, errOf(s.CredentialByAward(ctx, award)), badged.NotFound)
	}

	read := stamps()
	must(t, write("a1", read))
	bc, err := s.BadgeClass(ctx, "b1")
	must(t, err)
	bc.Description = issuer.Text{EN: "Statistics, revised"}
	must(t, s.UpdateBadgeClass(ctx, bc))
	stale("a2", read)
	read = stamps()
	must(t, write("a3", read))
	_, err = s.PutKeyRing(ctx, "i1", &keys.Ring{}, ring)
	must(t, err)
	stale("a4", read)
	stale("a5", append(stamps(), issuer.Stamp{Kind: issuer.StampBadgeClass, ID: "gone", Version: 1}))
	must(t, write("a6", stamps()))
	wantStored(t, s, "after the writes", []string{"issued-entry-a1", "issued-entry-a3", "issued-entry-a6"},
		[]string{"issued-mail-a1", "issued-mail-a3", "issued-mail-a6"})
}

// errOf returns the error of a call's two results.
func errOf[T any](_ T, err error) error { return err }
