package record

import (
	"testing"

	"github.com/badged/badged/issuer"
)

// TestInstitutionTerms reads an institution record written before
// institutions had terms, and round-trips one with terms.
func TestInstitutionTerms(t *testing.T) {
	old := `{"format":1,"id":"i1","version":3,"created":"2026-03-01T09:30:00Z","updated":"2026-03-01T09:30:00Z",` +
		`"name":{"en":"University"},"description":{},"schacHome":"uni.example.org","institutionType":"WO",` +
		`"country":"NL","defaultLanguage":"nl"}`
	var r Institution
	if err := Decode([]byte(old), &r); err != nil {
		t.Fatal(err)
	}
	if in := r.Domain(); !in.Terms.IsZero() || in.Version != 3 || in.Name.EN != "University" {
		t.Fatalf("old record read as %+v", in)
	}
	if FromInstitution(r.Domain()).Terms != nil {
		t.Error("no terms are written as terms")
	}

	terms := issuer.Terms{Version: "2026-1", Text: issuer.Text{NL: "Voorwaarden", EN: "Terms"}}
	in := r.Domain()
	in.Terms = terms
	if got := FromInstitution(in).Domain(); got.Terms != terms {
		t.Errorf("terms %+v, want %+v", got.Terms, terms)
	}
}

// TestBadgeClassBilingualTexts reads badge class records written when the
// criteria narrative and the learning outcome had one language (the badge
// class's), and round-trips the bilingual ones.
func TestBadgeClassBilingualTexts(t *testing.T) {
	for lang, want := range map[string]issuer.Text{"nl": {NL: "Haal het tentamen."}, "en": {EN: "Haal het tentamen."}, "de": {EN: "Haal het tentamen."}} {
		old := `{"format":1,"id":"b1","version":1,"created":"2026-03-01T09:30:00Z","updated":"2026-03-01T09:30:00Z",` +
			`"institution":"i","group":"g","issuer":"s","name":{"nl":"Statistiek"},"description":{},` +
			`"criteriaNarrative":"Haal het tentamen.","learningOutcome":"Haal het tentamen.","inLanguage":"` + lang + `","state":"draft"}`
		var r BadgeClass
		if err := Decode([]byte(old), &r); err != nil {
			t.Fatal(err)
		}
		bc := r.Domain()
		if bc.Criteria.Narrative != want || bc.LearningOutcome != want {
			t.Errorf("%s: old record read as narrative %+v, outcome %+v; want %+v", lang, bc.Criteria.Narrative, bc.LearningOutcome, want)
		}
		both := issuer.Text{NL: "Haal het tentamen.", EN: "Pass the exam."}
		bc.Criteria.Narrative, bc.LearningOutcome = both, issuer.Text{EN: "Reads a chart."}
		w := FromBadgeClass(bc)
		if w.LegacyCriteriaNarrative != "" || w.LegacyLearningOutcome != "" {
			t.Errorf("%s: the one-language fields are written again: %+v", lang, w)
		}
		if got := w.Domain(); got.Criteria.Narrative != both || got.LearningOutcome != bc.LearningOutcome {
			t.Errorf("%s: round trip %+v %+v", lang, got.Criteria.Narrative, got.LearningOutcome)
		}
	}
}

// TestDecodeFormat checks that a record's format is found wherever its
// member is, and that a missing, unknown or malformed one is refused.
func TestDecodeFormat(t *testing.T) {
	var r struct {
		Format int    `json:"format"`
		Name   string `json:"name"`
	}
	for _, tt := range []struct {
		data string
		ok   bool
	}{
		{`{"format":7,"name":"first"}`, true},
		{`{"name":"later","nested":{"format":1},"format":7}`, true},
		{`{"name":"none"}`, false},
		{`{"format":8,"name":"unknown"}`, false},
		{`{"format":"7"}`, false},
		{`{"format":7.5}`, false},
		{`[7]`, false},
		{`{"format":7,"name":`, false}, // the rest is decoded too
	} {
		err := DecodeFormat([]byte(tt.data), 7, &r)
		if (err == nil) != tt.ok {
			t.Errorf("DecodeFormat(%s) = %v, want ok %v", tt.data, err, tt.ok)
		}
	}
}

// TestVersionOf checks that a record's version is read wherever it is
// among its top-level members, and only there.
func TestVersionOf(t *testing.T) {
	for _, tt := range []struct {
		data string
		want int64
		ok   bool
	}{
		{`{"format":1,"id":"i1","version":3,"name":"x"}`, 3, true},
		{`{"nested":{"version":9},"version":12}`, 12, true},
		{`{"format":1}`, 0, true},
		{`{"version":"3"}`, 0, false},
		{`[1]`, 0, false},
	} {
		got, err := VersionOf([]byte(tt.data))
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("VersionOf(%s) = %d, %v; want %d (ok %v)", tt.data, got, err, tt.want, tt.ok)
		}
	}
}
