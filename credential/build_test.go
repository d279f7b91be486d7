package credential

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/contexts"
)

var testNow = time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)

func testAchievement() Achievement {
	return Achievement{
		ID:          "https://badges.example.edu/achievements/1",
		Name:        "Data Science Basics",
		Description: "Basic data science skills.",
		Criteria:    &Criteria{Narrative: "Pass the final assignment."},
	}
}

func testIssuer() Profile {
	return Profile{ID: "https://badges.example.edu/issuers/1", Name: "Example University"}
}

func TestNewValidates(t *testing.T) {
	ects, hours := 2.5, 70
	id, err := NewIdentityObject(IdentityEmail, "student@example.edu", bytes.NewReader(make([]byte, 16)))
	if err != nil {
		t.Fatal(err)
	}
	// OB 3.0's own properties need no context of badged's.
	withOB := testAchievement()
	withOB.CreditsAvailable = &ects
	withOB.Alignment = []Alignment{EQFAlignment(6), NLQFAlignment("entry-1")}
	withOB.OtherIdentifier = []IdentifierEntry{{Type: TypeIdentifierEntry, Identifier: "34479", IdentifierType: IdentifierProgramme}}
	withExt := testAchievement()
	withExt.StudyLoad = &hours
	base := WithBaseURL("https://badges.example.edu")

	tests := map[string]struct {
		a         Achievement
		r         Recipient
		opts      []Option
		extension bool
	}{
		"ok/did":           {a: testAchievement(), r: Recipient{DID: "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"}},
		"ok/identifier":    {a: testAchievement(), r: Recipient{Identifiers: []IdentityObject{id}}},
		"ok/ob properties": {a: withOB, r: Recipient{Identifiers: []IdentityObject{id}}},
		"ok/extension":     {a: withExt, r: Recipient{Identifiers: []IdentityObject{id}}, opts: []Option{base}, extension: true},
		"ok/everything": {a: testAchievement(), r: Recipient{DID: "did:example:1", Identifiers: []IdentityObject{id}}, opts: []Option{
			WithExpiry(365 * 24 * time.Hour), WithAwardedDate(testNow), WithEvidence(Evidence{ID: "https://example.edu/e/1"}),
			WithResults(Result{Value: "8"}), WithStatus(StatusEntry{ID: "https://example.edu/status/1#7", Type: TypeBitstringStatusEntry,
				StatusPurpose: "revocation", StatusListIndex: "7", StatusListCredential: "https://example.edu/status/1"}),
			WithCredentialSchema(CredentialSchema{ID: SchemaURL, Type: TypeJSONSchemaValidator}),
			WithImage(Image{ID: "https://example.edu/badge.png", Type: TypeImage}),
		}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			opts := append([]Option{WithClock(func() time.Time { return testNow }), WithRand(bytes.NewReader(make([]byte, 16)))}, tt.opts...)
			c, err := New(tt.a, testIssuer(), tt.r, opts...)
			if err != nil {
				t.Fatal(err)
			}
			if c.ID != "urn:uuid:00000000-0000-4000-8000-000000000000" || c.ValidFrom != "2026-09-01T12:00:00Z" {
				t.Errorf("id %s validFrom %s", c.ID, c.ValidFrom)
			}
			if slices.Contains(c.Context, any(contexts.Badged)) {
				t.Error("a new credential names the old badged context")
			}
			if got := slices.Contains(c.Context, any("https://badges.example.edu/ns/badged/v2")); got != tt.extension {
				t.Errorf("badged context present = %v, want %v", got, tt.extension)
			}
			m, err := c.Map()
			if err != nil {
				t.Fatal(err)
			}
			if ps := Validate(m); len(ps) != 0 {
				t.Fatalf("built credential has problems:\n%s", dump(ps))
			}
			// Parse(JSON(c)) gives c back.
			b, _ := json.Marshal(c)
			back, err := Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			b2, _ := json.Marshal(back)
			if !bytes.Equal(b, b2) {
				t.Errorf("round trip differs:\n%s\n%s", b, b2)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	noCriteria := testAchievement()
	noCriteria.Criteria = nil
	tests := map[string]struct {
		a    Achievement
		is   Profile
		r    Recipient
		opts []Option
	}{
		"fail/no-recipient": {a: testAchievement(), is: testIssuer()},
		"fail/no-criteria":  {a: noCriteria, is: testIssuer(), r: Recipient{DID: "did:example:1"}},
		"fail/no-issuer-id": {a: testAchievement(), r: Recipient{DID: "did:example:1"}},
		"fail/until-before": {a: testAchievement(), is: testIssuer(), r: Recipient{DID: "did:example:1"}, opts: []Option{WithValidUntil(testNow.Add(-time.Hour))}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			opts := append([]Option{WithClock(func() time.Time { return testNow })}, tt.opts...)
			_, err := New(tt.a, tt.is, tt.r, opts...)
			if badged.KindOf(err) != badged.Invalid {
				t.Fatalf("err = %v, want an Invalid error", err)
			}
		})
	}
}

func TestNewCopiesInputs(t *testing.T) {
	a := testAchievement()
	c, err := New(a, testIssuer(), Recipient{DID: "did:example:1"}, WithClock(func() time.Time { return testNow }))
	if err != nil {
		t.Fatal(err)
	}
	a.Criteria.Narrative = "changed"
	if c.CredentialSubject.Achievement.Criteria.Narrative == "changed" {
		t.Error("the credential shares memory with the achievement given to New")
	}
}

// TestDocument checks that Document makes the map of New's credential,
// and leaves the inputs as they were (a missing identifier type is set on
// the credential's copy only).
func TestDocument(t *testing.T) {
	id, err := NewIdentityObject(IdentityEmail, "student@example.edu", bytes.NewReader(make([]byte, 16)))
	if err != nil {
		t.Fatal(err)
	}
	id.Type = ""
	ids := []IdentityObject{id}
	opts := []Option{WithClock(func() time.Time { return testNow }), WithID("urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5"),
		WithExpiry(365 * 24 * time.Hour), WithEvidence(Evidence{ID: "https://example.edu/e/1"}), WithResults(Result{Value: "8"}),
		WithStatus(StatusEntry{ID: "https://example.edu/status/1#7", Type: TypeBitstringStatusEntry, StatusPurpose: "revocation",
			StatusListIndex: "7", StatusListCredential: "https://example.edu/status/1"})}
	c, err := New(testAchievement(), testIssuer(), Recipient{Identifiers: ids}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	want, err := c.Map()
	if err != nil {
		t.Fatal(err)
	}
	got, err := Document(testAchievement(), testIssuer(), Recipient{Identifiers: ids}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if g, w := mustJSON(t, got), mustJSON(t, want); g != w {
		t.Errorf("Document = %s\nwant %s", g, w)
	}
	if ids[0].Type != "" {
		t.Errorf("Document set the caller's identifier type to %q", ids[0].Type)
	}
}

func TestParse(t *testing.T) {
	c, err := Parse(mustRead(t, fixtures+"simple-did-web-method.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Proof) != 1 || c.Proof[0]["cryptosuite"] != "eddsa-rdfc-2022" {
		t.Errorf("single proof object not read as an array: %v", c.Proof)
	}
	v1, err := Parse(mustRead(t, fixtures+"simple_v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	if v1.ValidFrom != "2010-01-01T00:00:00Z" || !v1.Type.Has(TypeOpenBadgeCredential) {
		t.Errorf("VC 1.1 issuanceDate not read as validFrom: %+v", v1)
	}
	for _, bad := range []string{``, `[]`, `"x"`, `{"type": 3}`, `{"credentialSubject": []}`} {
		_, err := Parse([]byte(bad))
		var e *badged.Error
		if !errors.As(err, &e) || e.Kind != badged.Invalid {
			t.Errorf("Parse(%q) err = %v, want Invalid", bad, err)
		}
	}
}

func TestTypes(t *testing.T) {
	var ts Types
	if err := json.Unmarshal([]byte(`"Achievement"`), &ts); err != nil || !ts.Has("Achievement") {
		t.Fatalf("%v %v", ts, err)
	}
	if b, _ := json.Marshal(ts); string(b) != `["Achievement"]` {
		t.Errorf("marshal = %s", b)
	}
	if err := json.Unmarshal([]byte(`{}`), &ts); err == nil {
		t.Error("accepted an object")
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestNewExtensionNeedsBase: an extension field without the deployment's
// base URL is refused, not written under a context nobody serves.
func TestNewExtensionNeedsBase(t *testing.T) {
	a := testAchievement()
	a.LearningOutcome = "Can run a t-test."
	_, err := New(a, testIssuer(), Recipient{DID: "did:example:1"})
	if badged.KindOf(err) != badged.Invalid {
		t.Fatalf("err = %v, want Invalid", err)
	}
}

// TestNewTimeID checks the version 7 layout (RFC 9562): the time's
// milliseconds first, the version and variant bits, the random bits from
// the reader, and that later ids sort after earlier ones.
func TestNewTimeID(t *testing.T) {
	t0 := time.Date(2026, 12, 5, 17, 0, 0, 123_000_000, time.UTC)
	id, err := NewTimeID(bytes.NewReader(bytes.Repeat([]byte{0xff}, 10)), t0)
	if err != nil {
		t.Fatal(err)
	}
	// 2026-12-05T17:00:00.123Z is 1796490000123 ms: 0x01a24725f6fb.
	if want := "urn:uuid:01a24725-f6fb-7fff-bfff-ffffffffffff"; id != want {
		t.Errorf("NewTimeID = %s, want %s", id, want)
	}
	var prev string
	for i := range 5 {
		id, err := NewTimeID(bytes.NewReader(bytes.Repeat([]byte{byte(0xff - i)}, 10)), t0.Add(time.Duration(i)*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		if id <= prev {
			t.Errorf("id %d = %s sorts before %s", i, id, prev)
		}
		prev = id
	}
	if _, err := NewTimeID(bytes.NewReader(nil), t0); err == nil {
		t.Error("NewTimeID with an empty reader succeeded")
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
