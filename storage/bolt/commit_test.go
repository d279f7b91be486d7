package bolt

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestBatch queues writes while a commit is held open and checks that
// they share one transaction, that a failing write and a panicking one
// get their own error without losing the writes queued beside them, and
// that every other write is stored.
func TestBatch(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "badged.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	bucket := []byte("batch-test")
	if err := db.update(ctx, func(tx *bolt.Tx) error { _, err := tx.CreateBucket(bucket); return err }); err != nil {
		t.Fatal(err)
	}
	errNo := errors.New("refused")
	const n = 40
	fail, panics := 7, 13

	held, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- db.batch(ctx, func(tx *bolt.Tx) error {
			select {
			case <-held:
			default:
				close(held)
			}
			<-release
			return tx.Bucket(bucket).Put([]byte("first"), []byte("x"))
		})
	}()
	<-held

	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		txIDs = map[int]int{} // write -> ID of the transaction that committed it (last run)
		errs  = make([]error, n)
	)
	for i := range n {
		wg.Go(func() {
			errs[i] = db.batch(ctx, func(tx *bolt.Tx) error {
				switch i {
				case fail:
					return errNo
				case panics:
					panic("boom")
				}
				mu.Lock()
				txIDs[i] = tx.ID()
				mu.Unlock()
				return tx.Bucket(bucket).Put(fmt.Appendf(nil, "k%d", i), []byte("v"))
			})
		})
	}
	for queued := 0; queued < n; {
		runtime.Gosched()
		db.commits.mu.Lock()
		queued = len(db.commits.queue)
		db.commits.mu.Unlock()
	}
	close(release)
	wg.Wait()
	if err := <-first; err != nil {
		t.Fatalf("held write: %v", err)
	}

	ids := map[int]bool{}
	for i, err := range errs {
		switch {
		case i == fail && !errors.Is(err, errNo):
			t.Errorf("write %d: error %v, want %v", i, err, errNo)
		case i == panics && (err == nil || !strings.Contains(err.Error(), "panicked")):
			t.Errorf("write %d: error %v, want its panic as an error", i, err)
		case i != fail && i != panics && err != nil:
			t.Errorf("write %d: %v", i, err)
		}
		if i != fail && i != panics {
			ids[txIDs[i]] = true
		}
	}
	// Queued together: the writes before the failing one, those between
	// it and the panicking one, and those after: three commits.
	if len(ids) > 3 {
		t.Errorf("%d queued writes took %d transactions, want at most 3", n-2, len(ids))
	}
	err = db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		for i := range n {
			stored := b.Get(fmt.Appendf(nil, "k%d", i)) != nil
			if want := i != fail && i != panics; stored != want {
				t.Errorf("write %d stored: %v, want %v", i, stored, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
