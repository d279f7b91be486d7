package openid4vp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/did"
	"github.com/badged/badged/egress"
	gojose "github.com/go-jose/go-jose/v4"
)

// KeyResolver finds the public key of a verification method;
// *did.Resolver is one.
type KeyResolver interface {
	ResolveKey(ctx context.Context, vmURL string) (*did.Key, error)
}

// Request is a verifier's request as a wallet reads it, checked.
type Request struct {
	ClientID    string // with its prefix
	Verifier    string // the DID that signed the request
	ClientName  string // what the verifier calls itself (unverified)
	ResponseURI string
	State       string
	Nonce       string
	Query       *Query
	Expires     time.Time
}

// maxRequestObject bounds a fetched request object.
const maxRequestObject = 64 << 10

// ParseLink reads an openid4vp:// link (or its query) for its client_id
// and request_uri. The error is *Error invalid_request for anything else,
// a request by value included: badged's backpack answers signed requests
// by reference only.
func ParseLink(link string) (clientID, requestURI string, err error) {
	link = strings.TrimSpace(link)
	u, perr := url.Parse(link)
	if perr != nil || (u.Scheme != "openid4vp" && u.Scheme != "") {
		return "", "", fail(CodeInvalidRequest, "the link is not an openid4vp:// link")
	}
	q := u.Query()
	clientID, requestURI = q.Get("client_id"), q.Get("request_uri")
	if clientID == "" || requestURI == "" {
		return "", "", fail(CodeInvalidRequest, "the link must carry client_id and request_uri (a signed request by reference)")
	}
	return clientID, requestURI, nil
}

// FetchRequest fetches the request object of an openid4vp:// link through
// client (the egress guard decides where it may go) and checks it: a JWT
// of typ oauth-authz-req+jwt signed by a key of the DID its client_id
// names (the decentralized_identifier prefix, resolved through keys),
// for the same client_id, asking for vp_token by direct_post with a
// nonce, a state and a DCQL query, not expired at now. Errors: *Error
// invalid_request or invalid_request_object saying what is wrong; the
// egress guard's *badged.Error when the request cannot be fetched.
func FetchRequest(ctx context.Context, client *http.Client, keys KeyResolver, link string, now time.Time) (*Request, error) {
	clientID, requestURI, err := ParseLink(link)
	if err != nil {
		return nil, err
	}
	verifierDID, ok := strings.CutPrefix(clientID, "decentralized_identifier:")
	if !ok || !strings.HasPrefix(verifierDID, "did:") {
		return nil, fail(CodeInvalidRequest, "the verifier must identify itself by a DID (client_id prefix decentralized_identifier:)")
	}
	body, _, err := egress.Fetch(ctx, client, requestURI, maxRequestObject, "application/oauth-authz-req+jwt")
	if err != nil {
		return nil, err
	}
	jws, err := gojose.ParseSigned(strings.TrimSpace(string(body)), []gojose.SignatureAlgorithm{gojose.EdDSA, gojose.ES256})
	if err != nil || len(jws.Signatures) != 1 {
		return nil, &Error{Code: "invalid_request_object", Description: "the request object is not a JWT signed with EdDSA or ES256", Err: err}
	}
	h := jws.Signatures[0].Protected
	if typ, _ := h.ExtraHeaders["typ"].(string); typ != RequestObjectType {
		return nil, fail("invalid_request_object", "the request object's typ must be %s", RequestObjectType)
	}
	if kidDID, _, _ := strings.Cut(h.KeyID, "#"); kidDID != verifierDID {
		return nil, fail("invalid_request_object", "the request object is not signed by a key of %s", verifierDID)
	}
	key, err := keys.ResolveKey(ctx, h.KeyID)
	if err != nil {
		return nil, &Error{Code: "invalid_request_object", Description: "the key of the request object does not resolve: " + badged.MessageOf(err), Err: err}
	}
	payload, err := jws.Verify(key.PublicKey)
	if err != nil {
		return nil, &Error{Code: "invalid_request_object", Description: "the request object's signature does not verify", Err: err}
	}
	var c struct {
		ClientID       string `json:"client_id"`
		ResponseType   string `json:"response_type"`
		ResponseMode   string `json:"response_mode"`
		ResponseURI    string `json:"response_uri"`
		State          string `json:"state"`
		Nonce          string `json:"nonce"`
		DCQL           any    `json:"dcql_query"`
		Exp            *int64 `json:"exp"`
		ClientMetadata struct {
			ClientName string `json:"client_name"`
		} `json:"client_metadata"`
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, &Error{Code: "invalid_request_object", Description: "the request object's claims are not a JSON object", Err: err}
	}
	switch {
	case c.ClientID != clientID:
		return nil, fail(CodeInvalidRequest, "the request object's client_id is not the link's")
	case c.ResponseType != "vp_token":
		return nil, fail(CodeInvalidRequest, "response_type must be vp_token")
	case c.ResponseMode != "direct_post":
		return nil, fail(CodeInvalidRequest, "badged's backpack answers by direct_post only")
	case c.ResponseURI == "" || c.Nonce == "":
		return nil, fail(CodeInvalidRequest, "the request has no response_uri or nonce")
	case c.Exp == nil || !now.Before(time.Unix(*c.Exp, 0)):
		return nil, fail(CodeInvalidRequest, "the request has expired")
	}
	q, err := ParseQuery(c.DCQL)
	if err != nil {
		return nil, err
	}
	return &Request{ClientID: clientID, Verifier: verifierDID, ClientName: c.ClientMetadata.ClientName,
		ResponseURI: c.ResponseURI, State: c.State, Nonce: c.Nonce, Query: q, Expires: time.Unix(*c.Exp, 0)}, nil
}

// Decline tells the verifier the holder declined: the error response
// access_denied, posted to its response_uri through client. Errors are
// [Request.Answer]'s.
func (r *Request) Decline(ctx context.Context, client *http.Client) error {
	form := url.Values{"error": {CodeAccessDenied}, "error_description": {"the holder declined to present"}}
	if r.State != "" {
		form.Set("state", r.State)
	}
	return r.post(ctx, client, form)
}

// Answer posts presentation (an ldp_vp) as the answer to the request's
// credential query queryID, to its response_uri, through client (the
// egress guard). Errors: the egress guard's *badged.Error when the
// verifier cannot be reached; *Error with the verifier's error code when
// it refuses the presentation.
func (r *Request) Answer(ctx context.Context, client *http.Client, queryID string, presentation map[string]any) error {
	token, err := json.Marshal(map[string]any{queryID: []any{presentation}})
	if err != nil {
		return fmt.Errorf("encode vp_token: %w", err)
	}
	form := url.Values{"vp_token": {string(token)}}
	if r.State != "" {
		form.Set("state", r.State)
	}
	return r.post(ctx, client, form)
}

// post form-posts a response to the request's response_uri.
func (r *Request) post(ctx context.Context, client *http.Client, form url.Values) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.ResponseURI, strings.NewReader(form.Encode()))
	if err != nil {
		return fail(CodeInvalidRequest, "the response_uri is not a valid address")
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		return badged.Wrap(badged.Unavailable, err, "the verifier could not be reached")
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if json.Unmarshal(b, &e) != nil || e.Error == "" {
		return badged.Errorf(badged.Unavailable, "the verifier answered %s", resp.Status)
	}
	return &Error{Code: e.Error, Description: e.Description}
}
