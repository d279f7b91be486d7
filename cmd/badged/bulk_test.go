package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/badged/badged/bulk"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/storage/bolt"
	"github.com/badged/badged/storage/postgres"
	"github.com/jackc/pgx/v5"
)

// TestBulkAwardSurvivesSIGKILL is acceptance item 4 of issue 3: the badged
// binary, killed with SIGKILL in the middle of a 10,000-row bulk award and
// restarted on the same data, ends with every row awarded exactly once.
func TestBulkAwardSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := filepath.Join(t.TempDir(), "badged")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Run("bolt", func(t *testing.T) {
		data := filepath.Join(t.TempDir(), "data")
		killAndResume(t, bin, data, nil, func(t *testing.T) issuer.AwardStore {
			db, err := bolt.Open(filepath.Join(data, "badged.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		})
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := freshPostgres(t)
		data := filepath.Join(t.TempDir(), "data")
		killAndResume(t, bin, data, []string{"BADGED_DATABASE_URL=" + dsn}, func(t *testing.T) issuer.AwardStore {
			db, err := postgres.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(db.Close)
			return db
		})
	})
}

// freshPostgres returns the URL of a new schema on the test server, or
// skips (fails when CI=true) without one.
func freshPostgres(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("TEST_POSTGRES_DSN")
	if dsn == "" {
		dsn = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is required when CI=true: %v", err)
		}
		t.Skipf("PostgreSQL unreachable: %v", err)
	}
	defer conn.Close(ctx)
	schema := fmt.Sprintf("badged_kill_%d", time.Now().UnixNano())
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), dsn)
		if err == nil {
			c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			c.Close(context.Background())
		}
	})
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "search_path=" + schema
}

// server is a running badged serve.
type server struct {
	cmd  *exec.Cmd
	url  string // where it listens: http://127.0.0.1:PORT
	base string // its public base URL, from its log
	done chan struct{}
}

var listening = regexp.MustCompile(`badged listening"? addr=(\S+) url=(\S+)`)

func startServer(t *testing.T, bin, data string, env []string) *server {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", data)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, done: make(chan struct{})}
	addr := make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1:]
			}
			if strings.Contains(sc.Text(), "level=ERROR") {
				t.Logf("server: %s", sc.Text())
			}
		}
		close(s.done)
	}()
	select {
	case a := <-addr:
		s.url, s.base = "http://"+a[0], a[1]
	case <-s.done:
		cmd.Wait()
		t.Fatalf("badged serve exited: %s", stderr.String())
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("badged serve did not start")
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return s
}

func (s *server) kill(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	s.cmd.Wait()
	<-s.done
}

func (s *server) stop(t *testing.T) {
	t.Helper()
	s.cmd.Process.Signal(os.Interrupt)
	if err := s.cmd.Wait(); err != nil {
		t.Fatalf("badged serve: %v", err)
	}
	<-s.done
}

// call sends body (JSON, or a string as text/csv) with the session and
// decodes the answer into out, failing on any status but want.
func (s *server) call(t *testing.T, token, method, path string, body any, want int, out any) {
	t.Helper()
	var rd io.Reader
	ct := "application/json"
	switch b := body.(type) {
	case nil:
	case string:
		rd, ct = strings.NewReader(b), "text/csv"
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, s.url+path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", ct)
	}
	req.AddCookie(&http.Cookie{Name: "badged_session", Value: token})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

type progress struct {
	ID    string `json:"id"`
	State string `json:"state"`
	Total int    `json:"total"`
	Done  int    `json:"done"`
}

func killAndResume(t *testing.T, bin, data string, env []string, open func(t *testing.T) issuer.AwardStore) {
	const rows = 10000
	session := exec.Command(bin, "session", "--data", data)
	session.Env = append(os.Environ(), env...)
	tok, err := session.Output()
	if err != nil {
		t.Fatalf("badged session: %v", err)
	}
	token := strings.TrimSpace(string(tok))

	srv := startServer(t, bin, data, env)
	var in, g, is, bc struct {
		ID      string `json:"id"`
		Version int64  `json:"version"`
	}
	srv.call(t, token, "POST", "/api/v1/institutions", map[string]any{"name": map[string]string{"en": "University"},
		"schacHome": "uni.example.edu", "institutionType": "WO", "country": "NL", "defaultLanguage": "nl"}, 201, &in)
	srv.call(t, token, "POST", "/api/v1/institutions/"+in.ID+"/groups", map[string]any{"name": map[string]string{"en": "Faculty"}}, 201, &g)
	srv.call(t, token, "POST", "/api/v1/groups/"+g.ID+"/issuers", map[string]any{"name": map[string]string{"en": "Department"}}, 201, &is)
	srv.call(t, token, "POST", "/api/v1/issuers/"+is.ID+"/badgeclasses", map[string]any{"name": map[string]string{"en": "Statistics"},
		"description": map[string]string{"en": "Basic statistics"}, "criteria": map[string]string{"narrative": "Pass."}, "language": "en"}, 201, &bc)
	srv.call(t, token, "POST", "/api/v1/badgeclasses/"+bc.ID+"/publish", map[string]int64{"version": bc.Version}, 200, nil)

	var file strings.Builder
	file.WriteString("email;EPPN;narrative;evidence;grade\n")
	for i := range rows {
		fmt.Fprintf(&file, "learner%05d@example.org;l%05d@uni.example.edu;Did the work;https://example.org/e/%d;8\n", i, i, i)
	}
	var job progress
	start := time.Now()
	srv.call(t, token, "POST", "/api/v1/badgeclasses/"+bc.ID+"/bulk-awards", file.String(), 202, &job)
	if job.Total != rows || job.State != "queued" {
		t.Fatalf("submitted job = %+v", job)
	}
	t.Logf("10,000-row file accepted in %v", time.Since(start).Round(time.Millisecond))

	// Kill it once some but not all rows are done.
	var p progress
	for deadline := time.Now().Add(2 * time.Minute); ; {
		srv.call(t, token, "GET", "/api/v1/bulk-awards/"+job.ID, nil, 200, &p)
		if p.Done > 0 && p.Done < rows {
			break
		}
		if p.State == "done" || time.Now().After(deadline) {
			t.Fatalf("never saw a job part done: %+v", p)
		}
		time.Sleep(2 * time.Millisecond) // polling, not an assertion
	}
	srv.kill(t)
	t.Logf("killed at %d of %d rows done, %v after upload", p.Done, rows, time.Since(start).Round(time.Millisecond))

	srv = startServer(t, bin, data, env)
	restarted := time.Now()
	for deadline := time.Now().Add(3 * time.Minute); p.State != "done"; {
		srv.call(t, token, "GET", "/api/v1/bulk-awards/"+job.ID, nil, 200, &p)
		if p.State == "failed" || time.Now().After(deadline) {
			t.Fatalf("job after restart: %+v", p)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("done %v after the restart, %v after upload", time.Since(restarted).Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	if p.Done != rows {
		t.Fatalf("done %d rows, want %d", p.Done, rows)
	}
	srv.stop(t)

	st := open(t)
	awards, err := st.Awards(context.Background(), issuer.AwardQuery{BundleID: job.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(awards) != rows {
		t.Fatalf("%d awards in the bundle, want %d", len(awards), rows)
	}
	recipients := map[string]bool{}
	for _, a := range awards {
		recipients[a.Recipient.Email] = true
		var n int
		fmt.Sscanf(a.Recipient.Email, "learner%05d@", &n)
		if a.ID != bulk.AwardID(job.ID, n+2) {
			t.Fatalf("award %s of %s is not the award of row %d", a.ID, a.Recipient.Email, n+2)
		}
	}
	if len(recipients) != rows {
		t.Fatalf("%d distinct recipients, want %d", len(recipients), rows)
	}
	all, err := st.Awards(context.Background(), issuer.AwardQuery{BadgeClassID: bc.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != rows {
		t.Fatalf("%d awards of the badge class, want %d", len(all), rows)
	}
}
