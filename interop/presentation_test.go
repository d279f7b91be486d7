package interop_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/badged/badged/credential/dataintegrity"
	"github.com/badged/badged/did"
	"github.com/badged/badged/verifier"
	"github.com/badged/badged/wallet"
)

// The verifier's challenge and domain every presentation here answers.
const (
	vpChallenge = "c0ffee-9d4e-presentation"
	vpDomain    = "verifier.example.org"
)

// presentationCase is one presentation shape: how many credentials it
// carries (picked from the interop set) and whether it names its holder.
type presentationCase struct {
	name   string
	creds  []string // names in the interop set
	holder bool
}

// presentationCases are none, one and several credentials, each with and
// without holder. The credentials are awkward for canonicalization on
// purpose: control characters, non-ASCII text, results with numbers.
var presentationCases = func() []presentationCase {
	var cases []presentationCase
	for _, n := range []struct {
		name  string
		creds []string
	}{
		{"none", nil},
		{"one", []string{"did-minimal"}},
		{"several", []string{"results", "control-chars", "dutch-unicode", "emoji"}},
	} {
		cases = append(cases,
			presentationCase{n.name + "-holder", n.creds, true},
			presentationCase{n.name + "-no-holder", n.creds, false})
	}
	return cases
}()

// pick returns the credentials of the interop set named names, as JSON
// objects.
func pick(t *testing.T, set []testCredential, names []string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, name := range names {
		found := false
		for _, c := range set {
			if c.name == name {
				doc, err := c.cred.Map()
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				out = append(out, doc)
				found = true
			}
		}
		if !found {
			t.Fatalf("no credential %q in the interop set", name)
		}
	}
	return out
}

// unsignedPresentation is a VC 2.0 presentation of creds, held by holder
// when it is not empty.
func unsignedPresentation(holder string, creds []any) map[string]any {
	vp := map[string]any{
		"@context": []any{"https://www.w3.org/ns/credentials/v2"},
		"type":     []any{"VerifiablePresentation"},
	}
	if holder != "" {
		vp["holder"] = holder
	}
	if len(creds) > 0 {
		vp["verifiableCredential"] = creds
	}
	return vp
}

// tamperPresentation returns a copy of a signed presentation with one
// signed value changed: the name of its first credential, or, without
// credentials, its holder.
func tamperPresentation(t *testing.T, vp map[string]any) map[string]any {
	t.Helper()
	var c map[string]any
	if err := json.Unmarshal(marshal(t, vp), &c); err != nil {
		t.Fatal(err)
	}
	if creds, _ := c["verifiableCredential"].([]any); len(creds) > 0 {
		first := creds[0].(map[string]any)
		first["name"] = fmt.Sprint(first["name"]) + " (forged)"
		return c
	}
	c["holder"] = "did:example:forged"
	return c
}

// TestDigitalBazaarVerifiesBadgedPresentations: presentations badged signs
// (eddsa-rdfc-2022, authentication, challenge and domain), with none, one
// and several credentials badged signed inside and with and without
// holder, and presentations its wallet makes, verify in Digital Bazaar's
// stack (vc.verify: the presentation's proof and every credential's);
// tampered copies do not.
func TestDigitalBazaarVerifiesBadgedPresentations(t *testing.T) {
	requireNode(t)
	t.Parallel()
	issuerKey, issuer, issuerVM := newKey(t, 11)
	holderKey, holder, holderVM := newKey(t, 12)
	set := credentials(t, issuer)
	suite := dataintegrity.New(testProcessor(t))
	created := time.Now().Add(-time.Minute)

	signCreds := func(t *testing.T, docs []map[string]any) []any {
		t.Helper()
		var out []any
		for i, d := range docs {
			cs := dataintegrity.RDFC
			if i%2 == 1 {
				cs = dataintegrity.JCS // several: the two suites side by side
			}
			s, err := suite.Sign(d, issuerKey, dataintegrity.Options{Cryptosuite: cs, VerificationMethod: issuerVM, Created: created})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		return out
	}

	dir := t.TempDir()
	var files []string
	add := func(name string, vp map[string]any) {
		good := filepath.Join(dir, name+".json")
		bad := filepath.Join(dir, name+".tampered.json")
		write(t, good, marshal(t, vp))
		write(t, bad, marshal(t, tamperPresentation(t, vp)))
		files = append(files, good, bad)
	}
	for _, c := range presentationCases {
		h := ""
		if c.holder {
			h = holder
		}
		vp, err := suite.Sign(unsignedPresentation(h, signCreds(t, pick(t, set, c.creds))), holderKey, dataintegrity.Options{
			VerificationMethod: holderVM, ProofPurpose: dataintegrity.Authentication,
			Challenge: vpChallenge, Domain: vpDomain, Created: created,
		})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		add(c.name, vp)
	}
	for _, n := range []int{1, 3} {
		vp, err := wallet.SignPresentation(suite, holderKey, wallet.PresentationDocument{
			ID:          "https://badges.example.edu/p/vp_interop",
			Credentials: signCreds(t, pick(t, set, []string{"did-minimal", "ects-eqf", "evidence-url"}[:n])),
			Challenge:   vpChallenge, Domain: vpDomain, Created: created,
		})
		if err != nil {
			t.Fatal(err)
		}
		add(fmt.Sprintf("wallet-%d", n), vp)
	}

	out, _ := runNode(t, append([]string{"present.mjs", "verify", "--challenge", vpChallenge, "--domain", vpDomain}, files...)...)
	lines := parseVerify(t, out)
	if len(lines) != len(files) {
		t.Fatalf("present.mjs reported %d files, want %d:\n%s", len(lines), len(files), out)
	}
	verified, rejected := 0, 0
	for _, l := range lines {
		name := filepath.Base(l.File)
		switch tampered := strings.HasSuffix(name, ".tampered.json"); {
		case !tampered && l.Verified:
			verified++
		case !tampered:
			t.Errorf("%s: badged signed it, Digital Bazaar does not verify it: %s", name, l.Error)
		case !l.Verified:
			rejected++
		default:
			t.Errorf("%s: a tampered presentation verified in Digital Bazaar's stack", name)
		}
	}
	t.Logf("%d presentations signed by badged verified by Digital Bazaar, %d/%d tampered copies rejected",
		verified, rejected, len(files)/2)
}

// TestBadgedVerifiesDigitalBazaarPresentations: presentations Digital
// Bazaar's stack signs, with none, one and several credentials it signed
// inside and with and without holder, verify in badged's verifier (the
// presentation's proof, holder and every credential); tampered copies fail
// the holder check.
func TestBadgedVerifiesDigitalBazaarPresentations(t *testing.T) {
	requireNode(t)
	t.Parallel()
	key, id, _ := newKey(t, 13) // signs the credentials and the presentations
	set := credentials(t, id)

	dir, keyFile, unsigned := signingDir(t, key)
	args := []string{"present.mjs", "sign", "--key", keyFile, "--out", filepath.Join(dir, "signed"),
		"--challenge", vpChallenge, "--domain", vpDomain}
	for _, c := range presentationCases {
		h := ""
		if c.holder {
			h = id
		}
		var creds []any
		for _, d := range pick(t, set, c.creds) {
			creds = append(creds, d)
		}
		f := filepath.Join(unsigned, c.name+".json")
		write(t, f, marshal(t, unsignedPresentation(h, creds)))
		args = append(args, f)
	}
	if _, err := runNode(t, args...); err != nil {
		t.Fatal(err)
	}

	v := verifier.New(testProcessor(t), did.NewResolver(nil))
	opts := verifier.PresentationOptions{Challenge: vpChallenge, Domain: vpDomain}
	verified, rejected := 0, 0
	for _, c := range presentationCases {
		var vp map[string]any
		if err := json.Unmarshal(readBytes(t, filepath.Join(dir, "signed", c.name+".json")), &vp); err != nil {
			t.Fatal(err)
		}
		res := v.VerifyPresentation(t.Context(), vp, opts)
		holderCheck := verdict(res, verifier.CheckHolder)
		wantHolder := verifier.Pass
		if len(c.creds) == 0 {
			wantHolder = verifier.Warning // it carries nothing
		}
		if !res.Verified || holderCheck != wantHolder || len(res.Credentials) != len(c.creds) {
			t.Errorf("%s: Digital Bazaar signed it, badged does not verify it (holder check %s, %d credentials): %s",
				c.name, holderCheck, len(res.Credentials), failures(res))
		} else {
			verified++
		}
		for i, r := range res.Credentials {
			if !r.Verified {
				t.Errorf("%s: credential %d: %s", c.name, i+1, failures(r))
			}
		}
		res = v.VerifyPresentation(t.Context(), tamperPresentation(t, vp), opts)
		if res.Verified || verdict(res, verifier.CheckHolder) != verifier.Fail {
			t.Errorf("%s: tampered copy: verified=%v, holder check %q, want a failed holder check", c.name, res.Verified, verdict(res, verifier.CheckHolder))
		} else {
			rejected++
		}
	}
	t.Logf("%d/%d presentations signed by Digital Bazaar verified by badged, %d tampered copies rejected",
		verified, len(presentationCases), rejected)
}

func readBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
