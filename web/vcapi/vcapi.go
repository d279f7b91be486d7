// Package vcapi is the W3C VC-API: verification for anyone
// (/credentials/verify, /presentations/verify), issuance and status
// updates for institutions' systems (/credentials/issue,
// /credentials/status). Request and response shapes are the VC-API's;
// badged adds its full list of checks, with verdicts and messages, as
// "results". Errors are problem+json ([render.Error]).
package vcapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/audit"
	"github.com/badged/badged/auth"
	"github.com/badged/badged/contexts"
	"github.com/badged/badged/issuance"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/verifier"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

// Deps are what the VC-API uses. Verifier is required; without Issuers
// no issuer is known, and without Credentials /credentials/issue and the
// status updates answer 503.
type Deps struct {
	Log         *slog.Logger
	Verifier    *verifier.Verifier
	Issuers     verifier.IssuerDirectory
	Issuer      *issuer.Service
	Credentials CredentialSigner
	// Audit records the status changes (nil: not recorded).
	Audit *audit.Log
	// RequireJSON refuses a body that is not JSON and Authenticate
	// establishes the caller of the issuing routes: web's middleware.
	RequireJSON, Authenticate func(http.Handler) http.Handler
}

// Handler serves the VC-API.
type Handler struct{ Deps }

// New returns the VC-API on d.
func New(d Deps) *Handler { return &Handler{d} }

// Routes adds the whole VC-API: verification and issuance.
func (h *Handler) Routes(r chi.Router) {
	h.VerifyRoutes(r)
	h.registerIssueRoutes(r)
}

// handle makes f a handler whose error is sent as a problem.
func (h *Handler) handle(f render.HandlerFunc) http.HandlerFunc { return render.Problems(h.Log, f) }

// CredentialSigner signs a credential composed by an institution's system
// for one of its issuers. issuance.Service implements it.
type CredentialSigner interface {
	// IssuerDID returns the DID an issuer signs as.
	IssuerDID(issuerID string) string
	// SignCredential signs doc as issuerID as o says; see
	// issuance.Service. Invalid errors say what is wrong with doc, an
	// *issuance.InvalidCredentialError rule by rule.
	SignCredential(ctx context.Context, issuerID string, doc map[string]any, o issuance.SignOptions) (*issuance.Signed, error)
	// IssuedCredential returns a credential badged issued, by its id;
	// NotFound for another.
	IssuedCredential(ctx context.Context, id string) (*issuance.Credential, error)
	// RevokeCredential revokes a credential issued through the VC-API;
	// Conflict for one issued for an award.
	RevokeCredential(ctx context.Context, id, reason string) error
	// SuspendCredential suspends or resumes a credential issued through
	// the VC-API as suspendable; Conflict for another.
	SuspendCredential(ctx context.Context, id string, suspended bool) error
	// BadgeClassOf returns the badge class of the issuer that doc is a
	// credential of; Forbidden, saying why, when it fits none.
	BadgeClassOf(ctx context.Context, issuerID string, doc map[string]any) (*issuer.BadgeClass, error)
}

// VerifyRoutes adds the VC-API's verify endpoints, public and with no
// account: all a stateless verifier node serves of it.
func (h *Handler) VerifyRoutes(r chi.Router) {
	r.With(h.RequireJSON).Post("/credentials/verify", h.handle(h.handleVerifyCredential))
	r.With(h.RequireJSON).Post("/presentations/verify", h.handle(h.handleVerifyPresentation))
}

// registerIssueRoutes adds /credentials/issue, for institutions'
// systems with a bearer token.
func (h *Handler) registerIssueRoutes(r chi.Router) {
	r.With(h.RequireJSON, h.Authenticate).Post("/credentials/issue", h.handle(h.handleIssueCredential))
	r.With(h.RequireJSON, h.Authenticate).Post("/credentials/status", h.handle(h.handleUpdateStatus))
}

// VerifyResponse is the VC-API's verification result: verified, the names
// of the checks that passed, and the warnings and errors. badged adds the
// overall verdict ("valid", "invalid", or "indeterminate": nothing failed
// but a check could not be made right now, listed under errors with its
// reason), the verdict of every check (Results), whether the issuer's list
// revoked or suspended it, what it read, and who the issuer is when it
// knows.
type VerifyResponse struct {
	Verified bool             `json:"verified"`
	Verdict  verifier.Overall `json:"verdict"`
	// Status is "revoked" or "suspended" only when the issuer's status
	// list has the credential's bit set.
	Status string `json:"status,omitempty"`
	// StatusFetched is when a cached copy of the issuer's status list was
	// fetched; absent when the list was read live.
	StatusFetched time.Time      `json:"statusFetched,omitzero"`
	Checks        []string       `json:"checks"`
	Warnings      []CheckProblem `json:"warnings"`
	Errors        []CheckProblem `json:"errors"`

	Results     []verifier.Check  `json:"results"`
	Kind        string            `json:"kind,omitempty"`
	Container   string            `json:"container,omitempty"`
	Securing    string            `json:"securing,omitempty"`
	Issuer      string            `json:"issuer,omitempty"`
	IssuerName  string            `json:"issuerName,omitempty"`
	Signer      string            `json:"signer,omitempty"`
	KnownIssuer *KnownIssuerView  `json:"knownIssuer,omitempty"`
	Credentials []*VerifyResponse `json:"credentials,omitempty"`
}

// CheckProblem is a warning or an error of a verification, in the shape
// of an RFC 9457 problem detail (type, title, detail) with badged's stable
// check id and message, and for a failed check, when the id alone does not
// say it, the precise reason (verifier.ReasonCryptosuite, say).
type CheckProblem struct {
	Type    string `json:"type"`
	Title   string `json:"title"`
	Detail  string `json:"detail"`
	ID      string `json:"id"`
	Message string `json:"message"`
	Reason  string `json:"reason,omitempty"`
}

// CheckType is the prefix of the type URI of a check's problem; the check
// id follows it.
const CheckType = "urn:badged:check:"

// KnownIssuerView says who badged knows an issuer to be.
type KnownIssuerView struct {
	Name   string `json:"name"`
	Source string `json:"source"` // "platform" or "trusted-list"
}

// vcResponse turns a verifier result into the VC-API's shape.
func (h *Handler) vcResponse(ctx context.Context, res *verifier.Result) *VerifyResponse {
	out := &VerifyResponse{
		Verified: res.Verified, Verdict: res.Verdict, Status: res.Status, StatusFetched: res.StatusFetched,
		Checks: []string{}, Warnings: []CheckProblem{}, Errors: []CheckProblem{},
		Results: res.Checks, Kind: res.Kind, Container: res.Container, Securing: res.Securing,
		Issuer: res.Issuer, IssuerName: res.IssuerName, Signer: res.Signer,
	}
	if out.Results == nil {
		out.Results = []verifier.Check{}
	}
	for _, c := range res.Checks {
		p := CheckProblem{Type: CheckType + c.ID, Title: c.ID + " " + string(c.Verdict), Detail: c.Message, ID: c.ID, Message: c.Message, Reason: c.Reason}
		switch c.Verdict {
		case verifier.Pass:
			out.Checks = append(out.Checks, c.ID)
		case verifier.Fail, verifier.Unchecked:
			out.Errors = append(out.Errors, p)
		default: // warning, or skipped: not checked is worth saying
			out.Warnings = append(out.Warnings, p)
		}
	}
	if k, ok := verifier.KnownIssuerOf(ctx, h.Issuers, res); ok {
		out.KnownIssuer = &KnownIssuerView{Name: k.Name.EN, Source: k.Source}
		if out.KnownIssuer.Name == "" {
			out.KnownIssuer.Name = k.Name.NL
		}
	}
	for _, sub := range res.Credentials {
		out.Credentials = append(out.Credentials, h.vcResponse(ctx, sub))
	}
	return out
}

// maxEnvelopeDepth is how deeply a VC-API request may nest: a credential's
// limit plus the request's own levels.
const maxEnvelopeDepth = verifier.DefaultMaxDepth + 4

// readJSON reads a VC-API request body and checks, before decoding, that
// it is UTF-8 and not nested too deeply, so hostile input fails fast.
func readJSON(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	limit, over := request.OverLimit(err)
	switch {
	case over:
		return nil, badged.Errorf(badged.TooLarge, "the request body is larger than %d bytes", limit)
	case err != nil:
		return nil, badged.Wrap(badged.Invalid, err, "the request body could not be read")
	case len(bytes.TrimSpace(b)) == 0:
		return nil, badged.InvalidFields("request", badged.FieldError{Field: "body", Message: "empty; send a JSON object"})
	case !utf8.Valid(b):
		return nil, badged.InvalidFields("request", badged.FieldError{Field: "body", Message: "not valid UTF-8"})
	}
	if d := verifier.Depth(b, maxEnvelopeDepth); d > maxEnvelopeDepth {
		return nil, badged.InvalidFields("request", badged.FieldError{Field: "body", Message: "JSON nested more than " + strconv.Itoa(maxEnvelopeDepth) + " levels deep"})
	}
	return b, nil
}

// verifyCredentialRequest is the body of POST /credentials/verify.
type verifyCredentialRequest struct {
	VerifiableCredential json.RawMessage `json:"verifiableCredential"`
	Options              json.RawMessage `json:"options"`
}

// The status of a verification's answer tells its verdict, so that a
// partner that reads only the status code cannot mistake a refusal for a
// verification:
//
//   - 200: verified (the verdict is "valid").
//   - 400 (problem+json): the request is malformed: not JSON, not an
//     object, no verifiableCredential or verifiablePresentation, a
//     credential that is not an object or a JWT, or a credential sent as a
//     JSON string.
//   - 422: the credential or presentation is well-formed but invalid: a
//     check failed. The body is the full result, as for 200, with
//     verified false and the failed checks under errors (problem+json
//     when the input could not be read at all).
//   - 503 with Retry-After: indeterminate. No check failed, but one could
//     not be made (the issuer's DID document or status list could not be
//     fetched); the body is the full result, the checks not made under
//     errors with their reason. It says nothing against the credential:
//     asking again later may verify it. The VC-API defines only 200 for
//     a verification and 4xx/5xx for errors; a verification that could
//     not be completed is answered as the service not being able to
//     answer now, as for a verification refused because too many run.
//
// Presentations are answered the same way. The VC-API's verifier.yml
// (0.0.3-unstable) answers a presentation 200 "regardless of whether the
// presentation and/or credentials were determined to be valid"; badged
// does not, so that no client that reads the status alone takes an invalid
// presentation for a valid one (the W3C verifier suite has no presentation
// tests yet).

// verifyRetryAfter is the Retry-After, in seconds, of an indeterminate
// verification: a DID document or status list that could not be fetched
// is tried again on the next request (failures are not cached).
const verifyRetryAfter = 60

// verifyStatus is the HTTP status of a verification's answer.
func verifyStatus(v verifier.Overall) int {
	switch v {
	case verifier.Valid:
		return http.StatusOK
	case verifier.Indeterminate:
		return http.StatusServiceUnavailable
	}
	return http.StatusUnprocessableEntity
}

// writeVerification sends a verification's result with the status of its
// verdict (see verifyStatus).
func (h *Handler) writeVerification(w http.ResponseWriter, r *http.Request, res *verifier.Result) {
	status := verifyStatus(res.Verdict)
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", strconv.Itoa(verifyRetryAfter))
	}
	render.JSON(w, status, h.vcResponse(r.Context(), res))
}

// handleVerifyCredential verifies a credential: a JSON-LD credential, a
// VC-JWT string or, as an extension, a baked PNG or SVG given as a data:
// URL or in base64. 200 verified, 422 invalid, 503 indeterminate, each
// with the result; 400 for a request that is not one; 422 (problem) for a
// credential that cannot be read.
func (h *Handler) handleVerifyCredential(w http.ResponseWriter, r *http.Request) error {
	body, err := readJSON(r)
	if err != nil {
		return err
	}
	var req verifyCredentialRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return badged.InvalidFields("request", badged.FieldError{Field: "body", Message: "not a JSON object with verifiableCredential"})
	}
	input, err := credentialInput(req.VerifiableCredential, "verifiableCredential")
	if err != nil {
		return err
	}
	res := h.Verifier.Verify(r.Context(), input)
	if unreadable(res) {
		return unprocessable(res)
	}
	if res.Kind == "presentation" {
		return &render.StatusError{Status: http.StatusUnprocessableEntity, Kind: "unprocessable",
			Detail: "verifiableCredential is a presentation; send it to /presentations/verify"}
	}
	h.writeVerification(w, r, res)
	return nil
}

// credentialInput returns what the verifier reads from a request's
// credential field: the JSON object itself, or the string (a JWT, or an
// image as a data: URL or base64). A string that holds JSON is refused:
// the VC-API sends a credential as an object, and a client that encoded
// it twice has a bug it should hear about.
func credentialInput(raw json.RawMessage, field string) ([]byte, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, badged.InvalidFields("request", badged.FieldError{Field: field, Message: "required"})
	}
	switch raw[0] {
	case '{':
		return raw, nil
	case '"':
		var str string
		if err := json.Unmarshal(raw, &str); err != nil {
			return nil, badged.InvalidFields("request", badged.FieldError{Field: field, Message: "not a valid JSON string"})
		}
		if t := strings.TrimSpace(str); strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
			return nil, badged.InvalidFields("request", badged.FieldError{Field: field, Message: "a string holding JSON; send the credential itself, as a JSON object, not encoded as a string"})
		}
		return verifier.StringInput(str), nil
	}
	return nil, badged.InvalidFields("request", badged.FieldError{Field: field, Message: "must be a credential (a JSON object) or a JWT (a string)"})
}

// unreadable reports whether the verifier could not read the input at all.
func unreadable(res *verifier.Result) bool {
	c, ok := res.Check(verifier.CheckFormat)
	return ok && c.Verdict == verifier.Fail
}

func unprocessable(res *verifier.Result) error {
	c, _ := res.Check(verifier.CheckFormat)
	return &render.StatusError{Status: http.StatusUnprocessableEntity, Kind: "unprocessable", Detail: c.Message}
}

// verifyPresentationRequest is the body of POST /presentations/verify.
type verifyPresentationRequest struct {
	VerifiablePresentation json.RawMessage `json:"verifiablePresentation"`
	Options                struct {
		Challenge string `json:"challenge"`
		Domain    string `json:"domain"`
	} `json:"options"`
}

// handleVerifyPresentation verifies a presentation, its proof made for the
// challenge and domain in options, and each credential it carries.
func (h *Handler) handleVerifyPresentation(w http.ResponseWriter, r *http.Request) error {
	body, err := readJSON(r)
	if err != nil {
		return err
	}
	var req verifyPresentationRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return badged.InvalidFields("request", badged.FieldError{Field: "body", Message: "not a JSON object with verifiablePresentation and options"})
	}
	raw := bytes.TrimSpace(req.VerifiablePresentation)
	if len(raw) == 0 || raw[0] != '{' {
		return badged.InvalidFields("request", badged.FieldError{Field: "verifiablePresentation", Message: "required: a JSON-LD presentation with a Data Integrity proof"})
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return badged.InvalidFields("request", badged.FieldError{Field: "verifiablePresentation", Message: "not a JSON object"})
	}
	if !hasJSONType(doc, "VerifiablePresentation") {
		return &render.StatusError{Status: http.StatusUnprocessableEntity, Kind: "unprocessable",
			Detail: "verifiablePresentation's type does not include VerifiablePresentation"}
	}
	res := h.Verifier.VerifyPresentation(r.Context(), doc, verifier.PresentationOptions{Challenge: req.Options.Challenge, Domain: req.Options.Domain})
	if unreadable(res) {
		return unprocessable(res)
	}
	h.writeVerification(w, r, res)
	return nil
}

func hasJSONType(doc map[string]any, want string) bool {
	switch t := doc["type"].(type) {
	case string:
		return t == want
	case []any:
		for _, e := range t {
			if e == want {
				return true
			}
		}
	}
	return false
}

// issueRequest is the body of POST /credentials/issue.
type issueRequest struct {
	Credential map[string]any `json:"credential"`
	Options    struct {
		// Issuer is the id of the issuer to sign as; without it, the
		// credential's issuer must be the DID of one of the institution's
		// issuers.
		Issuer string `json:"issuer"`
		// Cryptosuite is eddsa-rdfc-2022 (the default) or eddsa-jcs-2022.
		Cryptosuite string `json:"cryptosuite"`
		// Format is ldp_vc (a Data Integrity proof, the default), vc+jwt
		// (VC-JOSE-COSE) or jwt (Open Badges 3.0 VC-JWT); a JWT comes back
		// as an EnvelopedVerifiableCredential.
		Format string `json:"format"`
		// StatusPurpose lists the status entries to add: revocation is
		// always added; "suspension" adds one that can be suspended and
		// resumed. A string or an array of strings.
		StatusPurpose json.RawMessage `json:"statusPurpose"`
	} `json:"options"`
}

// suspendable reads options.statusPurpose: whether it asks for a
// suspension entry, or a field problem.
func (req *issueRequest) suspendable() (bool, *badged.FieldError) {
	raw := req.Options.StatusPurpose
	if len(raw) == 0 || string(raw) == "null" {
		return false, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		var one string
		if err := json.Unmarshal(raw, &one); err != nil {
			return false, &badged.FieldError{Field: "options.statusPurpose", Message: "must be a string or an array of strings"}
		}
		list = []string{one}
	}
	suspend := false
	for _, p := range list {
		switch p {
		case "revocation":
		case "suspension":
			suspend = true
		default:
			return false, &badged.FieldError{Field: "options.statusPurpose", Message: "must be revocation or suspension, not " + strconv.Quote(p)}
		}
	}
	return suspend, nil
}

// handleIssueCredential signs a credential for an institution's system
// (an OAuth client or API token of the institution), as one of the
// institution's issuers: 201 with {verifiableCredential}. People, and
// clients of other institutions, are refused.
func (h *Handler) handleIssueCredential(w http.ResponseWriter, r *http.Request) error {
	p := request.Principal(r)
	if p == nil || !p.System() {
		return badged.Errorf(badged.Forbidden, "only an institution's system (an API client) issues through the VC-API")
	}
	var req issueRequest
	if err := h.readIssuing(r, &req, "credential and options"); err != nil {
		return err
	}
	if req.Credential == nil {
		return badged.InvalidFields("request", badged.FieldError{Field: "credential", Message: "required: the unsigned credential"})
	}
	issuerID := req.Options.Issuer
	if issuerID == "" {
		issuerID = h.issuerIDOf(req.Credential)
	}
	if issuerID == "" {
		return badged.InvalidFields("request", badged.FieldError{Field: "options.issuer", Message: "required unless credential.issuer is the DID of one of your issuers"})
	}
	is, err := h.Issuer.Issuer(r.Context(), request.Actor(r), issuerID)
	if err != nil {
		return err
	}
	if is.InstitutionID != p.Client.InstitutionID {
		return badged.Errorf(badged.Forbidden, "issuer %s is not of your institution", issuerID)
	}
	if err := h.inScope(r, p.Client.Scope, is.ID, req.Credential); err != nil {
		return err
	}
	suspendable, fp := req.suspendable()
	if fp != nil {
		return badged.InvalidFields("request", *fp)
	}
	signed, err := h.Credentials.SignCredential(r.Context(), is.ID, req.Credential, issuance.SignOptions{
		Cryptosuite: req.Options.Cryptosuite,
		Format:      req.Options.Format,
		Suspendable: suspendable,
		Effects: func(id string) (issuer.Effects, error) {
			return h.effects(r, is.InstitutionID, audit.ActionCredentialIssue, id,
				map[string]string{"issuer": is.ID, "format": req.Options.Format, "cryptosuite": req.Options.Cryptosuite})
		},
	})
	var ice *issuance.InvalidCredentialError
	if errors.As(err, &ice) {
		fields := make([]badged.FieldError, len(ice.Problems))
		for i, p := range ice.Problems {
			fields[i] = badged.FieldError{Field: "credential" + p.Path, Message: p.Message + " (rule: " + p.Check + ")"}
		}
		return badged.InvalidFields("credential", fields...)
	}
	if err != nil {
		return err
	}
	render.JSON(w, http.StatusCreated, map[string]any{"verifiableCredential": issuedView(signed, req.Options.Format)})
	return nil
}

// inScope checks the client's scope: it issues as issuerID only when its
// scope names it (or names no issuer), and a credential that fits no badge
// class only with the free-form permission; one that fits a badge class
// only when its scope names it (or names no badge class). The error is
// Forbidden, saying which.
func (h *Handler) inScope(r *http.Request, scope auth.Scope, issuerID string, doc map[string]any) error {
	if !scope.AllowsIssuer(issuerID) {
		return badged.Errorf(badged.Forbidden, "this client may not issue as issuer %s (its scope names other issuers)", issuerID)
	}
	bc, err := h.Credentials.BadgeClassOf(r.Context(), issuerID, doc)
	switch {
	case err == nil:
		if !scope.AllowsBadgeClass(bc.ID) {
			return badged.Errorf(badged.Forbidden, "this client may not issue credentials of badge class %s (its scope names other badge classes)", bc.ID)
		}
		return nil
	case badged.KindOf(err) == badged.Forbidden && scope.FreeForm:
		return nil
	}
	return err
}

// issuedView is the VC-API's verifiableCredential: the credential with its
// proof, or for a JWT an EnvelopedVerifiableCredential (VC 2.0 section
// 4.13) whose id is a data: URL of the token.
func issuedView(signed *issuance.Signed, format string) any {
	if signed.JWT == "" {
		return signed.Credential
	}
	media := "application/vc+jwt"
	if format == issuance.FormatJWT {
		media = "application/jwt"
	}
	return map[string]any{
		"@context": contexts.VCv2,
		"id":       "data:" + media + "," + signed.JWT,
		"type":     "EnvelopedVerifiableCredential",
	}
}

// issuerIDOf returns the platform issuer id whose DID the credential names
// as its issuer, or "".
func (h *Handler) issuerIDOf(doc map[string]any) string {
	var id string
	switch is := doc["issuer"].(type) {
	case string:
		id = is
	case map[string]any:
		id, _ = is["id"].(string)
	}
	i := strings.LastIndex(id, ":issuers:")
	if i < 0 {
		return ""
	}
	cand := id[i+len(":issuers:"):]
	if cand == "" || h.Credentials.IssuerDID(cand) != id {
		return ""
	}
	return cand
}

// readIssuing reads the JSON body of a request to a route that issues or
// changes credentials into req, whose fields the shape names for the
// error; it fails when this server does not issue or the body is not
// such an object.
func (h *Handler) readIssuing(r *http.Request, req any, shape string) error {
	if h.Credentials == nil || h.Issuer == nil {
		return badged.Errorf(badged.Unavailable, "this server does not issue credentials")
	}
	body, err := readJSON(r)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, req); err != nil {
		return badged.InvalidFields("request", badged.FieldError{Field: "body", Message: "not a JSON object with " + shape})
	}
	return nil
}
