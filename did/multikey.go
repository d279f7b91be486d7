package did

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"encoding/binary"
	"fmt"

	"github.com/badged/badged"
	"github.com/mr-tron/base58"
)

// Multicodec codes of the keys a Multikey can hold
// (https://github.com/multiformats/multicodec/blob/master/table.csv).
const (
	codecEd25519Pub  = 0xed   // ed25519-pub, varint ed 01, "z6Mk..."
	codecP256Pub     = 0x1200 // p256-pub, varint 80 24, "zDn..."
	codecEd25519Priv = 0x1300 // ed25519-priv, varint 80 26, "z3u2..."
)

// EncodeMultikey returns pub as a Multikey publicKeyMultibase value:
// base58btc ("z") of the multicodec header and the key bytes. Ed25519 keys
// (ed25519.PublicKey) encode as "z6Mk...", P-256 keys (*ecdsa.PublicKey) as
// "zDn..." with the point compressed. Any other key is an error of kind
// badged.Invalid.
func EncodeMultikey(pub crypto.PublicKey) (string, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return "", badged.Errorf(badged.Invalid, "Ed25519 public key is %d bytes, want %d", len(k), ed25519.PublicKeySize)
		}
		return encodeMultibase(codecEd25519Pub, k), nil
	case *ecdsa.PublicKey:
		point, err := compressP256(k)
		if err != nil {
			return "", err
		}
		return encodeMultibase(codecP256Pub, point), nil
	default:
		return "", badged.Errorf(badged.Invalid, "public key type %T is not supported (want Ed25519 or P-256)", pub)
	}
}

// DecodeMultikey parses a Multikey publicKeyMultibase value and returns an
// ed25519.PublicKey or a P-256 *ecdsa.PublicKey. Input that is not
// base58btc, has an unknown or secret-key header, has the wrong length or,
// for P-256, is not a point on the curve gives an error of kind
// badged.Invalid.
func DecodeMultikey(s string) (crypto.PublicKey, error) {
	name := "multikey"
	if s != "" {
		name += " " + short(s)
	}
	code, key, err := decodeMultibase(s, name)
	if err != nil {
		return nil, err
	}
	switch code {
	case codecEd25519Pub:
		if len(key) != ed25519.PublicKeySize {
			return nil, badged.Errorf(badged.Invalid, "multikey %s: Ed25519 key is %d bytes, want %d", short(s), len(key), ed25519.PublicKeySize)
		}
		return ed25519.PublicKey(key), nil
	case codecP256Pub:
		if len(key) != 33 {
			return nil, badged.Errorf(badged.Invalid, "multikey %s: P-256 key is %d bytes, want 33 (a compressed point)", short(s), len(key))
		}
		x, y := elliptic.UnmarshalCompressed(elliptic.P256(), key)
		if x == nil {
			return nil, badged.Errorf(badged.Invalid, "multikey %s: not a point on P-256", short(s))
		}
		uncompressed := make([]byte, 65)
		uncompressed[0] = 4
		x.FillBytes(uncompressed[1:33])
		y.FillBytes(uncompressed[33:])
		pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), uncompressed)
		if err != nil {
			return nil, badged.Errorf(badged.Invalid, "multikey %s: not a point on P-256", short(s))
		}
		return pub, nil
	case codecEd25519Priv:
		return nil, badged.Errorf(badged.Invalid, "multikey is a secret key, not a public key")
	default:
		return nil, badged.Errorf(badged.Invalid, "multikey %s: key type 0x%x is not supported (want Ed25519 or P-256)", short(s), code)
	}
}

// EncodeSecretMultikey returns priv as a Multikey secretKeyMultibase value:
// base58btc of the ed25519-priv header (0x1300, varint 80 26) and the
// 32-byte seed, as in the W3C vc-di-eddsa test vectors ("z3u2..."). A key
// that is not 64 bytes is an error of kind badged.Invalid.
func EncodeSecretMultikey(priv ed25519.PrivateKey) (string, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return "", badged.Errorf(badged.Invalid, "Ed25519 private key is %d bytes, want %d", len(priv), ed25519.PrivateKeySize)
	}
	return encodeMultibase(codecEd25519Priv, priv.Seed()), nil
}

// DecodeSecretMultikey parses an Ed25519 secretKeyMultibase value. It
// accepts the 32-byte seed form (W3C vc-di-eddsa, "z3u2...") and the 64-byte
// seed-and-public-key form that Digital Bazaar's libraries and the Open
// Badges 3.0 spec's test key use ("zrv..."); in the latter the public half
// must match the seed. Any other input is an error of kind badged.Invalid.
func DecodeSecretMultikey(s string) (ed25519.PrivateKey, error) {
	code, key, err := decodeMultibase(s, "secret multikey")
	if err != nil {
		return nil, err
	}
	if code != codecEd25519Priv {
		return nil, badged.Errorf(badged.Invalid, "secret multikey: header 0x%x is not an Ed25519 secret key", code)
	}
	switch len(key) {
	case ed25519.SeedSize:
		return ed25519.NewKeyFromSeed(key), nil
	case ed25519.PrivateKeySize:
		priv := ed25519.NewKeyFromSeed(key[:ed25519.SeedSize])
		if !bytes.Equal(priv[ed25519.SeedSize:], key[ed25519.SeedSize:]) {
			return nil, badged.Errorf(badged.Invalid, "secret multikey: public half does not match the seed")
		}
		return priv, nil
	default:
		return nil, badged.Errorf(badged.Invalid, "secret multikey: Ed25519 secret key is %d bytes, want %d or %d", len(key), ed25519.SeedSize, ed25519.PrivateKeySize)
	}
}

// encodeMultibase returns "z" + base58btc(varint(code) || key).
func encodeMultibase(code uint64, key []byte) string {
	buf := binary.AppendUvarint(make([]byte, 0, binary.MaxVarintLen64+len(key)), code)
	return "z" + base58.Encode(append(buf, key...))
}

// maxMultibase bounds the multibase strings decoded: base58 decoding is
// quadratic, and no key we support comes near it.
const maxMultibase = 256

// decodeMultibase undoes encodeMultibase. The returned key is a fresh slice.
// Errors call the input name, so that a secret key is never echoed.
func decodeMultibase(s, name string) (code uint64, key []byte, err error) {
	switch {
	case s == "":
		return 0, nil, badged.Errorf(badged.Invalid, "%s is empty", name)
	case len(s) > maxMultibase:
		return 0, nil, badged.Errorf(badged.Invalid, "%s is longer than %d characters", name, maxMultibase)
	case s[0] != 'z':
		return 0, nil, badged.Errorf(badged.Invalid, "%s: not base58btc multibase (want a 'z' prefix)", name)
	}
	raw, err := base58.Decode(s[1:])
	if err != nil || len(raw) == 0 {
		return 0, nil, badged.Errorf(badged.Invalid, "%s: not valid base58btc", name)
	}
	code, n := binary.Uvarint(raw)
	if n <= 0 || n != len(binary.AppendUvarint(nil, code)) {
		return 0, nil, badged.Errorf(badged.Invalid, "%s: malformed multicodec header", name)
	}
	return code, raw[n:], nil
}

// compressP256 returns the 33-byte compressed form of a P-256 key.
func compressP256(k *ecdsa.PublicKey) ([]byte, error) {
	if k == nil || k.Curve != elliptic.P256() {
		return nil, badged.Errorf(badged.Invalid, "ECDSA key is not on P-256 (only P-256 is supported)")
	}
	b, err := k.Bytes()
	if err != nil || len(b) != 65 {
		return nil, badged.Errorf(badged.Invalid, "ECDSA key is not a valid P-256 point")
	}
	point := make([]byte, 33)
	point[0] = 2 | b[64]&1
	copy(point[1:], b[1:33])
	return point, nil
}

// short shortens s for an error message: keys are long and input may be
// hostile.
func short(s string) string {
	const max = 60
	if len(s) > max {
		s = s[:max] + "..."
	}
	return fmt.Sprintf("%q", s)
}
