package verifier_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/multiformats/go-multibase"

	"github.com/badged/badged/bake"
	"github.com/badged/badged/contexts"
	"github.com/badged/badged/credential/dataintegrity"
	"github.com/badged/badged/credential/jose"
	"github.com/badged/badged/did"
	"github.com/badged/badged/egress"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/statuslist"
	"github.com/badged/badged/verifier"
)

// The negative tests verify testdata/credential-3kb.json, valid from
// 2026-06-30 to 2031-06-30, at negClock.
var negClock = func() time.Time { return time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC) }

const (
	scienceDID = "did:web:badges.example.edu:issuers:science"  // the credential's issuer
	authOnlyID = "did:web:badges.example.edu:issuers:authonly" // lists its key only under authentication
	statusURL  = "https://badges.example.edu/status/1"         // the credential's list: nothing set
)

// seededKey returns a deterministic Ed25519 key: tests and fuzz seeds are
// reproducible.
func seededKey(b byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{b}, ed25519.SeedSize))
}

// signer is a key and the verification method that names it.
type signer struct {
	key ed25519.PrivateKey
	vm  did.VerificationMethod
}

func webSigner(t testing.TB, id string, seed byte) signer {
	t.Helper()
	k := seededKey(seed)
	vm, err := did.NewMultikeyMethod(id, k.Public())
	if err != nil {
		t.Fatal(err)
	}
	return signer{k, vm}
}

func keySigner(t testing.TB, seed byte) signer {
	t.Helper()
	k := seededKey(seed)
	id, err := did.KeyDID(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	return webSigner(t, id, seed)
}

// did returns the signer's controller.
func (s signer) did() string { return s.vm.Controller }

// negEnv is the world the negative tests verify in: the science issuer's
// did:web document, one that lists its key for authentication only, and
// status lists, all served by a loopback server.
type negEnv struct {
	ld       *jsonld.Processor
	suite    *dataintegrity.Suite
	science  signer // the issuer
	authOnly signer // a did:web key not listed under assertionMethod
	other    signer // a did:key nobody vouches for
	holder   signer // a wallet's did:key
	base     map[string]any
	v        *verifier.Verifier
	remote   *remote
}

func newNegEnv(t *testing.T) *negEnv {
	t.Helper()
	ld := jsonld.New(contexts.NewLoader())
	e := &negEnv{
		ld:       ld,
		suite:    dataintegrity.New(ld),
		science:  webSigner(t, scienceDID, 1),
		authOnly: webSigner(t, authOnlyID, 2),
		other:    keySigner(t, 3),
		holder:   keySigner(t, 4),
		remote:   newRemote(t),
	}
	if err := json.Unmarshal(readFile(t, "../testdata/credential-3kb.json"), &e.base); err != nil {
		t.Fatal(err)
	}

	doc, err := did.WebDocument(scienceDID, e.science.vm)
	if err != nil {
		t.Fatal(err)
	}
	e.serveJSON(t, webURL(t, scienceDID), doc)
	e.serveJSON(t, webURL(t, authOnlyID), &did.Document{
		Context:            []any{did.ContextDIDv1, did.ContextMultikey},
		ID:                 authOnlyID,
		VerificationMethod: []did.VerificationMethod{e.authOnly.vm},
		Authentication:     []did.MethodRef{{ID: e.authOnly.vm.ID}},
	})

	// The lists: 1 has nothing set; 2 has the credential's entry set; 3 is
	// issued and signed by another; 4 names the issuer but is signed by a
	// key the issuer does not control.
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	list := func(url string, revoked bool, issuer string, s signer) {
		l := statuslist.New(statuslist.MinSize)
		if revoked {
			if err := l.Set(94567, true); err != nil {
				t.Fatal(err)
			}
		}
		lc := statuslist.ListCredential(url, issuer, statuslist.PurposeRevocation, l, from)
		e.serveJSON(t, url, e.signDI(t, lc, s, dataintegrity.RDFC))
	}
	list(statusURL, false, scienceDID, e.science)
	list("https://badges.example.edu/status/2", true, scienceDID, e.science)
	list("https://badges.example.edu/status/3", false, e.other.did(), e.other)
	list("https://badges.example.edu/status/4", false, scienceDID, e.other)

	e.v = verifier.New(ld, did.NewResolver(e.remote.client()),
		verifier.WithStatus(verifier.HTTPFetcher{Client: e.remote.client()}), verifier.WithClock(negClock))
	return e
}

func webURL(t testing.TB, id string) string {
	t.Helper()
	u, err := did.WebURL(id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (e *negEnv) serveJSON(t testing.TB, url string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	e.remote.docs[url] = b
}

// cred returns a deep copy of the test credential, changed by each edit.
func (e *negEnv) cred(t testing.TB, edits ...func(map[string]any)) map[string]any {
	t.Helper()
	c := clone(t, e.base)
	for _, edit := range edits {
		edit(c)
	}
	return c
}

func clone(t testing.TB, m map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func marshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Edits of the test credential.
func set(key string, v any) func(map[string]any) { return func(c map[string]any) { c[key] = v } }
func del(key string) func(map[string]any)        { return func(c map[string]any) { delete(c, key) } }
func issuedBy(id string) func(map[string]any) {
	return func(c map[string]any) { c["issuer"].(map[string]any)["id"] = id }
}
func listAt(url string) func(map[string]any) {
	return func(c map[string]any) {
		st := c["credentialStatus"].(map[string]any)
		st["statusListCredential"] = url
		st["id"] = url + "#94567"
	}
}

// grade changes the result's value: the tampering a forger would want.
func grade(c map[string]any) {
	c["credentialSubject"].(map[string]any)["result"].([]any)[0].(map[string]any)["value"] = "10.0"
}

func (e *negEnv) signDI(t testing.TB, c map[string]any, s signer, suite string) map[string]any {
	t.Helper()
	return signDI(t, e.suite, c, s, suite)
}

func signDI(t testing.TB, ds *dataintegrity.Suite, c map[string]any, s signer, suite string) map[string]any {
	t.Helper()
	signed, err := ds.Sign(c, s.key, dataintegrity.Options{
		Cryptosuite: suite, VerificationMethod: s.vm.ID, Created: time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

// signWith signs c as s with eddsa-rdfc-2022 unless o says otherwise,
// created when signDI does unless o says otherwise.
func signWith(t testing.TB, ds *dataintegrity.Suite, c map[string]any, s signer, o dataintegrity.Options) map[string]any {
	t.Helper()
	o.VerificationMethod = s.vm.ID
	if o.Created.IsZero() {
		o.Created = time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC)
	}
	signed, err := ds.Sign(c, s.key, o)
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

// relabel gives the proof of signed another cryptosuite name, keeping its
// signature.
func relabel(t testing.TB, signed map[string]any, suite string) map[string]any {
	t.Helper()
	c := clone(t, signed)
	p := proofOf(c)
	p["cryptosuite"] = suite
	delete(p, "@context")
	return c
}

// chain signs c as s with a proof (id urn:uuid:first) and a second one
// that follows it (previousProof urn:uuid:first).
func chain(t testing.TB, ds *dataintegrity.Suite, c map[string]any, s signer, suite string) map[string]any {
	t.Helper()
	first := signWith(t, ds, c, s, dataintegrity.Options{Cryptosuite: suite, ID: "urn:uuid:first"})
	return signWith(t, ds, first, s, dataintegrity.Options{Cryptosuite: suite, PreviousProof: []string{"urn:uuid:first"},
		Created: time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)})
}

func signJWT(t testing.TB, c map[string]any, key ed25519.PrivateKey, kid string, f jose.Format) string {
	t.Helper()
	tok, err := jose.Sign(c, key, kid, f)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// proof returns the first proof of a signed credential, to edit.
func proofOf(c map[string]any) map[string]any {
	switch p := c["proof"].(type) {
	case []any:
		return p[0].(map[string]any)
	case map[string]any:
		return p
	}
	return nil
}

// reencode replaces one part of a compact JWS with the base64url of the
// JSON edit makes of it.
func reencode(t testing.TB, token string, part int, edit func(map[string]any)) string {
	t.Helper()
	parts := strings.Split(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(parts[part])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	parts[part] = base64.RawURLEncoding.EncodeToString(marshal(t, m))
	return strings.Join(parts, ".")
}

// minimalPNG returns a valid 1×1 PNG.
func minimalPNG(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const minimalSVG = `<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>`

func bakePNG(t testing.TB, payload []byte) []byte {
	t.Helper()
	b, err := bake.PNG(minimalPNG(t), payload)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func bakeSVG(t testing.TB, payload []byte) []byte {
	t.Helper()
	b, err := bake.SVG([]byte(minimalSVG), payload)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rawITXt bakes text into a PNG as bake.PNG would, without bake's checks
// that it is a credential: what another tool might write.
func rawITXt(t testing.TB, text string) []byte {
	t.Helper()
	img := minimalPNG(t)
	data := append([]byte("openbadgecredential\x00\x00\x00\x00\x00"), text...)
	var chunk bytes.Buffer
	binary.Write(&chunk, binary.BigEndian, uint32(len(data)))
	chunk.WriteString("iTXt")
	chunk.Write(data)
	binary.Write(&chunk, binary.BigEndian, crc32.ChecksumIEEE(chunk.Bytes()[4:]))
	iend := len(img) - 12
	return append(append(bytes.Clone(img[:iend]), chunk.Bytes()...), img[iend:]...)
}

// nested returns a JSON object whose member "a" nests n arrays deep.
func nested(n int) []byte {
	return []byte(`{"a":` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}`)
}

// TestNegative verifies the test credential secured every way badged
// supports, then broken every way a forger, a bug or a hostile upload
// could break it. Each broken input must fail on a specific check (and
// only on the checks the case allows), with a message people can read.
func TestNegative(t *testing.T) {
	e := newNegEnv(t)
	sci, other := e.science, e.other

	rdfc := e.signDI(t, e.cred(t), sci, dataintegrity.RDFC)
	jcs := e.signDI(t, e.cred(t), sci, dataintegrity.JCS)
	objwt := signJWT(t, e.cred(t), sci.key, sci.vm.ID, jose.OBJWT)
	vcjose := signJWT(t, e.cred(t), sci.key, sci.vm.ID, jose.VCJOSE)

	tamper := func(signed map[string]any, edits ...func(map[string]any)) []byte {
		c := clone(t, signed)
		for _, edit := range edits {
			edit(c)
		}
		return marshal(t, c)
	}
	editProof := func(key string, v any) func(map[string]any) {
		return func(c map[string]any) { proofOf(c)[key] = v }
	}
	ascii := func(s string) []byte { return []byte(s) }

	// A header with alg none over the genuine payload, with and without
	// the original signature.
	algNone := reencode(t, objwt, 0, func(h map[string]any) { h["alg"] = "none" })
	algNoneEmpty := algNone[:strings.LastIndex(algNone, ".")+1]

	tests := []struct {
		name  string
		input []byte
		fail  string   // the check that must fail; "" for a credential that verifies
		also  []string // other checks allowed to fail with it
		// unchecked is the check that could not be checked, when no check
		// fails: the credential is indeterminate, never invalid.
		unchecked string
		status    string // Result.Status wanted: only a set bit revokes
		reason    string // the Reason the failed check must give, when set
	}{
		{name: "ok/eddsa-rdfc-2022", input: marshal(t, rdfc)},
		{name: "ok/eddsa-jcs-2022", input: marshal(t, jcs)},
		{name: "ok/vc-jwt", input: ascii(objwt)},
		{name: "ok/vc-jose", input: ascii(vcjose)},
		{name: "ok/png with rdfc", input: bakePNG(t, marshal(t, rdfc))},
		{name: "ok/png with jwt", input: bakePNG(t, ascii(objwt))},
		{name: "ok/svg with jcs", input: bakeSVG(t, marshal(t, jcs))},
		{name: "ok/svg with jwt", input: bakeSVG(t, ascii(vcjose))},

		// The signature.
		{name: "fail/rdfc changed field", input: tamper(rdfc, grade), fail: verifier.CheckProof},
		{name: "fail/jcs changed field", input: tamper(jcs, grade), fail: verifier.CheckProof},
		{name: "fail/rdfc changed issuer name", input: tamper(rdfc, func(c map[string]any) {
			c["issuer"].(map[string]any)["name"] = "Faculty of Forgery"
		}), fail: verifier.CheckProof},
		{name: "fail/rdfc changed proof created", input: tamper(rdfc, editProof("created", "2026-07-01T00:00:00Z")), fail: verifier.CheckProof},
		{name: "fail/vc-jwt changed field", input: ascii(reencode(t, objwt, 1, grade)), fail: verifier.CheckProof},
		{name: "fail/vc-jose changed field", input: ascii(reencode(t, vcjose, 1, grade)), fail: verifier.CheckProof},
		{name: "fail/rdfc signed by a wrong key", input: marshal(t, e.signDI(t, e.cred(t), signer{other.key, sci.vm}, dataintegrity.RDFC)), fail: verifier.CheckProof},
		{name: "fail/jcs signed by a wrong key", input: marshal(t, e.signDI(t, e.cred(t), signer{other.key, sci.vm}, dataintegrity.JCS)), fail: verifier.CheckProof},
		{name: "fail/vc-jwt signed by a wrong key", input: ascii(signJWT(t, e.cred(t), other.key, sci.vm.ID, jose.OBJWT)), fail: verifier.CheckProof},
		{name: "fail/unknown cryptosuite", input: tamper(rdfc, editProof("cryptosuite", "eddsa-rdfc-2099")), fail: verifier.CheckProof, reason: verifier.ReasonCryptosuite},
		{name: "fail/proofValue not base58btc", input: tamper(rdfc, editProof("proofValue", "z0OIl+/not-base58")), fail: verifier.CheckProof, reason: verifier.ReasonProofValue},
		{name: "fail/proofValue without multibase prefix", input: tamper(rdfc, func(c map[string]any) {
			p := proofOf(c)
			p["proofValue"] = strings.TrimPrefix(p["proofValue"].(string), "z")
		}), fail: verifier.CheckProof, reason: verifier.ReasonProofValue},
		{name: "fail/proofValue truncated", input: tamper(rdfc, func(c map[string]any) {
			p := proofOf(c)
			p["proofValue"] = p["proofValue"].(string)[:40]
		}), fail: verifier.CheckProof, reason: verifier.ReasonProofValue},
		{name: "fail/proofValue empty", input: tamper(rdfc, editProof("proofValue", "")), fail: verifier.CheckProof, reason: verifier.ReasonProofValue},
		{name: "fail/no proof", input: tamper(rdfc, del("proof")), fail: verifier.CheckProof},

		// The proof checks of the W3C vc-di-eddsa test suite
		// (tests/vc-generator/generators.js, deprecated/20-rdfc-verify.js)
		// and the VC-API verifier suite (tests/10-vc-di.js), each refused
		// with the reason that names what is wrong.
		{name: "fail/no proof type", input: tamper(rdfc, func(c map[string]any) { delete(proofOf(c), "type") }), fail: verifier.CheckProof, reason: verifier.ReasonProofType,
			also: []string{verifier.CheckSchema, verifier.CheckJSONLD}}, // without its type, no context defines the proof's terms
		{name: "fail/unknown proof type", input: tamper(rdfc, editProof("type", "UnknownProofType")), fail: verifier.CheckProof, reason: verifier.ReasonProofType,
			also: []string{verifier.CheckJSONLD}},
		{name: "fail/no cryptosuite", input: tamper(rdfc, func(c map[string]any) { delete(proofOf(c), "cryptosuite") }), fail: verifier.CheckProof, reason: verifier.ReasonCryptosuite},
		{name: "fail/invalid cryptosuite", input: tamper(jcs, editProof("cryptosuite", "unknown-cryptosuite-2017")), fail: verifier.CheckProof, reason: verifier.ReasonCryptosuite},
		{name: "fail/no verificationMethod", input: tamper(rdfc, func(c map[string]any) { delete(proofOf(c), "verificationMethod") }), fail: verifier.CheckProof, reason: verifier.ReasonVerificationMethod},
		{name: "fail/invalid verificationMethod", input: tamper(rdfc, editProof("verificationMethod", "did:key:@invalidVm@")), fail: verifier.CheckProof, reason: verifier.ReasonVerificationMethod},
		{name: "fail/verificationMethod not in the issuer's document", input: tamper(rdfc, editProof("verificationMethod", scienceDID+"#no-such-key")), fail: verifier.CheckProof, reason: verifier.ReasonVerificationMethod},
		{name: "fail/no proofPurpose", input: tamper(rdfc, func(c map[string]any) { delete(proofOf(c), "proofPurpose") }), fail: verifier.CheckProof, reason: verifier.ReasonProofPurpose},
		{name: "fail/invalid proofPurpose", input: tamper(rdfc, editProof("proofPurpose", "invalidPurpose")), fail: verifier.CheckProof, reason: verifier.ReasonProofPurpose},
		{name: "fail/authentication proofPurpose, signed", input: marshal(t, signWith(t, e.suite, e.cred(t), sci, dataintegrity.Options{ProofPurpose: dataintegrity.Authentication})), fail: verifier.CheckProof, reason: verifier.ReasonProofPurpose},
		{name: "fail/no proofValue", input: tamper(rdfc, func(c map[string]any) { delete(proofOf(c), "proofValue") }), fail: verifier.CheckProof, reason: verifier.ReasonProofValue},
		{name: "fail/proofValue of 96 bytes", input: tamper(rdfc, func(c map[string]any) {
			p := proofOf(c)
			_, sig, err := multibase.Decode(p["proofValue"].(string))
			if err != nil {
				t.Fatal(err)
			}
			p["proofValue"], _ = multibase.Encode(multibase.Base58BTC, append(sig, bytes.Repeat([]byte{7}, 32)...))
		}), fail: verifier.CheckProof, reason: verifier.ReasonProofValue},
		{name: "fail/invalid created", input: tamper(rdfc, editProof("created", "invalidDate")), fail: verifier.CheckProof, reason: verifier.ReasonCreated},
		{name: "fail/no created, removed after signing", input: tamper(rdfc, func(c map[string]any) { delete(proofOf(c), "created") }), fail: verifier.CheckProof, reason: verifier.ReasonSignature},
		{name: "fail/created in the future, signed", input: marshal(t, signWith(t, e.suite, e.cred(t), sci, dataintegrity.Options{Created: negClock().Add(time.Hour)})), fail: verifier.CheckProof, reason: verifier.ReasonCreated},
		{name: "ok/created a minute ahead of the clock, signed", input: marshal(t, signWith(t, e.suite, e.cred(t), sci, dataintegrity.Options{Created: negClock().Add(time.Minute)}))},
		{name: "fail/proof expired, signed", input: marshal(t, signWith(t, e.suite, e.cred(t), sci, dataintegrity.Options{Expires: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)})), fail: verifier.CheckProof, reason: verifier.ReasonExpires},
		{name: "fail/rdfc proof signed over the JCS form", input: marshal(t, relabel(t, signWith(t, e.suite, e.cred(t), sci, dataintegrity.Options{Cryptosuite: dataintegrity.JCS}), dataintegrity.RDFC)), fail: verifier.CheckProof, reason: verifier.ReasonSignature},
		{name: "fail/signature by the right key over another credential", input: tamper(rdfc, editProof("proofValue", proofOf(e.signDI(t, e.cred(t, set("name", "Another badge")), sci, dataintegrity.RDFC))["proofValue"])), fail: verifier.CheckProof, reason: verifier.ReasonSignature},
		{name: "fail/undefined term in the proof", input: tamper(rdfc, editProof("favouriteColour", "blue")), fail: verifier.CheckJSONLD, also: []string{verifier.CheckProof}},
		{name: "fail/undefined term in a jcs proof", input: tamper(jcs, editProof("favouriteColour", "blue")), fail: verifier.CheckJSONLD, also: []string{verifier.CheckProof}},

		// Proof chains (Data Integrity 2.1.2): each proof is checked
		// against the credential with the proofs it names in previousProof.
		{name: "ok/chain of two proofs", input: marshal(t, chain(t, e.suite, e.cred(t), sci, dataintegrity.RDFC))},
		{name: "ok/jcs chain of two proofs", input: marshal(t, chain(t, e.suite, e.cred(t), sci, dataintegrity.JCS))},
		{name: "fail/chain with its first link missing", input: tamper(chain(t, e.suite, e.cred(t), sci, dataintegrity.RDFC), func(c map[string]any) {
			c["proof"] = c["proof"].([]any)[1:]
		}), fail: verifier.CheckProof, reason: verifier.ReasonPreviousProof},
		{name: "fail/chain whose first link was changed", input: tamper(chain(t, e.suite, e.cred(t), sci, dataintegrity.RDFC), func(c map[string]any) {
			c["proof"].([]any)[0].(map[string]any)["created"] = "2026-07-01T00:00:00Z"
		}), fail: verifier.CheckProof, reason: verifier.ReasonSignature},
		{name: "fail/chain relinked to a proof it did not follow", input: tamper(chain(t, e.suite, e.cred(t), sci, dataintegrity.RDFC), func(c map[string]any) {
			ps := c["proof"].([]any)
			extra := proofOf(signWith(t, e.suite, e.cred(t), sci, dataintegrity.Options{ID: "urn:uuid:other"}))
			ps[1].(map[string]any)["previousProof"] = "urn:uuid:other"
			c["proof"] = append(ps, extra)
		}), fail: verifier.CheckProof, reason: verifier.ReasonPreviousProof},
		{name: "fail/chain link not an id", input: tamper(chain(t, e.suite, e.cred(t), sci, dataintegrity.RDFC), func(c map[string]any) {
			c["proof"].([]any)[1].(map[string]any)["previousProof"] = map[string]any{"id": "urn:uuid:first"}
		}), fail: verifier.CheckProof, reason: verifier.ReasonPreviousProof},
		{name: "fail/png baking a changed credential", input: bakePNG(t, tamper(rdfc, grade)), fail: verifier.CheckProof},
		{name: "fail/svg baking a changed jwt", input: bakeSVG(t, ascii(reencode(t, objwt, 1, grade))), fail: verifier.CheckProof},

		// Who signed.
		{name: "fail/did:web issuer, signed by a did:key", input: marshal(t, e.signDI(t, e.cred(t), other, dataintegrity.RDFC)), fail: verifier.CheckSigner},
		{name: "fail/did:web issuer, jwt signed by a did:key", input: ascii(signJWT(t, e.cred(t), other.key, other.vm.ID, jose.OBJWT)), fail: verifier.CheckSigner},
		// A proof by another party beside the issuer's (a countersignature,
		// in a set or a chain: Data Integrity 2.1.1 and 2.1.2) is no
		// forgery; without the issuer's own proof it is one.
		{name: "ok/set of the issuer's proof and another party's", input: marshal(t, signDI(t, e.suite, e.signDI(t, e.cred(t), other, dataintegrity.RDFC), sci, dataintegrity.RDFC))},
		{name: "ok/chain: the issuer's proof following another party's", input: marshal(t, signWith(t, e.suite,
			signWith(t, e.suite, e.cred(t), other, dataintegrity.Options{ID: "urn:uuid:first"}), sci,
			dataintegrity.Options{PreviousProof: []string{"urn:uuid:first"}}))},
		{name: "fail/set of two proofs by another party", input: marshal(t, signDI(t, e.suite, e.signDI(t, e.cred(t), other, dataintegrity.RDFC), other, dataintegrity.RDFC)), fail: verifier.CheckSigner},
		{name: "fail/set of the issuer's proof and another party's, the issuer's altered", input: tamper(signDI(t, e.suite, e.signDI(t, e.cred(t), other, dataintegrity.RDFC), sci, dataintegrity.RDFC), func(c map[string]any) {
			c["proof"].([]any)[1].(map[string]any)["created"] = "2026-07-01T00:00:00Z"
		}), fail: verifier.CheckProof, reason: verifier.ReasonSignature, also: []string{verifier.CheckSigner}},
		// An EnvelopedVerifiableCredential (VC 2.0 4.13.1) is its JWT.
		{name: "ok/enveloped vc+jwt", input: marshal(t, map[string]any{"@context": []any{"https://www.w3.org/ns/credentials/v2"}, "type": "EnvelopedVerifiableCredential", "id": "data:application/vc+jwt," + vcjose})},
		{name: "fail/enveloped, no @context", input: marshal(t, map[string]any{"type": "EnvelopedVerifiableCredential", "id": "data:application/vc+jwt," + vcjose}), fail: verifier.CheckContext},
		{name: "fail/enveloped, id not a data: URL", input: marshal(t, map[string]any{"@context": "https://www.w3.org/ns/credentials/v2", "type": "EnvelopedVerifiableCredential", "id": "https://example.org/c/1"}), fail: verifier.CheckFormat},
		{name: "fail/enveloped jwt altered", input: marshal(t, map[string]any{"@context": "https://www.w3.org/ns/credentials/v2", "type": "EnvelopedVerifiableCredential", "id": "data:application/vc+jwt," + reencode(t, vcjose, 1, grade)}), fail: verifier.CheckProof},
		{name: "fail/key not under assertionMethod", input: marshal(t, e.signDI(t, e.cred(t, issuedBy(authOnlyID), del("credentialStatus")), e.authOnly, dataintegrity.RDFC)), fail: verifier.CheckSigner, reason: verifier.ReasonProofPurpose},

		// JSON-LD: nothing may escape the signature. Signed as JWTs, which
		// do not canonicalize, the proof is valid and only jsonld fails; a
		// term added to a Data Integrity credential also breaks its proof.
		{name: "fail/undefined term", input: ascii(signJWT(t, e.cred(t, set("favouriteColour", "blue")), sci.key, sci.vm.ID, jose.VCJOSE)), fail: verifier.CheckJSONLD},
		{name: "fail/undefined term added to rdfc", input: tamper(rdfc, set("favouriteColour", "blue")), fail: verifier.CheckJSONLD, also: []string{verifier.CheckProof}},
		{name: "fail/undefined term added to jcs", input: tamper(jcs, set("favouriteColour", "blue")), fail: verifier.CheckJSONLD, also: []string{verifier.CheckProof}},
		{name: "fail/relative IRI id", input: ascii(signJWT(t, e.cred(t, set("id", "credentials/42")), sci.key, sci.vm.ID, jose.VCJOSE)), fail: verifier.CheckJSONLD, also: []string{verifier.CheckSchema}},
		{name: "fail/relative IRI id added to rdfc", input: tamper(rdfc, set("id", "credentials/42")), fail: verifier.CheckJSONLD, also: []string{verifier.CheckProof, verifier.CheckSchema}},

		// Validity.
		{name: "fail/expired", input: marshal(t, e.signDI(t, e.cred(t, set("validUntil", "2026-12-31T23:59:59Z")), sci, dataintegrity.RDFC)), fail: verifier.CheckValidity},
		{name: "fail/not yet valid", input: marshal(t, e.signDI(t, e.cred(t, set("validFrom", "2027-02-01T00:00:00Z"), set("awardedDate", "2027-02-01T00:00:00Z")), sci, dataintegrity.RDFC)), fail: verifier.CheckValidity},
		// A JWT carries its dates twice (validUntil and exp, validFrom and
		// nbf): an expired token is genuine, so only validity fails.
		{name: "fail/expired jwt", input: ascii(signJWT(t, e.cred(t, set("validUntil", "2026-12-31T23:59:59Z")), sci.key, sci.vm.ID, jose.OBJWT)), fail: verifier.CheckValidity},
		{name: "fail/not yet valid jwt", input: ascii(signJWT(t, e.cred(t, set("validFrom", "2027-02-01T00:00:00Z"), set("awardedDate", "2027-02-01T00:00:00Z")), sci.key, sci.vm.ID, jose.OBJWT)), fail: verifier.CheckValidity},

		// Status.
		{name: "fail/revoked", input: marshal(t, e.signDI(t, e.cred(t, listAt("https://badges.example.edu/status/2")), sci, dataintegrity.RDFC)), fail: verifier.CheckStatus, status: verifier.StatusRevoked},
		// A list that cannot be trusted or had leaves the status unknown:
		// the credential could not be fully checked, it is not revoked.
		{name: "unchecked/status list issued by another", input: marshal(t, e.signDI(t, e.cred(t, listAt("https://badges.example.edu/status/3")), sci, dataintegrity.RDFC)), unchecked: verifier.CheckStatus},
		{name: "unchecked/status list signed by a key the issuer does not control", input: marshal(t, e.signDI(t, e.cred(t, listAt("https://badges.example.edu/status/4")), sci, dataintegrity.RDFC)), unchecked: verifier.CheckStatus},
		{name: "unchecked/status list not found", input: marshal(t, e.signDI(t, e.cred(t, listAt("https://badges.example.edu/status/404")), sci, dataintegrity.RDFC)), unchecked: verifier.CheckStatus},

		// JWT envelopes.
		{name: "fail/jwt truncated signature", input: ascii(objwt[:len(objwt)-8]), fail: verifier.CheckProof},
		{name: "fail/jwt truncated in the payload", input: ascii(objwt[:strings.LastIndex(objwt, ".")-21] + objwt[strings.LastIndex(objwt, "."):]), fail: verifier.CheckFormat},
		{name: "fail/jwt payload nested 5000 deep", input: ascii(signJWT(t, e.cred(t, set("name", json.RawMessage(nested(5000)))), sci.key, sci.vm.ID, jose.VCJOSE)), fail: verifier.CheckFormat},
		{name: "fail/jwt alg none", input: ascii(algNone), fail: verifier.CheckFormat},
		{name: "fail/jwt alg none without signature", input: ascii(algNoneEmpty), fail: verifier.CheckFormat},
		{name: "fail/jwt alg HS256", input: ascii(reencode(t, objwt, 0, func(h map[string]any) { h["alg"] = "HS256" })), fail: verifier.CheckFormat},
		{name: "fail/jwt with 2 parts", input: ascii(objwt[:strings.LastIndex(objwt, ".")]), fail: verifier.CheckFormat},
		{name: "fail/jwt with 4 parts", input: ascii(objwt + ".AAAA"), fail: verifier.CheckFormat},
		{name: "fail/jwt with an unknown kid", input: ascii(reencode(t, objwt, 0, func(h map[string]any) { h["kid"] = scienceDID + "#nokey" })), fail: verifier.CheckProof},

		// Input that is not a credential at all.
		{name: "fail/oversized", input: append(marshal(t, rdfc), bytes.Repeat([]byte(" "), verifier.DefaultMaxInput)...), fail: verifier.CheckFormat},
		{name: "fail/nested 10000 deep", input: nested(10000), fail: verifier.CheckFormat},
		{name: "fail/nested 65 deep", input: nested(verifier.DefaultMaxDepth + 1), fail: verifier.CheckFormat},
		{name: "fail/invalid UTF-8", input: []byte("{\"name\": \"caf\xe9\"}"), fail: verifier.CheckFormat},
		{name: "fail/invalid UTF-8 in a signed credential", input: bytes.Replace(marshal(t, rdfc), []byte("Data Science"), []byte("Data \xffcience"), 1), fail: verifier.CheckFormat},
		{name: "fail/not JSON", input: []byte("this is not a credential"), fail: verifier.CheckFormat},
		{name: "fail/truncated JSON", input: marshal(t, rdfc)[:1000], fail: verifier.CheckFormat},
		{name: "fail/JSON array", input: []byte(`[{"type": "VerifiableCredential"}]`), fail: verifier.CheckFormat},
		{name: "fail/empty", input: nil, fail: verifier.CheckFormat},
		{name: "fail/white space", input: []byte(" \n\t "), fail: verifier.CheckFormat},
		{name: "fail/png without credential", input: minimalPNG(t), fail: verifier.CheckFormat},
		{name: "fail/svg without credential", input: []byte(minimalSVG), fail: verifier.CheckFormat},
		{name: "fail/png truncated", input: bakePNG(t, marshal(t, rdfc))[:200], fail: verifier.CheckFormat},
		{name: "fail/png baking text", input: rawITXt(t, "hello"), fail: verifier.CheckFormat},
		{name: "fail/png baking JSON nested 10000 deep", input: rawITXt(t, string(nested(10000))), fail: verifier.CheckFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.v.Verify(context.Background(), tt.input)
			t.Logf("%s", describe(res))
			if len(res.Checks) == 0 {
				t.Fatal("no checks reported")
			}
			if res.Status != tt.status {
				t.Errorf("status %q, want %q\n%s", res.Status, tt.status, describe(res))
			}
			if tt.unchecked != "" {
				if res.Verdict != verifier.Indeterminate || res.Verified || len(res.Failed()) > 0 {
					t.Fatalf("verdict %s, want indeterminate with no failed check\n%s", res.Verdict, describe(res))
				}
				if c, _ := res.Check(tt.unchecked); c.Verdict != verifier.Unchecked || !readable(c.Message) {
					t.Errorf("check %s: %s %q, want unchecked with a message for people\n%s", tt.unchecked, c.Verdict, c.Message, describe(res))
				}
				return
			}
			if tt.fail == "" {
				if !res.Verified || res.Verdict != verifier.Valid {
					t.Fatalf("not verified\n%s", describe(res))
				}
				for _, id := range []string{verifier.CheckProof, verifier.CheckSigner, verifier.CheckValidity, verifier.CheckStatus} {
					if c, _ := res.Check(id); c.Verdict != verifier.Pass {
						t.Errorf("check %s: %s, want pass\n%s", id, c.Verdict, describe(res))
					}
				}
				return
			}
			if res.Verified || res.Verdict != verifier.Invalid {
				t.Fatalf("verdict %s, want check %s to fail\n%s", res.Verdict, tt.fail, describe(res))
			}
			c, ok := res.Check(tt.fail)
			if !ok || c.Verdict != verifier.Fail {
				t.Fatalf("check %s did not fail\n%s", tt.fail, describe(res))
			}
			allowed := map[string]bool{tt.fail: true}
			for _, id := range tt.also {
				allowed[id] = true
			}
			for _, f := range res.Failed() {
				if !allowed[f.ID] {
					t.Errorf("check %s failed too, want only %s %v\n%s", f.ID, tt.fail, tt.also, describe(res))
				}
			}
			if !readable(c.Message) {
				t.Errorf("check %s: message %q is not fit for people", c.ID, c.Message)
			}
			if tt.reason != "" && c.Reason != tt.reason {
				t.Errorf("check %s: reason %q, want %q\n%s", c.ID, c.Reason, tt.reason, describe(res))
			}
		})
	}
}

// readable reports whether a message reads as a sentence for people: not
// empty, UTF-8, free of formatting and Go-value artifacts, not a wall.
func readable(msg string) bool {
	if len(msg) < 10 || len(msg) > 2000 || !utf8.ValidString(msg) {
		return false
	}
	for _, bad := range []string{"%!", "<nil>", "map[", "&{", "0x", "panic"} {
		if strings.Contains(msg, bad) {
			return false
		}
	}
	return true
}

// TestNegativePresentation verifies a presentation by a holder of the test
// credential: signed by the holder for the verifier's challenge and domain.
func TestNegativePresentation(t *testing.T) {
	e := newNegEnv(t)
	cred := e.signDI(t, e.cred(t), e.science, dataintegrity.RDFC)
	const challenge, domain = "c0ffee-8a1b", "verify.example.org"

	presentWith := func(t *testing.T, suite string, s signer, holder string, creds ...any) map[string]any {
		t.Helper()
		vp := map[string]any{
			"@context":             []any{"https://www.w3.org/ns/credentials/v2"},
			"type":                 []any{"VerifiablePresentation"},
			"holder":               holder,
			"verifiableCredential": creds,
		}
		signed, err := e.suite.Sign(vp, s.key, dataintegrity.Options{
			Cryptosuite: suite, VerificationMethod: s.vm.ID, ProofPurpose: dataintegrity.Authentication,
			Challenge: challenge, Domain: domain, Created: negClock(),
		})
		if err != nil {
			t.Fatal(err)
		}
		return clone(t, signed)
	}
	present := func(t *testing.T, s signer, holder string, creds ...any) map[string]any {
		t.Helper()
		return presentWith(t, dataintegrity.RDFC, s, holder, creds...)
	}
	ok := verifier.PresentationOptions{Challenge: challenge, Domain: domain}
	token := signJWT(t, e.cred(t), e.science.key, e.science.vm.ID, jose.OBJWT)
	enveloped := map[string]any{
		"@context": "https://www.w3.org/ns/credentials/v2",
		"id":       "data:application/vc+jwt," + token,
		"type":     "EnvelopedVerifiableCredential",
	}

	// A did:web holder whose document lists its key only under
	// assertionMethod: it may issue, not authenticate.
	const assertOnlyID = "did:web:badges.example.edu:holders:assertonly"
	assertOnly := webSigner(t, assertOnlyID, 5)
	e.serveJSON(t, webURL(t, assertOnlyID), &did.Document{
		Context:            []any{did.ContextDIDv1, did.ContextMultikey},
		ID:                 assertOnlyID,
		VerificationMethod: []did.VerificationMethod{assertOnly.vm},
		AssertionMethod:    []did.MethodRef{{ID: assertOnly.vm.ID}},
	})

	tests := []struct {
		name string
		vp   map[string]any
		opts verifier.PresentationOptions
		fail bool
		// reason is the Reason the holder check must give, when set.
		reason string
	}{
		{name: "ok/holder's proof", vp: present(t, e.holder, e.holder.did(), cred), opts: ok},
		{name: "ok/holder's proof, enveloped jwt credential", vp: present(t, e.holder, e.holder.did(), enveloped), opts: ok},
		{name: "ok/holder's proof, jwt credential and another", vp: present(t, e.holder, e.holder.did(), enveloped, cred), opts: ok},
		{name: "ok/holder's proof, jwt credential as a string, eddsa-jcs-2022", vp: presentWith(t, dataintegrity.JCS, e.holder, e.holder.did(), token), opts: ok},
		{name: "ok/holder's proof, no credentials", vp: present(t, e.holder, e.holder.did()), opts: ok},
		{name: "ok/holder's proof, several credentials", vp: present(t, e.holder, e.holder.did(), cred, clone(t, cred), e.signDI(t, e.cred(t), e.science, dataintegrity.JCS)), opts: ok},
		{name: "ok/no holder", vp: func() map[string]any {
			vp := map[string]any{
				"@context":             []any{"https://www.w3.org/ns/credentials/v2"},
				"type":                 []any{"VerifiablePresentation"},
				"verifiableCredential": []any{cred},
			}
			signed, err := e.suite.Sign(vp, e.holder.key, dataintegrity.Options{
				VerificationMethod: e.holder.vm.ID, ProofPurpose: dataintegrity.Authentication,
				Challenge: challenge, Domain: domain, Created: negClock(),
			})
			if err != nil {
				t.Fatal(err)
			}
			return clone(t, signed)
		}(), opts: ok},
		{name: "ok/no challenge asked", vp: present(t, e.holder, e.holder.did(), cred)},
		{name: "fail/another challenge", vp: present(t, e.holder, e.holder.did(), cred), opts: verifier.PresentationOptions{Challenge: "replayed", Domain: domain}, fail: true, reason: verifier.ReasonChallenge},
		{name: "fail/another domain", vp: present(t, e.holder, e.holder.did(), cred), opts: verifier.PresentationOptions{Challenge: challenge, Domain: "evil.example"}, fail: true, reason: verifier.ReasonDomain},
		{name: "fail/proof made for assertionMethod", vp: func() map[string]any {
			vp := present(t, e.holder, e.holder.did(), cred)
			signed, err := e.suite.Sign(withoutProof(vp), e.holder.key, dataintegrity.Options{VerificationMethod: e.holder.vm.ID, Challenge: challenge, Domain: domain, Created: negClock()})
			if err != nil {
				t.Fatal(err)
			}
			return clone(t, signed)
		}(), opts: ok, fail: true, reason: verifier.ReasonProofPurpose},
		{name: "fail/proof created in the future", vp: func() map[string]any {
			vp := present(t, e.holder, e.holder.did(), cred)
			signed, err := e.suite.Sign(withoutProof(vp), e.holder.key, dataintegrity.Options{VerificationMethod: e.holder.vm.ID,
				ProofPurpose: dataintegrity.Authentication, Challenge: challenge, Domain: domain, Created: negClock().Add(24 * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			return clone(t, signed)
		}(), opts: ok, fail: true, reason: verifier.ReasonCreated},
		{name: "fail/key not under the holder's authentication", vp: present(t, assertOnly, assertOnlyID, cred), opts: ok, fail: true, reason: verifier.ReasonProofPurpose},
		{name: "fail/proof without cryptosuite", vp: func() map[string]any {
			vp := present(t, e.holder, e.holder.did(), cred)
			delete(proofOf(vp), "cryptosuite")
			return vp
		}(), opts: ok, fail: true, reason: verifier.ReasonCryptosuite},
		{name: "fail/signed by someone else than the holder", vp: present(t, e.other, e.holder.did(), cred), opts: ok, fail: true},
		{name: "fail/holder changed after signing", vp: func() map[string]any {
			vp := present(t, e.holder, e.holder.did(), cred)
			vp["holder"] = e.other.did()
			return vp
		}(), opts: ok, fail: true},
		{name: "fail/a changed credential", vp: present(t, e.holder, e.holder.did(), clone(t, cred), func() map[string]any {
			c := clone(t, cred)
			grade(c)
			return c
		}()), opts: ok, fail: true},
		{name: "fail/no proof", vp: func() map[string]any {
			vp := present(t, e.holder, e.holder.did(), cred)
			delete(vp, "proof")
			return vp
		}(), opts: ok, fail: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.v.VerifyPresentation(context.Background(), tt.vp, tt.opts)
			t.Logf("\n%s", describe(res))
			if res.Kind != "presentation" {
				t.Errorf("kind %q, want presentation", res.Kind)
			}
			if !tt.fail {
				if !res.Verified {
					t.Fatalf("not verified\n%s", describe(res))
				}
				want := verifier.Pass
				if len(res.Credentials) == 0 {
					want = verifier.Warning // it carries nothing
				}
				if c, _ := res.Check(verifier.CheckHolder); c.Verdict != want {
					t.Errorf("holder: %s, want %s\n%s", c.Verdict, want, describe(res))
				}
				for i, r := range res.Credentials {
					if !r.Verified {
						t.Errorf("credential %d not verified\n%s", i+1, describe(r))
					}
				}
				return
			}
			if res.Verified {
				t.Fatalf("verified, want the holder check to fail\n%s", describe(res))
			}
			if c, _ := res.Check(verifier.CheckHolder); tt.reason != "" && c.Reason != tt.reason {
				t.Errorf("holder: reason %q, want %q\n%s", c.Reason, tt.reason, describe(res))
			}
			for _, f := range res.Failed() {
				if f.ID != verifier.CheckHolder {
					t.Errorf("check %s failed, want only holder\n%s", f.ID, describe(res))
				}
			}
			if c, _ := res.Check(verifier.CheckHolder); !readable(c.Message) {
				t.Errorf("holder message %q is not fit for people", c.Message)
			}
		})
	}

	// Read from bytes, as an upload, a presentation is verified without a
	// challenge.
	res := e.v.Verify(context.Background(), marshal(t, present(t, e.holder, e.holder.did(), cred)))
	if !res.Verified || res.Kind != "presentation" {
		t.Errorf("presentation from bytes: verified %v, kind %q\n%s", res.Verified, res.Kind, describe(res))
	}
}

// TestNegativeDecoded gives documents that callers decoded themselves
// (encoding/json accepts 10,000 levels) the depth limit Verify applies.
func TestNegativeDecoded(t *testing.T) {
	e := newNegEnv(t)
	var deep map[string]any
	if err := json.Unmarshal(nested(9000), &deep); err != nil {
		t.Fatal(err)
	}
	cred := e.cred(t, set("name", deep))
	vp := map[string]any{
		"@context":             []any{"https://www.w3.org/ns/credentials/v2"},
		"type":                 []any{"VerifiablePresentation"},
		"verifiableCredential": []any{cred},
	}
	for name, res := range map[string]*verifier.Result{
		"credential":   e.v.VerifyCredential(context.Background(), cred),
		"presentation": e.v.VerifyPresentation(context.Background(), vp, verifier.PresentationOptions{}),
	} {
		if c, _ := res.Check(verifier.CheckFormat); res.Verified || c.Verdict != verifier.Fail || len(res.Checks) != 1 {
			t.Errorf("%s: want only a failed format check\n%s", name, describe(res))
		}
	}
}

// TestNegativeUnreachable gives credentials whose status list or issuer
// key cannot be had, fetched over real loopback HTTP through the real
// egress policy: such a credential could not be fully checked; it is never
// called revoked or altered. Only a set bit revokes, only a changed field
// fails the proof, and a DID document that was read but lacks the key is a
// failure.
func TestNegativeUnreachable(t *testing.T) {
	e := newNegEnv(t)
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

	// One loopback server with a list per path: nothing set, the entry
	// set, an error, garbage, and one that never answers in time.
	mux := http.NewServeMux()
	var hits atomic.Int64 // requests the server received
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	signedList := func(path string, revoked bool) []byte {
		l := statuslist.New(statuslist.MinSize)
		if revoked {
			if err := l.Set(94567, true); err != nil {
				t.Fatal(err)
			}
		}
		lc := statuslist.ListCredential(srv.URL+path, scienceDID, statuslist.PurposeRevocation, l, from)
		return marshal(t, e.signDI(t, lc, e.science, dataintegrity.RDFC))
	}
	serve := func(path string, status int, body []byte) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			w.Write(body)
		})
	}
	serve("/current", http.StatusOK, signedList("/current", false))
	serve("/revoked", http.StatusOK, signedList("/revoked", true))
	serve("/error", http.StatusInternalServerError, []byte(`{"error": "database down"}`))
	serve("/garbage", http.StatusOK, []byte("<html>We'll be back soon</html>"))
	hang := make(chan struct{})
	t.Cleanup(func() { close(hang) })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-hang:
		}
	})

	// The egress policy that refuses loopback, and the same policy with
	// this one server explicitly allowed (what an operator does for an
	// issuer inside their own network), with a short timeout.
	refusing := egress.NewClient(egress.DefaultPolicy())
	allowing := egress.NewClient(egress.Policy{AllowHosts: []string{host}, Timeout: 200 * time.Millisecond, MaxBytes: 1 << 20})
	keys := did.NewResolver(e.remote.client())
	verify := func(t *testing.T, client *http.Client, cred map[string]any) *verifier.Result {
		t.Helper()
		v := verifier.New(e.ld, keys, verifier.WithStatus(verifier.HTTPFetcher{Client: client}), verifier.WithClock(negClock))
		res := v.Verify(context.Background(), marshal(t, cred))
		t.Logf("\n%s", describe(res))
		return res
	}
	credWithList := func(path string) map[string]any {
		return e.signDI(t, e.cred(t, listAt(srv.URL+path)), e.science, dataintegrity.RDFC)
	}

	statusCases := []struct {
		name    string
		client  *http.Client
		path    string
		verdict verifier.Verdict // of the status check
		status  string
		message string // in the status check's message
	}{
		{"ok/not revoked", allowing, "/current", verifier.Pass, "", "not revoked"},
		{"fail/bit set", allowing, "/revoked", verifier.Fail, verifier.StatusRevoked, "revoked by the issuer"},
		{"unchecked/refused by the egress policy", refusing, "/current", verifier.Unchecked, "", "not allowed (loopback)"},
		{"unchecked/timed out", allowing, "/slow", verifier.Unchecked, "", "timed out"},
		{"unchecked/500", allowing, "/error", verifier.Unchecked, "", "500"},
		{"unchecked/garbage", allowing, "/garbage", verifier.Unchecked, "", "could not be trusted"},
		{"unchecked/nothing there", allowing, "/none", verifier.Unchecked, "", "404"},
	}
	for _, tt := range statusCases {
		t.Run("status/"+tt.name, func(t *testing.T) {
			before := hits.Load()
			res := verify(t, tt.client, credWithList(tt.path))
			if n := hits.Load() - before; (tt.client == refusing) != (n == 0) {
				t.Errorf("the server received %d requests", n)
			}
			c, _ := res.Check(verifier.CheckStatus)
			if c.Verdict != tt.verdict || !strings.Contains(c.Message, tt.message) || !readable(c.Message) {
				t.Errorf("status: %s %q, want %s mentioning %q", c.Verdict, c.Message, tt.verdict, tt.message)
			}
			if res.Status != tt.status {
				t.Errorf("Result.Status %q, want %q", res.Status, tt.status)
			}
			want := map[verifier.Verdict]verifier.Overall{verifier.Pass: verifier.Valid, verifier.Fail: verifier.Invalid, verifier.Unchecked: verifier.Indeterminate}[tt.verdict]
			if res.Verdict != want || res.Verified != (want == verifier.Valid) {
				t.Errorf("verdict %s (verified %v), want %s", res.Verdict, res.Verified, want)
			}
			if p, _ := res.Check(verifier.CheckProof); p.Verdict != verifier.Pass {
				t.Errorf("proof: %s, want pass", p.Verdict)
			}
			if !res.StatusFetched.IsZero() {
				t.Errorf("StatusFetched %v from a fetcher without a cache", res.StatusFetched)
			}
		})
	}

	t.Run("status/changed field of a credential with a reachable list", func(t *testing.T) {
		c := credWithList("/current")
		grade(c)
		res := verify(t, allowing, c)
		if p, _ := res.Check(verifier.CheckProof); res.Verdict != verifier.Invalid || p.Verdict != verifier.Fail || res.Status != "" {
			t.Errorf("verdict %s, proof %s, status %q: want invalid, proof fail, not revoked", res.Verdict, p.Verdict, res.Status)
		}
	})

	t.Run("status/cache age", func(t *testing.T) {
		now := negClock()
		clock := func() time.Time { return now }
		fetcher := verifier.NewCachingFetcher(allowing, verifier.WithCacheClock(clock))
		v := verifier.New(e.ld, keys, verifier.WithStatus(fetcher), verifier.WithClock(negClock))
		in := marshal(t, credWithList("/current"))
		if res := v.Verify(context.Background(), in); !res.Verified || !res.StatusFetched.Equal(now) {
			t.Fatalf("first: verified %v, status fetched %v, want %v\n%s", res.Verified, res.StatusFetched, now, describe(res))
		}
		fetchedAt := now
		now = now.Add(30 * time.Second)
		if res := v.Verify(context.Background(), in); !res.Verified || !res.StatusFetched.Equal(fetchedAt) {
			t.Errorf("from the cache: status fetched %v, want %v", res.StatusFetched, fetchedAt)
		}
	})

	// did:web issuers on a loopback https server. The server's certificate
	// is trusted by the test's client, which allows the server's host and
	// nothing else.
	tlsMux := http.NewServeMux()
	tlsSrv := httptest.NewUnstartedServer(tlsMux)
	cert, roots := localhostCert(t)
	tlsSrv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	tlsHost := "localhost:" + tlsSrv.URL[strings.LastIndex(tlsSrv.URL, ":")+1:]
	trusting := egress.NewClient(egress.Policy{AllowHosts: []string{tlsHost}, RootCAs: roots, Timeout: 2 * time.Second})
	issuerDID := func(name string) string { return did.WebDID(tlsHost, name) }
	listed, unlisted := webSigner(t, issuerDID("listed"), 7), webSigner(t, issuerDID("unlisted"), 8)
	for _, s := range []signer{listed, unlisted} {
		doc, err := did.WebDocument(s.did(), s.vm)
		if err != nil {
			t.Fatal(err)
		}
		if s.did() == unlisted.did() {
			// The document lists another key than the one that signed.
			other := webSigner(t, s.did(), 9)
			if doc, err = did.WebDocument(s.did(), other.vm); err != nil {
				t.Fatal(err)
			}
		}
		path := "/" + strings.TrimPrefix(s.did(), "did:web:"+strings.ReplaceAll(tlsHost, ":", "%3A")+":") + "/did.json"
		body := marshal(t, doc)
		tlsMux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) { w.Write(body) })
	}
	down := webSigner(t, issuerDID("down"), 10)
	tlsMux.HandleFunc("/down/did.json", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
	})

	keyCases := []struct {
		name    string
		client  *http.Client
		s       signer
		verdict verifier.Verdict // of the proof check
		message string
	}{
		{"ok/key listed", trusting, listed, verifier.Pass, "a valid"},
		{"fail/document without the key", trusting, unlisted, verifier.Fail, "is not in the DID document"},
		{"unchecked/refused by the egress policy", refusing, listed, verifier.Unchecked, "not allowed (loopback)"},
		{"unchecked/issuer's server answers 503", trusting, down, verifier.Unchecked, "503"},
	}
	for _, tt := range keyCases {
		t.Run("key/"+tt.name, func(t *testing.T) {
			cred := e.signDI(t, e.cred(t, issuedBy(tt.s.did()), del("credentialStatus")), tt.s, dataintegrity.RDFC)
			v := verifier.New(e.ld, did.NewResolver(tt.client), verifier.WithClock(negClock))
			for _, res := range []*verifier.Result{
				v.Verify(context.Background(), marshal(t, cred)),
				v.Verify(context.Background(), []byte(signJWT(t, e.cred(t, issuedBy(tt.s.did()), del("credentialStatus")), tt.s.key, tt.s.vm.ID, jose.OBJWT))),
			} {
				t.Logf("\n%s", describe(res))
				c, _ := res.Check(verifier.CheckProof)
				if c.Verdict != tt.verdict || !strings.Contains(c.Message, tt.message) || !readable(c.Message) {
					t.Errorf("proof (%s): %s %q, want %s mentioning %q", res.Securing, c.Verdict, c.Message, tt.verdict, tt.message)
				}
				want := map[verifier.Verdict]verifier.Overall{verifier.Pass: verifier.Valid, verifier.Fail: verifier.Invalid, verifier.Unchecked: verifier.Indeterminate}[tt.verdict]
				if res.Verdict != want {
					t.Errorf("verdict %s, want %s", res.Verdict, want)
				}
				if tt.verdict == verifier.Unchecked && len(res.Failed()) > 0 {
					t.Errorf("checks failed for a key that could not be fetched: %v", res.Failed())
				}
			}
		})
	}

	t.Run("presentation/with a credential whose key could not be fetched", func(t *testing.T) {
		cred := e.signDI(t, e.cred(t, issuedBy(down.did()), del("credentialStatus")), down, dataintegrity.RDFC)
		vp, err := e.suite.Sign(map[string]any{
			"@context":             []any{"https://www.w3.org/ns/credentials/v2"},
			"type":                 []any{"VerifiablePresentation"},
			"holder":               e.holder.did(),
			"verifiableCredential": []any{cred},
		}, e.holder.key, dataintegrity.Options{VerificationMethod: e.holder.vm.ID, ProofPurpose: dataintegrity.Authentication, Created: negClock()})
		if err != nil {
			t.Fatal(err)
		}
		v := verifier.New(e.ld, did.NewResolver(trusting), verifier.WithClock(negClock))
		res := v.VerifyPresentation(context.Background(), vp, verifier.PresentationOptions{})
		t.Logf("\n%s", describe(res))
		if h, _ := res.Check(verifier.CheckHolder); res.Verdict != verifier.Indeterminate || h.Verdict != verifier.Unchecked || len(res.Credentials) != 1 || res.Credentials[0].Verdict != verifier.Indeterminate {
			t.Errorf("verdict %s, holder %s: want indeterminate, holder unchecked, its credential indeterminate", res.Verdict, h.Verdict)
		}
	})
}

// withoutProof is a copy of doc without its proof, to sign again.
func withoutProof(doc map[string]any) map[string]any {
	out := make(map[string]any, len(doc))
	for k, v := range doc {
		if k != "proof" {
			out[k] = v
		}
	}
	return out
}
