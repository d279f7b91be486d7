package request

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestIsJSON(t *testing.T) {
	for ct, want := range map[string]bool{
		"application/json": true, "application/json; charset=utf-8": true, "application/problem+json": true,
		"application/ld+json": true, "text/plain": false, "": false, "application/jsonx": false, "multipart/form-data": false,
	} {
		if got := IsJSON(ct); got != want {
			t.Errorf("IsJSON(%q) = %v", ct, got)
		}
	}
}

func TestSessionCookie(t *testing.T) {
	c := NewSessionCookie("tok", time.Now().Add(time.Hour), true)
	if c.Name != SessionCookie || !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
		t.Errorf("%+v", c)
	}
	if d := NewSessionCookie("", time.Now(), false); d.MaxAge >= 0 || d.Value != "" || d.Secure {
		t.Errorf("deleting cookie %+v", d)
	}
}

func TestOverLimit(t *testing.T) {
	if n, ok := OverLimit(fmt.Errorf("read: %w", &http.MaxBytesError{Limit: 10})); !ok || n != 10 {
		t.Errorf("%d %v", n, ok)
	}
	if _, ok := OverLimit(fmt.Errorf("other")); ok {
		t.Error("another error is over the limit")
	}
}
