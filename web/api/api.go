// Package api is badged's JSON API: /api/v1 (institutions, groups,
// issuers, badge classes, staff, clients, awards, bulk awards, insights,
// the audit trail, the outbox, endorsements and the learner's backpack) and the OAuth 2.0
// token endpoint /oauth/token. Every route but the token endpoint needs an
// authenticated caller; each handler calls a service with the caller's
// actor, and the service decides what it may do. Errors are sent as
// problem+json ([render.Error]).
package api

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged/audit"
	"github.com/badged/badged/auth"
	"github.com/badged/badged/badgeimage"
	"github.com/badged/badged/bulk"
	"github.com/badged/badged/endorsement"
	"github.com/badged/badged/insights"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/notify"
	"github.com/badged/badged/wallet"
	"github.com/badged/badged/web/render"
)

// Deps are what the API uses. Issuer and Auth are required; without one of
// the optional services its routes answer 503 (the backpack's too when
// Wallet is nil).
type Deps struct {
	Log          *slog.Logger
	Issuer       *issuer.Service
	Auth         *auth.Service
	Institutions InstitutionLister
	// InstitutionRecords reads institutions for the terms of a direct award.
	InstitutionRecords InstitutionReader
	Bulk               *bulk.Service
	Insights           *insights.Service
	Wallet             *wallet.Service
	// Audit is the audit trail, which also records the bulk submissions,
	// and Outbox the mail outbox, both for institution admins.
	Audit  *audit.Log
	Outbox *notify.Outbox
	// Uploads takes the badge images uploaded for badge classes (nil: the
	// upload answers 503).
	Uploads *badgeimage.Uploads
	// Offers creates OpenID4VCI offers of a learner's badge (nil: the
	// route answers 503).
	Offers OfferCreator
	// Backup copies the store for GET /api/v1/admin/backup (nil: 503, as
	// on PostgreSQL).
	Backup Backuper
	// SecureCookies marks the session cookie Secure (an https base URL).
	SecureCookies bool
	// Authenticate establishes the caller of every /api/v1 request and
	// RequireJSON refuses a body that is not JSON: web's middleware.
	Authenticate, RequireJSON func(http.Handler) http.Handler
	// Endorsements makes and decides endorsements (nil: their routes
	// answer 503).
	Endorsements *endorsement.Service
	// IssuerCredentialStatus changes the status of a credential an issuer
	// issued through the VC-API (POST /api/v1/issuers/{issuerID}/credentials/status).
	IssuerCredentialStatus render.HandlerFunc
}

// Handler serves the JSON API.
type Handler struct {
	Deps
}

// New returns the API on d.
func New(d Deps) *Handler { return &Handler{Deps: d} }

// InstitutionLister lists every institution, for a platform
// administrator's list. issuer.Store implements it. (issuer.Service has no
// list of institutions yet; when it has, this goes.)
type InstitutionLister interface {
	Institutions(ctx context.Context) ([]*issuer.Institution, error)
}

// InstitutionReader reads an institution by ID; it fails with NotFound.
// issuer.Store implements it.
type InstitutionReader interface {
	Institution(ctx context.Context, id string) (*issuer.Institution, error)
}

// Routes adds the token endpoint and, under /api/v1, the API.
func (h *Handler) Routes(r chi.Router) {
	h.registerOAuthRoutes(r)
	r.Route("/api/v1", h.registerAPIRoutes)
}

// registerAPIRoutes builds the JSON API under /api/v1.
//
// Every route must also have an entry in the authorization matrix
// (web/authz_test.go), or the tests fail.
func (h *Handler) registerAPIRoutes(r chi.Router) {
	r.Use(h.requireJSONOrUpload, h.Authenticate)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		render.Error(w, r, h.Log, &render.StatusError{Status: http.StatusNotFound, Kind: "not_found", Detail: "no such API route"})
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		render.Error(w, r, h.Log, &render.StatusError{Status: http.StatusMethodNotAllowed, Kind: "method_not_allowed", Detail: r.Method + " is not allowed here"})
	})
	h.registerMeRoutes(r)
	h.registerInstitutionRoutes(r)
	h.registerGroupRoutes(r)
	h.registerIssuerRoutes(r)
	h.registerBadgeClassRoutes(r)
	h.registerImageUploadRoutes(r)
	h.registerStaffRoutes(r)
	h.registerClientRoutes(r)
	h.registerInsightsRoutes(r)
	h.registerBulkRoutes(r)
	h.registerWalletRoutes(r)
	h.registerAwardRoutes(r)
	h.registerAuditRoutes(r)
	h.registerBackupRoutes(r)
	h.registerOutboxRoutes(r)
	h.registerEndorsementRoutes(r)
}

// created sends v with 201 and its location.
func created(w http.ResponseWriter, location string, v any) {
	w.Header().Set("Location", location)
	render.JSON(w, http.StatusCreated, v)
}

// handle makes f a handler whose error is sent as a problem.
func (h *Handler) handle(f render.HandlerFunc) http.HandlerFunc { return render.Problems(h.Log, f) }
