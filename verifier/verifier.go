// Package verifier tells whether a credential is genuine, current and not
// revoked. It takes whatever a person may hold (a JSON-LD credential or
// presentation, a VC-JWT, a baked PNG or SVG) and returns a list of checks,
// each with a stable id, a verdict and a message meant for people.
//
// The verifier is stateless: it never reads badged's storage. Keys are
// resolved through a [KeyResolver] (did:key and did:jwk locally, did:web
// through the guarded HTTP client of package egress) and status lists
// through a [Fetcher]. The same verifier serves the CLI, the API, the
// verify page and wallet import.
//
// # Verdicts
//
// Every check is passed, failed, or could not be checked ([Unchecked]): a
// key or status list that could not be fetched says nothing against a
// credential, so it never fails a check (see [KeyResolver] for how errors
// are told apart). A [Result] is [Valid], [Invalid] or [Indeterminate]
// (could not be fully checked). Only a set status bit makes a credential
// revoked or suspended ([Result.Status]); only a signature that does not
// match fails the proof check.
package verifier

import (
	"context"
	"errors"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/credential/dataintegrity"
	"github.com/badged/badged/did"
	"github.com/badged/badged/jsonld"
)

// Check ids. They are stable: scripts, the VC-API and the pages depend on
// them.
const (
	CheckFormat   = "format"   // the input could be read (JSON, JWT, PNG, SVG; size, depth, UTF-8)
	CheckContext  = "context"  // @context is right for the credential's kind
	CheckType     = "type"     // the credential's type
	CheckJSONLD   = "jsonld"   // every term defined, every IRI absolute: nothing escapes the signature
	CheckSchema   = "schema"   // the Open Badges 3.0 JSON schema and credentialSchema entries
	CheckIssuer   = "issuer"   // the issuer profile's structure
	CheckSubject  = "subject"  // credentialSubject, achievement, identifiers, results
	CheckEvidence = "evidence" // evidence entries
	CheckProof    = "proof"    // the signature (Data Integrity or JOSE)
	CheckSigner   = "signer"   // the signing key belongs to the issuer
	CheckValidity = "validity" // validFrom / validUntil against the clock
	CheckStatus   = "status"   // revocation or suspension through the status list
	CheckHolder   = "holder"   // a presentation: its proof, challenge, domain and holder
)

// order is the order checks are reported in.
var order = []string{CheckFormat, CheckContext, CheckType, CheckJSONLD, CheckSchema, CheckIssuer,
	CheckSubject, CheckEvidence, CheckProof, CheckSigner, CheckValidity, CheckStatus, CheckHolder}

// Verdict is the outcome of one check.
type Verdict string

// Verdicts of a check. Every check is passed, failed, or could not be
// checked; warnings and skipped checks do not make a credential invalid.
const (
	Pass    Verdict = "pass"
	Warning Verdict = "warning"
	Fail    Verdict = "fail"
	// Skipped: this verifier was configured not to look (no status
	// fetcher, say), or there was nothing to look at.
	Skipped Verdict = "skipped"
	// Unchecked: the check could not be made right now, because a key or
	// status list could not be fetched or read (refused by the egress
	// policy, timed out, an error status, garbage). It says nothing
	// against the credential; trying again later may settle it.
	Unchecked Verdict = "unchecked"
)

// Overall is the verdict on a whole credential or presentation.
type Overall string

// Overall verdicts.
const (
	// Valid: every check passed (or only warned, or was skipped).
	Valid Overall = "valid"
	// Invalid: at least one check failed.
	Invalid Overall = "invalid"
	// Indeterminate: no check failed, but at least one could not be
	// checked: the credential could not be fully checked.
	Indeterminate Overall = "indeterminate"
)

// Status values of [Result.Status].
const (
	StatusRevoked   = "revoked"
	StatusSuspended = "suspended"
)

// Check is one finding.
type Check struct {
	ID      string  `json:"id"`
	Verdict Verdict `json:"verdict"`
	Message string  `json:"message"`
	// Reason says, for a failed check, precisely what failed, when the
	// id alone does not: one of the Reason constants (the first found
	// when several did).
	Reason string `json:"reason,omitempty"`
}

// Reasons of a failed check, finer than its id and as stable. The proof
// reasons name the proof property at fault; the same reason may come with
// the proof check (the proof itself is wrong), the signer check (the
// issuer's DID document does not allow the key for the proof's purpose)
// or the holder check (a presentation's proof).
const (
	ReasonProofType          = "proof.type"               // missing, or a type badged does not check
	ReasonCryptosuite        = "proof.cryptosuite"        // missing or not supported
	ReasonVerificationMethod = "proof.verificationMethod" // missing, malformed, no such key, or not the suite's key type
	ReasonProofPurpose       = "proof.proofPurpose"       // missing, not the one expected, or not allowed for the key
	ReasonProofValue         = "proof.proofValue"         // missing or malformed
	ReasonCreated            = "proof.created"            // malformed, or in the future
	ReasonExpires            = "proof.expires"            // malformed, or passed
	ReasonChallenge          = "proof.challenge"          // not the challenge expected
	ReasonDomain             = "proof.domain"             // not the domain expected
	ReasonProofContext       = "proof.@context"           // not the start of the document's
	ReasonPreviousProof      = "proof.previousProof"      // a proof chain's link is missing, malformed or changed
	ReasonSignature          = "signature"                // the signature does not match the document
)

// reasonOf is the Reason of a proof failure.
func reasonOf(err error) string {
	var de *dataintegrity.Error
	if !errors.As(err, &de) {
		return ""
	}
	switch {
	case de.Field != "":
		return "proof." + de.Field
	case de.Reason == dataintegrity.ReasonSignature:
		return ReasonSignature
	}
	return ""
}

// Result is the verification of one input.
type Result struct {
	// Verified is true only when Verdict is Valid.
	Verified bool `json:"verified"`
	// Verdict is Valid, Invalid or Indeterminate: any failed check makes
	// it Invalid, else any unchecked one Indeterminate. A presentation's
	// verdict combines its own checks' and its credentials'.
	Verdict Overall `json:"verdict"`
	// Status is StatusRevoked or StatusSuspended when, and only when, the
	// issuer's status list has the credential's bit set (or its 1EdTech
	// revocation list lists it); "" otherwise.
	Status string `json:"status,omitempty"`
	// StatusFetched is when the status list the status check read was
	// fetched from its issuer, when it came from a cache (see
	// [CachingFetcher]); the oldest when there were several. It is zero
	// when the list was read live, for instance in-process by a server
	// for its own issuers, or no list was read.
	StatusFetched time.Time `json:"statusFetched,omitzero"`
	// Container is how the input came: "json", "jwt", "png" or "svg".
	Container string `json:"container,omitempty"`
	// Securing is the proof format: "eddsa-rdfc-2022", "eddsa-jcs-2022",
	// "Ed25519Signature2020", "eddsa-2022", "vc-jwt", "vc-jose" or "" when
	// there is none.
	Securing string `json:"securing,omitempty"`
	// Kind is "credential" or "presentation".
	Kind string `json:"kind,omitempty"`
	// Issuer is the issuer's id, and IssuerName its name, as the credential
	// states them (trust them only when Verified).
	Issuer     string `json:"issuer,omitempty"`
	IssuerName string `json:"issuerName,omitempty"`
	// Signer is the verification method that signed.
	Signer string  `json:"signer,omitempty"`
	Checks []Check `json:"checks"`
	// Credential is the credential as read (the JWT payload's credential
	// for JWTs); nil when the input could not be read.
	Credential map[string]any `json:"credential,omitempty"`
	// Credentials are the results of a presentation's credentials.
	Credentials []*Result `json:"credentials,omitempty"`
}

// Check returns the check with the given id, if reported.
func (r *Result) Check(id string) (Check, bool) {
	for _, c := range r.Checks {
		if c.ID == id {
			return c, true
		}
	}
	return Check{}, false
}

// Unchecked returns the checks that could not be checked.
func (r *Result) Unchecked() []Check {
	var out []Check
	for _, c := range r.Checks {
		if c.Verdict == Unchecked {
			out = append(out, c)
		}
	}
	return out
}

// Failed returns the checks that failed.
func (r *Result) Failed() []Check {
	var out []Check
	for _, c := range r.Checks {
		if c.Verdict == Fail {
			out = append(out, c)
		}
	}
	return out
}

// KeyResolver finds the public key of a verification method. *did.Resolver
// implements it.
//
// Its errors, and a [Fetcher]'s, decide a check's verdict: an error whose
// badged.KindOf is NotFound or Invalid (a DID document that was read but
// lists no such key, a malformed DID, a list that does not match the
// entry) fails the check; any other kind, Unavailable above all (refused by
// the egress policy, timed out, a non-2xx status, too large, an answer that
// is not a DID document, a store failure), means the check could not be
// made: it is reported [Unchecked], never failed. Their messages are shown
// to people, so they are plain words, never a Go error's text.
type KeyResolver interface {
	ResolveKey(ctx context.Context, verificationMethod string) (*did.Key, error)
}

// Fetcher gets a document (a status list credential, a revocation list) by
// URL. Implementations must apply the operator's egress policy. See
// [KeyResolver] for what its errors mean.
type Fetcher interface {
	Fetch(ctx context.Context, url string) ([]byte, error)
}

// AgedFetcher is a [Fetcher] that may answer from a cache and says when
// what it returns was fetched from its source (the zero time when it was
// read live). The verifier reports it as [Result.StatusFetched]. A
// Fetcher that wraps another should implement it, with [FetchAged].
type AgedFetcher interface {
	Fetcher
	FetchAged(ctx context.Context, url string) (body []byte, fetched time.Time, err error)
}

// definitive reports whether a KeyResolver or Fetcher error settles a
// check (fails it), rather than leaving it unchecked.
func definitive(err error) bool {
	switch badged.KindOf(err) {
	case badged.NotFound, badged.Invalid:
		return true
	}
	return false
}

// verdictOf is the verdict of a check that a KeyResolver or Fetcher error
// stopped.
func verdictOf(err error) Verdict {
	if definitive(err) {
		return Fail
	}
	return Unchecked
}

// Verifier verifies credentials and presentations. It is safe for
// concurrent use.
type Verifier struct {
	ld       *jsonld.Processor
	proofs   *dataintegrity.Suite
	keys     KeyResolver
	status   Fetcher
	now      func() time.Time
	maxInput int
	maxDepth int
	limits   Limits
	budget   *budget   // of the verification under way; nil on the Verifier New returns
	lists    *listMemo // verified status lists
	memo     *contentMemo
	observe  func(*Result)
}

// WithResults makes the verifier pass every result of Verify and
// VerifyPresentation to fn (for metrics); fn must not change it.
func WithResults(fn func(*Result)) Option { return func(v *Verifier) { v.observe = fn } }

// observed passes res to the WithResults callback, and returns it.
func (v *Verifier) observed(res *Result) *Result {
	if v.observe != nil {
		v.observe(res)
	}
	return res
}

// Limits on input.
const (
	DefaultMaxInput = 1 << 20 // bytes, after extraction from an image too
	DefaultMaxDepth = 64      // nesting of JSON objects and arrays
)

// Option configures a Verifier.
type Option func(*Verifier)

// WithStatus makes the verifier check credentialStatus through f. Without
// it the status check is reported as skipped.
func WithStatus(f Fetcher) Option { return func(v *Verifier) { v.status = f } }

// WithClock sets the clock validity is judged against.
func WithClock(now func() time.Time) Option { return func(v *Verifier) { v.now = now } }

// WithMaxInput sets the largest input accepted, in bytes.
func WithMaxInput(n int) Option { return func(v *Verifier) { v.maxInput = n } }

// New returns a Verifier that canonicalizes with p and resolves keys with
// keys.
func New(p *jsonld.Processor, keys KeyResolver, opts ...Option) *Verifier {
	v := &Verifier{
		ld:       p,
		proofs:   dataintegrity.New(p),
		keys:     keys,
		now:      time.Now,
		maxInput: DefaultMaxInput,
		maxDepth: DefaultMaxDepth,
		limits:   DefaultLimits(),
		lists:    newListMemo(),
		memo:     newContentMemo(memoEntries),
	}
	for _, o := range opts {
		o(v)
	}
	return v
}

// report collects checks while a verification runs.
type report struct {
	checks map[string]*Check
}

func newReport() *report { return &report{checks: map[string]*Check{}} }

// add records a finding for a check; a check keeps its worst verdict and
// all messages.
func (r *report) add(id string, verdict Verdict, message string) {
	c, ok := r.checks[id]
	if !ok {
		r.checks[id] = &Check{ID: id, Verdict: verdict, Message: message}
		return
	}
	if rank(verdict) > rank(c.Verdict) {
		c.Verdict = verdict
	}
	switch {
	case c.Message == "":
		c.Message = message
	case message != "" && message != c.Message:
		c.Message += "; " + message
	}
}

// addReason records a finding, as add does, with the precise reason of a
// failure; a check keeps the reason of its first failure.
func (r *report) addReason(id string, verdict Verdict, reason, message string) {
	r.add(id, verdict, message)
	if c := r.checks[id]; verdict == Fail && c.Reason == "" {
		c.Reason = reason
	}
}

// otherwise records a finding only if the check has none yet: the verdict
// for a check that nothing contradicted.
func (r *report) otherwise(id string, verdict Verdict, message string) {
	if _, ok := r.checks[id]; !ok {
		r.checks[id] = &Check{ID: id, Verdict: verdict, Message: message}
	}
}

func rank(v Verdict) int {
	switch v {
	case Fail:
		return 4
	case Unchecked:
		return 3
	case Warning:
		return 2
	case Pass:
		return 1
	}
	return 0
}

// result turns the report into a Result, checks in their fixed order.
func (r *report) result(res *Result) *Result {
	res.Checks = res.Checks[:0]
	res.Verdict = Valid
	for _, id := range order {
		c, ok := r.checks[id]
		if !ok {
			continue
		}
		res.Checks = append(res.Checks, *c)
		switch {
		case c.Verdict == Fail:
			res.Verdict = Invalid
		case c.Verdict == Unchecked && res.Verdict == Valid:
			res.Verdict = Indeterminate
		}
	}
	res.Verified = res.Verdict == Valid
	return res
}
