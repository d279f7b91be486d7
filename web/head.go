package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

// headAsGet routes a HEAD request as GET, so that every GET route answers
// HEAD (health checks and link checkers send it): the handler runs as for
// GET and net/http drops the body. badged registers no HEAD routes of its
// own. (chi's middleware.GetHead misses routes under r.Route: it finds the
// mount's catch-all for HEAD and lets the subrouter answer 405.)
func headAsGet(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			if rctx := chi.RouteContext(r.Context()); rctx != nil {
				rctx.RouteMethod = http.MethodGet
			}
		}
		next.ServeHTTP(w, r)
	})
}
