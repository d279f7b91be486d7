package postgres

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"sync"
	"testing"
)

// TestGroupCommit writes two calls alone (maxGroupWriters), holds them,
// and checks that the calls arriving meanwhile are written as one group
// when a write ends; then that a failed group writes each member alone.
func TestGroupCommit(t *testing.T) {
	for _, fail := range []bool{false, true} {
		var (
			g       groupCommit[int]
			mu      sync.Mutex
			alone   []int
			groups  [][]int
			release = make(chan struct{})
			started = make(chan int, maxGroupWriters)
		)
		one := func(_ context.Context, i int) error {
			mu.Lock()
			alone = append(alone, i)
			mu.Unlock()
			if i < maxGroupWriters {
				started <- i
				<-release
			}
			return nil
		}
		many := func(_ context.Context, is []int) error {
			mu.Lock()
			groups = append(groups, slices.Clone(is))
			mu.Unlock()
			if fail {
				return errors.New("refused")
			}
			return nil
		}
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range maxGroupWriters {
			wg.Go(func() { errs[i] = g.do(context.Background(), i, one, many) })
			<-started
		}
		for i := maxGroupWriters; i < n; i++ {
			wg.Go(func() { errs[i] = g.do(context.Background(), i, one, many) })
		}
		for queued := 0; queued < n-maxGroupWriters; runtime.Gosched() {
			g.mu.Lock()
			queued = len(g.queue)
			g.mu.Unlock()
		}
		close(release)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("call %d: %v", i, err)
			}
		}
		if len(groups) != 1 || len(groups[0]) != n-maxGroupWriters {
			t.Fatalf("groups written: %v; want the %d calls that waited as one", groups, n-maxGroupWriters)
		}
		want := []int{0, 1}
		if fail {
			want = append(want, groups[0]...) // each member again, alone
		}
		slices.Sort(alone)
		slices.Sort(want)
		if !slices.Equal(alone, want) {
			t.Errorf("failing group %v: written alone %v, want %v", fail, alone, want)
		}
		if g.writing != 0 || len(g.queue) != 0 {
			t.Errorf("after the writes: %d writing, %d queued", g.writing, len(g.queue))
		}
	}
}
