package verifier

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/pquerna/cachecontrol/cacheobject"

	"github.com/badged/badged/cache"
	"github.com/badged/badged/egress"
)

var _ AgedFetcher = (*CachingFetcher)(nil)

// CachingFetcher is a [Fetcher] that fetches status lists with a client
// that applies the operator's egress policy, as [HTTPFetcher] does, and
// keeps them as HTTP caching allows: for the response's Cache-Control
// max-age (capped at MaxTTL), for DefaultTTL when the response says
// nothing, and not at all for no-store or no-cache. The cache is bounded,
// least recently used evicted first, so a stateless verifier node can
// answer many verifications of one issuer's credentials with one fetch of
// its list. Errors are not cached. It is an [AgedFetcher]: the verifier
// reports how old a cached list is. It is safe for concurrent use.
type CachingFetcher struct {
	client     *http.Client
	maxBytes   int64
	defaultTTL time.Duration
	maxTTL     time.Duration
	maxEntries int
	now        func() time.Time

	lists *cache.LRU[string, []byte]
}

// Defaults of a CachingFetcher.
const (
	DefaultStatusTTL     = time.Minute
	DefaultStatusMaxTTL  = time.Hour
	DefaultStatusEntries = 1000
)

// CacheOption sets an optional parameter of a CachingFetcher.
type CacheOption func(*CachingFetcher)

// WithCacheClock sets the clock of cache expiry (default time.Now).
func WithCacheClock(now func() time.Time) CacheOption {
	return func(f *CachingFetcher) { f.now = now }
}

// WithCacheEntries bounds the number of cached lists (default 1000); zero or
// less disables caching.
func WithCacheEntries(n int) CacheOption { return func(f *CachingFetcher) { f.maxEntries = n } }

// WithCacheTTL sets how long a list is kept when its response has no
// max-age (default one minute), and the cap on a max-age (default one
// hour).
func WithCacheTTL(def, max time.Duration) CacheOption {
	return func(f *CachingFetcher) { f.defaultTTL, f.maxTTL = def, max }
}

// WithFetchLimit bounds a fetched list's size (default: egress's).
func WithFetchLimit(n int64) CacheOption { return func(f *CachingFetcher) { f.maxBytes = n } }

// NewCachingFetcher returns a CachingFetcher that fetches with client,
// which should come from egress.NewClient.
func NewCachingFetcher(client *http.Client, opts ...CacheOption) *CachingFetcher {
	f := &CachingFetcher{
		client:     client,
		defaultTTL: DefaultStatusTTL,
		maxTTL:     DefaultStatusMaxTTL,
		maxEntries: DefaultStatusEntries,
		now:        time.Now,
	}
	for _, o := range opts {
		o(f)
	}
	f.lists = cache.New[string, []byte](f.maxEntries).Named("status_lists")
	return f
}

// Fetch returns the document at url, from the cache while it is fresh.
// Errors are those of [HTTPFetcher.Fetch]. The returned bytes are the
// caller's.
func (f *CachingFetcher) Fetch(ctx context.Context, url string) ([]byte, error) {
	body, _, err := f.FetchAged(ctx, url)
	return body, err
}

// FetchAged is [CachingFetcher.Fetch] that also says when the document was
// fetched from url: now when it was not cached, earlier when it came from
// the cache.
func (f *CachingFetcher) FetchAged(ctx context.Context, url string) ([]byte, time.Time, error) {
	if b, fetched, ok := f.cached(url); ok {
		return b, fetched, nil
	}
	body, header, err := egress.Fetch(ctx, f.client, url, f.maxBytes, statusAccept)
	if err != nil {
		return nil, time.Time{}, egress.Unreachable(err)
	}
	now := f.now()
	if ttl := f.ttlOf(header); ttl > 0 {
		f.store(url, body, now, now.Add(ttl))
	}
	return body, now, nil
}

func (f *CachingFetcher) ttlOf(header http.Header) time.Duration {
	cc, err := cacheobject.ParseResponseCacheControl(strings.Join(header.Values("Cache-Control"), ", "))
	switch {
	case err != nil:
		return f.defaultTTL
	case cc.NoStore || cc.NoCachePresent:
		return 0
	case cc.MaxAge >= 0:
		return min(time.Duration(cc.MaxAge)*time.Second, f.maxTTL)
	}
	return f.defaultTTL
}

func (f *CachingFetcher) cached(url string) ([]byte, time.Time, bool) {
	e, ok := f.lists.Get(url, f.now(), time.Time{})
	if !ok {
		return nil, time.Time{}, false
	}
	return append([]byte(nil), e.Value...), e.Stored, true
}

func (f *CachingFetcher) store(url string, body []byte, at, expires time.Time) {
	f.lists.Put(url, append([]byte(nil), body...), at, expires)
}
