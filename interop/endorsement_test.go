package interop_test

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/badged/badged/endorsement"
	"github.com/badged/badged/issuer"
)

// TestDigitalBazaarVerifiesEndorsement: an EndorsementCredential a badged
// server signed (issuer S of one institution endorsing a badge class of
// another), read through GET /api/v1/endorsements/{id}, verifies in
// Digital Bazaar's stack with only the documents the server serves (the
// endorser's DID document and its status list), status included; once the
// endorsement is revoked, the list the server then serves makes it fail
// there as revoked.
func TestDigitalBazaarVerifiesEndorsement(t *testing.T) {
	requireNode(t)
	srv := newVCAPIServer(t)
	ctx := context.Background()
	root := issuer.Actor{UserID: "root", Superuser: true}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// The endorsed institution and its published badge class.
	x, err := srv.is.CreateInstitution(ctx, root, issuer.Institution{Name: issuer.Text{EN: "Polytechnic"}, SCHACHome: "x.example.edu",
		Type: issuer.HBO, Country: "NL", DefaultLanguage: issuer.LangEN})
	must(err)
	g, err := srv.is.CreateGroup(ctx, root, issuer.Group{InstitutionID: x.ID, Name: issuer.Text{EN: "School"}})
	must(err)
	xs, err := srv.is.CreateIssuer(ctx, root, issuer.Issuer{GroupID: g.ID, Name: issuer.Text{EN: "Design"}})
	must(err)
	bc, err := srv.is.CreateBadgeClass(ctx, root, issuer.BadgeClass{IssuerID: xs.ID, Name: issuer.Text{EN: "Drawing"},
		Description: issuer.Text{EN: "Drawing by hand"}, Criteria: issuer.Criteria{Narrative: issuer.Text{EN: "Draw."}}, Language: issuer.LangEN})
	must(err)
	bc, err = srv.is.PublishBadgeClass(ctx, root, bc.ID, bc.Version)
	must(err)

	en, err := srv.endorse.Create(ctx, root, endorsement.Request{IssuerID: srv.issuerID, BadgeClassID: bc.ID, Comment: "Rigorous and well assessed."})
	must(err)
	req, _ := http.NewRequest(http.MethodGet, srv.ts.URL+"/api/v1/endorsements/"+en.ID, nil)
	req.Header.Set("Authorization", "Bearer "+srv.token)
	resp, err := srv.ts.Client().Do(req)
	must(err)
	var got struct {
		Credential map[string]any `json:"credential"`
	}
	err = json.NewDecoder(resp.Body).Decode(&got)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET endorsement: %s %v", resp.Status, err)
	}
	vc := got.Credential
	if types, _ := vc["type"].([]any); len(types) != 2 || types[1] != "EndorsementCredential" {
		t.Fatalf("not an EndorsementCredential: %v", vc["type"])
	}
	issuerDID, _ := vc["issuer"].(map[string]any)["id"].(string)
	entry, _ := vc["credentialStatus"].(map[string]any)
	listURL, _ := entry["statusListCredential"].(string)
	if !strings.HasPrefix(listURL, srv.base+"/") || issuerDID == "" {
		t.Fatalf("issuer %q, status list %q", issuerDID, listURL)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "endorsement.json")
	write(t, file, marshal(t, vc))
	run := func() verifyLine {
		t.Helper()
		docs := map[string]any{
			issuerDID: srv.get(srv.ts.URL + "/issuers/" + srv.issuerID + "/did.json"),
			listURL:   srv.get(listURL), // as the server serves it now
		}
		docsFile := filepath.Join(dir, "docs.json")
		write(t, docsFile, marshal(t, docs))
		out, _ := runNode(t, "vcapi-verify.mjs", docsFile, file)
		lines := parseVerify(t, out)
		if len(lines) != 1 {
			t.Fatalf("vcapi-verify.mjs reported %d files, want 1:\n%s", len(lines), out)
		}
		return lines[0]
	}
	if l := run(); !l.Verified {
		t.Fatalf("Digital Bazaar does not verify badged's EndorsementCredential: %s", l.Error)
	}
	_, err = srv.endorse.Revoke(ctx, root, en.ID, en.Version, "withdrawn")
	must(err)
	if l := run(); l.Verified || !strings.Contains(l.Error, "revoked") {
		t.Errorf("revoked, yet Digital Bazaar says verified=%v (%s)", l.Verified, l.Error)
	}
}
