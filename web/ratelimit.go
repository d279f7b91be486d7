package web

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/badged/badged/web/page"
	"github.com/badged/badged/web/render"
	"golang.org/x/time/rate"
)

// Throttle says how much one client, and everyone together, may ask of
// the endpoints anyone can call without an account: verifying (the verify
// page, the VC-API's verify endpoints, the public share and presentation
// pages, which verify what they show), POST /oauth/token and signing in.
// A zero field takes its value from [DefaultThrottle]; a negative one
// turns that limit off.
type Throttle struct {
	// Verifications is how many verifications run at once; beyond it the
	// verify endpoints answer 503 with Retry-After.
	Verifications int
	// Verify, Token and Login are requests per minute per client on the
	// verify endpoints and public pages, on POST /oauth/token and on
	// /login/..., with bursts of the same size. Beyond them the answer is
	// 429 with Retry-After.
	Verify, Token, Login int
	// TrustedProxies are the addresses of reverse proxies in front of
	// badged. Only a request whose connection comes from one of them has
	// its client taken from X-Forwarded-For (the rightmost address that is
	// not a trusted proxy); without them the client is the connection's
	// address, whatever the headers say.
	TrustedProxies []netip.Prefix
}

// DefaultThrottle returns the limits a Server has unless API.Throttle says
// otherwise: generous for people and scripts, tight for a flood.
func DefaultThrottle() Throttle {
	return Throttle{Verifications: 32, Verify: 60, Token: 30, Login: 30}
}

// withDefaults fills the zero fields of t from DefaultThrottle.
func (t Throttle) withDefaults() Throttle {
	d := DefaultThrottle()
	pick := func(n, def int) int {
		if n == 0 {
			return def
		}
		return n
	}
	t.Verifications = pick(t.Verifications, d.Verifications)
	t.Verify, t.Token, t.Login = pick(t.Verify, d.Verify), pick(t.Token, d.Token), pick(t.Login, d.Login)
	return t
}

// routeClass is what a throttled route is: which per-client limit applies,
// whether it verifies (and so takes a verification slot), whether it is a
// page (refusals are pages for browsers) .
type routeClass int

const (
	unthrottled     routeClass = iota
	classVerify                // verifies: rate limited and counted against Verifications
	classPage                  // a public page that verifies: rate limited, counted, a page
	classVerifyPage            // the verify page
	classToken
	classLogin
)

// classify says which limits apply to r. It is the one table of throttled
// routes.
func classify(r *http.Request) routeClass {
	p := r.URL.Path
	switch {
	case r.Method == http.MethodPost && (p == "/credentials/verify" || p == "/presentations/verify" ||
		strings.HasPrefix(p, "/openid4vp/response/")):
		// A wallet's OpenID4VP answer is a presentation to verify.
		return classVerify
	case p == "/verify", r.Method == http.MethodPost && (p == "/verify/ask" || p == "/verify/ask/"):
		// Asking for a badge stores a request: bounded per client as
		// the verify page is.
		return classVerifyPage
	case (r.Method == http.MethodGet || r.Method == http.MethodHead) && isPublicPage(p):
		return classPage
	case r.Method == http.MethodPost && (p == "/oauth/token" || p == "/openid4vci/token" || p == "/openid4vci/nonce" ||
		p == "/ims/ob/v3p0/token" || p == "/ims/ob/v3p0/register" || p == "/ims/ob/v3p0/revoke"):
		// OpenID4VCI's token and nonce endpoints answer anyone: their
		// guesses and the nonces they store are bounded per client; so
		// do the Open Badges API's registration, token and revocation.
		return classToken
	case p == "/lti/login":
		// A learning platform's login initiation stores a nonce.
		return classToken
	case strings.HasPrefix(p, "/login/"):
		return classLogin
	}
	return unthrottled
}

// isPublicPage reports whether p is a public share (/s/{id}) or
// presentation (/p/{id}) page, not one of their images or downloads.
func isPublicPage(p string) bool {
	for _, prefix := range []string{"/s/", "/p/"} {
		if rest, ok := strings.CutPrefix(p, prefix); ok && rest != "" && !strings.Contains(rest, "/") {
			return true
		}
	}
	return false
}

// verifies reports whether requests of class c run a verification.
func (c routeClass) verifies() bool {
	return c == classVerify || c == classPage || c == classVerifyPage
}

// html reports whether class c's routes are pages, whose refusals a
// browser gets as a page.
func (c routeClass) html() bool { return c == classPage || c == classVerifyPage || c == classLogin }

// limiters are the per-client token buckets of one limit.
type limiters struct {
	every time.Duration
	burst int
	max   int // clients remembered before idle ones are forgotten

	mu      sync.Mutex
	clients map[netip.Addr]*client
}

type client struct {
	lim  *rate.Limiter
	seen time.Time
}

// maxClients bounds how many clients each limit remembers, so that a flood
// from many addresses cannot grow memory without end.
const maxClients = 100000

func newLimiters(perMinute int) *limiters {
	if perMinute <= 0 {
		return nil
	}
	return &limiters{every: time.Minute / time.Duration(perMinute), burst: perMinute, max: maxClients,
		clients: map[netip.Addr]*client{}}
}

// wait takes a token for addr at now; when none is left it returns how
// long until one is, and takes nothing.
func (l *limiters) wait(addr netip.Addr, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.clients[addr]
	if !ok {
		if len(l.clients) >= l.max {
			l.forget(now)
		}
		c = &client{lim: rate.NewLimiter(rate.Every(l.every), l.burst)}
		l.clients[addr] = c
	}
	c.seen = now
	r := c.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}

// forget drops the clients whose bucket has filled up again (idle for the
// time a full bucket takes to refill), and if that is not enough, all of
// them: a flood from that many addresses must not make memory grow.
func (l *limiters) forget(now time.Time) {
	idle := l.every * time.Duration(l.burst)
	for a, c := range l.clients {
		if now.Sub(c.seen) >= idle {
			delete(l.clients, a)
		}
	}
	if len(l.clients) >= l.max {
		clear(l.clients)
	}
}

// throttle returns the middleware that applies t: the per-client rate
// limits, then the cap on verifications at once.
func (s *Server) throttle(t Throttle) []func(http.Handler) http.Handler {
	t = t.withDefaults()
	s.rates = newRateLimits(t)
	return []func(http.Handler) http.Handler{s.rateLimit, s.limitVerifications(t.Verifications)}
}

// rateLimits is the per-client limits of a Server. Their buckets refill
// by the wall clock, not by Server.Now (the clock pages say dates by,
// which tests may stop).
type rateLimits struct {
	verify, token, login *limiters
	proxies              []netip.Prefix
}

func newRateLimits(t Throttle) *rateLimits {
	return &rateLimits{verify: newLimiters(t.Verify), token: newLimiters(t.Token), login: newLimiters(t.Login),
		proxies: t.TrustedProxies}
}

func (rl *rateLimits) of(c routeClass) *limiters {
	switch c {
	case classVerify, classPage, classVerifyPage:
		return rl.verify
	case classToken:
		return rl.token
	case classLogin:
		return rl.login
	}
	return nil
}

// rateLimit refuses, with 429 and Retry-After, a client that asks more of
// a throttled route than its limit allows; other clients are still served.
func (s *Server) rateLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := classify(r)
		l := s.rates.of(c)
		if l == nil {
			next.ServeHTTP(w, r)
			return
		}
		addr := clientKey(clientAddr(r, s.rates.proxies))
		if d := l.wait(addr, time.Now()); d > 0 {
			secs := int(math.Ceil(d.Seconds()))
			s.refuse(w, r, c, http.StatusTooManyRequests, secs, "rate_limited",
				"too many requests from your address; try again in "+seconds("en", secs))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// refuse answers a throttled request with status and Retry-After: a page
// for a browser on a page route, problem+json otherwise.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, c routeClass, status, retryAfter int, kind, detail string) {
	w.Header().Set("Retry-After", fmt.Sprint(retryAfter))
	if !c.html() || !page.WantsHTML(r) {
		s.writeError(w, r, &render.StatusError{Status: status, Kind: kind, Detail: detail})
		return
	}
	s.pages.Message(w, r, status, "", func(t map[string]string, lang string) (string, string) {
		if status == http.StatusTooManyRequests {
			return t["tooManyTitle"], fmt.Sprintf(t["tooManyText"], seconds(lang, retryAfter))
		}
		return t["busyTitle"], fmt.Sprintf(t["busyText"], seconds(lang, retryAfter))
	})
}

// seconds says n seconds in lang ("en" or "nl").
func seconds(lang string, n int) string {
	switch {
	case lang == "nl" && n == 1:
		return "1 seconde"
	case lang == "nl":
		return fmt.Sprintf("%d seconden", n)
	case n == 1:
		return "1 second"
	}
	return fmt.Sprintf("%d seconds", n)
}

// clientAddr is the address of the client that sent r: the connection's
// peer, or, when the peer is a trusted proxy, the rightmost address in
// X-Forwarded-For that is not a trusted proxy.
func clientAddr(r *http.Request, proxies []netip.Prefix) netip.Addr {
	peer := addrOf(r.RemoteAddr)
	if len(proxies) == 0 || !trusted(peer, proxies) {
		return peer
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return peer // a garbled header: trust nothing in it
		}
		if a = a.Unmap(); !trusted(a, proxies) {
			return a
		}
	}
	return peer
}

func addrOf(remote string) netip.Addr {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, _ := netip.ParseAddr(host)
	return a.Unmap().WithZone("")
}

func trusted(a netip.Addr, proxies []netip.Prefix) bool {
	for _, p := range proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientKey is what a client is counted by: its IPv4 address, or the /64
// of an IPv6 address, which one subscriber usually holds whole.
func clientKey(a netip.Addr) netip.Addr {
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.Addr()
	}
	return a
}
