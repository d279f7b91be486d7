package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/badged/badged/contexts"
	"github.com/badged/badged/issuance"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/keys"
	"github.com/badged/badged/storage/bolt"
	"github.com/badged/badged/verifier"
	"github.com/badged/badged/web"
)

// localServer is badged's handler on a loopback listener at
// http://localhost:PORT, as `badged serve` runs it with no base URL set,
// publishing the DID documents and status lists of an issuance service on
// a real bbolt store; it returns the service and the base URL.
func localServer(t *testing.T) (*issuance.Service, string, *issuer.IssueRequest) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := localBaseURL(l.Addr())
	db, err := bolt.Open(filepath.Join(t.TempDir(), "badged.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	iss, req := issuanceFixture(t, db, base)
	srv := web.NewServer("test", slog.New(slog.NewTextHandler(io.Discard, nil)),
		web.API{BaseURL: base, Issuer: issuer.NewService(db), Institutions: db, Publisher: iss, InstitutionRecords: db})
	ts := &httptest.Server{Listener: l, Config: &http.Server{Handler: srv}}
	ts.Start()
	t.Cleanup(ts.Close)
	return iss, base, req
}

// issuanceFixture is an issuance service on db with base URL base, and the
// request of an award of a published badge class whose hierarchy is in
// db; it issues nothing.
func issuanceFixture(t *testing.T, db *bolt.DB, base string) (*issuance.Service, *issuer.IssueRequest) {
	t.Helper()
	ctx := context.Background()
	sealer, err := keys.NewSealer(bytes.Repeat([]byte{5}, keys.MasterKeySize))
	if err != nil {
		t.Fatal(err)
	}
	loader, err := contexts.NewLoader().WithBase(base)
	if err != nil {
		t.Fatal(err)
	}
	iss, err := issuance.New(db, sealer, base, jsonld.New(loader))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	req := &issuer.IssueRequest{
		AwardID:     "award-1",
		Institution: &issuer.Institution{ID: "uni", Name: issuer.Text{EN: "University"}, SCHACHome: "uni.example.org", Type: issuer.WO, Country: "NL", DefaultLanguage: issuer.LangEN, Created: now, Updated: now},
		Group:       &issuer.Group{ID: "fac", InstitutionID: "uni", Name: issuer.Text{EN: "Faculty"}, Created: now, Updated: now},
		Issuer:      &issuer.Issuer{ID: "math", InstitutionID: "uni", GroupID: "fac", Name: issuer.Text{EN: "Mathematics"}, Created: now, Updated: now},
		BadgeClass: &issuer.BadgeClass{ID: "stats", InstitutionID: "uni", GroupID: "fac", IssuerID: "math", Name: issuer.Text{EN: "Statistics"},
			Description: issuer.Text{EN: "Basic statistics"}, Criteria: issuer.Criteria{Narrative: issuer.Text{EN: "Pass the exam."}}, Language: issuer.LangEN,
			State: issuer.Published, Created: now, Updated: now},
		Recipient: issuer.Recipient{UserID: "u1", Email: "jane@example.org", Name: "Jane"},
		IssuedAt:  now,
	}
	for _, err := range []error{db.CreateInstitution(ctx, req.Institution), db.CreateGroup(ctx, req.Group),
		db.CreateIssuer(ctx, req.Issuer), db.CreateBadgeClass(ctx, req.BadgeClass)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return iss, req
}

// TestVerifyServer checks a credential of a badged running on loopback
// over plain http, as the README's demo runs, with `badged verify`: with
// --server pointing at it the credential is valid, and after a revocation
// it is revoked at once; without --server the real egress policy refuses
// loopback, so its key and list cannot be fetched and it is not valid.
func TestVerifyServer(t *testing.T) {
	iss, base, req := localServer(t)
	ctx := context.Background()
	c, err := iss.Issue(ctx, *req)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "badge.json")
	if err := os.WriteFile(file, c.JSON, 0o600); err != nil {
		t.Fatal(err)
	}
	verify := func(args ...string) (verifier.Result, error) {
		t.Helper()
		out, err := badged(t, "", append(append([]string{"verify", "--json"}, args...), file)...)
		var res verifier.Result
		if jerr := json.Unmarshal([]byte(out), &res); jerr != nil {
			t.Fatalf("output %q: %v", out, jerr)
		}
		return res, err
	}

	res, err := verify("--server", base)
	if err != nil || !res.Verified {
		t.Fatalf("--server %s: %v, failed %+v", base, err, res.Failed())
	}
	for _, id := range []string{verifier.CheckProof, verifier.CheckSigner, verifier.CheckStatus} {
		if ch, _ := res.Check(id); ch.Verdict != verifier.Pass {
			t.Errorf("--server: check %+v, want pass", ch)
		}
	}
	// The server as its listener names it, 127.0.0.1, is the same server.
	if res, err := verify("--server", strings.Replace(base, "localhost", "127.0.0.1", 1)); err != nil || !res.Verified {
		t.Errorf("--server by IP: %v, failed %+v", err, res.Failed())
	}

	res, err = verify()
	if err == nil || res.Verified {
		t.Fatalf("without --server the loopback server was reached: verified %v", res.Verified)
	}
	if ch, _ := res.Check(verifier.CheckProof); ch.Verdict == verifier.Pass || !strings.Contains(ch.Message, "loopback") {
		t.Errorf("without --server: proof %+v, want the loopback refusal", ch)
	}

	if err := iss.Revoke(ctx, "award-1", "issued in error"); err != nil {
		t.Fatal(err)
	}
	res, err = verify("--server", base)
	if st, _ := res.Check(verifier.CheckStatus); err == nil || res.Verified || st.Verdict != verifier.Fail || !strings.Contains(st.Message, "revoked") {
		t.Errorf("after revocation: verified %v, status %+v", res.Verified, st)
	}

	if _, err := badged(t, "", "verify", "--server", "ftp://x.example", file); err == nil || !strings.Contains(err.Error(), "--server") {
		t.Errorf("a bad --server: %v", err)
	}
}
