package cache_test

import (
	"sync"
	"testing"
	"time"

	"github.com/badged/badged/cache"
)

var t0 = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// TestLRU: entries are fresh until they expire; too old for notBefore is a
// miss; the least recently used goes first past the bound; a bound of zero
// caches nothing; an expired entry is never stored; Clear drops all.
func TestLRU(t *testing.T) {
	c := cache.New[string, int](2)
	c.Put("a", 1, t0, t0.Add(time.Minute))
	c.Put("b", 2, t0, t0.Add(time.Hour))
	if e, ok := c.Get("a", t0.Add(59*time.Second), time.Time{}); !ok || e.Value != 1 || !e.Stored.Equal(t0) {
		t.Errorf("a before expiry: %v %v", e, ok)
	}
	if _, ok := c.Get("a", t0.Add(time.Minute), time.Time{}); ok {
		t.Error("a at its expiry is still fresh")
	}
	if _, ok := c.Get("b", t0, t0.Add(time.Second)); ok {
		t.Error("b, stored before notBefore, is fresh")
	}
	c.Put("b", 2, t0, t0.Add(time.Hour))
	c.Put("c", 3, t0, t0.Add(time.Hour))
	c.Get("b", t0, time.Time{}) // b used more recently than c
	c.Put("d", 4, t0, t0.Add(time.Hour))
	if _, ok := c.Get("c", t0, time.Time{}); ok {
		t.Error("c, the least recently used, was not evicted")
	}
	if _, ok := c.Get("b", t0, time.Time{}); !ok || c.Len() != 2 {
		t.Errorf("b evicted, or %d entries", c.Len())
	}
	c.Put("e", 5, t0, t0)
	if _, ok := c.Get("e", t0.Add(-time.Second), time.Time{}); ok {
		t.Error("an expired entry was stored")
	}
	c.Clear()
	if _, ok := c.Get("b", t0, time.Time{}); ok || c.Len() != 0 {
		t.Errorf("after Clear: %d entries", c.Len())
	}
	c.Put("f", 6, t0, t0.Add(time.Hour))
	if _, ok := c.Get("f", t0, time.Time{}); !ok {
		t.Error("an entry put after Clear is missing")
	}
	none := cache.New[string, int](0)
	none.Put("a", 1, t0, t0.Add(time.Hour))
	if _, ok := none.Get("a", t0, time.Time{}); ok {
		t.Error("a cache of size 0 keeps entries")
	}
}

// TestLRUConcurrent exercises the cache from several goroutines (run
// with -race).
func TestLRUConcurrent(t *testing.T) {
	c := cache.New[int, int](8)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				c.Put((g*i)%16, i, t0, t0.Add(time.Hour))
				c.Get(i%16, t0, time.Time{})
			}
		})
	}
	wg.Wait()
	if n := c.Len(); n > 8 {
		t.Errorf("%d entries, bound 8", n)
	}
}
