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
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/badged/badged/audit"
	"github.com/badged/badged/bulk"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/notify"
	"github.com/badged/badged/storage/bolt"
	"github.com/badged/badged/storage/postgres"
	"github.com/jackc/pgx/v5"
)

// TestBulkAwardSurvivesSIGKILL is acceptance item 4 of issue 8 (and 4 of
// issue 3): the badged binary, killed with SIGKILL several times in the
// middle of a 5,000-row bulk award and restarted on the same data each
// time, ends with every row awarded exactly once, with exactly one "award
// waiting" mail in the outbox and one audit entry. At every kill the
// stored awards, mails and entries are counted: each award has its mail
// and entry (they are written in its transaction). Kills land inside
// batches, and on PostgreSQL two land, for certain, after a batch
// committed and before the job recorded it, so that the restarted job
// redoes a stored batch (the retry path).
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
		killAndResume(t, bin, data, nil, "", func(t *testing.T) (killStore, func()) {
			db, err := bolt.Open(filepath.Join(data, "badged.db"))
			if err != nil {
				t.Fatal(err)
			}
			return db, func() { db.Close() }
		})
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := freshPostgres(t)
		data := filepath.Join(t.TempDir(), "data")
		killAndResume(t, bin, data, []string{"BADGED_DATABASE_URL=" + dsn}, dsn, func(t *testing.T) (killStore, func()) {
			db, err := postgres.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			return db, db.Close
		})
	})
}

// killStore is what the test reads between runs: the awards, the outbox,
// the audit trail and the bulk jobs.
type killStore interface {
	issuer.AwardStore
	notify.Store
	audit.Store
	bulk.Store
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

func startServer(t *testing.T, bin, data string, env []string, args ...string) *server {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", data}, args...)...)
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

// node is a node of the hierarchy as the API answers it.
type node struct {
	ID      string `json:"id"`
	Version int64  `json:"version"`
}

// publishedBadgeClass creates, as the superuser of token, an institution
// (uni.example.edu), a group, an issuer and a published badge class
// "Statistics" through the API.
func (s *server) publishedBadgeClass(t *testing.T, token string) (in, is, bc node) {
	t.Helper()
	var g node
	s.call(t, token, "POST", "/api/v1/institutions", map[string]any{"name": map[string]string{"en": "University"},
		"schacHome": "uni.example.edu", "institutionType": "WO", "country": "NL", "defaultLanguage": "nl"}, 201, &in)
	s.call(t, token, "POST", "/api/v1/institutions/"+in.ID+"/groups", map[string]any{"name": map[string]string{"en": "Faculty"}}, 201, &g)
	s.call(t, token, "POST", "/api/v1/groups/"+g.ID+"/issuers", map[string]any{"name": map[string]string{"en": "Department"}}, 201, &is)
	s.call(t, token, "POST", "/api/v1/issuers/"+is.ID+"/badgeclasses", map[string]any{"name": map[string]string{"en": "Statistics"},
		"description": map[string]string{"en": "Basic statistics"}, "criteria": map[string]string{"narrative": "Pass."}, "language": "en"}, 201, &bc)
	s.call(t, token, "POST", "/api/v1/badgeclasses/"+bc.ID+"/publish", map[string]int64{"version": bc.Version}, 200, &bc)
	return in, is, bc
}

type progress struct {
	ID    string `json:"id"`
	State string `json:"state"`
	Total int    `json:"total"`
	Done  int    `json:"done"`
}

// stored counts the awards of the bundle jobID, the mails and the award
// audit entries of institutionID in st, and the rows the job has done.
func stored(t *testing.T, st killStore, institutionID, jobID string) (awards, mails, entries, done int) {
	t.Helper()
	ctx := context.Background()
	as, err := st.Awards(ctx, issuer.AwardQuery{BundleID: jobID})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := st.Mails(ctx, notify.MailQuery{InstitutionID: institutionID})
	if err != nil {
		t.Fatal(err)
	}
	es, err := st.Entries(ctx, audit.Query{InstitutionID: institutionID, Target: audit.Target{Kind: "award"}})
	if err != nil {
		t.Fatal(err)
	}
	j, err := st.Job(ctx, jobID)
	if err != nil {
		t.Fatal(err)
	}
	return len(as), len(ms), len(es), j.Done
}

// killInWindow kills srv, a badged serve on PostgreSQL working on job
// jobID, at a moment inside a batch: with retry, once a batch has
// committed its awards and the job has not yet counted them; without,
// while the stored awards equal the rows done. For the retry window the
// test holds the job's row (SELECT … FOR UPDATE): the worker's next
// progress update waits for it after its batch committed, so the moment
// comes for certain. Otherwise it samples by stopping the process
// (SIGSTOP), reading the counts, and letting it go on (SIGCONT) until the
// moment comes; a statement already sent may still commit after the stop,
// so the caller checks what the kill left. It reports whether it killed.
func killInWindow(t *testing.T, srv *server, conn *pgx.Conn, jobID string, retry bool) bool {
	t.Helper()
	ctx := context.Background()
	if retry {
		return killHoldingJob(t, srv, conn, jobID)
	}
	pid := srv.cmd.Process.Pid
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); {
		if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
			t.Fatal(err)
		}
		waitStopped(t, pid)
		var awards, done int
		var state string
		err := conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM awards WHERE bundle_id = $1),
			(data->>'done')::int, state FROM bulk_jobs WHERE id = $1`, jobID).Scan(&awards, &done, &state)
		if err != nil {
			t.Fatal(err)
		}
		if state != "running" {
			syscall.Kill(pid, syscall.SIGCONT)
			return false
		}
		if retry && awards > done || !retry && awards == done && done > 0 {
			srv.kill(t) // SIGKILL ends a stopped process too
			return true
		}
		if err := syscall.Kill(pid, syscall.SIGCONT); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond) // sampling, not an assertion
	}
	return false
}

// killHoldingJob holds the row of job jobID in a transaction of conn, so
// that the worker's next progress update waits, and kills srv as soon as
// a batch it stored is not yet counted. It reports false when the job is
// no longer running.
func killHoldingJob(t *testing.T, srv *server, conn *pgx.Conn, jobID string) bool {
	t.Helper()
	ctx := context.Background()
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) // after the kill: the row is free for the next server
	var state string
	if err := tx.QueryRow(ctx, `SELECT state FROM bulk_jobs WHERE id = $1 FOR UPDATE`, jobID).Scan(&state); err != nil {
		t.Fatal(err)
	}
	if state != "running" {
		return false
	}
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); {
		var awards, done int
		// Read Committed: each statement sees the batches committed so far.
		err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM awards WHERE bundle_id = $1),
			(data->>'done')::int FROM bulk_jobs WHERE id = $1`, jobID).Scan(&awards, &done)
		if err != nil {
			t.Fatal(err)
		}
		if awards > done {
			srv.kill(t)
			return true
		}
		time.Sleep(2 * time.Millisecond) // polling, not an assertion
	}
	t.Fatal("holding the job's row, no batch was stored within a minute")
	return false
}

// waitStopped returns once the process pid is stopped (state T in
// /proc/pid/stat): a signal is delivered after kill(2) returns.
func waitStopped(t *testing.T, pid int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			t.Fatal(err)
		}
		// pid (comm) state …: the state follows the last ')'.
		if i := bytes.LastIndexByte(b, ')'); i >= 0 && i+2 < len(b) && b[i+2] == 'T' {
			return
		}
		runtime.Gosched()
	}
	t.Fatal("the server did not stop")
}

// huntWindow kills srv, working on job jobID, as soon as the first award
// of the batch after the rows done is readable: a batch has committed,
// and the job may not have counted it yet.
func huntWindow(t *testing.T, srv *server, token, jobID string) {
	t.Helper()
	var p progress
	srv.call(t, token, "GET", "/api/v1/bulk-awards/"+jobID, nil, 200, &p)
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); {
		if p.State != "running" {
			t.Fatalf("the job is %s before the kill", p.State)
		}
		req, _ := http.NewRequest("GET", srv.url+"/api/v1/awards/"+bulk.AwardID(jobID, p.Done+2), nil)
		req.AddCookie(&http.Cookie{Name: "badged_session", Value: token})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			srv.kill(t)
			return
		}
		// Not stored yet. Done cannot move before it is, unless it moved
		// already: read it again.
		srv.call(t, token, "GET", "/api/v1/bulk-awards/"+jobID, nil, 200, &p)
	}
	t.Fatal("never saw a batch stored before the job counted it")
}

// killAndResume runs a 5,000-row bulk award on the data of data (and
// PostgreSQL at dsn, when set), kills the server at least three times
// inside a batch, restarts it each time, and checks the end result in the store
// open opens.
func killAndResume(t *testing.T, bin, data string, env []string, dsn string, open func(t *testing.T) (killStore, func())) {
	const rows = 5000
	session := exec.Command(bin, "session", "--data", data)
	session.Env = append(os.Environ(), env...)
	tok, err := session.Output()
	if err != nil {
		t.Fatalf("badged session: %v", err)
	}
	token := strings.TrimSpace(string(tok))

	srv := startServer(t, bin, data, env)
	in, _, bc := srv.publishedBadgeClass(t, token)

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
	t.Logf("5,000-row file accepted in %v", time.Since(start).Round(time.Millisecond))

	var conn *pgx.Conn
	if dsn != "" {
		c, err := pgx.Connect(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(context.Background())
		conn = c
	}
	// Kills inside batches, after the job passes about a fifth, half and
	// three quarters of the rows. The first and last fall in the retry
	// window: after a batch's transaction commits and before the job
	// counts it. On PostgreSQL the test makes that moment by holding the
	// job's row, so the worker's progress update waits; on bbolt, whose
	// file the server locks, it finds it by reading the first award of the
	// next batch over the API, and may just miss it (the job's update was
	// on its way): what the kill left decides. The middle kill falls at
	// nine tenths of a batch's time (on PostgreSQL: while the stored awards
	// equal the rows done, found by stopping the process).
	type killAt struct {
		rows  int
		frac  float64 // of a batch's time, after it began
		retry bool    // in the retry window
	}
	plan := []killAt{{rows/5 + 60, 0, true}, {rows/2 + 60, 0.9, false}, {3*rows/4 + 60, 0, true}}
	if conn == nil {
		// bbolt, where a restart costs no lease wait: two more kills in
		// flight, at a third and at two thirds of a batch's time.
		plan = []killAt{{rows/5 + 60, 0, true}, {2*rows/5 + 60, 0.3, false}, {rows/2 + 60, 0.9, false},
			{3*rows/5 + 60, 0.6, false}, {3*rows/4 + 60, 0, true}}
	}
	var (
		p               progress
		retries, misses int
	)
	for i := 0; i < len(plan); i++ {
		at := plan[i]
		// Wait until the job passes the mark and one more batch begins.
		var began, prev time.Time
		last := -1
		for deadline := time.Now().Add(2 * time.Minute); ; {
			srv.call(t, token, "GET", "/api/v1/bulk-awards/"+job.ID, nil, 200, &p)
			if p.Done != last {
				prev, began, last = began, time.Now(), p.Done
				if p.Done >= at.rows && !prev.IsZero() {
					break
				}
			}
			if p.State == "done" || time.Now().After(deadline) {
				t.Fatalf("kill %d: the job never passed %d rows: %+v", i+1, at.rows, p)
			}
			time.Sleep(2 * time.Millisecond) // polling, not an assertion
		}
		switch {
		case conn != nil:
			if !killInWindow(t, srv, conn, job.ID, at.retry) {
				t.Fatalf("kill %d: no moment to kill in (retry window: %v)", i+1, at.retry)
			}
		case at.retry:
			huntWindow(t, srv, token, job.ID)
		default:
			time.Sleep(time.Duration(at.frac * float64(began.Sub(prev)))) // where in the batch to kill
			srv.kill(t)
		}
		st, closeStore := open(t)
		awards, mails, entries, done := stored(t, st, in.ID, job.ID)
		closeStore()
		t.Logf("kill %d: %d awards, %d mails, %d audit entries stored; the job counted %d rows", i+1, awards, mails, entries, done)
		if mails != awards || entries != awards {
			t.Fatalf("kill %d: %d awards stored with %d mails and %d audit entries: some award lost its effects", i+1, awards, mails, entries)
		}
		switch {
		case awards > done:
			retries++ // the restarted job redoes a stored batch
		case at.retry && conn != nil:
			t.Fatalf("kill %d: holding the job's row, the kill left no stored batch uncounted", i+1)
		case at.retry:
			misses++
		}
		srv = startServer(t, bin, data, env)
	}
	// On PostgreSQL every retry kill crossed the retry path (checked
	// above). On bbolt the window is one bolt commit, which nothing outside
	// the process can hold open: a miss is logged, not failed; the store's
	// side of a redone batch (effects whose IDs exist are skipped) is
	// storagetest.RunAwardEffects, on both stores.
	t.Logf("%d of %d kills left a stored batch for the restarted job to redo (%d missed the window)", retries, len(plan), misses)

	restarted := time.Now()
	for deadline := time.Now().Add(3 * time.Minute); p.State != "done"; {
		srv.call(t, token, "GET", "/api/v1/bulk-awards/"+job.ID, nil, 200, &p)
		if p.State == "failed" || time.Now().After(deadline) {
			t.Fatalf("job after restart: %+v", p)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("done %v after the last restart, %v after upload", time.Since(restarted).Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	if p.Done != rows {
		t.Fatalf("done %d rows, want %d", p.Done, rows)
	}
	srv.stop(t)

	st, closeStore := open(t)
	defer closeStore()
	ctx := context.Background()
	awards, err := st.Awards(ctx, issuer.AwardQuery{BundleID: job.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(awards) != rows {
		t.Fatalf("%d awards in the bundle, want %d", len(awards), rows)
	}
	recipients := map[string]string{} // email → award ID
	for _, a := range awards {
		recipients[a.Recipient.Email] = a.ID
		var n int
		fmt.Sscanf(a.Recipient.Email, "learner%05d@", &n)
		if a.ID != bulk.AwardID(job.ID, n+2) {
			t.Fatalf("award %s of %s is not the award of row %d", a.ID, a.Recipient.Email, n+2)
		}
	}
	if len(recipients) != rows {
		t.Fatalf("%d distinct recipients, want %d", len(recipients), rows)
	}
	all, err := st.Awards(ctx, issuer.AwardQuery{BadgeClassID: bc.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != rows {
		t.Fatalf("%d awards of the badge class, want %d", len(all), rows)
	}
	// One "award waiting" mail per row, to its learner, about its award.
	mails, err := st.Mails(ctx, notify.MailQuery{InstitutionID: in.ID})
	if err != nil {
		t.Fatal(err)
	}
	mailed := map[string]int{}
	for _, m := range mails {
		id, ok := recipients[m.To]
		if !ok || m.Template != notify.TemplateAwardWaiting || m.ID != "direct-award-sent:"+id+":0" {
			t.Fatalf("an unexpected mail: %s to %s (%s)", m.ID, m.To, m.Template)
		}
		mailed[m.To]++
	}
	// One audit entry per award.
	entries, err := st.Entries(ctx, audit.Query{InstitutionID: in.ID, Target: audit.Target{Kind: "award"}})
	if err != nil {
		t.Fatal(err)
	}
	recorded := map[string]int{}
	for _, e := range entries {
		if e.Action != audit.ActionAwardCreate {
			t.Fatalf("an unexpected audit entry: %s on %s", e.Action, e.Target.ID)
		}
		recorded[e.Target.ID]++
	}
	for email, id := range recipients {
		if mailed[email] != 1 || recorded[id] != 1 {
			t.Fatalf("award %s to %s: %d mails, %d audit entries; want one each", id, email, mailed[email], recorded[id])
		}
	}
	if len(mails) != rows || len(entries) != rows {
		t.Fatalf("%d mails and %d audit entries for %d rows", len(mails), len(entries), rows)
	}
}
