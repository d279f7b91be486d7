package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/contexts"
	"github.com/badged/badged/credential"
	"github.com/badged/badged/did"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/web/openapi"
	"github.com/badged/badged/web/render"
)

// Publisher builds the public documents verifiers fetch: issuers' DID
// documents and profiles, and signed status lists. *issuance.Service
// implements it; its URLs (IssuerDID, StatusListURL, InstitutionURL) are
// the routes of [Server.registerPublicRoutes], under the base URL. Each
// method fails with NotFound for an unknown issuer or list.
type Publisher interface {
	DIDDocument(ctx context.Context, issuerID string) (*did.Document, error)
	IssuerProfile(ctx context.Context, issuerID string) (*credential.Profile, error)
	StatusListCredential(ctx context.Context, listID string) ([]byte, time.Time, error)
	InstitutionProfile(in *issuer.Institution, lang string) *credential.Profile
	ContextURL() string
}

// InstitutionReader reads an institution by ID, for its public profile;
// it fails with NotFound. issuer.Store implements it.
type InstitutionReader interface {
	Institution(ctx context.Context, id string) (*issuer.Institution, error)
}

// How long caches may keep the public documents. Status lists are short,
// so that a revocation reaches verifiers within minutes; DID documents are
// moderate, so that a rotated key is found soon (did.Resolver honours
// max-age); profiles change rarely.
const (
	statusListMaxAge = 5 * time.Minute
	didMaxAge        = 10 * time.Minute
	profileMaxAge    = time.Hour
)

// Media types of the public documents.
const (
	mediaDID      = "application/did+json"
	mediaJSONLD   = "application/ld+json"
	mediaVCJSONLD = "application/vc+ld+json"
)

// registerPublicRoutes serves, without authentication and for GET only,
// the documents credentials point at, at exactly the URLs issuance writes
// into them (relative to the base URL, whose path a proxy in front must
// strip):
//
//   - /issuers/{id}/did.json: the issuer's did:web document. A did:web
//     always resolves over https (did:web:host%3A8443:issuers:x is
//     https://host:8443/issuers/x/did.json), and never on an IP address,
//     so local development uses BADGED_BASE_URL=http://localhost:PORT.
//     The server itself reads its own documents in-process
//     ([ServerVerifier]); another verifier of a local http server is
//     pointed at it (badged verify --server http://localhost:PORT).
//   - /issuers/{id}: the issuer's Open Badges 3.0 Profile.
//   - /institutions/{id}: the institution's Profile, the issuer profile's
//     parentOrg.
//   - /status/{listID}: the signed BitstringStatusListCredential.
//
// Every answer carries Cache-Control, an ETag of its content (and
// Last-Modified where known), and conditional requests get 304.
func (s *Server) registerPublicRoutes(r chi.Router) {
	r.Get("/issuers/{issuerID}/did.json", s.handleDIDDocument)
	r.Get("/issuers/{issuerID}", s.handleIssuerProfile)
	r.Get("/institutions/{institutionID}", s.handleInstitutionProfile)
	r.Get("/status/{listID}", s.handleStatusList)
	r.Get(openapi.Path, handleOpenAPI)
}

// openAPIDocument is the OpenAPI description, read once.
var openAPIDocument = openapi.JSON()

// handleOpenAPI serves the OpenAPI description of the API, public and
// readable from any origin (API explorers run in browsers), with a strong
// ETag: it changes only with the binary.
func handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	serveBody(w, r, "application/json", "public, max-age=3600", openAPIDocument, time.Time{})
}

func (s *Server) publisher() (Publisher, error) {
	if s.Publisher == nil {
		return nil, badged.Errorf(badged.NotFound, "this server publishes no issuer documents")
	}
	return s.Publisher, nil
}

func (s *Server) handleDIDDocument(w http.ResponseWriter, r *http.Request) {
	p, err := s.publisher()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	doc, err := p.DIDDocument(r.Context(), chi.URLParam(r, "issuerID"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeDocument(w, r, mediaDID, didMaxAge, doc, time.Time{})
}

func (s *Server) handleIssuerProfile(w http.ResponseWriter, r *http.Request) {
	p, err := s.publisher()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	prof, err := p.IssuerProfile(r.Context(), chi.URLParam(r, "issuerID"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeDocument(w, r, mediaJSONLD, profileMaxAge, withContext(p, prof), time.Time{})
}

func (s *Server) handleInstitutionProfile(w http.ResponseWriter, r *http.Request) {
	p, err := s.publisher()
	if err == nil && s.InstitutionRecords == nil {
		err = badged.Errorf(badged.NotFound, "this server publishes no institution profiles")
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	in, err := s.InstitutionRecords.Institution(r.Context(), chi.URLParam(r, "institutionID"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeDocument(w, r, mediaJSONLD, profileMaxAge, withContext(p, p.InstitutionProfile(in, in.DefaultLanguage)), in.Updated)
}

// withContext makes a profile a JSON-LD document of its own: the Open
// Badges context, and badged's v2 context (the publisher's) for the
// extension fields.
func withContext(pub Publisher, p *credential.Profile) any {
	return struct {
		Context []string `json:"@context"`
		*credential.Profile
	}{[]string{contexts.VCv2, contexts.OB303, pub.ContextURL()}, p}
}

func (s *Server) handleStatusList(w http.ResponseWriter, r *http.Request) {
	p, err := s.publisher()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	body, signed, err := p.StatusListCredential(r.Context(), chi.URLParam(r, "listID"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeBody(w, r, mediaVCJSONLD, statusListMaxAge, body, signed)
}

// writeDocument sends v as JSON with caching headers; see writeBody.
func (s *Server) writeDocument(w http.ResponseWriter, r *http.Request, mediaType string, maxAge time.Duration, v any, modified time.Time) {
	b, err := json.Marshal(v)
	if err != nil {
		s.writeError(w, r, badged.Wrap(badged.Internal, err, "the document could not be encoded"))
		return
	}
	s.writeBody(w, r, mediaType, maxAge, b, modified)
}

// writeBody sends a public document: its media type, a public
// Cache-Control of maxAge, a strong ETag of the content and, when known,
// Last-Modified. http.ServeContent answers If-None-Match and
// If-Modified-Since with 304 (and HEAD and ranges as usual).
func (s *Server) writeBody(w http.ResponseWriter, r *http.Request, mediaType string, maxAge time.Duration, body []byte, modified time.Time) {
	serveBody(w, r, mediaType, "public, max-age="+strconv.Itoa(int(maxAge/time.Second)), body, modified)
}

// serveBody is writeBody with the Cache-Control header given whole.
func serveBody(w http.ResponseWriter, r *http.Request, mediaType, cacheControl string, body []byte, modified time.Time) {
	h := w.Header()
	h.Set("Content-Type", mediaType)
	h.Set("Cache-Control", cacheControl)
	h.Set("ETag", render.ETag(body))
	// Verifiers running in browsers fetch these documents too.
	h.Set("Access-Control-Allow-Origin", "*")
	if !modified.IsZero() {
		modified = modified.UTC().Truncate(time.Second)
	}
	http.ServeContent(w, r, "", modified, bytes.NewReader(body))
}
