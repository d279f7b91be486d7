package web

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/badged/badged/egress"
	"github.com/badged/badged/verifier"
)

// TestVerifyRefusesInternalAddresses is acceptance 3: a did:web or a
// status list URL that points at loopback, the cloud metadata address or a
// private network, directly or by a redirect, is refused by the egress
// policy; nothing is fetched from there.
func TestVerifyRefusesInternalAddresses(t *testing.T) {
	e := newVerifyEnv(t, false)
	var baitHits atomic.Int32
	bait := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		baitHits.Add(1)
		w.Write([]byte(`{}`))
	}))
	t.Cleanup(bait.Close)
	baitHost := strings.TrimPrefix(bait.URL, "http://")
	baitPort := baitHost[strings.LastIndex(baitHost, ":")+1:]

	e.remote.serve("https://redirect.example/to-loopback", nil, http.Header{"Location": {bait.URL + "/list"}})
	e.remote.serve("https://redirect.example/to-metadata", nil, http.Header{"Location": {"http://169.254.169.254/latest/meta-data/"}})
	e.remote.serve("https://redirect.example/to-private", nil, http.Header{"Location": {"http://10.0.0.1/list"}})

	status := func(u string) []byte {
		return e.creds.sign(with(e.creds.doc, "credentialStatus", map[string]any{"id": u + "#1", "type": "BitstringStatusListEntry",
			"statusPurpose": "revocation", "statusListIndex": "1", "statusListCredential": u}), e.creds.vm)
	}
	key := func(didWeb string) []byte {
		d := with(e.creds.doc, "issuer", map[string]any{"id": didWeb, "type": []any{"Profile"}, "name": "Internal"})
		delete(d, "credentialStatus")
		return e.creds.sign(d, didWeb+"#key-1")
	}
	e.remote.serve("https://redirect.example/meta/did.json", nil, http.Header{"Location": {"http://169.254.169.254/latest/meta-data/"}})
	e.remote.serve("https://redirect.example/private/did.json", nil, http.Header{"Location": {"http://10.0.0.1/did.json"}})
	const refused, notDomain = "not allowed", "is not a domain name"
	tests := []struct {
		name  string
		cred  []byte
		check string
		want  string
	}{
		{"fail/status-loopback", status(bait.URL + "/list"), verifier.CheckStatus, refused},
		{"fail/status-metadata", status("http://169.254.169.254/latest/meta-data/"), verifier.CheckStatus, refused},
		{"fail/status-private", status("http://10.1.2.3/list"), verifier.CheckStatus, refused},
		{"fail/status-redirect-to-loopback", status("https://redirect.example/to-loopback"), verifier.CheckStatus, refused},
		{"fail/status-redirect-to-metadata", status("https://redirect.example/to-metadata"), verifier.CheckStatus, refused},
		{"fail/status-redirect-to-private", status("https://redirect.example/to-private"), verifier.CheckStatus, refused},
		// A name that resolves to loopback is refused at connect.
		{"fail/did-web-localhost", key("did:web:localhost%3A" + baitPort), verifier.CheckProof, refused},
		{"fail/did-web-redirect-to-metadata", key("did:web:redirect.example:meta"), verifier.CheckProof, refused},
		{"fail/did-web-redirect-to-private", key("did:web:redirect.example:private"), verifier.CheckProof, refused},
		// did:web names hosts, not IP addresses: refused before any fetch.
		{"fail/did-web-loopback-ip", key("did:web:127.0.0.1%3A" + baitPort), verifier.CheckProof, notDomain},
		{"fail/did-web-metadata-ip", key("did:web:169.254.169.254"), verifier.CheckProof, notDomain},
		{"fail/did-web-private-ip", key("did:web:10.0.0.7"), verifier.CheckProof, notDomain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := post(t, e.ts, "/credentials/verify", `{"verifiableCredential":`+string(tt.cred)+`}`)
			v := decodeVerify(t, resp, body)
			if v.Verified {
				t.Fatalf("verified: %s", body)
			}
			var msg string
			for _, p := range v.Errors {
				if p.ID == tt.check {
					msg = p.Message
				}
			}
			if !strings.Contains(msg, tt.want) {
				t.Errorf("%s: %q, want a refusal by the egress policy", tt.check, msg)
			}
			// A refused fetch could not be checked: never revoked or altered.
			if tt.want == refused && (v.Verdict != verifier.Indeterminate || v.Status != "" || len(failedOf(v)) > 0) {
				t.Errorf("verdict %q, status %q, failed %v: want indeterminate, nothing failed", v.Verdict, v.Status, failedOf(v))
			}
		})
	}
	if n := baitHits.Load(); n != 0 {
		t.Errorf("the loopback server was reached %d times", n)
	}
}

// TestVerifyHostileBodies: a 10 MB body, JSON nested 10,000 deep and
// invalid UTF-8 get a 4xx problem (the request's own deadline guards against
// a server that would hang; speed is measured by benchmarks).
func TestVerifyHostileBodies(t *testing.T) {
	e := newVerifyEnv(t, false)
	big := `{"verifiableCredential": "` + strings.Repeat("a", 10<<20) + `"}`
	deep := `{"verifiableCredential": ` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`
	deepCred := `{"verifiableCredential": {"a":` + strings.Repeat(`{"a":`, 10000) + `1` + strings.Repeat("}", 10001) + `}`
	deepVP := strings.Replace(deepCred, "verifiableCredential", "verifiablePresentation", 1)
	badUTF8 := "{\"verifiableCredential\": {\"name\": \"\xff\xfe\"}}"
	tests := []struct {
		name, path string
		body       io.Reader
		length     int64 // -1: chunked, no Content-Length
		status     int
	}{
		{"fail/10MB-declared", "/credentials/verify", strings.NewReader(big), int64(len(big)), http.StatusRequestEntityTooLarge},
		{"fail/10MB-chunked", "/credentials/verify", io.MultiReader(strings.NewReader(big)), -1, http.StatusRequestEntityTooLarge},
		{"fail/10MB-page", "/verify", strings.NewReader(big), int64(len(big)), http.StatusRequestEntityTooLarge},
		{"fail/nested-10000-array", "/credentials/verify", strings.NewReader(deep), int64(len(deep)), http.StatusBadRequest},
		{"fail/nested-10000-object", "/credentials/verify", strings.NewReader(deepCred), int64(len(deepCred)), http.StatusBadRequest},
		{"fail/nested-10000-presentation", "/presentations/verify", strings.NewReader(deepVP), int64(len(deepVP)), http.StatusBadRequest},
		{"fail/invalid-utf8", "/credentials/verify", strings.NewReader(badUTF8), int64(len(badUTF8)), http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, e.ts.URL+tt.path, tt.body)
			req.ContentLength = tt.length
			req.Header.Set("Content-Type", "application/json")
			start := time.Now()
			resp, err := e.ts.Client().Do(req)
			if err != nil {
				// The server may answer and close before the whole body is
				// sent; the client then reports the write error.
				t.Fatalf("after %v: %v", time.Since(start), err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, tt.status, body)
			}
			if tt.path != "/verify" {
				problemOf(t, resp, body)
			}
		})
	}
}

// TestSlowLoris: a client that sends its headers a byte at a time is cut
// off after the header timeout, while the server keeps answering others.
func TestSlowLoris(t *testing.T) {
	e := newVerifyEnv(t, false)
	srv := NewVerifierServer("test", slog.New(slog.NewTextHandler(io.Discard, nil)), API{Verifier: e.srv.Verifier, Egress: e.srv.Egress})
	srv.ReadHeaderTimeout = 300 * time.Millisecond
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, l) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	base := "http://" + l.Addr().String()

	conn, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Trickle the headers, one byte per tick, until the server hangs up.
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		header := "POST /credentials/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Slow: " + strings.Repeat("a", 1000)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for i := 0; i < len(header); i++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			if _, err := conn.Write([]byte{header[i]}); err != nil {
				return
			}
		}
	}()
	closed := make(chan error, 1)
	go func() {
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, err := io.Copy(io.Discard, bufio.NewReader(conn))
		closed <- err
	}()

	// Meanwhile others are served.
	for range 3 {
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("healthz: %d", resp.StatusCode)
		}
	}
	select {
	case err := <-closed:
		if errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatal("the slow client was not cut off before the deadline")
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the slow client's connection is still open")
	}
	// And the server still answers after the cut.
	resp, err := http.Post(base+"/credentials/verify", "application/json", strings.NewReader(`{"verifiableCredential":"`+e.creds.jwt+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("verify after the slow client: %d", resp.StatusCode)
	}
}

// TestVerifyOutboundBudget is acceptance 5 over HTTP: requests to the
// VC-API and the verify page that name hundreds of status lists make no
// more outbound requests than the verifier's limits allow, counted by the
// loopback server that receives them (reached through the egress policy's
// allow list, no URL rewritten), and get a verdict that names the limit.
func TestVerifyOutboundBudget(t *testing.T) {
	var hits atomic.Int32
	var served atomic.Value // []byte: what /cred answers
	lists := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path == "/cred" {
			w.Header().Set("Content-Type", "application/json")
			w.Write(served.Load().([]byte))
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(lists.Close)
	host := strings.TrimPrefix(lists.URL, "http://")
	client := egress.NewClient(egress.Policy{AllowHosts: []string{host}, Timeout: 5 * time.Second, MaxBytes: 1 << 20})
	ts := newServer(NewVerifierServer("test", slog.New(slog.NewTextHandler(io.Discard, nil)),
		API{Egress: client, Verifier: DefaultVerifier(client, verifier.WithClock(verifyClock))}))
	t.Cleanup(ts.Close)

	c := newCreds(t, nil)
	entries := func(first, n int) []any {
		out := make([]any, n)
		for i := range out {
			u := fmt.Sprintf("%s/lists/%d", lists.URL, first+i)
			out[i] = map[string]any{"id": u + "#1", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
				"statusListIndex": "1", "statusListCredential": u}
		}
		return out
	}
	l := verifier.DefaultLimits()
	manyEntries := c.sign(with(c.doc, "credentialStatus", entries(0, 800)), c.vm)
	var creds []any
	for i := range l.Credentials {
		var cred map[string]any
		json.Unmarshal(c.sign(with(c.doc, "credentialStatus", entries(1000+10*i, l.StatusEntries)), c.vm), &cred)
		creds = append(creds, cred)
	}
	vp, _ := json.Marshal(map[string]any{"@context": []any{"https://www.w3.org/ns/credentials/v2"},
		"type": []any{"VerifiablePresentation"}, "verifiableCredential": creds})
	huge, _ := json.Marshal(with(c.doc, "credentialStatus", entries(5000, 2000)))

	tests := []struct {
		name, method, path string
		body               string
		cred               []byte // served at /cred for ?url=
		status             int
		want               string
	}{
		{"fail/credential-800-entries", http.MethodPost, "/credentials/verify", `{"verifiableCredential":` + string(manyEntries) + `}`, nil, 422, "at most 8"},
		{"fail/presentation-128-lists", http.MethodPost, "/presentations/verify", `{"verifiablePresentation":` + string(vp) + `}`, nil, 422, "at most 16 status lists"},
		{"fail/400KB-credential", http.MethodPost, "/credentials/verify", `{"verifiableCredential":` + string(huge) + `}`, nil, 422, "at most 5000"},
		{"fail/verify-url", http.MethodGet, "/verify?url=" + url.QueryEscape(lists.URL+"/cred"), "", vp, 200, "at most 16 status lists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			served.Store(tt.cred)
			before := hits.Load()
			req, _ := http.NewRequest(tt.method, ts.URL+tt.path, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			n := int(hits.Load() - before)
			t.Logf("%d KB: %d outbound requests", len(tt.body)>>10, n)
			if max := l.URLs + 1; n > max { // +1: the ?url= fetch itself
				t.Errorf("%d outbound requests; the limits allow %d", n, max)
			}
			if resp.StatusCode != tt.status || !strings.Contains(html.UnescapeString(string(body)), tt.want) {
				t.Errorf("status %d, want %d and %q in: %.600s", resp.StatusCode, tt.status, tt.want, body)
			}
		})
	}
}
