package postgres_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/badged/badged/issuance"
	"github.com/badged/badged/statuslist"
	"github.com/badged/badged/storage/storagetest"
)

func TestIssuanceStore(t *testing.T) {
	storagetest.RunIssuance(t, func(t *testing.T) issuance.Store { return open(t, freshSchema(t)) })
}

// TestAllocateTwoNodes allocates from two connection pools on one schema,
// as two badged nodes would: every index is distinct.
func TestAllocateTwoNodes(t *testing.T) {
	dsn := freshSchema(t)
	nodes := []issuance.Store{open(t, dsn), open(t, dsn)}
	empty, _ := statuslist.New(statuslist.MinSize).Encode()
	var (
		mu   sync.Mutex
		seen = map[issuance.Slot]bool{}
		wg   sync.WaitGroup
	)
	for w := range 6 {
		wg.Go(func() {
			for i := range 100 {
				slot, err := nodes[w%2].Allocate(context.Background(), &issuance.Allocation{
					AwardID: fmt.Sprintf("n%d-%d", w, i), IssuerID: "iss", Purpose: statuslist.PurposeRevocation,
					NewListID: fmt.Sprintf("l%d-%d", w, i), Size: statuslist.MinSize, EmptyList: empty,
					Random: rand.Reader, Now: time.Now(),
				})
				if err != nil {
					t.Error(err)
					return
				}
				slot.NewList = false
				mu.Lock()
				if seen[slot] {
					t.Errorf("%+v allocated twice", slot)
				}
				seen[slot] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != 600 {
		t.Errorf("%d distinct slots, want 600", len(seen))
	}
}
