// Package dataintegrity signs and verifies W3C Data Integrity proofs with
// EdDSA: the cryptosuites eddsa-rdfc-2022 (RDF canonicalization, required by
// Open Badges 3.0) and eddsa-jcs-2022 (JSON canonicalization). For what is
// already in the wild it also verifies, with a warning, the pre-standard
// cryptosuite name eddsa-2022 and Ed25519Signature2020 proofs.
//
// # Algorithm
//
// The proof configuration (the proof without proofValue, with the
// document's @context) and the document without its proof are each
// canonicalized and hashed with SHA-256; Ed25519 signs proofHash || docHash;
// proofValue is the signature in multibase base58btc.
//
// Documents are JSON objects as encoding/json decodes them
// (map[string]any). Signing never modifies its input.
package dataintegrity

import (
	"crypto"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gowebpki/jcs"
	"github.com/multiformats/go-multibase"

	"github.com/badged/badged/jsonld"
)

// Cryptosuites and proof types.
const (
	RDFC                 = "eddsa-rdfc-2022"
	JCS                  = "eddsa-jcs-2022"
	LegacyEdDSA2022      = "eddsa-2022" // pre-standard name of eddsa-rdfc-2022
	ProofType            = "DataIntegrityProof"
	Ed25519Signature2020 = "Ed25519Signature2020"
)

// Proof purposes.
const (
	AssertionMethod = "assertionMethod"
	Authentication  = "authentication"
)

// Options describe the proof to create.
type Options struct {
	Cryptosuite        string    // RDFC (default) or JCS
	VerificationMethod string    // a DID URL whose key signs
	Created            time.Time // default: now
	ProofPurpose       string    // default: assertionMethod
	Challenge          string    // for presentations
	Domain             string    // for presentations
	// Expires, when set, is when the proof stops being valid.
	Expires time.Time
	// ID is the proof's id, which a later proof of a chain names.
	ID string
	// PreviousProof are the ids of the proofs of doc this proof follows
	// (a proof chain): it then secures doc with those proofs.
	PreviousProof []string
}

// Suite signs and verifies proofs. It is safe for concurrent use.
type Suite struct {
	ld  *jsonld.Processor
	now func() time.Time
}

// New returns a Suite that canonicalizes with p.
func New(p *jsonld.Processor) *Suite {
	return &Suite{ld: p, now: time.Now}
}

// Error says why a proof is not valid. Reason is one of the Reason
// constants, stable for callers that branch on it; Field, when set, is the
// proof property at fault ("type", "cryptosuite", "verificationMethod",
// "proofPurpose", "proofValue", "created", "expires", "challenge",
// "domain", "previousProof", "@context"), so that a caller can say
// precisely which check failed.
type Error struct {
	Reason string
	Field  string
	Msg    string
	Err    error // a *jsonld.Error when Reason is ReasonJSONLD
}

// Reasons a proof fails.
const (
	ReasonMalformed   = "malformed"   // a required proof field is missing or wrong
	ReasonUnsupported = "unsupported" // unknown proof type or cryptosuite, or key type
	ReasonJSONLD      = "jsonld"      // the document is not sound JSON-LD
	ReasonSignature   = "signature"   // the signature does not match
	ReasonPurpose     = "purpose"     // wrong proofPurpose, challenge or domain
	ReasonTime        = "time"        // created in the future, or expires passed
	ReasonChain       = "chain"       // previousProof names a proof the document does not have
)

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Err }

func fail(reason, format string, args ...any) *Error {
	return &Error{Reason: reason, Msg: fmt.Sprintf(format, args...)}
}

// failField is fail for the proof property field.
func failField(reason, field, format string, args ...any) *Error {
	return &Error{Reason: reason, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// Sign returns a copy of doc with a new proof added to its proof array.
// key must be an ed25519.PrivateKey or a crypto.Signer with an Ed25519
// public key. It fails if doc is not sound JSON-LD (a *jsonld.Error inside
// an *Error with ReasonJSONLD), or if the options are incomplete.
func (s *Suite) Sign(doc map[string]any, key crypto.Signer, o Options) (map[string]any, error) {
	if _, ok := key.Public().(ed25519.PublicKey); !ok {
		return nil, fail(ReasonUnsupported, "only Ed25519 keys sign Data Integrity EdDSA proofs")
	}
	if o.VerificationMethod == "" {
		return nil, fail(ReasonMalformed, "verificationMethod is required")
	}
	if o.Cryptosuite == "" {
		o.Cryptosuite = RDFC
	}
	if o.Cryptosuite != RDFC && o.Cryptosuite != JCS {
		return nil, fail(ReasonUnsupported, "cryptosuite %q cannot sign; use %s or %s", o.Cryptosuite, RDFC, JCS)
	}
	if o.ProofPurpose == "" {
		o.ProofPurpose = AssertionMethod
	}
	created := o.Created
	if created.IsZero() {
		created = s.now()
	}
	proof := map[string]any{
		"type":               ProofType,
		"cryptosuite":        o.Cryptosuite,
		"created":            created.UTC().Format(time.RFC3339),
		"verificationMethod": o.VerificationMethod,
		"proofPurpose":       o.ProofPurpose,
	}
	if o.Challenge != "" {
		proof["challenge"] = o.Challenge
	}
	if o.Domain != "" {
		proof["domain"] = o.Domain
	}
	if !o.Expires.IsZero() {
		proof["expires"] = o.Expires.UTC().Format(time.RFC3339)
	}
	if o.ID != "" {
		proof["id"] = o.ID
	}
	unsigned, existing := WithoutProof(doc)
	secured := unsigned
	if len(o.PreviousProof) > 0 {
		prev := make([]any, len(o.PreviousProof))
		for i, id := range o.PreviousProof {
			prev[i] = id
		}
		if len(prev) == 1 {
			proof["previousProof"] = prev[0]
		} else {
			proof["previousProof"] = prev
		}
		named, err := matchingProofs(existing, proof["previousProof"])
		if err != nil {
			return nil, err
		}
		secured = withProofs(unsigned, named)
	}
	if o.Cryptosuite == JCS {
		// eddsa-jcs-2022 secures the context with the proof (vc-di-eddsa 3.3).
		proof["@context"] = unsigned["@context"]
	}
	data, err := s.signingInput(secured, proof, o.Cryptosuite)
	if err != nil {
		return nil, err
	}
	sig, err := key.Sign(nil, data, crypto.Hash(0))
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	value, err := multibase.Encode(multibase.Base58BTC, sig)
	if err != nil {
		return nil, fmt.Errorf("encode proofValue: %w", err)
	}
	proof["proofValue"] = value
	out := make(map[string]any, len(doc)+1)
	for k, v := range unsigned {
		out[k] = v
	}
	out["proof"] = append(existing, proof)
	return out, nil
}

// WithoutProof returns a shallow copy of doc without "proof", and the
// proofs it had (as a fresh slice): the document a proof signs. Shared
// with the other cryptosuites (ecdsa-sd-2023).
func WithoutProof(doc map[string]any) (map[string]any, []any) {
	out := make(map[string]any, len(doc))
	for k, v := range doc {
		if k != "proof" {
			out[k] = v
		}
	}
	var proofs []any
	switch p := doc["proof"].(type) {
	case []any:
		proofs = append(proofs, p...)
	case map[string]any:
		proofs = append(proofs, p)
	}
	return out, proofs
}

// Proofs returns the proof objects of doc (an object or an array in the
// wild), and an error if an entry is not an object.
func Proofs(doc map[string]any) ([]map[string]any, error) {
	_, raw := WithoutProof(doc)
	proofs := make([]map[string]any, 0, len(raw))
	for _, p := range raw {
		m, ok := p.(map[string]any)
		if !ok {
			return nil, fail(ReasonMalformed, "proof must be an object or an array of objects")
		}
		proofs = append(proofs, m)
	}
	return proofs, nil
}

// matchingProofs returns the proofs, among all, that previousProof (an id
// or a list of ids) names, in its order: the proofs a chained proof
// secures (Data Integrity 4.4, "Verify Proof Sets and Chains"). An id no
// proof has is an *Error with ReasonChain.
func matchingProofs(all []any, previousProof any) ([]any, error) {
	var ids []string
	switch p := previousProof.(type) {
	case string:
		ids = []string{p}
	case []any:
		for _, e := range p {
			id, ok := e.(string)
			if !ok {
				return nil, failField(ReasonMalformed, "previousProof", "previousProof must be a proof id or a list of proof ids")
			}
			ids = append(ids, id)
		}
	default:
		return nil, failField(ReasonMalformed, "previousProof", "previousProof must be a proof id or a list of proof ids")
	}
	if len(ids) == 0 {
		return nil, failField(ReasonMalformed, "previousProof", "previousProof is an empty list")
	}
	out := make([]any, 0, len(ids))
	for _, id := range ids {
		var found any
		for _, p := range all {
			if m, ok := p.(map[string]any); ok && id != "" && m["id"] == id {
				found = m
				break
			}
		}
		if found == nil {
			return nil, failField(ReasonChain, "previousProof", "previousProof names %s, but the document has no proof with that id: a link of the proof chain is missing", id)
		}
		out = append(out, found)
	}
	return out, nil
}

// withProofs returns a shallow copy of unsigned with proof set to proofs
// (a list, or one proof object).
func withProofs(unsigned map[string]any, proofs any) map[string]any {
	out := make(map[string]any, len(unsigned)+1)
	for k, v := range unsigned {
		out[k] = v
	}
	out["proof"] = proofs
	return out
}

// ProofConfig returns the proof configuration a proof's hash is taken
// of: proof without proofValue, with the @context of unsigned.
func ProofConfig(unsigned, proof map[string]any) map[string]any {
	config := make(map[string]any, len(proof)+1)
	for k, v := range proof {
		if k != "proofValue" {
			config[k] = v
		}
	}
	config["@context"] = unsigned["@context"]
	return config
}

// signingInput is proofHash || docHash for the cryptosuite.
func (s *Suite) signingInput(unsigned, proof map[string]any, suite string) ([]byte, error) {
	config := ProofConfig(unsigned, proof)
	var canon func(map[string]any) ([]byte, error)
	switch suite {
	case JCS:
		canon = canonicalJSON
	default:
		canon = s.canonicalRDF
	}
	proofCanon, err := canon(config)
	if err != nil {
		return nil, err
	}
	docCanon, err := canon(unsigned)
	if err != nil {
		return nil, err
	}
	ph := sha256.Sum256(proofCanon)
	dh := sha256.Sum256(docCanon)
	return append(ph[:], dh[:]...), nil
}

func (s *Suite) canonicalRDF(doc map[string]any) ([]byte, error) {
	nq, err := s.ld.Canonicalize(doc)
	if err != nil {
		var je *jsonld.Error
		if errors.As(err, &je) {
			return nil, &Error{Reason: ReasonJSONLD, Msg: je.Msg, Err: je}
		}
		return nil, err
	}
	return []byte(nq), nil
}

func canonicalJSON(doc map[string]any) ([]byte, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fail(ReasonMalformed, "document is not JSON: %v", err)
	}
	out, err := jcs.Transform(b)
	if err != nil {
		return nil, fail(ReasonMalformed, "JSON canonicalization: %v", err)
	}
	return out, nil
}
