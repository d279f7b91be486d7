package verifier

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/badged/badged/jsonld"
	gojose "github.com/go-jose/go-jose/v4"
)

// VerifyPresentationJWT verifies a verifiable presentation secured as a
// JWT (a VP-JWT, as OpenID4VP's jwt_vc_json format has wallets send it):
// its signature by the key its kid names (a DID URL: the holder's), its
// nonce and aud against the expected challenge and domain, its iss and
// holder when present against that key's DID, its dates, and each
// credential of its vp claim.
func (v *Verifier) VerifyPresentationJWT(ctx context.Context, token string, o PresentationOptions) *Result {
	v = v.begin()
	rep, res := newReport(), &Result{Container: "jwt", Kind: "presentation", Securing: "vp-jwt"}
	if len(token) > v.maxInput {
		rep.add(CheckFormat, Fail, fmt.Sprintf("the token is %d bytes; the limit is %d", len(token), v.maxInput))
		return rep.result(res)
	}
	jws, err := gojose.ParseSigned(token, []gojose.SignatureAlgorithm{gojose.EdDSA, gojose.ES256})
	if err != nil || len(jws.Signatures) != 1 {
		rep.add(CheckFormat, Fail, "the presentation is not a compact JWS signed with EdDSA or ES256")
		return rep.result(res)
	}
	var claims map[string]any
	if err := json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &claims); err != nil {
		rep.add(CheckFormat, Fail, "the JWT's claims are not a JSON object")
		return rep.result(res)
	}
	if v.tooDeep(claims, rep) {
		return rep.result(res)
	}
	vp, _ := claims["vp"].(map[string]any)
	if vp == nil {
		rep.add(CheckFormat, Fail, "the JWT has no vp claim: it is not a presentation")
		return rep.result(res)
	}
	res.Credential = vp
	rep.add(CheckFormat, Pass, fmt.Sprintf("read as a JWT verifiable presentation (%s)", jws.Signatures[0].Protected.Algorithm))
	v.presentationJWTProof(ctx, jws, claims, vp, o, rep, res)
	v.presentedCredentials(ctx, jsonld.List(vp["verifiableCredential"]), rep, res)
	return rep.result(res)
}

// presentationJWTProof checks who signed a VP-JWT, and for what.
func (v *Verifier) presentationJWTProof(ctx context.Context, jws *gojose.JSONWebSignature, claims, vp map[string]any, o PresentationOptions, rep *report, res *Result) {
	kid := jws.Signatures[0].Protected.KeyID
	if !strings.HasPrefix(kid, "did:") {
		rep.add(CheckHolder, Fail, "the presentation's kid must be a DID URL of the holder's key")
		return
	}
	key, err := v.resolve(ctx, kid)
	if err != nil {
		rep.addReason(CheckHolder, verdictOf(err), ReasonVerificationMethod, keyMessage("the presentation's signature", kid, err))
		return
	}
	if _, err := jws.Verify(key.PublicKey); err != nil {
		rep.addReason(CheckHolder, Fail, ReasonSignature, "the presentation's signature does not verify with "+kid)
		return
	}
	res.Signer = kid
	nonce, _ := claims["nonce"].(string)
	holder, _ := vp["holder"].(string)
	iss, _ := claims["iss"].(string)
	now := v.now().Unix()
	exp, hasExp := claims["exp"].(float64)
	nbf, hasNbf := claims["nbf"].(float64)
	switch {
	case o.Challenge != "" && nonce != o.Challenge:
		rep.addReason(CheckHolder, Fail, ReasonChallenge, "the presentation's nonce is not the challenge expected")
	case o.Domain != "" && !audienceIs(claims["aud"], o.Domain):
		rep.addReason(CheckHolder, Fail, ReasonDomain, "the presentation's aud is not the domain expected")
	case iss != "" && iss != key.Controller:
		rep.add(CheckHolder, Fail, fmt.Sprintf("the presentation was signed by %s, not by its issuer %s", key.Controller, iss))
	case holder != "" && holder != key.Controller:
		rep.add(CheckHolder, Fail, fmt.Sprintf("the presentation was signed by %s, not by its holder %s", key.Controller, holder))
	case hasExp && float64(now) >= exp:
		rep.addReason(CheckHolder, Fail, ReasonExpires, "the presentation has expired (exp)")
	case hasNbf && float64(now) < nbf-60:
		rep.addReason(CheckHolder, Fail, ReasonCreated, "the presentation is not valid yet (nbf)")
	default:
		msg := "signed by the holder " + key.Controller
		if o.Challenge != "" {
			msg += ", for the expected challenge"
		}
		rep.add(CheckHolder, Pass, msg)
	}
}

// audienceIs reports whether a JWT's aud (a string or an array) names aud.
func audienceIs(v any, aud string) bool {
	switch a := v.(type) {
	case string:
		return a == aud
	case []any:
		for _, x := range a {
			if x == aud {
				return true
			}
		}
	}
	return false
}
