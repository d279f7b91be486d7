package insights

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
)

// Measure is one thing counted.
type Measure string

// Measures.
const (
	Sent      Measure = "sent"      // direct awards sent to the learner
	Claimed   Measure = "claimed"   // direct awards the learner claimed
	Rejected  Measure = "rejected"  // direct awards the learner rejected
	Expired   Measure = "expired"   // direct awards not claimed in time
	Requested Measure = "requested" // badges learners requested
	Approved  Measure = "approved"  // requests staff approved
	Denied    Measure = "denied"    // requests staff denied
	Revoked   Measure = "revoked"   // issued badges revoked
)

// Measures lists every measure, in the order of CSV columns.
var Measures = []Measure{Sent, Claimed, Rejected, Expired, Requested, Approved, Denied, Revoked}

// Counts holds one number per measure.
type Counts struct {
	Sent      int `json:"sent"`
	Claimed   int `json:"claimed"`
	Rejected  int `json:"rejected"`
	Expired   int `json:"expired"`
	Requested int `json:"requested"`
	Approved  int `json:"approved"`
	Denied    int `json:"denied"`
	Revoked   int `json:"revoked"`
}

func (c *Counts) field(m Measure) *int {
	switch m {
	case Sent:
		return &c.Sent
	case Claimed:
		return &c.Claimed
	case Rejected:
		return &c.Rejected
	case Expired:
		return &c.Expired
	case Requested:
		return &c.Requested
	case Approved:
		return &c.Approved
	case Denied:
		return &c.Denied
	case Revoked:
		return &c.Revoked
	}
	return nil
}

// Add adds n to the count of m; an unknown measure is ignored.
func (c *Counts) Add(m Measure, n int) {
	if p := c.field(m); p != nil {
		*p += n
	}
}

// Get returns the count of m (0 for an unknown measure).
func (c Counts) Get(m Measure) int {
	if p := c.field(m); p != nil {
		return *p
	}
	return 0
}

// Plus adds every count of o to c.
func (c *Counts) Plus(o Counts) {
	for _, m := range Measures {
		c.Add(m, o.Get(m))
	}
}

// IsZero reports whether every count is zero.
func (c Counts) IsZero() bool { return c == Counts{} }

// ClaimRate returns Claimed / Sent, and false when nothing was sent.
func (c Counts) ClaimRate() (float64, bool) {
	if c.Sent == 0 {
		return 0, false
	}
	return float64(c.Claimed) / float64(c.Sent), true
}

// Event is one countable thing that happened to an award.
type Event struct {
	Measure Measure
	At      time.Time
}

// Tally returns the events of an award, each at the time it happened: the
// rules every [Store] counts by (storage/postgres restates them in SQL, and
// the shared storage suite checks that both agree).
func Tally(a *issuer.Award) []Event {
	var out []Event
	add := func(m Measure, t time.Time) {
		if !t.IsZero() {
			out = append(out, Event{m, t.UTC()})
		}
	}
	accepted := a.State == issuer.AwardAccepted || a.State == issuer.AwardRevoked
	switch a.Kind {
	case issuer.KindDirect:
		add(Sent, a.Sent)
		switch {
		case accepted:
			add(Claimed, a.Claimed)
		case a.State == issuer.AwardRejected:
			add(Rejected, a.Claimed)
		case a.State == issuer.AwardExpired:
			add(Expired, a.ClaimDeadline)
		}
	case issuer.KindRequest:
		add(Requested, a.Requested)
		switch {
		case accepted:
			add(Approved, a.Decided)
		case a.State == issuer.AwardDenied:
			add(Denied, a.Decided)
		}
	}
	if a.State == issuer.AwardRevoked {
		add(Revoked, a.RevokedAt)
	}
	return out
}

// Month is a calendar month, written YYYY-MM.
type Month string

// MonthOf returns the month (UTC) of t.
func MonthOf(t time.Time) Month { return Month(t.UTC().Format("2006-01")) }

// ParseMonth reads YYYY-MM. It fails with an Invalid *badged.Error.
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil || t.Year() < 1970 || t.Year() > 9999 {
		return "", badged.Errorf(badged.Invalid, "%q is not a month of the form YYYY-MM", s)
	}
	return Month(s), nil
}

// Start returns the first instant of m (UTC); the zero time for an
// invalid month.
func (m Month) Start() time.Time {
	t, _ := time.Parse("2006-01", string(m))
	return t
}

// Count is a [Store]'s answer: the counts of one badge class in one month.
type Count struct {
	Month        Month
	IssuerID     string
	BadgeClassID string
	Counts
}

// Store counts award events. Storage adapters implement it.
//
// AwardCounts returns, for the awards of the institution, the counts of
// the events [Tally] gives whose time is in [from, to), grouped by month
// (UTC), issuer and badge class; a group whose counts are all zero is left
// out, and no awards give an empty result, not an error. The order is
// unspecified. Errors are the backend's (Unavailable).
type Store interface {
	AwardCounts(ctx context.Context, institutionID string, from, to time.Time) ([]Count, error)
}

// Hierarchy is what the insights need of the hierarchy: the authorization
// of the caller and the names. *issuer.Service implements it; each method
// fails with NotFound or Forbidden as it documents.
type Hierarchy interface {
	Institution(ctx context.Context, a issuer.Actor, id string) (*issuer.Institution, error)
	Issuer(ctx context.Context, a issuer.Actor, id string) (*issuer.Issuer, error)
	BadgeClass(ctx context.Context, a issuer.Actor, id string) (*issuer.BadgeClass, error)
}

// Level is what the rows of a report are per.
type Level string

// Levels.
const (
	LevelInstitution Level = "institution"
	LevelIssuer      Level = "issuer"
	LevelBadgeClass  Level = "badgeclass"
)

// Valid reports whether l is a known level.
func (l Level) Valid() bool {
	return l == LevelInstitution || l == LevelIssuer || l == LevelBadgeClass
}

// MaxMonths is the longest period one report covers.
const MaxMonths = 120

// Query asks for a report.
type Query struct {
	InstitutionID string
	// From and To are the first and last month, inclusive. Empty To is
	// the current month; empty From is 11 months before To.
	From, To Month
	Level    Level // empty: LevelInstitution
}

// Row is one line of a report: the counts of one institution, issuer or
// badge class in one month.
type Row struct {
	Month Month
	ID    string
	Name  string // in the institution's default language
	Counts
}

// Report is the insights of an institution over a period.
type Report struct {
	InstitutionID string
	Level         Level
	From, To      Month
	// Rows are ordered by month, then name, then ID; a row whose counts
	// are all zero is left out.
	Rows  []Row
	Total Counts
}

// Service builds reports.
type Service struct {
	store     Store
	hierarchy Hierarchy
	now       func() time.Time
}

// Option sets an optional setting of a [Service].
type Option func(*Service)

// WithClock sets the clock that says which month is current (default
// time.Now).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// New returns a Service counting in store, authorizing and naming with h.
func New(store Store, h Hierarchy, opts ...Option) *Service {
	s := &Service{store: store, hierarchy: h, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Report returns the insights q asks for, when the actor may read the
// institution (every role at it, viewers included, and its SIS clients).
// Errors: Invalid for a bad level or months (To before From, more than
// [MaxMonths]); NotFound and Forbidden from the hierarchy; the store's.
func (s *Service) Report(ctx context.Context, a issuer.Actor, q Query) (*Report, error) {
	if q.Level == "" {
		q.Level = LevelInstitution
	}
	if !q.Level.Valid() {
		return nil, badged.Errorf(badged.Invalid, "level %q is not one of institution, issuer, badgeclass", q.Level)
	}
	if q.To == "" {
		q.To = MonthOf(s.now())
	}
	if q.From == "" {
		q.From = MonthOf(q.To.Start().AddDate(0, -11, 0))
	}
	for _, m := range []Month{q.From, q.To} {
		if _, err := ParseMonth(string(m)); err != nil {
			return nil, err
		}
	}
	from, to := q.From.Start(), q.To.Start().AddDate(0, 1, 0)
	switch {
	case !from.Before(to):
		return nil, badged.Errorf(badged.Invalid, "from %s is after to %s", q.From, q.To)
	case from.AddDate(0, MaxMonths, 0).Before(to):
		return nil, badged.Errorf(badged.Invalid, "at most %d months at once", MaxMonths)
	}
	in, err := s.hierarchy.Institution(ctx, a, q.InstitutionID)
	if err != nil {
		return nil, err
	}
	counts, err := s.store.AwardCounts(ctx, in.ID, from, to)
	if err != nil {
		return nil, fmt.Errorf("insights of %s: %w", in.ID, err)
	}
	lang := in.DefaultLanguage
	names := map[string]string{}
	name := func(kind, id string) (string, error) {
		if n, ok := names[kind+id]; ok {
			return n, nil
		}
		var t issuer.Text
		switch kind {
		case "issuer":
			is, err := s.hierarchy.Issuer(ctx, a, id)
			if err != nil && badged.KindOf(err) != badged.NotFound {
				return "", err
			}
			if is != nil {
				t = is.Name
			}
		case "badgeclass":
			bc, err := s.hierarchy.BadgeClass(ctx, a, id)
			if err != nil && badged.KindOf(err) != badged.NotFound {
				return "", err
			}
			if bc != nil {
				t = bc.Name
			}
		}
		n := cmp.Or(t.In(lang), id)
		names[kind+id] = n
		return n, nil
	}
	type key struct {
		month Month
		id    string
	}
	rows := map[key]*Row{}
	r := &Report{InstitutionID: in.ID, Level: q.Level, From: q.From, To: q.To}
	for _, c := range counts {
		if c.IsZero() {
			continue
		}
		k := key{c.Month, in.ID}
		var n string
		switch q.Level {
		case LevelInstitution:
			n = in.Name.In(lang)
		case LevelIssuer:
			k.id = c.IssuerID
			n, err = name("issuer", c.IssuerID)
		case LevelBadgeClass:
			k.id = c.BadgeClassID
			n, err = name("badgeclass", c.BadgeClassID)
		}
		if err != nil {
			return nil, err
		}
		row := rows[k]
		if row == nil {
			row = &Row{Month: k.month, ID: k.id, Name: n}
			rows[k] = row
		}
		row.Plus(c.Counts)
		r.Total.Plus(c.Counts)
	}
	for _, row := range rows {
		r.Rows = append(r.Rows, *row)
	}
	slices.SortFunc(r.Rows, func(a, b Row) int {
		return cmp.Or(cmp.Compare(a.Month, b.Month), strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	return r, nil
}
