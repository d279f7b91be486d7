package did_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/badged/badged"
	"github.com/badged/badged/did"
	"github.com/mr-tron/base58"
)

// readJSON decodes a test vector file into v.
func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// wantKind fails unless err is a *badged.Error of kind whose message
// contains msg.
func wantKind(t *testing.T, err error, kind badged.Kind, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s %q", kind, msg)
	}
	if got := badged.KindOf(err); got != kind {
		t.Errorf("kind = %s, want %s (error: %v)", got, kind, err)
	}
	if got := badged.MessageOf(err); !strings.Contains(got, msg) {
		t.Errorf("message %q does not contain %q", got, msg)
	}
}

// TestW3CKeyPairs reads the keyPair.json of the W3C vc-di-eddsa vectors,
// whose privateKeyMultibase is the 32-byte seed under the ed25519-priv
// header.
func TestW3CKeyPairs(t *testing.T) {
	for _, path := range []string{
		"../testdata/vectors/eddsa-rdfc-2022/keyPair.json",
		"../testdata/vectors/eddsa-jcs-2022/keyPair.json",
	} {
		t.Run(path, func(t *testing.T) {
			var kp struct{ PublicKeyMultibase, PrivateKeyMultibase string }
			readJSON(t, path, &kp)
			priv, err := did.DecodeSecretMultikey(kp.PrivateKeyMultibase)
			if err != nil {
				t.Fatal(err)
			}
			pub, err := did.DecodeMultikey(kp.PublicKeyMultibase)
			if err != nil {
				t.Fatal(err)
			}
			if !pub.(ed25519.PublicKey).Equal(priv.Public()) {
				t.Error("secret key does not match public key")
			}
			if got, err := did.EncodeMultikey(priv.Public()); err != nil || got != kp.PublicKeyMultibase {
				t.Errorf("EncodeMultikey = %q, %v; want %q", got, err, kp.PublicKeyMultibase)
			}
			if got, err := did.EncodeSecretMultikey(priv); err != nil || got != kp.PrivateKeyMultibase {
				t.Errorf("EncodeSecretMultikey = %q, %v; want %q", got, err, kp.PrivateKeyMultibase)
			}
			if got, err := did.KeyDID(pub); err != nil || got != "did:key:"+kp.PublicKeyMultibase {
				t.Errorf("KeyDID = %q, %v", got, err)
			}
		})
	}
}

// TestOpenBadgesKey reads the Open Badges 3.0 spec's test key, whose
// secretKeyMultibase is the 64-byte seed-and-public-key form.
func TestOpenBadgesKey(t *testing.T) {
	var v struct {
		PublicKeyHex, PrivateKeyHex, PublicKeyMultibase, SecretKeyMultibase string
	}
	readJSON(t, "../testdata/vectors/ob3-examples/ob3-spec-ldp-testvector-key.json", &v)
	pubBytes, _ := hex.DecodeString(v.PublicKeyHex)
	privBytes, _ := hex.DecodeString(v.PrivateKeyHex)

	if got, err := did.EncodeMultikey(ed25519.PublicKey(pubBytes)); err != nil || got != v.PublicKeyMultibase {
		t.Errorf("EncodeMultikey = %q, %v; want %q", got, err, v.PublicKeyMultibase)
	}
	priv, err := did.DecodeSecretMultikey(v.SecretKeyMultibase)
	if err != nil {
		t.Fatal(err)
	}
	if !priv.Equal(ed25519.PrivateKey(privBytes)) {
		t.Error("DecodeSecretMultikey does not give privateKeyHex")
	}
	// badged writes the seed form; it reads back as the same key.
	s, err := did.EncodeSecretMultikey(priv)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := did.DecodeSecretMultikey(s); err != nil || !again.Equal(priv) {
		t.Errorf("seed form round trip: %v", err)
	}
}

// TestDIDKeyKnownValues checks did:key values published with their keys by
// the did:key specification's test vectors and implementations that follow
// it (Ed25519 as base58, P-256 as JWK coordinates).
func TestDIDKeyKnownValues(t *testing.T) {
	ed := []struct{ did, base58 string }{
		{"did:key:z6MkmjY8GnV5i9YTDtPETC2uUAW6ejw3nk5mXF5yci5ab7th", "8HH5gYEeNc3z7PYXmd54d4x6qAfCNrqQqEB3nS7Zfu7K"},
		{"did:key:z6Mkgg342Ycpuk263R9d8Aq6MUaxPn1DDeHyGo38EefXmgDL", "3Dn1SJNPaCXcvvJvSbsFWP2xaCjMom3can8CQNhWrTRx"},
		{"did:key:z6MkvePyWAApUVeDboZhNbckaWHnqtD6pCETd6xoqGbcpEBV", "HC8vuuvP8x9kVJizh2eujQjo2JwFQJz6w63szzdbu1Q7"},
	}
	for _, tt := range ed {
		t.Run(tt.did, func(t *testing.T) {
			raw, err := base58.Decode(tt.base58)
			if err != nil {
				t.Fatal(err)
			}
			got, err := did.KeyDID(ed25519.PublicKey(raw))
			if err != nil || got != tt.did {
				t.Errorf("KeyDID = %q, %v; want %q", got, err, tt.did)
			}
			pub, err := did.DecodeMultikey(strings.TrimPrefix(tt.did, "did:key:"))
			if err != nil || !pub.(ed25519.PublicKey).Equal(ed25519.PublicKey(raw)) {
				t.Errorf("DecodeMultikey = %x, %v", pub, err)
			}
		})
	}
	p256 := []struct{ did, x, y string }{
		{"did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169", "fyNYMN0976ci7xqiSdag3buk-ZCwgXU4kz9XNkBlNUI", "hW2ojTNfH7Jbi8--CJUo3OCbH3y5n91g-IMA9MLMbTU"},
		{"did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv", "igrFmi0whuihKnj9R3Om1SoMph72wUGeFaBbzG2vzns", "efsX5b10x8yjyrj4ny3pGfLcY7Xby1KzgqOdqnsrJIM"},
	}
	for _, tt := range p256 {
		t.Run(tt.did, func(t *testing.T) {
			pub, err := did.JWK{Kty: "EC", Crv: "P-256", X: tt.x, Y: tt.y}.PublicKey()
			if err != nil {
				t.Fatal(err)
			}
			got, err := did.KeyDID(pub)
			if err != nil || got != tt.did {
				t.Errorf("KeyDID = %q, %v; want %q", got, err, tt.did)
			}
			back, err := did.DecodeMultikey(strings.TrimPrefix(tt.did, "did:key:"))
			if err != nil {
				t.Fatal(err)
			}
			jwk, err := did.NewJWK(back)
			if err != nil || jwk.X != tt.x || jwk.Y != tt.y {
				t.Errorf("NewJWK(DecodeMultikey) = %+v, %v", jwk, err)
			}
		})
	}
}

func TestMultikeyRoundTrip(t *testing.T) {
	for range 20 {
		pub, _, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		mk, err := did.EncodeMultikey(pub)
		if err != nil || !strings.HasPrefix(mk, "z6Mk") {
			t.Fatalf("EncodeMultikey = %q, %v", mk, err)
		}
		back, err := did.DecodeMultikey(mk)
		if err != nil || !pub.Equal(back) {
			t.Fatalf("DecodeMultikey(%s) = %v", mk, err)
		}

		ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		mk, err = did.EncodeMultikey(&ec.PublicKey)
		if err != nil || !strings.HasPrefix(mk, "zDn") {
			t.Fatalf("EncodeMultikey = %q, %v", mk, err)
		}
		back, err = did.DecodeMultikey(mk)
		if err != nil || !ec.PublicKey.Equal(back) {
			t.Fatalf("DecodeMultikey(%s) = %v", mk, err)
		}
	}
}

// multibase builds a "z" multikey from raw bytes, for negative cases.
func multibase(b ...[]byte) string {
	var all []byte
	for _, p := range b {
		all = append(all, p...)
	}
	return "z" + base58.Encode(all)
}

func TestDecodeMultikeyErrors(t *testing.T) {
	edHeader, p256Header := []byte{0xed, 0x01}, []byte{0x80, 0x24}
	key32 := make([]byte, 32)
	key32[0] = 1
	notOnCurve := append([]byte{0x02}, bytesOf(0xff, 32)...) // x >= p
	tests := []struct {
		name, in, msg string
	}{
		{"fail/empty", "", "multikey is empty"},
		{"fail/no multibase prefix", "6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", "want a 'z' prefix"},
		{"fail/base64url multibase", "u7QE" + base64.RawURLEncoding.EncodeToString(key32), "want a 'z' prefix"},
		{"fail/only prefix", "z", "not valid base58btc"},
		{"fail/not base58", "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbT0O", "not valid base58btc"},
		{"fail/not base58 unicode", "z6Mkré", "not valid base58btc"},
		{"fail/too long", "z" + strings.Repeat("2", 300), "longer than 256"},
		{"fail/unknown codec secp256k1", multibase([]byte{0xe7, 0x01}, append([]byte{2}, key32...)), "key type 0xe7 is not supported"},
		{"fail/x25519", multibase([]byte{0xec, 0x01}, key32), "key type 0xec is not supported"},
		{"fail/truncated varint", multibase([]byte{0x80}), "malformed multicodec header"},
		{"fail/non-minimal varint", multibase([]byte{0xed, 0x81, 0x00}, key32), "malformed multicodec header"},
		{"fail/ed25519 short", multibase(edHeader, key32[:31]), "Ed25519 key is 31 bytes, want 32"},
		{"fail/ed25519 long", multibase(edHeader, key32, []byte{0}), "Ed25519 key is 33 bytes, want 32"},
		{"fail/ed25519 header only", multibase(edHeader), "Ed25519 key is 0 bytes"},
		{"fail/p256 uncompressed", multibase(p256Header, []byte{4}, key32, key32), "want 33 (a compressed point)"},
		{"fail/p256 short", multibase(p256Header, key32), "P-256 key is 32 bytes"},
		{"fail/p256 not on curve", multibase(p256Header, notOnCurve), "not a point on P-256"},
		{"fail/p256 bad prefix", multibase(p256Header, []byte{0x05}, key32), "not a point on P-256"},
		{"fail/secret key", "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq", "is a secret key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pub, err := did.DecodeMultikey(tt.in)
			if pub != nil {
				t.Errorf("got key %v", pub)
			}
			wantKind(t, err, badged.Invalid, tt.msg)
			if strings.Contains(badged.MessageOf(err), "3u2en7t5") {
				t.Error("error echoes a secret key")
			}
		})
	}
}

func bytesOf(b byte, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}

func TestDecodeSecretMultikeyErrors(t *testing.T) {
	privHeader := []byte{0x80, 0x26}
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	mismatched := append(append([]byte(nil), priv.Seed()...), bytesOf(7, 32)...)
	tests := []struct {
		name, in, msg string
	}{
		{"fail/public key", "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", "not an Ed25519 secret key"},
		{"fail/short", multibase(privHeader, priv.Seed()[:31]), "is 31 bytes, want 32 or 64"},
		{"fail/mismatched public half", multibase(privHeader, mismatched), "public half does not match"},
		{"fail/not base58", "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjx0", "not valid base58btc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := did.DecodeSecretMultikey(tt.in)
			wantKind(t, err, badged.Invalid, tt.msg)
			if strings.Contains(badged.MessageOf(err), tt.in[1:10]) {
				t.Error("error echoes the secret key")
			}
		})
	}
}

func TestEncodeMultikeyErrors(t *testing.T) {
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 1024)
	tests := []struct {
		name string
		pub  any
		msg  string
	}{
		{"fail/short ed25519", ed25519.PublicKey(make([]byte, 31)), "31 bytes"},
		{"fail/p384", &p384.PublicKey, "only P-256"},
		{"fail/rsa", &rsaKey.PublicKey, "*rsa.PublicKey is not supported"},
		{"fail/nil", nil, "is not supported"},
		{"fail/nil ecdsa", (*ecdsa.PublicKey)(nil), "only P-256"},
		{"fail/bytes", []byte{1, 2, 3}, "[]uint8 is not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := did.EncodeMultikey(tt.pub)
			wantKind(t, err, badged.Invalid, tt.msg)
			_, err = did.KeyDID(tt.pub)
			wantKind(t, err, badged.Invalid, tt.msg)
		})
	}
	if _, err := did.EncodeSecretMultikey(ed25519.PrivateKey(make([]byte, 32))); badged.KindOf(err) != badged.Invalid {
		t.Errorf("EncodeSecretMultikey(32 bytes) = %v, want Invalid", err)
	}
}

// FuzzDecodeMultikey checks that DecodeMultikey never panics, and that
// what it accepts encodes back to the same string.
func FuzzDecodeMultikey(f *testing.F) {
	for _, s := range []string{
		"z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
		"z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
		"zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169",
		"zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv",
		"z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq",
		"", "z", "z1", "z111", "zz", "u7QE", "z0OIl",
		multibase([]byte{0xed, 0x81, 0x00}),
		multibase([]byte{0x80, 0x24, 0x02}, bytesOf(0xff, 32)),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pub, err := did.DecodeMultikey(s)
		if err != nil {
			if pub != nil {
				t.Fatal("key and error")
			}
			if badged.KindOf(err) != badged.Invalid {
				t.Fatalf("kind %s: %v", badged.KindOf(err), err)
			}
			return
		}
		back, err := did.EncodeMultikey(pub)
		if err != nil {
			t.Fatalf("EncodeMultikey of a decoded key: %v", err)
		}
		if back != s {
			t.Fatalf("round trip: %q became %q", s, back)
		}
	})
}
