package verifier_test

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/badged/badged/contexts"
	"github.com/badged/badged/did"
	"github.com/badged/badged/egress/egresstest"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/verifier"
)

const fixtures = "../testdata/vectors/ob3-validator-fixtures"

// clock is the moment the tests verify at.
var clock = func() time.Time { return time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC) }

// remote serves the documents that 1EdTech's fixtures and the negative
// tests name on hosts this machine cannot reach, at their own https URLs,
// from a loopback server (egresstest): a client reaches it at those hosts
// through the egress policy an operator would write for them (the hosts
// allowed, connected to the server, its CA trusted). No URL is rewritten,
// and no request leaves the machine.
type remote struct {
	docs map[string][]byte
	srv  *egresstest.Server
}

func newRemote(t *testing.T) *remote {
	t.Helper()
	r := &remote{docs: map[string][]byte{}}
	r.srv = egresstest.NewServer(t, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, ok := r.docs["https://"+req.Host+req.URL.RequestURI()]
		if !ok {
			http.NotFound(w, req)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	return r
}

func (r *remote) serve(t *testing.T, url string, body []byte) { r.docs[url] = body }

// client returns an egress client with the default policy, configured to
// reach the server at the hosts of the documents served so far and at
// the hosts of empty, which publish nothing (404).
func (r *remote) client(empty ...string) *http.Client {
	hosts := slices.Clone(empty)
	for u := range r.docs {
		if p, err := url.Parse(u); err == nil && !slices.Contains(hosts, p.Host) {
			hosts = append(hosts, p.Host)
		}
	}
	return r.srv.Client(hosts...)
}

// pinnedKeys resolves the one DID method no resolver here can: the
// did:velocity key of velocity.jwt, pinned in credential/jose/testdata
// (see the README there for how it was obtained).
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

func readFile(t testing.TB, path string) []byte {
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
	if err := json.Unmarshal(readFile(t, "../testdata/vectors/ob3-examples/ob3-spec-ldp-testvector-key.json"), &kp); err != nil {
		t.Fatal(err)
	}
	b, err := hex.DecodeString(kp.PrivateKeyHex)
	if err != nil {
		t.Fatal(err)
	}
	return ed25519.PrivateKey(b)
}

// fixtureVerifier is a verifier wired as badged wires it, with the
// unreachable documents the fixtures need served locally.
func fixtureVerifier(t *testing.T) *verifier.Verifier {
	t.Helper()
	r := newRemote(t)
	// The did:web issuer of credential-status-revoked.json, publishing the
	// key its proof names.
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
	r.serve(t, docURL, docJSON)
	r.serve(t, "https://dc.1edtech.org/wellspring2022/wellspring-portal/api/revocations/da1e96e9-afcc-4eed-b9a2-2ddf7353214c",
		readFile(t, "../statuslist/testdata/1edtech-revocation-list.json"))
	r.serve(t, "https://1edtech.edu/credentials/3732/revocations",
		[]byte(`{"id": "https://1edtech.edu/credentials/3732/revocations", "revokedCredentials": []}`))
	r.serve(t, "https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/refs/heads/main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist",
		readFile(t, fixtures+"/bit-string-list/testlist"))

	var jwk jose.JSONWebKey
	if err := jwk.UnmarshalJSON(readFile(t, "../credential/jose/testdata/velocity-key.jwk.json")); err != nil {
		t.Fatal(err)
	}
	const velocityIssuer = "did:web:registrar%3A3000:d:www.acmecorp-zrnkgupzazhhustuwbufc.com"
	// complete.json's endorsement names a status list at state.gov that
	// is not published.
	client := r.client("state.gov")
	keys := pinnedKeys{
		Resolver: did.NewResolver(client),
		velocity: &did.Key{PublicKey: jwk.Key, Controller: velocityIssuer, AssertionMethod: true},
	}
	return verifier.New(jsonld.New(contexts.NewLoader()), keys,
		verifier.WithStatus(verifier.HTTPFetcher{Client: client}), verifier.WithClock(clock))
}

// TestFixtures gives every fixture of 1EdTech's validator the outcome
// EXPECTED.md states, except where noted: fail lists checks that must fail
// (and, with only, nothing else may), warn that a warning is expected.
func TestFixtures(t *testing.T) {
	v := fixtureVerifier(t)
	tests := []struct {
		file string
		fail []string
		only bool
		warn bool
	}{
		{file: "simple.json", warn: true}, // key in the URL fragment: a signer warning
		{file: "simple.1ob", warn: true},
		{file: "simple-did-key-method.json", warn: true}, // did:key issuer? no: https issuer, did:key signer
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
		// simple.jwt names no key (no kid, no jwk): no implementation can
		// check its signature; 1EdTech only extracts it (PayloadParserTests).
		{file: "simple.jwt", fail: []string{verifier.CheckProof}},
		// velocity.jwt verifies with its pinned key, but its Velocity
		// context is unknown; 1EdTech's OB30Tests assert it invalid for that.
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
		{file: "sd/derivedcredential.json", warn: true}, // ecdsa-sd-2023 derived proof; key in the URL fragment
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res := v.Verify(context.Background(), readFile(t, filepath.Join(fixtures, tt.file)))
			failed := map[string]bool{}
			warned := false
			for _, c := range res.Checks {
				switch c.Verdict {
				case verifier.Fail:
					failed[c.ID] = true
				case verifier.Warning:
					warned = true
				}
			}
			if res.Verified != (len(tt.fail) == 0) {
				t.Errorf("verified = %v, want %v\n%s", res.Verified, len(tt.fail) == 0, describe(res))
			}
			for _, id := range tt.fail {
				if !failed[id] {
					t.Errorf("check %s did not fail\n%s", id, describe(res))
				}
			}
			if tt.only && len(failed) != len(tt.fail) {
				t.Errorf("failed checks %v, want only %v\n%s", keys(failed), tt.fail, describe(res))
			}
			if tt.warn && !warned {
				t.Errorf("no warning\n%s", describe(res))
			}
		})
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func describe(r *verifier.Result) string {
	var b strings.Builder
	for _, c := range r.Checks {
		b.WriteString("  " + c.ID + " " + string(c.Verdict) + ": " + c.Message + "\n")
	}
	return b.String()
}
