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
	"time"

	bolt "go.etcd.io/bbolt"
)

// batchDB opens a new database with one bucket for writes, closed at the
// test's end.
func batchDB(t *testing.T) (*DB, []byte) {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "badged.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	bucket := []byte("batch-test")
	if err := db.update(context.Background(), func(tx *bolt.Tx) error { _, err := tx.CreateBucket(bucket); return err }); err != nil {
		t.Fatal(err)
	}
	return db, bucket
}

// TestBatch queues writes while a commit is held open and checks that
// they share one transaction, that a failing write and a panicking one
// get their own error without losing the writes queued beside them, and
// that every other write is stored.
func TestBatch(t *testing.T) {
	db, bucket := batchDB(t)
	ctx := context.Background()
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
	err := db.view(ctx, func(tx *bolt.Tx) error {
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

// TestBatchWaits checks that, after a group of several writes, a smaller
// group waits for as many, and commits as soon as they are queued (not
// when its wait ends), and that a lone write after the load does not
// wait. groupDelay is made long, so that a wait that ran out would fail
// the test's deadline.
func TestBatchWaits(t *testing.T) {
	defer func(d time.Duration) { groupDelay = d }(groupDelay)
	groupDelay = time.Minute
	db, bucket := batchDB(t)
	ctx := context.Background()
	var (
		mu    sync.Mutex
		txIDs = map[string]int{}
		wg    sync.WaitGroup
	)
	// write queues a write of key, which, when hold is not nil, closes
	// entered and waits for hold inside its transaction (the first time).
	write := func(key string, entered, hold chan struct{}) {
		wg.Go(func() {
			err := db.batch(ctx, func(tx *bolt.Tx) error {
				if hold != nil {
					select {
					case <-entered:
					default:
						close(entered)
					}
					<-hold
				}
				mu.Lock()
				txIDs[key] = tx.ID()
				mu.Unlock()
				return tx.Bucket(bucket).Put([]byte(key), []byte("v"))
			})
			if err != nil {
				t.Errorf("write %s: %v", key, err)
			}
		})
	}
	queued := func(n int) {
		for {
			db.commits.mu.Lock()
			q := len(db.commits.queue)
			db.commits.mu.Unlock()
			if q >= n {
				return
			}
			runtime.Gosched()
		}
	}
	inA, releaseA, inB, releaseB := make(chan struct{}), make(chan struct{}), make(chan struct{}), make(chan struct{})
	write("a", inA, releaseA) // group A, held
	<-inA
	write("b1", inB, releaseB)
	queued(1)
	for _, k := range []string{"b2", "b3", "b4"} {
		write(k, nil, nil)
	}
	queued(4)
	close(releaseA) // group B: the four b, held by b1
	<-inB
	write("c1", nil, nil)
	queued(1)
	close(releaseB) // B commits; c1 waits for three more
	for deadline := time.Now().Add(20 * time.Second); ; runtime.Gosched() {
		db.commits.mu.Lock()
		waiting := db.commits.want
		db.commits.mu.Unlock()
		if waiting == 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after a group of four, a write of its own waits for %d", waiting)
		}
	}
	for _, k := range []string{"c2", "c3", "c4"} {
		write(k, nil, nil)
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("a full group waited for its timer")
	}
	for _, k := range []string{"b2", "b3", "b4"} {
		if txIDs[k] != txIDs["b1"] {
			t.Errorf("write %s in transaction %d, b1 in %d", k, txIDs[k], txIDs["b1"])
		}
	}
	for _, k := range []string{"c2", "c3", "c4"} {
		if txIDs[k] != txIDs["c1"] {
			t.Errorf("write %s in transaction %d, c1 in %d: the group did not wait for it", k, txIDs[k], txIDs["c1"])
		}
	}

	// Idle now: a lone write commits at once.
	lone := make(chan error, 1)
	go func() {
		lone <- db.batch(ctx, func(tx *bolt.Tx) error { return tx.Bucket(bucket).Put([]byte("lone"), []byte("v")) })
	}()
	select {
	case err := <-lone:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("a lone write after the load waited for a group")
	}
}

// TestBatchHandsOver checks that the goroutine that commits a group
// returns once its group is committed, and the writes queued meanwhile are
// committed by one of their own goroutines: write b, queued while a's
// commit is held, waits inside its transaction for a's batch call to have
// returned, which it could not do if a's goroutine committed b.
func TestBatchHandsOver(t *testing.T) {
	db, bucket := batchDB(t)
	ctx := context.Background()
	inA, releaseA, aReturned := make(chan struct{}), make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		err := db.batch(ctx, func(tx *bolt.Tx) error {
			select {
			case <-inA:
			default:
				close(inA)
			}
			<-releaseA
			return tx.Bucket(bucket).Put([]byte("a"), []byte("v"))
		})
		if err != nil {
			t.Errorf("write a: %v", err)
		}
		close(aReturned)
	})
	<-inA
	wg.Go(func() {
		err := db.batch(ctx, func(tx *bolt.Tx) error {
			select {
			case <-aReturned:
			case <-time.After(time.Minute): // a failure, not a timing: a's goroutine is committing b
				return errors.New("write a's goroutine committed write b")
			}
			return tx.Bucket(bucket).Put([]byte("b"), []byte("v"))
		})
		if err != nil {
			t.Errorf("write b: %v", err)
		}
	})
	for {
		db.commits.mu.Lock()
		q := len(db.commits.queue)
		db.commits.mu.Unlock()
		if q == 1 {
			break
		}
		runtime.Gosched()
	}
	close(releaseA)
	wg.Wait()
}
