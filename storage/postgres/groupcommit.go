package postgres

import (
	"context"
	"errors"
	"sync"
)

// groupCommit writes concurrent calls of one kind together, as one
// statement per table in one transaction: under load the server plans,
// runs and flushes once for several calls instead of once for each. A
// call that finds fewer than maxGroupWriters writes running writes at
// once; calls that arrive meanwhile wait, and when a write ends, the
// first of them writes them all. The zero value is ready.
type groupCommit[T any] struct {
	mu      sync.Mutex
	queue   []*pending[T] // waiting for a write to end
	writing int           // groups being written
}

// maxGroupWriters is how many groups are written at once: while one
// waits for its commit to reach the disk, the next is planned and run.
const maxGroupWriters = 2

type pending[T any] struct {
	item T
	done chan groupResult[T] // the group's result, or the group to write
}

type groupResult[T any] struct {
	err   error
	group []*pending[T] // when set: write these, the first of which is the receiver
}

// errGroupFailed is a member's result when its group's write failed.
var errGroupFailed = errors.New("the group's write failed")

// do writes item: alone with one, or together with others with many.
// When many fails, nothing of the group is written (one transaction),
// and each member writes itself again with one, so that each gets its
// own error, or succeeds when another member was the trouble.
func (g *groupCommit[T]) do(ctx context.Context, item T, one func(context.Context, T) error, many func(context.Context, []T) error) error {
	p := &pending[T]{item: item, done: make(chan groupResult[T], 1)}
	var group []*pending[T]
	g.mu.Lock()
	if g.writing >= maxGroupWriters {
		g.queue = append(g.queue, p)
		g.mu.Unlock()
		r := <-p.done
		switch {
		case r.group != nil:
			group = r.group
		case errors.Is(r.err, errGroupFailed):
			return one(ctx, item)
		default:
			return r.err
		}
	} else {
		// Fewer writes than the bound run: none waits (a write that ends
		// hands the waiting ones over).
		g.writing++
		g.mu.Unlock()
		group = []*pending[T]{p}
	}

	var err error
	if len(group) == 1 {
		err = one(ctx, item)
	} else {
		items := make([]T, len(group))
		for i, m := range group {
			items[i] = m.item
		}
		err = many(ctx, items)
	}
	// Those that waited meanwhile are the next group, written by the first.
	g.mu.Lock()
	if next := g.queue; len(next) > 0 {
		g.queue = nil
		g.mu.Unlock()
		next[0].done <- groupResult[T]{group: next}
	} else {
		g.writing--
		g.mu.Unlock()
	}
	if len(group) == 1 {
		return err
	}
	result := groupResult[T]{}
	if err != nil {
		result.err = errGroupFailed
	}
	for _, m := range group {
		if m != p {
			m.done <- result
		}
	}
	if err != nil {
		return one(ctx, item)
	}
	return nil
}
