package web

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/badged/badged/contexts"
	"github.com/badged/badged/did"
	"github.com/badged/badged/egress"
	"github.com/badged/badged/issuance"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/verifier"
	"github.com/badged/badged/wallet"
	"github.com/badged/badged/web/page"
	"github.com/badged/badged/web/page/verify"
	"github.com/badged/badged/web/vcapi"
)

// NewVerifierServer builds a stateless verifier node: /healthz, the verify
// page, the VC-API's verify endpoints and badged's JSON-LD context, and
// nothing that needs a store. Only api.Verifier, api.Egress, api.Issuers
// and api.Throttle are used; a nil Verifier or Egress gets the defaults of
// [NewServer].
func NewVerifierServer(version string, log *slog.Logger, api API) *Server {
	s := &Server{Version: version, Log: log, BaseURL: api.BaseURL, MaxBodyBytes: DefaultMaxBodyBytes}
	s.setVerifier(api)
	s.setPages(api)
	r := s.newRouter(api.Throttle, s.limitBody)
	s.vcapi.VerifyRoutes(r)
	s.verifyPage(api.Wallet).Routes(r)
	s.router = r
	return s
}

// setVerifier takes the verifier's dependencies from cfg, with defaults
// (the default egress policy, keys and status lists through it), and
// builds the VC-API on them.
func (s *Server) setVerifier(cfg API) {
	s.Egress, s.Verifier, s.Issuers = cfg.Egress, cfg.Verifier, cfg.Issuers
	if s.Egress == nil {
		s.Egress = egress.NewClient(egress.DefaultPolicy())
	}
	if s.Verifier == nil {
		s.Verifier = DefaultVerifier(s.Egress)
	}
	s.vcapi = vcapi.New(vcapi.Deps{Log: s.Log, Verifier: s.Verifier, Issuers: s.Issuers, Issuer: cfg.Issuer,
		Credentials: cfg.Credentials, Audit: cfg.Audit, RequireJSON: s.requireJSON, Authenticate: s.authenticate})
}

// DefaultVerifier is the verifier the server uses when given none: the
// embedded contexts, keys (did:key and did:jwk locally, did:web through
// client) and status lists through client, with caching; opts, such as
// verifier.WithLimits, come after those.
func DefaultVerifier(client *http.Client, opts ...verifier.Option) *verifier.Verifier {
	opts = append([]verifier.Option{verifier.WithStatus(verifier.NewCachingFetcher(client))}, opts...)
	return verifier.New(jsonld.New(contexts.NewLoader()), did.NewResolver(client), opts...)
}

// ServerVerifier is the verifier of a serving badged, for every use it has
// (the backpack, share and presentation pages, /verify, the VC-API and
// wallet import): the DID documents and status lists of its own issuers
// are read in-process from own (see [issuance.OwnKeys] and
// [issuance.OwnLists]), never fetched and never cached, so a revocation
// shows at once; badged's v2 context at own's URL is read from memory;
// everything else is [DefaultVerifier]'s, through client.
// now is the clock of validity and of the caches; opts, such as
// verifier.WithLimits, come after those.
func ServerVerifier(client *http.Client, own *issuance.Service, now func() time.Time, opts ...verifier.Option) *verifier.Verifier {
	opts = append([]verifier.Option{verifier.WithStatus(own.OwnLists(verifier.NewCachingFetcher(client, verifier.WithCacheClock(now)))),
		verifier.WithClock(now)}, opts...)
	loader, err := contexts.NewLoader().With(own.ContextURL(), contexts.BadgedV2())
	if err != nil {
		panic(err) // unreachable: the embedded context is JSON
	}
	return verifier.New(jsonld.New(loader), own.OwnKeys(did.NewResolver(client, did.WithNow(now))), opts...)
}

// setPages builds the pages on cfg and the server's verifier (see
// setVerifier, which comes first).
func (s *Server) setPages(cfg API) {
	s.pages = page.New(page.Deps{Log: s.Log, Now: s.now, Issuer: cfg.Issuer, Auth: cfg.Auth, Wallet: cfg.Wallet,
		Issuers: s.Issuers, InstitutionRecords: cfg.InstitutionRecords,
		Institutions: cfg.Institutions, SecureCookies: strings.HasPrefix(cfg.BaseURL, "https://"),
		Authenticate: s.authenticate, WalletLearner: s.api.WalletLearner, MaxBody: s.maxBody, Demo: cfg.Demo, Offers: offerCreator(cfg.VCI)})
	if cfg.Endorsements != nil { // a nil *Service is not a nil EndorsementReader
		s.pages.Endorsements = cfg.Endorsements
	}
}

// now is the server's clock: Now, read when it is asked (tests set it).
func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// verifyPage is the verify page on the server's verifier, reading the
// shares of w in-process (nil: none).
func (s *Server) verifyPage(w *wallet.Service) *verify.Handler {
	return verify.New(verify.Deps{Log: s.Log, Verifier: s.Verifier, Egress: s.Egress, Wallet: w, Issuers: s.Issuers,
		Now: s.now, MaxBody: s.maxBody})
}
