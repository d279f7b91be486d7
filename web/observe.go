package web

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/badged/badged/web/request"
)

// observe writes the access log, a line per request, and records the
// request's metrics. The line says the request id, the method, the route
// pattern (never the path or query, which may carry personal data such as
// an email address or a share token), the status, the bytes sent and the
// duration; no address, no user.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		took := time.Since(start)
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		route := ""
		if rc := chi.RouteContext(r.Context()); rc != nil {
			route = rc.RoutePattern()
		}
		s.metrics.Request(route, r.Method, status, took)
		if s.Log != nil {
			s.Log.LogAttrs(r.Context(), slog.LevelInfo, "request", slog.String("request_id", request.ID(r.Context())),
				slog.String("method", r.Method), slog.String("route", route), slog.Int("status", status),
				slog.Int("bytes", ww.BytesWritten()), slog.Float64("duration_ms", float64(took.Microseconds())/1000))
		}
	})
}
