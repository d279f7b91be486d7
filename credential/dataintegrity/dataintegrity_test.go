package dataintegrity_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/multiformats/go-multibase"

	"github.com/badged/badged/contexts"
	"github.com/badged/badged/credential/dataintegrity"
	"github.com/badged/badged/jsonld"
)

const vectors = "../../testdata/vectors"

func testSuite(t testing.TB) *dataintegrity.Suite {
	t.Helper()
	l := contexts.NewLoader()
	for url, file := range map[string]string{
		"https://www.w3.org/ns/credentials/examples/v2": "credentials-examples-v2.jsonld",
		"https://w3id.org/citizenship/v4rc1":            "citizenship-v4rc1.jsonld",
	} {
		b, err := os.ReadFile(filepath.Join(vectors, "contexts", file))
		if err != nil {
			t.Fatal(err)
		}
		if l, err = l.With(url, b); err != nil {
			t.Fatal(err)
		}
	}
	return dataintegrity.New(jsonld.New(l))
}

func readJSON(t testing.TB, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

func readText(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// multikey decodes a base58btc multibase value and strips its two-byte
// multicodec header (0xed01 Ed25519 public, 0x8026 Ed25519 secret seed).
func multikey(t testing.TB, s string, header []byte) []byte {
	t.Helper()
	_, b, err := multibase.Decode(s)
	if err != nil || !bytes.HasPrefix(b, header) {
		t.Fatalf("multikey %s: %v", s, err)
	}
	return b[len(header):]
}

// w3cKey is the key pair of the W3C vc-di-eddsa test vectors.
func w3cKey(t testing.TB) ed25519.PrivateKey {
	kp := readJSON(t, filepath.Join(vectors, "eddsa-rdfc-2022/keyPair.json"))
	seed := multikey(t, kp["privateKeyMultibase"].(string), []byte{0x80, 0x26})
	key := ed25519.NewKeyFromSeed(seed)
	pub := multikey(t, kp["publicKeyMultibase"].(string), []byte{0xed, 0x01})
	if !bytes.Equal(key.Public().(ed25519.PublicKey), pub) {
		t.Fatal("vector key pair does not match")
	}
	return key
}

// obKey is the key of the Open Badges 3.0 spec's test vector, which the
// 1EdTech validator fixtures are signed with too.
func obKey(t testing.TB) ed25519.PrivateKey {
	kp := readJSON(t, filepath.Join(vectors, "ob3-examples/ob3-spec-ldp-testvector-key.json"))
	b, err := hex.DecodeString(kp["privateKeyHex"].(string))
	if err != nil {
		t.Fatal(err)
	}
	return ed25519.PrivateKey(b)
}

func singleProof(t testing.TB, doc map[string]any) map[string]any {
	t.Helper()
	proofs, err := dataintegrity.Proofs(doc)
	if err != nil || len(proofs) != 1 {
		t.Fatalf("want one proof, got %d (%v)", len(proofs), err)
	}
	return proofs[0]
}

// TestVectors signs each vector's unsigned document with the vector's key
// and proof options and must reproduce its proofValue exactly, then
// verifies the published signed document.
func TestVectors(t *testing.T) {
	s := testSuite(t)
	tests := []struct {
		name, unsigned, signed, sig string
		key                         func(testing.TB) ed25519.PrivateKey
	}{
		{"rdfc/alumni", "eddsa-rdfc-2022/unsigned.json", "eddsa-rdfc-2022/signedDataInt.json", "eddsa-rdfc-2022/sigBTC58DataInt.txt", w3cKey},
		{"rdfc/employ", "eddsa-rdfc-2022/employmentAuth.json", "eddsa-rdfc-2022/employ/signedDataInt.json", "eddsa-rdfc-2022/employ/sigBTC58DataInt.txt", w3cKey},
		{"jcs/alumni", "eddsa-jcs-2022/unsigned.json", "eddsa-jcs-2022/signedJCS.json", "eddsa-jcs-2022/sigBTC58JCS.txt", w3cKey},
		{"rdfc/ob3-spec", "ob3-examples/ob3-spec-ldp-testvector-signed.json", "ob3-examples/ob3-spec-ldp-testvector-signed.json", "", obKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := tt.key(t)
			signed := readJSON(t, filepath.Join(vectors, tt.signed))
			want := singleProof(t, signed)
			created, err := time.Parse(time.RFC3339, want["created"].(string))
			if err != nil {
				t.Fatal(err)
			}
			unsigned := readJSON(t, filepath.Join(vectors, tt.unsigned))
			delete(unsigned, "proof")
			got, err := s.Sign(unsigned, key, dataintegrity.Options{
				Cryptosuite:        want["cryptosuite"].(string),
				VerificationMethod: want["verificationMethod"].(string),
				Created:            created,
			})
			if err != nil {
				t.Fatal(err)
			}
			proof := singleProof(t, got)
			if tt.sig != "" {
				if w := readText(t, filepath.Join(vectors, tt.sig)); want["proofValue"] != w {
					t.Fatalf("vector inconsistent: %s vs %v", w, want["proofValue"])
				}
			}
			for k, v := range want {
				if !reflect.DeepEqual(proof[k], v) {
					t.Errorf("proof %s = %v, want %v", k, proof[k], v)
				}
			}
			pub := key.Public()
			if _, err := s.Verify(signed, want, pub, dataintegrity.VerifyOptions{Purpose: dataintegrity.AssertionMethod}); err != nil {
				t.Errorf("verify published vector: %v", err)
			}
			if _, err := s.Verify(got, proof, pub, dataintegrity.VerifyOptions{}); err != nil {
				t.Errorf("verify own signature: %v", err)
			}
		})
	}
}

// TestFixtures verifies the 1EdTech validator fixtures whose proofs are
// signed with the OB vector key, including the legacy forms.
func TestFixtures(t *testing.T) {
	s := testSuite(t)
	tests := []struct {
		file    string
		warning bool
	}{
		{"simple.json", false},
		{"simple-did-key-method.json", false},
		{"simple-did-web-method.json", false},
		{"simple_v1.json", true},
		{"simple-eddsa-2022.json", true},
		{"credential-status-revoked.json", true},
		{"bit-string-list/credential-status-revoked.json", false},
		{"bit-string-list/testlist", false},
		{"endorsement-valid.json", false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			doc := readJSON(t, filepath.Join(vectors, "ob3-validator-fixtures", tt.file))
			proof := singleProof(t, doc)
			// These verification methods end in the multikey (a fragment, or
			// a did:key without one).
			vm := proof["verificationMethod"].(string)
			pub := ed25519.PublicKey(multikey(t, vm[strings.LastIndexAny(vm, "#:")+1:], []byte{0xed, 0x01}))
			warnings, err := s.Verify(doc, proof, pub, dataintegrity.VerifyOptions{Purpose: dataintegrity.AssertionMethod})
			if err != nil {
				t.Fatal(err)
			}
			if (len(warnings) > 0) != tt.warning {
				t.Errorf("warnings = %q, want warning: %v", warnings, tt.warning)
			}
		})
	}
}

func TestVerifyFails(t *testing.T) {
	s := testSuite(t)
	key := obKey(t)
	base := func() map[string]any {
		return readJSON(t, filepath.Join(vectors, "ob3-validator-fixtures/simple.json"))
	}
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
	tests := []struct {
		name   string
		mutate func(doc, proof map[string]any)
		key    ed25519.PrivateKey
		opts   dataintegrity.VerifyOptions
		reason string
	}{
		{"fail/changed name", func(d, _ map[string]any) { d["name"] = "Teamwork Badge (gold)" }, key, dataintegrity.VerifyOptions{}, dataintegrity.ReasonSignature},
		{"fail/changed subject", func(d, _ map[string]any) {
			d["credentialSubject"].(map[string]any)["id"] = "did:example:someone-else"
		}, key, dataintegrity.VerifyOptions{}, dataintegrity.ReasonSignature},
		{"fail/changed proof created", func(_, p map[string]any) { p["created"] = "2011-01-01T19:23:24Z" }, key, dataintegrity.VerifyOptions{}, dataintegrity.ReasonSignature},
		{"fail/wrong key", func(_, _ map[string]any) {}, other, dataintegrity.VerifyOptions{}, dataintegrity.ReasonSignature},
		{"fail/undefined term", func(d, _ map[string]any) { d["favouriteColour"] = "blue" }, key, dataintegrity.VerifyOptions{}, dataintegrity.ReasonJSONLD},
		{"fail/relative IRI", func(d, _ map[string]any) { d["id"] = "credentials/3527" }, key, dataintegrity.VerifyOptions{}, dataintegrity.ReasonJSONLD},
		{"fail/unknown cryptosuite", func(_, p map[string]any) { p["cryptosuite"] = "ecdsa-rdfc-2019" }, key, dataintegrity.VerifyOptions{}, dataintegrity.ReasonUnsupported},
		{"fail/unknown proof type", func(_, p map[string]any) { p["type"] = "RsaSignature2018" }, key, dataintegrity.VerifyOptions{}, dataintegrity.ReasonUnsupported},
		{"fail/no cryptosuite", func(_, p map[string]any) { delete(p, "cryptosuite") }, key, dataintegrity.VerifyOptions{}, dataintegrity.ReasonMalformed},
		{"fail/base64 proofValue", func(_, p map[string]any) { p["proofValue"] = "mAAAA" }, key, dataintegrity.VerifyOptions{}, dataintegrity.ReasonMalformed},
		{"fail/malformed multibase", func(_, p map[string]any) { p["proofValue"] = "z0OIl" }, key, dataintegrity.VerifyOptions{}, dataintegrity.ReasonMalformed},
		{"fail/short signature", func(_, p map[string]any) { p["proofValue"] = "z3x" }, key, dataintegrity.VerifyOptions{}, dataintegrity.ReasonMalformed},
		{"fail/no proofValue", func(_, p map[string]any) { delete(p, "proofValue") }, key, dataintegrity.VerifyOptions{}, dataintegrity.ReasonMalformed},
		{"fail/bad created", func(_, p map[string]any) { p["created"] = "yesterday" }, key, dataintegrity.VerifyOptions{}, dataintegrity.ReasonMalformed},
		{"fail/wrong purpose", func(_, _ map[string]any) {}, key, dataintegrity.VerifyOptions{Purpose: dataintegrity.Authentication}, dataintegrity.ReasonPurpose},
		{"fail/missing challenge", func(_, _ map[string]any) {}, key, dataintegrity.VerifyOptions{Challenge: "abc"}, dataintegrity.ReasonPurpose},
		{"fail/created in the future", func(_, p map[string]any) { p["created"] = "2030-01-01T00:00:00Z" }, key, dataintegrity.VerifyOptions{Now: time.Date(2029, 12, 31, 23, 54, 0, 0, time.UTC)}, dataintegrity.ReasonTime},
		{"fail/expired proof", func(_, p map[string]any) { p["expires"] = "2020-01-01T00:00:00Z" }, key, dataintegrity.VerifyOptions{}, dataintegrity.ReasonTime},
		{"fail/bad expires", func(_, p map[string]any) { p["expires"] = "soon" }, key, dataintegrity.VerifyOptions{}, dataintegrity.ReasonMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := base()
			proof := singleProof(t, doc)
			tt.mutate(doc, proof)
			_, err := s.Verify(doc, proof, tt.key.Public(), tt.opts)
			var de *dataintegrity.Error
			if !errors.As(err, &de) {
				t.Fatalf("err = %v, want a *dataintegrity.Error", err)
			}
			if de.Reason != tt.reason {
				t.Errorf("reason = %s (%v), want %s", de.Reason, err, tt.reason)
			}
		})
	}
}

// TestSignVerifyRoundTrip signs with both suites, with challenge and domain,
// and a tampered copy fails.
func TestSignVerifyRoundTrip(t *testing.T) {
	s := testSuite(t)
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, 32))
	doc := readJSON(t, "../../testdata/credential-3kb.json")
	for _, suite := range []string{dataintegrity.RDFC, dataintegrity.JCS} {
		t.Run(suite, func(t *testing.T) {
			o := dataintegrity.Options{Cryptosuite: suite, VerificationMethod: "did:key:z6Mk#z6Mk", Challenge: "c-123", Domain: "verifier.example"}
			signed, err := s.Sign(doc, key, o)
			if err != nil {
				t.Fatal(err)
			}
			if _, hadProof := doc["proof"]; hadProof {
				t.Fatal("Sign modified its input")
			}
			proof := singleProof(t, signed)
			vo := dataintegrity.VerifyOptions{Purpose: dataintegrity.AssertionMethod, Challenge: "c-123", Domain: "verifier.example"}
			if _, err := s.Verify(signed, proof, key.Public(), vo); err != nil {
				t.Fatal(err)
			}
			vo.Challenge = "c-456"
			if _, err := s.Verify(signed, proof, key.Public(), vo); err == nil {
				t.Error("verified with another challenge")
			}
			signed["validUntil"] = "2099-01-01T00:00:00Z"
			if _, err := s.Verify(signed, proof, key.Public(), dataintegrity.VerifyOptions{}); err == nil {
				t.Error("verified a tampered copy")
			}
		})
	}
}

func TestSignRefuses(t *testing.T) {
	s := testSuite(t)
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, 32))
	doc := readJSON(t, "../../testdata/credential-3kb.json")
	doc["credentialSubject"].(map[string]any)["shoeSize"] = 44
	_, err := s.Sign(doc, key, dataintegrity.Options{VerificationMethod: "did:key:z6Mk#z6Mk"})
	var de *dataintegrity.Error
	if !errors.As(err, &de) || de.Reason != dataintegrity.ReasonJSONLD || !strings.Contains(err.Error(), "shoeSize") {
		t.Fatalf("err = %v, want a JSON-LD error naming shoeSize", err)
	}
}

func benchmarkDoc(b *testing.B) map[string]any {
	return readJSON(b, "../../testdata/credential-3kb.json")
}

func BenchmarkSign(b *testing.B) {
	s := testSuite(b)
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, 32))
	doc := benchmarkDoc(b)
	for _, suite := range []string{dataintegrity.RDFC, dataintegrity.JCS} {
		b.Run(suite, func(b *testing.B) {
			o := dataintegrity.Options{Cryptosuite: suite, VerificationMethod: "did:key:z6Mk#z6Mk"}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Sign(doc, key, o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerify(b *testing.B) {
	s := testSuite(b)
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, 32))
	doc := benchmarkDoc(b)
	for _, suite := range []string{dataintegrity.RDFC, dataintegrity.JCS} {
		b.Run(suite, func(b *testing.B) {
			signed, err := s.Sign(doc, key, dataintegrity.Options{Cryptosuite: suite, VerificationMethod: "did:key:z6Mk#z6Mk"})
			if err != nil {
				b.Fatal(err)
			}
			proofs, _ := dataintegrity.Proofs(signed)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Verify(signed, proofs[0], key.Public(), dataintegrity.VerifyOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// didKeyPublic is the Ed25519 key of a did:key verification method.
func didKeyPublic(t testing.TB, vm string) ed25519.PublicKey {
	t.Helper()
	_, frag, ok := strings.Cut(vm, "#")
	if !ok {
		t.Fatalf("no fragment in %s", vm)
	}
	return multikey(t, frag, []byte{0xed, 0x01})
}

func proofsOf(t testing.TB, doc map[string]any) []map[string]any {
	t.Helper()
	ps, err := dataintegrity.Proofs(doc)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// TestProofSetAndChain verifies the vc-di-eddsa specification's proof set
// and proof chain, every proof against its own key; the chain's later
// proofs are checked against the document with the proofs they name.
func TestProofSetAndChain(t *testing.T) {
	s := testSuite(t)
	for _, file := range []string{"signedProofSet2.json", "signedProofChain2.json"} {
		doc := readJSON(t, filepath.Join(vectors, "proof-set-chain", file))
		for i, p := range proofsOf(t, doc) {
			t.Run(fmt.Sprintf("ok/%s/proof %d", file, i+1), func(t *testing.T) {
				vm, _ := p["verificationMethod"].(string)
				if _, err := s.Verify(doc, p, didKeyPublic(t, vm), dataintegrity.VerifyOptions{Purpose: dataintegrity.AssertionMethod}); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

// TestProofChainFails: a chain with a missing or changed link fails the
// chained proof, with the reason and the field previousProof.
func TestProofChainFails(t *testing.T) {
	s := testSuite(t)
	chain := func() map[string]any {
		return readJSON(t, filepath.Join(vectors, "proof-set-chain", "signedProofChain2.json"))
	}
	list := func(d map[string]any) []any { return d["proof"].([]any) }
	tests := []struct {
		name   string
		mutate func(d map[string]any)
		check  int // the proof checked
		reason string
		field  string
	}{
		{"fail/missing link", func(d map[string]any) { d["proof"] = append(list(d)[:2:2], list(d)[3]) }, 3, dataintegrity.ReasonChain, "previousProof"},
		{"fail/one of two links missing", func(d map[string]any) { d["proof"] = list(d)[1:] }, 1, dataintegrity.ReasonChain, "previousProof"},
		{"fail/linked proof changed", func(d map[string]any) {
			list(d)[2].(map[string]any)["created"] = "2023-02-27T00:00:00Z"
		}, 3, dataintegrity.ReasonSignature, "previousProof"},
		{"fail/linked proof's id changed with the link", func(d map[string]any) {
			list(d)[2].(map[string]any)["id"] = "urn:uuid:00000000-0000-4000-8000-000000000000"
			list(d)[3].(map[string]any)["previousProof"] = "urn:uuid:00000000-0000-4000-8000-000000000000"
		}, 3, dataintegrity.ReasonSignature, "previousProof"},
		{"fail/relinked to another proof", func(d map[string]any) {
			list(d)[3].(map[string]any)["previousProof"] = "urn:uuid:26329423-bec9-4b2e-88cb-a7c7d9dc4544"
		}, 3, dataintegrity.ReasonSignature, "previousProof"},
		{"fail/link dropped", func(d map[string]any) { delete(list(d)[3].(map[string]any), "previousProof") }, 3, dataintegrity.ReasonSignature, ""},
		{"fail/link not an id", func(d map[string]any) { list(d)[3].(map[string]any)["previousProof"] = []any{7.0} }, 3, dataintegrity.ReasonMalformed, "previousProof"},
		{"fail/empty link list", func(d map[string]any) { list(d)[2].(map[string]any)["previousProof"] = []any{} }, 2, dataintegrity.ReasonMalformed, "previousProof"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := chain()
			tt.mutate(d)
			ps := proofsOf(t, d)
			p := ps[min(tt.check, len(ps)-1)]
			vm, _ := p["verificationMethod"].(string)
			_, err := s.Verify(d, p, didKeyPublic(t, vm), dataintegrity.VerifyOptions{})
			var de *dataintegrity.Error
			if !errors.As(err, &de) || de.Reason != tt.reason || de.Field != tt.field {
				t.Fatalf("err = %v (%+v), want reason %s field %q", err, de, tt.reason, tt.field)
			}
		})
	}
}

// TestSignChain: badged signs a chained proof (both suites) that
// verifies, and fails once the proof it follows is removed or changed.
func TestSignChain(t *testing.T) {
	s := testSuite(t)
	first := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, 32))
	second := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{2}, 32))
	doc := readJSON(t, "../../testdata/credential-3kb.json")
	for _, suite := range []string{dataintegrity.RDFC, dataintegrity.JCS} {
		t.Run(suite, func(t *testing.T) {
			one, err := s.Sign(doc, first, dataintegrity.Options{Cryptosuite: suite, VerificationMethod: "did:key:z6Mk#one", ID: "urn:uuid:one"})
			if err != nil {
				t.Fatal(err)
			}
			two, err := s.Sign(one, second, dataintegrity.Options{Cryptosuite: suite, VerificationMethod: "did:key:z6Mk#two", PreviousProof: []string{"urn:uuid:one"}})
			if err != nil {
				t.Fatal(err)
			}
			ps := proofsOf(t, two)
			if len(ps) != 2 || ps[1]["previousProof"] != "urn:uuid:one" {
				t.Fatalf("proofs %v", ps)
			}
			for i, k := range []ed25519.PrivateKey{first, second} {
				if _, err := s.Verify(two, ps[i], k.Public(), dataintegrity.VerifyOptions{}); err != nil {
					t.Fatalf("proof %d: %v", i+1, err)
				}
			}
			ps[0]["created"] = "2020-01-01T00:00:00Z"
			if _, err := s.Verify(two, ps[1], second.Public(), dataintegrity.VerifyOptions{}); err == nil {
				t.Error("verified after the proof it follows was changed")
			}
			if _, err := s.Sign(doc, second, dataintegrity.Options{Cryptosuite: suite, VerificationMethod: "did:key:z6Mk#two", PreviousProof: []string{"urn:uuid:one"}}); err == nil {
				t.Error("signed a chain whose link is missing")
			}
		})
	}
}
