package insights_test

import (
	"testing"

	"github.com/badged/badged/insights"
)

func TestEscapeCell(t *testing.T) {
	tests := map[string]string{
		"":                  "",
		"Statistics":        "Statistics",
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")",
		"+31 20":            "'+31 20",
		"-1":                "'-1",
		"@SUM(A1)":          "'@SUM(A1)",
		"\tcmd":             "'\tcmd",
		"\rcmd":             "'\rcmd",
		"a=b":               "a=b",
		"'already":          "'already",
	}
	for in, want := range tests {
		if got := insights.EscapeCell(in); got != want {
			t.Errorf("EscapeCell(%q) = %q, want %q", in, got, want)
		}
	}
}
