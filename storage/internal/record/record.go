// Package record is the stored form of the issuer package's records,
// shared by the storage adapters: private JSON structs, each with a Format
// number, mapped to and from the domain types. A change to the stored form
// bumps Format and keeps reading the old one; testdata pins every format.
package record

import (
	"bytes"
	"encoding/json"
	"encoding/json/jsontext"
	"fmt"
	"strconv"
	"time"

	"github.com/badged/badged/issuer"
)

// Format is the format number written in every record.
const Format = 1

// Text is the stored form of issuer.Text.
type Text struct {
	NL string `json:"nl,omitempty"`
	EN string `json:"en,omitempty"`
}

func text(t issuer.Text) Text    { return Text{NL: t.NL, EN: t.EN} }
func (t Text) text() issuer.Text { return issuer.Text{NL: t.NL, EN: t.EN} }

// orLegacy is t, or, for a record written when the field had one language,
// that text in lang (English unless lang is Dutch).
func (t Text) orLegacy(legacy, lang string) issuer.Text {
	switch {
	case t != Text{} || legacy == "":
		return t.text()
	case lang == issuer.LangNL:
		return issuer.Text{NL: legacy}
	}
	return issuer.Text{EN: legacy}
}

// Meta is what every record has.
type Meta struct {
	Format  int       `json:"format"`
	ID      string    `json:"id"`
	Version int64     `json:"version"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

func meta(id string, version int64, created, updated time.Time) Meta {
	return Meta{Format: Format, ID: id, Version: version, Created: created, Updated: updated}
}

// Institution is the stored form of issuer.Institution.
type Institution struct {
	Meta
	Name            Text   `json:"name"`
	Description     Text   `json:"description"`
	ImageURL        string `json:"imageUrl,omitempty"`
	SCHACHome       string `json:"schacHome"`
	BRIN            string `json:"brin,omitempty"`
	Type            string `json:"institutionType"`
	Country         string `json:"country"`
	GradingTableURL string `json:"gradingTable,omitempty"`
	DefaultLanguage string `json:"defaultLanguage"`
	// Terms are absent from records written before institutions had
	// terms, and from those of institutions without: both mean none.
	Terms *Terms `json:"terms,omitempty"`
}

// Terms is the stored form of issuer.Terms.
type Terms struct {
	Version string `json:"version"`
	Text    Text   `json:"text"`
}

// FromInstitution returns the stored form of in.
func FromInstitution(in *issuer.Institution) *Institution {
	var terms *Terms
	if !in.Terms.IsZero() {
		terms = &Terms{Version: in.Terms.Version, Text: text(in.Terms.Text)}
	}
	return &Institution{
		Terms: terms,
		Meta:  meta(in.ID, in.Version, in.Created, in.Updated),
		Name:  text(in.Name), Description: text(in.Description), ImageURL: in.ImageURL,
		SCHACHome: in.SCHACHome, BRIN: in.BRIN, Type: string(in.Type), Country: in.Country,
		GradingTableURL: in.GradingTableURL, DefaultLanguage: in.DefaultLanguage,
	}
}

// Domain returns the domain form of r.
func (r *Institution) Domain() *issuer.Institution {
	var terms issuer.Terms
	if r.Terms != nil {
		terms = issuer.Terms{Version: r.Terms.Version, Text: r.Terms.Text.text()}
	}
	return &issuer.Institution{
		Terms: terms,
		ID:    r.ID, Name: r.Name.text(), Description: r.Description.text(), ImageURL: r.ImageURL,
		SCHACHome: r.SCHACHome, BRIN: r.BRIN, Type: issuer.InstitutionType(r.Type), Country: r.Country,
		GradingTableURL: r.GradingTableURL, DefaultLanguage: r.DefaultLanguage,
		Version: r.Version, Created: r.Created, Updated: r.Updated,
	}
}

// Group is the stored form of issuer.Group.
type Group struct {
	Meta
	InstitutionID string `json:"institution"`
	Name          Text   `json:"name"`
	Description   Text   `json:"description"`
	ImageURL      string `json:"imageUrl,omitempty"`
	Archived      bool   `json:"archived,omitempty"`
}

// FromGroup returns the stored form of g.
func FromGroup(g *issuer.Group) *Group {
	return &Group{
		Meta: meta(g.ID, g.Version, g.Created, g.Updated), InstitutionID: g.InstitutionID,
		Name: text(g.Name), Description: text(g.Description), ImageURL: g.ImageURL, Archived: g.Archived,
	}
}

// Domain returns the domain form of r.
func (r *Group) Domain() *issuer.Group {
	return &issuer.Group{
		ID: r.ID, InstitutionID: r.InstitutionID, Name: r.Name.text(), Description: r.Description.text(),
		ImageURL: r.ImageURL, Archived: r.Archived, Version: r.Version, Created: r.Created, Updated: r.Updated,
	}
}

// Issuer is the stored form of issuer.Issuer.
type Issuer struct {
	Meta
	InstitutionID string `json:"institution"`
	GroupID       string `json:"group"`
	Name          Text   `json:"name"`
	Description   Text   `json:"description"`
	ImageURL      string `json:"imageUrl,omitempty"`
	URL           string `json:"url,omitempty"`
	Email         string `json:"email,omitempty"`
	Archived      bool   `json:"archived,omitempty"`
}

// FromIssuer returns the stored form of is.
func FromIssuer(is *issuer.Issuer) *Issuer {
	return &Issuer{
		Meta: meta(is.ID, is.Version, is.Created, is.Updated), InstitutionID: is.InstitutionID, GroupID: is.GroupID,
		Name: text(is.Name), Description: text(is.Description), ImageURL: is.ImageURL, URL: is.URL,
		Email: is.Email, Archived: is.Archived,
	}
}

// Domain returns the domain form of r.
func (r *Issuer) Domain() *issuer.Issuer {
	return &issuer.Issuer{
		ID: r.ID, InstitutionID: r.InstitutionID, GroupID: r.GroupID, Name: r.Name.text(),
		Description: r.Description.text(), ImageURL: r.ImageURL, URL: r.URL, Email: r.Email,
		Archived: r.Archived, Version: r.Version, Created: r.Created, Updated: r.Updated,
	}
}

// Alignment is the stored form of issuer.Alignment.
type Alignment struct {
	TargetName        string `json:"targetName"`
	TargetURL         string `json:"targetUrl"`
	TargetDescription string `json:"targetDescription,omitempty"`
	TargetFramework   string `json:"targetFramework,omitempty"`
	TargetCode        string `json:"targetCode,omitempty"`
}

// BadgeClass is the stored form of issuer.BadgeClass. Field names follow
// Open Badges 3.0 and badged's extension context.
type BadgeClass struct {
	Meta
	InstitutionID               string      `json:"institution"`
	GroupID                     string      `json:"group"`
	IssuerID                    string      `json:"issuer"`
	Name                        Text        `json:"name"`
	Description                 Text        `json:"description"`
	ImageURL                    string      `json:"imageUrl,omitempty"`
	CriteriaURL                 string      `json:"criteriaUrl,omitempty"`
	CriteriaNarrative           Text        `json:"criteriaNarrativeText,omitzero"`
	LegacyCriteriaNarrative     string      `json:"criteriaNarrative,omitempty"` // format 1: in Language only
	Language                    string      `json:"inLanguage,omitempty"`
	LearningOutcome             Text        `json:"learningOutcomeText,omitzero"`
	LegacyLearningOutcome       string      `json:"learningOutcome,omitempty"` // format 1: in Language only
	ECTSCredits                 *float64    `json:"ectsCredits,omitempty"`
	StudyLoad                   *int        `json:"studyLoad,omitempty"`
	TimeInvestment              *int        `json:"timeInvestment,omitempty"`
	EQFLevel                    *int        `json:"eqfLevel,omitempty"`
	NLQFLevel                   string      `json:"nlqfLevel,omitempty"`
	EducationProgramIdentifier  string      `json:"educationProgramIdentifier,omitempty"`
	Alignments                  []Alignment `json:"alignment,omitempty"`
	AssessmentType              string      `json:"assessmentType,omitempty"`
	AssessmentSupervised        *bool       `json:"assessmentSupervised,omitempty"`
	AssessmentIdentityVerified  *bool       `json:"assessmentIdentityVerified,omitempty"`
	QualityAssuranceName        string      `json:"qualityAssuranceName,omitempty"`
	QualityAssuranceURL         string      `json:"qualityAssuranceUrl,omitempty"`
	QualityAssuranceDescription string      `json:"qualityAssuranceDescription,omitempty"`
	Stackable                   *bool       `json:"stackable,omitempty"`
	Participation               string      `json:"participation,omitempty"`
	GradeAchievedRequired       bool        `json:"gradeAchievedRequired,omitempty"`
	EvidenceRequired            bool        `json:"evidenceRequired,omitempty"`
	NarrativeRequired           bool        `json:"narrativeRequired,omitempty"`
	ExpiryDays                  int         `json:"expiryDays,omitempty"`
	Microcredential             bool        `json:"microcredential,omitempty"`
	Tags                        []string    `json:"tag,omitempty"`
	Prerequisites               []string    `json:"prerequisites,omitempty"`
	State                       string      `json:"state"`
}

// FromBadgeClass returns the stored form of bc.
func FromBadgeClass(bc *issuer.BadgeClass) *BadgeClass {
	r := &BadgeClass{
		Meta:          meta(bc.ID, bc.Version, bc.Created, bc.Updated),
		InstitutionID: bc.InstitutionID, GroupID: bc.GroupID, IssuerID: bc.IssuerID,
		Name: text(bc.Name), Description: text(bc.Description), ImageURL: bc.ImageURL,
		CriteriaURL: bc.Criteria.URL, CriteriaNarrative: text(bc.Criteria.Narrative), Language: bc.Language,
		LearningOutcome: text(bc.LearningOutcome), ECTSCredits: bc.ECTSCredits, StudyLoad: bc.StudyLoad,
		TimeInvestment: bc.TimeInvestment, EQFLevel: bc.EQFLevel, NLQFLevel: string(bc.NLQFLevel),
		EducationProgramIdentifier: bc.EducationProgramIdentifier,
		AssessmentType:             bc.AssessmentType, AssessmentSupervised: bc.AssessmentSupervised,
		AssessmentIdentityVerified:  bc.AssessmentIdentityVerified,
		QualityAssuranceName:        bc.QualityAssurance.Name,
		QualityAssuranceURL:         bc.QualityAssurance.URL,
		QualityAssuranceDescription: bc.QualityAssurance.Description,
		Stackable:                   bc.Stackable, Participation: bc.Participation,
		GradeAchievedRequired: bc.GradeAchievedRequired, EvidenceRequired: bc.EvidenceRequired,
		NarrativeRequired: bc.NarrativeRequired, ExpiryDays: bc.ExpiryDays, Microcredential: bc.Microcredential,
		Tags: append([]string(nil), bc.Tags...), Prerequisites: append([]string(nil), bc.Prerequisites...), State: string(bc.State),
	}
	for _, a := range bc.Alignments {
		r.Alignments = append(r.Alignments, Alignment(a))
	}
	return r
}

// Domain returns the domain form of r.
func (r *BadgeClass) Domain() *issuer.BadgeClass {
	bc := &issuer.BadgeClass{
		ID: r.ID, InstitutionID: r.InstitutionID, GroupID: r.GroupID, IssuerID: r.IssuerID,
		Name: r.Name.text(), Description: r.Description.text(), ImageURL: r.ImageURL,
		Criteria: issuer.Criteria{URL: r.CriteriaURL, Narrative: r.CriteriaNarrative.orLegacy(r.LegacyCriteriaNarrative, r.Language)},
		Language: r.Language, LearningOutcome: r.LearningOutcome.orLegacy(r.LegacyLearningOutcome, r.Language), ECTSCredits: r.ECTSCredits, StudyLoad: r.StudyLoad,
		TimeInvestment: r.TimeInvestment, EQFLevel: r.EQFLevel, NLQFLevel: issuer.NLQF(r.NLQFLevel),
		EducationProgramIdentifier: r.EducationProgramIdentifier,
		AssessmentType:             r.AssessmentType, AssessmentSupervised: r.AssessmentSupervised,
		AssessmentIdentityVerified: r.AssessmentIdentityVerified,
		QualityAssurance: issuer.QualityAssurance{
			Name: r.QualityAssuranceName, URL: r.QualityAssuranceURL, Description: r.QualityAssuranceDescription,
		},
		Stackable: r.Stackable, Participation: r.Participation, GradeAchievedRequired: r.GradeAchievedRequired,
		EvidenceRequired: r.EvidenceRequired, NarrativeRequired: r.NarrativeRequired, ExpiryDays: r.ExpiryDays,
		Microcredential: r.Microcredential, Tags: r.Tags, Prerequisites: r.Prerequisites, State: issuer.State(r.State),
		Version: r.Version, Created: r.Created, Updated: r.Updated,
	}
	for _, a := range r.Alignments {
		bc.Alignments = append(bc.Alignments, issuer.Alignment(a))
	}
	return bc
}

// Membership is the stored form of issuer.Membership.
type Membership struct {
	Meta
	InstitutionID string `json:"institution"`
	Role          string `json:"role"`
	NodeID        string `json:"node"`
	UserID        string `json:"user,omitempty"`
	Email         string `json:"email,omitempty"`
	InvitedBy     string `json:"invitedBy,omitempty"`
}

// FromMembership returns the stored form of m.
func FromMembership(m *issuer.Membership) *Membership {
	return &Membership{
		Meta: meta(m.ID, m.Version, m.Created, m.Updated), InstitutionID: m.InstitutionID, Role: string(m.Role),
		NodeID: m.NodeID, UserID: m.UserID, Email: m.Email, InvitedBy: m.InvitedBy,
	}
}

// Domain returns the domain form of r.
func (r *Membership) Domain() *issuer.Membership {
	return &issuer.Membership{
		ID: r.ID, InstitutionID: r.InstitutionID, Role: issuer.Role(r.Role), NodeID: r.NodeID, UserID: r.UserID,
		Email: r.Email, InvitedBy: r.InvitedBy, Version: r.Version, Created: r.Created, Updated: r.Updated,
	}
}

// Decode reads a stored record into r, refusing formats it does not know.
func Decode(data []byte, r any) error { return DecodeFormat(data, Format, r) }

// DecodeFormat reads a stored record into r when its format number is
// format: the one decoder of stored records, for those of this package and
// an adapter's own, which number their formats apart.
func DecodeFormat(data []byte, format int, r any) error {
	if got, err := formatOf(data); err != nil {
		return fmt.Errorf("decode record: %v", err)
	} else if got != format {
		return fmt.Errorf("decode record: unknown format %d", got)
	}
	if err := json.Unmarshal(data, r); err != nil {
		return fmt.Errorf("decode record: %v", err)
	}
	return nil
}

// formatOf returns the format number of a stored record: the value of
// its top-level "format" member (0 when it has none), read without
// decoding the rest when, as records are written, it comes first.
func formatOf(data []byte) (int, error) {
	n, err := intMember(data, "format")
	if err != nil {
		return 0, fmt.Errorf("format: %v", err)
	}
	return int(n), nil
}

// VersionOf returns the version of a stored record (its top-level
// "version" member, 0 when it has none), read without decoding what
// comes after it.
func VersionOf(data []byte) (int64, error) {
	n, err := intMember(data, "version")
	if err != nil {
		return 0, fmt.Errorf("decode record version: %v", err)
	}
	return n, nil
}

// intMember returns the integer value of the top-level member name of
// the JSON object data (0 when it has none), reading no further.
func intMember(data []byte, name string) (int64, error) {
	d := jsontext.NewDecoder(bytes.NewReader(data))
	if tok, err := d.ReadToken(); err != nil {
		return 0, err
	} else if tok.Kind() != '{' {
		return 0, fmt.Errorf("a record is a JSON object, not %s", tok.Kind())
	}
	for d.PeekKind() != '}' {
		key, err := d.ReadToken()
		if err != nil {
			return 0, err
		}
		if key.String() != name {
			if err := d.SkipValue(); err != nil {
				return 0, err
			}
			continue
		}
		v, err := d.ReadToken()
		if err != nil {
			return 0, err
		}
		if v.Kind() != '0' {
			return 0, fmt.Errorf("%s is not a number", name)
		}
		return strconv.ParseInt(v.String(), 10, 64)
	}
	return 0, nil
}

// Header returns the fields every record has.
func (m *Meta) Header() *Meta { return m }
