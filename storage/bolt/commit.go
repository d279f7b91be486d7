package bolt

import (
	"context"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// committer commits the writes of concurrent callers together: one bbolt
// write transaction, and so one fsync, for every write that queued while
// the previous transaction was committing (group commit). A write that
// finds no commit under way starts one at once, so a lone writer pays no
// extra latency. Under concurrent load (the last group had several
// writes) a group smaller than the last waits up to groupDelay for as
// many as it had, as PostgreSQL's commit_delay does: a commit costs
// mostly the pages it writes, and the writes of one group share their
// tree's upper pages, so fewer, larger groups write fewer pages.
type committer struct {
	mu      sync.Mutex
	queue   []*write
	running bool
	last    int           // writes in the group committed last
	want    int           // queued writes that end a wait, while one waits
	filled  chan struct{} // closed when the queue reaches want
}

// groupDelay is how long a group waits for more writes (a variable for
// the tests), and groupMax the most writes it waits for.
var groupDelay = time.Millisecond

const groupMax = 8

type write struct {
	fn   func(*bolt.Tx) error
	done chan error
	turn chan struct{} // this write's goroutine commits the queue next
}

// batch runs fn in a write transaction shared with the writes of other
// goroutines, and returns fn's error or the commit's. fn may run more
// than once (when a write after it in its group fails, the group is rolled
// back and run again without that write), so it must have no effect
// outside tx, as with bbolt's Batch; a failing fn's error is the one it
// returns when it runs first in its transaction, as if alone.
func (db *DB) batch(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	w := &write{fn: fn, done: make(chan error, 1), turn: make(chan struct{}, 1)}
	c := &db.commits
	c.mu.Lock()
	c.queue = append(c.queue, w)
	if c.want > 0 && len(c.queue) >= c.want {
		close(c.filled)
		c.want = 0
	}
	lead := !c.running
	c.running = true
	c.mu.Unlock()
	if lead {
		db.commitQueued()
		return <-w.done
	}
	select {
	case err := <-w.done:
		return err
	case <-w.turn:
		db.commitQueued()
		return <-w.done
	}
}

// commitQueued commits the queued writes as one group, and hands the
// writes queued meanwhile to the goroutine of the first of them, which
// commits them next: the goroutine that committed returns to its own work
// at once, instead of committing others' writes as long as they come.
func (db *DB) commitQueued() {
	c := &db.commits
	for {
		c.mu.Lock()
		if want := min(c.last, groupMax); len(c.queue) > 0 && len(c.queue) < want {
			c.want, c.filled = want, make(chan struct{})
			filled := c.filled
			c.mu.Unlock()
			wait := time.NewTimer(groupDelay)
			select {
			case <-filled:
			case <-wait.C:
			}
			wait.Stop()
			c.mu.Lock()
			c.want = 0
		}
		q := c.queue
		c.queue = nil
		c.last = len(q)
		if len(q) == 0 {
			c.running = false
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		db.commitGroup(q)
		c.mu.Lock()
		if len(c.queue) > 0 {
			next := c.queue[0]
			c.mu.Unlock()
			next.turn <- struct{}{}
			return
		}
		c.mu.Unlock()
	}
}

// commitGroup commits q in one transaction. When the write at i fails,
// the transaction is rolled back, q[:i] is committed as a group, and q[i]
// runs again at the head of the rest, so it fails (or not) on the state
// that the writes before it left, as it would have in the order they
// were queued.
func (db *DB) commitGroup(q []*write) {
	for len(q) > 0 {
		failed := -1
		err := db.timed("commit", func() error {
			return db.bolt.Update(func(tx *bolt.Tx) error {
				for i, w := range q {
					if err := run(w.fn, tx); err != nil {
						failed = i
						return err
					}
				}
				return nil
			})
		})
		switch {
		case failed < 0: // committed, or the commit itself failed
			for _, w := range q {
				w.done <- err
			}
			return
		case failed == 0:
			q[0].done <- err
			q = q[1:]
		default:
			db.commitGroup(q[:failed])
			q = q[failed:]
		}
	}
}

// run runs fn in tx, turning a panic in fn into its error, so that one
// bad write fails alone rather than leave the others queued for ever.
func run(fn func(*bolt.Tx) error, tx *bolt.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("bolt: write panicked: %v", p)
		}
	}()
	return fn(tx)
}
