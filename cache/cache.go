// Package cache is badged's one in-memory cache of fetched documents (DID
// documents, status lists): bounded, least recently used evicted first,
// each entry with its own expiry (from the response's Cache-Control).
package cache

import (
	"container/list"
	"sync"
	"sync/atomic"
	"time"
)

// Entry is a cached value with when it was stored and when it expires.
type Entry[V any] struct {
	Value   V
	Stored  time.Time
	Expires time.Time
}

// LRU is a bounded cache of entries by key. It is safe for concurrent use.
// The zero value is not usable; see [New].
type LRU[K comparable, V any] struct {
	max   int
	count *lookups // nil: not counted (see Named)

	mu    sync.Mutex
	byKey map[K]*list.Element // of *item
	order *list.List          // most recently used first
}

type item[K comparable, V any] struct {
	key K
	Entry[V]
}

// New returns an LRU of at most max entries; max zero or less caches
// nothing.
func New[K comparable, V any](max int) *LRU[K, V] {
	return &LRU[K, V]{max: max, byKey: map[K]*list.Element{}, order: list.New()}
}

// Get returns the entry of key while it is fresh at now (and was stored
// no earlier than notBefore, when that is set), marking it recently used.
// An expired or too old entry is dropped.
func (c *LRU[K, V]) Get(key K, now, notBefore time.Time) (e Entry[V], ok bool) {
	if c.count != nil {
		defer func() { c.count.add(ok) }()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return Entry[V]{}, false
	}
	it := el.Value.(*item[K, V])
	if !now.Before(it.Expires) || it.Stored.Before(notBefore) {
		c.order.Remove(el)
		delete(c.byKey, key)
		return Entry[V]{}, false
	}
	c.order.MoveToFront(el)
	return it.Entry, true
}

// Put stores value under key, stored at stored and fresh until expires,
// evicting the least recently used entries beyond the bound. An entry
// that is already expired is not stored.
func (c *LRU[K, V]) Put(key K, value V, stored, expires time.Time) {
	if c.max <= 0 || !stored.Before(expires) {
		return
	}
	it := &item[K, V]{key: key, Entry: Entry[V]{Value: value, Stored: stored, Expires: expires}}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		el.Value = it
		c.order.MoveToFront(el)
		return
	}
	c.byKey[key] = c.order.PushFront(it)
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.byKey, last.Value.(*item[K, V]).key)
	}
}

// Len returns the number of entries, fresh or not yet found expired.
func (c *LRU[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// Named counts c's lookups, hits and misses, under name (with those of
// every other cache of that name), for [Lookups]; it returns c.
func (c *LRU[K, V]) Named(name string) *LRU[K, V] {
	c.count = lookupsOf(name)
	return c
}

// lookups counts a name's hits and misses.
type lookups struct{ hits, misses atomic.Uint64 }

func (l *lookups) add(hit bool) {
	if hit {
		l.hits.Add(1)
	} else {
		l.misses.Add(1)
	}
}

var (
	namesMu sync.Mutex
	names   = map[string]*lookups{}
)

func lookupsOf(name string) *lookups {
	namesMu.Lock()
	defer namesMu.Unlock()
	l, ok := names[name]
	if !ok {
		l = &lookups{}
		names[name] = l
	}
	return l
}

// Counts are a named cache's lookups so far.
type Counts struct{ Hits, Misses uint64 }

// Lookups returns the lookups of every named cache of the process so far,
// by name: what the metrics report.
func Lookups() map[string]Counts {
	namesMu.Lock()
	defer namesMu.Unlock()
	out := make(map[string]Counts, len(names))
	for n, l := range names {
		out[n] = Counts{Hits: l.hits.Load(), Misses: l.misses.Load()}
	}
	return out
}

// Clear drops every entry.
func (c *LRU[K, V]) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.byKey)
	c.order.Init()
}
