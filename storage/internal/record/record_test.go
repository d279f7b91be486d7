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
