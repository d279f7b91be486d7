package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/badged/badged/openid4vci"
	"github.com/badged/badged/storage/bolt"
)

// TestOffer runs `badged offer` on a data directory with an issued award:
// it prints the offer URI under the base URL and a six-digit transaction
// code; an award without a credential, or no --award, is refused.
func TestOffer(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	db, err := bolt.Open(filepath.Join(data, "badged.db"))
	if err != nil {
		t.Fatal(err)
	}
	iss, req := issuanceFixture(t, db, "http://localhost:8080")
	if _, err := iss.Issue(ctx, *req); err != nil {
		t.Fatal(err)
	}
	db.Close()

	out, err := badged(t, "", "offer", "--data", data, "--base-url", "http://localhost:8080", "--award", "award-1")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || len(lines[1]) != 6 {
		t.Fatalf("output %q", out)
	}
	u, err := url.Parse(lines[0])
	if err != nil || u.Scheme != "openid-credential-offer" ||
		!strings.HasPrefix(u.Query().Get("credential_offer_uri"), "http://localhost:8080/openid4vci/offers/") {
		t.Errorf("offer URI %q", lines[0])
	}
	for name, args := range map[string][]string{
		"fail/no award":         {"offer", "--data", data, "--base-url", "http://localhost:8080"},
		"fail/award not issued": {"offer", "--data", data, "--base-url", "http://localhost:8080", "--award", "award-2"},
	} {
		if _, err := badged(t, "", args...); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestOfferDemo runs `badged offer --demo` against the real binary
// serving the README's demo: it signs in as the demo learner, claims a
// waiting badge and prints an offer whose document the server serves; a
// second run offers the badge she now holds. With no server at the URL it
// says so and fails.
func TestOfferDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := filepath.Join(t.TempDir(), "badged")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	srv := startServer(t, bin, filepath.Join(t.TempDir(), "data"), nil)
	for run := range 2 {
		out, err := exec.Command(bin, "offer", "--demo", "--server", srv.base).Output()
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) != 2 || len(lines[1]) != 6 {
			t.Fatalf("run %d: output %q", run, out)
		}
		u, err := url.Parse(lines[0])
		if err != nil || u.Scheme != "openid-credential-offer" {
			t.Fatalf("run %d: offer URI %q", run, lines[0])
		}
		resp, err := http.Get(u.Query().Get("credential_offer_uri"))
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Issuer string         `json:"credential_issuer"`
			Grants map[string]any `json:"grants"`
		}
		err = json.NewDecoder(resp.Body).Decode(&doc)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || doc.Issuer != srv.base || doc.Grants[openid4vci.GrantPreAuthorized] == nil {
			t.Errorf("run %d: offer document %d %+v %v", run, resp.StatusCode, doc, err)
		}
	}
	cmd := exec.Command(bin, "offer", "--demo", "--server", "http://127.0.0.1:1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err == nil || !strings.Contains(stderr.String(), "no demo server answers at http://127.0.0.1:1") {
		t.Errorf("no server: %v, %q", err, stderr.String())
	}
}
