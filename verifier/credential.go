package verifier

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/credential"
	"github.com/badged/badged/credential/dataintegrity"
	"github.com/badged/badged/credential/ecdsasd"
	"github.com/badged/badged/did"
	"github.com/badged/badged/jsonld"
)

// obTypes are the types that make a credential an Open Badge.
var obTypes = []string{credential.TypeOpenBadgeCredential, credential.TypeAchievementCredential, credential.TypeEndorsementCredential}

// credential verifies a credential with embedded proofs; c is its content
// for the memo.
func (v *Verifier) credential(ctx context.Context, doc map[string]any, c content, rep *report, res *Result) *Result {
	res.Kind = "credential"
	res.Credential = doc
	rep.add(CheckFormat, Pass, "read as a JSON-LD credential")
	if !hasType(doc, "VerifiableCredential") {
		rep.add(CheckType, Fail, "the document's type does not include VerifiableCredential")
		return rep.result(res)
	}
	v.structure(doc, c, rep, res)

	proofs, err := dataintegrity.Proofs(doc)
	switch {
	case err != nil:
		rep.add(CheckProof, Fail, err.Error())
	case len(proofs) == 0:
		rep.add(CheckProof, Fail, "the credential has no proof: nothing shows who issued it")
	case len(proofs) > v.limits.Proofs:
		rep.add(CheckProof, Fail, fmt.Sprintf("the credential has %d proofs; badged checks at most %d, so none was checked", len(proofs), v.limits.Proofs))
	default:
		v.dataIntegrity(ctx, doc, c, proofs, rep, res)
	}
	v.validity(doc, rep)
	v.checkStatus(ctx, doc, rep, res)
	return rep.result(res)
}

// structure runs the structural rules (Open Badges 3.0 for Open Badges,
// VC 2.0 for other credentials) and records the issuer.
func (v *Verifier) structure(doc map[string]any, c content, rep *report, res *Result) {
	res.Issuer, res.IssuerName = issuerOf(doc)
	var problems []credential.Problem
	if hasType(doc, obTypes...) || usesOBContext(doc) {
		problems = c.problems(doc, credential.Validate)
	} else {
		problems = c.problems(doc, credential.ValidateVC)
	}
	for _, p := range problems {
		verdict := Fail
		if p.Warning {
			verdict = Warning
		}
		msg := p.Message
		if p.Path != "" && p.Path != "/" {
			msg = p.Path + ": " + msg
		}
		id := p.Check
		switch id {
		case credential.CheckValidity, credential.CheckProof, credential.CheckStatus,
			credential.CheckContext, credential.CheckType, credential.CheckSchema,
			credential.CheckIssuer, credential.CheckSubject, credential.CheckEvidence:
		default:
			id = CheckSchema
		}
		rep.add(id, verdict, msg)
	}
	if hasType(doc, obTypes...) || usesOBContext(doc) {
		rep.otherwise(CheckSchema, Pass, "conforms to the Open Badges 3.0 JSON schema")
	} else {
		rep.otherwise(CheckSchema, Pass, "not an Open Badge: the VC 2.0 rules apply")
	}
	for _, id := range []string{CheckContext, CheckType, CheckIssuer, CheckSubject, CheckEvidence} {
		rep.otherwise(id, Pass, "as the standard requires")
	}
}

// usesOBContext reports whether the credential declares an Open Badges
// context: then it must be an Open Badge, and is judged as one.
func usesOBContext(doc map[string]any) bool {
	for _, c := range jsonld.List(doc["@context"]) {
		if s, ok := c.(string); ok && strings.HasPrefix(s, "https://purl.imsglobal.org/spec/ob/v3p0/context") {
			return true
		}
	}
	return false
}

// issuerOf returns the issuer id and name of a credential (issuer is a URL
// or a Profile object).
func issuerOf(doc map[string]any) (id, name string) {
	switch is := doc["issuer"].(type) {
	case string:
		return is, ""
	case map[string]any:
		id, _ = is["id"].(string)
		switch n := is["name"].(type) {
		case string:
			name = n
		case map[string]any:
			for _, lang := range []string{"en", "nl"} {
				if s, ok := n[lang].(string); ok {
					return id, s
				}
			}
		}
	}
	return id, name
}

// dataIntegrity verifies the embedded proofs: the credential is signed when
// at least one supported proof verifies and none fails; proofs of a type
// badged does not know are reported as not checked.
func (v *Verifier) dataIntegrity(ctx context.Context, doc map[string]any, c content, proofs []map[string]any, rep *report, res *Result) {
	docChecked := false
	verified := 0
	var unsupported []string // the types of proofs badged does not check
	var signers []signedBy   // the proofs that verified
	// A context this verifier does not hold (another deployment's own, say)
	// is never fetched: what it defines, and so what the proofs cover,
	// cannot be known, which is no evidence of tampering.
	unknown := v.unknownContexts(doc)
	if len(unknown) > 0 {
		rep.add(CheckJSONLD, Unchecked, unknownContextsMessage(unknown))
		docChecked = true
	}
	for i, proof := range proofs {
		label := "the proof"
		if len(proofs) > 1 {
			label = fmt.Sprintf("proof %d", i+1)
		}
		suite := dataintegrity.SuiteOf(proof)
		if res.Securing == "" {
			res.Securing = suite
		}
		vm, _ := proof["verificationMethod"].(string)
		if t, _ := proof["type"].(string); t == "" {
			rep.addReason(CheckProof, Fail, ReasonProofType, label+" has no type")
			v.checkProofJSONLD(doc, proof, rep)
			continue
		}
		if !supportedProof(proof) {
			rep.add(CheckProof, Warning, fmt.Sprintf("%s has type %v, which badged does not check", label, proof["type"]))
			unsupported = append(unsupported, fmt.Sprint(proof["type"]))
			v.checkProofJSONLD(doc, proof, rep)
			continue
		}
		if suite != ecdsasd.Cryptosuite {
			// A proof that cannot verify is refused before its key is
			// fetched.
			if _, _, err := dataintegrity.CheckShape(proof); err != nil {
				rep.addReason(CheckProof, Fail, reasonOf(err), label+": "+err.Error())
				v.checkProofJSONLD(doc, proof, rep)
				continue
			}
		}
		key, err := v.resolve(ctx, vm)
		if err != nil {
			rep.addReason(CheckProof, verdictOf(err), ReasonVerificationMethod, keyMessage(label, vm, err))
			v.checkProofJSONLD(doc, proof, rep)
			continue
		}
		if len(unknown) > 0 {
			rep.add(CheckProof, Unchecked, fmt.Sprintf("%s could not be checked: it covers the context %s, which this verifier does not hold",
				label, strings.Join(unknown, ", ")))
			continue
		}
		var warnings []string
		if suite == ecdsasd.Cryptosuite {
			err = v.verifyECDSASD(doc, proof, key)
		} else {
			warnings, err = c.proof(i, key.PublicKey, expiresOf(proof), func() ([]string, error) {
				return v.proofs.Verify(doc, proof, key.PublicKey, dataintegrity.VerifyOptions{Purpose: dataintegrity.AssertionMethod, Now: v.now()})
			})
		}
		var de *dataintegrity.Error
		switch {
		case errors.As(err, &de) && de.Reason == dataintegrity.ReasonJSONLD:
			rep.add(CheckJSONLD, Fail, de.Msg)
			rep.add(CheckProof, Fail, label+" was not checked: the document is not sound JSON-LD, so its signature would not cover all of it")
			docChecked = true
			continue
		case err != nil:
			rep.addReason(CheckProof, Fail, reasonOf(err), label+": "+err.Error())
			if suite == dataintegrity.JCS {
				v.checkProofJSONLD(doc, proof, rep)
			}
			continue
		}
		if suite != dataintegrity.JCS {
			// RDF canonicalization of the document and of this proof's
			// configuration succeeded: both are sound JSON-LD.
			docChecked = true
		} else {
			v.checkProofJSONLD(doc, proof, rep)
		}
		verified++
		for _, w := range warnings {
			rep.add(CheckProof, Warning, w)
		}
		rep.add(CheckProof, Pass, fmt.Sprintf("%s (%s) is a valid signature by %s", label, suite, vm))
		signers = append(signers, signedBy{label, vm, key})
	}
	v.signers(doc, signers, rep, res)
	if !docChecked {
		if err := c.soundJSONLD(func() error { return v.ld.Check(withoutProofs(doc)) }); err != nil {
			rep.add(CheckJSONLD, Fail, jsonldMessage(err))
		}
	}
	proof := rep.checks[CheckProof]
	if verified == 0 && proof != nil && proof.Verdict != Fail && proof.Verdict != Unchecked {
		msg := "no proof badged can check verifies the credential"
		if len(unsupported) == len(proofs) {
			msg = fmt.Sprintf("the credential has no proof of a type badged checks (%s); badged checks %s and %s proofs",
				strings.Join(unsupported, ", "), dataintegrity.ProofType, dataintegrity.Ed25519Signature2020)
		}
		rep.addReason(CheckProof, Fail, ReasonProofType, msg)
	}
	rep.otherwise(CheckJSONLD, Pass, "every term is defined by a known context and every IRI is absolute")
	if verified == 0 && proof != nil && proof.Verdict == Unchecked {
		if len(unknown) > 0 {
			rep.otherwise(CheckSigner, Unchecked, "no proof could be checked")
		}
		rep.otherwise(CheckSigner, Unchecked, "the issuer's key could not be fetched")
	}
	rep.otherwise(CheckSigner, Skipped, "no verified proof")
}

// keyMessage says why the key of a proof could not be had: a definitive
// answer (no such key) or the reason it could not be fetched.
func keyMessage(label, vm string, err error) string {
	if definitive(err) {
		return fmt.Sprintf("%s: the key %s could not be found: %s", label, vm, badged.MessageOf(err))
	}
	return fmt.Sprintf("%s could not be checked: the key %s could not be fetched (%s)", label, vm, badged.MessageOf(err))
}

// verifyECDSASD verifies an ecdsa-sd-2023 derived proof, which must be
// made for assertionMethod with a P-256 key. Errors are
// *dataintegrity.Error, as for the other cryptosuites.
func (v *Verifier) verifyECDSASD(doc, proof map[string]any, key *did.Key) error {
	if p, _ := proof["proofPurpose"].(string); p != "" && p != dataintegrity.AssertionMethod {
		return &dataintegrity.Error{Reason: dataintegrity.ReasonPurpose, Field: "proofPurpose", Msg: fmt.Sprintf("proofPurpose is %s, expected %s", p, dataintegrity.AssertionMethod)}
	}
	pub, _ := key.PublicKey.(*ecdsa.PublicKey)
	return ecdsasd.Verify(v.ld, doc, proof, pub)
}

// expiresOf returns a proof's expires, zero when it has none (or none
// that reads as a time, which fails the proof).
func expiresOf(proof map[string]any) time.Time {
	s, _ := proof["expires"].(string)
	t, _ := time.Parse(time.RFC3339, s)
	return t
}

func supportedProof(proof map[string]any) bool {
	t, _ := proof["type"].(string)
	return t == dataintegrity.ProofType || t == dataintegrity.Ed25519Signature2020
}

// checkProofJSONLD checks that a proof object is sound JSON-LD in the
// document's context, for proofs whose configuration was not canonicalized:
// the proof is checked as a node of its own with the document's @context,
// as eddsa-rdfc-2022 canonicalizes a proof configuration.
func (v *Verifier) checkProofJSONLD(doc, proof map[string]any, rep *report) {
	if len(v.unknownContexts(doc)) > 0 {
		return // reported unchecked by dataIntegrity
	}
	config := make(map[string]any, len(proof)+1)
	for k, val := range proof {
		config[k] = val
	}
	config["@context"] = doc["@context"]
	if err := v.ld.Check(config); err != nil {
		rep.add(CheckJSONLD, Fail, "proof: "+jsonldMessage(err))
	}
}

func jsonldMessage(err error) string {
	var je *jsonld.Error
	if errors.As(err, &je) {
		return je.Msg
	}
	return err.Error()
}

func withoutProofs(doc map[string]any) map[string]any {
	out := make(map[string]any, len(doc))
	for k, val := range doc {
		if k != "proof" {
			out[k] = val
		}
	}
	return out
}

func (v *Verifier) resolve(ctx context.Context, vm string) (*did.Key, error) {
	if vm == "" {
		return nil, badged.Errorf(badged.Invalid, "the proof names no verification method")
	}
	if v.keys == nil {
		return nil, badged.Errorf(badged.Unavailable, "no key resolver is configured")
	}
	return v.keys.ResolveKey(ctx, vm)
}

// signedBy is a proof that verified: its label, verification method and
// key.
type signedBy struct {
	label, vm string
	key       *did.Key
}

// signers decides who signed a credential whose proofs all verified. A
// proof by another party than the issuer (a countersignature or a
// notary's, in a proof set or chain) is no forgery when another proof is
// the issuer's: the issuer signed, and another signed as well. Without a
// proof by the issuer, each proof is judged as the only one would be.
func (v *Verifier) signers(doc map[string]any, signed []signedBy, rep *report, res *Result) {
	if len(signed) == 0 {
		return
	}
	judged := make([]signerJudgement, len(signed))
	byIssuer := -1
	for i, s := range signed {
		judged[i] = judgeSigner(doc, s.key)
		if byIssuer < 0 && !judged[i].otherParty && judged[i].verdict != Fail {
			byIssuer = i
		}
	}
	if byIssuer < 0 {
		res.Signer = signed[len(signed)-1].vm
		for _, j := range judged {
			rep.addReason(CheckSigner, j.verdict, j.reason, j.message)
		}
		return
	}
	res.Signer = signed[byIssuer].vm
	for i, j := range judged {
		if j.otherParty {
			rep.add(CheckSigner, Pass, fmt.Sprintf("%s is a further signature, by %s, beside the issuer's", signed[i].label, signed[i].key.Controller))
			continue
		}
		rep.addReason(CheckSigner, j.verdict, j.reason, j.message)
	}
}

// signer decides whether the key that signed the credential's one
// signature belongs to the issuer.
func (v *Verifier) signer(doc map[string]any, key *did.Key, rep *report) {
	j := judgeSigner(doc, key)
	rep.addReason(CheckSigner, j.verdict, j.reason, j.message)
}

// signerJudgement is what the signer check finds of one key that signed:
// otherParty when the key is another's than the issuer, which can publish
// keys.
type signerJudgement struct {
	verdict         Verdict
	reason, message string
	otherParty      bool
}

// judgeSigner decides whether a key that signed belongs to the issuer.
func judgeSigner(doc map[string]any, key *did.Key) signerJudgement {
	issuer, _ := issuerOf(doc)
	switch {
	case issuer == "":
		return signerJudgement{verdict: Fail, message: "the credential names no issuer"}
	case key.Controller != issuer && !canPublishKeys(issuer):
		return signerJudgement{verdict: Warning, message: fmt.Sprintf("the issuer %s is not a DID or https URL, so it publishes no keys; the credential was signed by %s, which nothing ties to the issuer", issuer, key.Controller)}
	case key.Controller != issuer:
		return signerJudgement{verdict: Fail, message: fmt.Sprintf("the key belongs to %s, not to the issuer %s", key.Controller, issuer), otherParty: true}
	case key.SelfAsserted:
		return signerJudgement{verdict: Warning, message: fmt.Sprintf("the key comes with the credential itself (in the verification method's URL or the token's header); nothing %s publishes confirms it is theirs", issuer)}
	case !key.AssertionMethod:
		return signerJudgement{verdict: Fail, reason: ReasonProofPurpose, message: fmt.Sprintf("%s does not list the key as one that may issue credentials (assertionMethod), the proof's purpose", issuer)}
	}
	return signerJudgement{verdict: Pass, message: fmt.Sprintf("the key is one %s lists for issuing credentials", issuer)}
}

// canPublishKeys reports whether an issuer id is one that can publish keys
// (a DID or an https URL), so that a signature by anyone else is a forgery.
func canPublishKeys(issuer string) bool {
	return strings.HasPrefix(issuer, "did:") || strings.HasPrefix(issuer, "https://")
}

// validity judges validFrom and validUntil (issuanceDate and
// expirationDate in VC 1.1) against the clock.
func (v *Verifier) validity(doc map[string]any, rep *report) {
	now := v.now()
	from, fromName := dateOf(doc, "validFrom", "issuanceDate")
	until, untilName := dateOf(doc, "validUntil", "expirationDate")
	switch {
	case !from.IsZero() && now.Before(from):
		rep.add(CheckValidity, Fail, fmt.Sprintf("not yet valid: %s is %s", fromName, from.Format(time.RFC3339)))
	case !until.IsZero() && !now.Before(until):
		rep.add(CheckValidity, Fail, fmt.Sprintf("expired: %s is %s", untilName, until.Format(time.RFC3339)))
	case !until.IsZero():
		rep.add(CheckValidity, Pass, fmt.Sprintf("valid until %s", until.Format(time.RFC3339)))
	default:
		rep.add(CheckValidity, Pass, "valid now, with no end date")
	}
}

func dateOf(doc map[string]any, names ...string) (time.Time, string) {
	for _, n := range names {
		if s, ok := doc[n].(string); ok {
			if t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s)); err == nil {
				return t, n
			}
		}
	}
	return time.Time{}, ""
}

// unknownContexts returns the context URLs of doc's @context that v's
// JSON-LD processor does not hold.
func (v *Verifier) unknownContexts(doc map[string]any) []string {
	var urls []string
	switch c := doc["@context"].(type) {
	case string:
		urls = []string{c}
	case []any:
		for _, e := range c {
			if u, ok := e.(string); ok {
				urls = append(urls, u)
			}
		}
	}
	var unknown []string
	for _, u := range urls {
		if !v.ld.Known(u) {
			unknown = append(unknown, u)
		}
	}
	return unknown
}

func unknownContextsMessage(unknown []string) string {
	return fmt.Sprintf("the context %s is not one this verifier holds, and contexts are never fetched: "+
		"what it defines, and so what the signature covers, could not be checked (an operator can add it with BADGED_CONTEXTS_DIR)",
		strings.Join(unknown, ", "))
}
