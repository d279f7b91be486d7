package verifier

import (
	"context"
	"crypto"
	"fmt"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/credential/jose"
	"github.com/badged/badged/did"
)

// jwt verifies a credential secured as a compact JWS.
func (v *Verifier) jwt(ctx context.Context, token string, rep *report, res *Result) *Result {
	res.Kind = "credential"
	if len(token) > v.maxInput {
		rep.add(CheckFormat, Fail, fmt.Sprintf("the token is %d bytes; the limit is %d", len(token), v.maxInput))
		return rep.result(res)
	}
	t, err := jose.Parse(token)
	if err != nil {
		rep.add(CheckFormat, Fail, "the JWT cannot be read: "+badged.MessageOf(err))
		return rep.result(res)
	}
	// The payload was decoded without the depth limit JSON input gets;
	// refuse it here, before the schema and JSON-LD walk it.
	if v.tooDeep(t.Claims, rep) {
		return rep.result(res)
	}
	res.Securing = "vc-jwt"
	if t.Format == jose.VCJOSE {
		res.Securing = "vc-jose"
	}
	doc := t.Credential
	res.Credential = doc
	rep.add(CheckFormat, Pass, fmt.Sprintf("read as a %s credential (%s)", res.Securing, t.Header.Alg))
	for _, w := range t.Warnings {
		rep.add(CheckFormat, Warning, w)
	}
	if !hasType(doc, "VerifiableCredential") {
		rep.add(CheckType, Fail, "the credential's type does not include VerifiableCredential")
		return rep.result(res)
	}
	c := v.contentOfBytes([]byte(token))
	v.structure(doc, c, rep, res)
	if err := c.soundJSONLD(func() error { return v.ld.Check(withoutProofs(doc)) }); err != nil {
		rep.add(CheckJSONLD, Fail, jsonldMessage(err))
	} else {
		rep.add(CheckJSONLD, Pass, "every term is defined by a known context and every IRI is absolute")
	}

	claims, dates := t.Conflicts(), t.Timing(v.now())
	key, err := v.jwtKey(ctx, t)
	if err != nil && !definitive(err) {
		rep.add(CheckProof, Unchecked, badged.MessageOf(err))
		rep.add(CheckSigner, Unchecked, "the issuer's key could not be fetched")
	} else if err != nil {
		rep.add(CheckProof, Fail, badged.MessageOf(err))
		rep.add(CheckSigner, Skipped, "no verified signature")
	} else if _, err := c.proof(0, key.PublicKey, time.Time{}, func() ([]string, error) { return nil, t.Verify(key.PublicKey) }); err != nil {
		rep.add(CheckProof, Fail, badged.MessageOf(err))
		rep.add(CheckSigner, Skipped, "no verified signature")
	} else {
		res.Signer = key.ID
		if len(claims) == 0 {
			rep.add(CheckProof, Pass, fmt.Sprintf("a valid %s signature by %s", t.Header.Alg, key.ID))
		}
		v.signer(doc, key, rep)
	}
	if len(claims) > 0 {
		// The claims are signed too: one that contradicts the credential
		// means the token does not secure what it appears to.
		rep.add(CheckProof, Fail, "the JWT claims contradict the credential: "+strings.Join(claims, "; "))
	}
	v.validity(doc, rep)
	if c := rep.checks[CheckValidity]; len(dates) > 0 && c.Verdict != Fail {
		// The token's own dates (exp, nbf, iat) are judged even when the
		// credential states none; they are about when, not who, so they are
		// the validity check's, never a failed proof.
		*c = Check{ID: CheckValidity, Verdict: Fail, Message: "the JWT says " + strings.Join(dates, "; ")}
	}
	v.checkStatus(ctx, doc, rep, res)
	return rep.result(res)
}

// jwtKey finds the key a token was signed with: the kid's verification
// method, or a key embedded in the header when its kid is absent. An
// embedded key is only as trustworthy as its link to the issuer, which the
// signer check judges (a did:jwk of it, or nothing).
func (v *Verifier) jwtKey(ctx context.Context, t *jose.Token) (*did.Key, error) {
	if t.Header.Kid != "" {
		key, err := v.resolve(ctx, t.Header.Kid)
		if err != nil {
			return nil, &badged.Error{Kind: badged.KindOf(err), Message: keyMessage("the signature", t.Header.Kid, err), Err: err}
		}
		return key, nil
	}
	if len(t.Header.JWK) > 0 {
		pub, err := t.EmbeddedKey()
		if err != nil {
			return nil, err
		}
		return embeddedKey(t.Credential, pub)
	}
	return nil, badged.Errorf(badged.Invalid, "the token names no key (no kid and no jwk in its header), so its signature cannot be checked")
}

// embeddedKey decides whom a key embedded in a token's header belongs to.
// The key vouches only for itself, so it may stand for the issuer only when
// the issuer's id IS that key (a did:jwk or did:key of it), or, as
// 1EdTech's fixtures do, for an https issuer that publishes nothing badged
// can check, which the signer check then reports as a warning. For any
// other issuer (a did:web, say) its controller is its own did:jwk, so the
// signer check fails: otherwise anyone could sign for that issuer.
func embeddedKey(cred map[string]any, pub crypto.PublicKey) (*did.Key, error) {
	issuer, _ := issuerOf(cred)
	id, err := did.JWKDID(pub)
	if err != nil {
		// No DID can name the key (an RSA key, say): it stands only for itself.
		id = "a key embedded in the token"
	}
	key := &did.Key{VerificationMethod: did.VerificationMethod{ID: "the key embedded in the token's header"}, PublicKey: pub, Controller: id}
	if kd, err := did.KeyDID(pub); err == nil && issuer == kd {
		id = kd
	}
	switch {
	case issuer == id:
		key.Controller, key.AssertionMethod = issuer, true
	case strings.HasPrefix(issuer, "https://"):
		key.Controller, key.SelfAsserted = issuer, true
	}
	return key, nil
}

// nesting returns how deeply objects and arrays nest in a decoded JSON
// value, counting no further than limit+1.
func nesting(v any, limit int) int {
	if limit < 0 {
		return 0
	}
	deepest := 0
	switch v := v.(type) {
	case map[string]any:
		for _, e := range v {
			deepest = max(deepest, nesting(e, limit-1))
			if deepest >= limit {
				break
			}
		}
	case []any:
		for _, e := range v {
			deepest = max(deepest, nesting(e, limit-1))
			if deepest >= limit {
				break
			}
		}
	default:
		return 0
	}
	return deepest + 1
}
