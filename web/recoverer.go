package web

import (
	"net/http"

	"github.com/badged/badged"
)

// recoverer turns a panic into a 500, logged with the request id (see
// fail: a page for a browser, problem+json for anyone else), instead of a
// plain-text page and a stack dump to stderr.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.fail(w, r, badged.Errorf(badged.Internal, "panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}
