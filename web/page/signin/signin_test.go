package signin

import (
	"net/http"
	"testing"
)

func TestLoginCookieSecure(t *testing.T) {
	h := New(Deps{SecureCookies: true})
	if c := h.loginCookie("v", 0); !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
		t.Errorf("login cookie %+v", c)
	}
}
