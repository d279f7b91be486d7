package interop_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/badged/badged/auth"
	"github.com/badged/badged/contexts"
	"github.com/badged/badged/endorsement"
	"github.com/badged/badged/issuance"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/keys"
	"github.com/badged/badged/storage/bolt"
	"github.com/badged/badged/web"
)

// vcapiServer is a badged server on loopback with one issuer and an API
// client of its institution holding an OAuth 2.0 access token.
type vcapiServer struct {
	t        *testing.T
	ts       *httptest.Server
	base     string
	issuerID string
	token    string
	// The services behind the server, for what no API route of the
	// SIS's token does.
	db      *bolt.DB
	is      *issuer.Service
	endorse *endorsement.Service
}

func newVCAPIServer(t *testing.T) *vcapiServer {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "badged.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ts := httptest.NewUnstartedServer(nil)
	// A did:web names a host, never an IP address.
	base := "http://localhost:" + strconv.Itoa(ts.Listener.Addr().(*net.TCPAddr).Port)
	sealer, err := keys.NewSealer(bytes.Repeat([]byte{9}, keys.MasterKeySize))
	if err != nil {
		t.Fatal(err)
	}
	iss, err := issuance.New(db, sealer, base, jsonld.New(contexts.NewLoader()))
	if err != nil {
		t.Fatal(err)
	}
	is := issuer.NewService(db)
	au := auth.NewService(db, is)
	endorse := endorsement.NewService(db, db, is, iss)
	ts.Config.Handler = web.NewServer("interop", slog.New(slog.NewTextHandler(io.Discard, nil)), web.API{
		Issuer: is, Auth: au, Institutions: db, Publisher: iss, InstitutionRecords: db, Credentials: iss, Endorsements: endorse,
		Throttle: web.Throttle{Verify: -1, Token: -1, Login: -1},
	})
	ts.Start()
	t.Cleanup(ts.Close)

	ctx := context.Background()
	root := issuer.Actor{UserID: "root", Superuser: true}
	in, err := is.CreateInstitution(ctx, root, issuer.Institution{Name: issuer.Text{EN: "University"}, SCHACHome: "u.example.edu",
		BRIN: "21PB", Type: issuer.WO, Country: "NL", DefaultLanguage: issuer.LangEN})
	if err != nil {
		t.Fatal(err)
	}
	g, err := is.CreateGroup(ctx, root, issuer.Group{InstitutionID: in.ID, Name: issuer.Text{EN: "Faculty"}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := is.CreateIssuer(ctx, root, issuer.Issuer{GroupID: g.ID, Name: issuer.Text{EN: "Department"}})
	if err != nil {
		t.Fatal(err)
	}
	c, secret, err := au.CreateScopedClient(ctx, root, in.ID, "SIS", auth.Scope{FreeForm: true})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := ts.Client().PostForm(ts.URL+"/oauth/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ID}, "client_secret": {secret}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token: %s %v", resp.Status, err)
	}
	return &vcapiServer{t: t, ts: ts, base: base, issuerID: s.ID, token: tok.AccessToken, db: db, is: is, endorse: endorse}
}

// post sends body to path with the client's token and returns the status
// and decoded answer.
func (v *vcapiServer) post(path string, body any) (int, map[string]any) {
	v.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, v.ts.URL+path, bytes.NewReader(marshal(v.t, body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+v.token)
	resp, err := v.ts.Client().Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		v.t.Fatalf("%s: %s: %v", path, resp.Status, err)
	}
	return resp.StatusCode, out
}

// get returns the JSON document the server serves at rawURL.
func (v *vcapiServer) get(rawURL string) any {
	v.t.Helper()
	resp, err := v.ts.Client().Get(rawURL)
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		v.t.Fatalf("GET %s: %s", rawURL, resp.Status)
	}
	var doc any
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		v.t.Fatal(err)
	}
	return doc
}

// TestDigitalBazaarVerifiesVCAPI: credentials issued through POST
// /credentials/issue (VC 2.0 and VC 1.1 input), with each cryptosuite and
// the status entry badged
// adds, verify in Digital Bazaar's stack with only the documents the
// server serves (its DID document and status list), status included; after
// POST /credentials/status revokes one, the list the server then serves
// makes that one fail there, and only that one.
func TestDigitalBazaarVerifiesVCAPI(t *testing.T) {
	requireNode(t)
	srv := newVCAPIServer(t)
	dir := t.TempDir()
	suites := []string{"eddsa-rdfc-2022", "eddsa-jcs-2022"}
	var files []string
	ids := map[string]string{}
	docs := map[string]any{}
	// VC 1.1 input gets the status entry's terms as an inline context,
	// which Digital Bazaar's eddsa-jcs-2022 suite cannot verify: it
	// compares the proof's @context with the document's entry by entry
	// with !==, so an object never matches itself (the spec asks for the
	// same values). VC 1.1 is therefore cross-checked with eddsa-rdfc-2022.
	for i, suite := range append(suites, suites[0]) {
		cred := map[string]any{
			"@context":          []any{"https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"},
			"type":              []any{"VerifiableCredential", "ExampleAlumniCredential"},
			"credentialSubject": map[string]any{"id": "did:example:learner", "alumniOf": "The School of Examples"},
		}
		name := suite
		if i >= len(suites) { // VC 1.1 input
			cred = map[string]any{
				"@context":          []any{"https://www.w3.org/2018/credentials/v1"},
				"type":              []any{"VerifiableCredential"},
				"issuanceDate":      "2026-01-01T00:00:00Z",
				"credentialSubject": map[string]any{"id": "did:example:learner"},
			}
			name = "vc11-" + suite
		}
		status, out := srv.post("/credentials/issue", map[string]any{"credential": cred, "options": map[string]any{"issuer": srv.issuerID, "cryptosuite": suite}})
		if status != http.StatusCreated {
			t.Fatalf("%s: issue: %d %v", suite, status, out)
		}
		vc, _ := out["verifiableCredential"].(map[string]any)
		proof, _ := vc["proof"].(map[string]any)
		if proof["cryptosuite"] != suite {
			t.Fatalf("%s: proof %v", suite, vc["proof"])
		}
		entry, _ := vc["credentialStatus"].(map[string]any)
		listURL, _ := entry["statusListCredential"].(string)
		if !strings.HasPrefix(listURL, srv.base+"/") {
			t.Fatalf("%s: status list %q is not the server's", suite, listURL)
		}
		issuerDID, _ := vc["issuer"].(string)
		docs[issuerDID] = srv.get(srv.ts.URL + "/issuers/" + srv.issuerID + "/did.json")
		docs[listURL] = nil
		f := filepath.Join(dir, name+".json")
		write(t, f, marshal(t, vc))
		files = append(files, f)
		ids[f], _ = vc["id"].(string)
	}
	run := func() map[string]verifyLine {
		t.Helper()
		for u := range docs {
			if strings.HasPrefix(u, "http") {
				docs[u] = srv.get(u) // the list as the server serves it now
			}
		}
		docsFile := filepath.Join(dir, "docs.json")
		write(t, docsFile, marshal(t, docs))
		out, _ := runNode(t, append([]string{"vcapi-verify.mjs", docsFile}, files...)...)
		got := map[string]verifyLine{}
		for _, l := range parseVerify(t, out) {
			got[l.File] = l
		}
		if len(got) != len(files) {
			t.Fatalf("vcapi-verify.mjs reported %d files, want %d:\n%s", len(got), len(files), out)
		}
		return got
	}
	for f, l := range run() {
		if !l.Verified {
			t.Errorf("%s: issued through the VC-API, Digital Bazaar does not verify it: %s", filepath.Base(f), l.Error)
		}
	}

	revoked := files[1]
	status, out := srv.post("/credentials/status", map[string]any{"credentialId": ids[revoked],
		"credentialStatus": []any{map[string]any{"type": "BitstringStatusListEntry", "status": "revoked"}}})
	if status != http.StatusOK {
		t.Fatalf("revoke: %d %v", status, out)
	}
	for f, l := range run() {
		switch {
		case f == revoked && (l.Verified || !strings.Contains(l.Error, "revoked")):
			t.Errorf("%s: revoked, yet Digital Bazaar's check says verified=%v (%s)", filepath.Base(f), l.Verified, l.Error)
		case f != revoked && !l.Verified:
			t.Errorf("%s: not revoked, yet Digital Bazaar does not verify it: %s", filepath.Base(f), l.Error)
		}
	}
}
