package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// badged runs the command line in-process and returns its stdout.
func badged(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(stdin), &out)
	return out.String(), err
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// unsigned is testdata/credential-3kb.json with the issuer id removed, so
// that `issue` makes the key's did:key the issuer, and without status (its
// status list lives on a host the test does not serve).
func unsigned(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile("../../testdata/credential-3kb.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc["issuer"].(map[string]any), "id")
	delete(doc, "credentialStatus")
	delete(doc, "validFrom")
	return doc
}

func TestKeysIssueVerify(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "issuer.key")
	out, err := badged(t, "", "keys", "generate", "--out", keyFile)
	if err != nil {
		t.Fatal(err)
	}
	keyDID := strings.TrimSpace(out)
	if !regexp.MustCompile(`^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]+$`).MatchString(keyDID) {
		t.Fatalf("keys generate printed %q, want a did:key", out)
	}
	if out, err := badged(t, "", "keys", "show", keyFile); err != nil || strings.TrimSpace(out) != keyDID {
		t.Fatalf("keys show = %q, %v; want %s", out, err, keyDID)
	}
	if _, err := badged(t, "", "keys", "generate", "--out", keyFile); err == nil {
		t.Fatal("keys generate overwrote an existing key file")
	}

	credFile := filepath.Join(dir, "credential.json")
	writeJSON(t, credFile, unsigned(t))
	for _, format := range []string{"di-rdfc", "di-jcs", "jwt"} {
		t.Run(format, func(t *testing.T) {
			signed, err := badged(t, "", "issue", "--key", keyFile, "--format", format, credFile)
			if err != nil {
				t.Fatal(err)
			}
			if format != "jwt" {
				var doc map[string]any
				if err := json.Unmarshal([]byte(signed), &doc); err != nil {
					t.Fatal(err)
				}
				if id := doc["issuer"].(map[string]any)["id"]; id != keyDID {
					t.Errorf("issuer id = %v, want the key's did:key %s", id, keyDID)
				}
				if _, ok := doc["validFrom"].(string); !ok {
					t.Error("issue did not set validFrom")
				}
			}
			out, err := badged(t, signed, "verify", "-")
			if err != nil {
				t.Fatalf("verify: %v\n%s", err, out)
			}
			if !strings.HasPrefix(out, "-: VALID") {
				t.Errorf("verify report:\n%s", out)
			}

			tampered := strings.Replace(signed, "Data Science Foundations", "Data Science Mastery", 1)
			if format == "jwt" {
				parts := strings.Split(strings.TrimSpace(signed), ".")
				parts[1] = parts[1][:10] + flip(parts[1][10]) + parts[1][11:]
				tampered = strings.Join(parts, ".")
			}
			out, err = badged(t, tampered, "verify", "--json", "-")
			if err == nil {
				t.Fatalf("verify accepted a tampered credential:\n%s", out)
			}
			var res struct {
				File     string
				Verified bool
				Verdict  string
				Checks   []struct{ ID, Verdict string }
			}
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("--json output %q: %v", out, err)
			}
			if res.Verified || res.Verdict != "invalid" || res.File != "-" {
				t.Errorf("--json result = %+v", res)
			}
		})
	}
}

// flip changes a base64url character to another valid one.
func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

func TestIssueRefuses(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "k")
	if _, err := badged(t, "", "keys", "generate", "--out", keyFile); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		mutate func(map[string]any)
		want   string
	}{
		{"fail/undefined term", func(d map[string]any) { d["shoeSize"] = 44 }, "shoeSize"},
		{"fail/no subject", func(d map[string]any) { delete(d, "credentialSubject") }, "credentialSubject"},
		{"fail/VC 1.1", func(d map[string]any) {
			d["@context"] = []any{"https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"}
		}, "VC 1.1"},
		{"fail/already signed", func(d map[string]any) { d["proof"] = map[string]any{"type": "DataIntegrityProof"} }, "already has a proof"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := unsigned(t)
			tt.mutate(doc)
			f := filepath.Join(dir, "c.json")
			writeJSON(t, f, doc)
			out, err := badged(t, "", "issue", "--key", keyFile, f)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
			if out != "" {
				t.Errorf("a refused credential printed output: %q", out)
			}
		})
	}
}

func TestVerifyFixtures(t *testing.T) {
	fixtures := "../../testdata/vectors/ob3-validator-fixtures/"
	out, err := badged(t, "", "verify", fixtures+"simple-json.png", fixtures+"simple-jwt.svg")
	if err != nil {
		t.Fatalf("valid fixtures: %v\n%s", err, out)
	}
	out, err = badged(t, "", "verify", fixtures+"simple.json", fixtures+"simple-err-expired.json")
	if err == nil || !strings.Contains(err.Error(), "1 of 2 inputs not valid") {
		t.Fatalf("err = %v, want 1 of 2 not valid\n%s", err, out)
	}
	if !strings.Contains(out, "FAIL validity  expired") {
		t.Errorf("report does not say expired:\n%s", out)
	}
	if _, err := badged(t, "", "verify", filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("verify of a missing file succeeded")
	}
}

func TestHelp(t *testing.T) {
	out, err := badged(t, "", "help")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range commands() {
		if !strings.Contains(out, c.name) {
			t.Errorf("help does not list %s", c.name)
		}
		sub, err := badged(t, "", c.name, "-h")
		if err != nil || !strings.Contains(sub, "Usage: badged "+c.name) {
			t.Errorf("%s -h = %q, %v", c.name, sub, err)
		}
	}
	serve, _ := badged(t, "", "serve", "-h")
	for _, e := range envVars {
		if !strings.Contains(serve, e.name) {
			t.Errorf("serve -h does not list %s", e.name)
		}
	}
	if _, err := badged(t, "", "frobnicate"); err == nil {
		t.Error("an unknown command succeeded")
	}
}

// TestServe runs the server on a free port with a new data directory and
// asks it for /healthz over real HTTP, then stops it.
func TestServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	dir := t.TempDir()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", dir}, func(string) string { return "" }, nil, pw)
		pw.Close()
	}()
	addr := ""
	lines := bufio.NewScanner(pr)
	for lines.Scan() {
		if m := regexp.MustCompile(`addr=(\S+)`).FindStringSubmatch(lines.Text()); m != nil {
			addr = m[1]
			break
		}
	}
	go io.Copy(io.Discard, pr)
	if addr == "" {
		t.Fatal("serve never logged its address")
	}
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var health struct{ Status string }
	json.NewDecoder(resp.Body).Decode(&health)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || health.Status != "ok" {
		t.Errorf("healthz = %d %+v", resp.StatusCode, health)
	}
	if _, err := os.Stat(filepath.Join(dir, "master.key")); err != nil {
		t.Errorf("demo mode did not keep a master key: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve returned %v after shutdown", err)
	}
}

// TestVerifyAllFixtures runs every 1EdTech validator fixture through
// `badged verify --json` and compares validity with EXPECTED.md. Fixtures
// whose keys or status lists live on hosts this machine cannot reach are
// verified against a local server in the verifier package's TestFixtures;
// the deviation from EXPECTED.md (simple.jwt names no key) is explained
// there.
func TestVerifyAllFixtures(t *testing.T) {
	dir := "../../testdata/vectors/ob3-validator-fixtures/"
	valid := map[string]bool{
		"simple.json": true, "simple.1ob": true, "simple-did-key-method.json": true, "simple-did-web-method.json": true,
		"simple-context-alias.json": true, "simple_v1.json": true, "simple-eddsa-2022.json": true,
		"simple-json.png": true, "simple-jwt.png": true, "simple-json.svg": true, "simple-jwt.svg": true,
		"simple-jwt_v1.png": true, "simple-jwt_v1.svg": true, "endorsement-valid.json": true,
		"sd/derivedcredential.json": true,
	}
	network := map[string]bool{ // verified in verifier.TestFixtures with a local server
		"credential-status-revoked.json": true, "complete.json": true, "velocity.jwt": true,
		"bit-string-list/credential-status-revoked.json": true, "bit-string-list/credential-status-revoked-blank-nodes.json": true,
		"simple.jwt": true, "bit-string-list/testlist": true,
	}
	var files []string
	for _, pattern := range []string{"*", "bit-string-list/*", "sd/*"} {
		m, err := filepath.Glob(dir + pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			name := strings.TrimPrefix(f, dir)
			if st, err := os.Stat(f); err == nil && !st.IsDir() && name != "EXPECTED.md" && !network[name] {
				files = append(files, f)
			}
		}
	}
	if len(files) < 35 {
		t.Fatalf("found only %d fixtures", len(files))
	}
	out, _ := badged(t, "", append([]string{"verify", "--json"}, files...)...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(files) {
		t.Fatalf("%d results for %d files", len(lines), len(files))
	}
	for _, line := range lines {
		var res struct {
			File     string
			Verified bool
		}
		if err := json.Unmarshal([]byte(line), &res); err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(res.File, dir)
		if res.Verified != valid[name] {
			t.Errorf("%s: verified = %v, EXPECTED.md says valid = %v", name, res.Verified, valid[name])
		}
	}
}
