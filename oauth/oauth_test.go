package oauth

import (
	"errors"
	"net/url"
	"testing"
)

func TestRedirectErrorURL(t *testing.T) {
	tests := []struct {
		name, uri, state, want string
	}{
		{"ok/keeps the query", "https://app.example/cb?x=1", "s1",
			"https://app.example/cb?error=invalid_scope&error_description=no+such+scope&iss=https%3A%2F%2Fbadges.example&state=s1&x=1"},
		{"ok/no state", "https://app.example/cb", "",
			"https://app.example/cb?error=invalid_scope&error_description=no+such+scope&iss=https%3A%2F%2Fbadges.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &RedirectError{Err: Fail("invalid_scope", "no such %s", "scope"), RedirectURI: tt.uri, State: tt.state}
			if got := e.URL("https://badges.example"); got != tt.want {
				t.Errorf("URL = %s, want %s", got, tt.want)
			}
			var pe *Error
			if !errors.As(e, &pe) || pe.Code != "invalid_scope" {
				t.Errorf("errors.As: %v", pe)
			}
		})
	}
	// The parameters set win over the URI's own of the same name.
	got := WithParams("https://app.example/cb?code=old", url.Values{"code": {"new"}}, "", "i")
	if u, _ := url.Parse(got); u.Query().Get("code") != "new" {
		t.Errorf("WithParams = %s", got)
	}
}
