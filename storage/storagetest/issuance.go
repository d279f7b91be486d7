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
		{"Revoke", testRevoke},
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
			ID: id, AwardID: award, JSON: []byte(`{"id":"` + id + `"}`), ValidUntil: t0.AddDate(1, 0, 0).Truncate(time.Second),
			StatusList: "https://badges.example.org/status/" + slot.ListID, StatusIdx: slot.Index, IssuedAt: t0.Truncate(time.Second),
		},
		IssuerID: "iss",
		ListID:   slot.ListID,
	}
}

func sameCredential(t *testing.T, got, want *issuance.Credential) {
	t.Helper()
	if got.ID != want.ID || got.AwardID != want.AwardID || !bytes.Equal(got.JSON, want.JSON) ||
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
	noExpiry.ValidUntil = time.Time{}
	if err := s.CreateCredential(ctx, noExpiry); err != nil {
		t.Fatal(err)
	}
	if got, err := s.CredentialByAward(ctx, "a2"); err != nil || !got.ValidUntil.IsZero() {
		t.Fatalf("no expiry: %+v, %v", got, err)
	}
	_, err = s.CredentialByAward(ctx, "nope")
	wantKind(t, err, badged.NotFound)
	_, err = s.Credential(ctx, "nope")
	wantKind(t, err, badged.NotFound)
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
