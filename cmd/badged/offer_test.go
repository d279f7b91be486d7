package main

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

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
