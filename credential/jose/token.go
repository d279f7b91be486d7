package jose

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"maps"
	"strings"

	gojose "github.com/go-jose/go-jose/v4"

	"github.com/badged/badged"
)

// MaxTokenSize is the largest token Parse reads: 1 MiB.
const MaxTokenSize = 1 << 20

// minRSABits is the smallest RSA modulus Verify accepts.
const minRSABits = 2048

// Algorithms.
const (
	EdDSA = "EdDSA"
	ES256 = "ES256"
	RS256 = "RS256"
)

var allowed = []gojose.SignatureAlgorithm{gojose.EdDSA, gojose.ES256, gojose.RS256}

// Header is the protected JOSE header of a token.
type Header struct {
	Alg string          // EdDSA, ES256 or RS256
	Kid string          // key id, often a DID URL; may be empty
	Typ string          // "JWT", "vc+jwt" or empty
	Cty string          // "vc" for VC-JOSE, usually empty otherwise
	JWK json.RawMessage // the embedded public key, if any; see [Token.EmbeddedKey]
}

// Token is a parsed, not yet verified, JWT-secured credential. Its fields
// are the caller's to read; nothing in them is trustworthy until
// [Token.Verify] succeeds with a key the caller trusts.
type Token struct {
	Header Header
	// Claims is the whole JWT payload.
	Claims map[string]any
	// Credential is the credential: the "vc" claim when there is one
	// (VC-JWT 1.1), otherwise the payload without the registered JWT
	// claims iss, sub, aud, exp, nbf, iat and jti.
	Credential map[string]any
	Format     Format
	// Warnings are oddities that do not make the token unusable.
	Warnings []string

	jws *gojose.JSONWebSignature
}

// rawHeader is the part of the header read before go-jose sees the token,
// so that refusals can say what was wrong.
type rawHeader struct {
	Alg string          `json:"alg"`
	Kid string          `json:"kid"`
	Typ string          `json:"typ"`
	Cty string          `json:"cty"`
	JWK json.RawMessage `json:"jwk"`
	// Crit lists extensions the verifier must understand; badged knows none.
	Crit json.RawMessage `json:"crit"`
}

// Parse reads a compact JWS carrying a credential, without verifying it.
// Surrounding white space is ignored.
//
// It refuses, with a *badged.Error of kind TooLarge, a token longer than
// [MaxTokenSize]; and with kind Invalid: JWE (five parts) and anything but
// three parts, bad base64url or JSON, an alg outside EdDSA, ES256 and RS256
// ("none" and HS256 included), any "crit" header, a typ other than "JWT", "vc+jwt" or none, a
// header jwk or did:key/did:jwk kid whose key type contradicts alg, and a
// payload that holds no credential.
func Parse(token string) (*Token, error) {
	if len(token) > MaxTokenSize {
		return nil, badged.Errorf(badged.TooLarge, "token is %d bytes; the limit is %d", len(token), MaxTokenSize)
	}
	token = strings.TrimSpace(token)
	if token == "" {
		return nil, badged.Errorf(badged.Invalid, "token is empty")
	}
	if strings.HasPrefix(token, "{") {
		return nil, badged.Errorf(badged.Invalid, "token is JSON, not a compact JWS (JWS JSON serialization is not supported)")
	}
	switch n := strings.Count(token, ".") + 1; {
	case n == 5:
		return nil, badged.Errorf(badged.Invalid, "token is encrypted (JWE); only signed tokens (JWS) are supported")
	case n != 3:
		return nil, badged.Errorf(badged.Invalid, "token is not a compact JWS: it has %d parts, want 3", n)
	}
	head, _, _ := strings.Cut(token, ".")
	hb, err := base64.RawURLEncoding.Strict().DecodeString(head)
	if err != nil {
		return nil, badged.Wrap(badged.Invalid, err, "token header is not base64url")
	}
	var rh rawHeader
	if err := json.Unmarshal(hb, &rh); err != nil {
		return nil, badged.Wrap(badged.Invalid, err, "token header is not a JSON object")
	}
	if err := checkAlg(rh.Alg); err != nil {
		return nil, err
	}
	if rh.Crit != nil {
		return nil, badged.Errorf(badged.Invalid, "token header marks extensions critical (crit %s); none are supported", rh.Crit)
	}
	t := &Token{Header: Header{Alg: rh.Alg, Kid: rh.Kid, Typ: rh.Typ, Cty: rh.Cty}}
	if len(rh.JWK) > 0 {
		t.Header.JWK = bytes.Clone(rh.JWK)
	}
	switch typ := strings.TrimPrefix(strings.ToLower(rh.Typ), "application/"); typ {
	case "", "jwt":
		t.Format = OBJWT
	case typVCJWT:
		t.Format = VCJOSE
	case "vc-ld+jwt", "vc+ld+jwt":
		t.Format = VCJOSE
		t.Warnings = append(t.Warnings, `typ "`+rh.Typ+`" is from a VC-JOSE-COSE draft; the standard value is "vc+jwt"`)
	default:
		return nil, badged.Errorf(badged.Invalid, `token typ %q is not a credential: want "JWT" or "vc+jwt"`, rh.Typ)
	}

	jws, err := gojose.ParseSignedCompact(token, allowed)
	if err != nil {
		return nil, badged.Wrap(badged.Invalid, err, "token is not a well-formed JWS")
	}
	if len(jws.Signatures) != 1 {
		return nil, badged.Errorf(badged.Invalid, "token has %d signatures, want 1", len(jws.Signatures))
	}
	t.jws = jws
	h := jws.Signatures[0].Protected
	if h.JSONWebKey != nil {
		if err := keyMatchesAlg(h.JSONWebKey.Key, rh.Alg, "header jwk"); err != nil {
			return nil, err
		}
	}
	if err := kidMatchesAlg(rh.Kid, rh.Alg); err != nil {
		return nil, err
	}
	if rh.Kid == "" && h.JSONWebKey == nil {
		t.Warnings = append(t.Warnings, "header names no key (no kid, no jwk): the verification key must come from elsewhere")
	}

	var claims map[string]any
	if err := json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &claims); err != nil {
		return nil, badged.Wrap(badged.Invalid, err, "token payload is not a JSON object")
	}
	if claims == nil {
		return nil, badged.Errorf(badged.Invalid, "token payload is not a JSON object")
	}
	t.Claims = claims
	vc, hasVC := claims["vc"]
	_, hasCtx := claims["@context"]
	switch {
	case t.Format == VCJOSE && hasVC:
		return nil, badged.Errorf(badged.Invalid, `a vc+jwt token must not have a "vc" claim: the payload is the credential`)
	case hasVC && hasCtx:
		return nil, badged.Errorf(badged.Invalid, `token payload has both a "vc" claim and a top-level @context: which is the credential is ambiguous`)
	case hasVC:
		m, ok := vc.(map[string]any)
		if !ok {
			return nil, badged.Errorf(badged.Invalid, `token's "vc" claim is not a JSON object`)
		}
		t.Credential = m
	case hasCtx:
		t.Credential = maps.Clone(claims)
		for _, c := range registered {
			delete(t.Credential, c)
		}
	default:
		return nil, badged.Errorf(badged.Invalid, `token payload holds no credential: no "vc" claim and no @context`)
	}
	return t, nil
}

func checkAlg(alg string) error {
	switch {
	case alg == EdDSA || alg == ES256 || alg == RS256:
		return nil
	case alg == "":
		return badged.Errorf(badged.Invalid, "token header has no alg")
	case strings.EqualFold(alg, "none"):
		return badged.Errorf(badged.Invalid, `token is unsigned (alg "none"): refused`)
	case strings.HasPrefix(alg, "HS"):
		return badged.Errorf(badged.Invalid, "token alg %s is a shared-secret MAC, not a signature: refused (want EdDSA, ES256 or RS256)", alg)
	}
	return badged.Errorf(badged.Invalid, "token alg %q is not supported: want EdDSA, ES256 or RS256", alg)
}

// keyMatchesAlg reports whether key is a public key of the type alg needs.
func keyMatchesAlg(key crypto.PublicKey, alg, what string) error {
	ok := false
	switch k := key.(type) {
	case ed25519.PublicKey:
		ok = alg == EdDSA && len(k) == ed25519.PublicKeySize
	case *ecdsa.PublicKey:
		ok = alg == ES256 && k.Curve == elliptic.P256()
	case *rsa.PublicKey:
		if alg == RS256 && k.N.BitLen() < minRSABits {
			return badged.Errorf(badged.Invalid, "%s is a %d-bit RSA key; at least %d bits are required", what, k.N.BitLen(), minRSABits)
		}
		ok = alg == RS256
	}
	if !ok {
		return badged.Errorf(badged.Invalid, "%s (%s) does not fit alg %s", what, keyKind(key), alg)
	}
	return nil
}

func keyKind(key crypto.PublicKey) string {
	switch k := key.(type) {
	case ed25519.PublicKey:
		return "Ed25519"
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	case *rsa.PublicKey:
		return "RSA"
	case nil:
		return "no key"
	}
	return "unsupported key type"
}

// kidMatchesAlg catches a kid whose DID itself fixes the key type (did:key,
// did:jwk) but disagrees with alg. Other kids are left to the resolver.
func kidMatchesAlg(kid, alg string) error {
	did, _, _ := strings.Cut(kid, "#")
	want := ""
	switch {
	case strings.HasPrefix(did, "did:key:z6Mk"):
		want = EdDSA
	case strings.HasPrefix(did, "did:key:zDn"):
		want = ES256
	case strings.HasPrefix(did, "did:jwk:"):
		b, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(did, "did:jwk:"))
		if err != nil {
			return badged.Wrap(badged.Invalid, err, "kid is a did:jwk that is not base64url")
		}
		var k gojose.JSONWebKey
		if err := k.UnmarshalJSON(b); err != nil {
			return badged.Wrap(badged.Invalid, err, "kid is a did:jwk that holds no valid JWK")
		}
		return keyMatchesAlg(k.Key, alg, "kid's did:jwk key")
	default:
		return nil
	}
	if want != alg {
		return badged.Errorf(badged.Invalid, "kid %s names a key for %s, but alg is %s", did, want, alg)
	}
	return nil
}

// Verify checks the token's signature with pub, which must be of the type
// the header's alg names: ed25519.PublicKey for EdDSA, a P-256
// *ecdsa.PublicKey for ES256, an *rsa.PublicKey of at least 2048 bits for
// RS256. It checks nothing else: see [Token.CheckClaims].
//
// Errors are *badged.Error of kind Invalid: a key that does not fit alg, or
// a signature that does not verify.
func (t *Token) Verify(pub crypto.PublicKey) error {
	if t == nil || t.jws == nil {
		return badged.Errorf(badged.Invalid, "verify: token was not parsed")
	}
	if err := keyMatchesAlg(pub, t.Header.Alg, "verification key"); err != nil {
		return err
	}
	if _, err := t.jws.Verify(pub); err != nil {
		return badged.Wrap(badged.Invalid, err, "signature does not verify")
	}
	return nil
}

// EmbeddedKey returns the public key carried in the header's jwk parameter.
// It says nothing about who controls that key: a verifier must tie it to
// the issuer (the issuer publishes it, or the kid is a did:jwk or did:key
// that encodes it) before trusting a signature made with it.
//
// It returns a *badged.Error of kind NotFound when the header has no jwk.
func (t *Token) EmbeddedKey() (crypto.PublicKey, error) {
	if t == nil || t.jws == nil {
		return nil, badged.Errorf(badged.Invalid, "token was not parsed")
	}
	k := t.jws.Signatures[0].Protected.JSONWebKey
	if k == nil {
		return nil, badged.Errorf(badged.NotFound, "token header carries no jwk")
	}
	if ed, ok := k.Key.(ed25519.PublicKey); ok {
		return ed25519.PublicKey(bytes.Clone(ed)), nil
	}
	return k.Key, nil
}
