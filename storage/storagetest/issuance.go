package storagetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/issuance"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/keys"
	"github.com/badged/badged/statuslist"
)

// RunIssuance runs the conformance suite of [issuance.Store]. newStore
// returns a new, empty store for one subtest; it registers its own
// cleanup.
func RunIssuance(t *testing.T, newStore func(t *testing.T) issuance.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s issuance.Store)
	}{
		{"KeyRing", testKeyRing},
		{"Allocate", testAllocate},
		{"AllocateRandom", testAllocateRandom},
		{"AllocateConcurrently", testAllocateConcurrently},
		{"AllocateNewListsConcurrently", testAllocateNewListsConcurrently},
		{"ListCredential", testListCredential},
		{"Credential", testCredential},
		{"CredentialReservesSlot", testCredentialReservesSlot},
		{"CredentialReservesConcurrently", testCredentialReservesConcurrently},
		{"Revoke", testRevoke},
		{"SetStatus", testSetStatus},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, newStore(t))
		})
	}
}

func testKeyRing(t *testing.T, s issuance.Store) {
	ctx := context.Background()
	_, _, err := s.KeyRing(ctx, "inst")
	wantKind(t, err, badged.NotFound)

	sealer, err := keys.NewSealer(bytes.Repeat([]byte{7}, keys.MasterKeySize))
	if err != nil {
		t.Fatal(err)
	}
	var ring keys.Ring
	if err := ring.Rotate(rand.Reader, sealer, t0); err != nil {
		t.Fatal(err)
	}
	v, err := s.PutKeyRing(ctx, "inst", &ring, 0)
	if err != nil || v != 1 {
		t.Fatalf("create: version %d, %v", v, err)
	}
	_, err = s.PutKeyRing(ctx, "inst", &ring, 0)
	wantKind(t, err, badged.Conflict)

	got, v, err := s.KeyRing(ctx, "inst")
	if err != nil || v != 1 || got.Current == nil || got.Current.ID != ring.Current.ID || !bytes.Equal(got.Current.Sealed, ring.Current.Sealed) {
		t.Fatalf("KeyRing = %+v, %d, %v", got, v, err)
	}
	if _, _, err := got.Signer(sealer); err != nil {
		t.Fatalf("stored ring does not unseal: %v", err)
	}
	first := ring.Current.ID
	if err := ring.Rotate(rand.Reader, sealer, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if v, err = s.PutKeyRing(ctx, "inst", &ring, 1); err != nil || v != 2 {
		t.Fatalf("rotate: version %d, %v", v, err)
	}
	_, err = s.PutKeyRing(ctx, "inst", &ring, 1)
	wantKind(t, err, badged.Conflict)
	got, v, err = s.KeyRing(ctx, "inst")
	if err != nil || v != 2 || got.Current.ID != ring.Current.ID || len(got.Retired) != 1 || got.Retired[0].ID != first {
		t.Fatalf("after rotation: %+v, %d, %v", got, v, err)
	}
	if _, _, err := s.KeyRing(ctx, "other"); badged.KindOf(err) != badged.NotFound {
		t.Errorf("other institution: %v", err)
	}
}

func emptyList(t testing.TB) string {
	enc, err := statuslist.New(statuslist.MinSize).Encode()
	if err != nil {
		t.Fatal(err)
	}
	return enc
}

func allocation(award, iss, list string, size int, empty string) *issuance.Allocation {
	return &issuance.Allocation{
		AwardID: award, IssuerID: iss, Purpose: statuslist.PurposeRevocation, NewListID: list,
		Size: size, EmptyList: empty, Random: rand.Reader, Now: t0,
	}
}

func testAllocate(t *testing.T, s issuance.Store) {
	ctx := context.Background()
	empty := emptyList(t)
	const size = 8
	seen := map[int]string{}
	for i := range size {
		slot, err := s.Allocate(ctx, allocation(fmt.Sprint("a", i), "iss", fmt.Sprint("list-", i), size, empty))
		if err != nil {
			t.Fatal(err)
		}
		if slot.ListID != "list-0" || slot.NewList != (i == 0) || slot.Index < 0 || slot.Index >= size {
			t.Fatalf("allocation %d = %+v", i, slot)
		}
		if prev, dup := seen[slot.Index]; dup {
			t.Fatalf("index %d given to %s and a%d", slot.Index, prev, i)
		}
		seen[slot.Index] = fmt.Sprint("a", i)
	}
	// The same award gets its index back, without a new allocation.
	again, err := s.Allocate(ctx, allocation("a3", "iss", "unused", size, empty))
	if err != nil || again.ListID != "list-0" || seen[again.Index] != "a3" || again.NewList {
		t.Fatalf("repeat allocation = %+v, %v (want index of a3)", again, err)
	}
	l, err := s.StatusList(ctx, "list-0")
	if err != nil {
		t.Fatal(err)
	}
	if l.Allocated != size || l.Size != size || l.Seq != 1 || l.IssuerID != "iss" || l.Purpose != statuslist.PurposeRevocation ||
		l.Version != 1 || l.Encoded != empty || l.Credential != nil || !l.Created.Equal(t0) {
		t.Errorf("full list = %+v", l)
	}
	// A full list is followed by a new one.
	slot, err := s.Allocate(ctx, allocation("a8", "iss", "list-next", size, empty))
	if err != nil || slot.ListID != "list-next" || !slot.NewList {
		t.Fatalf("after a full list: %+v, %v", slot, err)
	}
	if l, err := s.StatusList(ctx, "list-next"); err != nil || l.Seq != 2 || l.Allocated != 1 {
		t.Fatalf("second list = %+v, %v", l, err)
	}
	// Another issuer may not take an existing list's id.
	_, err = s.Allocate(ctx, allocation("b0", "other", "list-0", size, empty))
	wantKind(t, err, badged.Conflict)
	_, err = s.StatusList(ctx, "nope")
	wantKind(t, err, badged.NotFound)
}

// testAllocateRandom checks that indexes are drawn from the whole list,
// not handed out in order.
func testAllocateRandom(t *testing.T, s issuance.Store) {
	ctx := context.Background()
	empty := emptyList(t)
	high := 0
	for i := range 50 {
		slot, err := s.Allocate(ctx, allocation(fmt.Sprint("r", i), "iss", "L", statuslist.MinSize, empty))
		if err != nil {
			t.Fatal(err)
		}
		if slot.Index >= statuslist.MinSize/2 {
			high++
		}
	}
	if high < 5 || high > 45 {
		t.Errorf("%d of 50 indexes in the upper half of the list: not random", high)
	}
}

// testAllocateConcurrently has 8 goroutines (8 nodes) allocate 500
// indexes each in one list: 4,000 distinct indexes.
func testAllocateConcurrently(t *testing.T, s issuance.Store) {
	ctx := context.Background()
	empty := emptyList(t)
	const workers, each = 8, 500
	var (
		mu   sync.Mutex
		seen = map[issuance.Slot]string{}
		wg   sync.WaitGroup
	)
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				award := fmt.Sprintf("w%d-%d", w, i)
				slot, err := s.Allocate(ctx, allocation(award, "iss", fmt.Sprintf("list-%d-%d", w, i), statuslist.MinSize, empty))
				if err != nil {
					errs <- err
					return
				}
				slot.NewList = false
				mu.Lock()
				if prev, dup := seen[slot]; dup {
					mu.Unlock()
					errs <- fmt.Errorf("%+v given to %s and %s", slot, prev, award)
					return
				}
				seen[slot] = award
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(seen) != workers*each {
		t.Fatalf("%d distinct indexes, want %d", len(seen), workers*each)
	}
	lists := map[string]bool{}
	for slot := range seen {
		lists[slot.ListID] = true
	}
	if len(lists) != 1 {
		t.Fatalf("allocations spread over %d lists, want 1", len(lists))
	}
	for id := range lists {
		l, err := s.StatusList(ctx, id)
		if err != nil || l.Allocated != workers*each {
			t.Fatalf("list = %+v, %v; want %d allocated", l, err, workers*each)
		}
	}
}

// testAllocateNewListsConcurrently fills small lists from several
// goroutines at once: each list is created once, and never overfilled.
func testAllocateNewListsConcurrently(t *testing.T, s issuance.Store) {
	ctx := context.Background()
	empty := emptyList(t)
	const workers, each, size = 4, 15, 4
	var (
		mu   sync.Mutex
		seen = map[issuance.Slot]bool{}
		wg   sync.WaitGroup
	)
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				slot, err := s.Allocate(ctx, allocation(fmt.Sprintf("w%d-%d", w, i), "iss", fmt.Sprintf("list-%d-%d", w, i), size, empty))
				if err != nil {
					errs <- err
					return
				}
				slot.NewList = false
				mu.Lock()
				if seen[slot] {
					errs <- fmt.Errorf("%+v allocated twice", slot)
				}
				seen[slot] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	perList := map[string]int{}
	for slot := range seen {
		perList[slot.ListID]++
	}
	if len(perList) != workers*each/size {
		t.Errorf("%d lists, want %d: %v", len(perList), workers*each/size, perList)
	}
	seqs := map[int]bool{}
	for id, n := range perList {
		l, err := s.StatusList(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if n != size || l.Allocated != size || seqs[l.Seq] {
			t.Errorf("list %s: %d allocations, count %d, seq %d (seen: %v)", id, n, l.Allocated, l.Seq, seqs[l.Seq])
		}
		seqs[l.Seq] = true
	}
}

func testListCredential(t *testing.T, s issuance.Store) {
	ctx := context.Background()
	slot, err := s.Allocate(ctx, allocation("a", "iss", "L", 16, emptyList(t)))
	if err != nil {
		t.Fatal(err)
	}
	signed := t0.Add(time.Minute)
	if err := s.PutListCredential(ctx, slot.ListID, 1, []byte(`{"v":1}`), signed); err != nil {
		t.Fatal(err)
	}
	// The same version again, or an older one, changes nothing.
	if err := s.PutListCredential(ctx, slot.ListID, 1, []byte(`{"v":"again"}`), signed.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.PutListCredential(ctx, slot.ListID, 0, []byte(`{"v":0}`), signed.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	l, err := s.StatusList(ctx, slot.ListID)
	if err != nil || string(l.Credential) != `{"v":1}` || l.CredentialVersion != 1 || !l.Signed.Equal(signed) {
		t.Fatalf("list = %+v, %v", l, err)
	}
	if err := s.PutListCredential(ctx, slot.ListID, 2, []byte(`{"v":2}`), signed.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if l, err = s.StatusList(ctx, slot.ListID); err != nil || string(l.Credential) != `{"v":2}` || l.CredentialVersion != 2 {
		t.Fatalf("list = %+v, %v", l, err)
	}
	wantKind(t, s.PutListCredential(ctx, "nope", 1, []byte(`{}`), signed), badged.NotFound)
}

func storedCredential(award, id string, slot issuance.Slot) *issuance.Credential {
	return &issuance.Credential{
		IssuedCredential: issuer.IssuedCredential{
			ID: id, AwardID: award, JSON: []byte(`{"id":"` + id + `"}`), JWT: []byte("eyJhbGciOiJFZERTQSJ9.e30.c2ln"),
			ValidUntil: t0.AddDate(1, 0, 0).Truncate(time.Second),
			StatusList: "https://badges.example.org/status/" + slot.ListID, StatusIdx: slot.Index, IssuedAt: t0.Truncate(time.Second),
		},
		IssuerID: "iss",
		ListID:   slot.ListID,
	}
}

func sameCredential(t *testing.T, got, want *issuance.Credential) {
	t.Helper()
	if got.ID != want.ID || got.AwardID != want.AwardID || !bytes.Equal(got.JSON, want.JSON) || !bytes.Equal(got.JWT, want.JWT) ||
		!got.ValidUntil.Equal(want.ValidUntil) || got.StatusList != want.StatusList || got.StatusIdx != want.StatusIdx ||
		!got.IssuedAt.Equal(want.IssuedAt) || got.IssuerID != want.IssuerID || got.ListID != want.ListID ||
		!got.Revoked.Equal(want.Revoked) || got.RevocationReason != want.RevocationReason {
		t.Fatalf("credential = %+v,\nwant %+v", got, want)
	}
}

func testCredential(t *testing.T, s issuance.Store) {
	ctx := context.Background()
	slot, err := s.Allocate(ctx, allocation("a1", "iss", "L", 16, emptyList(t)))
	if err != nil {
		t.Fatal(err)
	}
	c := storedCredential("a1", "https://badges.example.org/credentials/1", slot)
	if err := s.CreateCredential(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, err := s.CredentialByAward(ctx, "a1")
	if err != nil {
		t.Fatal(err)
	}
	sameCredential(t, got, c)
	if got, err = s.Credential(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	sameCredential(t, got, c)
	got.JSON[0] = 'X' // no memory shared with the store
	if again, _ := s.Credential(ctx, c.ID); again.JSON[0] != '{' {
		t.Error("the store shares the credential's bytes")
	}

	dupAward := storedCredential("a1", "https://badges.example.org/credentials/2", slot)
	wantKind(t, s.CreateCredential(ctx, dupAward), badged.Conflict)
	slot2, err := s.Allocate(ctx, allocation("a2", "iss", "L2", 16, emptyList(t)))
	if err != nil {
		t.Fatal(err)
	}
	dupID := storedCredential("a2", c.ID, slot2)
	wantKind(t, s.CreateCredential(ctx, dupID), badged.Conflict)
	noExpiry := storedCredential("a2", "https://badges.example.org/credentials/3", slot2)
	noExpiry.ValidUntil, noExpiry.JWT = time.Time{}, nil // and no VC-JWT, as issued before badged signed both
	if err := s.CreateCredential(ctx, noExpiry); err != nil {
		t.Fatal(err)
	}
	if got, err := s.CredentialByAward(ctx, "a2"); err != nil || !got.ValidUntil.IsZero() || got.JWT != nil {
		t.Fatalf("no expiry, no JWT: %+v, %v", got, err)
	}
	_, err = s.CredentialByAward(ctx, "nope")
	wantKind(t, err, badged.NotFound)
	_, err = s.Credential(ctx, "nope")
	wantKind(t, err, badged.NotFound)

	// Every credential, a page at a time, in the order of award IDs.
	var pages [][]string
	for after := ""; ; {
		page, err := s.Credentials(ctx, after, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		pages = append(pages, []string{page[0].AwardID})
		after = page[0].AwardID
	}
	if len(pages) != 2 || pages[0][0] != "a1" || pages[1][0] != "a2" {
		t.Errorf("Credentials pages = %v, want [a1] [a2]", pages)
	}
	if all, err := s.Credentials(ctx, "", 10); err != nil || len(all) != 2 {
		t.Errorf("Credentials(\"\", 10) = %d, %v", len(all), err)
	} else {
		sameCredential(t, all[0], c)
	}
}

// testCredentialReservesSlot checks FreeSlot and the reservation
// CreateCredential makes of an index that Allocate did not.
func testCredentialReservesSlot(t *testing.T, s issuance.Store) {
	ctx := context.Background()
	const size = 4
	empty := emptyList(t)
	_, err := s.FreeSlot(ctx, allocation("a0", "iss", "", size, empty))
	wantKind(t, err, badged.NotFound) // no list yet: Allocate creates it
	first, err := s.Allocate(ctx, allocation("a0", "iss", "L", size, empty))
	if err != nil {
		t.Fatal(err)
	}
	// An award holding an index is proposed that index.
	held, err := s.FreeSlot(ctx, allocation("a0", "iss", "", size, empty))
	if err != nil || !held.Held || held.ListID != "L" || held.Index != first.Index {
		t.Fatalf("FreeSlot of a holder = %+v, %v; want %+v held", held, err, first)
	}
	// Others are proposed free indexes, which CreateCredential reserves.
	taken := map[int]string{first.Index: "a0"}
	for i := 1; i < size; i++ {
		award := fmt.Sprint("a", i)
		slot, err := s.FreeSlot(ctx, allocation(award, "iss", "", size, empty))
		if err != nil || slot.Held || slot.ListID != "L" || taken[slot.Index] != "" {
			t.Fatalf("FreeSlot %d = %+v, %v (taken: %v)", i, slot, err, taken)
		}
		if again, err := s.FreeSlot(ctx, allocation(award, "iss", "", size, empty)); err != nil || again.Held {
			t.Fatalf("FreeSlot reserved: %+v, %v", again, err)
		}
		if i == 1 {
			// Another award's index, and an award's second index, conflict.
			other := storedCredential(award, "https://badges.example.org/credentials/x", issuance.Slot{ListID: "L", Index: first.Index})
			wantKind(t, s.CreateCredential(ctx, other), badged.Conflict)
			other = storedCredential("a0", "https://badges.example.org/credentials/y", slot)
			wantKind(t, s.CreateCredential(ctx, other), badged.Conflict)
			other = storedCredential(award, "https://badges.example.org/credentials/z", issuance.Slot{ListID: "nope"})
			wantKind(t, s.CreateCredential(ctx, other), badged.NotFound)
		}
		if err := s.CreateCredential(ctx, storedCredential(award, fmt.Sprint("https://badges.example.org/credentials/", i), slot)); err != nil {
			t.Fatal(err)
		}
		taken[slot.Index] = award
		// Allocate sees the reservation.
		if got, err := s.Allocate(ctx, allocation(award, "iss", "unused", size, empty)); err != nil || got.ListID != "L" || got.Index != slot.Index {
			t.Fatalf("Allocate after CreateCredential = %+v, %v; want %+v", got, err, slot)
		}
	}
	if err := s.CreateCredential(ctx, storedCredential("a0", "https://badges.example.org/credentials/0", first)); err != nil {
		t.Fatal(err) // a0 holds its index from Allocate
	}
	l, err := s.StatusList(ctx, "L")
	if err != nil || l.Allocated != size {
		t.Fatalf("list = %+v, %v; want %d allocated", l, err, size)
	}
	_, err = s.FreeSlot(ctx, allocation("a9", "iss", "", size, empty))
	wantKind(t, err, badged.NotFound) // full
	full := storedCredential("a9", "https://badges.example.org/credentials/9", issuance.Slot{ListID: "L", Index: 0})
	wantKind(t, s.CreateCredential(ctx, full), badged.Conflict)
}

// testCredentialReservesConcurrently stores credentials from several
// goroutines at indexes FreeSlot proposed: each index is reserved once,
// and a loser gets Conflict and succeeds with another proposal.
func testCredentialReservesConcurrently(t *testing.T, s issuance.Store) {
	ctx := context.Background()
	const size, workers, each = 64, 4, 12
	empty := emptyList(t)
	if _, err := s.Allocate(ctx, allocation("seed", "iss", "L", size, empty)); err != nil {
		t.Fatal(err)
	}
	var (
		mu   sync.Mutex
		seen = map[int]string{}
		wg   sync.WaitGroup
	)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				award := fmt.Sprintf("w%d-%d", w, i)
				for attempt := 0; ; attempt++ {
					slot, err := s.FreeSlot(ctx, allocation(award, "iss", "", size, empty))
					if err != nil {
						t.Error(err)
						return
					}
					err = s.CreateCredential(ctx, storedCredential(award, "https://badges.example.org/credentials/"+award, slot))
					if badged.KindOf(err) == badged.Conflict && attempt < 50 {
						continue
					}
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					if prev, dup := seen[slot.Index]; dup {
						t.Errorf("index %d reserved for %s and %s", slot.Index, prev, award)
					}
					seen[slot.Index] = award
					mu.Unlock()
					break
				}
			}
		})
	}
	wg.Wait()
	if l, err := s.StatusList(ctx, "L"); err != nil || l.Allocated != 1+workers*each {
		t.Fatalf("list = %+v, %v; want %d allocated", l, err, 1+workers*each)
	}
}

func testRevoke(t *testing.T, s issuance.Store) {
	ctx := context.Background()
	slot, err := s.Allocate(ctx, allocation("a1", "iss", "L", statuslist.MinSize, emptyList(t)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Allocate(ctx, allocation("a2", "iss", "L", statuslist.MinSize, emptyList(t))); err != nil {
		t.Fatal(err)
	}
	c := storedCredential("a1", "https://badges.example.org/credentials/1", slot)
	if err := s.CreateCredential(ctx, c); err != nil {
		t.Fatal(err)
	}
	at := t0.Add(48 * time.Hour)
	l, err := s.Revoke(ctx, "a1", "fraud", at)
	if err != nil {
		t.Fatal(err)
	}
	bits, err := statuslist.Decode(l.Encoded)
	if err != nil {
		t.Fatal(err)
	}
	if set, _ := bits.Get(slot.Index); !set || l.Version != 2 {
		t.Fatalf("after revocation: bit %d set %v, version %d", slot.Index, set, l.Version)
	}
	if stored, err := s.StatusList(ctx, slot.ListID); err != nil || stored.Version != 2 || stored.Encoded != l.Encoded || stored.Allocated != 2 {
		t.Fatalf("stored list = %+v, %v", stored, err)
	}
	got, err := s.CredentialByAward(ctx, "a1")
	if err != nil || !got.Revoked.Equal(at) || got.RevocationReason != "fraud" {
		t.Fatalf("revoked credential = %+v, %v", got, err)
	}
	// Again: nothing changes.
	l, err = s.Revoke(ctx, "a1", "again", at.Add(time.Hour))
	if err != nil || l.Version != 2 {
		t.Fatalf("second revocation: %+v, %v", l, err)
	}
	if got, _ := s.CredentialByAward(ctx, "a1"); got.RevocationReason != "fraud" || !got.Revoked.Equal(at) {
		t.Errorf("second revocation changed the record: %+v", got)
	}
	_, err = s.Revoke(ctx, "a2", "no credential", at) // allocated, never issued
	wantKind(t, err, badged.NotFound)
}

func testSetStatus(t *testing.T, s issuance.Store) {
	ctx := context.Background()
	_, err := s.SetStatus(ctx, "nope", 1, true)
	wantKind(t, err, badged.NotFound)
	slot, err := s.Allocate(ctx, allocation("a1", "iss", "L", statuslist.MinSize, emptyList(t)))
	if err != nil {
		t.Fatal(err)
	}
	bit := func(l *issuance.StatusList) bool {
		t.Helper()
		bits, err := statuslist.Decode(l.Encoded)
		if err != nil {
			t.Fatal(err)
		}
		set, _ := bits.Get(slot.Index)
		return set
	}
	for i, step := range []struct {
		set     bool
		version int64
	}{{true, 2}, {true, 2}, {false, 3}, {false, 3}, {true, 4}} {
		l, err := s.SetStatus(ctx, slot.ListID, slot.Index, step.set)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if bit(l) != step.set || l.Version != step.version {
			t.Fatalf("step %d: bit %v version %d, want %v %d", i, bit(l), l.Version, step.set, step.version)
		}
		stored, err := s.StatusList(ctx, slot.ListID)
		if err != nil || stored.Encoded != l.Encoded || stored.Version != l.Version || stored.Allocated != 1 {
			t.Fatalf("step %d: stored %+v, %v", i, stored, err)
		}
	}
	_, err = s.SetStatus(ctx, slot.ListID, statuslist.MinSize, true)
	wantKind(t, err, badged.Invalid)
}
