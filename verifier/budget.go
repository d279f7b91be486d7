package verifier

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/did"
)

// Limits bound the work one verification may cause, so that the public
// verifier cannot be used to make badged fetch thousands of URLs, hang on
// slow servers or burn memory on one request. Every limit applies to one
// call of Verify, VerifyCredential, VerifyJWT or VerifyPresentation, with
// everything that call verifies (a presentation's credentials, a status
// list credential). Exceeding a limit is never an error of the call: the
// check concerned fails, or reports what could not be fetched, with a
// message that names the limit.
type Limits struct {
	// Proofs is the most proofs a credential may carry.
	Proofs int
	// Credentials is the most credentials a presentation may carry.
	Credentials int
	// StatusEntries is the most credentialStatus entries a credential may
	// have.
	StatusEntries int
	// DIDs is the most distinct DID documents (or key documents) looked up
	// through the KeyResolver; did:key and did:jwk, read from the DID
	// itself, do not count.
	DIDs int
	// URLs is the most distinct status list URLs fetched.
	URLs int
	// ListBytes is the most bytes of status lists read, all lists
	// together: each byte of a list costs several in decoding, JSON-LD
	// and the bitstring, so this bounds the memory of a verification.
	ListBytes int
	// Deadline bounds all the fetches of one verification together: when
	// it has passed, keys and lists not yet fetched are reported as not
	// fetched ("timed out").
	Deadline time.Duration
	// Parallel is how many fetches of one verification run at once.
	Parallel int
	// Nodes is the most JSON values (objects, arrays, strings, numbers) a
	// credential or presentation may hold. JSON-LD expansion and
	// canonicalization work, and their memory, grow with it.
	Nodes int
}

// DefaultLimits returns the limits a Verifier has unless [WithLimits] sets
// others: far above what an honest credential needs (badged issues one
// proof and one status entry), far below what makes the verifier a tool
// for someone else.
func DefaultLimits() Limits {
	return Limits{
		Proofs:        8,
		Credentials:   16,
		StatusEntries: 8,
		DIDs:          16,
		URLs:          16,
		ListBytes:     2 << 20,
		Deadline:      10 * time.Second,
		Parallel:      4,
		Nodes:         5000,
	}
}

// WithLimits sets the limits of each verification (default
// [DefaultLimits]). A zero or negative field keeps its default.
func WithLimits(l Limits) Option {
	return func(v *Verifier) {
		d := DefaultLimits()
		pick := func(n, def int) int {
			if n > 0 {
				return n
			}
			return def
		}
		v.limits = Limits{
			Proofs:        pick(l.Proofs, d.Proofs),
			Credentials:   pick(l.Credentials, d.Credentials),
			StatusEntries: pick(l.StatusEntries, d.StatusEntries),
			DIDs:          pick(l.DIDs, d.DIDs),
			URLs:          pick(l.URLs, d.URLs),
			ListBytes:     pick(l.ListBytes, d.ListBytes),
			Deadline:      d.Deadline,
			Parallel:      pick(l.Parallel, d.Parallel),
			Nodes:         pick(l.Nodes, d.Nodes),
		}
		if l.Deadline > 0 {
			v.limits.Deadline = l.Deadline
		}
	}
}

// ErrLimit is wrapped by the errors of fetches a [Limits] refused: more
// distinct DIDs or URLs, or more bytes of status lists, than allowed
// (the *badged.Error around it has Kind TooLarge), or the verification's
// deadline passed (Kind Unavailable). Such a check could not be done; it
// says nothing about the credential.
var ErrLimit = errors.New("verification limit reached")

// budget is what one verification may still fetch. Its KeyResolver and
// Fetcher wrap the verifier's: each distinct DID or URL is fetched once
// (later lookups share the first one's answer), at most Parallel at a
// time, until the deadline.
type budget struct {
	limits   Limits
	deadline time.Time
	slots    chan struct{}

	mu    sync.Mutex
	bytes int              // of status lists read
	keys  map[string]*call // by verification method URL
	docs  map[string]bool  // distinct DID documents asked for
	urls  map[string]*call // by status list URL
}

// call is one lookup, shared by everyone who asks for the same thing.
type call struct {
	done    chan struct{}
	key     *did.Key
	body    []byte
	fetched time.Time // see AgedFetcher
	err     error
}

// begin returns the verifier for one verification: v itself when a
// verification is already under way (a presentation's credentials, a
// status list), else a copy whose keys and status lists go through a new
// budget.
func (v *Verifier) begin() *Verifier {
	if v.budget != nil {
		return v
	}
	b := &budget{
		limits:   v.limits,
		deadline: time.Now().Add(v.limits.Deadline), // wall-clock, whatever clock judges validity
		slots:    make(chan struct{}, v.limits.Parallel),
		keys:     map[string]*call{},
		docs:     map[string]bool{},
		urls:     map[string]*call{},
	}
	c := *v
	c.budget = b
	if c.keys != nil {
		c.keys = budgetKeys{b, c.keys}
	}
	if c.status != nil {
		c.status = budgetFetcher{b, c.status}
	}
	return &c
}

// budgetKeys is a KeyResolver within a budget.
type budgetKeys struct {
	b     *budget
	inner KeyResolver
}

func (k budgetKeys) ResolveKey(ctx context.Context, vm string) (*did.Key, error) {
	doc, _, _ := strings.Cut(vm, "#")
	local := strings.HasPrefix(doc, "did:key:") || strings.HasPrefix(doc, "did:jwk:")
	c, first, err := k.b.claim(k.b.keys, vm, func() error {
		if !local && !k.b.docs[doc] && len(k.b.docs) >= k.b.limits.DIDs {
			return &badged.Error{Kind: badged.TooLarge, Err: ErrLimit, Message: fmt.Sprintf(
				"not looked up: a verification looks up the keys of at most %d DIDs, and this one names more", k.b.limits.DIDs)}
		}
		if !local {
			k.b.docs[doc] = true
		}
		return nil
	})
	if err != nil || !first {
		return k.b.wait(ctx, c, err)
	}
	if local {
		c.key, c.err = k.inner.ResolveKey(ctx, vm)
	} else {
		c.err = k.b.run(ctx, func(ctx context.Context) error {
			var err error
			c.key, err = k.inner.ResolveKey(ctx, vm)
			return err
		})
	}
	close(c.done)
	return c.key, c.err
}

// budgetFetcher is a Fetcher within a budget; an AgedFetcher when its
// inner one is.
type budgetFetcher struct {
	b     *budget
	inner Fetcher
}

func (f budgetFetcher) Fetch(ctx context.Context, url string) ([]byte, error) {
	body, _, err := f.FetchAged(ctx, url)
	return body, err
}

// FetchAged is Fetch, saying when the inner fetcher fetched what it
// returns (see [AgedFetcher]).
func (f budgetFetcher) FetchAged(ctx context.Context, url string) ([]byte, time.Time, error) {
	c, first, err := f.b.claim(f.b.urls, url, func() error {
		if len(f.b.urls) >= f.b.limits.URLs {
			return &badged.Error{Kind: badged.TooLarge, Err: ErrLimit, Message: fmt.Sprintf(
				"not fetched: a verification fetches at most %d status lists, and this one names more", f.b.limits.URLs)}
		}
		return nil
	})
	if err != nil || !first {
		if _, err := f.b.wait(ctx, c, err); err != nil {
			return nil, time.Time{}, err
		}
		return c.body, c.fetched, c.err
	}
	c.err = f.b.run(ctx, func(ctx context.Context) error {
		if !f.b.read(0) {
			return f.b.tooManyBytes()
		}
		var err error
		if c.body, c.fetched, err = FetchAged(ctx, f.inner, url); err == nil && !f.b.read(len(c.body)) {
			c.body, err = nil, f.b.tooManyBytes()
		}
		return err
	})
	close(c.done)
	return c.body, c.fetched, c.err
}

// read counts n more bytes of status lists, and reports whether they are
// within the limit (n = 0: whether any more may be read).
func (b *budget) read(n int) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bytes >= b.limits.ListBytes {
		return false
	}
	b.bytes += n
	return b.bytes <= b.limits.ListBytes
}

func (b *budget) tooManyBytes() error {
	return &badged.Error{Kind: badged.TooLarge, Err: ErrLimit, Message: fmt.Sprintf(
		"not read: a verification reads at most %d KiB of status lists, and this one's are larger", b.limits.ListBytes>>10)}
}

// claim finds the call for id in m, or, when admit allows, makes it: first
// reports that the caller made it and must complete it. With the lock held,
// admit decides whether a new id is within the limits.
func (b *budget) claim(m map[string]*call, id string, admit func() error) (c *call, first bool, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if c, ok := m[id]; ok {
		return c, false, nil
	}
	if err := admit(); err != nil {
		return nil, false, err
	}
	c = &call{done: make(chan struct{})}
	m[id] = c
	return c, true, nil
}

// wait returns the key of a call someone else is completing, or err when
// the call was refused.
func (b *budget) wait(ctx context.Context, c *call, err error) (*did.Key, error) {
	if err != nil {
		return nil, err
	}
	select {
	case <-c.done:
		return c.key, c.err
	case <-ctx.Done():
		return nil, badged.Wrap(badged.Unavailable, ctx.Err(), "not fetched: the verification was canceled")
	}
}

// run runs fetch in a slot, under the verification's deadline.
func (b *budget) run(ctx context.Context, fetch func(context.Context) error) error {
	ctx, cancel := context.WithDeadline(ctx, b.deadline)
	defer cancel()
	select {
	case b.slots <- struct{}{}:
		defer func() { <-b.slots }()
	case <-ctx.Done():
		return b.late(ctx)
	}
	if ctx.Err() != nil {
		return b.late(ctx)
	}
	err := fetch(ctx)
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return b.late(ctx)
	}
	return err
}

// late is the error of a fetch the deadline cut short or never started.
func (b *budget) late(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &badged.Error{Kind: badged.Unavailable, Err: ErrLimit, Message: fmt.Sprintf(
			"timed out: a verification may spend at most %v fetching keys and status lists", b.limits.Deadline)}
	}
	return badged.Wrap(badged.Unavailable, ctx.Err(), "not fetched: the verification was canceled")
}

// each runs f for the items 0..n-1 at once, each with a report of its own,
// and adds their findings to rep in item order, so the result does not
// depend on which finished first. The budget bounds the fetches they make
// together.
func each(n int, rep *report, f func(i int, rep *report)) {
	reps := make([]*report, n)
	var wg sync.WaitGroup
	for i := range reps {
		reps[i] = newReport()
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(i, reps[i])
		}()
	}
	wg.Wait()
	for _, r := range reps {
		for _, id := range order {
			if c, ok := r.checks[id]; ok {
				rep.add(c.ID, c.Verdict, c.Message)
			}
		}
	}
}

// countNodes counts the JSON values in v, stopping once past limit.
func countNodes(v any, limit int) int {
	n := 0
	var walk func(v any)
	walk = func(v any) {
		if n > limit {
			return
		}
		n++
		switch v := v.(type) {
		case map[string]any:
			for _, e := range v {
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(v)
	return n
}
