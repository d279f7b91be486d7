package issuer

import "time"

// State is the life-cycle state of a badge class.
type State string

// Badge class states. A draft can be edited and not awarded; a published
// badge class can be awarded; an archived one can be neither.
const (
	Draft     State = "draft"
	Published State = "published"
	Archived  State = "archived"
)

// MaxAlignments is the most framework alignments a badge class may have.
const MaxAlignments = 8

// BadgeClass is the template of a badge: what was learned, how it is
// assessed and what it is worth. It becomes an Open Badges 3.0 Achievement:
// OB 3.0's own properties where one fits (noted below), otherwise fields of
// badged's extension context (contexts/files/badged-v2.jsonld) of the same
// name.
type BadgeClass struct {
	ID            string
	InstitutionID string
	GroupID       string
	IssuerID      string

	Name        Text // Achievement.name in Language
	Description Text // Achievement.description in Language
	ImageURL    string
	Criteria    Criteria
	Language    string // Achievement.inLanguage: "nl", "en" or another BCP 47 tag

	LearningOutcome            Text     // badged:learningOutcome, in Dutch and English
	ECTSCredits                *float64 // creditsAvailable, at most one decimal
	StudyLoad                  *int     // badged:studyLoad, hours
	TimeInvestment             *int     // badged:timeInvestment, hours
	EQFLevel                   *int     // 1-8: an alignment (credential.EQFAlignment)
	NLQFLevel                  NLQF     // an alignment (credential.NLQFAlignment)
	EducationProgramIdentifier string   // a CROHO or CREBO code: an otherIdentifier (credential.IdentifierProgramme)
	Alignments                 []Alignment

	AssessmentType             string // badged:assessmentType
	AssessmentSupervised       *bool  // badged:assessmentSupervised
	AssessmentIdentityVerified *bool  // badged:assessmentIdentityVerified
	QualityAssurance           QualityAssurance
	Stackable                  *bool  // badged:stackable
	Participation              string // badged:participation: ParticipationOnline, ...
	GradeAchievedRequired      bool   // badged:gradeAchievedRequired
	EvidenceRequired           bool   // an award must carry evidence
	NarrativeRequired          bool   // an award must carry a narrative
	ExpiryDays                 int    // credentials expire this many days after issuance; 0 never
	Microcredential            bool   // badged:microcredential
	Tags                       []string
	Prerequisites              []string // badge classes a learner must hold before requesting this one (see prerequisite.go)

	State   State
	Version int64
	Created time.Time
	Updated time.Time
}

// Criteria says how a badge is earned: a URL, a Markdown narrative, or both.
type Criteria struct {
	URL       string
	Narrative Text
}

// Alignment links a badge class to an item of a framework, e.g. an ESCO
// skill. TargetName and TargetURL are required.
type Alignment struct {
	TargetName        string
	TargetURL         string
	TargetDescription string
	TargetFramework   string
	TargetCode        string
}

// QualityAssurance names the quality assurance framework a microcredential
// falls under.
type QualityAssurance struct {
	Name        string
	URL         string
	Description string
}

// Ways of participating in the learning a badge class recognises.
const (
	ParticipationOnline  = "online"
	ParticipationOnsite  = "onsite"
	ParticipationBlended = "blended"
)

// NLQF is a level of the Dutch qualifications framework: "1" to "8", or one
// of the entry levels below level 1 ("entry-1" to "entry-3"). The empty NLQF
// means not set.
type NLQF string

// NLQF entry levels (instroomniveaus) below level 1.
const (
	NLQFEntry1 NLQF = "entry-1"
	NLQFEntry2 NLQF = "entry-2"
	NLQFEntry3 NLQF = "entry-3"
)

// Valid reports whether n is a level of the framework.
func (n NLQF) Valid() bool {
	switch n {
	case NLQFEntry1, NLQFEntry2, NLQFEntry3, "1", "2", "3", "4", "5", "6", "7", "8":
		return true
	}
	return false
}
