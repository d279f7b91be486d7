package credential

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/badged/badged/jsonld"
)

// Type values used by Open Badges 3.0 and VC 2.0.
const (
	TypeVerifiableCredential  = "VerifiableCredential"
	TypeOpenBadgeCredential   = "OpenBadgeCredential"
	TypeAchievementCredential = "AchievementCredential" // the same class as OpenBadgeCredential
	TypeEndorsementCredential = "EndorsementCredential"
	TypeAchievementSubject    = "AchievementSubject"
	TypeAchievement           = "Achievement"
	TypeProfile               = "Profile"
	TypeIdentityObject        = "IdentityObject"
	TypeIdentifierEntry       = "IdentifierEntry"
	TypeImage                 = "Image"
	TypeResult                = "Result"
	TypeResultDescription     = "ResultDescription"
	TypeAlignment             = "Alignment"
	TypeEvidence              = "Evidence"
	TypeCriteria              = "Criteria"
	TypeBitstringStatusEntry  = "BitstringStatusListEntry"
	// TypeJSONSchemaValidator is the credentialSchema type OB 3.0 uses.
	TypeJSONSchemaValidator = "1EdTechJsonSchemaValidator2019"
)

// Types is the value of a JSON-LD type property. Documents in the wild
// carry either a single string or an array; Types reads both and always
// writes an array, which is what the OB 3.0 JSON schema requires for most
// classes.
type Types []string

// UnmarshalJSON reads a string or an array of strings. It returns an error
// for any other JSON value.
func (t *Types) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = Types{s}
		return nil
	}
	var ss []string
	if err := json.Unmarshal(b, &ss); err != nil {
		return errors.New("type must be a string or an array of strings")
	}
	*t = ss
	return nil
}

// MarshalJSON writes t as an array.
func (t Types) MarshalJSON() ([]byte, error) {
	if t == nil {
		return []byte("[]"), nil
	}
	return json.Marshal([]string(t))
}

// Has reports whether t contains typ.
func (t Types) Has(typ string) bool { return slices.Contains(t, typ) }

// Credential is an Open Badges 3.0 OpenBadgeCredential (VC 2.0). Times are
// kept as the strings found in the document (XML Schema dateTimeStamp, as
// written by [FormatTime]) so that parsing and re-encoding does not alter
// what a proof covers; [ParseTime] reads them.
//
// Members the type does not model (endorsement, refreshService,
// termsOfUse...) are dropped by [Parse]: verify proofs on the raw document,
// never on the re-encoding of a parsed Credential.
type Credential struct {
	Context           []any              `json:"@context"` // strings, or inline context objects
	ID                string             `json:"id,omitempty"`
	Type              Types              `json:"type"`
	Issuer            *Profile           `json:"issuer,omitempty"`
	ValidFrom         string             `json:"validFrom,omitempty"`
	ValidUntil        string             `json:"validUntil,omitempty"`
	Name              string             `json:"name,omitempty"`
	Description       string             `json:"description,omitempty"`
	Image             *Image             `json:"image,omitempty"`
	AwardedDate       string             `json:"awardedDate,omitempty"`
	CredentialSubject AchievementSubject `json:"credentialSubject"`
	CredentialStatus  *StatusEntry       `json:"credentialStatus,omitempty"`
	CredentialSchema  []CredentialSchema `json:"credentialSchema,omitempty"`
	Evidence          []Evidence         `json:"evidence,omitempty"`
	// Proof is kept raw: proof suites own its contents. A single proof
	// object in the input is read as a one-element array.
	Proof []map[string]any `json:"proof,omitempty"`
}

// UnmarshalJSON reads a credential, accepting a single object where OB 3.0
// wants an array (proof, credentialSchema, evidence) and a VC 1.1
// issuanceDate/expirationDate when validFrom/validUntil are absent.
func (c *Credential) UnmarshalJSON(b []byte) error {
	type plain Credential
	var aux struct {
		*plain
		Proof            json.RawMessage `json:"proof"`
		CredentialSchema json.RawMessage `json:"credentialSchema"`
		Evidence         json.RawMessage `json:"evidence"`
		IssuanceDate     string          `json:"issuanceDate"`
		ExpirationDate   string          `json:"expirationDate"`
	}
	aux.plain = (*plain)(c)
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	if err := jsonld.DecodeOneOrMany(aux.Proof, &c.Proof); err != nil {
		return err
	}
	if err := jsonld.DecodeOneOrMany(aux.CredentialSchema, &c.CredentialSchema); err != nil {
		return err
	}
	if err := jsonld.DecodeOneOrMany(aux.Evidence, &c.Evidence); err != nil {
		return err
	}
	if c.ValidFrom == "" {
		c.ValidFrom = aux.IssuanceDate
	}
	if c.ValidUntil == "" {
		c.ValidUntil = aux.ExpirationDate
	}
	return nil
}

// Profile describes an issuer, a parent organisation or another party.
// The last group of fields is badged's extension (institution data that
// edubadges keeps and OB 3.0 lacks); an institution's SCHAC home and BRIN
// are OtherIdentifier entries ([IdentifierSchacHome], [IdentifierBRIN]).
type Profile struct {
	ID              string            `json:"id"`
	Type            Types             `json:"type"`
	Name            string            `json:"name,omitempty"`
	URL             string            `json:"url,omitempty"`
	Phone           string            `json:"phone,omitempty"`
	Description     string            `json:"description,omitempty"`
	Image           *Image            `json:"image,omitempty"`
	Email           string            `json:"email,omitempty"`
	Address         map[string]any    `json:"address,omitempty"`
	OtherIdentifier []IdentifierEntry `json:"otherIdentifier,omitempty"`
	Official        string            `json:"official,omitempty"`
	ParentOrg       *Profile          `json:"parentOrg,omitempty"`
	GivenName       string            `json:"givenName,omitempty"`
	FamilyName      string            `json:"familyName,omitempty"`

	InstitutionType string `json:"institutionType,omitempty"` // badged: WO, HBO, MBO...
	GradingTable    string `json:"gradingTable,omitempty"`    // badged: URL of the grading table
}

// UnmarshalJSON reads a Profile object, or a bare URL string (VC allows an
// issuer to be only its id), which becomes a Profile with only ID set.
func (p *Profile) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		*p = Profile{}
		return json.Unmarshal(b, &p.ID)
	}
	type plain Profile
	return json.Unmarshal(b, (*plain)(p))
}

func (p *Profile) usesExtension() bool {
	if p == nil {
		return false
	}
	return p.InstitutionType != "" || p.GradingTable != "" ||
		p.ParentOrg.usesExtension()
}

// Identifier types badged writes in OtherIdentifier (OB 3.0 allows "ext:"
// types of one's own).
const (
	IdentifierSchacHome = "ext:schacHome"                  // SURF schac_home of an institution
	IdentifierBRIN      = "ext:BRIN"                       // Dutch institution code
	IdentifierProgramme = "ext:educationProgramIdentifier" // CROHO or CREBO programme code
)

// IdentifierEntry is another identifier of a Profile or Achievement.
type IdentifierEntry struct {
	Type           string `json:"type"` // "IdentifierEntry"
	Identifier     string `json:"identifier"`
	IdentifierType string `json:"identifierType"`
}

// Image is an image with an optional caption. ID is a URL or a data: URI.
type Image struct {
	ID      string `json:"id"`
	Type    string `json:"type"` // "Image"
	Caption string `json:"caption,omitempty"`
}

// UnmarshalJSON reads an Image object, or a bare URL string.
func (im *Image) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		*im = Image{Type: TypeImage}
		return json.Unmarshal(b, &im.ID)
	}
	type plain Image
	return json.Unmarshal(b, (*plain)(im))
}

// AchievementSubject is the credentialSubject of an OpenBadgeCredential:
// who earned the achievement (ID, the holder's DID, and/or Identifier) and
// what they earned.
type AchievementSubject struct {
	ID                string           `json:"id,omitempty"`
	Type              Types            `json:"type"`
	Achievement       *Achievement     `json:"achievement,omitempty"`
	Identifier        []IdentityObject `json:"identifier,omitempty"`
	ActivityStartDate string           `json:"activityStartDate,omitempty"`
	ActivityEndDate   string           `json:"activityEndDate,omitempty"`
	CreditsEarned     *float64         `json:"creditsEarned,omitempty"`
	Image             *Image           `json:"image,omitempty"`
	LicenseNumber     string           `json:"licenseNumber,omitempty"`
	Narrative         string           `json:"narrative,omitempty"`
	Result            []Result         `json:"result,omitempty"`
	Role              string           `json:"role,omitempty"`
	Source            *Profile         `json:"source,omitempty"`
	Term              string           `json:"term,omitempty"`
}

// Achievement is what was accomplished: the OB 3.0 successor of the OB 2
// BadgeClass. ECTS credits are CreditsAvailable, EQF and NLQF levels
// Alignment entries ([EQFAlignment], [NLQFAlignment]) and a CROHO/CREBO
// code an OtherIdentifier ([IdentifierProgramme]). The fields after Version
// are badged's extension, defined by its v2 context; [New] names that
// context when any is set.
type Achievement struct {
	ID                string              `json:"id"`
	Type              Types               `json:"type"`
	AchievementType   string              `json:"achievementType,omitempty"`
	Alignment         []Alignment         `json:"alignment,omitempty"`
	Creator           *Profile            `json:"creator,omitempty"`
	CreditsAvailable  *float64            `json:"creditsAvailable,omitempty"`
	Criteria          *Criteria           `json:"criteria,omitempty"`
	Description       string              `json:"description"`
	FieldOfStudy      string              `json:"fieldOfStudy,omitempty"`
	HumanCode         string              `json:"humanCode,omitempty"`
	Image             *Image              `json:"image,omitempty"`
	InLanguage        string              `json:"inLanguage,omitempty"`
	Name              string              `json:"name"`
	OtherIdentifier   []IdentifierEntry   `json:"otherIdentifier,omitempty"`
	ResultDescription []ResultDescription `json:"resultDescription,omitempty"`
	Specialization    string              `json:"specialization,omitempty"`
	Tag               []string            `json:"tag,omitempty"`
	Version           string              `json:"version,omitempty"`

	// badged extension.
	StudyLoad                   *int   `json:"studyLoad,omitempty"`      // study load in hours
	TimeInvestment              *int   `json:"timeInvestment,omitempty"` // time investment in hours
	LearningOutcome             string `json:"learningOutcome,omitempty"`
	AssessmentType              string `json:"assessmentType,omitempty"`
	AssessmentSupervised        *bool  `json:"assessmentSupervised,omitempty"`
	AssessmentIdentityVerified  *bool  `json:"assessmentIdentityVerified,omitempty"`
	QualityAssuranceName        string `json:"qualityAssuranceName,omitempty"`
	QualityAssuranceURL         string `json:"qualityAssuranceUrl,omitempty"`
	QualityAssuranceDescription string `json:"qualityAssuranceDescription,omitempty"`
	Participation               string `json:"participation,omitempty"` // online, onsite, blended
	Stackable                   *bool  `json:"stackable,omitempty"`
	GradeAchievedRequired       *bool  `json:"gradeAchievedRequired,omitempty"`
	Microcredential             *bool  `json:"microcredential,omitempty"`
}

func (a *Achievement) usesExtension() bool {
	return a.StudyLoad != nil || a.TimeInvestment != nil || a.LearningOutcome != "" ||
		a.AssessmentType != "" || a.AssessmentSupervised != nil || a.AssessmentIdentityVerified != nil ||
		a.QualityAssuranceName != "" || a.QualityAssuranceURL != "" || a.QualityAssuranceDescription != "" ||
		a.Participation != "" || a.Stackable != nil || a.GradeAchievedRequired != nil ||
		a.Microcredential != nil || a.Creator.usesExtension()
}

// Criteria says how the achievement is earned: a URL (ID), a Markdown
// narrative, or both.
type Criteria struct {
	ID        string `json:"id,omitempty"`
	Narrative string `json:"narrative,omitempty"`
}

// Alignment links an achievement or result to a framework or standard.
type Alignment struct {
	Type              Types  `json:"type"`
	TargetCode        string `json:"targetCode,omitempty"`
	TargetDescription string `json:"targetDescription,omitempty"`
	TargetName        string `json:"targetName"`
	TargetFramework   string `json:"targetFramework,omitempty"`
	TargetType        string `json:"targetType,omitempty"`
	TargetURL         string `json:"targetUrl"`
}

// Frameworks of the qualification level alignments badged writes.
const (
	FrameworkEQF  = "European Qualifications Framework"
	FrameworkNLQF = "Nederlands Kwalificatieraamwerk (NLQF)"
)

// EQFAlignment aligns an achievement to its EQF level (1-8).
func EQFAlignment(level int) Alignment {
	code := strconv.Itoa(level)
	return Alignment{Type: Types{TypeAlignment}, TargetFramework: FrameworkEQF, TargetCode: code,
		TargetName: "EQF level " + code, TargetURL: "https://europass.europa.eu/en/description-eight-eqf-levels"}
}

// NLQFAlignment aligns an achievement to its NLQF level: "1" to "8", or
// "entry-1" to "entry-3" (instroomniveau).
func NLQFAlignment(level string) Alignment {
	name := "NLQF niveau " + level
	if n, ok := strings.CutPrefix(level, "entry-"); ok {
		name = "NLQF instroomniveau " + n
	}
	return Alignment{Type: Types{TypeAlignment}, TargetFramework: FrameworkNLQF, TargetCode: level,
		TargetName: name, TargetURL: "https://www.nlqf.nl/nlqf-niveaus"}
}

// Result is a result the recipient achieved, e.g. a grade.
type Result struct {
	Type              Types       `json:"type"`
	AchievedLevel     string      `json:"achievedLevel,omitempty"`
	Alignment         []Alignment `json:"alignment,omitempty"`
	ResultDescription string      `json:"resultDescription,omitempty"` // id of a ResultDescription
	Status            string      `json:"status,omitempty"`
	Value             string      `json:"value,omitempty"`
}

// ResultDescription describes a possible result of an achievement.
type ResultDescription struct {
	ID                   string           `json:"id"`
	Type                 Types            `json:"type"`
	Alignment            []Alignment      `json:"alignment,omitempty"`
	AllowedValue         []string         `json:"allowedValue,omitempty"`
	Name                 string           `json:"name"`
	RequiredLevel        string           `json:"requiredLevel,omitempty"`
	RequiredValue        string           `json:"requiredValue,omitempty"`
	ResultType           string           `json:"resultType"`
	RubricCriterionLevel []map[string]any `json:"rubricCriterionLevel,omitempty"`
	ValueMax             string           `json:"valueMax,omitempty"`
	ValueMin             string           `json:"valueMin,omitempty"`
}

// Evidence supports the award: a URL (ID) and/or a narrative.
type Evidence struct {
	ID          string `json:"id,omitempty"`
	Type        Types  `json:"type"`
	Narrative   string `json:"narrative,omitempty"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	Genre       string `json:"genre,omitempty"`
	Audience    string `json:"audience,omitempty"`
}

// StatusEntry is a credentialStatus. badged writes BitstringStatusListEntry;
// 1EdTechRevocationList entries carry only ID and Type.
type StatusEntry struct {
	ID                   string `json:"id,omitempty"`
	Type                 string `json:"type"`
	StatusPurpose        string `json:"statusPurpose,omitempty"`        // revocation or suspension
	StatusListIndex      string `json:"statusListIndex,omitempty"`      // a decimal integer, as a string
	StatusListCredential string `json:"statusListCredential,omitempty"` // URL of the status list credential
}

// CredentialSchema names a JSON schema the credential claims to satisfy.
type CredentialSchema struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// FormatTime writes t as badged writes every credential time: UTC, whole
// seconds, RFC 3339 (an XML Schema dateTimeStamp).
func FormatTime(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format(time.RFC3339)
}

// ParseTime reads a credential time: an XML Schema dateTimeStamp, which
// is RFC 3339 with optional fractional seconds. A time without a zone, which
// VC 2.0 forbids, is an error.
func ParseTime(s string) (time.Time, error) {
	return time.Parse(time.RFC3339Nano, s)
}
