package web

import (
	"net/http"
	"net/url"

	"github.com/badged/badged"
	"github.com/badged/badged/web/page"
)

// crossOrigin refuses state-changing requests (anything but GET, HEAD and
// OPTIONS) that a browser marks as cross-origin, with net/http's
// CrossOriginProtection: by Sec-Fetch-Site, else by Origin against Host.
// The base URL's origin is trusted, for a server behind a proxy that
// rewrites Host. Requests with neither header (servers, curl) pass: they
// carry no ambient credentials.
func (s *Server) crossOrigin() func(http.Handler) http.Handler {
	c := http.NewCrossOriginProtection()
	if u, err := url.Parse(s.BaseURL); err == nil && u.Scheme != "" && u.Host != "" {
		if err := c.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil && s.Log != nil {
			s.Log.Warn("base URL not trusted as an origin", "url", s.BaseURL, "err", err)
		}
	}
	// A learning platform's login initiation and launch are its own
	// cross-site form posts, checked by their state and signed id_token.
	c.AddInsecureBypassPattern("POST /lti/login")
	c.AddInsecureBypassPattern("POST /lti/launch")
	c.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isAPI(r) && page.WantsHTML(r) {
			s.pages.Message(w, r, http.StatusForbidden, "", func(t map[string]string, _ string) (string, string) {
				return t["forbiddenTitle"], t["crossOriginText"]
			})
			return
		}
		s.writeError(w, r, badged.Errorf(badged.Forbidden, "cross-origin request refused"))
	}))
	return c.Handler
}
