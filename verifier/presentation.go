package verifier

import (
	"context"
	"fmt"
	"strings"

	"github.com/badged/badged/credential/dataintegrity"
	"github.com/badged/badged/jsonld"
)

// PresentationOptions are what the verifier asked the holder for.
type PresentationOptions struct {
	Challenge string // required to match when set
	Domain    string // required to match when set
}

// VerifyPresentation verifies a verifiable presentation: its own proof
// (purpose authentication, with the expected challenge and domain), that
// the key that signed it is the holder's, and each credential it carries.
func (v *Verifier) VerifyPresentation(ctx context.Context, doc map[string]any, o PresentationOptions) *Result {
	v = v.begin()
	rep, res := newReport(), &Result{Container: "json"}
	if v.tooDeep(doc, rep) {
		return v.observed(rep.result(res))
	}
	return v.observed(v.presentation(ctx, doc, o, rep, res))
}

func (v *Verifier) presentation(ctx context.Context, doc map[string]any, o PresentationOptions, rep *report, res *Result) *Result {
	res.Kind = "presentation"
	res.Credential = doc
	rep.add(CheckFormat, Pass, "read as a JSON-LD verifiable presentation")
	holder, _ := doc["holder"].(string)
	if h, ok := doc["holder"].(map[string]any); ok {
		holder, _ = h["id"].(string)
	}

	proofs, err := dataintegrity.Proofs(doc)
	switch {
	case err != nil:
		rep.add(CheckHolder, Fail, err.Error())
	case len(proofs) == 0:
		rep.add(CheckHolder, Fail, "the presentation has no proof: nothing binds it to its holder")
	default:
		v.presentationProof(ctx, doc, proofs[0], holder, o, rep, res)
	}

	v.presentedCredentials(ctx, jsonld.List(doc["verifiableCredential"]), rep, res)
	return rep.result(res)
}

// presentedCredentials verifies the credentials a presentation carries
// into res.Credentials, and says on the holder check which did not verify
// (none is checked when there are more than the limit).
func (v *Verifier) presentedCredentials(ctx context.Context, creds []any, rep *report, res *Result) {
	if len(creds) > v.limits.Credentials {
		rep.add(CheckHolder, Fail, fmt.Sprintf("the presentation carries %d credentials; badged verifies at most %d in one presentation, so none was checked", len(creds), v.limits.Credentials))
		return
	}
	for i, c := range creds {
		var r *Result
		switch c := c.(type) {
		case map[string]any:
			if token, ok := envelopedJWT(c); ok {
				r = v.VerifyJWT(ctx, token)
			} else {
				r = v.VerifyCredential(ctx, c)
			}
		case string:
			r = v.VerifyJWT(ctx, c)
		default:
			r = &Result{Verdict: Invalid, Checks: []Check{{ID: CheckFormat, Verdict: Fail, Message: "not a credential"}}}
		}
		res.Credentials = append(res.Credentials, r)
		switch r.Verdict {
		case Indeterminate:
			rep.add(CheckHolder, Unchecked, fmt.Sprintf("credential %d could not be fully checked", i+1))
		case Valid:
		default:
			rep.add(CheckHolder, Fail, fmt.Sprintf("credential %d does not verify", i+1))
		}
	}
	if len(res.Credentials) == 0 {
		rep.add(CheckHolder, Warning, "the presentation carries no credentials")
	}
}

func (v *Verifier) presentationProof(ctx context.Context, doc, proof map[string]any, holder string, o PresentationOptions, rep *report, res *Result) {
	vm, _ := proof["verificationMethod"].(string)
	res.Securing = dataintegrity.SuiteOf(proof)
	if _, _, err := dataintegrity.CheckShape(proof); err != nil {
		rep.addReason(CheckHolder, Fail, reasonOf(err), "the presentation's proof: "+err.Error())
		return
	}
	key, err := v.resolve(ctx, vm)
	if err != nil {
		rep.addReason(CheckHolder, verdictOf(err), ReasonVerificationMethod, keyMessage("the presentation's proof", vm, err))
		return
	}
	vo := dataintegrity.VerifyOptions{Purpose: dataintegrity.Authentication, Challenge: o.Challenge, Domain: o.Domain, Now: v.now()}
	if _, err := v.proofs.Verify(doc, proof, key.PublicKey, vo); err != nil {
		rep.addReason(CheckHolder, Fail, reasonOf(err), "the presentation's proof: "+err.Error())
		return
	}
	res.Signer = vm
	if holder != "" && key.Controller != holder {
		rep.add(CheckHolder, Fail, fmt.Sprintf("the presentation was signed by %s, not by its holder %s", key.Controller, holder))
		return
	}
	if !key.Authentication && !key.SelfAsserted {
		rep.addReason(CheckHolder, Fail, ReasonProofPurpose, fmt.Sprintf("%s does not list the key as one that may prove who they are (authentication), the proof's purpose", key.Controller))
		return
	}
	msg := "signed by the holder " + key.Controller
	if o.Challenge != "" {
		msg += ", for the expected challenge"
	}
	rep.add(CheckHolder, Pass, msg)
}

// envelopedMediaTypes are the data: URL prefixes of an
// EnvelopedVerifiableCredential whose content is a compact JWS
// (VC-JOSE-COSE; vc-ld+jwt and jwt as drafts and OB 3.0 wrote them).
var envelopedMediaTypes = []string{"data:application/vc+jwt,", "data:application/vc-ld+jwt,", "data:application/jwt,"}

// envelopedJWT returns the compact JWS of an EnvelopedVerifiableCredential
// (VC 2.0 section 4.13), the form a JWT credential takes inside a
// presentation secured with eddsa-rdfc-2022: as a bare string, a JSON-LD
// processor cannot put it in the credential's graph and refuses it.
func envelopedJWT(c map[string]any) (string, bool) {
	if !hasType(c, "EnvelopedVerifiableCredential") {
		return "", false
	}
	id, _ := c["id"].(string)
	for _, prefix := range envelopedMediaTypes {
		if token, ok := strings.CutPrefix(id, prefix); ok {
			return token, true
		}
	}
	return "", false
}
