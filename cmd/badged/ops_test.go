package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// TestMetricsAndJSONLogs runs the real binary with BADGED_LOG_FORMAT=json
// and BADGED_METRICS_ADDR: every line it logs is a JSON object, among them
// an access line per request (request id, route pattern, status, bytes,
// duration, and nothing of the path's or query's data); after the demo's
// awards and a verification, the separate metrics address serves the
// families an operator watches in the Prometheus text format, which the
// public address does not.
func TestMetricsAndJSONLogs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := filepath.Join(t.TempDir(), "badged")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(t.TempDir(), "data"))
	cmd.Env = append(os.Environ(), "BADGED_LOG_FORMAT=json", "BADGED_METRICS_ADDR=127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := make(chan map[string]any, 1000)
	bad := make(chan string, 10)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var l map[string]any
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				bad <- sc.Text()
				continue
			}
			lines <- l
		}
		close(lines)
	}()
	var url, metricsAddr string
	deadline := time.After(60 * time.Second)
	for url == "" || metricsAddr == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("badged serve exited")
			}
			switch l["msg"] {
			case "badged listening":
				url, _ = l["addr"].(string)
			case "metrics listening":
				metricsAddr, _ = l["addr"].(string)
			}
		case b := <-bad:
			t.Fatalf("a log line that is not JSON: %q", b)
		case <-deadline:
			t.Fatal("badged serve did not start")
		}
	}
	get := func(u string) (*http.Response, []byte) {
		t.Helper()
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	get("http://" + url + "/catalogue/?q=anna%40student.example.org")
	resp, err := http.Post("http://"+url+"/credentials/verify", "application/json",
		strings.NewReader(`{"verifiableCredential": {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp, _ := get("http://" + url + "/metrics"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the public address serves /metrics (%d) although BADGED_METRICS_ADDR is set", resp.StatusCode)
	}

	resp, body := get("http://" + metricsAddr + "/metrics")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %d", resp.StatusCode)
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("/metrics is not the Prometheus text format: %v", err)
	}
	label := func(family, name, value string) bool {
		for _, m := range families[family].GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == name && l.GetValue() == value {
					return true
				}
			}
		}
		return false
	}
	for family, want := range map[string][2]string{
		"badged_http_requests_total":           {"route", "/catalogue"},
		"badged_http_request_duration_seconds": {"route", "/credentials/verify"},
		"badged_verifications_total":           {"result", "invalid"},
		"badged_award_events_total":            {"event", "direct-award-sent"},
		"badged_cache_lookups_total":           {"cache", "content_structure"},
		"badged_store_seconds":                 {"store", "bolt"},
		"badged_mail_attempts_total":           {"outcome", "failed"},
		"badged_bulk_jobs_total":               {"state", "done"},
	} {
		if !label(family, want[0], want[1]) {
			t.Errorf("/metrics: no %s{%s=%q} in\n%s", family, want[0], want[1], families[family])
		}
	}
	for _, family := range []string{"go_goroutines", "badged_outbox_due_mails", "badged_bulk_rows_awarded_total"} {
		if _, ok := families[family]; !ok {
			t.Errorf("/metrics: no %s", family)
		}
	}
	for name := range families {
		if !model.LegacyValidation.IsValidMetricName(name) {
			t.Errorf("metric name %q", name)
		}
	}

	cmd.Process.Signal(os.Interrupt)
	cmd.Wait()
	var access int
	for l := range lines {
		if l["msg"] != "request" {
			continue
		}
		access++
		for _, k := range []string{"request_id", "method", "route", "status", "bytes", "duration_ms"} {
			if _, ok := l[k]; !ok {
				t.Errorf("access line without %s: %v", k, l)
			}
		}
		if b, _ := json.Marshal(l); strings.Contains(string(b), "anna") || strings.Contains(string(b), "student.example.org") {
			t.Errorf("the access log carries the query's personal data: %s", b)
		}
	}
	select {
	case b := <-bad:
		t.Errorf("a log line that is not JSON: %q", b)
	default:
	}
	if access < 3 {
		t.Errorf("%d access lines, want one per request", access)
	}
}

// TestBackupRestoreVerifyAll backs up the real binary's demo while it
// serves (the data directory's own file is refused then, with the way to
// do it), restores the copy into a fresh data directory (never over an
// existing database), and checks every credential there with verify
// --all; the same check under another base URL, whose issuers are then
// not this store's, fails. With the server stopped, the file itself is
// backed up.
func TestBackupRestoreVerifyAll(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := filepath.Join(t.TempDir(), "badged")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data, dir := filepath.Join(t.TempDir(), "data"), t.TempDir()
	badged := func(env []string, args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	token, err := badged(nil, "session", "--data", data)
	if err != nil {
		t.Fatalf("badged session: %v\n%s", err, token)
	}
	token = strings.TrimSpace(token)
	srv := startServer(t, bin, data, nil)
	if out, err := badged(nil, "offer", "--demo", "--server", srv.base); err != nil {
		t.Fatalf("badged offer --demo (claims a badge): %v\n%s", err, out)
	}

	file := filepath.Join(dir, "backup.db")
	if out, err := badged(nil, "backup", "--out", file, "--data", data); err == nil || !strings.Contains(out, "--server") {
		t.Errorf("backup of a served data directory: %v\n%s", err, out)
	}
	if _, err := os.Stat(file); err == nil {
		t.Error("a refused backup left a file")
	}
	if out, err := badged(nil, "backup", "--out", file, "--server", srv.url, "--token", "not-a-session"); err == nil {
		t.Errorf("backup with a wrong token: %s", out)
	}
	if out, err := badged(nil, "backup", "--out", file, "--server", srv.url, "--token", token); err != nil {
		t.Fatalf("backup while serving: %v\n%s", err, out)
	}

	restored := filepath.Join(dir, "restored")
	if out, err := badged(nil, "restore", "--data", restored, file); err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	if out, err := badged(nil, "restore", "--data", restored, file); err == nil || !strings.Contains(out, "fresh data directory") {
		t.Errorf("restore over a database: %v\n%s", err, out)
	}
	out, err := badged([]string{"BADGED_BASE_URL=" + srv.base}, "verify", "--all", "--data", restored)
	if err != nil || !strings.Contains(out, " 0 do not") || strings.HasPrefix(out, "0 credentials") {
		t.Fatalf("verify --all of the restored copy: %v\n%s", err, out)
	}
	t.Logf("verify --all: %s", strings.TrimSpace(out))
	if out, err := badged([]string{"BADGED_BASE_URL=https://elsewhere.example"}, "verify", "--all", "--data", restored); err == nil ||
		!strings.Contains(out, " 1 do not") {
		t.Errorf("verify --all under another base URL: %v\n%s", err, out)
	}

	srv.kill(t)
	if out, err := badged(nil, "backup", "--out", filepath.Join(dir, "offline.db"), "--data", data); err != nil {
		t.Errorf("backup of a stopped server's data directory: %v\n%s", err, out)
	}
}
