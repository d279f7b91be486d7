package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/badged/badged/contexts"
	"github.com/badged/badged/did"
	"github.com/badged/badged/egress"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/verifier"
	"github.com/badged/badged/web/render"
)

// TestVerificationsCap is acceptance 5 for load: while as many
// verifications run as the cap allows (each held by a status list server
// on loopback that answers only when told), the next one is refused at
// once with 503 and Retry-After, as problem+json or as a page; when they
// end, verifying works again.
func TestVerificationsCap(t *testing.T) {
	var hits atomic.Int32
	arrived, release := make(chan struct{}, 10), make(chan struct{})
	held := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		arrived <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(held.Close)
	released := false
	t.Cleanup(func() {
		if !released {
			close(release)
		}
	})
	host := strings.TrimPrefix(held.URL, "http://")
	client := egress.NewClient(egress.Policy{AllowHosts: []string{host}, Timeout: 30 * time.Second})
	v := verifier.New(jsonld.New(contexts.NewLoader()), did.NewResolver(client),
		verifier.WithStatus(verifier.HTTPFetcher{Client: client}), verifier.WithClock(verifyClock))
	ts := newServer(NewVerifierServer("test", slog.New(slog.NewTextHandler(io.Discard, nil)),
		API{Verifier: v, Egress: client, Throttle: Throttle{Verifications: 2, Verify: -1}}))
	t.Cleanup(ts.Close)

	c := newCreds(t, nil)
	list := held.URL + "/list"
	cred := c.sign(with(c.doc, "credentialStatus", map[string]any{"id": list + "#1", "type": "BitstringStatusListEntry",
		"statusPurpose": "revocation", "statusListIndex": "1", "statusListCredential": list}), c.vm)
	body := `{"verifiableCredential":` + string(cred) + `}`

	done := make(chan int, 2)
	for range 2 {
		go func() {
			resp, err := http.Post(ts.URL+"/credentials/verify", "application/json", strings.NewReader(body))
			if err != nil {
				done <- 0
				return
			}
			resp.Body.Close()
			done <- resp.StatusCode
		}()
	}
	for range 2 {
		select {
		case <-arrived:
		case <-time.After(10 * time.Second):
			t.Fatal("the verifications did not reach the status list server")
		}
	}

	// Both slots are taken: the API and the page refuse at once.
	resp, b := post(t, ts, "/credentials/verify", body)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("third verification: %d, Retry-After %q: %s", resp.StatusCode, resp.Header.Get("Retry-After"), b)
	}
	if p := problemOf(t, resp, b); p.Type != render.ProblemType+"busy" || !strings.Contains(p.Detail, "(2)") {
		t.Errorf("problem %+v", p)
	}
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/verify", strings.NewReader("credential="+string(cred)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/html")
	page, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(page.Body)
	page.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if page.StatusCode != http.StatusServiceUnavailable || page.Header.Get("Retry-After") == "" ||
		doc.Find("#message").AttrOr("data-status", "") != "503" {
		t.Errorf("verify page: %d, Retry-After %q, message %q", page.StatusCode, page.Header.Get("Retry-After"), doc.Find("#message").Text())
	}
	if n := hits.Load(); n != 2 {
		t.Errorf("the refused verifications fetched: %d fetches, want 2", n)
	}

	// The held list answers 404: the verifications end indeterminate,
	// 503 with their result (not the busy problem).
	close(release)
	released = true
	for range 2 {
		if got := <-done; got != http.StatusServiceUnavailable {
			t.Errorf("held verification: %d", got)
		}
	}
	resp, b = post(t, ts, "/credentials/verify", body)
	if v := decodeVerify(t, resp, b); v.Verdict != verifier.Indeterminate {
		t.Errorf("after the others ended: %d: %s", resp.StatusCode, b)
	}
}
