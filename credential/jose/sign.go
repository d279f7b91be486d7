package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/json"
	"fmt"
	"maps"
	"math/big"

	gojose "github.com/go-jose/go-jose/v4"

	"github.com/badged/badged"
)

// Format is the shape of a JWT-secured credential.
type Format int

// Formats.
const (
	// OBJWT is OB 3.0's VC-JWT: typ "JWT", the credential's properties plus
	// iss, jti, nbf, sub and exp in the payload (or, in the VC-JWT 1.1 shape
	// that Parse also reads, the credential under a "vc" claim).
	OBJWT Format = iota + 1
	// VCJOSE is W3C VC-JOSE-COSE: typ "vc+jwt", cty "vc", the payload is the
	// credential.
	VCJOSE
)

func (f Format) String() string {
	switch f {
	case OBJWT:
		return "OB 3.0 VC-JWT"
	case VCJOSE:
		return "VC-JOSE (vc+jwt)"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// Header types written and read.
const (
	typJWT   = "JWT"
	typVCJWT = "vc+jwt"
	ctyVC    = "vc"
)

// registered lists the JWT claims (RFC 7519 section 4.1) that are not
// credential properties.
var registered = []string{"iss", "sub", "aud", "exp", "nbf", "iat", "jti"}

// Sign secures credential as a compact JWS in format f, signed by key with
// EdDSA (an Ed25519 key) or ES256 (a P-256 key). kid names the verification
// method, normally a DID URL; it is required.
//
// For [OBJWT] the payload is the credential plus iss, jti, nbf, sub and exp
// taken from it; the credential must have an issuer id and a validFrom (or,
// for VC 1.1, issuanceDate). For [VCJOSE] the payload is the credential
// unchanged. credential is not modified; it should not carry an embedded
// proof. ECDSA randomness comes from crypto/rand.
//
// Errors are *badged.Error of kind Invalid: an unsupported key, a missing
// kid, a credential that cannot be mapped to claims, or a signer failure
// (with the cause in Err).
func Sign(credential map[string]any, key crypto.Signer, kid string, f Format) (string, error) {
	if key == nil {
		return "", badged.Errorf(badged.Invalid, "sign: no key")
	}
	if kid == "" {
		return "", badged.Errorf(badged.Invalid, "sign: kid is required")
	}
	alg, err := algFor(key.Public())
	if err != nil {
		return "", err
	}
	opts := new(gojose.SignerOptions)
	var payload map[string]any
	switch f {
	case OBJWT:
		payload, err = obPayload(credential)
		if err != nil {
			return "", err
		}
		opts = opts.WithType(typJWT)
	case VCJOSE:
		if _, ok := credential["vc"]; ok {
			return "", badged.Errorf(badged.Invalid, `sign: a vc+jwt credential must not have a "vc" property`)
		}
		payload = credential
		opts = opts.WithType(typVCJWT).WithContentType(ctyVC)
	default:
		return "", badged.Errorf(badged.Invalid, "sign: unknown format %d", int(f))
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return "", badged.Wrap(badged.Invalid, err, "sign: credential is not JSON")
	}
	signer, err := gojose.NewSigner(gojose.SigningKey{
		Algorithm: alg,
		Key:       &opaque{key: key, alg: alg, kid: kid},
	}, opts)
	if err != nil {
		return "", badged.Wrap(badged.Invalid, err, "sign: cannot use key")
	}
	jws, err := signer.Sign(body)
	if err != nil {
		return "", badged.Wrap(badged.Invalid, err, "sign: signing failed")
	}
	tok, err := jws.CompactSerialize()
	if err != nil {
		return "", badged.Wrap(badged.Invalid, err, "sign: cannot serialize")
	}
	return tok, nil
}

// algFor picks the JWS algorithm for a signing key's public half.
func algFor(pub crypto.PublicKey) (gojose.SignatureAlgorithm, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		return gojose.EdDSA, nil
	case *ecdsa.PublicKey:
		if k.Curve == elliptic.P256() {
			return gojose.ES256, nil
		}
		return "", badged.Errorf(badged.Invalid, "sign: ECDSA curve %s is not supported: use P-256", k.Curve.Params().Name)
	}
	return "", badged.Errorf(badged.Invalid, "sign: %T keys are not supported: use Ed25519 or P-256", pub)
}

// obPayload builds the OB 3.0 VC-JWT payload: the credential plus the
// registered claims derived from it.
func obPayload(cred map[string]any) (map[string]any, error) {
	for _, c := range registered {
		if _, ok := cred[c]; ok {
			return nil, badged.Errorf(badged.Invalid, "sign: credential already has a %q property", c)
		}
	}
	if _, ok := cred["vc"]; ok {
		return nil, badged.Errorf(badged.Invalid, `sign: credential has a "vc" property`)
	}
	p := maps.Clone(cred)
	iss := issuerID(cred)
	if iss == "" {
		return nil, badged.Errorf(badged.Invalid, "sign: credential has no issuer id (needed for iss)")
	}
	p["iss"] = iss
	from, name := validFrom(cred)
	if from == "" {
		return nil, badged.Errorf(badged.Invalid, "sign: credential has no validFrom (needed for nbf)")
	}
	nbf, err := parseTime(from)
	if err != nil {
		return nil, badged.Errorf(badged.Invalid, "sign: %s %q is not an RFC 3339 date-time", name, from)
	}
	p["nbf"] = nbf.Unix()
	if until, name := validUntil(cred); until != "" {
		exp, err := parseTime(until)
		if err != nil {
			return nil, badged.Errorf(badged.Invalid, "sign: %s %q is not an RFC 3339 date-time", name, until)
		}
		p["exp"] = exp.Unix()
	}
	if id, ok := cred["id"].(string); ok && id != "" {
		p["jti"] = id
	}
	if sub := subjectID(cred); sub != "" {
		p["sub"] = sub
	}
	return p, nil
}

// opaque adapts any crypto.Signer (in memory, HSM, KMS) to go-jose.
type opaque struct {
	key crypto.Signer
	alg gojose.SignatureAlgorithm
	kid string
}

func (o *opaque) Public() *gojose.JSONWebKey {
	return &gojose.JSONWebKey{Key: o.key.Public(), KeyID: o.kid, Algorithm: string(o.alg)}
}

func (o *opaque) Algs() []gojose.SignatureAlgorithm { return []gojose.SignatureAlgorithm{o.alg} }

func (o *opaque) SignPayload(payload []byte, alg gojose.SignatureAlgorithm) ([]byte, error) {
	if alg != o.alg {
		return nil, fmt.Errorf("key signs %s, not %s", o.alg, alg)
	}
	switch alg {
	case gojose.EdDSA:
		return o.key.Sign(rand.Reader, payload, crypto.Hash(0))
	case gojose.ES256:
		digest := sha256.Sum256(payload)
		der, err := o.key.Sign(rand.Reader, digest[:], crypto.SHA256)
		if err != nil {
			return nil, err
		}
		return derToRaw(der, 32)
	}
	return nil, fmt.Errorf("unsupported alg %s", alg)
}

// derToRaw converts an ASN.1 ECDSA signature to the fixed-width r||s that
// JWS uses (RFC 7518 section 3.4).
func derToRaw(der []byte, size int) ([]byte, error) {
	var sig struct{ R, S *big.Int }
	rest, err := asn1.Unmarshal(der, &sig)
	if err != nil || len(rest) != 0 {
		return nil, fmt.Errorf("malformed ECDSA signature")
	}
	r, s := sig.R, sig.S
	if r.Sign() <= 0 || s.Sign() <= 0 || r.BitLen() > size*8 || s.BitLen() > size*8 {
		return nil, fmt.Errorf("ECDSA signature out of range")
	}
	out := make([]byte, 2*size)
	r.FillBytes(out[:size])
	s.FillBytes(out[size:])
	return out, nil
}
