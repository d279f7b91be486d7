// Package egress owns badged's outbound HTTP: the fetches of other parties'
// DID documents, key documents and status lists that verifying a credential
// needs. Those URLs come from credentials, that is from strangers, so every
// connection is checked against a [Policy] before it is made.
//
// # What is refused
//
// [NewClient] returns an *http.Client whose dialer checks the IP address it
// is about to connect to, after DNS resolution and right before connect, so
// a name that resolves to an internal address (DNS rebinding included) is
// refused the same way as an IP literal. Refused are loopback, private
// (RFC 1918, fc00::/7), link-local (169.254.0.0/16 with the cloud metadata
// address 169.254.169.254, fe80::/10), unspecified, multicast, CGNAT
// (100.64.0.0/10), reserved and benchmarking ranges, and IPv6 forms that
// embed any of those (IPv4-mapped, NAT64, 6to4). Redirects are followed at
// most three times, each to http or https only, and each new connection is
// checked again. Environment proxies are ignored: a proxy would make the
// proxy, not the target, the address that is checked. A host the operator
// connects elsewhere ([Policy].ConnectTo) is checked at the address it is
// connected to.
//
// # Errors
//
// [Fetch] returns *badged.Error values: Kind Forbidden (wrapping
// [ErrRefused]) when the policy refused an address, scheme or redirect,
// TooLarge when a body exceeds its limit, and Unavailable for everything
// else that goes wrong on the network or at the other end. Their messages
// are for people: the address and why, in words ("the address does not
// exist (no such host)"), never the Go error, which stays in the cause
// for the log; [ReasonOf] tells the reasons apart for a page that says
// them in another language.
package egress

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"

	"github.com/badged/badged"
)

// ErrRefused is wrapped by every error that reports a request the policy
// refused: a disallowed address, scheme or redirect. Test for it with
// errors.Is; the *badged.Error around it has Kind Forbidden.
var ErrRefused = errors.New("refused by egress policy")

// maxRedirects is how many redirects a client from NewClient follows.
const maxRedirects = 3

// Policy says which outbound requests badged makes. The zero Policy refuses
// internal addresses and has no timeout or size limit; start from
// [DefaultPolicy].
type Policy struct {
	// AllowPrivate permits internal addresses (loopback, private,
	// link-local...). Only for deployments that verify credentials issued
	// inside their own network.
	AllowPrivate bool
	// AllowHosts are hosts ("example.com", "10.0.0.5") or host:port pairs
	// ("127.0.0.1:8443", "[::1]:8443") that are always allowed, even when
	// they resolve to internal addresses. Names are compared without
	// regard to case, as written in the URL (no resolution).
	AllowHosts []string
	// ConnectTo makes the connections for a host go to another address,
	// as curl's --connect-to does: keys are host:port as a URL names them
	// ("status.example.org:443"), values the host:port to connect to
	// instead ("10.0.0.7:8443"). Nothing else about a request changes: its
	// URL, its Host header and, over https, the name the server's
	// certificate must be valid for stay those of the key. It is for a
	// deployment that reaches some issuers' hosts at other addresses than
	// DNS gives (split DNS, a mirror in its own network), and for tests
	// that serve fixed public hosts' documents on loopback. The policy
	// applies to the address connected to: an internal one is refused
	// unless the key's host is in AllowHosts (or AllowPrivate is set).
	// Entries that are not host:port never match.
	ConnectTo map[string]string
	// RootCAs, when set, are the certificate authorities trusted for
	// https instead of the system's: for a deployment whose issuers sit
	// behind a private PKI. Nil means the system's roots.
	RootCAs *x509.CertPool
	// Timeout bounds a whole request: connect, redirects, headers and
	// body. Zero means no timeout.
	Timeout time.Duration
	// MaxBytes bounds every response body read through the client, a
	// backstop for readers that forget a limit. Zero means no bound.
	MaxBytes int64
}

// DefaultPolicy returns the policy for the public internet: internal
// addresses refused, a 5 second timeout and 1 MiB bodies.
func DefaultPolicy() Policy {
	return Policy{Timeout: 5 * time.Second, MaxBytes: 1 << 20}
}

// NewClient returns an HTTP client that enforces p on every connection and
// redirect. Its errors, as seen through Fetch, are described in the package
// documentation; used directly, a refusal is an error wrapping [ErrRefused]
// inside the usual *url.Error.
func NewClient(p Policy) *http.Client {
	allowed := make(map[string]bool, len(p.AllowHosts))
	for _, h := range p.AllowHosts {
		allowed[normalizeHost(h)] = true
	}
	guarded := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !p.AllowPrivate {
		guarded.ControlContext = checkConn
	}
	open := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	connectTo := make(map[string]string, len(p.ConnectTo))
	for from, to := range p.ConnectTo {
		connectTo[normalizeHost(from)] = to
	}
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		target := addr
		if to, ok := connectTo[normalizeHost(addr)]; ok {
			target = to
		}
		if hostAllowed(allowed, addr) {
			return open.DialContext(ctx, network, target)
		}
		return guarded.DialContext(ctx, network, target)
	}
	var rt http.RoundTripper = &http.Transport{
		Proxy:                  nil,
		DialContext:            dial,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           100,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
	if p.RootCAs != nil {
		rt.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: p.RootCAs, MinVersion: tls.VersionTLS12}
	}
	if p.MaxBytes > 0 {
		rt = limitTransport{rt: rt, max: p.MaxBytes}
	}
	return &http.Client{
		Transport:     rt,
		Timeout:       p.Timeout,
		CheckRedirect: checkRedirect,
	}
}

// checkRedirect refuses redirects past maxRedirects and to schemes other
// than http and https.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > maxRedirects {
		return badged.Errorf(badged.Unavailable, "stopped after %d redirects", maxRedirects)
	}
	if s := req.URL.Scheme; s != "http" && s != "https" {
		return &badged.Error{Kind: badged.Forbidden, Message: fmt.Sprintf("it redirects to a %q address; only http and https are fetched (redirect to scheme %q is not allowed)", s, s),
			Err: &fetchFailure{reason: ReasonInvalidURL, err: ErrRefused}}
	}
	return nil
}

// checkConn is the dialer's ControlContext: it runs after name resolution,
// for each address tried, right before connect.
func checkConn(_ context.Context, _, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &badged.Error{Kind: badged.Forbidden, Message: fmt.Sprintf("address %s cannot be checked", address),
			Err: &fetchFailure{reason: ReasonNotAllowed, err: ErrRefused}}
	}
	if reason := refusedReason(ap.Addr()); reason != "" {
		return &badged.Error{Kind: badged.Forbidden, Message: fmt.Sprintf("address %s is not allowed (%s)", ap.Addr().WithZone(""), reason),
			Err: &fetchFailure{reason: ReasonNotAllowed, err: ErrRefused}}
	}
	return nil
}

// Ranges refused beyond what netip.Addr's predicates cover.
var (
	cgnat        = netip.MustParsePrefix("100.64.0.0/10")
	thisNetwork  = netip.MustParsePrefix("0.0.0.0/8")
	ietfProtocol = netip.MustParsePrefix("192.0.0.0/24")
	benchmarking = netip.MustParsePrefix("198.18.0.0/15")
	reserved     = netip.MustParsePrefix("240.0.0.0/4") // includes 255.255.255.255
	nat64        = netip.MustParsePrefix("64:ff9b::/96")
	nat64Local   = netip.MustParsePrefix("64:ff9b:1::/48")
	sixToFour    = netip.MustParsePrefix("2002::/16")
)

// refusedReason says why a is refused, or returns "" when a is a public
// address.
func refusedReason(a netip.Addr) string {
	a = a.WithZone("").Unmap()
	switch {
	case a.IsLoopback():
		return "loopback"
	case a.IsUnspecified():
		return "unspecified"
	case a.IsPrivate():
		return "private"
	case a.IsLinkLocalUnicast():
		return "link-local"
	case a.IsMulticast(), a.IsLinkLocalMulticast(), a.IsInterfaceLocalMulticast():
		return "multicast"
	case cgnat.Contains(a):
		return "shared address space"
	case thisNetwork.Contains(a), ietfProtocol.Contains(a), benchmarking.Contains(a), reserved.Contains(a):
		return "reserved"
	case nat64Local.Contains(a):
		return "reserved"
	case nat64.Contains(a):
		b := a.As16()
		if r := refusedReason(netip.AddrFrom4([4]byte(b[12:16]))); r != "" {
			return r + " via NAT64"
		}
	case sixToFour.Contains(a):
		b := a.As16()
		if r := refusedReason(netip.AddrFrom4([4]byte(b[2:6]))); r != "" {
			return r + " via 6to4"
		}
	}
	return ""
}

// normalizeHost lower-cases an AllowHosts entry and strips IPv6 brackets
// from a bare host, so "[::1]" and "::1" match alike.
func normalizeHost(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	if host, port, err := net.SplitHostPort(h); err == nil {
		return net.JoinHostPort(host, port)
	}
	return strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
}

// hostAllowed reports whether the dial address host:port, as taken from the
// URL, is in the allow list by host or by host:port.
func hostAllowed(allowed map[string]bool, addr string) bool {
	if len(allowed) == 0 {
		return false
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	host = strings.ToLower(host)
	return allowed[host] || allowed[net.JoinHostPort(host, port)]
}

// limitTransport makes every response body fail once it passes max bytes.
type limitTransport struct {
	rt  http.RoundTripper
	max int64
}

func (t limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.rt.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &limitedBody{rc: resp.Body, max: t.max, left: t.max}
	return resp, nil
}

// limitedBody reads at most left bytes and then fails with TooLarge if the
// body has more.
type limitedBody struct {
	rc        io.ReadCloser
	max, left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// Probe for one more byte: a body of exactly the limit is fine.
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, badged.Errorf(badged.TooLarge, "response body exceeds %d bytes", b.max)
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the
// wrapped transport.
func (t limitTransport) CloseIdleConnections() {
	if c, ok := t.rt.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
