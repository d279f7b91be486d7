// Package lti is badged as an LTI 1.3 tool (LTI Advantage): an
// institution registers its learning platform (Canvas, Brightspace,
// Moodle); the platform launches badged with an OpenID Connect third-party
// login and a signed id_token; an instructor links the course to badge
// classes; and the learners who completed the course, as the platform's
// Names and Role Provisioning Services and Assignment and Grade Services
// say, are awarded the badge through the normal direct award (they claim
// it in their backpack).
//
// A platform acts in badged as the user "lti:<platform id>", holding the
// awarder role its registration grants (the institution, or one issuer):
// what an instructor's launch may award is what the institution allowed
// the platform, never more.
package lti

import (
	"context"
	"crypto/rsa"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/keys"
)

// Platform is a learning platform registered with an institution.
type Platform struct {
	ID            string
	InstitutionID string
	// IssuerID, when set, is the one issuer whose badge classes the
	// platform may award; empty allows the whole institution.
	IssuerID      string
	Name          string
	Issuer        string   // the platform's issuer identifier (iss)
	ClientID      string   // badged's client id at the platform (aud)
	DeploymentIDs []string // the deployments launches may come from
	JWKSURL       string   // the platform's public keys
	AuthURL       string   // its OIDC authorization endpoint
	TokenURL      string   // its OAuth 2.0 token endpoint
	Created       time.Time
}

// UserID is the user the platform acts as in badged.
func (p *Platform) UserID() string { return UserPrefix + p.ID }

// UserPrefix begins the user ID of every platform.
const UserPrefix = "lti:"

// Link is a course of a platform linked to badge classes.
type Link struct {
	PlatformID   string
	ContextID    string // the course's id at the platform
	Title        string
	BadgeClasses []string
	// Memberships and LineItems are the course's NRPS and AGS endpoints,
	// as the last launch gave them.
	Memberships string
	LineItems   string
	Version     int64
	Updated     time.Time
}

// Store keeps registrations, launch nonces, links and the tool's key.
type Store interface {
	CreatePlatform(ctx context.Context, p *Platform) error
	Platform(ctx context.Context, id string) (*Platform, error)
	// PlatformByIssuer finds the platform with issuer iss and client id
	// clientID (NotFound when none).
	PlatformByIssuer(ctx context.Context, iss, clientID string) (*Platform, error)
	Platforms(ctx context.Context, institutionID string) ([]*Platform, error)
	// CreateLTINonce and TakeLTINonce keep a login's nonce until its
	// launch; taking it twice is NotFound (a replay).
	CreateLTINonce(ctx context.Context, hash string, expires time.Time) error
	TakeLTINonce(ctx context.Context, hash string) (time.Time, error)
	// PutLink stores l when its Version is the stored one (0: new), and
	// sets its next Version; Conflict otherwise.
	PutLink(ctx context.Context, l *Link) error
	Link(ctx context.Context, platformID, contextID string) (*Link, error)
	// ToolKey returns the sealed private key of the tool, creating it with
	// create when there is none (once, also when two nodes race).
	ToolKey(ctx context.Context, create func() ([]byte, error)) ([]byte, error)
}

// Awarder is what the service needs of package issuer.
type Awarder interface {
	GrantRole(ctx context.Context, a issuer.Actor, userID string, role issuer.Role, nodeID string) (*issuer.Membership, error)
	Tree(ctx context.Context, a issuer.Actor, institutionID string) (*issuer.Tree, error)
	DirectAward(ctx context.Context, actor issuer.Actor, badgeClassID string, rows []issuer.DirectAwardInput, scheduledAt time.Time) ([]*issuer.Award, error)
	MayAdministrateUsers(ctx context.Context, a issuer.Actor, l issuer.Level, nodeID string) error
}

// Service is the LTI tool.
type Service struct {
	store   Store
	awards  Awarder
	sealer  *keys.Sealer
	base    string
	http    *http.Client
	now     func() time.Time
	rand    func([]byte) error
	jwks    *jwksCache
	toolKey func(ctx context.Context) (*rsa.PrivateKey, error)
}

// Option configures a Service.
type Option func(*Service)

// WithClock sets the clock.
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// New returns the tool at base (badged's public URL), fetching platform
// keys and calling platform services through client (the egress guard:
// only what the operator allows).
func New(store Store, awards Awarder, sealer *keys.Sealer, base string, client *http.Client, opts ...Option) *Service {
	s := &Service{store: store, awards: awards, sealer: sealer, base: strings.TrimRight(base, "/"), http: client,
		now: time.Now, rand: randRead, jwks: newJWKSCache()}
	for _, o := range opts {
		o(s)
	}
	s.toolKey = s.loadToolKey()
	return s
}

// BaseURL is badged's public URL, under which the tool's endpoints are.
func (s *Service) BaseURL() string { return s.base }

// Endpoints of the tool, under its base URL.
const (
	LoginPath  = "/lti/login"
	LaunchPath = "/lti/launch"
	JWKSPath   = "/lti/jwks"
	ConfigPath = "/lti/config.json"
	CoursePath = "/lti/course"
)

// RegisterPlatform registers p for its institution on behalf of a, who
// must administrate the institution's users (it grants the platform its
// awarder role). Errors: Invalid with every problem; Forbidden; Conflict
// when the issuer and client id are registered already.
func (s *Service) RegisterPlatform(ctx context.Context, a issuer.Actor, p Platform) (*Platform, error) {
	p.Name, p.Issuer, p.ClientID = strings.TrimSpace(p.Name), strings.TrimSpace(p.Issuer), strings.TrimSpace(p.ClientID)
	var deployments []string
	for _, d := range p.DeploymentIDs {
		if d = strings.TrimSpace(d); d != "" && !slices.Contains(deployments, d) {
			deployments = append(deployments, d)
		}
	}
	p.DeploymentIDs = deployments
	var fields []badged.FieldError
	need := func(field, v string) {
		if v == "" {
			fields = append(fields, badged.FieldError{Field: field, Message: "required"})
		}
	}
	url := func(field, v string) {
		need(field, v)
		if v != "" && !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "http://") {
			fields = append(fields, badged.FieldError{Field: field, Message: "must be an http(s) URL"})
		}
	}
	need("institutionId", p.InstitutionID)
	need("name", p.Name)
	url("issuer", p.Issuer)
	need("clientId", p.ClientID)
	if len(p.DeploymentIDs) == 0 {
		fields = append(fields, badged.FieldError{Field: "deploymentIds", Message: "at least one is required"})
	}
	url("jwksUrl", p.JWKSURL)
	url("authUrl", p.AuthURL)
	url("tokenUrl", p.TokenURL)
	if len(fields) > 0 {
		return nil, badged.InvalidFields("platform", fields...)
	}
	if err := s.awards.MayAdministrateUsers(ctx, a, issuer.LevelInstitution, p.InstitutionID); err != nil {
		return nil, err
	}
	id := make([]byte, 12)
	if err := s.rand(id); err != nil {
		return nil, err
	}
	p.ID = "plat_" + encodeID(id)
	p.Created = s.now().UTC().Truncate(time.Second)
	if err := s.store.CreatePlatform(ctx, &p); err != nil {
		return nil, err
	}
	role, node := issuer.RoleInstitutionAwarder, p.InstitutionID
	if p.IssuerID != "" {
		role, node = issuer.RoleIssuerAwarder, p.IssuerID
	}
	if _, err := s.awards.GrantRole(ctx, a, p.UserID(), role, node); err != nil {
		return nil, err
	}
	return &p, nil
}

// Platforms lists the platforms registered with an institution, for
// those who administrate its users.
func (s *Service) Platforms(ctx context.Context, a issuer.Actor, institutionID string) ([]*Platform, error) {
	if err := s.awards.MayAdministrateUsers(ctx, a, issuer.LevelInstitution, institutionID); err != nil {
		return nil, err
	}
	return s.store.Platforms(ctx, institutionID)
}
