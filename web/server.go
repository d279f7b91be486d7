// Package web serves badged over HTTP: one chi router with the JSON API
// under /api, the public documents (contexts, DID documents, status lists)
// and, as later parts land, the pages of the issuer portal, the backpack and
// the verifier.
package web

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/badged/badged/auth"
	"github.com/badged/badged/contexts"
	"github.com/badged/badged/issuer"
)

// Server holds the services the handlers use and the router built on them.
type Server struct {
	Version string
	Log     *slog.Logger
	// BaseURL is the public URL of the server: an https one makes the
	// session cookie Secure, and its origin is trusted for state-changing
	// requests.
	BaseURL      string
	Issuer       *issuer.Service
	Auth         *auth.Service
	Institutions InstitutionLister
	// MaxBodyBytes bounds request bodies (default 1 MiB).
	MaxBodyBytes int64

	router chi.Router
}

// InstitutionLister lists every institution, for a platform
// administrator's list. issuer.Store implements it. (issuer.Service has no
// list of institutions yet; when it has, this goes.)
type InstitutionLister interface {
	Institutions(ctx context.Context) ([]*issuer.Institution, error)
}

// API is what the JSON API needs; every field but BaseURL is required.
type API struct {
	BaseURL      string
	Issuer       *issuer.Service
	Auth         *auth.Service
	Institutions InstitutionLister
}

// DefaultMaxBodyBytes bounds a request body unless Server.MaxBodyBytes says
// otherwise.
const DefaultMaxBodyBytes = 1 << 20

// NewServer builds the router. It does not listen; see [Server.Serve].
func NewServer(version string, log *slog.Logger, api API) *Server {
	s := &Server{Version: version, Log: log, BaseURL: api.BaseURL, Issuer: api.Issuer, Auth: api.Auth,
		Institutions: api.Institutions, MaxBodyBytes: DefaultMaxBodyBytes}
	r := chi.NewRouter()
	r.Use(middleware.RealIP, requestID, middleware.Recoverer, s.crossOrigin(), s.limitBody)
	r.Get("/healthz", s.handleHealth)
	s.registerContextRoutes(r)
	s.registerOAuthRoutes(r)
	r.Route("/api/v1", s.registerAPIRoutes)
	s.router = r
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.router.ServeHTTP(w, r) }

// Serve answers on l until ctx is done, then shuts down gracefully. Its
// timeouts bound slow clients: a slow-loris client is cut off after the
// header timeout. It returns nil after a clean shutdown.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := hs.Shutdown(shutdown); err != nil {
			return err
		}
		if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": s.Version})
}

// registerContextRoutes publishes badged's own JSON-LD extension context, so
// the URL in every credential that uses it can be dereferenced.
func (s *Server) registerContextRoutes(r chi.Router) {
	r.Get("/ns/badged/v1", func(w http.ResponseWriter, r *http.Request) {
		b, _ := contexts.Bytes(contexts.Badged)
		w.Header().Set("Content-Type", "application/ld+json")
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Write(b)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
