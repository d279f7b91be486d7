package egress_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/egress"
	"github.com/badged/badged/egress/egresstest"
)

// newServer starts a test server on loopback and returns it with its
// host:port.
func newServer(t *testing.T, h http.Handler) (*httptest.Server, string) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return srv, u.Host
}

func hello(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, `{"hello":"world"}`)
}

// checkErr fails unless err is a *badged.Error of kind, whose message
// contains msg.
func checkErr(t *testing.T, err error, kind badged.Kind, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s %q", kind, msg)
	}
	var be *badged.Error
	if !errors.As(err, &be) {
		t.Fatalf("error %v (%T) is not a *badged.Error", err, err)
	}
	if be.Kind != kind {
		t.Errorf("kind = %s, want %s (error: %v)", be.Kind, kind, err)
	}
	if !strings.Contains(be.Message, msg) {
		t.Errorf("message %q does not contain %q", be.Message, msg)
	}
	if got, want := errors.Is(err, egress.ErrRefused), kind == badged.Forbidden; got != want {
		t.Errorf("errors.Is(err, ErrRefused) = %v, want %v", got, want)
	}
}

func policy(mod func(*egress.Policy)) egress.Policy {
	p := egress.DefaultPolicy()
	if mod != nil {
		mod(&p)
	}
	return p
}

func TestFetchAddressPolicy(t *testing.T) {
	srv, host := newServer(t, http.HandlerFunc(hello))
	_, port, _ := strings.Cut(host, ":")
	localhost := "http://localhost:" + port + "/"

	tests := []struct {
		name   string
		policy egress.Policy
		url    string
		msg    string // empty: success
	}{
		{"fail/loopback by default", policy(nil), srv.URL, "address 127.0.0.1 is not allowed (loopback)"},
		{"fail/localhost by default", policy(nil), localhost, "is not allowed (loopback)"},
		{"fail/other port of allowed host", policy(func(p *egress.Policy) { p.AllowHosts = []string{"127.0.0.1:1"} }), srv.URL, "not allowed (loopback)"},
		{"ok/AllowPrivate", policy(func(p *egress.Policy) { p.AllowPrivate = true }), srv.URL, ""},
		{"ok/AllowPrivate localhost", policy(func(p *egress.Policy) { p.AllowPrivate = true }), localhost, ""},
		{"ok/AllowHosts host:port", policy(func(p *egress.Policy) { p.AllowHosts = []string{host} }), srv.URL, ""},
		{"ok/AllowHosts host", policy(func(p *egress.Policy) { p.AllowHosts = []string{"127.0.0.1"} }), srv.URL, ""},
		{"ok/AllowHosts name", policy(func(p *egress.Policy) { p.AllowHosts = []string{"LocalHost"} }), localhost, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, hdr, err := egress.Fetch(t.Context(), egress.NewClient(tt.policy), tt.url, 0, "application/json")
			if tt.msg != "" {
				checkErr(t, err, badged.Forbidden, tt.msg)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(body) != `{"hello":"world"}` {
				t.Errorf("body = %q", body)
			}
			if ct := hdr.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
		})
	}
}

func TestFetchRedirects(t *testing.T) {
	refused, _ := newServer(t, http.HandlerFunc(hello))
	mux := http.NewServeMux()
	srv, host := newServer(t, mux)
	mux.HandleFunc("/ok", hello)
	mux.HandleFunc("/to-refused", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, refused.URL+"/", http.StatusFound)
	})
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	mux.HandleFunc("/hop/{n}", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscan(r.PathValue("n"), &n)
		if n == 0 {
			hello(w, r)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusFound)
	})
	c := egress.NewClient(policy(func(p *egress.Policy) { p.AllowHosts = []string{host} }))

	tests := []struct {
		name string
		path string
		kind badged.Kind // empty: success
		msg  string
	}{
		{"ok/three redirects", "/hop/3", "", ""},
		{"fail/four redirects", "/hop/4", badged.Unavailable, "stopped after 3 redirects"},
		{"fail/redirect to refused address", "/to-refused", badged.Forbidden, "address 127.0.0.1 is not allowed (loopback)"},
		{"fail/redirect to file scheme", "/to-file", badged.Forbidden, `redirect to scheme "file" is not allowed`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, _, err := egress.Fetch(t.Context(), c, srv.URL+tt.path, 0, "")
			if tt.kind != "" {
				checkErr(t, err, tt.kind, tt.msg)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(body) != `{"hello":"world"}` {
				t.Errorf("body = %q", body)
			}
		})
	}
}

func TestFetchLimits(t *testing.T) {
	mux := http.NewServeMux()
	srv, _ := newServer(t, mux)
	mux.HandleFunc("/10", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("0123456789"))
	})
	mux.HandleFunc("/chunked", func(w http.ResponseWriter, r *http.Request) {
		for range 10 {
			w.Write([]byte("0123456789"))
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/missing", http.NotFound)

	allowed := egress.NewClient(policy(func(p *egress.Policy) { p.AllowPrivate = true }))
	backstop := egress.NewClient(policy(func(p *egress.Policy) { p.AllowPrivate = true; p.MaxBytes = 50 }))
	tests := []struct {
		name     string
		client   *http.Client
		path     string
		maxBytes int64
		kind     badged.Kind // empty: success
		msg      string
	}{
		{"ok/exactly the limit", allowed, "/10", 10, "", ""},
		{"fail/over the limit", allowed, "/10", 9, badged.TooLarge, "the response is larger than 9 bytes"},
		{"fail/chunked over the limit", allowed, "/chunked", 55, badged.TooLarge, "the response is larger than 55 bytes"},
		{"ok/chunked within the limit", allowed, "/chunked", 100, "", ""},
		{"fail/policy MaxBytes", backstop, "/chunked", 1000, badged.TooLarge, "response body exceeds 50 bytes"},
		{"ok/policy MaxBytes exactly", egress.NewClient(policy(func(p *egress.Policy) { p.AllowPrivate = true; p.MaxBytes = 10 })), "/10", 1000, "", ""},
		{"fail/status 404", allowed, "/missing", 0, badged.Unavailable, "the server answered 404 Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := egress.Fetch(t.Context(), tt.client, srv.URL+tt.path, tt.maxBytes, "")
			if tt.kind != "" {
				checkErr(t, err, tt.kind, tt.msg)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestFetchBadURL(t *testing.T) {
	c := egress.NewClient(egress.DefaultPolicy())
	tests := []struct {
		name string
		url  string
		msg  string
	}{
		{"fail/file scheme", "file:///etc/passwd", `scheme "file" is not allowed`},
		{"fail/ftp scheme", "ftp://example.com/x", `scheme "ftp" is not allowed`},
		{"fail/no scheme", "example.com/did.json", `scheme "" is not allowed`},
		{"fail/no host", "https:///did.json", "the address has no host"},
		{"fail/not a URL", "https://exa mple.com/\x00", "it is not a valid address"},
		{"fail/metadata address", "http://169.254.169.254/latest/meta-data/", "address 169.254.169.254 is not allowed (link-local)"},
		{"fail/unspecified", "http://0.0.0.0:1/", "address 0.0.0.0 is not allowed (unspecified)"},
		{"fail/mapped v6 loopback", "http://[::ffff:127.0.0.1]:1/", "address 127.0.0.1 is not allowed (loopback)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := egress.Fetch(t.Context(), c, tt.url, 0, "")
			checkErr(t, err, badged.Forbidden, tt.msg)
		})
	}
}

func TestFetchTimeout(t *testing.T) {
	done := make(chan struct{})
	_, host := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-done:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(done) }) // runs before the server's Close

	t.Run("fail/policy timeout", func(t *testing.T) {
		c := egress.NewClient(policy(func(p *egress.Policy) { p.AllowHosts = []string{host}; p.Timeout = 100 * time.Millisecond }))
		_, _, err := egress.Fetch(t.Context(), c, "http://"+host+"/", 0, "")
		checkErr(t, err, badged.Unavailable, "timed out")
		if r := egress.ReasonOf(err); r != egress.ReasonTimeout {
			t.Errorf("ReasonOf = %q", r)
		}
	})
	t.Run("fail/context deadline", func(t *testing.T) {
		c := egress.NewClient(policy(func(p *egress.Policy) { p.AllowHosts = []string{host} }))
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		_, _, err := egress.Fetch(ctx, c, "http://"+host+"/", 0, "")
		checkErr(t, err, badged.Unavailable, "timed out")
	})
	t.Run("fail/context canceled", func(t *testing.T) {
		c := egress.NewClient(policy(func(p *egress.Policy) { p.AllowHosts = []string{host} }))
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, _, err := egress.Fetch(ctx, c, "http://"+host+"/", 0, "")
		checkErr(t, err, badged.Unavailable, "canceled")
	})
}

func ExampleFetch() {
	c := egress.NewClient(egress.DefaultPolicy())
	_, _, err := egress.Fetch(context.Background(), c, "http://127.0.0.1:1/did.json", 0, "application/did+json")
	fmt.Println(badged.KindOf(err), errors.Is(err, egress.ErrRefused))
	fmt.Println(badged.MessageOf(err))
	// Output:
	// forbidden true
	// http://127.0.0.1:1/did.json could not be fetched: badged does not fetch from addresses on its own network: address 127.0.0.1 is not allowed (loopback)
}

// TestRootCAs fetches from an https server whose certificate a private CA
// signed: refused as unknown with the system's roots, fetched once the
// operator's policy trusts that CA (and allows the loopback host).
func TestRootCAs(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	p := egress.DefaultPolicy()
	p.AllowHosts = []string{u.Host}
	if _, _, err := egress.Fetch(t.Context(), egress.NewClient(p), srv.URL, 0, ""); badged.KindOf(err) != badged.Unavailable {
		t.Errorf("untrusted certificate: %v, want Unavailable", err)
	}
	p.RootCAs = x509.NewCertPool()
	p.RootCAs.AddCert(srv.Certificate())
	body, _, err := egress.Fetch(t.Context(), egress.NewClient(p), srv.URL, 0, "")
	if err != nil || string(body) != "ok" {
		t.Errorf("trusted CA: %q, %v", body, err)
	}
}

// TestUnreachable: every error of Fetch, refused, too large or failed,
// becomes Unavailable with its message, and a refusal still wraps
// ErrRefused.
func TestUnreachable(t *testing.T) {
	big := strings.Repeat("x", 100)
	srv, host := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			fmt.Fprint(w, big)
		default:
			http.Error(w, "down", http.StatusInternalServerError)
		}
	}))
	allowing := egress.NewClient(policy(func(p *egress.Policy) { p.AllowHosts = []string{host} }))
	tests := []struct {
		name    string
		client  *http.Client
		url     string
		refused bool
		msg     string
	}{
		{"refused", egress.NewClient(policy(nil)), srv.URL, true, "not allowed (loopback)"},
		{"too large", allowing, srv.URL + "/big", false, "larger than 10 bytes"},
		{"error status", allowing, srv.URL + "/down", false, "500"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := egress.Fetch(t.Context(), tt.client, tt.url, 10, "")
			err = egress.Unreachable(err)
			if k := badged.KindOf(err); k != badged.Unavailable || !strings.Contains(badged.MessageOf(err), tt.msg) {
				t.Errorf("%s %q, want unavailable mentioning %q", k, badged.MessageOf(err), tt.msg)
			}
			if got := errors.Is(err, egress.ErrRefused); got != tt.refused {
				t.Errorf("errors.Is(err, ErrRefused) = %v, want %v", got, tt.refused)
			}
		})
	}
	if egress.Unreachable(nil) != nil {
		t.Error("Unreachable(nil) is not nil")
	}
}

// TestReasonOf fetches from real servers and addresses that fail each way
// and checks the reason ReasonOf finds, and that the message says it in
// words without the Go error (which stays in the cause, for the log).
func TestReasonOf(t *testing.T) {
	srv, host := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte("0123456789abcdef"))
	}))
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(hello))
	t.Cleanup(tlsSrv.Close)
	tlsHost := strings.TrimPrefix(tlsSrv.URL, "https://")
	// A loopback port with nothing listening: a server started and closed.
	closed := httptest.NewServer(http.HandlerFunc(hello))
	closedURL := closed.URL
	closedHost := strings.TrimPrefix(closedURL, "http://")
	closed.Close()

	open := egress.NewClient(policy(func(p *egress.Policy) { p.AllowHosts = []string{host, tlsHost, closedHost} }))
	guarded := egress.NewClient(egress.DefaultPolicy())
	tests := []struct {
		name   string
		c      *http.Client
		url    string
		max    int64
		reason egress.Reason
		words  string
	}{
		{"fail/own network", guarded, srv.URL, 0, egress.ReasonNotAllowed, "badged does not fetch from addresses on its own network"},
		{"fail/scheme", guarded, "ftp://example.com/x", 0, egress.ReasonInvalidURL, "only http and https addresses are fetched"},
		{"fail/connection refused", open, closedURL + "/x", 0, egress.ReasonConnRefused, "nothing answers at that address (connection refused)"},
		{"fail/untrusted certificate", open, tlsSrv.URL, 0, egress.ReasonCertificate, "the server's certificate is not trusted"},
		{"fail/error status", open, srv.URL + "/missing", 0, egress.ReasonStatus, "the server answered 404 Not Found"},
		{"fail/too large", open, srv.URL, 4, egress.ReasonTooLarge, "larger than 4 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := egress.Fetch(t.Context(), tt.c, tt.url, tt.max, "")
			if got := egress.ReasonOf(err); got != tt.reason {
				t.Errorf("ReasonOf = %q, want %q (%v)", got, tt.reason, err)
			}
			msg := badged.MessageOf(err)
			if !strings.Contains(msg, tt.words) || !strings.Contains(msg, "could not be fetched") {
				t.Errorf("message %q does not say %q", msg, tt.words)
			}
			for _, goText := range []string{"dial tcp", "x509:", "tls:", "Get \"", "request failed"} {
				if strings.Contains(msg, goText) {
					t.Errorf("message %q has Go error text %q", msg, goText)
				}
			}
		})
	}
	t.Run("fail/no such host", func(t *testing.T) {
		// A name under .invalid never resolves (RFC 6761); skip where
		// there is no resolver to say so.
		if _, err := net.LookupHost("badged-test.invalid"); err == nil || !isNotFound(err) {
			t.Skipf("the resolver does not answer no such host: %v", err)
		}
		_, _, err := egress.Fetch(t.Context(), guarded, "https://badged-test.invalid/x.json", 0, "")
		if got := egress.ReasonOf(err); got != egress.ReasonNoSuchHost {
			t.Errorf("ReasonOf = %q, want no_such_host (%v)", got, err)
		}
		if msg := badged.MessageOf(err); msg != "https://badged-test.invalid/x.json could not be fetched: the address does not exist (no such host)" {
			t.Errorf("message %q", msg)
		}
	})
	if egress.ReasonOf(nil) != "" || egress.ReasonOf(errors.New("other")) != "" {
		t.Error("ReasonOf of an error not from Fetch is not empty")
	}
}

func isNotFound(err error) bool {
	var d *net.DNSError
	return errors.As(err, &d) && d.IsNotFound
}

// TestConnectTo fetches https://status.example.org/list from a loopback
// server that a ConnectTo entry names as that host's address: the request
// keeps its URL, Host header and TLS server name. Without the host in
// AllowHosts the guard refuses the loopback address it would connect to,
// and with the default policy the server's own URL is refused as well;
// neither reaches the server.
func TestConnectTo(t *testing.T) {
	var hits atomic.Int64
	srv := egresstest.NewServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprintf(w, "%s %s %s", r.Host, r.TLS.ServerName, r.URL.Path)
	}))
	const u = "https://status.example.org/list"

	body, _, err := egress.Fetch(t.Context(), srv.Client("status.example.org"), u, 0, "")
	if want := "status.example.org status.example.org /list"; err != nil || string(body) != want {
		t.Fatalf("with ConnectTo and the host allowed: %q, %v; want %q", body, err, want)
	}
	if n := hits.Load(); n != 1 {
		t.Fatalf("%d requests reached the server, want 1", n)
	}

	notAllowed := srv.Policy(egress.DefaultPolicy(), "status.example.org")
	notAllowed.AllowHosts = nil
	_, _, err = egress.Fetch(t.Context(), egress.NewClient(notAllowed), u, 0, "")
	checkErr(t, err, badged.Forbidden, "address 127.0.0.1 is not allowed (loopback)")
	_, _, err = egress.Fetch(t.Context(), egress.NewClient(egress.DefaultPolicy()), srv.URL+"/list", 0, "")
	checkErr(t, err, badged.Forbidden, "address 127.0.0.1 is not allowed (loopback)")
	if n := hits.Load(); n != 1 {
		t.Errorf("%d requests reached the server, want 1", n)
	}
}
