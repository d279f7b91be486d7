// Package web is badged's one HTTP server: a chi router with one
// middleware stack (one middleware a file: request IDs, security headers,
// recovery, cross-origin protection, body limits, rate limits, HEAD,
// authentication) in front of the areas, each a handler type in its own
// package with its own routes: the JSON API ([api]), the VC-API
// ([vcapi]) and the pages ([page]). web itself serves the public
// documents (DID documents, profiles, status lists, badged's JSON-LD
// context) and answers what no route takes: a styled page to a browser,
// problem+json to anyone else. [NewServer] wires it all for serve and the
// tests alike; [NewVerifierServer] is a stateless verifier node.
package web

import (
	"cmp"
	"context"
	"errors"
	"github.com/badged/badged/lti"
	ltipage "github.com/badged/badged/web/page/lti"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged/audit"
	"github.com/badged/badged/auth"
	"github.com/badged/badged/badgeimage"
	"github.com/badged/badged/bulk"
	"github.com/badged/badged/contexts"
	"github.com/badged/badged/endorsement"
	"github.com/badged/badged/insights"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/login"
	"github.com/badged/badged/metrics"
	"github.com/badged/badged/notify"
	"github.com/badged/badged/obapi"
	"github.com/badged/badged/openid4vci"
	"github.com/badged/badged/openid4vp"
	"github.com/badged/badged/verifier"
	"github.com/badged/badged/wallet"
	"github.com/badged/badged/web/api"
	webob "github.com/badged/badged/web/obapi"
	webvci "github.com/badged/badged/web/openid4vci"
	webvp "github.com/badged/badged/web/openid4vp"
	"github.com/badged/badged/web/page"
	"github.com/badged/badged/web/page/apps"
	"github.com/badged/badged/web/page/ask"
	"github.com/badged/badged/web/page/backpack"
	"github.com/badged/badged/web/page/catalogue"
	"github.com/badged/badged/web/page/consent"
	"github.com/badged/badged/web/page/developers"
	"github.com/badged/badged/web/page/help"
	"github.com/badged/badged/web/page/portal"
	"github.com/badged/badged/web/page/share"
	"github.com/badged/badged/web/page/signin"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/vcapi"
)

// Server is badged's one HTTP server: one router and one middleware stack
// in front of the JSON API ([api.Handler]), the VC-API ([vcapi.Handler]),
// the pages ([page.Handler]) and the public documents. NewServer builds
// it from an [API], for serve and the tests alike.
type Server struct {
	Version string
	Log     *slog.Logger
	// BaseURL is the public URL of the server: an https one makes the
	// session cookie Secure, and its origin is trusted for state-changing
	// requests.
	BaseURL string
	// Auth establishes callers (see authenticate).
	Auth *auth.Service
	// Publisher builds the public documents (DID documents, profiles,
	// status lists) and InstitutionRecords the institution profiles;
	// without them those routes answer 404.
	Publisher          Publisher
	InstitutionRecords InstitutionReader
	// MaxBodyBytes bounds request bodies (default 1 MiB).
	MaxBodyBytes int64
	// metrics counts the requests (nil: not counted), served at /metrics
	// when metricsRoute is set.
	metrics      *metrics.Metrics
	metricsRoute bool
	// Verifier verifies for the VC-API and the pages; Egress is the
	// guarded client the verify page fetches shared links with; Issuers
	// says who an issuer is. See API.
	Verifier *verifier.Verifier
	Egress   *http.Client
	Issuers  verifier.IssuerDirectory
	// Now is the clock pages say ages by (how long ago a foreign status
	// list was fetched); nil means time.Now.
	Now func() time.Time
	// ReadHeaderTimeout bounds the reading of a request's headers, which
	// cuts off slow-loris clients (default 5 seconds).
	ReadHeaderTimeout time.Duration

	api    *api.Handler
	pages  *page.Handler
	share  *share.Handler
	vcapi  *vcapi.Handler
	images badgeimage.Store // served under /images/
	rates  *rateLimits
	router chi.Router
}

// API is what the server needs: its JSON API, VC-API and pages; every
// field but BaseURL is required.
type API struct {
	BaseURL      string
	Issuer       *issuer.Service
	Auth         *auth.Service
	Institutions api.InstitutionLister
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
	Issuers     verifier.IssuerDirectory
	Credentials vcapi.CredentialSigner
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
	// Optional: the badge images, uploaded through the API and served
	// under /images/.
	Images badgeimage.Store
	// Optional: the badge class editor's preview of a credential, and the
	// institutions' signing keys for their admins.
	Previews portal.Previewer
	Keys     portal.KeyRing
	// Optional: the Prometheus metrics, which the requests are counted in;
	// with MetricsRoute they are also served at /metrics on this server
	// (otherwise the operator serves Metrics.Handler on an address of its
	// own).
	Metrics      *metrics.Metrics
	MetricsRoute bool
	// Optional: the online backup of the store (bbolt).
	Backup api.Backuper
	// Optional: OpenID4VCI — the offers of a learner's badge (VCI), and
	// with VCIIssuer, which makes the wallets' copies, the issuer
	// endpoints and the consent page of the authorization code flow.
	VCI       *openid4vci.Service
	VCIIssuer openid4vci.Issuer
	// Optional: the OpenID4VP verifier (its endpoints, the employer's page
	// and the backpack's answer page), with the names of what credentials
	// carry and the resolver of request objects' keys.
	OpenID4VP      *openid4vp.Service
	CredentialName ask.CredentialNames
	RequestKeys    openid4vp.KeyResolver
	// Optional: endorsements, made and decided through the API and shown
	// on the catalogue, share and backpack pages.
	Endorsements *endorsement.Service
	// Optional, with Wallet: the Open Badges 3.0 API under /ims/ob/v3p0
	// and its pages (consent, connected applications).
	OBAPI *obapi.Service
	// Optional: badged as an LTI 1.3 tool for learning platforms (/lti/).
	LTI *lti.Service
	// Optional: the limits on public endpoints (zero fields: the
	// defaults of [DefaultThrottle]).
	Throttle Throttle
}

// DefaultMaxBodyBytes bounds a request body unless Server.MaxBodyBytes says
// otherwise.
const DefaultMaxBodyBytes = 1 << 20

// NewServer builds the router. It does not listen; see [Server.Serve].
func NewServer(version string, log *slog.Logger, cfg API) *Server {
	s := &Server{Version: version, Log: log, BaseURL: cfg.BaseURL, Auth: cfg.Auth, MaxBodyBytes: DefaultMaxBodyBytes}
	s.Publisher, s.InstitutionRecords = cfg.Publisher, cfg.InstitutionRecords
	s.metrics, s.metricsRoute = cfg.Metrics, cfg.MetricsRoute
	s.setVerifier(cfg)
	var uploads *badgeimage.Uploads
	if cfg.Images != nil {
		uploads = badgeimage.NewUploads(cfg.Images, cfg.BaseURL)
	}
	s.api = api.New(api.Deps{Log: log, Issuer: cfg.Issuer, Auth: cfg.Auth, Institutions: cfg.Institutions,
		InstitutionRecords: cfg.InstitutionRecords, Bulk: cfg.Bulk, Insights: cfg.Insights, Wallet: cfg.Wallet,
		Audit: cfg.Audit, Outbox: cfg.Outbox, Uploads: uploads, Offers: offerCreator(cfg.VCI), Backup: cfg.Backup, Endorsements: cfg.Endorsements, SecureCookies: strings.HasPrefix(cfg.BaseURL, "https://"),
		Authenticate: s.authenticate, RequireJSON: s.requireJSON, IssuerCredentialStatus: s.vcapi.HandleIssuerCredentialStatus})
	s.setPages(cfg)
	r := s.newRouter(cfg.Throttle, s.limitBodyOrUpload)
	s.registerPublicRoutes(r)
	s.api.Routes(r)
	s.vcapi.Routes(r)
	verifyPage := s.verifyPage(cfg.Wallet)
	verifyPage.AskWallet = cfg.OpenID4VP != nil
	verifyPage.Routes(r)
	s.pages.Routes(r)
	backpack.New(s.pages).Routes(r)
	catalogue.New(s.pages).Routes(r)
	help.New(s.pages).Routes(r)
	developers.New(s.pages).Routes(r)
	portal.New(s.pages, portal.Deps{Bulk: cfg.Bulk, Uploads: uploads, Previews: cfg.Previews,
		Insights: cfg.Insights, Audit: cfg.Audit, Outbox: cfg.Outbox, Keys: cfg.Keys, LTI: cfg.LTI, Endorse: cfg.Endorsements}).Routes(r)
	s.share = share.New(s.pages)
	s.share.Routes(r)
	signin.New(signin.Deps{Log: log, Login: cfg.Login, Demo: cfg.Demo, Auth: cfg.Auth,
		SecureCookies: strings.HasPrefix(cfg.BaseURL, "https://")}).Routes(r)
	s.registerWalletPublicRoutes(r)
	s.images = cfg.Images
	s.registerImageRoutes(r)
	if cfg.VCI != nil && cfg.VCIIssuer != nil {
		(&webvci.Handler{Service: cfg.VCI, Issuer: cfg.VCIIssuer, Log: log}).Routes(r)
		consent.New(s.pages, cfg.VCI).Routes(r)
	}
	if cfg.OBAPI != nil && cfg.Wallet != nil {
		(&webob.Handler{Service: cfg.OBAPI, Wallet: cfg.Wallet, Verifier: s.Verifier, Log: log}).Routes(r)
		apps.New(s.pages, cfg.OBAPI).Routes(r)
	}
	if cfg.LTI != nil {
		ltipage.New(s.pages, cfg.LTI).Routes(r)
	}
	if cfg.OpenID4VP != nil {
		(&webvp.Handler{Service: cfg.OpenID4VP, Log: log}).Routes(r)
		ask.New(s.pages, ask.Deps{Verifier: cfg.OpenID4VP, Catalogue: catalogue.New(s.pages), Names: cfg.CredentialName,
			Egress: s.Egress, Keys: cfg.RequestKeys}).Routes(r)
	}
	if cfg.DevIDP != nil {
		r.Mount("/devidp", cfg.DevIDP)
	}
	s.router = r
	return s
}

// offerCreator is vci as the API's offer creator: nil without one.
func offerCreator(vci *openid4vci.Service) api.OfferCreator {
	if vci == nil {
		return nil
	}
	return vci
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
	render.JSON(w, http.StatusOK, map[string]string{"status": "ok", "version": s.Version})
}

// registerContextRoutes publishes badged's own JSON-LD extension contexts,
// so that the URL in every credential that uses one can be dereferenced: v2
// (the one credentials name, at this server's own URL) as an immutable
// document with a strong ETag, readable from any origin; and v1 for those
// who look up the old URL's document.
func (s *Server) registerContextRoutes(r chi.Router) {
	r.Get(contexts.BadgedV2Path, func(w http.ResponseWriter, r *http.Request) {
		// The document never changes: a new one gets a new version path.
		serveBody(w, r, mediaJSONLD, "public, max-age=31536000, immutable", contexts.BadgedV2(), time.Time{})
	})
	r.Get("/ns/badged/v1", func(w http.ResponseWriter, r *http.Request) {
		b, _ := contexts.Bytes(contexts.Badged)
		w.Header().Set("Content-Type", "application/ld+json")
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Write(b)
	})
}

// newRouter is the one middleware stack, with limit as the body limit,
// and the routes every server has: the error pages, /healthz and
// badged's JSON-LD context.
func (s *Server) newRouter(t Throttle, limit func(http.Handler) http.Handler) chi.Router {
	r := chi.NewRouter()
	r.Use(requestID, s.observe, s.secureHeaders, s.recoverer, s.crossOrigin(), limit)
	r.Use(s.throttle(t)...)
	// HEAD is answered by every GET route, as GET without the body (health
	// checks and link checkers send it).
	r.Use(headAsGet)
	s.registerErrorRoutes(r)
	r.Get("/healthz", s.handleHealth)
	if s.metrics != nil && s.metricsRoute {
		r.Method(http.MethodGet, "/metrics", s.metrics.Handler())
	}
	s.registerContextRoutes(r)
	return r
}

// registerErrorRoutes answers a request no route takes, 404 or 405, as
// fail does.
func (s *Server) registerErrorRoutes(r chi.Router) {
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, &render.StatusError{Status: http.StatusNotFound, Kind: "not_found", Detail: "nothing is here"})
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, &render.StatusError{Status: http.StatusMethodNotAllowed, Kind: "method_not_allowed", Detail: r.Method + " is not allowed here"})
	})
}

// fail answers err: with a styled page in the site's layout to a browser
// ([page.Handler.Error]), as problem+json on an API path (/api/) and to
// any other client.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if isAPI(r) {
		s.writeError(w, r, err)
		return
	}
	s.pages.Error(w, r, err)
}

// isAPI reports whether r is for the JSON API, which answers in JSON only.
func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// writeError sends err as a problem (see [render.Error]), logging an
// internal one to s.Log.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	render.Error(w, r, s.Log, err)
}

// registerWalletPublicRoutes adds what anyone may open: a public share and
// a shared presentation, as JSON or, for a browser, as a page.
func (s *Server) registerWalletPublicRoutes(r chi.Router) {
	r.Get("/s/{shareID}", byAccept(s.pages.Handle(s.share.HandleSharePage), render.Problems(s.Log, s.api.HandlePublicShare)))
	r.Get("/p/{presentationID}", byAccept(s.pages.Handle(s.share.HandlePresentationPage), render.Problems(s.Log, s.api.HandlePublicPresentation)))
}

// byAccept answers a browser (a client that prefers HTML) with html and
// anyone else with data.
func byAccept(html, data http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept")
		if page.WantsHTML(r) {
			html(w, r)
			return
		}
		data(w, r)
	}
}
