package openid4vp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/verifier"
)

// Response is a wallet's direct_post to the response endpoint: vp_token
// and state, or an error when the holder declined or the wallet failed.
type Response struct {
	VPToken          string
	State            string
	Error            string
	ErrorDescription string
}

// maxVPToken bounds the vp_token a response may carry.
const maxVPToken = 512 << 10

// Respond checks the response to the request ref and records what came
// of it: a transaction takes one response, so its nonce is used up by the
// first, accepted or not. It returns the outcome, and for a refused
// response an *Error invalid_request saying why: an unknown, expired or
// answered request (a replay), a wrong state, a malformed vp_token, a
// presentation made for another request (its challenge is not this
// request's nonce, or its domain not this verifier's client_id), one not
// signed by the holder of every credential it carries, a credential that
// is not what was asked, or one that does not verify (tampered, revoked,
// expired). A presentation that could not be fully checked (a status
// list out of reach) is accepted: the outcome's result says what could
// not be checked. A wallet's error response is recorded and accepted.
func (s *Service) Respond(ctx context.Context, ref string, r Response) (*Outcome, error) {
	t, err := s.pending(ctx, ref, CodeInvalidRequest)
	if err != nil {
		return nil, err
	}
	out := &Outcome{}
	refusal := s.check(ctx, ref, t, r, out)
	if refusal != nil {
		out.Error, out.Description = refusal.Code, refusal.Description
	}
	out.Received = s.now().UTC()
	_, err = s.store.UpdateTransaction(ctx, t.ID, func(t *Transaction) error {
		if t.Outcome != nil {
			return fail(CodeInvalidRequest, "the request was already answered")
		}
		t.Outcome = out
		return nil
	})
	var pe *Error
	switch {
	case errors.As(err, &pe):
		return nil, pe
	case err != nil:
		return nil, fmt.Errorf("record response: %w", err)
	case refusal != nil:
		return out, refusal
	}
	return out, nil
}

// check checks r and fills out's result; it returns the refusal, if any.
func (s *Service) check(ctx context.Context, ref string, t *Transaction, r Response, out *Outcome) *Error {
	if r.State != stateOf(ref) {
		return fail(CodeInvalidRequest, "state is not this request's")
	}
	if r.Error != "" {
		// The wallet's error response: recorded, not refused.
		out.Error, out.Description, out.Declined = r.Error, r.ErrorDescription, true
		return nil
	}
	if r.VPToken == "" {
		return fail(CodeInvalidRequest, "vp_token is missing")
	}
	if len(r.VPToken) > maxVPToken {
		return fail(CodeInvalidRequest, "vp_token is larger than %d bytes", maxVPToken)
	}
	var token map[string][]any
	if err := json.Unmarshal([]byte(r.VPToken), &token); err != nil {
		return &Error{Code: CodeInvalidRequest, Description: "vp_token must be a JSON object of arrays of presentations by credential query id", Err: err}
	}
	if len(token) != 1 {
		return fail(CodeInvalidRequest, "vp_token must answer one credential query, %q or %q", CredentialQueryID, CredentialQueryIDJWT)
	}
	opts := verifier.PresentationOptions{Challenge: nonceOf(ref), Domain: s.ClientID()}
	var res *verifier.Result
	for id, presented := range token {
		if len(presented) != 1 {
			return fail(CodeInvalidRequest, "vp_token must carry one presentation for %q", id)
		}
		switch p := presented[0].(type) {
		case map[string]any:
			if id != CredentialQueryID {
				return fail(CodeInvalidRequest, "an ldp_vp answers %q", CredentialQueryID)
			}
			res = s.verifier.VerifyPresentation(ctx, p, opts)
		case string:
			if id != CredentialQueryIDJWT {
				return fail(CodeInvalidRequest, "a VP-JWT answers %q", CredentialQueryIDJWT)
			}
			res = s.verifier.VerifyPresentationJWT(ctx, p, opts)
		default:
			return fail(CodeInvalidRequest, "a presentation is an ldp_vp (a JSON object) or a VP-JWT (a string)")
		}
	}
	if b, err := json.Marshal(res); err == nil {
		out.Result = b
	}
	return judge(t.Ask, res)
}

// judge returns the refusal of a checked presentation, or nil to accept it.
func judge(ask Ask, res *verifier.Result) *Error {
	for _, c := range res.Checks {
		if c.ID != verifier.CheckHolder || c.Verdict != verifier.Fail {
			continue
		}
		switch c.Reason {
		case verifier.ReasonChallenge:
			return fail(CodeInvalidRequest, "the presentation was made for another request: its challenge is not this request's nonce")
		case verifier.ReasonDomain:
			return fail(CodeInvalidRequest, "the presentation was made for another verifier: its domain is not this verifier's client_id")
		}
	}
	if res.Verdict == verifier.Invalid {
		return fail(CodeInvalidRequest, "the presentation does not verify: %s", failures(res))
	}
	holder, _, _ := strings.Cut(res.Signer, "#")
	for i, c := range res.Credentials {
		doc := c.Credential
		if !ask.Matches(doc) {
			return fail(CodeInvalidRequest, "credential %d is not what was asked for", i+1)
		}
		if !BoundTo(doc, holder) {
			return fail(CodeInvalidRequest, "credential %d is not bound to the holder who signed the presentation (%s)", i+1, holder)
		}
	}
	if len(res.Credentials) == 0 {
		return fail(CodeInvalidRequest, "the presentation carries no credential")
	}
	return nil
}

// failures lists the failed checks of a result and its credentials.
func failures(res *verifier.Result) string {
	var msgs []string
	for _, c := range res.Failed() {
		msgs = append(msgs, c.Message)
	}
	for i, cr := range res.Credentials {
		for _, c := range cr.Failed() {
			msgs = append(msgs, fmt.Sprintf("credential %d: %s", i+1, c.Message))
		}
	}
	return strings.Join(msgs, "; ")
}

// BoundTo reports whether a credential (decoded JSON) is bound to holder:
// every credentialSubject has an id, and it is holder's DID. A credential
// whose subject is named otherwise (a hashed e-mail address) is not: a
// presentation of it proves nothing about who presents it.
func BoundTo(cred map[string]any, holder string) bool {
	ids := subjectIDs(cred)
	return holder != "" && len(ids) > 0 && len(ids) == len(jsonld.List(cred["credentialSubject"])) && allEqual(ids, holder)
}

func subjectIDs(cred map[string]any) []string {
	var ids []string
	for _, v := range selectPath([]any{cred}, []any{"credentialSubject", "id"}) {
		if s, ok := v.(string); ok {
			ids = append(ids, s)
		}
	}
	return ids
}

func allEqual(ids []string, want string) bool {
	for _, id := range ids {
		if id != want {
			return false
		}
	}
	return true
}
