package issuer

import "time"

// InstitutionType is the kind of Dutch education an institution gives.
type InstitutionType string

// Institution types.
const (
	MBO InstitutionType = "MBO" // vocational education
	HBO InstitutionType = "HBO" // universities of applied sciences
	WO  InstitutionType = "WO"  // research universities
)

// Institution is the top of the hierarchy: a school or university, and the
// issuer of its credentials.
type Institution struct {
	ID              string
	Name            Text
	Description     Text
	ImageURL        string
	SCHACHome       string // the institution's SCHAC home organisation, e.g. "university-example.org"
	BRIN            string // the Dutch institution code, e.g. "21PB"
	Type            InstitutionType
	Country         string // ISO 3166-1 alpha-2, e.g. "NL"
	GradingTableURL string
	DefaultLanguage string // LangNL or LangEN
	Terms           Terms  // what learners accept to claim a direct award; zero for none
	Version         int64
	Created         time.Time
	Updated         time.Time
}

// Terms are an institution's terms, which learners accept to claim a
// direct award from it, and their version, which the award records. Text
// is plain text, without Markdown. A change of the text needs a new
// version, so that a learner who read the old one is asked again. The
// zero Terms means the institution has none.
type Terms struct {
	Version string
	Text    Text
}

// IsZero reports whether t is no terms.
func (t Terms) IsZero() bool { return t.Version == "" && t.Text.IsZero() }

// Group is an issuer group: a faculty, or any grouping of issuers, in an
// institution.
type Group struct {
	ID            string
	InstitutionID string
	Name          Text
	Description   Text
	ImageURL      string
	Archived      bool
	Version       int64
	Created       time.Time
	Updated       time.Time
}

// Issuer is the unit of an institution that awards badges.
type Issuer struct {
	ID            string
	InstitutionID string
	GroupID       string
	Name          Text
	Description   Text
	ImageURL      string
	URL           string
	Email         string
	Archived      bool
	Version       int64
	Created       time.Time
	Updated       time.Time
}

// Level is a level of the hierarchy.
type Level int

// Levels, from the top down.
const (
	LevelInstitution Level = iota + 1
	LevelGroup
	LevelIssuer
	LevelBadgeClass
)

func (l Level) String() string {
	switch l {
	case LevelInstitution:
		return "institution"
	case LevelGroup:
		return "issuer group"
	case LevelIssuer:
		return "issuer"
	case LevelBadgeClass:
		return "badge class"
	}
	return "unknown level"
}

// Path names a node of the hierarchy together with its ancestors. The node
// is the deepest non-empty ID: Path{Institution: "i", Group: "g"} is group
// "g" of institution "i".
type Path struct {
	Institution string
	Group       string
	Issuer      string
	BadgeClass  string
}

// Lineage is a badge class with its ancestors, as [Store.Lineage] reads
// them.
type Lineage struct {
	Institution *Institution
	Group       *Group
	Issuer      *Issuer
	BadgeClass  *BadgeClass
}

// Level returns the level of the node p names, or 0 when p is empty.
func (p Path) Level() Level {
	switch {
	case p.BadgeClass != "":
		return LevelBadgeClass
	case p.Issuer != "":
		return LevelIssuer
	case p.Group != "":
		return LevelGroup
	case p.Institution != "":
		return LevelInstitution
	}
	return 0
}

// ID returns the ID of p's node at level l: the node itself or one of its
// ancestors, or "" when l is below p's node.
func (p Path) ID(l Level) string {
	switch l {
	case LevelInstitution:
		return p.Institution
	case LevelGroup:
		return p.Group
	case LevelIssuer:
		return p.Issuer
	case LevelBadgeClass:
		return p.BadgeClass
	}
	return ""
}

// valid reports whether every ancestor of p's node is named.
func (p Path) valid() bool {
	l := p.Level()
	for x := LevelInstitution; x <= l; x++ {
		if p.ID(x) == "" {
			return false
		}
	}
	return l != 0
}

// Path returns the path of the institution.
func (in *Institution) Path() Path { return Path{Institution: in.ID} }

// Path returns the path of the group.
func (g *Group) Path() Path { return Path{Institution: g.InstitutionID, Group: g.ID} }

// Path returns the path of the issuer.
func (is *Issuer) Path() Path {
	return Path{Institution: is.InstitutionID, Group: is.GroupID, Issuer: is.ID}
}

// Path returns the path of the badge class.
func (bc *BadgeClass) Path() Path {
	return Path{Institution: bc.InstitutionID, Group: bc.GroupID, Issuer: bc.IssuerID, BadgeClass: bc.ID}
}
