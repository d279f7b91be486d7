package web

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/badged/badged/contexts"
	"github.com/badged/badged/credential/dataintegrity"
	"github.com/badged/badged/did"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/verifier"
	"github.com/badged/badged/web/vcapi"
)

// decodeVerify reads a verification's answer and checks its shape and
// that its status tells its verdict: 200 verified, 422 invalid, 503 with
// Retry-After indeterminate.
func decodeVerify(t *testing.T, resp *http.Response, body []byte) vcapi.VerifyResponse {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("status %d, Content-Type %q: %s", resp.StatusCode, ct, body)
	}
	var v vcapi.VerifyResponse
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	want := map[verifier.Overall]int{verifier.Valid: http.StatusOK, verifier.Invalid: http.StatusUnprocessableEntity,
		verifier.Indeterminate: http.StatusServiceUnavailable}[v.Verdict]
	if resp.StatusCode != want {
		t.Fatalf("status %d for verdict %q, want %d: %s", resp.StatusCode, v.Verdict, want, body)
	}
	if ra := resp.Header.Get("Retry-After"); (want == http.StatusServiceUnavailable) != (ra != "") {
		t.Errorf("status %d with Retry-After %q", resp.StatusCode, ra)
	}
	// The VC-API shape: every field present, every check listed once, in
	// checks (passed), warnings or errors, by its stable id.
	var raw map[string]json.RawMessage
	json.Unmarshal(body, &raw)
	for _, f := range []string{"verified", "verdict", "checks", "warnings", "errors", "results"} {
		if _, ok := raw[f]; !ok {
			t.Errorf("response has no %q: %s", f, body)
		}
	}
	if v.Verified != (v.Verdict == verifier.Valid) {
		t.Errorf("verified %v with verdict %q: %s", v.Verified, v.Verdict, body)
	}
	listed := 0
	for _, c := range v.Results {
		var where []string
		switch c.Verdict {
		case verifier.Pass:
			where = v.Checks
		case verifier.Fail, verifier.Unchecked:
			where = ids(v.Errors)
		default:
			where = ids(v.Warnings)
		}
		if !slices.Contains(where, c.ID) {
			t.Errorf("check %s (%s) is not listed where it belongs: %s", c.ID, c.Verdict, body)
		}
		listed++
	}
	if listed != len(v.Checks)+len(v.Errors)+len(v.Warnings) || listed == 0 {
		t.Errorf("%d results, but %d checks + %d errors + %d warnings", listed, len(v.Checks), len(v.Errors), len(v.Warnings))
	}
	for _, p := range append(append([]vcapi.CheckProblem(nil), v.Errors...), v.Warnings...) {
		if p.ID == "" || p.Message == "" || p.Type != vcapi.CheckType+p.ID {
			t.Errorf("problem %+v incomplete", p)
		}
	}
	return v
}

func ids(ps []vcapi.CheckProblem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

func failedOf(v vcapi.VerifyResponse) map[string]bool {
	out := map[string]bool{}
	for _, c := range v.Results {
		if c.Verdict == verifier.Fail {
			out[c.ID] = true
		}
	}
	return out
}

// TestVerifyCredentialAPI is acceptance 1: valid, tampered, expired,
// revoked (the status list from a test server), unknown and known issuer,
// through POST /credentials/verify.
func TestVerifyCredentialAPI(t *testing.T) {
	e := newVerifyEnv(t, false)
	trusted := newVerifyEnv(t, true)
	c := e.creds
	tests := []struct {
		name     string
		env      *verifyEnv
		cred     any
		verified bool
		failed   []string
		check    func(t *testing.T, v vcapi.VerifyResponse)
	}{
		{name: "ok/eddsa-rdfc-2022", env: e, cred: json.RawMessage(c.valid), verified: true, check: func(t *testing.T, v vcapi.VerifyResponse) {
			for _, id := range []string{verifier.CheckProof, verifier.CheckSigner, verifier.CheckValidity, verifier.CheckStatus, verifier.CheckSchema} {
				if !slices.Contains(v.Checks, id) {
					t.Errorf("%s not among the passed checks %v", id, v.Checks)
				}
			}
			if v.Securing != dataintegrity.RDFC || v.Issuer != c.issuer || v.Signer != c.vm {
				t.Errorf("securing %q issuer %q signer %q", v.Securing, v.Issuer, v.Signer)
			}
			if v.KnownIssuer != nil {
				t.Errorf("unknown issuer reported as known: %+v", v.KnownIssuer)
			}
		}},
		{name: "ok/vc-jwt", env: e, cred: c.jwt, verified: true, check: func(t *testing.T, v vcapi.VerifyResponse) {
			if v.Securing != "vc-jwt" || v.Container != "jwt" {
				t.Errorf("securing %q container %q", v.Securing, v.Container)
			}
		}},
		{name: "ok/trusted-issuer", env: trusted, cred: json.RawMessage(c.valid), verified: true, check: func(t *testing.T, v vcapi.VerifyResponse) {
			if v.KnownIssuer == nil || v.KnownIssuer.Name != "Example University" || v.KnownIssuer.Source != verifier.SourceTrusted {
				t.Errorf("known issuer %+v", v.KnownIssuer)
			}
		}},
		{name: "fail/tampered", env: e, cred: json.RawMessage(c.tampered), failed: []string{verifier.CheckProof}, check: func(t *testing.T, v vcapi.VerifyResponse) {
			if v.Verdict != verifier.Invalid || v.Status != "" {
				t.Errorf("verdict %q status %q, want invalid and not revoked", v.Verdict, v.Status)
			}
		}},
		{name: "fail/tampered-trusted-issuer-not-named", env: trusted, cred: json.RawMessage(c.tampered), failed: []string{verifier.CheckProof},
			check: func(t *testing.T, v vcapi.VerifyResponse) {
				if v.KnownIssuer != nil {
					t.Errorf("a tampered credential's issuer is named as known: %+v", v.KnownIssuer)
				}
			}},
		{name: "fail/expired", env: e, cred: json.RawMessage(c.expired), failed: []string{verifier.CheckValidity}},
		{name: "fail/revoked", env: e, cred: json.RawMessage(c.revoked), failed: []string{verifier.CheckStatus}, check: func(t *testing.T, v vcapi.VerifyResponse) {
			for _, p := range v.Errors {
				if p.ID == verifier.CheckStatus && !strings.Contains(p.Message, "revoked") {
					t.Errorf("status message %q", p.Message)
				}
			}
			if v.Verdict != verifier.Invalid || v.Status != verifier.StatusRevoked {
				t.Errorf("verdict %q status %q, want invalid and revoked", v.Verdict, v.Status)
			}
		}},
		// The issuer's DID document answers 404: the signature could not be
		// checked, which says nothing against the credential.
		{name: "indeterminate/issuer-document-missing", env: e, cred: json.RawMessage(c.unknownKey), check: func(t *testing.T, v vcapi.VerifyResponse) {
			if v.Verdict != verifier.Indeterminate || !hasVerdict(v.Results, verifier.Unchecked) {
				t.Errorf("verdict %q, results %v: want indeterminate, the proof unchecked", v.Verdict, v.Results)
			}
			for _, p := range v.Errors {
				if p.ID == verifier.CheckProof && !strings.Contains(p.Message, "404") {
					t.Errorf("proof: %q, want the reason (404)", p.Message)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := post(t, tt.env.ts, "/credentials/verify", map[string]any{"verifiableCredential": tt.cred, "options": map[string]any{}})
			v := decodeVerify(t, resp, body)
			if v.Verified != tt.verified {
				t.Errorf("verified = %v, want %v: %s", v.Verified, tt.verified, body)
			}
			failed := failedOf(v)
			for _, id := range tt.failed {
				if !failed[id] {
					t.Errorf("check %s did not fail: %s", id, body)
				}
			}
			if len(failed) != len(tt.failed) {
				t.Errorf("failed %v, want %v: %s", failed, tt.failed, body)
			}
			if tt.check != nil {
				tt.check(t, v)
			}
		})
	}
}

// TestStatusListCached: a status list served with max-age is fetched once
// for many verifications.
func TestStatusListCached(t *testing.T) {
	e := newVerifyEnv(t, false)
	for range 3 {
		resp, body := post(t, e.ts, "/credentials/verify", map[string]any{"verifiableCredential": json.RawMessage(e.creds.valid)})
		v := decodeVerify(t, resp, body)
		if !v.Verified {
			t.Fatal("not verified")
		}
	}
	if n := e.remote.hitsOf(listURL); n != 1 {
		t.Errorf("status list fetched %d times, want 1 (max-age=300)", n)
	}
	// The revoked list has no Cache-Control: kept for the default minute.
	for range 2 {
		post(t, e.ts, "/credentials/verify", map[string]any{"verifiableCredential": json.RawMessage(e.creds.revoked)})
	}
	if n := e.remote.hitsOf(revokedListURL); n != 1 {
		t.Errorf("revoked list fetched %d times, want 1", n)
	}
}

func TestCachingFetcherHonoursCacheControl(t *testing.T) {
	r := newRemoteDocs(t)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	f := verifier.NewCachingFetcher(r.client(), verifier.WithCacheClock(clock), verifier.WithCacheEntries(2))
	r.serve("https://a.example/max-age", []byte(`{"a":1}`), http.Header{"Cache-Control": {"public, max-age=60"}})
	r.serve("https://a.example/no-store", []byte(`{"b":1}`), http.Header{"Cache-Control": {"no-store"}})
	r.serve("https://a.example/c", []byte(`{}`), nil)
	r.serve("https://a.example/d", []byte(`{}`), nil)
	ctx := context.Background()
	fetch := func(u string) {
		t.Helper()
		if _, err := f.Fetch(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	fetch("https://a.example/max-age")
	fetch("https://a.example/max-age")
	fetch("https://a.example/no-store")
	fetch("https://a.example/no-store")
	if got := r.hitsOf("https://a.example/max-age"); got != 1 {
		t.Errorf("max-age: %d fetches, want 1", got)
	}
	if got := r.hitsOf("https://a.example/no-store"); got != 2 {
		t.Errorf("no-store: %d fetches, want 2", got)
	}
	now = now.Add(61 * time.Second)
	fetch("https://a.example/max-age")
	if got := r.hitsOf("https://a.example/max-age"); got != 2 {
		t.Errorf("after max-age: %d fetches, want 2", got)
	}
	// Bounded: two more entries evict the least recently used.
	fetch("https://a.example/c")
	fetch("https://a.example/d")
	fetch("https://a.example/max-age")
	if got := r.hitsOf("https://a.example/max-age"); got != 3 {
		t.Errorf("after eviction: %d fetches, want 3", got)
	}
}

// signedPresentation returns a presentation of cred signed by a did:key
// holder for challenge and domain.
func signedPresentation(t *testing.T, cred []byte, challenge, domain string) []byte {
	t.Helper()
	seed := make([]byte, ed25519.SeedSize)
	seed[0] = 7
	key := ed25519.NewKeyFromSeed(seed)
	holder, err := did.KeyDID(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	json.Unmarshal(cred, &c)
	vp := map[string]any{
		"@context":             []any{"https://www.w3.org/ns/credentials/v2"},
		"type":                 []any{"VerifiablePresentation"},
		"holder":               holder,
		"verifiableCredential": []any{c},
	}
	signed, err := dataintegrity.New(jsonld.New(contexts.NewLoader())).Sign(vp, key, dataintegrity.Options{
		VerificationMethod: holder + "#" + strings.TrimPrefix(holder, "did:key:"),
		ProofPurpose:       dataintegrity.Authentication, Challenge: challenge, Domain: domain,
		Created: verifyClock(), // not in the future of the verifiers' clock
	})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(signed)
	return b
}

func TestVerifyPresentationAPI(t *testing.T) {
	e := newVerifyEnv(t, false)
	vp := signedPresentation(t, e.creds.valid, "c-123", "verifier.example")
	tests := []struct {
		name              string
		challenge, domain string
		verified          bool
	}{
		{"ok/right-challenge", "c-123", "verifier.example", true},
		{"fail/wrong-challenge", "c-999", "verifier.example", false},
		{"fail/wrong-domain", "c-123", "other.example", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := post(t, e.ts, "/presentations/verify", map[string]any{
				"verifiablePresentation": json.RawMessage(vp),
				"options":                map[string]any{"challenge": tt.challenge, "domain": tt.domain},
			})
			v := decodeVerify(t, resp, body)
			if v.Verified != tt.verified || v.Kind != "presentation" {
				t.Errorf("verified %v kind %q, want %v: %s", v.Verified, v.Kind, tt.verified, body)
			}
			failed := failedOf(v)
			if tt.verified == failed[verifier.CheckHolder] {
				t.Errorf("holder check failed = %v: %s", failed[verifier.CheckHolder], body)
			}
			if len(v.Credentials) != 1 || !v.Credentials[0].Verified {
				t.Errorf("the presented credential: %s", body)
			}
		})
	}
}

// TestVerifyAPIBadRequests: requests that are not VC-API requests get a
// problem, 400 or 422.
func TestVerifyAPIBadRequests(t *testing.T) {
	e := newVerifyEnv(t, false)
	vp := signedPresentation(t, e.creds.valid, "", "")
	tests := []struct {
		name, path string
		body       any
		status     int
	}{
		{"fail/not-json", "/credentials/verify", "{not json", http.StatusBadRequest},
		{"fail/empty", "/credentials/verify", " ", http.StatusBadRequest},
		{"fail/no-credential", "/credentials/verify", map[string]any{"options": map[string]any{}}, http.StatusBadRequest},
		{"fail/credential-a-number", "/credentials/verify", map[string]any{"verifiableCredential": 7}, http.StatusBadRequest},
		{"fail/credential-unreadable-string", "/credentials/verify", map[string]any{"verifiableCredential": "hello"}, http.StatusUnprocessableEntity},
		// A credential encoded twice, as a JSON string: refused, even
		// though the string holds a valid credential.
		{"fail/credential-as-json-string", "/credentials/verify", map[string]any{"verifiableCredential": string(e.creds.valid)}, http.StatusBadRequest},
		{"fail/credential-as-json-string-padded", "/credentials/verify", map[string]any{"verifiableCredential": "\n  " + string(e.creds.valid)}, http.StatusBadRequest},
		{"fail/credential-as-json-array-string", "/credentials/verify", map[string]any{"verifiableCredential": "[" + string(e.creds.valid) + "]"}, http.StatusBadRequest},
		{"fail/credential-an-array", "/credentials/verify", map[string]any{"verifiableCredential": []any{json.RawMessage(e.creds.valid)}}, http.StatusBadRequest},
		{"fail/body-an-array", "/credentials/verify", []any{map[string]any{"verifiableCredential": json.RawMessage(e.creds.valid)}}, http.StatusBadRequest},
		{"fail/presentation-a-string", "/presentations/verify", map[string]any{"verifiablePresentation": string(vp)}, http.StatusBadRequest},
		{"fail/presentation-to-credentials", "/credentials/verify", map[string]any{"verifiableCredential": json.RawMessage(vp)}, http.StatusUnprocessableEntity},
		{"fail/no-presentation", "/presentations/verify", map[string]any{"options": map[string]any{"challenge": "x"}}, http.StatusBadRequest},
		{"fail/credential-as-presentation", "/presentations/verify", map[string]any{"verifiablePresentation": json.RawMessage(e.creds.valid)}, http.StatusUnprocessableEntity},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := post(t, e.ts, tt.path, tt.body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			problemOf(t, resp, body)
		})
	}
	t.Run("fail/not-json-content-type", func(t *testing.T) {
		resp, err := e.ts.Client().Post(e.ts.URL+"/credentials/verify", "text/plain", strings.NewReader(string(e.creds.valid)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("status %d, want 415", resp.StatusCode)
		}
	})
}

// fixtureAPIInput is how a fixture is sent to the VC-API: a JSON object
// as is, a JWT as a string, an image as base64 (badged's extension).
func fixtureAPIInput(t *testing.T, file string) any {
	b := readTestFile(t, filepath.Join(fixtureDir, file))
	trimmed := strings.TrimSpace(string(b))
	switch {
	case strings.HasPrefix(trimmed, "{"):
		return json.RawMessage(b)
	case strings.HasSuffix(file, ".png") || strings.HasSuffix(file, ".svg"):
		return base64.StdEncoding.EncodeToString(b)
	}
	return trimmed
}

// TestFixturesAPI is acceptance 2 through the API: every fixture of
// 1EdTech's validator gives the outcome verifier's TestFixtures asserts.
func TestFixturesAPI(t *testing.T) {
	ts := fixtureServer(t)
	for _, fc := range fixtureCases {
		t.Run(fc.file, func(t *testing.T) {
			resp, body := post(t, ts, "/credentials/verify", map[string]any{"verifiableCredential": fixtureAPIInput(t, fc.file)})
			v := decodeVerify(t, resp, body)
			fc.checkOutcome(t, v.Verified, failedOf(v), len(v.Warnings) > 0 && hasVerdict(v.Results, verifier.Warning), string(body))
		})
	}
}

func hasVerdict(cs []verifier.Check, want verifier.Verdict) bool {
	for _, c := range cs {
		if c.Verdict == want {
			return true
		}
	}
	return false
}

// TestVerifyStatusCodes: the status of a verification tells its verdict
// (200 verified, 422 invalid, 503 indeterminate, 400 malformed), for the
// cases of the W3C VC-API verifier test suite (tests/10-vc-di.js), which
// takes 400 or 422 for every credential that must not verify.
func TestVerifyStatusCodes(t *testing.T) {
	e := newVerifyEnv(t, false)
	edit := func(f func(c map[string]any)) json.RawMessage {
		var c map[string]any
		if err := json.Unmarshal(e.creds.valid, &c); err != nil {
			t.Fatal(err)
		}
		f(c)
		return marshalJSON(t, c)
	}
	proof := func(c map[string]any) map[string]any {
		switch p := c["proof"].(type) {
		case []any:
			return p[0].(map[string]any)
		case map[string]any:
			return p
		}
		t.Fatalf("no proof in %v", c)
		return nil
	}
	without := func(field string) json.RawMessage { return edit(func(c map[string]any) { delete(c, field) }) }
	withoutProof := func(field string) json.RawMessage {
		return edit(func(c map[string]any) { delete(proof(c), field) })
	}
	setTo := func(field string, v any) json.RawMessage { return edit(func(c map[string]any) { c[field] = v }) }
	// A proof chain: the issuer's proof, then a second that follows it.
	suite := dataintegrity.New(jsonld.New(contexts.NewLoader()))
	first, err := suite.Sign(e.creds.doc, e.creds.key, dataintegrity.Options{VerificationMethod: e.creds.vm, ID: "urn:uuid:first", Created: verifyClock()})
	if err != nil {
		t.Fatal(err)
	}
	chained, err := suite.Sign(first, e.creds.key, dataintegrity.Options{VerificationMethod: e.creds.vm, PreviousProof: []string{"urn:uuid:first"}, Created: verifyClock()})
	if err != nil {
		t.Fatal(err)
	}
	brokenChain := marshalJSON(t, chained)
	var broken map[string]any
	json.Unmarshal(brokenChain, &broken)
	broken["proof"] = broken["proof"].([]any)[1:]
	brokenChain = marshalJSON(t, broken)
	ahead, err := suite.Sign(e.creds.doc, e.creds.key, dataintegrity.Options{VerificationMethod: e.creds.vm, Created: verifyClock().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	future := marshalJSON(t, ahead)
	// A proof set: another party's proof beside the issuer's.
	otherKey := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, ed25519.SeedSize))
	otherDID, err := did.KeyDID(otherKey.Public())
	if err != nil {
		t.Fatal(err)
	}
	countersigned, err := suite.Sign(e.creds.doc, otherKey, dataintegrity.Options{VerificationMethod: otherDID + "#" + strings.TrimPrefix(otherDID, "did:key:"), Created: verifyClock()})
	if err != nil {
		t.Fatal(err)
	}
	onlyOther := marshalJSON(t, countersigned)
	if countersigned, err = suite.Sign(countersigned, e.creds.key, dataintegrity.Options{VerificationMethod: e.creds.vm, Created: verifyClock()}); err != nil {
		t.Fatal(err)
	}
	// An EnvelopedVerifiableCredential (VC 2.0 4.13.1), as
	// /credentials/issue answers for a JWT.
	envelope := func(f func(map[string]any)) map[string]any {
		env := map[string]any{"@context": "https://www.w3.org/ns/credentials/v2", "type": "EnvelopedVerifiableCredential",
			"id": "data:application/jwt," + e.creds.jwt}
		if f != nil {
			f(env)
		}
		return env
	}
	tests := []struct {
		name   string
		cred   any
		status int
		reason string // the reason of the proof error, when set
	}{
		{"ok/valid", json.RawMessage(e.creds.valid), http.StatusOK, ""},
		{"ok/vc-jwt", e.creds.jwt, http.StatusOK, ""},
		{"fail/no-@context", without("@context"), http.StatusUnprocessableEntity, ""},
		{"fail/no-type", without("type"), http.StatusUnprocessableEntity, ""},
		{"fail/no-issuer", without("issuer"), http.StatusUnprocessableEntity, ""},
		{"fail/no-credentialSubject", without("credentialSubject"), http.StatusUnprocessableEntity, ""},
		{"fail/no-proof", without("proof"), http.StatusUnprocessableEntity, ""},
		{"fail/no-proof.type", withoutProof("type"), http.StatusUnprocessableEntity, verifier.ReasonProofType},
		{"fail/no-proof.created", withoutProof("created"), http.StatusUnprocessableEntity, verifier.ReasonSignature},
		{"fail/no-proof.verificationMethod", withoutProof("verificationMethod"), http.StatusUnprocessableEntity, verifier.ReasonVerificationMethod},
		{"fail/no-proof.proofValue", withoutProof("proofValue"), http.StatusUnprocessableEntity, verifier.ReasonProofValue},
		{"fail/no-proof.proofPurpose", withoutProof("proofPurpose"), http.StatusUnprocessableEntity, verifier.ReasonProofPurpose},
		{"fail/@context-a-number", setTo("@context", 10), http.StatusUnprocessableEntity, ""},
		{"fail/type-an-object", setTo("type", map[string]any{}), http.StatusUnprocessableEntity, ""},
		{"fail/issuer-a-list", setTo("issuer", []any{}), http.StatusUnprocessableEntity, ""},
		{"fail/credentialSubject-a-string", setTo("credentialSubject", "string"), http.StatusUnprocessableEntity, ""},
		{"fail/proof-a-string", setTo("proof", "string"), http.StatusUnprocessableEntity, ""},
		{"fail/tampered", json.RawMessage(e.creds.tampered), http.StatusUnprocessableEntity, verifier.ReasonSignature},
		{"fail/revoked", json.RawMessage(e.creds.revoked), http.StatusUnprocessableEntity, ""},
		{"fail/expired", json.RawMessage(e.creds.expired), http.StatusUnprocessableEntity, ""},
		{"indeterminate/issuer-document-missing", json.RawMessage(e.creds.unknownKey), http.StatusServiceUnavailable, ""},
		{"fail/a-json-string", string(e.creds.valid), http.StatusBadRequest, ""},
		{"ok/proof-chain", marshalJSON(t, chained), http.StatusOK, ""},
		{"fail/proof-chain-link-missing", brokenChain, http.StatusUnprocessableEntity, verifier.ReasonPreviousProof},
		{"fail/proof-created-in-the-future", future, http.StatusUnprocessableEntity, verifier.ReasonCreated},
		{"ok/proof-set-with-another-partys-proof", marshalJSON(t, countersigned), http.StatusOK, ""},
		{"fail/signed-only-by-another-party", onlyOther, http.StatusUnprocessableEntity, ""},
		{"ok/enveloped", envelope(nil), http.StatusOK, ""},
		{"fail/enveloped-@context-empty", envelope(func(m map[string]any) { m["@context"] = []any{} }), http.StatusUnprocessableEntity, ""},
		{"fail/enveloped-@context-not-vc-2.0", envelope(func(m map[string]any) { m["@context"] = "https://www.w3.org/ns/credentials/examples/v2" }), http.StatusUnprocessableEntity, ""},
		{"fail/enveloped-id-not-a-data-url", envelope(func(m map[string]any) { m["id"] = e.creds.jwt }), http.StatusUnprocessableEntity, ""},
		{"fail/enveloped-type-missing", envelope(func(m map[string]any) { delete(m, "type") }), http.StatusUnprocessableEntity, ""},
		{"fail/enveloped-jwt-altered", envelope(func(m map[string]any) { m["id"] = "data:application/jwt," + e.creds.jwt[:len(e.creds.jwt)-4] + "AAAA" }), http.StatusUnprocessableEntity, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := post(t, e.ts, "/credentials/verify", map[string]any{"verifiableCredential": tt.cred, "options": map[string]any{"checks": []string{"proof"}}})
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if resp.Header.Get("Content-Type") == "application/problem+json" {
				problemOf(t, resp, body)
				return
			}
			v := decodeVerify(t, resp, body)
			if v.Verified != (tt.status == http.StatusOK) {
				t.Errorf("verified %v with status %d: %s", v.Verified, resp.StatusCode, body)
			}
			if tt.reason != "" {
				var reason string
				for _, p := range v.Errors {
					if p.ID == verifier.CheckProof {
						reason = p.Reason
					}
				}
				if reason != tt.reason {
					t.Errorf("proof reason %q, want %q: %s", reason, tt.reason, body)
				}
			}
		})
	}
}

func marshalJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// selfIssuedVC is a generic credential issued and signed by a did:key: it
// verifies with no network and no status list (the authorization matrix
// asks the public verify routes for a 200).
func selfIssuedVC(t *testing.T) json.RawMessage {
	t.Helper()
	seed := make([]byte, ed25519.SeedSize)
	seed[0] = 9
	key := ed25519.NewKeyFromSeed(seed)
	issuer, err := did.KeyDID(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	c := genericVC()
	c["issuer"] = issuer
	signed, err := dataintegrity.New(jsonld.New(contexts.NewLoader())).Sign(c, key, dataintegrity.Options{
		VerificationMethod: issuer + "#" + strings.TrimPrefix(issuer, "did:key:"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return marshalJSON(t, signed)
}
