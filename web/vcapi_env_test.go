package web

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/badged/badged/contexts"
	"github.com/badged/badged/credential"
	"github.com/badged/badged/credential/dataintegrity"
	cjose "github.com/badged/badged/credential/jose"
	"github.com/badged/badged/did"
	"github.com/badged/badged/egress/egresstest"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/statuslist"
	"github.com/badged/badged/verifier"
)

const fixtureDir = "../testdata/vectors/ob3-validator-fixtures"

// verifyClock is the moment the verifier tests verify at: inside the
// validity of testdata/credential-3kb.json, as in verifier's tests.
var verifyClock = func() time.Time { return time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC) }

// fixtureClock is the moment verifier's TestFixtures verifies at.
var fixtureClock = func() time.Time { return time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC) }

// remoteDocs serves the documents that credentials name on hosts this
// machine cannot reach (remoteHosts) at their own https URLs, from a
// loopback server (egresstest); its client reaches that server at those
// hosts through the egress policy an operator would write for them (the
// hosts allowed, connected to the server, its CA trusted). No URL is
// rewritten, and every other request goes through the default policy
// unchanged, so internal addresses are still refused.
type remoteDocs struct {
	mu      sync.Mutex
	docs    map[string][]byte
	headers map[string]http.Header
	hits    map[string]int
	srv     *egresstest.Server
}

// remoteHosts are the hosts a remoteDocs answers for; what it does not
// serve there is 404.
var remoteHosts = []string{"dc.1edtech.org", "1edtech.edu", "raw.githubusercontent.com", "status.example.org",
	"badges.example.edu", "badges.test", "state.gov", "redirect.example", "wallet.example", "a.example"}

func newRemoteDocs(t *testing.T) *remoteDocs {
	t.Helper()
	r := &remoteDocs{docs: map[string][]byte{}, headers: map[string]http.Header{}, hits: map[string]int{}}
	r.srv = egresstest.NewServer(t, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		key := "https://" + req.Host + req.URL.RequestURI()
		r.mu.Lock()
		body, ok := r.docs[key]
		h := r.headers[key]
		r.hits[key]++
		r.mu.Unlock()
		if !ok {
			http.NotFound(w, req)
			return
		}
		for k, v := range h {
			w.Header()[k] = v
		}
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		if loc := w.Header().Get("Location"); loc != "" {
			w.WriteHeader(http.StatusFound)
			return
		}
		w.Write(body)
	}))
	return r
}

// serve publishes body at u, an https URL on one of remoteHosts, with
// header.
func (r *remoteDocs) serve(u string, body []byte, header http.Header) {
	if p, err := url.Parse(u); err != nil || p.Scheme != "https" || !slices.Contains(remoteHosts, p.Host) {
		panic("remoteDocs does not answer for " + u)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.docs[u], r.headers[u] = body, header
}

func (r *remoteDocs) hitsOf(url string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.hits[url]
}

// client returns an egress client with the default policy, configured to
// reach the server at remoteHosts.
func (r *remoteDocs) client() *http.Client { return r.srv.Client(remoteHosts...) }

// pinnedKeys resolves did:velocity with the key pinned in
// credential/jose/testdata, as verifier's TestFixtures does.
type pinnedKeys struct {
	*did.Resolver
	velocity *did.Key
}

func (p pinnedKeys) ResolveKey(ctx context.Context, vm string) (*did.Key, error) {
	if strings.HasPrefix(vm, "did:velocity:") && p.velocity != nil {
		k := *p.velocity
		k.ID = vm
		return &k, nil
	}
	return p.Resolver.ResolveKey(ctx, vm)
}

func readTestFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// obKey is the key of the OB 3.0 spec vector, which signs most fixtures.
func obKey(t testing.TB) ed25519.PrivateKey {
	var kp struct{ PrivateKeyHex string }
	if err := json.Unmarshal(readTestFile(t, "../testdata/vectors/ob3-examples/ob3-spec-ldp-testvector-key.json"), &kp); err != nil {
		t.Fatal(err)
	}
	b, err := hex.DecodeString(kp.PrivateKeyHex)
	if err != nil {
		t.Fatal(err)
	}
	return ed25519.PrivateKey(b)
}

// serveFixtureDocs serves what 1EdTech's fixtures fetch, as verifier's
// TestFixtures does, and returns the key resolver the fixtures need.
func serveFixtureDocs(t *testing.T, r *remoteDocs) verifier.KeyResolver {
	t.Helper()
	const orgDID = "did:web:dc.1edtech.org:wellspring2022:wellspring-portal:org:da1e96e9-afcc-4eed-b9a2-2ddf7353214c"
	vm, err := did.NewMultikeyMethod(orgDID, obKey(t).Public())
	if err != nil {
		t.Fatal(err)
	}
	doc, err := did.WebDocument(orgDID, vm)
	if err != nil {
		t.Fatal(err)
	}
	docJSON, _ := json.Marshal(doc)
	docURL, _ := did.WebURL(orgDID)
	r.serve(docURL, docJSON, nil)
	r.serve("https://dc.1edtech.org/wellspring2022/wellspring-portal/api/revocations/da1e96e9-afcc-4eed-b9a2-2ddf7353214c",
		readTestFile(t, "../statuslist/testdata/1edtech-revocation-list.json"), nil)
	r.serve("https://1edtech.edu/credentials/3732/revocations",
		[]byte(`{"id": "https://1edtech.edu/credentials/3732/revocations", "revokedCredentials": []}`), nil)
	r.serve("https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/refs/heads/main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist",
		readTestFile(t, fixtureDir+"/bit-string-list/testlist"), nil)

	var jwk jose.JSONWebKey
	if err := jwk.UnmarshalJSON(readTestFile(t, "../credential/jose/testdata/velocity-key.jwk.json")); err != nil {
		t.Fatal(err)
	}
	const velocityIssuer = "did:web:registrar%3A3000:d:www.acmecorp-zrnkgupzazhhustuwbufc.com"
	return pinnedKeys{
		Resolver: did.NewResolver(r.client()),
		velocity: &did.Key{PublicKey: jwk.Key, Controller: velocityIssuer, AssertionMethod: true},
	}
}

// creds are credentials of testdata/credential-3kb.json signed by a
// did:key issuer, in every state the tests need.
type creds struct {
	issuer string
	key    ed25519.PrivateKey
	vm     string
	valid  []byte // eddsa-rdfc-2022
	jwt    string // VC-JWT of the same credential
	// tampered has its name changed after signing; expired has a
	// validUntil in the past; revoked points at a list with its bit set;
	// unknownKey names a did:web whose document is missing (404).
	tampered, expired, revoked, unknownKey []byte
	// email is the recipient's address, hashed in credentialSubject.
	email string
	// doc is the unsigned credential; sign signs a variant of it with the
	// issuer's key as verification method vm.
	doc  map[string]any
	sign func(doc map[string]any, vm string) []byte
}

const (
	listURL        = "https://status.example.org/lists/1"
	revokedListURL = "https://status.example.org/lists/2"
	recipientEmail = "Learner@Example.edu"
)

func newCreds(t testing.TB, r *remoteDocs) *creds {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(readTestFile(t, "../testdata/credential-3kb.json"), &doc); err != nil {
		t.Fatal(err)
	}
	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	issuerDID, err := did.KeyDID(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	c := &creds{issuer: issuerDID, key: key, vm: issuerDID + "#" + strings.TrimPrefix(issuerDID, "did:key:"), email: recipientEmail}
	doc["issuer"].(map[string]any)["id"] = issuerDID
	id, err := credential.NewIdentityObject(credential.IdentityEmail, recipientEmail, strings.NewReader(strings.Repeat("s", 64)))
	if err != nil {
		t.Fatal(err)
	}
	doc["credentialSubject"].(map[string]any)["identifier"] = []any{map[string]any{
		"type": id.Type, "identityHash": id.IdentityHash, "identityType": id.IdentityType, "hashed": true, "salt": id.Salt}}
	const index = 94567
	doc["credentialStatus"] = map[string]any{"id": listURL + "#94567", "type": "BitstringStatusListEntry",
		"statusPurpose": "revocation", "statusListIndex": "94567", "statusListCredential": listURL}

	proc := jsonld.New(contexts.NewLoader())
	suite := dataintegrity.New(proc)
	validFrom, _ := time.Parse(time.RFC3339, doc["validFrom"].(string))
	sign := func(d map[string]any) []byte {
		t.Helper()
		signed, err := suite.Sign(d, key, dataintegrity.Options{VerificationMethod: c.vm, Created: validFrom})
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(signed)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if r != nil {
		bits := statuslist.New(131072)
		r.serve(listURL, sign(statuslist.ListCredential(listURL, issuerDID, "revocation", bits, validFrom)),
			http.Header{"Cache-Control": {"max-age=300"}})
		revokedBits := statuslist.New(131072)
		if err := revokedBits.Set(index, true); err != nil {
			t.Fatal(err)
		}
		r.serve(revokedListURL, sign(statuslist.ListCredential(revokedListURL, issuerDID, "revocation", revokedBits, validFrom)), nil)
	}
	c.valid = sign(doc)
	c.doc = doc
	c.sign = func(d map[string]any, vm string) []byte {
		signed, err := suite.Sign(d, key, dataintegrity.Options{VerificationMethod: vm, Created: validFrom})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(signed)
		return b
	}
	if c.jwt, err = cjose.Sign(doc, key, c.vm, cjose.OBJWT); err != nil {
		t.Fatal(err)
	}

	var tampered map[string]any
	json.Unmarshal(c.valid, &tampered)
	tampered["name"] = "Data Science Mastery"
	c.tampered, _ = json.Marshal(tampered)

	c.expired = sign(with(doc, "validUntil", "2026-06-30T13:00:00Z"))
	c.revoked = sign(with(doc, "credentialStatus", map[string]any{"id": revokedListURL + "#94567", "type": "BitstringStatusListEntry",
		"statusPurpose": "revocation", "statusListIndex": "94567", "statusListCredential": revokedListURL}))

	unknown := with(doc, "issuer", map[string]any{"id": "did:web:status.example.org:nobody", "type": []any{"Profile"}, "name": "Nobody"})
	delete(unknown, "credentialStatus")
	signed, err := suite.Sign(unknown, key, dataintegrity.Options{VerificationMethod: "did:web:status.example.org:nobody#key-1", Created: validFrom})
	if err != nil {
		t.Fatal(err)
	}
	c.unknownKey, _ = json.Marshal(signed)
	return c
}

// with returns a shallow copy of doc with key set to v.
func with(doc map[string]any, key string, v any) map[string]any {
	out := make(map[string]any, len(doc))
	for k, e := range doc {
		out[k] = e
	}
	out[key] = v
	return out
}

// verifyEnv is a stateless verifier node, as badged serve --verifier-only
// runs it, with the remote documents served locally.
type verifyEnv struct {
	srv    *Server
	ts     *httptest.Server
	remote *remoteDocs
	creds  *creds
}

// newVerifyEnv starts a verifier node. The fixtures' documents and the
// test credentials' status lists are served; the credentials' did:key
// issuer is on the trusted list only when trusted is set.
func newVerifyEnv(t *testing.T, trusted bool) *verifyEnv {
	t.Helper()
	return newVerifyEnvAt(t, trusted, verifyClock)
}

// newVerifyEnvAt is newVerifyEnv with the verifier's clock now.
func newVerifyEnvAt(t *testing.T, trusted bool, now func() time.Time) *verifyEnv {
	t.Helper()
	r := newRemoteDocs(t)
	keys := serveFixtureDocs(t, r)
	c := newCreds(t, r)
	client := r.client()
	v := verifier.New(jsonld.New(contexts.NewLoader()), keys,
		verifier.WithStatus(verifier.NewCachingFetcher(client)), verifier.WithClock(now))
	api := API{Verifier: v, Egress: client}
	if trusted {
		api.Issuers = verifier.IssuerDirectories{verifier.TrustedIssuers{c.issuer: "Example University"}}
	}
	srv := NewVerifierServer("test", slog.New(slog.NewTextHandler(io.Discard, nil)), api)
	ts := newServer(srv)
	t.Cleanup(ts.Close)
	return &verifyEnv{srv: srv, ts: ts, remote: r, creds: c}
}

// fixtureServer is a verifier node that verifies at the fixtures' clock.
func fixtureServer(t *testing.T) *httptest.Server {
	t.Helper()
	r := newRemoteDocs(t)
	keys := serveFixtureDocs(t, r)
	client := r.client()
	v := verifier.New(jsonld.New(contexts.NewLoader()), keys,
		verifier.WithStatus(verifier.HTTPFetcher{Client: client}), verifier.WithClock(fixtureClock))
	ts := newServer(NewVerifierServer("test", slog.New(slog.NewTextHandler(io.Discard, nil)), API{Verifier: v, Egress: client}))
	t.Cleanup(ts.Close)
	return ts
}

// post sends body as JSON to path.
func post(t *testing.T, ts *httptest.Server, path string, body any) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = strings.NewReader(string(b))
	default:
		j, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = strings.NewReader(string(j))
	}
	req, _ := http.NewRequest(http.MethodPost, ts.URL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// fixtureCase is verifier's TestFixtures expectation for one fixture:
// fail lists checks that must fail (and, with only, nothing else may),
// warn that a warning is expected.
type fixtureCase struct {
	file string
	fail []string
	only bool
	warn bool
}

// fixtureCases are verifier/verifier_test.go's TestFixtures table.
var fixtureCases = []fixtureCase{
	{file: "simple.json", warn: true},
	{file: "simple.1ob", warn: true},
	{file: "simple-did-key-method.json", warn: true},
	{file: "simple-did-web-method.json", warn: true},
	{file: "simple-context-alias.json", warn: true},
	{file: "simple_v1.json", warn: true},
	{file: "simple-eddsa-2022.json", warn: true},
	{file: "simple-multiple-proofs.json", fail: []string{verifier.CheckJSONLD}, only: true},
	{file: "simple-json.png", warn: true},
	{file: "simple-jwt.png", warn: true},
	{file: "simple-json.svg", warn: true},
	{file: "simple-jwt.svg", warn: true},
	{file: "simple-jwt_v1.png", warn: true},
	{file: "simple-jwt_v1.svg", warn: true},
	{file: "simple.jwt", fail: []string{verifier.CheckProof}},
	{file: "velocity.jwt", fail: []string{verifier.CheckJSONLD}},
	{file: "simple-err-type.json", fail: []string{verifier.CheckType}},
	{file: "simple-err-proof-method.json", fail: []string{verifier.CheckProof}, only: true},
	{file: "simple-err-proof-method-no-scheme.json", fail: []string{verifier.CheckProof}},
	{file: "simple-err-proof-method-unknown-did-method.json", fail: []string{verifier.CheckProof}, only: true},
	{file: "simple-err-proof-method-unknown-scheme.json", fail: []string{verifier.CheckProof}, only: true},
	{file: "simple-err-proof-value.json", fail: []string{verifier.CheckProof}, only: true},
	{file: "simple-err-expired.json", fail: []string{verifier.CheckValidity}, only: true},
	{file: "simple-err-issued.json", fail: []string{verifier.CheckValidity}},
	{file: "simple-err-context.json", fail: []string{verifier.CheckContext}},
	{file: "simple-context-version.json", fail: []string{verifier.CheckContext}},
	{file: "simple-err-issuer.json", fail: []string{verifier.CheckSchema}},
	{file: "simple-err-credential-subject-achievement-result-description-type.json", fail: []string{verifier.CheckSubject}},
	{file: "simple-err-credential-subject-identifier-type.json", fail: []string{verifier.CheckSubject}},
	{file: "simple-err-credential-subject-profile-type.json", fail: []string{verifier.CheckSubject}},
	{file: "simple-err-credential-subject-result-type.json", fail: []string{verifier.CheckSubject}},
	{file: "simple-err-credential-subject-type.json", fail: []string{verifier.CheckSubject}},
	{file: "simple-err-evidence-type.json", fail: []string{verifier.CheckEvidence}},
	{file: "simple-err-issuer-otheridentifier-type.json", fail: []string{verifier.CheckIssuer}},
	{file: "simple-err-issuer-parentorg-type.json", fail: []string{verifier.CheckIssuer}},
	{file: "simple-err-issuer-type.json", fail: []string{verifier.CheckIssuer}},
	{file: "simple-noproof.json", fail: []string{verifier.CheckProof}},
	{file: "complete.json", fail: []string{verifier.CheckSchema}},
	{file: "complete_v1.json", fail: []string{verifier.CheckSchema}},
	{file: "credential-status-revoked.json", fail: []string{verifier.CheckStatus}, only: true},
	{file: "bit-string-list/credential-status-revoked.json", fail: []string{verifier.CheckStatus}, only: true},
	{file: "bit-string-list/credential-status-revoked-blank-nodes.json", fail: []string{verifier.CheckStatus}, only: true},
	{file: "endorsement-valid.json", warn: true},
	{file: "endorsement-err-schema-status-refresh.json", fail: []string{verifier.CheckSchema}},
	{file: "sd/derivedcredential.json", warn: true},
}

// checkOutcome compares what was reported (verified, the ids of failed
// checks, whether any warned) with a fixture's expectation.
func (fc fixtureCase) checkOutcome(t *testing.T, verified bool, failed map[string]bool, warned bool, describe string) {
	t.Helper()
	if verified != (len(fc.fail) == 0) {
		t.Errorf("verified = %v, want %v\n%s", verified, len(fc.fail) == 0, describe)
	}
	for _, id := range fc.fail {
		if !failed[id] {
			t.Errorf("check %s did not fail\n%s", id, describe)
		}
	}
	if fc.only && len(failed) != len(fc.fail) {
		t.Errorf("failed checks %v, want only %v\n%s", failed, fc.fail, describe)
	}
	if fc.warn && !warned {
		t.Errorf("no warning\n%s", describe)
	}
}
