// Package web serves badged over HTTP: one chi router with the JSON API
// under /api, the public documents (contexts, DID documents, status lists)
// and, as later parts land, the pages of the issuer portal, the backpack and
// the verifier.
package web

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged/audit"
	"github.com/badged/badged/auth"
	"github.com/badged/badged/bulk"
	"github.com/badged/badged/contexts"
	"github.com/badged/badged/insights"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/login"
	"github.com/badged/badged/notify"
	"github.com/badged/badged/verifier"
	"github.com/badged/badged/wallet"
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
	// Bulk runs bulk direct awards; without it their routes answer 503.
	Bulk *bulk.Service
	// Publisher builds the public documents (DID documents, profiles,
	// status lists) and InstitutionRecords the institution profiles;
	// without them those routes answer 404.
	Publisher          Publisher
	InstitutionRecords InstitutionReader
	// Insights builds the award statistics; without it its route answers
	// 503.
	Insights *insights.Service
	// MaxBodyBytes bounds request bodies (default 1 MiB).
	MaxBodyBytes int64
	// Verifier verifies for the VC-API and the verify page; Egress is the
	// guarded client the page fetches shared links with; Issuers says who
	// an issuer is; Credentials signs for /credentials/issue (nil: the
	// route answers 503). See API.
	Verifier    *verifier.Verifier
	Egress      *http.Client
	Issuers     IssuerDirectory
	Credentials CredentialSigner
	// Now is the clock pages say ages by (how long ago a foreign status
	// list was fetched); nil means time.Now.
	Now func() time.Time
	// ReadHeaderTimeout bounds the reading of a request's headers, which
	// cuts off slow-loris clients (default 5 seconds).
	ReadHeaderTimeout time.Duration
	// Login signs people in with OpenID Connect (nil: no provider, and
	// /login/{provider} answers 404); Demo says its providers are demo
	// accounts, which the login page tells.
	Login *login.Service
	Demo  bool
	// Wallet is the learners' backpack (nil: its routes answer 503, and
	// the public share and presentation links 404).
	Wallet *wallet.Service
	// Audit is the audit trail and Outbox the mail outbox, which
	// institution admins read (nil: their routes answer 503).
	Audit  *audit.Log
	Outbox *notify.Outbox
	// Offers creates OpenID4VCI offers of a learner's badge (nil: the
	// route answers 503).
	Offers OfferCreator

	rates  *rateLimits
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
	Bulk         *bulk.Service // optional: bulk direct awards
	// Optional: the public documents and the institution profiles.
	Publisher          Publisher
	InstitutionRecords InstitutionReader
	Insights           *insights.Service // optional: award statistics
	// Optional, for the verifier: a nil Verifier is [DefaultVerifier] on
	// Egress, a nil Egress is egress.NewClient(egress.DefaultPolicy()),
	// without Issuers no issuer is known, and without Credentials
	// /credentials/issue answers 503.
	Verifier    *verifier.Verifier
	Egress      *http.Client
	Issuers     IssuerDirectory
	Credentials CredentialSigner
	// Now is the clock pages say ages by (how long ago a foreign status
	// list was fetched); nil means time.Now.
	Now func() time.Time
	// Optional: sign-in. DevIDP, the built-in demo OpenID provider, is
	// mounted under /devidp when set; Demo marks the logins as demo
	// accounts.
	Login  *login.Service
	DevIDP http.Handler
	Demo   bool
	// Optional: the learners' backpack.
	Wallet *wallet.Service
	// Optional: the audit trail and the outbox, for institution admins;
	// Audit also records the changes made through the API that no service
	// reports (bulk award submissions).
	Audit  *audit.Log
	Outbox *notify.Outbox
	// Optional: the OpenID4VCI issuer endpoints, and the offers of a
	// learner's badge.
	OpenID4VCI interface{ Routes(chi.Router) }
	Offers     OfferCreator
	// Optional: the limits on public endpoints (zero fields: the
	// defaults of [DefaultThrottle]).
	Throttle Throttle
}

// DefaultMaxBodyBytes bounds a request body unless Server.MaxBodyBytes says
// otherwise.
const DefaultMaxBodyBytes = 1 << 20

// NewServer builds the router. It does not listen; see [Server.Serve].
func NewServer(version string, log *slog.Logger, api API) *Server {
	s := &Server{Version: version, Log: log, BaseURL: api.BaseURL, Issuer: api.Issuer, Auth: api.Auth,
		Institutions: api.Institutions, Bulk: api.Bulk, MaxBodyBytes: DefaultMaxBodyBytes}
	s.Publisher, s.InstitutionRecords, s.Insights = api.Publisher, api.InstitutionRecords, api.Insights
	s.setVerifier(api)
	s.Login, s.Demo = api.Login, api.Demo
	s.Wallet, s.Offers = api.Wallet, api.Offers
	s.Audit, s.Outbox = api.Audit, api.Outbox
	r := chi.NewRouter()
	r.Use(requestID, s.secureHeaders, s.recoverer, s.crossOrigin(), s.limitBodyOrUpload)
	r.Use(s.throttle(api.Throttle)...)
	// HEAD is answered by every GET route, as GET without the body (health
	// checks and link checkers send it).
	r.Use(headAsGet)
	r.Get("/healthz", s.handleHealth)
	s.registerContextRoutes(r)
	s.registerOAuthRoutes(r)
	s.registerPublicRoutes(r)
	r.Route("/api/v1", s.registerAPIRoutes)
	s.registerVCAPIRoutes(r)
	s.registerVCAPIIssueRoutes(r)
	s.registerVerifyRoutes(r)
	s.registerLoginRoutes(r)
	s.registerWalletPublicRoutes(r)
	s.registerSharePageRoutes(r)
	s.registerBackpackRoutes(r)
	s.registerCatalogueRoutes(r)
	if api.OpenID4VCI != nil {
		api.OpenID4VCI.Routes(r)
	}
	if api.DevIDP != nil {
		r.Mount("/devidp", api.DevIDP)
	}
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
		ReadHeaderTimeout: cmp.Or(s.ReadHeaderTimeout, 5*time.Second),
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
