// Package interop_test cross-checks badged against an independent
// implementation, Digital Bazaar's JavaScript stack (@digitalbazaar/vc with
// the eddsa-rdfc-2022 and eddsa-jcs-2022 cryptosuites) and jose for VC-JWT,
// installed from npm at pinned versions by `cd interop && npm ci`.
//
// Credentials badged signs must verify there, and their tampered copies must
// not; credentials the npm stack signs must verify in badged's verifier, and
// their tampered copies must fail its proof check. Each direction runs one
// node process for all its files.
//
// The tests skip when node or interop/node_modules is missing, except when
// CI=true: in CI a skipped interop test would hide a broken setup, so they
// fail instead.
package interop_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/badged/badged/contexts"
	"github.com/badged/badged/credential/dataintegrity"
	"github.com/badged/badged/credential/jose"
	"github.com/badged/badged/did"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/keys"
	"github.com/badged/badged/verifier"
)

// testBase is the deployment the test credentials come from: they name
// its badged v2 context, which the Go and node loaders serve from files.
const testBase = "https://badges.example.edu"

// nodeTimeout bounds each node process.
const nodeTimeout = 90 * time.Second

// The formats each credential is signed in, with the file suffix used for
// it. sign.mjs names its suites the same way ("jwt" for VC-JWT).
var formats = []string{dataintegrity.RDFC, dataintegrity.JCS, "jwt"}

// requireNode skips the test, or fails it under CI=true, when the npm
// harness cannot run.
func requireNode(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		skipOrFail(t, "node is not on PATH (%v); install Node >= 20 and run `cd interop && npm ci`", err)
	}
	if _, err := os.Stat("node_modules"); err != nil {
		skipOrFail(t, "interop/node_modules is missing; run `cd interop && npm ci`")
	}
}

// skipOrFail skips the test with the message, except when the environment
// variable CI is "true", where it fails: CI must run the interop tests.
func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (CI=true: the interop tests must not be skipped)", msg)
	}
	t.Skip(msg)
}

// runNode runs `node args...` in interop/ and returns its stdout. A non-zero
// exit is returned as an error along with the output, so callers can read
// per-file results of a run in which some files were meant to fail.
func runNode(t *testing.T, args ...string) ([]byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), nodeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Env = append(os.Environ(), "BADGED_BASE_URL="+testBase)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("node %s: timed out after %v\nstderr:\n%s", args[0], nodeTimeout, stderr.Bytes())
	}
	if err != nil {
		err = fmt.Errorf("node %s: %w\nstderr:\n%s", args[0], err, stderr.Bytes())
	}
	return stdout.Bytes(), err
}

// newKey returns an Ed25519 key from seed, its did:key and its verification
// method did:key:z6Mk…#z6Mk….
func newKey(t *testing.T, seed uint64) (ed25519.PrivateKey, string, string) {
	t.Helper()
	key, err := keys.Generate(rand.NewChaCha8(seedOf(seed)))
	if err != nil {
		t.Fatal(err)
	}
	id, err := did.KeyDID(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	return key, id, id + "#" + strings.TrimPrefix(id, "did:key:")
}

// testProcessor is the JSON-LD processor of the deployment at testBase.
func testProcessor(t *testing.T) *jsonld.Processor {
	t.Helper()
	l, err := contexts.NewLoader().WithBase(testBase)
	if err != nil {
		t.Fatal(err)
	}
	return jsonld.New(l)
}

func seedOf(n uint64) [32]byte {
	var s [32]byte
	for i := range 8 {
		s[i] = byte(n >> (8 * i))
	}
	return s
}

func TestDigitalBazaarVerifiesBadged(t *testing.T) {
	requireNode(t)
	t.Parallel()
	key, issuer, vm := newKey(t, 1)
	creds := credentials(t, issuer)
	suite := dataintegrity.New(testProcessor(t))

	dir := t.TempDir()
	good, bad := filepath.Join(dir, "good"), filepath.Join(dir, "tampered")
	for _, d := range []string{good, bad} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range creds {
		doc, err := c.cred.Map()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for _, f := range formats {
			var signed, tampered []byte
			name := c.name + "." + f
			if f == "jwt" {
				tok, err := jose.Sign(doc, key, vm, jose.OBJWT)
				if err != nil {
					t.Fatalf("%s: sign: %v", name, err)
				}
				signed, tampered = []byte(tok), []byte(tamperJWT(t, tok, i))
				name += ".jwt"
			} else {
				s, err := suite.Sign(doc, key, dataintegrity.Options{Cryptosuite: f, VerificationMethod: vm})
				if err != nil {
					t.Fatalf("%s: sign: %v", name, err)
				}
				signed, tampered = marshal(t, s), marshal(t, tamperDoc(t, s, i))
				name += ".json"
			}
			write(t, filepath.Join(good, name), signed)
			write(t, filepath.Join(bad, name), tampered)
		}
	}

	out, _ := runNode(t, "verify.mjs", "--issuer-match", good, bad) // exits 1: the tampered files fail
	lines := parseVerify(t, out)
	want := len(creds) * len(formats)
	var nGood, nBad, verified, rejected int
	for _, l := range lines {
		switch filepath.Dir(l.File) {
		case good:
			nGood++
			if l.Verified {
				verified++
			} else {
				t.Errorf("%s: badged signed it, Digital Bazaar does not verify it: %s", filepath.Base(l.File), l.Error)
			}
		case bad:
			nBad++
			if !l.Verified {
				rejected++
			} else {
				t.Errorf("%s: tampered copy verified in Digital Bazaar's stack", filepath.Base(l.File))
			}
		default:
			t.Errorf("verify.mjs reported an unexpected file %s", l.File)
		}
	}
	if nGood != want || nBad != want {
		t.Errorf("verify.mjs reported %d signed and %d tampered files, want %d of each", nGood, nBad, want)
	}
	t.Logf("%d credentials x %d formats: %d/%d signed by badged verified by Digital Bazaar, %d/%d tampered copies rejected",
		len(creds), len(formats), verified, want, rejected, want)
}

// signingDir makes a temporary directory for the npm stack to sign in:
// key written to its key.json, and an empty unsigned/ for the inputs.
func signingDir(t *testing.T, key ed25519.PrivateKey) (dir, keyFile, unsigned string) {
	t.Helper()
	dir = t.TempDir()
	keyFile = filepath.Join(dir, "key.json")
	b, err := keys.Marshal(key)
	if err != nil {
		t.Fatal(err)
	}
	write(t, keyFile, b)
	unsigned = filepath.Join(dir, "unsigned")
	if err := os.Mkdir(unsigned, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, keyFile, unsigned
}

func TestBadgedVerifiesDigitalBazaar(t *testing.T) {
	requireNode(t)
	t.Parallel()
	key, issuer, _ := newKey(t, 2)
	creds := credentials(t, issuer)

	dir, keyFile, unsigned := signingDir(t, key)
	args := []string{"sign.mjs", "--key", keyFile, "--suite", strings.Join(formats, ","), "--out", filepath.Join(dir, "signed")}
	for _, c := range creds {
		f := filepath.Join(unsigned, c.name+".json")
		write(t, f, marshal(t, c.cred))
		args = append(args, f)
	}
	if _, err := runNode(t, args...); err != nil {
		t.Fatal(err)
	}

	v := verifier.New(testProcessor(t), did.NewResolver(nil))
	ctx := t.Context()
	verified, rejected := 0, 0
	for _, f := range formats {
		for i, c := range creds {
			ext := ".json"
			if f == "jwt" {
				ext = ".jwt"
			}
			name := filepath.Join(f, c.name+ext)
			signed, err := os.ReadFile(filepath.Join(dir, "signed", name))
			if err != nil {
				t.Fatal(err)
			}
			signed = bytes.TrimSpace(signed)
			if res := v.Verify(ctx, signed); res.Verified && verdict(res, verifier.CheckProof) == verifier.Pass {
				verified++
			} else {
				t.Errorf("%s: Digital Bazaar signed it, badged does not verify it: %s", name, failures(res))
			}
			var tampered []byte
			if f == "jwt" {
				tampered = []byte(tamperJWT(t, string(signed), i))
			} else {
				var doc map[string]any
				if err := json.Unmarshal(signed, &doc); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				tampered = marshal(t, tamperDoc(t, doc, i))
			}
			if res := v.Verify(ctx, tampered); !res.Verified && verdict(res, verifier.CheckProof) == verifier.Fail {
				rejected++
			} else {
				t.Errorf("%s: tampered copy: verified=%v, proof check %q, want a failed proof check", name, res.Verified, verdict(res, verifier.CheckProof))
			}
		}
	}
	want := len(creds) * len(formats)
	t.Logf("%d credentials x %d formats: %d/%d signed by Digital Bazaar verified by badged, %d/%d tampered copies rejected",
		len(creds), len(formats), verified, want, rejected, want)
}

func verdict(res *verifier.Result, id string) verifier.Verdict {
	c, _ := res.Check(id)
	return c.Verdict
}

func failures(res *verifier.Result) string {
	var s []string
	for _, c := range res.Failed() {
		s = append(s, c.ID+": "+c.Message)
	}
	if len(s) == 0 {
		return fmt.Sprintf("no failed check; proof check %q", verdict(res, verifier.CheckProof))
	}
	return strings.Join(s, "; ")
}

// verifyLine is one line of verify.mjs's output.
type verifyLine struct {
	File     string `json:"file"`
	Verified bool   `json:"verified"`
	Error    string `json:"error"`
}

func parseVerify(t *testing.T, out []byte) []verifyLine {
	t.Helper()
	var lines []verifyLine
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l verifyLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("verify.mjs output %q: %v", sc.Text(), err)
		}
		lines = append(lines, l)
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i].File < lines[j].File })
	return lines
}

// tamperDoc returns a deep copy of a signed document with one signed value
// changed: the credential's name, or alternately a value inside
// credentialSubject (the achievement's name).
func tamperDoc(t *testing.T, doc map[string]any, i int) map[string]any {
	t.Helper()
	var c map[string]any
	if err := json.Unmarshal(marshal(t, doc), &c); err != nil {
		t.Fatal(err)
	}
	target := c
	if i%2 == 1 {
		subject, _ := c["credentialSubject"].(map[string]any)
		target, _ = subject["achievement"].(map[string]any)
		if target == nil {
			t.Fatal("tamper: no credentialSubject.achievement")
		}
	}
	name, _ := target["name"].(string)
	target["name"] = name + " (forged)"
	return c
}

// tamperJWT changes one letter of the payload of a compact JWS, keeping
// the header, the signature, the base64url encoding and the JSON valid, so
// that only the signature check can catch it. The letter is in the
// credential's name, or alternately in the achievement's name (the first
// occurrence of an ASCII word of it, which may be in another string that
// repeats the word: a signed value changes either way).
func tamperJWT(t *testing.T, tok string, i int) string {
	t.Helper()
	parts := strings.Split(strings.TrimSpace(tok), ".")
	if len(parts) != 3 {
		t.Fatalf("tamper: not a compact JWS: %.40q", tok)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	cred := claims
	if vc, ok := claims["vc"].(map[string]any); ok {
		cred = vc
	}
	name, _ := cred["name"].(string)
	if i%2 == 1 {
		subject, _ := cred["credentialSubject"].(map[string]any)
		achievement, _ := subject["achievement"].(map[string]any)
		name, _ = achievement["name"].(string)
	}
	word := asciiWord.FindString(name)
	at := bytes.Index(payload, []byte(word))
	if word == "" || at < 0 {
		t.Fatalf("tamper: no ASCII word of %q found in the payload", name)
	}
	forged := bytes.Clone(payload)
	if forged[at] == 'X' {
		forged[at] = 'Y'
	} else {
		forged[at] = 'X'
	}
	if !json.Valid(forged) {
		t.Fatalf("tamper: forged payload is not JSON: %s", forged)
	}
	parts[1] = base64.RawURLEncoding.EncodeToString(forged)
	return strings.Join(parts, ".")
}

var asciiWord = regexp.MustCompile(`[A-Za-z]{3,}`)

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func write(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
