package verifier_test

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/badged/badged/contexts"
	"github.com/badged/badged/credential/dataintegrity"
	"github.com/badged/badged/credential/jose"
	"github.com/badged/badged/did"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/statuslist"
	"github.com/badged/badged/verifier"
)

// FuzzVerify feeds Verify whatever a person might upload, seeded with every
// fixture of 1EdTech's validator and with credentials badged signed in each
// format. Verify must never panic, must always report at least one check,
// only with the known ids and verdicts, and must call nothing verified that
// has a failed check or that no key signed.
//
// The verifier never reaches the network: keys resolve only as did:key
// and did:jwk (did:web fetches fail), and status lists come from memory.
func FuzzVerify(f *testing.F) {
	err := filepath.WalkDir(fixtures, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err == nil {
			f.Add(b)
		}
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range fuzzSeeds(f) {
		f.Add(seed)
	}

	v, _ := offlineVerifier(f)
	ids := map[string]bool{}
	for _, id := range []string{verifier.CheckFormat, verifier.CheckContext, verifier.CheckType, verifier.CheckJSONLD,
		verifier.CheckSchema, verifier.CheckIssuer, verifier.CheckSubject, verifier.CheckEvidence, verifier.CheckProof,
		verifier.CheckSigner, verifier.CheckValidity, verifier.CheckStatus, verifier.CheckHolder} {
		ids[id] = true
	}
	reasons := map[string]bool{"": true}
	for _, r := range []string{verifier.ReasonProofType, verifier.ReasonCryptosuite, verifier.ReasonVerificationMethod,
		verifier.ReasonProofPurpose, verifier.ReasonProofValue, verifier.ReasonCreated, verifier.ReasonExpires,
		verifier.ReasonChallenge, verifier.ReasonDomain, verifier.ReasonProofContext, verifier.ReasonPreviousProof, verifier.ReasonSignature} {
		reasons[r] = true
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		res := v.Verify(context.Background(), input)
		if res == nil || len(res.Checks) == 0 {
			t.Fatalf("no checks reported")
		}
		failed, unchecked := false, false
		for _, c := range res.Checks {
			if !ids[c.ID] {
				t.Errorf("unknown check id %q", c.ID)
			}
			switch c.Verdict {
			case verifier.Fail:
				failed = true
			case verifier.Unchecked:
				unchecked = true
			case verifier.Pass, verifier.Warning, verifier.Skipped:
			default:
				t.Errorf("check %s: unknown verdict %q", c.ID, c.Verdict)
			}
			if c.Message == "" {
				t.Errorf("check %s has no message", c.ID)
			}
			if !reasons[c.Reason] || (c.Reason != "" && c.Verdict != verifier.Fail) {
				t.Errorf("check %s (%s): reason %q", c.ID, c.Verdict, c.Reason)
			}
		}
		want := verifier.Valid
		switch {
		case failed:
			want = verifier.Invalid
		case unchecked:
			want = verifier.Indeterminate
		}
		if res.Verdict != want || res.Verified != (want == verifier.Valid) {
			t.Errorf("verdict %s, verified %v; want %s\n%s", res.Verdict, res.Verified, want, describe(res))
		}
		if c, _ := res.Check(verifier.CheckStatus); res.Status != "" && c.Verdict != verifier.Fail {
			t.Errorf("status %q without a failed status check\n%s", res.Status, describe(res))
		}
		if res.Verified && res.Signer == "" {
			t.Errorf("verified, yet no key signed\n%s", describe(res))
		}
	})
}

// offlineStatus serves status lists from memory.
type offlineStatus map[string][]byte

func (s offlineStatus) Fetch(_ context.Context, url string) ([]byte, error) {
	if b, ok := s[url]; ok {
		return b, nil
	}
	return nil, errors.New("not found")
}

// offlineVerifier returns a verifier that never touches the network, and
// the status lists it serves.
func offlineVerifier(tb testing.TB) (*verifier.Verifier, offlineStatus) {
	tb.Helper()
	offline := &http.Client{Transport: roundTripper(func(*http.Request) (*http.Response, error) {
		return nil, errors.New("offline")
	})}
	status := offlineStatus{}
	ld := jsonld.New(contexts.NewLoader())
	issuer := keySigner(tb, 5)
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, url := range []string{"https://status.example/1", "https://status.example/2"} {
		l := statuslist.New(statuslist.MinSize)
		if err := l.Set(94567, i == 1); err != nil {
			tb.Fatal(err)
		}
		lc := statuslist.ListCredential(url, issuer.did(), statuslist.PurposeRevocation, l, from)
		status[url] = marshal(tb, signDI(tb, dataintegrity.New(ld), lc, issuer, dataintegrity.RDFC))
	}
	return verifier.New(ld, did.NewResolver(offline),
		verifier.WithStatus(status), verifier.WithClock(negClock)), status
}

// fuzzSeeds returns the test credential issued by a did:key (the issuer
// offlineVerifier's lists name) and secured every way, baked too, plus a
// revoked one and a presentation.
func fuzzSeeds(tb testing.TB) [][]byte {
	tb.Helper()
	var base map[string]any
	if err := json.Unmarshal(readFile(tb, "../testdata/credential-3kb.json"), &base); err != nil {
		tb.Fatal(err)
	}
	issuer, holder := keySigner(tb, 5), keySigner(tb, 4)
	base = clone(tb, base)
	issuedBy(issuer.did())(base)
	listAt("https://status.example/1")(base)
	revoked := clone(tb, base)
	listAt("https://status.example/2")(revoked)

	ds := dataintegrity.New(jsonld.New(contexts.NewLoader()))
	rdfc := marshal(tb, signDI(tb, ds, base, issuer, dataintegrity.RDFC))
	jcs := marshal(tb, signDI(tb, ds, base, issuer, dataintegrity.JCS))
	objwt := []byte(signJWT(tb, base, issuer.key, issuer.vm.ID, jose.OBJWT))
	vcjose := []byte(signJWT(tb, base, issuer.key, issuer.vm.ID, jose.VCJOSE))
	vp, err := ds.Sign(map[string]any{
		"@context": []any{"https://www.w3.org/ns/credentials/v2"},
		"type":     []any{"VerifiablePresentation"},
		"holder":   holder.did(),
		"verifiableCredential": []any{signDI(tb, ds, base, issuer, dataintegrity.RDFC), map[string]any{
			"@context": "https://www.w3.org/ns/credentials/v2",
			"id":       "data:application/vc+jwt," + string(objwt),
			"type":     "EnvelopedVerifiableCredential",
		}},
	}, holder.key, dataintegrity.Options{VerificationMethod: holder.vm.ID, ProofPurpose: dataintegrity.Authentication, Challenge: "c", Domain: "d"})
	if err != nil {
		tb.Fatal(err)
	}
	return [][]byte{
		rdfc, jcs, objwt, vcjose,
		marshal(tb, signDI(tb, ds, revoked, issuer, dataintegrity.RDFC)),
		marshal(tb, vp),
		bakePNG(tb, rdfc), bakePNG(tb, objwt), bakeSVG(tb, jcs), bakeSVG(tb, vcjose),
		marshal(tb, chain(tb, ds, base, issuer, dataintegrity.RDFC)), marshal(tb, chain(tb, ds, base, issuer, dataintegrity.JCS)),
	}
}

// TestFuzzSeeds checks that the seeds badged signed verify offline, so the
// fuzzer starts from inputs that reach every check.
func TestFuzzSeeds(t *testing.T) {
	v, _ := offlineVerifier(t)
	for i, seed := range fuzzSeeds(t) {
		res := v.Verify(context.Background(), seed)
		revoked := i == 4
		if res.Verified == revoked {
			t.Errorf("seed %d: verified %v\n%s", i, res.Verified, describe(res))
		}
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
