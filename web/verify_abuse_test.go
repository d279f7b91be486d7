package web

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

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
			start := time.Now()
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
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %v: refusals must be fast", d)
			}
		})
	}
	if n := baitHits.Load(); n != 0 {
		t.Errorf("the loopback server was reached %d times", n)
	}
}

// TestVerifyHostileBodies: a 10 MB body, JSON nested 10,000 deep and
// invalid UTF-8 get a fast 4xx problem.
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
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
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
