package dataintegrity_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
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
