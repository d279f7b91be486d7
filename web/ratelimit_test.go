package web

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/badged/badged/auth"
	"github.com/badged/badged/issuer"
)

// clientFrom returns an HTTP client whose connections come from the
// loopback address ip (any of 127.0.0.0/8 on Linux): another client, as
// the server sees it.
func clientFrom(t *testing.T, ip string) *http.Client {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	tr := &http.Transport{DialContext: d.DialContext}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// throttledServer is a whole badged server on a loopback listener with
// throttle t.
func throttledServer(t *testing.T, th Throttle) *httptest.Server {
	t.Helper()
	db := openBolt(t)
	is := issuer.NewService(db)
	au := auth.NewService(db, is)
	ts := newServer(NewServer("test", slog.New(slog.NewTextHandler(io.Discard, nil)),
		API{Issuer: is, Auth: au, Institutions: db, Throttle: th}))
	t.Cleanup(ts.Close)
	return ts
}

// TestRateLimit: a client over its rate on a throttled route gets 429 with
// Retry-After (problem+json on the API, a page for a browser on a page
// route), counted by its connection's address whatever X-Forwarded-For
// says, while another client is still served.
func TestRateLimit(t *testing.T) {
	ts := throttledServer(t, Throttle{Verify: 2, Token: 2, Login: 2})
	tokenForm := url.Values{"grant_type": {"client_credentials"}, "client_id": {"nobody"}, "client_secret": {"x"}}.Encode()
	tests := []struct {
		name, method, path, body, contentType, accept string
		html                                          bool
	}{
		{"fail/credentials-verify", http.MethodPost, "/credentials/verify", `{"verifiableCredential":"x.y.z"}`, "application/json", "", false},
		{"fail/presentations-verify", http.MethodPost, "/presentations/verify", `{}`, "application/json", "", false},
		{"fail/verify-page", http.MethodGet, "/verify", "", "", "text/html", true},
		{"fail/verify-form", http.MethodPost, "/verify", "credential=x", "application/x-www-form-urlencoded", "text/html", true},
		{"fail/share-page", http.MethodGet, "/s/nothing", "", "", "text/html", true},
		{"fail/presentation-page", http.MethodGet, "/p/nothing", "", "", "text/html", true},
		{"fail/oauth-token", http.MethodPost, "/oauth/token", tokenForm, "application/x-www-form-urlencoded", "", false},
		{"fail/login", http.MethodGet, "/login/nowhere", "", "", "text/html", true},
		{"fail/openid4vci-token", http.MethodPost, "/openid4vci/token", "grant_type=x", "application/x-www-form-urlencoded", "", false},
		{"fail/openid4vci-nonce", http.MethodPost, "/openid4vci/nonce", "", "", "", false},
		{"fail/openid4vp-response", http.MethodPost, "/openid4vp/response/x", "state=x", "application/x-www-form-urlencoded", "", false},
		{"fail/ask-form", http.MethodPost, "/verify/ask/", "kind=any", "application/x-www-form-urlencoded", "text/html", true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Each case is its own client (127.0.1.i), and 127.0.2.i is
			// the other client, still served.
			one, other := clientFrom(t, "127.0.1."+strconv.Itoa(i+1)), clientFrom(t, "127.0.2."+strconv.Itoa(i+1))
			send := func(c *http.Client, xff string) (*http.Response, string) {
				t.Helper()
				req, _ := http.NewRequest(tt.method, ts.URL+tt.path, strings.NewReader(tt.body))
				if tt.contentType != "" {
					req.Header.Set("Content-Type", tt.contentType)
				}
				if tt.accept != "" {
					req.Header.Set("Accept", tt.accept)
				}
				if xff != "" {
					req.Header.Set("X-Forwarded-For", xff)
				}
				resp, err := c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp, string(b)
			}
			for n := range 2 {
				if resp, body := send(one, ""); resp.StatusCode == http.StatusTooManyRequests {
					t.Fatalf("request %d refused: %.200s", n+1, body)
				}
			}
			// A forged X-Forwarded-For does not make a new client: no proxy
			// is trusted.
			resp, body := send(one, "203.0.113.7")
			if resp.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("third request: %d, want 429: %.200s", resp.StatusCode, body)
			}
			if ra, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || ra < 1 || ra > 30 {
				t.Errorf("Retry-After %q, want 1..30 seconds", resp.Header.Get("Retry-After"))
			}
			if tt.html {
				doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				if got := doc.Find("#message").AttrOr("data-status", ""); got != "429" || !strings.Contains(doc.Find("#message p").First().Text(), "Try again in") {
					t.Errorf("want a page saying when to try again: %.400s", body)
				}
			} else {
				if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("Content-Type %q", ct)
				}
				if !strings.Contains(body, `"urn:badged:problem:rate_limited"`) || !strings.Contains(body, "try again in") {
					t.Errorf("problem: %s", body)
				}
			}
			if resp, body := send(other, ""); resp.StatusCode == http.StatusTooManyRequests {
				t.Errorf("another client was refused: %.200s", body)
			}
		})
	}
	// Routes that are not throttled are not.
	c := clientFrom(t, "127.0.3.1")
	for range 5 {
		resp, err := c.Get(ts.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("healthz: %d", resp.StatusCode)
		}
	}
}

// TestRateLimitTrustedProxy: behind a trusted proxy, each address in
// X-Forwarded-For is a client of its own; the proxy itself is never the
// client.
func TestRateLimitTrustedProxy(t *testing.T) {
	ts := throttledServer(t, Throttle{Verify: 1, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.4.1/32")}})
	proxy := clientFrom(t, "127.0.4.1")
	send := func(xff string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/credentials/verify", strings.NewReader(`{"verifiableCredential":"x.y.z"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", xff)
		resp, err := proxy.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, xff := range []string{"198.51.100.1", "198.51.100.2", "203.0.113.9, 198.51.100.3"} {
		if got := send(xff); got == http.StatusTooManyRequests {
			t.Errorf("%s: first request refused", xff)
		}
	}
	// The client is the rightmost untrusted address: spoofing the left
	// part changes nothing.
	if got := send("198.51.100.77, 198.51.100.3"); got != http.StatusTooManyRequests {
		t.Errorf("second request of 198.51.100.3: %d, want 429", got)
	}
}

func TestClientAddr(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	tests := []struct {
		name, remote, xff string
		proxies           []netip.Prefix
		want              string
	}{
		{"ok/no-proxy-ignores-header", "192.0.2.1:5000", "198.51.100.1", nil, "192.0.2.1"},
		{"ok/untrusted-peer-ignores-header", "192.0.2.1:5000", "198.51.100.1", proxies, "192.0.2.1"},
		{"ok/trusted-peer", "10.0.0.2:5000", "198.51.100.1", proxies, "198.51.100.1"},
		{"ok/rightmost-untrusted", "10.0.0.2:5000", "203.0.113.5, 198.51.100.1, 10.0.0.9", proxies, "198.51.100.1"},
		{"ok/all-trusted", "10.0.0.2:5000", "10.0.0.3", proxies, "10.0.0.2"},
		{"fail/garbled-header", "10.0.0.2:5000", "198.51.100.1, not-an-ip", proxies, "10.0.0.2"},
		{"ok/ipv6", "[2001:db8::1]:5000", "", nil, "2001:db8::1"},
		{"ok/mapped", "[::ffff:192.0.2.1]:5000", "", nil, "192.0.2.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/verify", nil)
			r.RemoteAddr = tt.remote
			if tt.xff != "" {
				r.Header.Set("X-Forwarded-For", tt.xff)
			}
			if got := clientAddr(r, tt.proxies); got.String() != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
	// IPv6 clients are counted by their /64.
	a, b := netip.MustParseAddr("2001:db8:1:2::1"), netip.MustParseAddr("2001:db8:1:2:ffff::9")
	if clientKey(a) != clientKey(b) {
		t.Errorf("%s and %s are counted apart", a, b)
	}
}

// TestRateLimitForgets: a flood from many addresses does not grow the
// memory of a limit past its bound.
func TestRateLimitForgets(t *testing.T) {
	l := newLimiters(60)
	l.max = 100
	now := time.Now()
	for i := range 1000 {
		l.wait(netip.AddrFrom4([4]byte{198, 51, byte(i >> 8), byte(i)}), now)
	}
	if n := len(l.clients); n > l.max {
		t.Errorf("%d clients remembered; the bound is %d", n, l.max)
	}
}

// BenchmarkThrottle is what the rate limit and the verification cap add
// to a verify request that is within both, against the same handler
// without them.
func BenchmarkThrottle(b *testing.B) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	s := &Server{}
	var throttled http.Handler = ok
	mw := s.throttle(Throttle{Verifications: 32, Verify: 1 << 30})
	for i := len(mw) - 1; i >= 0; i-- {
		throttled = mw[i](throttled)
	}
	for name, h := range map[string]http.Handler{"off": ok, "on": throttled} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				r := httptest.NewRequest(http.MethodPost, "/credentials/verify", nil)
				r.RemoteAddr = netip.AddrPortFrom(netip.AddrFrom4([4]byte{198, 51, 100, byte(i)}), 4000).String()
				h.ServeHTTP(httptest.NewRecorder(), r)
				i++
			}
		})
	}
}
