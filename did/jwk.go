package did

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/badged/badged"
)

// JWK is a public JSON Web Key (RFC 7517, RFC 8037) for Ed25519 (kty "OKP",
// crv "Ed25519") or P-256 (kty "EC", crv "P-256"). Its fields are in
// lexicographic order, so the JSON of a JWK built by [NewJWK] is the same
// everywhere and so is the did:jwk made from it.
type JWK struct {
	Crv string `json:"crv"`
	Kty string `json:"kty"`
	Use string `json:"use,omitempty"`
	X   string `json:"x"`
	Y   string `json:"y,omitempty"`
}

// NewJWK returns the JWK of an ed25519.PublicKey or a P-256 *ecdsa.PublicKey.
// Other keys are an error of kind badged.Invalid.
func NewJWK(pub crypto.PublicKey) (*JWK, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return nil, badged.Errorf(badged.Invalid, "Ed25519 public key is %d bytes, want %d", len(k), ed25519.PublicKeySize)
		}
		return &JWK{Crv: "Ed25519", Kty: "OKP", X: base64.RawURLEncoding.EncodeToString(k)}, nil
	case *ecdsa.PublicKey:
		if k == nil || k.Curve != elliptic.P256() {
			return nil, badged.Errorf(badged.Invalid, "ECDSA key is not on P-256 (only P-256 is supported)")
		}
		b, err := k.Bytes()
		if err != nil {
			return nil, badged.Errorf(badged.Invalid, "ECDSA key is not a valid P-256 point")
		}
		return &JWK{
			Crv: "P-256", Kty: "EC",
			X: base64.RawURLEncoding.EncodeToString(b[1:33]),
			Y: base64.RawURLEncoding.EncodeToString(b[33:]),
		}, nil
	default:
		return nil, badged.Errorf(badged.Invalid, "public key type %T is not supported (want Ed25519 or P-256)", pub)
	}
}

// UnmarshalJSON parses a public JWK. A JWK that carries a private key
// ("d") is refused: a document that publishes one is broken.
func (k *JWK) UnmarshalJSON(b []byte) error {
	type plain JWK
	var w struct {
		plain
		D *json.RawMessage `json:"d"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	if w.D != nil {
		return badged.Errorf(badged.Invalid, "JWK contains a private key")
	}
	*k = JWK(w.plain)
	return nil
}

// PublicKey returns the key k holds: an ed25519.PublicKey or a P-256
// *ecdsa.PublicKey. An unsupported kty or crv, bad base64url, a wrong length
// or a point not on the curve is an error of kind badged.Invalid.
func (k JWK) PublicKey() (crypto.PublicKey, error) {
	switch {
	case k.Kty == "OKP" && k.Crv == "Ed25519":
		x, err := base64.RawURLEncoding.DecodeString(k.X)
		if err != nil || len(x) != ed25519.PublicKeySize {
			return nil, badged.Errorf(badged.Invalid, "JWK: Ed25519 x is not %d bytes of base64url", ed25519.PublicKeySize)
		}
		return ed25519.PublicKey(x), nil
	case k.Kty == "EC" && k.Crv == "P-256":
		x, errX := base64.RawURLEncoding.DecodeString(k.X)
		y, errY := base64.RawURLEncoding.DecodeString(k.Y)
		if errX != nil || errY != nil || len(x) != 32 || len(y) != 32 {
			return nil, badged.Errorf(badged.Invalid, "JWK: P-256 x and y are not 32 bytes of base64url each")
		}
		pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
		if err != nil {
			return nil, badged.Errorf(badged.Invalid, "JWK: not a point on P-256")
		}
		return pub, nil
	default:
		return nil, badged.Errorf(badged.Invalid, "JWK: kty %q with crv %q is not supported (want OKP Ed25519 or EC P-256)", k.Kty, k.Crv)
	}
}

// JWKDID returns the did:jwk of pub: "did:jwk:" and the base64url of its JWK
// as JSON. Its one verification method is the DID with fragment "#0". Keys
// other than Ed25519 and P-256 are an error of kind badged.Invalid.
func JWKDID(pub crypto.PublicKey) (string, error) {
	k, err := NewJWK(pub)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(k)
	if err != nil {
		return "", badged.Wrap(badged.Internal, err, "encode JWK")
	}
	return "did:jwk:" + base64.RawURLEncoding.EncodeToString(b), nil
}

// maxJWKDID bounds the did:jwk identifiers parsed.
const maxJWKDID = 2048

// jwkDocument returns the document of a did:jwk, derived from the DID itself
// as the did:jwk specification describes.
func jwkDocument(did string) (*Document, error) {
	msid := strings.TrimPrefix(did, "did:jwk:")
	if len(did) > maxJWKDID {
		return nil, badged.Errorf(badged.Invalid, "did:jwk is longer than %d characters", maxJWKDID)
	}
	b, err := base64.RawURLEncoding.DecodeString(msid)
	if err != nil {
		return nil, badged.Errorf(badged.Invalid, "did:jwk %s: not base64url without padding", short(did))
	}
	var k JWK
	if err := json.Unmarshal(b, &k); err != nil {
		return nil, badged.Errorf(badged.Invalid, "did:jwk %s: not a JSON JWK: %v", short(did), err)
	}
	if _, err := k.PublicKey(); err != nil {
		return nil, badged.Errorf(badged.Invalid, "did:jwk %s: %v", short(did), err)
	}
	vm := VerificationMethod{ID: did + "#0", Type: "JsonWebKey2020", Controller: did, PublicKeyJwk: &k}
	doc := &Document{
		Context:            []any{ContextDIDv1, ContextJWS2020},
		ID:                 did,
		VerificationMethod: []VerificationMethod{vm},
	}
	if k.Use != "enc" {
		doc.AssertionMethod = []MethodRef{{ID: vm.ID}}
		doc.Authentication = []MethodRef{{ID: vm.ID}}
	}
	return doc, nil
}
