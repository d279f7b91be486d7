package issuer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/cache"
)

// Actor is the user on whose behalf the [Service] acts, as the login layer
// established it.
type Actor struct {
	UserID string
	// Email is the user's verified email address; invitations sent to it
	// by the institution whose identity provider vouched for the sign-in
	// are bound to the user by [Service.BindInvitations].
	Email string
	// Superuser marks a platform administrator, who may create institutions
	// and is allowed every action without a membership.
	Superuser bool
}

// Service performs the operations on the hierarchy and its memberships,
// each on behalf of an [Actor] whose permissions it checks.
//
// Errors are *badged.Error values: Unauthorized for an actor without a user
// ID, Forbidden when the actor lacks the permission, NotFound for a missing
// record, Invalid (with every problem listed) for bad input, Conflict for a
// stale Version, a duplicate, or a change to something archived.
type Service struct {
	store Store
	now   func() time.Time
	newID func() string
	award awardSettings // award flows' settings, see award_service.go
	// changes receives the hierarchy's changes; see WithChanges.
	changes func(Change)
	// lineages remembers the lineage claims state (see lineage).
	lineages *cache.LRU[Path, Lineage]
}

// Option sets an optional dependency of a [Service].
type Option func(*Service)

// WithClock makes the service read the time from now instead of time.Now.
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithIDs makes the service take new record IDs from newID instead of 128
// random bits in hex.
func WithIDs(newID func() string) Option { return func(s *Service) { s.newID = newID } }

// NewService returns a Service that keeps its records in store.
func NewService(store Store, opts ...Option) *Service {
	s := &Service{store: store, now: time.Now, newID: randomID,
		lineages: cache.New[Path, Lineage](lineageEntries).Named("lineages")}
	for _, o := range opts {
		o(s)
	}
	return s
}

// lineageEntries and lineageTTL bound the lineages a Service remembers.
const (
	lineageEntries = 1024
	lineageTTL     = 5 * time.Minute
)

// lineage returns the lineage p names, as remembered (unless fresh) or
// read, and remembered. A write made from a remembered lineage states its
// versions ([Lineage.Stamps]): the store refuses it when one changed.
func (s *Service) lineage(ctx context.Context, p Path, fresh bool) (Lineage, error) {
	now := time.Now()
	if !fresh {
		if e, ok := s.lineages.Get(p, now, time.Time{}); ok {
			return e.Value, nil
		}
	}
	l, err := s.store.Lineage(ctx, p)
	if err != nil {
		return Lineage{}, err
	}
	s.lineages.Put(p, l, now, now.Add(lineageTTL))
	return l, nil
}

func randomID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("issuer: crypto/rand failed: " + err.Error()) // never returns an error since Go 1.24
	}
	return hex.EncodeToString(b[:])
}

// timestamp returns the current time in UTC at microsecond precision, so
// that records read back equal from any store, PostgreSQL timestamps
// included.
func (s *Service) timestamp() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// authorize returns nil when a may do action on target.
func (s *Service) authorize(ctx context.Context, a Actor, action Action, target Path) error {
	if a.Superuser {
		return nil
	}
	if a.UserID == "" {
		return badged.Errorf(badged.Unauthorized, "sign in first")
	}
	ms, err := s.store.MembershipsByUser(ctx, a.UserID)
	if err != nil {
		return fmt.Errorf("memberships of %s: %w", a.UserID, err)
	}
	if !Can(ms, action, target) {
		return badged.Errorf(badged.Forbidden, "you may not %s this %s", strings.ReplaceAll(string(action), "_", " "), target.Level())
	}
	return nil
}

// path returns the path of the node with the given level and ID.
func (s *Service) path(ctx context.Context, l Level, id string) (Path, error) {
	switch l {
	case LevelInstitution:
		in, err := s.store.Institution(ctx, id)
		if err != nil {
			return Path{}, err
		}
		return in.Path(), nil
	case LevelGroup:
		g, err := s.store.Group(ctx, id)
		if err != nil {
			return Path{}, err
		}
		return g.Path(), nil
	case LevelIssuer:
		is, err := s.store.Issuer(ctx, id)
		if err != nil {
			return Path{}, err
		}
		return is.Path(), nil
	case LevelBadgeClass:
		bc, err := s.store.BadgeClass(ctx, id)
		if err != nil {
			return Path{}, err
		}
		return bc.Path(), nil
	}
	return Path{}, badged.Errorf(badged.Invalid, "unknown level %d", l)
}

func stale(what string, have, want int64) error {
	if have != want {
		return badged.Errorf(badged.Conflict, "the %s was changed by someone else (version %d, not %d); reload and try again", what, want, have)
	}
	return nil
}

// ---- institutions

// CreateInstitution creates an institution. Only a superuser may; the
// institution then gets its first admin through [Service.InviteStaff] or
// [Service.GrantRole]. A SCHAC home another institution has is a Conflict.
func (s *Service) CreateInstitution(ctx context.Context, a Actor, in Institution) (*Institution, error) {
	if !a.Superuser {
		return nil, badged.Errorf(badged.Forbidden, "only a platform administrator may create an institution")
	}
	in.Name, in.Description, in.Terms = in.Name.trimmed(), in.Description.trimmed(), in.Terms.trimmed()
	if err := validateInstitution(&in); err != nil {
		return nil, err
	}
	if err := s.schacHomeFree(ctx, "", in.SCHACHome); err != nil {
		return nil, err
	}
	in.ID, in.Version = s.newID(), 0
	in.Created = s.timestamp()
	in.Updated = in.Created
	if err := s.store.CreateInstitution(ctx, &in); err != nil {
		return nil, fmt.Errorf("create institution: %w", err)
	}
	s.changed(ChangeInstitutionCreate, "institution", in.ID, in.ID, a, nil, ptrCopy(&in), in.Updated)
	return &in, nil
}

// Institution returns an institution the actor may read.
func (s *Service) Institution(ctx context.Context, a Actor, id string) (*Institution, error) {
	in, err := s.store.Institution(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, a, ActionRead, in.Path()); err != nil {
		return nil, err
	}
	return in, nil
}

// UpdateInstitution stores new values for an institution's fields; in.ID
// and in.Version say which record and which version of it was edited.
// Only a superuser may change the SCHAC home (Forbidden otherwise), and
// not to one another institution has (Conflict).
func (s *Service) UpdateInstitution(ctx context.Context, a Actor, in Institution) (*Institution, error) {
	old, err := s.store.Institution(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, a, ActionUpdate, old.Path()); err != nil {
		return nil, err
	}
	if err := stale("institution", in.Version, old.Version); err != nil {
		return nil, err
	}
	in.Name, in.Description, in.Terms = in.Name.trimmed(), in.Description.trimmed(), in.Terms.trimmed()
	if err := validateInstitution(&in); err != nil {
		return nil, err
	}
	if !strings.EqualFold(in.SCHACHome, old.SCHACHome) {
		if !a.Superuser {
			return nil, badged.Errorf(badged.Forbidden, "only a platform administrator may change an institution's SCHAC home: it decides whose staff sign in to the institution")
		}
		if err := s.schacHomeFree(ctx, in.ID, in.SCHACHome); err != nil {
			return nil, err
		}
	}
	if in.Terms.Text != old.Terms.Text && in.Terms.Version != "" && in.Terms.Version == old.Terms.Version {
		return nil, badged.InvalidFields("institution", badged.FieldError{Field: "terms.version", Message: "the terms' text changed: give it a new version, so that learners accept the new text"})
	}
	in.Created, in.Updated = old.Created, s.timestamp()
	if err := s.store.UpdateInstitution(ctx, &in); err != nil {
		return nil, fmt.Errorf("update institution %s: %w", in.ID, err)
	}
	s.changed(ChangeInstitutionUpdate, "institution", in.ID, in.ID, a, old, ptrCopy(&in), in.Updated)
	return &in, nil
}

// schacHomeFree fails with Conflict when an institution other than the one
// with ID id has the SCHAC home home: staff are mapped to their institution
// by it (see package login), so it names one institution at most.
func (s *Service) schacHomeFree(ctx context.Context, id, home string) error {
	ins, err := s.store.Institutions(ctx)
	if err != nil {
		return fmt.Errorf("institutions: %w", err)
	}
	for _, o := range ins {
		if o.ID != id && strings.EqualFold(o.SCHACHome, home) {
			return badged.Errorf(badged.Conflict, "invalid institution: schacHome: %s is already the SCHAC home of another institution", home)
		}
	}
	return nil
}

// ---- groups

// CreateGroup adds a group to the institution g.InstitutionID.
func (s *Service) CreateGroup(ctx context.Context, a Actor, g Group) (*Group, error) {
	in, err := s.store.Institution(ctx, g.InstitutionID)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, a, ActionCreate, in.Path()); err != nil {
		return nil, err
	}
	g.Name, g.Description = g.Name.trimmed(), g.Description.trimmed()
	if err := validateGroup(&g); err != nil {
		return nil, err
	}
	g.ID, g.Version, g.Archived = s.newID(), 0, false
	g.Created = s.timestamp()
	g.Updated = g.Created
	if err := s.store.CreateGroup(ctx, &g); err != nil {
		return nil, fmt.Errorf("create issuer group: %w", err)
	}
	s.changed(ChangeGroupCreate, "group", g.ID, g.InstitutionID, a, nil, ptrCopy(&g), g.Updated)
	return &g, nil
}

// Group returns a group the actor may read.
func (s *Service) Group(ctx context.Context, a Actor, id string) (*Group, error) {
	g, err := s.store.Group(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, a, ActionRead, g.Path()); err != nil {
		return nil, err
	}
	return g, nil
}

// Groups lists the groups of an institution the actor may read.
func (s *Service) Groups(ctx context.Context, a Actor, institutionID string) ([]*Group, error) {
	p, err := s.path(ctx, LevelInstitution, institutionID)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, a, ActionRead, p); err != nil {
		return nil, err
	}
	return s.store.Groups(ctx, institutionID)
}

// UpdateGroup stores new values for a group's fields. It cannot move the
// group or change whether it is archived.
func (s *Service) UpdateGroup(ctx context.Context, a Actor, g Group) (*Group, error) {
	old, err := s.store.Group(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, a, ActionUpdate, old.Path()); err != nil {
		return nil, err
	}
	if err := stale("issuer group", g.Version, old.Version); err != nil {
		return nil, err
	}
	g.Name, g.Description = g.Name.trimmed(), g.Description.trimmed()
	if err := validateGroup(&g); err != nil {
		return nil, err
	}
	g.InstitutionID, g.Archived, g.Created, g.Updated = old.InstitutionID, old.Archived, old.Created, s.timestamp()
	if err := s.store.UpdateGroup(ctx, &g); err != nil {
		return nil, fmt.Errorf("update issuer group %s: %w", g.ID, err)
	}
	s.changed(ChangeGroupUpdate, "group", g.ID, g.InstitutionID, a, old, ptrCopy(&g), g.Updated)
	return &g, nil
}

// ArchiveGroup archives a group at the given version: no issuers can be
// added to it. It needs the delete permission.
func (s *Service) ArchiveGroup(ctx context.Context, a Actor, id string, version int64) (*Group, error) {
	g, err := s.store.Group(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, a, ActionDelete, g.Path()); err != nil {
		return nil, err
	}
	if err := stale("issuer group", version, g.Version); err != nil {
		return nil, err
	}
	before := ptrCopy(g)
	g.Archived, g.Updated = true, s.timestamp()
	if err := s.store.UpdateGroup(ctx, g); err != nil {
		return nil, fmt.Errorf("archive issuer group %s: %w", id, err)
	}
	s.changed(ChangeGroupArchive, "group", g.ID, g.InstitutionID, a, before, ptrCopy(g), g.Updated)
	return g, nil
}

// ---- issuers

// CreateIssuer adds an issuer to the group is.GroupID, which must not be
// archived.
func (s *Service) CreateIssuer(ctx context.Context, a Actor, is Issuer) (*Issuer, error) {
	g, err := s.store.Group(ctx, is.GroupID)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, a, ActionCreate, g.Path()); err != nil {
		return nil, err
	}
	if g.Archived {
		return nil, badged.Errorf(badged.Conflict, "the issuer group is archived")
	}
	is.Name, is.Description = is.Name.trimmed(), is.Description.trimmed()
	is.Email = strings.ToLower(strings.TrimSpace(is.Email))
	if err := validateIssuer(&is); err != nil {
		return nil, err
	}
	is.ID, is.InstitutionID, is.Version, is.Archived = s.newID(), g.InstitutionID, 0, false
	is.Created = s.timestamp()
	is.Updated = is.Created
	if err := s.store.CreateIssuer(ctx, &is); err != nil {
		return nil, fmt.Errorf("create issuer: %w", err)
	}
	s.changed(ChangeIssuerCreate, "issuer", is.ID, is.InstitutionID, a, nil, ptrCopy(&is), is.Updated)
	return &is, nil
}

// Issuer returns an issuer the actor may read.
func (s *Service) Issuer(ctx context.Context, a Actor, id string) (*Issuer, error) {
	is, err := s.store.Issuer(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, a, ActionRead, is.Path()); err != nil {
		return nil, err
	}
	return is, nil
}

// Issuers lists the issuers of a group the actor may read.
func (s *Service) Issuers(ctx context.Context, a Actor, groupID string) ([]*Issuer, error) {
	p, err := s.path(ctx, LevelGroup, groupID)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, a, ActionRead, p); err != nil {
		return nil, err
	}
	return s.store.Issuers(ctx, groupID)
}

// UpdateIssuer stores new values for an issuer's fields. It cannot move the
// issuer or change whether it is archived.
func (s *Service) UpdateIssuer(ctx context.Context, a Actor, is Issuer) (*Issuer, error) {
	old, err := s.store.Issuer(ctx, is.ID)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, a, ActionUpdate, old.Path()); err != nil {
		return nil, err
	}
	if err := stale("issuer", is.Version, old.Version); err != nil {
		return nil, err
	}
	is.Name, is.Description = is.Name.trimmed(), is.Description.trimmed()
	is.Email = strings.ToLower(strings.TrimSpace(is.Email))
	if err := validateIssuer(&is); err != nil {
		return nil, err
	}
	is.InstitutionID, is.GroupID, is.Archived = old.InstitutionID, old.GroupID, old.Archived
	is.Created, is.Updated = old.Created, s.timestamp()
	if err := s.store.UpdateIssuer(ctx, &is); err != nil {
		return nil, fmt.Errorf("update issuer %s: %w", is.ID, err)
	}
	s.changed(ChangeIssuerUpdate, "issuer", is.ID, is.InstitutionID, a, old, ptrCopy(&is), is.Updated)
	return &is, nil
}

// ArchiveIssuer archives an issuer at the given version: no badge classes
// can be added to it. It needs the delete permission.
func (s *Service) ArchiveIssuer(ctx context.Context, a Actor, id string, version int64) (*Issuer, error) {
	is, err := s.store.Issuer(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, a, ActionDelete, is.Path()); err != nil {
		return nil, err
	}
	if err := stale("issuer", version, is.Version); err != nil {
		return nil, err
	}
	before := ptrCopy(is)
	is.Archived, is.Updated = true, s.timestamp()
	if err := s.store.UpdateIssuer(ctx, is); err != nil {
		return nil, fmt.Errorf("archive issuer %s: %w", id, err)
	}
	s.changed(ChangeIssuerArchive, "issuer", is.ID, is.InstitutionID, a, before, ptrCopy(is), is.Updated)
	return is, nil
}

// ---- badge classes

// CreateBadgeClass adds a draft badge class to the issuer bc.IssuerID,
// which must not be archived. Fields are checked for form; completeness is
// checked by [Service.PublishBadgeClass].
func (s *Service) CreateBadgeClass(ctx context.Context, a Actor, bc BadgeClass) (*BadgeClass, error) {
	is, err := s.store.Issuer(ctx, bc.IssuerID)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, a, ActionCreate, is.Path()); err != nil {
		return nil, err
	}
	if is.Archived {
		return nil, badged.Errorf(badged.Conflict, "the issuer is archived")
	}
	normalBadgeClass(&bc)
	if err := validateBadgeClass(&bc); err != nil {
		return nil, err
	}
	if err := s.checkPrerequisites(ctx, &bc); err != nil {
		return nil, err
	}
	bc.ID, bc.InstitutionID, bc.GroupID, bc.Version, bc.State = s.newID(), is.InstitutionID, is.GroupID, 0, Draft
	bc.Created = s.timestamp()
	bc.Updated = bc.Created
	if err := s.store.CreateBadgeClass(ctx, &bc); err != nil {
		return nil, fmt.Errorf("create badge class: %w", err)
	}
	s.changed(ChangeBadgeClassCreate, "badgeclass", bc.ID, bc.InstitutionID, a, nil, ptrCopy(&bc), bc.Updated)
	return &bc, nil
}

func normalBadgeClass(bc *BadgeClass) {
	bc.Name, bc.Description = bc.Name.trimmed(), bc.Description.trimmed()
	bc.Criteria.Narrative, bc.LearningOutcome = bc.Criteria.Narrative.trimmed(), bc.LearningOutcome.trimmed()
	bc.Alignments = append([]Alignment(nil), bc.Alignments...)
	bc.Prerequisites = normalPrerequisites(bc.Prerequisites)
	tags := make([]string, 0, len(bc.Tags))
	for _, t := range bc.Tags {
		tags = append(tags, strings.TrimSpace(t))
	}
	bc.Tags = tags
	if len(bc.Tags) == 0 {
		bc.Tags = nil
	}
	if len(bc.Alignments) == 0 {
		bc.Alignments = nil
	}
}

// BadgeClass returns a badge class the actor may read.
func (s *Service) BadgeClass(ctx context.Context, a Actor, id string) (*BadgeClass, error) {
	bc, err := s.store.BadgeClass(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, a, ActionRead, bc.Path()); err != nil {
		return nil, err
	}
	return bc, nil
}

// BadgeClasses lists the badge classes of an issuer the actor may read.
func (s *Service) BadgeClasses(ctx context.Context, a Actor, issuerID string) ([]*BadgeClass, error) {
	p, err := s.path(ctx, LevelIssuer, issuerID)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, a, ActionRead, p); err != nil {
		return nil, err
	}
	return s.store.BadgeClasses(ctx, issuerID)
}

// UpdateBadgeClass stores new values for a badge class's fields. It cannot
// move the badge class or change its state; an archived badge class cannot
// be changed, and a published one must stay complete.
func (s *Service) UpdateBadgeClass(ctx context.Context, a Actor, bc BadgeClass) (*BadgeClass, error) {
	old, err := s.store.BadgeClass(ctx, bc.ID)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, a, ActionUpdate, old.Path()); err != nil {
		return nil, err
	}
	if err := stale("badge class", bc.Version, old.Version); err != nil {
		return nil, err
	}
	if old.State == Archived {
		return nil, badged.Errorf(badged.Conflict, "the badge class is archived")
	}
	normalBadgeClass(&bc)
	bc.State = old.State
	check := validateBadgeClass
	if bc.State == Published {
		check = validatePublishable
	}
	if err := check(&bc); err != nil {
		return nil, err
	}
	if err := s.checkPrerequisites(ctx, &bc); err != nil {
		return nil, err
	}
	bc.InstitutionID, bc.GroupID, bc.IssuerID = old.InstitutionID, old.GroupID, old.IssuerID
	bc.Created, bc.Updated = old.Created, s.timestamp()
	if err := s.store.UpdateBadgeClass(ctx, &bc); err != nil {
		return nil, fmt.Errorf("update badge class %s: %w", bc.ID, err)
	}
	s.changed(ChangeBadgeClassUpdate, "badgeclass", bc.ID, bc.InstitutionID, a, old, ptrCopy(&bc), bc.Updated)
	return &bc, nil
}

// PublishBadgeClass makes a complete draft awardable. It needs the update
// permission.
func (s *Service) PublishBadgeClass(ctx context.Context, a Actor, id string, version int64) (*BadgeClass, error) {
	return s.setState(ctx, a, id, version, Published, ActionUpdate)
}

// ArchiveBadgeClass retires a badge class: it can no longer be changed or
// awarded; credentials already issued stay valid. It needs the delete
// permission.
func (s *Service) ArchiveBadgeClass(ctx context.Context, a Actor, id string, version int64) (*BadgeClass, error) {
	return s.setState(ctx, a, id, version, Archived, ActionDelete)
}

func (s *Service) setState(ctx context.Context, a Actor, id string, version int64, to State, need Action) (*BadgeClass, error) {
	bc, err := s.store.BadgeClass(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, a, need, bc.Path()); err != nil {
		return nil, err
	}
	if err := stale("badge class", version, bc.Version); err != nil {
		return nil, err
	}
	switch {
	case bc.State == to:
		return nil, badged.Errorf(badged.Conflict, "the badge class is already %s", to)
	case bc.State == Archived:
		return nil, badged.Errorf(badged.Conflict, "the badge class is archived")
	case to == Published:
		if err := validatePublishable(bc); err != nil {
			return nil, err
		}
	}
	before := ptrCopy(bc)
	bc.State, bc.Updated = to, s.timestamp()
	if err := s.store.UpdateBadgeClass(ctx, bc); err != nil {
		return nil, fmt.Errorf("%s badge class %s: %w", to, id, err)
	}
	action := ChangeBadgeClassPublish
	if to == Archived {
		action = ChangeBadgeClassArchive
	}
	s.changed(action, "badgeclass", bc.ID, bc.InstitutionID, a, before, ptrCopy(bc), bc.Updated)
	return bc, nil
}

// MayUpdateBadgeClass returns nil when a may change badge class id: the
// check before work that only a change uses (storing its image). The
// error is NotFound for an unknown badge class, Unauthorized without a
// user and Forbidden otherwise.
func (s *Service) MayUpdateBadgeClass(ctx context.Context, a Actor, id string) error {
	bc, err := s.store.BadgeClass(ctx, id)
	if err != nil {
		return err
	}
	return s.authorize(ctx, a, ActionUpdate, bc.Path())
}

// MayCreate reports, as an error, whether a may create the children of
// node id at level l (the badge classes of an issuer, the issuers of a
// group): NotFound for an unknown node, Forbidden otherwise.
func (s *Service) MayCreate(ctx context.Context, a Actor, l Level, id string) error {
	p, err := s.path(ctx, l, id)
	if err != nil {
		return err
	}
	return s.authorize(ctx, a, ActionCreate, p)
}

// MayUpdate reports, as an error, whether a may change node id at level l.
func (s *Service) MayUpdate(ctx context.Context, a Actor, l Level, id string) error {
	p, err := s.path(ctx, l, id)
	if err != nil {
		return err
	}
	return s.authorize(ctx, a, ActionUpdate, p)
}

// MayAdministrateUsers reports, as an error, whether a may see and change
// the staff of node id at level l: NotFound for an unknown node, Forbidden
// otherwise.
func (s *Service) MayAdministrateUsers(ctx context.Context, a Actor, l Level, id string) error {
	p, err := s.path(ctx, l, id)
	if err != nil {
		return err
	}
	return s.authorize(ctx, a, ActionAdministrateUsers, p)
}

// MayAward returns nil when a may award, and so change the status of the
// credentials, of issuer issuerID. The error is NotFound for an unknown
// issuer, Unauthorized without a user and Forbidden otherwise.
func (s *Service) MayAward(ctx context.Context, a Actor, issuerID string) error {
	p, err := s.path(ctx, LevelIssuer, issuerID)
	if err != nil {
		return err
	}
	return s.authorize(ctx, a, ActionAward, p)
}
