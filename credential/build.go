package credential

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/contexts"
)

// Recipient is who a credential is issued to: the holder's DID, one or more
// identifiers (see [NewIdentityObject]), or both. At least one is required.
type Recipient struct {
	DID         string
	Identifiers []IdentityObject
}

// Option sets an optional property of a credential built by [New].
type Option func(*options)

type options struct {
	id          string
	now         func() time.Time
	rand        io.Reader
	validFrom   time.Time
	validUntil  time.Time
	expiry      time.Duration
	name        string
	description string
	image       *Image
	awarded     time.Time
	evidence    []Evidence
	results     []Result
	status      *StatusEntry
	schemas     []CredentialSchema
	narrative   string
	base        string
}

// WithID sets the credential id. Without it New makes a urn:uuid.
func WithID(id string) Option { return func(o *options) { o.id = id } }

// WithClock sets the clock that gives validFrom (default time.Now).
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithRand sets the randomness for the urn:uuid id (default crypto/rand).
func WithRand(r io.Reader) Option { return func(o *options) { o.rand = r } }

// WithValidFrom sets validFrom instead of the clock's time.
func WithValidFrom(t time.Time) Option { return func(o *options) { o.validFrom = t } }

// WithValidUntil sets validUntil.
func WithValidUntil(t time.Time) Option { return func(o *options) { o.validUntil = t } }

// WithExpiry sets validUntil to validFrom plus d (a badge class's
// expiration period).
func WithExpiry(d time.Duration) Option { return func(o *options) { o.expiry = d } }

// WithName sets the credential's name (default: the achievement's name).
func WithName(name string) Option { return func(o *options) { o.name = name } }

// WithDescription sets the credential's description.
func WithDescription(d string) Option { return func(o *options) { o.description = d } }

// WithImage sets the credential's image.
func WithImage(im Image) Option { return func(o *options) { o.image = &im } }

// WithAwardedDate sets awardedDate.
func WithAwardedDate(t time.Time) Option { return func(o *options) { o.awarded = t } }

// WithEvidence adds evidence; a missing type is set to Evidence.
func WithEvidence(ev ...Evidence) Option {
	return func(o *options) { o.evidence = append(o.evidence, ev...) }
}

// WithResults adds results (grades) to the subject; a missing type is set
// to Result.
func WithResults(r ...Result) Option { return func(o *options) { o.results = append(o.results, r...) } }

// WithNarrative sets the subject's narrative (the recipient's own account).
func WithNarrative(n string) Option { return func(o *options) { o.narrative = n } }

// WithBaseURL sets the issuing deployment's base URL, under which it serves
// badged's v2 context ([contexts.BadgedV2URL]); New names that context when
// an extension field is set, and needs this option then.
func WithBaseURL(base string) Option { return func(o *options) { o.base = base } }

// WithStatus sets credentialStatus (usually a BitstringStatusListEntry).
func WithStatus(s StatusEntry) Option { return func(o *options) { o.status = &s } }

// WithCredentialSchema adds credentialSchema entries; [SchemaURL] names the
// OB 3.0 schema.
func WithCredentialSchema(s ...CredentialSchema) Option {
	return func(o *options) { o.schemas = append(o.schemas, s...) }
}

// New builds an unsigned OpenBadgeCredential awarding achievement, issued by
// issuer to recipient: @context [VC 2.0, OB 3.0.3] (plus badged's v2
// context under [WithBaseURL] when an extension field is set, and OB's
// extensions context with
// [WithCredentialSchema]), type [VerifiableCredential,
// OpenBadgeCredential], a urn:uuid id unless [WithID] is given, and
// validFrom from the clock. Missing type values of the achievement, issuer
// and identifiers are filled in. The inputs are copied, not shared.
//
// It returns an Invalid *badged.Error when a field OB 3.0 requires is
// missing (issuer id, achievement id, name, description, criteria, a
// recipient), validUntil is not after validFrom or an extension field is
// set without [WithBaseURL], and an error if the
// randomness fails.
func New(achievement Achievement, issuer Profile, recipient Recipient, opts ...Option) (*Credential, error) {
	return build(achievement, issuer, recipient, true, opts)
}

// Document returns the credential [New] makes as the JSON map a signer
// takes ([Credential.Map]). It builds it without New's copies of the
// inputs, which the map, decoded afresh, never shares.
func Document(achievement Achievement, issuer Profile, recipient Recipient, opts ...Option) (map[string]any, error) {
	c, err := build(achievement, issuer, recipient, false, opts)
	if err != nil {
		return nil, err
	}
	return c.Map()
}

// build makes the credential of New and Document; with deep, it shares
// no memory with the inputs (else only the slices it changes are copied).
func build(achievement Achievement, issuer Profile, recipient Recipient, deep bool, opts []Option) (*Credential, error) {
	o := options{now: time.Now, rand: rand.Reader}
	for _, opt := range opts {
		opt(&o)
	}
	if err := checkInputs(&achievement, &issuer, &recipient); err != nil {
		return nil, err
	}

	id := o.id
	if id == "" {
		var err error
		if id, err = NewID(o.rand); err != nil {
			return nil, fmt.Errorf("credential id: %w", err)
		}
	}
	from := o.validFrom
	if from.IsZero() {
		from = o.now()
	}
	until := o.validUntil
	if until.IsZero() && o.expiry > 0 {
		until = from.Add(o.expiry)
	}
	if !until.IsZero() && !until.Truncate(time.Second).After(from.Truncate(time.Second)) {
		return nil, badged.Errorf(badged.Invalid, "the credential must expire after it becomes valid")
	}

	// Copy what the caller may still hold, so the credential shares no
	// memory with the inputs.
	achievement, issuer = keep(deep, achievement), keep(deep, issuer)
	ids := keepSlice(deep, recipient.Identifiers)
	for i := range ids {
		if ids[i].Type == "" {
			ids[i].Type = TypeIdentityObject
		}
	}
	results := keepSlice(deep, o.results)
	for i := range results {
		if len(results[i].Type) == 0 {
			results[i].Type = Types{TypeResult}
		}
	}
	evidence := keepSlice(deep, o.evidence)
	for i := range evidence {
		if len(evidence[i].Type) == 0 {
			evidence[i].Type = Types{TypeEvidence}
		}
	}

	ctx := []any{contexts.VCv2, contexts.OB303}
	if achievement.usesExtension() || issuer.usesExtension() {
		if o.base == "" {
			return nil, badged.Errorf(badged.Invalid, "badged's extension fields need the base URL that serves their context (WithBaseURL)")
		}
		ctx = append(ctx, contexts.BadgedV2URL(o.base))
	}
	if len(o.schemas) > 0 {
		// 1EdTechJsonSchemaValidator2019 is defined by OB's extensions
		// context only; without it the credential would not be sound JSON-LD.
		ctx = append(ctx, contexts.OBExtensions)
	}
	c := &Credential{
		Context:     ctx,
		ID:          id,
		Type:        Types{TypeVerifiableCredential, TypeOpenBadgeCredential},
		Issuer:      &issuer,
		ValidFrom:   FormatTime(from),
		Name:        achievement.Name,
		Description: o.description,
		Image:       keep(deep, o.image),
		CredentialSubject: AchievementSubject{
			ID:          recipient.DID,
			Type:        Types{TypeAchievementSubject},
			Achievement: &achievement,
			Identifier:  ids,
			Result:      results,
			Narrative:   o.narrative,
		},
		CredentialStatus: keep(deep, o.status),
		CredentialSchema: keep(deep, o.schemas),
		Evidence:         evidence,
	}
	if o.name != "" {
		c.Name = o.name
	}
	if !until.IsZero() {
		c.ValidUntil = FormatTime(until)
	}
	if !o.awarded.IsZero() {
		c.AwardedDate = FormatTime(o.awarded)
	}
	return c, nil
}

func checkInputs(a *Achievement, issuer *Profile, r *Recipient) error {
	switch {
	case issuer.ID == "":
		return badged.Errorf(badged.Invalid, "the issuer needs an id")
	case a.ID == "":
		return badged.Errorf(badged.Invalid, "the achievement needs an id")
	case a.Name == "":
		return badged.Errorf(badged.Invalid, "the achievement needs a name")
	case a.Description == "":
		return badged.Errorf(badged.Invalid, "the achievement needs a description")
	case a.Criteria == nil || (a.Criteria.ID == "" && a.Criteria.Narrative == ""):
		return badged.Errorf(badged.Invalid, "the achievement needs criteria (a URL or a narrative)")
	case r.DID == "" && len(r.Identifiers) == 0:
		return badged.Errorf(badged.Invalid, "the recipient needs a DID or an identifier")
	}
	if len(a.Type) == 0 {
		a.Type = Types{TypeAchievement}
	}
	if len(issuer.Type) == 0 {
		issuer.Type = Types{TypeProfile}
	}
	return nil
}

// keep returns v, or with deep a copy of it sharing no memory with it.
func keep[T any](deep bool, v T) T {
	if deep {
		return deepCopy(v)
	}
	return v
}

// keepSlice returns a copy of s: deep, or of its elements only.
func keepSlice[S ~[]E, E any](deep bool, s S) S {
	if deep {
		return deepCopy(s)
	}
	return slices.Clone(s)
}

// deepCopy returns a copy of v sharing no memory with it, by a JSON round
// trip (the types here are plain JSON data).
func deepCopy[T any](v T) T {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("credential: copy %T: %v", v, err)) // unreachable: plain data
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		panic(fmt.Sprintf("credential: copy %T: %v", v, err))
	}
	return out
}

// NewID returns a credential id: a urn:uuid with a random (version 4) UUID
// read from r. It fails only if r does.
func NewID(r io.Reader) (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

// NewTimeID returns a credential id: a urn:uuid with a version 7 UUID
// (RFC 9562), the milliseconds of t then random bits read from r, so that
// ids sort by when they were made and a store's index of them grows at
// its end. It reveals t to the millisecond, which a credential's
// validFrom states to the second anyway. It fails only if r does.
func NewTimeID(r io.Reader, t time.Time) (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(r, b[6:]); err != nil {
		return "", err
	}
	ms := uint64(t.UnixMilli())
	for i := range 6 {
		b[i] = byte(ms >> (40 - 8*i))
	}
	b[6] = b[6]&0x0f | 0x70
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

// Map returns c as a generic JSON map, the form proof suites sign and
// [Validate] checks. Numbers are float64. It returns an error only if c
// holds a value JSON cannot encode (a NaN in a raw proof).
func (c *Credential) Map() (map[string]any, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encode credential: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("decode credential: %w", err)
	}
	return m, nil
}

// Parse reads a credential from JSON. It checks only that the JSON has the
// shape of [Credential] (types of members), not the rules of OB 3.0: use
// [Validate] on the document for that. It returns an Invalid *badged.Error
// when raw is not a JSON object of that shape.
func Parse(raw []byte) (*Credential, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return nil, badged.Errorf(badged.Invalid, "a credential must be a JSON object")
	}
	var c Credential
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, badged.Wrap(badged.Invalid, err, "the credential is not well-formed JSON of an Open Badges credential")
	}
	return &c, nil
}
