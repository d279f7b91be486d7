package keys_test

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/keys"
)

var update = flag.Bool("update", false, "rewrite testdata/ring-v1.json")

// countReader returns 0, 1, 2, ... so generated keys are reproducible.
type countReader struct{ n byte }

func (r *countReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r.n
		r.n++
	}
	return len(p), nil
}

func TestGenerateUsesReader(t *testing.T) {
	a, _ := keys.Generate(&countReader{})
	b, _ := keys.Generate(&countReader{})
	if !a.Equal(b) {
		t.Error("same reader, different keys")
	}
	c, err := keys.Generate(nil)
	if err != nil || c.Equal(a) {
		t.Errorf("Generate(nil): %v", err)
	}
}

func TestVectorKeyPair(t *testing.T) {
	key, err := keys.ReadFile("../testdata/vectors/eddsa-rdfc-2022/keyPair.json")
	if err != nil {
		t.Fatal(err)
	}
	out, _ := keys.Marshal(key)
	var f map[string]string
	json.Unmarshal(out, &f)
	if f["publicKeyMultibase"] != "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2" ||
		f["secretKeyMultibase"] != "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq" || f["type"] != "Multikey" {
		t.Errorf("re-encoded vector = %s", out)
	}
}

func TestFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "issuer.key")
	key, _ := keys.Generate(&countReader{})
	if err := keys.WriteFile(path, key); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", fi.Mode().Perm())
	}
	got, err := keys.ReadFile(path)
	if err != nil || !got.Equal(key) {
		t.Fatalf("read back: %v", err)
	}
	other, _ := keys.Generate(nil)
	err = keys.WriteFile(path, other)
	if badged.KindOf(err) != badged.Conflict || !errors.Is(err, fs.ErrExist) {
		t.Errorf("overwrite: %v", err)
	}
	if got, _ := keys.ReadFile(path); !got.Equal(key) {
		t.Error("refused overwrite still changed the file")
	}
}

func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	good, _ := keys.Generate(&countReader{})
	data, _ := keys.Marshal(good)
	var f map[string]string
	json.Unmarshal(data, &f)
	otherKey, _ := keys.Generate(nil)
	otherData, _ := keys.Marshal(otherKey)
	var g map[string]string
	json.Unmarshal(otherData, &g)

	tests := map[string]string{
		"fail/not-json":         "nope",
		"fail/no-secret":        `{"type":"Multikey","publicKeyMultibase":"` + f["publicKeyMultibase"] + `"}`,
		"fail/public-differs":   `{"type":"Multikey","publicKeyMultibase":"` + g["publicKeyMultibase"] + `","secretKeyMultibase":"` + f["secretKeyMultibase"] + `"}`,
		"fail/public-as-secret": `{"secretKeyMultibase":"` + f["publicKeyMultibase"] + `"}`,
		"fail/bad-base58":       `{"secretKeyMultibase":"z0OIl"}`,
		"fail/wrong-type":       `{"type":"JsonWebKey2020","secretKeyMultibase":"` + f["secretKeyMultibase"] + `"}`,
	}
	for name, content := range tests {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name[5:]+".json")
			os.WriteFile(path, []byte(content), 0o600)
			_, err := keys.ReadFile(path)
			if badged.KindOf(err) != badged.Invalid {
				t.Fatalf("err = %v", err)
			}
			if bytes.Contains([]byte(err.Error()), []byte(f["secretKeyMultibase"])) {
				t.Error("error echoes the secret key")
			}
		})
	}
	if _, err := keys.ReadFile(filepath.Join(dir, "missing")); badged.KindOf(err) != badged.NotFound {
		t.Errorf("missing: %v", err)
	}
}

func testSealer(t testing.TB, b byte) *keys.Sealer {
	t.Helper()
	s, err := keys.NewSealer(bytes.Repeat([]byte{b}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSealer(t *testing.T) {
	s := testSealer(t, 1)
	plain := []byte("seed bytes")
	sealed, err := s.Seal(plain, []byte("ad"))
	if err != nil {
		t.Fatal(err)
	}
	again, _ := s.Seal(plain, []byte("ad"))
	if bytes.Equal(sealed, again) {
		t.Error("two seals are equal: nonce not random")
	}
	got, err := s.Open(sealed, []byte("ad"))
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("open: %q, %v", got, err)
	}
	if _, err := testSealer(t, 2).Open(sealed, []byte("ad")); !errors.Is(err, keys.ErrUnknownKey) {
		t.Errorf("wrong master key: %v", err)
	}
	if _, err := s.Open(sealed, []byte("other")); !errors.Is(err, keys.ErrCorrupt) {
		t.Errorf("wrong associated data: %v", err)
	}
	for i := range sealed {
		tampered := bytes.Clone(sealed)
		tampered[i] ^= 0x40
		if _, err := s.Open(tampered, []byte("ad")); err == nil {
			t.Fatalf("byte %d tampered: opened", i)
		}
	}
	if _, err := s.Open(sealed[:20], []byte("ad")); !errors.Is(err, keys.ErrCorrupt) {
		t.Errorf("truncated: %v", err)
	}
	if _, err := keys.NewSealer(make([]byte, 16)); badged.KindOf(err) != badged.Invalid {
		t.Errorf("16-byte key: %v", err)
	}
}

func TestParseMasterKey(t *testing.T) {
	raw := bytes.Repeat([]byte{0xfb}, 32)
	for name, s := range map[string]string{
		"ok/std":     base64.StdEncoding.EncodeToString(raw),
		"ok/url":     base64.URLEncoding.EncodeToString(raw),
		"ok/raw-url": base64.RawURLEncoding.EncodeToString(raw),
		"ok/newline": base64.StdEncoding.EncodeToString(raw) + "\n",
	} {
		if got, err := keys.ParseMasterKey(s); err != nil || !bytes.Equal(got, raw) {
			t.Errorf("%s: %v", name, err)
		}
	}
	for name, s := range map[string]string{
		"fail/empty":   "",
		"fail/short":   base64.StdEncoding.EncodeToString(raw[:31]),
		"fail/long":    base64.StdEncoding.EncodeToString(append(raw, 1)),
		"fail/not-b64": "this is not base64!",
	} {
		if _, err := keys.ParseMasterKey(s); badged.KindOf(err) != badged.Invalid {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestRing(t *testing.T) {
	s := testSealer(t, 1)
	var r keys.Ring
	if _, _, err := r.Signer(s); !errors.Is(err, keys.ErrNoKey) {
		t.Fatalf("empty ring: %v", err)
	}
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	rnd := &countReader{}
	if err := r.Rotate(rnd, s, t0); err != nil {
		t.Fatal(err)
	}
	_, first, err := r.Signer(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Rotate(rnd, s, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	signer, id, err := r.Signer(s)
	if err != nil || id == first {
		t.Fatalf("after rotate: %s, %v", id, err)
	}
	msg := []byte("hello")
	sig, err := signer.Sign(nil, msg, crypto.Hash(0))
	if err != nil {
		t.Fatal(err)
	}

	// Through JSON, as it is stored.
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var stored keys.Ring
	if err := json.Unmarshal(b, &stored); err != nil {
		t.Fatal(err)
	}
	pubs, err := stored.Public()
	if err != nil {
		t.Fatal(err)
	}
	if len(pubs) != 2 || pubs[0].ID != id || pubs[1].ID != first || !pubs[0].Retired.IsZero() || !pubs[1].Retired.Equal(t0.Add(time.Hour)) {
		t.Fatalf("public keys = %+v", pubs)
	}
	if !ed25519.Verify(pubs[0].Key, msg, sig) {
		t.Error("signature does not verify with the current public key")
	}
	if _, _, err := stored.Signer(testSealer(t, 2)); !errors.Is(err, keys.ErrUnknownKey) {
		t.Errorf("wrong master key: %v", err)
	}
	// A sealed seed moved to another key's slot does not open.
	stored.Current.Sealed = stored.Retired[0].Sealed
	if _, _, err := stored.Signer(s); !errors.Is(err, keys.ErrCorrupt) {
		t.Errorf("swapped sealed key: %v", err)
	}
	if err := json.Unmarshal([]byte(`{"version":2}`), &stored); err == nil {
		t.Error("unknown version accepted")
	}
}

// TestRingV1 pins the version 1 format: a ring written with master key
// 0x01*32 and keys from countReader must stay readable.
func TestRingV1(t *testing.T) {
	const path = "testdata/ring-v1.json"
	s := testSealer(t, 1)
	if *update {
		var r keys.Ring
		rnd := &countReader{}
		t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		r.Rotate(rnd, s, t0)
		r.Rotate(rnd, s, t0.Add(24*time.Hour))
		b, _ := json.MarshalIndent(r, "", "  ")
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r keys.Ring
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	_, id, err := r.Signer(s)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := keys.Generate(&countReader{n: 32})
	pubs, _ := r.Public()
	if len(pubs) != 2 || !pubs[0].Key.Equal(want.Public()) || pubs[0].ID != id {
		t.Errorf("ring v1: %+v", pubs)
	}
}
