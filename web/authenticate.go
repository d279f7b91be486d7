package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/auth"
	"github.com/badged/badged/web/request"
)

// authenticate establishes the caller of an API request from an
// Authorization: Bearer token (a system) or else the session cookie (a
// person), and refuses the request with 401 when there is neither or the
// credential is unknown, expired or revoked. A bad session cookie is
// cleared.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var (
			p   *auth.Principal
			err error
		)
		if h := r.Header.Get("Authorization"); h != "" {
			scheme, token, _ := strings.Cut(h, " ")
			if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
				w.Header().Set("WWW-Authenticate", `Bearer realm="badged", error="invalid_request"`)
				s.writeError(w, r, badged.Errorf(badged.Unauthorized, "use Authorization: Bearer <token>"))
				return
			}
			if p, err = s.Auth.BearerPrincipal(r.Context(), strings.TrimSpace(token)); err != nil {
				if badged.KindOf(err) == badged.Unauthorized {
					w.Header().Set("WWW-Authenticate", `Bearer realm="badged", error="invalid_token"`)
				}
				s.writeError(w, r, err)
				return
			}
		} else if session := request.SessionToken(r); session != "" {
			if p, err = s.Auth.SessionPrincipal(r.Context(), session); err != nil {
				if badged.KindOf(err) == badged.Unauthorized {
					http.SetCookie(w, s.SessionCookie("", time.Time{}))
				}
				s.writeError(w, r, err)
				return
			}
		} else {
			w.Header().Set("WWW-Authenticate", `Bearer realm="badged"`)
			s.writeError(w, r, badged.Errorf(badged.Unauthorized, "sign in first"))
			return
		}
		next.ServeHTTP(w, r.WithContext(request.WithPrincipal(r.Context(), p)))
	})
}

// SessionCookie returns the cookie that carries a session token until
// expires (see [request.NewSessionCookie]): Secure when the base URL is
// https. An empty token returns a cookie that deletes it. Login sets it.
func (s *Server) SessionCookie(token string, expires time.Time) *http.Cookie {
	return request.NewSessionCookie(token, expires, strings.HasPrefix(s.BaseURL, "https://"))
}
