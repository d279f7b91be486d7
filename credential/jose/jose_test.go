package jose_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	gojose "github.com/go-jose/go-jose/v4"

	"github.com/badged/badged"
	"github.com/badged/badged/credential/jose"
)

const fixtures = "../../testdata/vectors/ob3-validator-fixtures"

// now is the clock for claim checks: inside the test credential's validity.
var now = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

func loadCredential(tb testing.TB) map[string]any {
	tb.Helper()
	b, err := os.ReadFile("testdata/ob3-credential.json")
	if err != nil {
		tb.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(b, &c); err != nil {
		tb.Fatal(err)
	}
	return c
}

func readFixture(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

var bakedJWT = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`)

// bakedToken pulls the JWT out of a baked PNG (uncompressed iTXt) or SVG.
// Unbaking properly is the baking package's job; this is enough for vectors.
func bakedToken(tb testing.TB, name string) string {
	tb.Helper()
	tok := bakedJWT.Find([]byte(readFixture(tb, name)))
	if tok == nil {
		tb.Fatalf("%s: no JWT found", name)
	}
	return string(tok)
}

func wantKind(t *testing.T, err error, kind badged.Kind, msgPart string) {
	t.Helper()
	var e *badged.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *badged.Error", err, err)
	}
	if e.Kind != kind {
		t.Errorf("kind = %s, want %s (%v)", e.Kind, kind, err)
	}
	if !strings.Contains(e.Message, msgPart) {
		t.Errorf("message %q does not contain %q", e.Message, msgPart)
	}
}

type keyCase struct {
	name string
	key  crypto.Signer
	alg  string
}

func keys(tb testing.TB) []keyCase {
	tb.Helper()
	_, ed, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	return []keyCase{{"EdDSA", ed, jose.EdDSA}, {"ES256", ec, jose.ES256}}
}

const kid = "did:web:badges.example.edu#key-1"

func TestRoundTrip(t *testing.T) {
	cred := loadCredential(t)
	for _, k := range keys(t) {
		for _, f := range []jose.Format{jose.OBJWT, jose.VCJOSE} {
			t.Run("ok/"+k.name+"/"+f.String(), func(t *testing.T) {
				tok, err := jose.Sign(cred, k.key, kid, f)
				if err != nil {
					t.Fatal(err)
				}
				got, err := jose.Parse(tok)
				if err != nil {
					t.Fatal(err)
				}
				if got.Format != f || got.Header.Alg != k.alg || got.Header.Kid != kid {
					t.Errorf("format %v alg %s kid %s, want %v %s %s", got.Format, got.Header.Alg, got.Header.Kid, f, k.alg, kid)
				}
				wantTyp, wantCty := "JWT", ""
				if f == jose.VCJOSE {
					wantTyp, wantCty = "vc+jwt", "vc"
				}
				if got.Header.Typ != wantTyp || got.Header.Cty != wantCty {
					t.Errorf("typ %q cty %q, want %q %q", got.Header.Typ, got.Header.Cty, wantTyp, wantCty)
				}
				if err := got.Verify(k.key.Public()); err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if p := got.CheckClaims(now); p != nil {
					t.Errorf("CheckClaims: %q", p)
				}
				if !reflect.DeepEqual(got.Credential, cred) {
					t.Error("credential changed in the round trip")
				}
				if len(got.Warnings) != 0 {
					t.Errorf("warnings: %q", got.Warnings)
				}
				if f == jose.OBJWT {
					want := map[string]any{
						"iss": "did:web:badges.example.edu",
						"jti": cred["id"],
						"sub": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
						"nbf": float64(time.Date(2025, 9, 1, 9, 0, 0, 0, time.UTC).Unix()),
						"exp": float64(time.Date(2030, 9, 1, 9, 0, 0, 0, time.UTC).Unix()),
					}
					for c, v := range want {
						if got.Claims[c] != v {
							t.Errorf("claim %s = %v, want %v", c, got.Claims[c], v)
						}
					}
				}
			})
		}
	}
}

func TestSignRejects(t *testing.T) {
	cred := loadCredential(t)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	without := func(name string) map[string]any {
		c := loadCredential(t)
		delete(c, name)
		return c
	}
	with := func(name string, v any) map[string]any {
		c := loadCredential(t)
		c[name] = v
		return c
	}
	tests := []struct {
		name string
		cred map[string]any
		key  crypto.Signer
		kid  string
		f    jose.Format
		msg  string
	}{
		{"fail/no-kid", cred, ed, "", jose.OBJWT, "kid is required"},
		{"fail/p384", cred, p384, kid, jose.OBJWT, "P-384"},
		{"fail/rsa", cred, rsaKey, kid, jose.OBJWT, "not supported"},
		{"fail/no-issuer", without("issuer"), ed, kid, jose.OBJWT, "no issuer id"},
		{"fail/no-validFrom", without("validFrom"), ed, kid, jose.OBJWT, "no validFrom"},
		{"fail/bad-validFrom", with("validFrom", "yesterday"), ed, kid, jose.OBJWT, "RFC 3339"},
		{"fail/claim-clash", with("iss", "x"), ed, kid, jose.OBJWT, `"iss"`},
		{"fail/vc-in-vcjose", with("vc", map[string]any{}), ed, kid, jose.VCJOSE, `"vc"`},
		{"fail/format", cred, ed, kid, jose.Format(9), "unknown format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := jose.Sign(tt.cred, tt.key, tt.kid, tt.f)
			wantKind(t, err, badged.Invalid, tt.msg)
		})
	}
}

// signRaw signs payload with go-jose directly, for algorithms and headers
// Sign does not produce.
func signRaw(t testing.TB, alg gojose.SignatureAlgorithm, key any, payload []byte, extra map[gojose.HeaderKey]any) string {
	t.Helper()
	opts := (&gojose.SignerOptions{}).WithType("JWT")
	for k, v := range extra {
		opts = opts.WithHeader(k, v)
	}
	s, err := gojose.NewSigner(gojose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func obPayload(t testing.TB) []byte {
	t.Helper()
	c := loadCredential(t)
	c["iss"] = "did:web:badges.example.edu"
	c["jti"] = c["id"]
	c["nbf"] = time.Date(2025, 9, 1, 9, 0, 0, 0, time.UTC).Unix()
	c["exp"] = time.Date(2030, 9, 1, 9, 0, 0, 0, time.UTC).Unix()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRS256(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	tok := signRaw(t, gojose.RS256, key, obPayload(t), map[gojose.HeaderKey]any{"kid": "https://badges.example.edu/keys/1"})
	got, err := jose.Parse(tok)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("ok", func(t *testing.T) {
		if err := got.Verify(&key.PublicKey); err != nil {
			t.Fatal(err)
		}
		if p := got.CheckClaims(now); p != nil {
			t.Errorf("CheckClaims: %q", p)
		}
	})
	t.Run("fail/wrong-key", func(t *testing.T) {
		wantKind(t, got.Verify(&other.PublicKey), badged.Invalid, "does not verify")
	})
	t.Run("fail/small-key", func(t *testing.T) {
		wantKind(t, got.Verify(&small.PublicKey), badged.Invalid, "1024-bit")
	})
	t.Run("fail/ed25519-key-for-rs256", func(t *testing.T) {
		wantKind(t, got.Verify(ed.Public()), badged.Invalid, "does not fit alg RS256")
	})
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestParseRejects(t *testing.T) {
	cred := loadCredential(t)
	edPub, ed, _ := ed25519.GenerateKey(rand.Reader)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	good, err := jose.Sign(cred, ed, kid, jose.OBJWT)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, ".")

	// The classic confusion: an HS256 MAC keyed with the issuer's public
	// key, hoping the verifier passes that key to an HMAC check.
	hsHead := b64(`{"alg":"HS256","typ":"JWT","kid":"` + kid + `"}`)
	mac := hmac.New(sha256.New, edPub)
	mac.Write([]byte(hsHead + "." + parts[1]))
	hs256 := hsHead + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))

	// ES256 signature, but the kid is a did:key for an Ed25519 key.
	kidMismatch, err := jose.Sign(cred, ec, "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", jose.OBJWT)
	if err != nil {
		t.Fatal(err)
	}
	// EdDSA signature, but the header embeds an EC key.
	ecJWK, _ := json.Marshal(gojose.JSONWebKey{Key: ec.Public()})
	var jwk map[string]any
	json.Unmarshal(ecJWK, &jwk)
	jwkMismatch := signRaw(t, gojose.EdDSA, ed, obPayload(t), map[gojose.HeaderKey]any{"jwk": jwk})

	vcjoseWithVC := signRaw(t, gojose.EdDSA, ed, []byte(`{"vc":{"@context":["x"]}}`), map[gojose.HeaderKey]any{"typ": "vc+jwt"})

	tests := []struct {
		name  string
		token string
		kind  badged.Kind
		msg   string
	}{
		{"fail/empty", "  \n", badged.Invalid, "empty"},
		{"fail/alg-none", b64(`{"alg":"none","typ":"JWT"}`) + "." + parts[1] + ".", badged.Invalid, `alg "none"`},
		{"fail/alg-NONE", b64(`{"alg":"NONE"}`) + "." + parts[1] + ".", badged.Invalid, `alg "none"`},
		{"fail/alg-missing", b64(`{"typ":"JWT"}`) + "." + parts[1] + "." + parts[2], badged.Invalid, "no alg"},
		{"fail/hs256-public-key-as-secret", hs256, badged.Invalid, "shared-secret"},
		{"fail/alg-ES512", b64(`{"alg":"ES512"}`) + "." + parts[1] + "." + parts[2], badged.Invalid, "not supported"},
		{"fail/alg-PS256", b64(`{"alg":"PS256"}`) + "." + parts[1] + "." + parts[2], badged.Invalid, "not supported"},
		{"fail/truncated", good[:len(good)/2], badged.Invalid, "2 parts"},
		{"fail/2-parts", parts[0] + "." + parts[1], badged.Invalid, "2 parts"},
		{"fail/4-parts", good + ".x", badged.Invalid, "4 parts"},
		{"fail/5-parts-jwe", "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d", badged.Invalid, "JWE"},
		{"fail/json-serialization", `{"payload":"x","signatures":[]}`, badged.Invalid, "JSON"},
		{"fail/bad-base64-header", "ey*J." + parts[1] + "." + parts[2], badged.Invalid, "base64url"},
		{"fail/padded-base64-header", parts[0] + "=." + parts[1] + "." + parts[2], badged.Invalid, "base64url"},
		{"fail/bad-base64-payload", parts[0] + ".e*y." + parts[2], badged.Invalid, "well-formed JWS"},
		{"fail/bad-base64-signature", parts[0] + "." + parts[1] + ".!!", badged.Invalid, "well-formed JWS"},
		{"fail/header-not-json", b64("[1,2]") + "." + parts[1] + "." + parts[2], badged.Invalid, "header is not a JSON object"},
		{"fail/payload-not-object", parts[0] + "." + b64("[1]") + "." + parts[2], badged.Invalid, "payload is not a JSON object"},
		{"fail/payload-null", parts[0] + "." + b64("null") + "." + parts[2], badged.Invalid, "payload is not a JSON object"},
		{"fail/payload-no-credential", parts[0] + "." + b64(`{"iss":"x"}`) + "." + parts[2], badged.Invalid, "holds no credential"},
		{"fail/payload-vc-and-context", parts[0] + "." + b64(`{"vc":{},"@context":[]}`) + "." + parts[2], badged.Invalid, "ambiguous"},
		{"fail/payload-vc-not-object", parts[0] + "." + b64(`{"vc":"x"}`) + "." + parts[2], badged.Invalid, `"vc" claim is not a JSON object`},
		{"fail/huge", strings.Repeat("a", jose.MaxTokenSize+1), badged.TooLarge, "limit"},
		{"fail/kid-alg-mismatch", kidMismatch, badged.Invalid, "names a key for EdDSA, but alg is ES256"},
		{"fail/jwk-alg-mismatch", jwkMismatch, badged.Invalid, "header jwk (ECDSA P-256) does not fit alg EdDSA"},
		{"fail/typ-presentation", b64(`{"alg":"EdDSA","typ":"vp+jwt"}`) + "." + parts[1] + "." + parts[2], badged.Invalid, "not a credential"},
		{"fail/vcjose-with-vc-claim", vcjoseWithVC, badged.Invalid, `must not have a "vc" claim`},
		{"fail/crit-unknown", b64(`{"alg":"EdDSA","crit":["exp"],"exp":1}`) + "." + parts[1] + "." + parts[2], badged.Invalid, "critical"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := jose.Parse(tt.token)
			if err == nil {
				t.Fatalf("Parse accepted it: %+v", tok.Header)
			}
			wantKind(t, err, tt.kind, tt.msg)
		})
	}
}

func TestVerifyRejects(t *testing.T) {
	cred := loadCredential(t)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	otherPub, _, _ := ed25519.GenerateKey(rand.Reader)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	good, _ := jose.Sign(cred, ed, kid, jose.OBJWT)
	goodEC, _ := jose.Sign(cred, ec, kid, jose.OBJWT)
	parts := strings.Split(good, ".")

	tampered := loadCredential(t)
	tampered["name"] = "Advanced Data Science"
	tp, _ := jose.Sign(tampered, ed, kid, jose.OBJWT) // signed, but we keep the old signature
	tamperedTok := parts[0] + "." + strings.Split(tp, ".")[1] + "." + parts[2]

	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	sig[0] ^= 1
	flipped := parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(sig)

	tests := []struct {
		name  string
		token string
		key   crypto.PublicKey
		msg   string
	}{
		{"fail/tampered-payload", tamperedTok, ed.Public(), "does not verify"},
		{"fail/flipped-signature-bit", flipped, ed.Public(), "does not verify"},
		{"fail/wrong-key", good, otherPub, "does not verify"},
		{"fail/ec-key-for-eddsa", good, ec.Public(), "does not fit alg EdDSA"},
		{"fail/eddsa-key-for-es256", goodEC, ed.Public(), "does not fit alg ES256"},
		{"fail/p384-key-for-es256", goodEC, p384.Public(), "does not fit alg ES256"},
		{"fail/secret-as-key", good, []byte("secret"), "does not fit"},
		{"fail/nil-key", good, nil, "does not fit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := jose.Parse(tt.token)
			if err != nil {
				t.Fatal(err)
			}
			wantKind(t, tok.Verify(tt.key), badged.Invalid, tt.msg)
		})
	}
}

func loadJWK(t testing.TB, path string) crypto.PublicKey {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var k gojose.JSONWebKey
	if err := k.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	return k.Key
}

// TestFixtures runs 1EdTech's validator fixtures. 1EdTech expects them all
// to be valid (simple-jwt_v1 with a warning about its VC 1.1 context, which
// is not this package's business).
func TestFixtures(t *testing.T) {
	tests := []struct {
		name    string
		token   string
		format  jose.Format
		vcClaim bool
		key     crypto.PublicKey // nil: use the header jwk, if any
		noKey   bool             // no key anywhere: parse and claims only
	}{
		// No kid, no jwk: the key is unknown. 1EdTech's validator only
		// extracts this one (PayloadParserTests.testJwtExtract).
		{name: "simple.jwt", token: readFixture(t, "simple.jwt"), format: jose.OBJWT, vcClaim: true, noKey: true},
		{name: "velocity.jwt", token: readFixture(t, "velocity.jwt"), format: jose.OBJWT, vcClaim: true,
			key: loadJWK(t, "testdata/velocity-key.jwk.json")},
		{name: "simple-jwt.svg", token: bakedToken(t, "simple-jwt.svg"), format: jose.OBJWT},
		{name: "simple-jwt.png", token: bakedToken(t, "simple-jwt.png"), format: jose.OBJWT},
		{name: "simple-jwt_v1.svg", token: bakedToken(t, "simple-jwt_v1.svg"), format: jose.OBJWT, vcClaim: true},
		{name: "simple-jwt_v1.png", token: bakedToken(t, "simple-jwt_v1.png"), format: jose.OBJWT, vcClaim: true},
	}
	for _, tt := range tests {
		t.Run("ok/"+tt.name, func(t *testing.T) {
			tok, err := jose.Parse(tt.token)
			if err != nil {
				t.Fatal(err)
			}
			if tok.Format != tt.format || tok.Header.Alg != jose.RS256 {
				t.Errorf("format %v alg %s", tok.Format, tok.Header.Alg)
			}
			if _, ok := tok.Claims["vc"]; ok != tt.vcClaim {
				t.Errorf("vc claim present = %v, want %v", ok, tt.vcClaim)
			}
			if tok.Credential["@context"] == nil || tok.Credential["credentialSubject"] == nil {
				t.Errorf("credential not extracted: %v", tok.Credential)
			}
			for _, c := range []string{"iss", "nbf", "jti", "iat"} {
				if _, ok := tok.Credential[c]; ok {
					t.Errorf("JWT claim %s left in the credential", c)
				}
			}
			if p := tok.CheckClaims(now); p != nil {
				t.Errorf("CheckClaims: %q", p)
			}
			key := tt.key
			if key == nil && !tt.noKey {
				if key, err = tok.EmbeddedKey(); err != nil {
					t.Fatal(err)
				}
			}
			if tt.noKey {
				_, err := tok.EmbeddedKey()
				wantKind(t, err, badged.NotFound, "no jwk")
				if len(tok.Warnings) != 1 || !strings.Contains(tok.Warnings[0], "names no key") {
					t.Errorf("warnings %q", tok.Warnings)
				}
				return
			}
			if err := tok.Verify(key); err != nil {
				t.Fatalf("Verify: %v", err)
			}
		})
	}
}

func TestCheckClaims(t *testing.T) {
	cred := func() map[string]any {
		return map[string]any{
			"@context":          []any{"https://www.w3.org/ns/credentials/v2"},
			"id":                "urn:uuid:1",
			"issuer":            map[string]any{"id": "did:web:a.example"},
			"validFrom":         "2025-01-01T00:00:00Z",
			"validUntil":        "2027-01-01T00:00:00.5Z",
			"credentialSubject": map[string]any{"id": "did:example:s"},
		}
	}
	claims := func() map[string]any {
		return map[string]any{
			"iss": "did:web:a.example", "jti": "urn:uuid:1", "sub": "did:example:s",
			"nbf": float64(1735689600), "exp": float64(1798761600),
		}
	}
	tests := []struct {
		name   string
		format jose.Format
		edit   func(c, cred map[string]any)
		at     time.Time
		want   []string // substrings, one per problem
	}{
		{name: "ok/all", edit: func(c, cred map[string]any) {}},
		{name: "ok/issuer-string", edit: func(c, cred map[string]any) { cred["issuer"] = "did:web:a.example" }},
		{name: "ok/no-sub-no-jti", edit: func(c, cred map[string]any) { delete(c, "sub"); delete(c, "jti") }},
		{name: "ok/subject-array", edit: func(c, cred map[string]any) {
			cred["credentialSubject"] = []any{map[string]any{"id": "did:example:t"}, map[string]any{"id": "did:example:s"}}
		}},
		{name: "ok/vc11-issuanceDate", edit: func(c, cred map[string]any) {
			cred["@context"] = []any{"https://www.w3.org/2018/credentials/v1"}
			cred["issuanceDate"] = "2025-01-01T00:00:00.900Z"
			cred["validFrom"] = "2022-12-31T00:00:00Z" // velocity.jwt has both
		}},
		{name: "ok/vcjose-no-claims", format: jose.VCJOSE, edit: func(c, cred map[string]any) { clear(c) }},
		{name: "ok/leeway", at: time.Unix(1735689600-30, 0), edit: func(c, cred map[string]any) {}},
		{name: "fail/iss", edit: func(c, cred map[string]any) { c["iss"] = "did:web:evil.example" }, want: []string{"iss"}},
		{name: "fail/iss-not-string", edit: func(c, cred map[string]any) { c["iss"] = 7.0 }, want: []string{"iss 7"}},
		{name: "fail/jti", edit: func(c, cred map[string]any) { c["jti"] = "urn:uuid:2" }, want: []string{"jti"}},
		{name: "fail/sub", edit: func(c, cred map[string]any) { c["sub"] = "did:example:other" }, want: []string{"sub"}},
		{name: "fail/sub-but-no-subject-id", edit: func(c, cred map[string]any) { cred["credentialSubject"] = map[string]any{} }, want: []string{"sub"}},
		{name: "fail/nbf", edit: func(c, cred map[string]any) { c["nbf"] = float64(1735689601) }, want: []string{"does not match validFrom"}},
		{name: "fail/exp", edit: func(c, cred map[string]any) { c["exp"] = float64(1798761601) }, want: []string{"does not match validUntil"}},
		{name: "fail/nbf-string", edit: func(c, cred map[string]any) { c["nbf"] = "1735689600" }, want: []string{"not a NumericDate"}},
		{name: "fail/missing-iss-nbf-exp", edit: func(c, cred map[string]any) { delete(c, "iss"); delete(c, "nbf"); delete(c, "exp") },
			want: []string{"iss claim is missing", "nbf claim is missing", "exp claim is missing"}},
		{name: "fail/not-yet-valid", at: time.Unix(1735689600-120, 0), edit: func(c, cred map[string]any) {}, want: []string{"not valid before"}},
		{name: "fail/expired", at: time.Unix(1798761600+120, 0), edit: func(c, cred map[string]any) {}, want: []string{"expired"}},
		{name: "fail/iat-future", edit: func(c, cred map[string]any) { c["iat"] = float64(now.Unix() + 3600) }, want: []string{"issued in the future"}},
		{name: "fail/vcjose-conflict", format: jose.VCJOSE, edit: func(c, cred map[string]any) { c["iss"] = "x" }, want: []string{"iss"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, cr := claims(), cred()
			tt.edit(c, cr)
			f := tt.format
			if f == 0 {
				f = jose.OBJWT
			}
			at := tt.at
			if at.IsZero() {
				at = now
			}
			tok := &jose.Token{Claims: c, Credential: cr, Format: f}
			got := tok.CheckClaims(at)
			if len(got) != len(tt.want) {
				t.Fatalf("problems %q, want %d like %q", got, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("problem %q does not contain %q", got[i], w)
				}
			}
		})
	}
}

func TestEmbeddedKeyMustBePublic(t *testing.T) {
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	// A private JWK in the header leaks the key; go-jose refuses it.
	priv, _ := json.Marshal(gojose.JSONWebKey{Key: ed})
	var jwk map[string]any
	json.Unmarshal(priv, &jwk)
	tok := signRaw(t, gojose.EdDSA, ed, obPayload(t), map[gojose.HeaderKey]any{"jwk": jwk})
	_, err := jose.Parse(tok)
	wantKind(t, err, badged.Invalid, "well-formed JWS")
}

func FuzzParse(f *testing.F) {
	f.Add(readFixture(f, "simple.jwt"))
	f.Add(readFixture(f, "velocity.jwt"))
	for _, name := range []string{"simple-jwt.svg", "simple-jwt.png", "simple-jwt_v1.svg"} {
		f.Add(bakedToken(f, name))
	}
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	_, seedKey, _ := ed25519.GenerateKey(rand.Reader)
	cred := loadCredential(f)
	for _, fm := range []jose.Format{jose.OBJWT, jose.VCJOSE} {
		tok, err := jose.Sign(cred, seedKey, kid, fm)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(tok)
	}
	f.Add("a.b.c")
	f.Add("a.b.c.d.e")
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := jose.Parse(s)
		if err != nil {
			var e *badged.Error
			if !errors.As(err, &e) || e.Message == "" {
				t.Fatalf("error %v is not a *badged.Error with a message", err)
			}
			return
		}
		if tok.Credential == nil || tok.Claims == nil {
			t.Fatal("parsed token without claims or credential")
		}
		if tok.Format != jose.OBJWT && tok.Format != jose.VCJOSE {
			t.Fatalf("format %v", tok.Format)
		}
		switch tok.Header.Alg {
		case jose.EdDSA, jose.ES256, jose.RS256:
		default:
			t.Fatalf("alg %q accepted", tok.Header.Alg)
		}
		// Nothing fuzzed may verify under a key nobody has seen, and
		// nothing may panic on the way.
		if tok.Verify(ed.Public()) == nil {
			t.Fatal("fuzzed token verified under the test key")
		}
		if k, err := tok.EmbeddedKey(); err == nil {
			_ = tok.Verify(k)
		}
		_ = tok.CheckClaims(now)
	})
}

// benchCredential is the realistic ~3 KB Open Badges credential that every
// sign/verify benchmark of badged uses (and interop/bench.mjs too).
func benchCredential(b *testing.B) map[string]any {
	b.Helper()
	raw, err := os.ReadFile("../../testdata/credential-3kb.json")
	if err != nil {
		b.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(raw, &c); err != nil {
		b.Fatal(err)
	}
	return c
}

func BenchmarkSign(b *testing.B) {
	cred := benchCredential(b)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := jose.Sign(cred, ed, kid, jose.OBJWT); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	cred := benchCredential(b)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	tok, _ := jose.Sign(cred, ed, kid, jose.OBJWT)
	b.SetBytes(int64(len(tok)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := jose.Parse(tok); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify parses and verifies the compact token, as a verifier
// given the string must (and as interop/bench.mjs's jwt_verify does).
func BenchmarkVerify(b *testing.B) {
	cred := benchCredential(b)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	s, err := jose.Sign(cred, ed, kid, jose.OBJWT)
	if err != nil {
		b.Fatal(err)
	}
	pub := ed.Public()
	b.ReportAllocs()
	for b.Loop() {
		tok, err := jose.Parse(s)
		if err != nil {
			b.Fatal(err)
		}
		if err := tok.Verify(pub); err != nil {
			b.Fatal(err)
		}
	}
}

func TestEmbeddedKeyEd25519(t *testing.T) {
	pub, ed, _ := ed25519.GenerateKey(rand.Reader)
	j, _ := json.Marshal(gojose.JSONWebKey{Key: pub})
	var jwk map[string]any
	json.Unmarshal(j, &jwk)
	tok, err := jose.Parse(signRaw(t, gojose.EdDSA, ed, obPayload(t), map[gojose.HeaderKey]any{"jwk": jwk}))
	if err != nil {
		t.Fatal(err)
	}
	k, err := tok.EmbeddedKey()
	if err != nil {
		t.Fatal(err)
	}
	if err := tok.Verify(k); err != nil {
		t.Fatal(err)
	}
	k.(ed25519.PublicKey)[0] ^= 1 // the caller's copy, not the token's
	if k2, _ := tok.EmbeddedKey(); !pub.Equal(k2) {
		t.Error("EmbeddedKey shares memory with the token")
	}
}
