package dataintegrity

import (
	"crypto"
	"crypto/ed25519"
	"reflect"
	"time"

	"github.com/badged/badged/jsonld"
	"github.com/multiformats/go-multibase"
)

// VerifyOptions say what the verifier expects of a proof. Empty fields are
// not checked.
type VerifyOptions struct {
	Purpose   string // e.g. AssertionMethod for credentials
	Challenge string // a presentation's challenge
	Domain    string // a presentation's domain
	// Now is the time created and expires are judged against; the zero
	// time means the Suite's clock.
	Now time.Time
}

// ClockSkew is how far in the future a proof's created time may be and
// still verify: the signer's clock may be a little ahead of ours.
const ClockSkew = 5 * time.Minute

// Suite returns the cryptosuite of proof, normalised for display: the
// cryptosuite name, or the proof type for Ed25519Signature2020.
func SuiteOf(proof map[string]any) string {
	if t, _ := proof["type"].(string); t == Ed25519Signature2020 {
		return t
	}
	s, _ := proof["cryptosuite"].(string)
	return s
}

// Verify checks one proof of doc (one of [Proofs]) against pub, the public
// key its verificationMethod resolves to (resolving it, and deciding
// whether its controller may sign for doc, is the caller's job). A proof
// with previousProof (a proof chain) is checked against doc with the
// proofs it names. It returns warnings for legacy forms that still
// verify. Any failure is an *Error whose Reason says which kind and whose
// Field names the proof property at fault.
func (s *Suite) Verify(doc, proof map[string]any, pub crypto.PublicKey, o VerifyOptions) (warnings []string, err error) {
	suite, warnings, err := CheckShape(proof)
	if err != nil {
		return nil, err
	}
	if err := checkTimes(proof, o.Now, s.now); err != nil {
		return nil, err
	}
	if o.Purpose != "" && proof["proofPurpose"] != o.Purpose {
		return nil, failField(ReasonPurpose, "proofPurpose", "proofPurpose is %v, expected %s", proof["proofPurpose"], o.Purpose)
	}
	if o.Challenge != "" && proof["challenge"] != o.Challenge {
		return nil, failField(ReasonPurpose, "challenge", "the proof's challenge does not match the one expected")
	}
	if o.Domain != "" && !domainMatches(proof["domain"], o.Domain) {
		return nil, failField(ReasonPurpose, "domain", "the proof's domain does not match the one expected")
	}
	value, _ := proof["proofValue"].(string)
	enc, sig, err := multibase.Decode(value)
	if err != nil || enc != multibase.Base58BTC {
		return nil, failField(ReasonMalformed, "proofValue", "proofValue is not multibase base58btc (it must start with z)")
	}
	if len(sig) != ed25519.SignatureSize {
		return nil, failField(ReasonMalformed, "proofValue", "proofValue holds %d bytes; an Ed25519 signature has %d", len(sig), ed25519.SignatureSize)
	}
	key, ok := pub.(ed25519.PublicKey)
	if !ok || len(key) != ed25519.PublicKeySize {
		return nil, failField(ReasonUnsupported, "verificationMethod", "the verification method's key is not an Ed25519 key")
	}
	unsigned, all := WithoutProof(doc)
	if pc, ok := proof["@context"]; ok && !ContextPrefix(pc, unsigned["@context"]) {
		return nil, failField(ReasonMalformed, "@context", "the proof's @context does not match the start of the document's @context")
	}
	prev, chained := proof["previousProof"]
	if !chained {
		data, err := s.signingInput(unsigned, proof, suite)
		if err != nil {
			return nil, err
		}
		if !ed25519.Verify(key, data, sig) {
			return nil, fail(ReasonSignature, "the signature does not match the document: it was changed after signing, or signed with another key")
		}
		return warnings, nil
	}
	named, err := matchingProofs(all, prev)
	if err != nil {
		return nil, err
	}
	// The proofs named are secured as a list (Data Integrity 4.4); a
	// single one may have been secured as an object, which differs only
	// in JCS.
	forms := []any{named}
	if len(named) == 1 && suite == JCS {
		forms = append(forms, named[0])
	}
	for _, form := range forms {
		data, err := s.signingInput(withProofs(unsigned, form), proof, suite)
		if err != nil {
			return nil, err
		}
		if ed25519.Verify(key, data, sig) {
			return warnings, nil
		}
	}
	return nil, failField(ReasonSignature, "previousProof", "the signature does not match the document with the proofs it follows (previousProof %v): the document or those proofs were changed after signing, the chain was relinked, or it was signed with another key", prev)
}

// CheckShape checks the fields every EdDSA Data Integrity proof must have,
// before any key is fetched, and returns the canonicalization (RDFC or
// JCS) the proof uses and warnings for legacy forms. A failure is an
// *Error whose Field names the property at fault.
func CheckShape(proof map[string]any) (suite string, warnings []string, err error) {
	typ, _ := proof["type"].(string)
	switch typ {
	case ProofType:
		cs, _ := proof["cryptosuite"].(string)
		switch cs {
		case RDFC, JCS:
			suite = cs
		case LegacyEdDSA2022:
			suite = RDFC
			warnings = append(warnings, "the proof uses eddsa-2022, the pre-standard name of eddsa-rdfc-2022")
		case "":
			return "", nil, failField(ReasonMalformed, "cryptosuite", "the proof has no cryptosuite")
		default:
			return "", nil, failField(ReasonUnsupported, "cryptosuite", "cryptosuite %q is not supported (supported: %s, %s)", cs, RDFC, JCS)
		}
	case Ed25519Signature2020:
		suite = RDFC
		warnings = append(warnings, "the proof uses Ed25519Signature2020, superseded by DataIntegrityProof with eddsa-rdfc-2022")
	case "":
		return "", nil, failField(ReasonMalformed, "type", "the proof has no type")
	default:
		return "", nil, failField(ReasonUnsupported, "type", "proof type %q is not supported", typ)
	}
	if vm, _ := proof["verificationMethod"].(string); vm == "" {
		return "", nil, failField(ReasonMalformed, "verificationMethod", "the proof has no verificationMethod")
	}
	if p, _ := proof["proofPurpose"].(string); p == "" {
		return "", nil, failField(ReasonMalformed, "proofPurpose", "the proof has no proofPurpose")
	}
	if _, ok := proof["proofValue"].(string); !ok {
		return "", nil, failField(ReasonMalformed, "proofValue", "the proof has no proofValue")
	}
	for _, field := range []string{"created", "expires"} {
		if c, ok := proof[field]; ok {
			if _, err := proofTime(c); err != nil {
				return "", nil, failField(ReasonMalformed, field, "the proof's %s time %v is not an XML Schema dateTime", field, c)
			}
		}
	}
	return suite, warnings, nil
}

// checkTimes refuses a proof created in the future (beyond ClockSkew) or
// whose expires time has passed.
func checkTimes(proof map[string]any, now time.Time, clock func() time.Time) error {
	if now.IsZero() {
		now = clock()
	}
	if c, ok := proof["created"]; ok {
		if t, err := proofTime(c); err == nil && t.After(now.Add(ClockSkew)) {
			return failField(ReasonTime, "created", "the proof was created in the future (%s): it cannot have been made yet", t.UTC().Format(time.RFC3339))
		}
	}
	if e, ok := proof["expires"]; ok {
		if t, err := proofTime(e); err == nil && !now.Before(t) {
			return failField(ReasonTime, "expires", "the proof expired at %s", t.UTC().Format(time.RFC3339))
		}
	}
	return nil
}

func proofTime(v any) (time.Time, error) {
	s, _ := v.(string)
	return time.Parse(time.RFC3339, s)
}

func domainMatches(got any, want string) bool {
	switch d := got.(type) {
	case string:
		return d == want
	case []any:
		for _, e := range d {
			if e == want {
				return true
			}
		}
	}
	return false
}

// ContextPrefix reports whether proof's @context is the start of the
// document's, as a proof that has its own @context must.
func ContextPrefix(proofCtx, docCtx any) bool {
	p, d := jsonld.List(proofCtx), jsonld.List(docCtx)
	if len(p) > len(d) {
		return false
	}
	return reflect.DeepEqual(p, d[:len(p)])
}
