package ecdsasd

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/badged/badged/contexts"
	"github.com/badged/badged/credential/dataintegrity"
	"github.com/badged/badged/did"
	"github.com/badged/badged/jsonld"
)

const fixture = "../../testdata/vectors/ob3-validator-fixtures/sd/derivedcredential.json"

var processor = sync.OnceValue(func() *jsonld.Processor { return jsonld.New(contexts.NewLoader()) })

// readFixture returns a fresh copy of the fixture, its only proof and the
// issuer's key from the verification method's fragment.
func readFixture(t testing.TB) (doc, proof map[string]any, pub *ecdsa.PublicKey) {
	t.Helper()
	b, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	proofs, err := dataintegrity.Proofs(doc)
	if err != nil || len(proofs) != 1 {
		t.Fatalf("proofs %v, %v", proofs, err)
	}
	u, err := url.Parse(proofs[0]["verificationMethod"].(string))
	if err != nil {
		t.Fatal(err)
	}
	k, err := did.DecodeMultikey(u.Fragment)
	if err != nil {
		t.Fatal(err)
	}
	return doc, proofs[0], k.(*ecdsa.PublicKey)
}

func wantReason(t *testing.T, err error, reason, contains string) {
	t.Helper()
	var de *dataintegrity.Error
	if !errors.As(err, &de) {
		t.Fatalf("error %v (%T), want a *dataintegrity.Error", err, err)
	}
	if de.Reason != reason || !strings.Contains(de.Msg, contains) {
		t.Fatalf("error %q (reason %s), want reason %s containing %q", de.Msg, de.Reason, reason, contains)
	}
}

func TestVerifyFixture(t *testing.T) {
	doc, proof, pub := readFixture(t)
	if err := Verify(processor(), doc, proof, pub); err != nil {
		t.Fatalf("the 1EdTech fixture does not verify: %v", err)
	}
	// Verify must not modify its input.
	again, _, _ := readFixture(t)
	if a, b := mustJSON(t, doc), mustJSON(t, again); a != b {
		t.Errorf("Verify modified the document")
	}
}

func mustJSON(t testing.TB, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestVerifyTampered(t *testing.T) {
	tests := []struct {
		name   string
		change func(doc, proof map[string]any)
		reason string
		msg    string
	}{
		{"credential name added", func(d, _ map[string]any) { d["name"] = "Forged" }, ReasonSignature, ""},
		{"achievement description", func(d, _ map[string]any) {
			ach(d)["description"] = "This badge recognizes nothing."
		}, ReasonSignature, ""},
		{"achievement name", func(d, _ map[string]any) { ach(d)["name"] = "Leadership" }, ReasonSignature, ""},
		{"criteria", func(d, _ map[string]any) {
			ach(d)["criteria"].(map[string]any)["narrative"] = "Anyone."
		}, ReasonSignature, ""},
		{"issuer name", func(d, _ map[string]any) { d["issuer"].(map[string]any)["name"] = "Evil Corp" }, ReasonSignature, ""},
		{"issuer url", func(d, _ map[string]any) { d["issuer"].(map[string]any)["url"] = "https://evil.example" }, ReasonSignature, ""},
		{"subject id", func(d, _ map[string]any) {
			d["credentialSubject"].(map[string]any)["id"] = "did:example:someone-else"
		}, ReasonSignature, ""},
		{"validFrom", func(d, _ map[string]any) { d["validFrom"] = "2011-01-01T00:00:00Z" }, ReasonSignature, ""},
		{"statement removed", func(d, _ map[string]any) { delete(d["issuer"].(map[string]any), "url") }, ReasonSignature, ""},
		{"proof created", func(_, p map[string]any) { p["created"] = "2011-01-01T19:23:24Z" }, ReasonSignature, "base signature"},
		{"proof purpose", func(_, p map[string]any) { p["proofPurpose"] = "authentication" }, ReasonSignature, "base signature"},
		{"verification method", func(_, p map[string]any) {
			p["verificationMethod"] = strings.Replace(p["verificationMethod"].(string), "565049", "565050", 1)
		}, ReasonSignature, "base signature"},
		{"cryptosuite", func(_, p map[string]any) { p["cryptosuite"] = "ecdsa-rdfc-2019" }, ReasonUnsupported, "ecdsa-sd-2023"},
		{"undefined term", func(d, _ map[string]any) { d["notATerm"] = "x" }, ReasonJSONLD, "notATerm"},
		{"no proofValue", func(_, p map[string]any) { delete(p, "proofValue") }, ReasonMalformed, "no proofValue"},
		{"base58 proofValue", func(_, p map[string]any) { p["proofValue"] = "z" + p["proofValue"].(string)[1:] }, ReasonMalformed, "base64url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, proof, pub := readFixture(t)
			tt.change(doc, proof)
			err := Verify(processor(), doc, proof, pub)
			if err == nil {
				t.Fatal("a changed credential verifies")
			}
			wantReason(t, err, tt.reason, tt.msg)
		})
	}
}

func ach(doc map[string]any) map[string]any {
	return doc["credentialSubject"].(map[string]any)["achievement"].(map[string]any)
}

// rawProofValue decodes the fixture's proof value.
func rawProofValue(t testing.TB, proof map[string]any) []byte {
	raw, err := base64.RawURLEncoding.DecodeString(proof["proofValue"].(string)[1:])
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func encode(raw []byte) string { return "u" + base64.RawURLEncoding.EncodeToString(raw) }

// TestVerifyEveryByte changes each byte of the proof value in turn: none of
// the changed values may verify.
func TestVerifyEveryByte(t *testing.T) {
	doc, proof, pub := readFixture(t)
	raw := rawProofValue(t, proof)
	step := 1
	if testing.Short() {
		step = 7
	}
	for i := 0; i < len(raw); i += step {
		changed := append([]byte(nil), raw...)
		changed[i] ^= 0x01
		p := copyMap(proof)
		p["proofValue"] = encode(changed)
		if err := Verify(processor(), doc, p, pub); err == nil {
			t.Errorf("proof value with byte %d changed verifies", i)
		}
	}
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func TestVerifyWrongParts(t *testing.T) {
	doc, proof, pub := readFixture(t)
	pv, err := parseDerived(proof["proofValue"].(string))
	if err != nil {
		t.Fatal(err)
	}
	// The issuer's key must sign the base signature, not the proof-scoped
	// key (nor any other key).
	scoped, err := scopedKey(pv.publicKey)
	if err != nil {
		t.Fatal(err)
	}
	wantReason(t, Verify(processor(), doc, proof, scoped), ReasonSignature, "base signature")

	// A non-mandatory statement's signature changed: that statement fails.
	raw := rawProofValue(t, proof)
	i := strings.Index(string(raw), string(pv.signatures[2]))
	raw[i+10] ^= 0x80
	p := copyMap(proof)
	p["proofValue"] = encode(raw)
	wantReason(t, Verify(processor(), doc, p, pub), ReasonSignature, "statement 3 of")

	// A P-384 key, or none, is not an ecdsa-sd-2023 key.
	k384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	wantReason(t, Verify(processor(), doc, proof, &k384.PublicKey), ReasonUnsupported, "P-256")
	wantReason(t, Verify(processor(), doc, proof, nil), ReasonUnsupported, "P-256")
}

func TestRefuseBaseProof(t *testing.T) {
	doc, proof, pub := readFixture(t)
	raw := rawProofValue(t, proof)
	raw[2] = 0x00
	proof["proofValue"] = encode(raw)
	wantReason(t, Verify(processor(), doc, proof, pub), ReasonMalformed, "a base proof must be derived before it is shown to a verifier")
}

func TestParseDerivedFixture(t *testing.T) {
	_, proof, _ := readFixture(t)
	pv, err := parseDerived(proof["proofValue"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if len(pv.baseSignature) != 64 || len(pv.publicKey) != 35 {
		t.Errorf("base signature %d bytes, public key %d bytes", len(pv.baseSignature), len(pv.publicKey))
	}
	for k, v := range pv.labelMap {
		if !strings.HasPrefix(k, "c14n") || !strings.HasPrefix(v, "u") || len(v) != 44 {
			t.Errorf("label map entry %s -> %s", k, v)
		}
	}
	t.Logf("%d signatures, %d labels, mandatory %v", len(pv.signatures), len(pv.labelMap), pv.mandatoryIndexes)
}

func TestParseDerivedErrors(t *testing.T) {
	_, proof, _ := readFixture(t)
	raw := rawProofValue(t, proof)
	with := func(b ...byte) string { return encode(append([]byte{0xd9, 0x5d, 0x01}, b...)) }
	tests := []struct {
		value, msg string
	}{
		{"", "empty"},
		{"zabc", "multibase base64url"},
		{"u!!!", "base64url"},
		{"u" + base64.RawURLEncoding.EncodeToString(raw) + "=", "base64url"},
		{encode([]byte{0xd9, 0x5d}), "too short"},
		{encode([]byte{0xd9, 0x5d, 0x02, 0x80}), "header"},
		{encode([]byte{0xd9, 0x5d, 0x00, 0x80}), "base proof must be derived"},
		{with(), "ends before"},
		{with(0x80), "0 elements"},
		{with(0x9f), "indefinite"},
		{with(0x1c), "not well-formed"},
		{with(0xa5), "a map, not an array"},
		{with(0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), "more than the proofValue holds"},
		{with(0x85, 0x40, 0, 0, 0, 0), "holds 0 bytes"},
		{with(0x85, 0xd8, 0x40, 0x58, 0x40, 0), "CBOR-tagged"},
		{with(0x85, 0x58, 0x40, 0, 0, 0, 0), "ends inside"},
		{encode(append(append([]byte(nil), raw...), 0x00)), "after its CBOR array"},
		{encode(raw[:len(raw)-1]), "ends before"},
	}
	for _, tt := range tests {
		_, err := parseDerived(tt.value)
		var de *dataintegrity.Error
		if !errors.As(err, &de) || de.Reason != ReasonMalformed || !strings.Contains(de.Msg, tt.msg) {
			t.Errorf("parseDerived(%.40q) = %v, want a malformed error containing %q", tt.value, err, tt.msg)
		}
	}
}

func TestRelabelSkipsLiterals(t *testing.T) {
	m := map[string]string{"c14n0": "uAAA", "c14n1": "uBBB"}
	in := []string{
		"_:c14n1 <http://x/p> \"a \\\"_:c14n0\\\" <not an iri\" _:c14n0 .\n",
		"<http://x/s> <http://x/_:c14n9> _:c14n0 .\n",
	}
	got, err := relabel(in, m)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"<http://x/s> <http://x/_:c14n9> _:uAAA .\n",
		"_:uBBB <http://x/p> \"a \\\"_:c14n0\\\" <not an iri\" _:uAAA .\n",
	}
	if strings.Join(got, "") != strings.Join(want, "") {
		t.Errorf("relabel =\n%q\nwant\n%q", got, want)
	}
	if _, err := relabel([]string{"_:c14n2 <http://x/p> \"v\" .\n"}, m); err == nil {
		t.Error("a blank node without a label in the map is accepted")
	}
}

func FuzzParseDerived(f *testing.F) {
	_, proof, _ := readFixture(f)
	value := proof["proofValue"].(string)
	f.Add(value)
	raw := rawProofValue(f, proof)
	f.Add(encode(raw[:len(raw)/2]))
	raw[2] = 0
	f.Add(encode(raw))
	f.Add(encode([]byte{0xd9, 0x5d, 0x01, 0x85, 0x40, 0x40, 0x80, 0xa0, 0x80}))
	f.Fuzz(func(t *testing.T, v string) {
		pv, err := parseDerived(v)
		if err != nil {
			var de *dataintegrity.Error
			if !errors.As(err, &de) || de.Reason != ReasonMalformed {
				t.Fatalf("error %v is not a malformed *dataintegrity.Error", err)
			}
			return
		}
		if len(pv.baseSignature) != signatureSize || len(pv.publicKey) != publicKeySize {
			t.Fatalf("sizes %d, %d", len(pv.baseSignature), len(pv.publicKey))
		}
		for _, s := range pv.signatures {
			if len(s) != signatureSize {
				t.Fatalf("signature of %d bytes", len(s))
			}
		}
		for _, i := range pv.mandatoryIndexes {
			if i < 0 {
				t.Fatalf("negative index %d", i)
			}
		}
	})
}
