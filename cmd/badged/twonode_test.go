package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestTwoNodes is the two-node item of issue 12: two `badged serve` on
// one PostgreSQL, behind a round-robin load balancer whose URL is both
// nodes' BADGED_BASE_URL, as the README says to run N nodes. A session
// made once works on both; a bulk job submitted to one runs once (every
// row awarded once, one mail each); the due work of both nodes, every
// 100 ms, reminds each learner once; credentials issued concurrently
// through both nodes never share a status list index; and a revocation
// made on one node is seen by the verifier of the other.
func TestTwoNodes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dsn := freshPostgres(t)
	bin := filepath.Join(t.TempDir(), "badged")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	// The load balancer: a reverse proxy sending each request to the next
	// node in turn, started first so its URL can be the nodes' base URL.
	var nodes []*url.URL
	var turn atomic.Uint64
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(nodes[turn.Add(1)%uint64(len(nodes))])
		r.Out.Host = r.In.Host // the nodes see the public host, as behind a real balancer
	}}
	lb := httptest.NewServer(proxy)
	t.Cleanup(lb.Close)

	// Awards can be claimed for 6 days, with a reminder at 5 days left;
	// both nodes run their due work every 100 ms.
	// The base URL names the host, as did:web needs: localhost.
	base := strings.Replace(lb.URL, "127.0.0.1", "localhost", 1)
	env := []string{"BADGED_DATABASE_URL=" + dsn, "BADGED_BASE_URL=" + base, "BADGED_DUE_INTERVAL=100ms",
		"BADGED_CLAIM_DAYS=6", "BADGED_REMINDER_DAYS=5"}
	dataA, dataB := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	a := startServer(t, bin, dataA, env)
	// Both nodes open the signing keys with one master key: in demo mode
	// the first node generated it in its data directory.
	key, err := os.ReadFile(filepath.Join(dataA, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dataB, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dataB, "master.key"), key, 0o600); err != nil {
		t.Fatal(err)
	}
	b := startServer(t, bin, dataB, env)
	for _, s := range []*server{a, b} {
		u, err := url.Parse(s.url)
		if err != nil {
			t.Fatal(err)
		}
		nodes = append(nodes, u)
	}
	balanced := &server{url: lb.URL}

	session := exec.Command(bin, "session", "--data", dataA)
	session.Env = append(os.Environ(), env...)
	tok, err := session.Output()
	if err != nil {
		t.Fatalf("badged session: %v", err)
	}
	token := strings.TrimSpace(string(tok))

	t.Run("sessions", func(t *testing.T) {
		for name, s := range map[string]*server{"a": a, "b": b} {
			var me struct {
				User struct {
					Superuser bool `json:"superuser"`
				} `json:"user"`
			}
			s.call(t, token, "GET", "/api/v1/me", nil, 200, &me)
			if !me.User.Superuser {
				t.Errorf("node %s: /api/v1/me is not the session's superuser", name)
			}
		}
	})

	in, is, bc := balanced.publishedBadgeClass(t, token)
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())

	const rows = 200
	t.Run("bulk job runs once, reminders are sent once", func(t *testing.T) {
		var file strings.Builder
		file.WriteString("email\n")
		for i := range rows {
			fmt.Fprintf(&file, "twonode%03d@example.org\n", i)
		}
		var job progress
		b.call(t, token, "POST", "/api/v1/badgeclasses/"+bc.ID+"/bulk-awards", file.String(), 202, &job)
		count := func(query string, args ...any) int {
			t.Helper()
			var n int
			if err := conn.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		waitFor(t, time.Minute, "the bulk job to be done", func() bool {
			balanced.call(t, token, "GET", "/api/v1/bulk-awards/"+job.ID, nil, 200, &job)
			return job.State == "done"
		})
		// Two days pass for the awards (their deadlines move closer in the
		// store): the reminder at 5 days left is due, on both nodes at once.
		if _, err := conn.Exec(context.Background(), `UPDATE awards SET deadline_ns = deadline_ns - $2
			WHERE bundle_id = $1`, job.ID, int64(48*time.Hour)); err != nil {
			t.Fatal(err)
		}
		// The reminder is recorded on the award in its mail's transaction.
		waitFor(t, time.Minute, "every award to be reminded", func() bool {
			return count(`SELECT count(*) FROM awards WHERE bundle_id = $1 AND 5 = ANY (reminders)`, job.ID) == rows
		})
		if n := count(`SELECT count(*) FROM awards WHERE bundle_id = $1`, job.ID); n != rows {
			t.Errorf("%d awards of the job, want %d", n, rows)
		}
		for _, tmpl := range []string{"award_waiting", "award_reminder"} {
			if n := count(`SELECT count(*) FROM notify_mails WHERE institution_id = $1 AND template = $2`, in.ID, tmpl); n != rows {
				t.Errorf("%d %s mails, want %d (one per award)", n, tmpl, rows)
			}
		}
		t.Cleanup(func() {
			// By the end of the test both nodes have run their due work
			// many more times: still one reminder each.
			if n := count(`SELECT count(*) FROM notify_mails WHERE institution_id = $1 AND template = 'award_reminder'`, in.ID); n != rows {
				t.Errorf("at the end, %d reminder mails, want %d", n, rows)
			}
		})
	})

	var client struct {
		ID     string `json:"clientId"`
		Secret string `json:"clientSecret"`
	}
	balanced.call(t, token, "POST", "/api/v1/institutions/"+in.ID+"/clients", map[string]any{"name": "SIS", "freeForm": true}, 201, &client)
	bearer := oauthToken(t, a.url, client.ID, client.Secret)

	const issued = 40
	creds := make([]map[string]any, issued)
	t.Run("status list indexes never collide", func(t *testing.T) {
		var wg sync.WaitGroup
		for i := range issued {
			wg.Go(func() {
				node := []*server{a, b}[i%2]
				var out struct {
					VC map[string]any `json:"verifiableCredential"`
				}
				status, body := bearerCall(node.url, bearer, "/credentials/issue", map[string]any{
					"credential": map[string]any{"@context": []any{"https://www.w3.org/ns/credentials/v2"},
						"type": []any{"VerifiableCredential"}, "credentialSubject": map[string]any{"id": fmt.Sprintf("did:example:learner%d", i)}},
					"options": map[string]any{"issuer": is.ID}})
				if status != http.StatusCreated || json.Unmarshal(body, &out) != nil {
					t.Errorf("issue %d on %s: %d %s", i, node.url, status, body)
					return
				}
				creds[i] = out.VC
			})
		}
		wg.Wait()
		seen := map[string]int{}
		for i, c := range creds {
			entry, _ := c["credentialStatus"].(map[string]any)
			if entry == nil {
				t.Fatalf("credential %d has no status entry: %v", i, c)
			}
			at := fmt.Sprint(entry["statusListCredential"], "#", entry["statusListIndex"])
			if j, dup := seen[at]; dup {
				t.Errorf("credentials %d and %d share the status entry %s", j, i, at)
			}
			seen[at] = i
		}
	})

	t.Run("a revocation on one node is seen on the other", func(t *testing.T) {
		vc := creds[0]
		verify := func(node *server) (int, string) {
			status, body := bearerCall(node.url, "", "/credentials/verify", map[string]any{"verifiableCredential": vc})
			return status, string(body)
		}
		if status, body := verify(b); status != http.StatusOK {
			t.Fatalf("before revocation, node b: %d %s", status, body)
		}
		status, body := bearerCall(a.url, bearer, "/credentials/status", map[string]any{"credentialId": vc["id"],
			"credentialStatus": []any{map[string]any{"type": "BitstringStatusListEntry", "status": "revoked"}}})
		if status != http.StatusOK {
			t.Fatalf("revoke on node a: %d %s", status, body)
		}
		waitFor(t, time.Minute, "node b to see the revocation", func() bool {
			status, body := verify(b)
			return status != http.StatusOK && strings.Contains(body, "revoked")
		})
	})
}

// waitFor polls cond until it holds, failing after within.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(within); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", within, what)
		}
		time.Sleep(50 * time.Millisecond) // polling, not an assertion
	}
}

// oauthToken gets an access token for the client with the client
// credentials grant.
func oauthToken(t *testing.T, base, id, secret string) string {
	t.Helper()
	resp, err := http.PostForm(base+"/oauth/token", url.Values{"grant_type": {"client_credentials"},
		"client_id": {id}, "client_secret": {secret}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != http.StatusOK || tok.AccessToken == "" {
		t.Fatalf("/oauth/token: %d %v", resp.StatusCode, err)
	}
	return tok.AccessToken
}

// bearerCall posts body as JSON to base+path with the bearer token (none
// when empty) and returns the status and body; safe from goroutines.
func bearerCall(base, bearer, path string, body any) (int, []byte) {
	j, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(string(j)))
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, []byte(err.Error())
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}
