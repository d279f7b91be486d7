package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged/web/render"
)

// registerAPIRoutes builds the JSON API under /api/v1. Every route needs
// an authenticated caller and sends JSON; each handler calls a service
// with the caller's actor, and the service decides what it may do.
//
// Every route must also have an entry in the authorization matrix
// (authz_test.go), or the tests fail.
func (s *Server) registerAPIRoutes(r chi.Router) {
	r.Use(s.requireJSONOrUpload, s.authenticate, s.auditSubmissions)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, &render.StatusError{Status: http.StatusNotFound, Kind: "not_found", Detail: "no such API route"})
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, &render.StatusError{Status: http.StatusMethodNotAllowed, Kind: "method_not_allowed", Detail: r.Method + " is not allowed here"})
	})
	s.registerMeRoutes(r)
	s.registerInstitutionRoutes(r)
	s.registerGroupRoutes(r)
	s.registerIssuerRoutes(r)
	s.registerBadgeClassRoutes(r)
	s.registerStaffRoutes(r)
	s.registerClientRoutes(r)
	s.registerInsightsRoutes(r)
	s.registerBulkRoutes(r)
	s.registerWalletRoutes(r)
	s.registerAwardRoutes(r)
	s.registerAuditRoutes(r)
	s.registerOutboxRoutes(r)
}

// created sends v with 201 and its location.
func created(w http.ResponseWriter, location string, v any) {
	w.Header().Set("Location", location)
	render.JSON(w, http.StatusCreated, v)
}
