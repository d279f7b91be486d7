// Package ecdsasd verifies W3C Data Integrity proofs of the selective
// disclosure cryptosuite ecdsa-sd-2023 (W3C Data Integrity ECDSA
// Cryptosuites v1.0, section 3.6), as a verifier sees them: derived proofs.
// It neither creates base proofs nor derives them.
//
// # Algorithm
//
// An issuer signs, with its P-256 key, proofHash || publicKey ||
// mandatoryHash: the SHA-256 of the canonical proof configuration, a
// proof-scoped P-256 public key (multikey bytes) and the SHA-256 of the
// statements that must always be disclosed. Every other statement is
// signed on its own with the proof-scoped key. Blank nodes are relabelled
// with HMAC digests so that a holder can reveal a subset of statements.
//
// The derived proof value carries the base signature, the proof-scoped key,
// the signatures of the disclosed non-mandatory statements, a map from the
// canonical blank node labels of the revealed document (_:c14nN) to the
// HMAC labels the issuer signed, and the indexes of the mandatory
// statements among the revealed ones. Verify canonicalizes the revealed
// document (RDFC-1.0), relabels its blank nodes with that map and sorts the
// statements, splits them into mandatory and non-mandatory ones, and checks
// the base signature with the issuer's key and each non-mandatory
// statement's signature with the proof-scoped key.
package ecdsasd

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/mr-tron/base58"

	"github.com/badged/badged/credential/dataintegrity"
	"github.com/badged/badged/did"
	"github.com/badged/badged/jsonld"
)

// Cryptosuite is the name of the cryptosuite this package verifies.
const Cryptosuite = "ecdsa-sd-2023"

// Reasons a proof fails: those of package dataintegrity, so that callers
// handle both alike. Errors are *dataintegrity.Error.
const (
	ReasonMalformed   = dataintegrity.ReasonMalformed
	ReasonUnsupported = dataintegrity.ReasonUnsupported
	ReasonJSONLD      = dataintegrity.ReasonJSONLD
	ReasonSignature   = dataintegrity.ReasonSignature
)

func fail(reason, format string, args ...any) *dataintegrity.Error {
	return &dataintegrity.Error{Reason: reason, Msg: fmt.Sprintf(format, args...)}
}

func malformed(format string, args ...any) *dataintegrity.Error {
	return fail(ReasonMalformed, format, args...)
}

// Verify checks an ecdsa-sd-2023 derived proof (one of
// dataintegrity.Proofs(doc)) of doc against pub, the issuer's P-256 key
// its verificationMethod resolves to. Resolving the key, deciding whether
// it may sign for doc and checking the proof purpose are the caller's job.
//
// Any failure is a *dataintegrity.Error: ReasonMalformed for a proof or
// proof value that is not a well-formed derived proof (a base proof
// included), ReasonUnsupported for a key that is not P-256, ReasonJSONLD
// (wrapping the *jsonld.Error) when the document or the proof
// configuration cannot be canonicalized, ReasonSignature when a signature
// does not match. doc and proof are not modified.
func Verify(p *jsonld.Processor, doc, proof map[string]any, pub *ecdsa.PublicKey) error {
	if err := checkShape(proof); err != nil {
		return err
	}
	if pub == nil || pub.Curve != elliptic.P256() {
		return fail(ReasonUnsupported, "the verification method's key is not a P-256 key; ecdsa-sd-2023 signs with P-256")
	}
	value, _ := proof["proofValue"].(string)
	pv, err := parseDerived(value)
	if err != nil {
		return err
	}
	scoped, err := scopedKey(pv.publicKey)
	if err != nil {
		return err
	}

	unsigned, _ := dataintegrity.WithoutProof(doc)
	if pc, ok := proof["@context"]; ok && !dataintegrity.ContextPrefix(pc, unsigned["@context"]) {
		return malformed("the proof's @context does not match the start of the document's @context")
	}

	// proofHash: the proof options (the proof without proofValue) with the
	// document's @context, canonicalized and hashed.
	configNQ, err := canonicalize(p, dataintegrity.ProofConfig(unsigned, proof), "the proof configuration")
	if err != nil {
		return err
	}
	proofHash := sha256.Sum256([]byte(configNQ))

	docNQ, err := canonicalize(p, unsigned, "the document")
	if err != nil {
		return err
	}
	statements, err := relabel(splitNQuads(docNQ), pv.labelMap)
	if err != nil {
		return err
	}

	mandatorySet := make(map[int]bool, len(pv.mandatoryIndexes))
	for _, i := range pv.mandatoryIndexes {
		if i >= len(statements) {
			return malformed("mandatory index %d is out of range: the document has %d statements", i, len(statements))
		}
		if mandatorySet[i] {
			return malformed("mandatory index %d appears twice in the proof value", i)
		}
		mandatorySet[i] = true
	}
	mandatory := sha256.New()
	var nonMandatory []string
	for i, s := range statements {
		if mandatorySet[i] {
			mandatory.Write([]byte(s))
		} else {
			nonMandatory = append(nonMandatory, s)
		}
	}
	if len(pv.signatures) != len(nonMandatory) {
		return fail(ReasonSignature, "the proof has %d statement signatures but the document discloses %d non-mandatory statements: statements were added or removed after the proof was derived",
			len(pv.signatures), len(nonMandatory))
	}

	// serializeSignData: proofHash || publicKey || mandatoryHash, signed
	// with the issuer's key.
	toVerify := make([]byte, 0, 2*sha256.Size+len(pv.publicKey))
	toVerify = append(toVerify, proofHash[:]...)
	toVerify = append(toVerify, pv.publicKey...)
	toVerify = mandatory.Sum(toVerify)
	if !verifyP1363(pub, toVerify, pv.baseSignature) {
		return fail(ReasonSignature, "the base signature does not match: the mandatory statements, the proof options or the proof-scoped key were changed after signing, or another key signed")
	}
	for i, s := range nonMandatory {
		if !verifyP1363(scoped, []byte(s), pv.signatures[i]) {
			return fail(ReasonSignature, "statement %d of %d disclosed non-mandatory statements does not match its signature (it was changed after signing): %s",
				i+1, len(nonMandatory), short(s))
		}
	}
	return nil
}

// checkShape checks the proof fields the cryptosuite needs.
func checkShape(proof map[string]any) error {
	if t, _ := proof["type"].(string); t != dataintegrity.ProofType {
		return fail(ReasonUnsupported, "proof type %v is not %s", proof["type"], dataintegrity.ProofType)
	}
	if cs, _ := proof["cryptosuite"].(string); cs != Cryptosuite {
		return fail(ReasonUnsupported, "cryptosuite %v is not %s", proof["cryptosuite"], Cryptosuite)
	}
	if vm, _ := proof["verificationMethod"].(string); vm == "" {
		return malformed("the proof has no verificationMethod")
	}
	if p, _ := proof["proofPurpose"].(string); p == "" {
		return malformed("the proof has no proofPurpose")
	}
	if _, ok := proof["proofValue"].(string); !ok {
		return malformed("the proof has no proofValue")
	}
	if c, ok := proof["created"]; ok {
		cs, _ := c.(string)
		if _, err := time.Parse(time.RFC3339, cs); err != nil {
			return malformed("the proof's created time %v is not an XML Schema dateTime", c)
		}
	}
	return nil
}

// scopedKey decodes the proof-scoped public key (multikey bytes).
func scopedKey(mk []byte) (*ecdsa.PublicKey, error) {
	k, err := did.DecodeMultikey("z" + base58.Encode(mk))
	if err != nil {
		return nil, malformed("the proof-scoped public key is not a P-256 public key")
	}
	pub, ok := k.(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		return nil, malformed("the proof-scoped public key is not a P-256 public key")
	}
	return pub, nil
}

// verifyP1363 checks an ES256 signature (r || s, 32 bytes each) of msg.
func verifyP1363(pub *ecdsa.PublicKey, msg, sig []byte) bool {
	if len(sig) != signatureSize {
		return false
	}
	h := sha256.Sum256(msg)
	r := new(big.Int).SetBytes(sig[:32])
	s := new(big.Int).SetBytes(sig[32:])
	return ecdsa.Verify(pub, h[:], r, s)
}

func canonicalize(p *jsonld.Processor, doc map[string]any, what string) (string, error) {
	nq, err := p.Canonicalize(doc)
	if err != nil {
		var je *jsonld.Error
		if errors.As(err, &je) {
			return "", &dataintegrity.Error{Reason: ReasonJSONLD, Msg: je.Msg, Err: je}
		}
		return "", fmt.Errorf("canonicalize %s: %w", what, err)
	}
	if nq != "" && !strings.HasSuffix(nq, "\n") {
		return "", fmt.Errorf("canonicalize %s: N-Quads do not end with a line feed", what)
	}
	return nq, nil
}
