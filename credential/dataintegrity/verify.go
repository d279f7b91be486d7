package dataintegrity

import (
	"crypto"
	"crypto/ed25519"
	"reflect"
	"time"

	"github.com/multiformats/go-multibase"
)

// VerifyOptions say what the verifier expects of a proof. Empty fields are
// not checked.
type VerifyOptions struct {
	Purpose   string // e.g. AssertionMethod for credentials
	Challenge string // a presentation's challenge
	Domain    string // a presentation's domain
}

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
// whether its controller may sign for doc, is the caller's job). It returns
// warnings for legacy forms that still verify. Any failure is an *Error
// whose Reason says which kind.
func (s *Suite) Verify(doc, proof map[string]any, pub crypto.PublicKey, o VerifyOptions) (warnings []string, err error) {
	suite, warnings, err := checkProofShape(proof)
	if err != nil {
		return nil, err
	}
	if o.Purpose != "" && proof["proofPurpose"] != o.Purpose {
		return nil, fail(ReasonPurpose, "proofPurpose is %v, expected %s", proof["proofPurpose"], o.Purpose)
	}
	if o.Challenge != "" && proof["challenge"] != o.Challenge {
		return nil, fail(ReasonPurpose, "the proof's challenge does not match the one expected")
	}
	if o.Domain != "" && !domainMatches(proof["domain"], o.Domain) {
		return nil, fail(ReasonPurpose, "the proof's domain does not match the one expected")
	}
	value, _ := proof["proofValue"].(string)
	enc, sig, err := multibase.Decode(value)
	if err != nil || enc != multibase.Base58BTC {
		return nil, fail(ReasonMalformed, "proofValue is not multibase base58btc (it must start with z)")
	}
	if len(sig) != ed25519.SignatureSize {
		return nil, fail(ReasonMalformed, "proofValue holds %d bytes; an Ed25519 signature has %d", len(sig), ed25519.SignatureSize)
	}
	key, ok := pub.(ed25519.PublicKey)
	if !ok || len(key) != ed25519.PublicKeySize {
		return nil, fail(ReasonUnsupported, "the verification method's key is not an Ed25519 key")
	}
	unsigned, _ := withoutProof(doc)
	if pc, ok := proof["@context"]; ok && !contextPrefix(pc, unsigned["@context"]) {
		return nil, fail(ReasonMalformed, "the proof's @context does not match the start of the document's @context")
	}
	data, err := s.signingInput(unsigned, proof, suite)
	if err != nil {
		return nil, err
	}
	if !ed25519.Verify(key, data, sig) {
		return nil, fail(ReasonSignature, "the signature does not match the document: it was changed after signing, or signed with another key")
	}
	return warnings, nil
}

// checkProofShape checks the fields every proof must have and returns the
// canonicalization (RDFC or JCS) the proof uses.
func checkProofShape(proof map[string]any) (suite string, warnings []string, err error) {
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
			return "", nil, fail(ReasonMalformed, "the proof has no cryptosuite")
		default:
			return "", nil, fail(ReasonUnsupported, "cryptosuite %q is not supported (supported: %s, %s)", cs, RDFC, JCS)
		}
	case Ed25519Signature2020:
		suite = RDFC
		warnings = append(warnings, "the proof uses Ed25519Signature2020, superseded by DataIntegrityProof with eddsa-rdfc-2022")
	case "":
		return "", nil, fail(ReasonMalformed, "the proof has no type")
	default:
		return "", nil, fail(ReasonUnsupported, "proof type %q is not supported", typ)
	}
	if vm, _ := proof["verificationMethod"].(string); vm == "" {
		return "", nil, fail(ReasonMalformed, "the proof has no verificationMethod")
	}
	if p, _ := proof["proofPurpose"].(string); p == "" {
		return "", nil, fail(ReasonMalformed, "the proof has no proofPurpose")
	}
	if _, ok := proof["proofValue"].(string); !ok {
		return "", nil, fail(ReasonMalformed, "the proof has no proofValue")
	}
	if c, ok := proof["created"]; ok {
		cs, _ := c.(string)
		if _, err := time.Parse(time.RFC3339, cs); err != nil {
			return "", nil, fail(ReasonMalformed, "the proof's created time %v is not an XML Schema dateTime", c)
		}
	}
	return suite, warnings, nil
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

// contextPrefix reports whether proof's @context is the start of the
// document's.
func contextPrefix(proofCtx, docCtx any) bool {
	p, d := asList(proofCtx), asList(docCtx)
	if len(p) > len(d) {
		return false
	}
	return reflect.DeepEqual(p, d[:len(p)])
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}
