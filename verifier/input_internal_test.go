package verifier

import (
	"encoding/json"
	"testing"
)

// TestJSONProblem: JSON that does not decode is said in words, with no
// decoder text ("unexpected end of JSON input", "invalid character").
func TestJSONProblem(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"fail/ends too early":   {`{"a":1`, "the input is not valid JSON: it ends too early (a brace, bracket or quote is not closed)"},
		"fail/open string":      {`{"a":"b`, "the input is not valid JSON: it ends too early (a brace, bracket or quote is not closed)"},
		"fail/bad character":    {"{\n \"a\": x}", "the input is not valid JSON: unexpected character at line 2, column 7"},
		"fail/after the object": {`{}}`, "the input is not valid JSON: unexpected character at line 1, column 3"},
		"fail/not an object":    {`[1,2]`, "the input is not a JSON object"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var doc map[string]any
			err := json.Unmarshal([]byte(tt.in), &doc)
			if err == nil {
				t.Fatalf("%q decoded", tt.in)
			}
			if got := jsonProblem([]byte(tt.in), err); got != tt.want {
				t.Errorf("jsonProblem(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
