package web

import (
	"net/http"

	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

// requireJSON refuses, with 415, a request that sends a body (POST, PUT,
// PATCH, DELETE) in anything but JSON. Requests without a body pass.
func (s *Server) requireJSON(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			if r.ContentLength != 0 && !request.IsJSON(r.Header.Get("Content-Type")) {
				s.writeError(w, r, &render.StatusError{Status: http.StatusUnsupportedMediaType, Kind: "unsupported_media_type",
					Detail: "send the request body as application/json"})
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
