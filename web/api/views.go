package api

import (
	"encoding/json"
	"time"

	"github.com/badged/badged/auth"
	"github.com/badged/badged/issuer"
)

// The JSON forms of the records. Reads send every field; writes take the
// same shape, ignoring id, the parent IDs, state and timestamps, which
// the URL and the service decide.

// Text is a text in Dutch and English: {"nl": "...", "en": "..."}. A
// plain JSON string is read too, as the text in one language: a badge
// class's own language, English elsewhere (a badge class's criteria
// narrative and learning outcome were plain strings before they had two
// languages, and clients may still send them so).
type Text struct {
	NL    string `json:"nl,omitempty"`
	EN    string `json:"en,omitempty"`
	plain string
}

// UnmarshalJSON reads an object of languages, or a plain string.
func (t *Text) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		*t = Text{}
		return json.Unmarshal(b, &t.plain)
	}
	type text Text
	return json.Unmarshal(b, (*text)(t))
}

func textView(t issuer.Text) Text  { return Text{NL: t.NL, EN: t.EN} }
func (t Text) domain() issuer.Text { return t.in(issuer.LangEN) }

// in is the text, a plain string read as the text in lang.
func (t Text) in(lang string) issuer.Text {
	switch {
	case t.plain == "":
		return issuer.Text{NL: t.NL, EN: t.EN}
	case lang == issuer.LangNL:
		return issuer.Text{NL: t.plain}
	}
	return issuer.Text{EN: t.plain}
}

func ts(t time.Time) time.Time { return t.UTC() }

// Institution is the JSON form of an institution.
type Institution struct {
	ID              string    `json:"id,omitempty"`
	Name            Text      `json:"name"`
	Description     Text      `json:"description"`
	ImageURL        string    `json:"imageUrl,omitempty"`
	SCHACHome       string    `json:"schacHome"`
	BRIN            string    `json:"brin,omitempty"`
	Type            string    `json:"institutionType"`
	Country         string    `json:"country"`
	GradingTableURL string    `json:"gradingTableUrl,omitempty"`
	DefaultLanguage string    `json:"defaultLanguage"`
	Terms           Terms     `json:"terms"`
	Version         int64     `json:"version"`
	Created         time.Time `json:"created,omitzero"`
	Updated         time.Time `json:"updated,omitzero"`
}

// Terms is an institution's terms, which learners accept to claim a
// direct award: plain text, and the version the claim posts. Both empty
// mean the institution has none.
type Terms struct {
	Version string `json:"version"`
	Text    Text   `json:"text"`
}

// InstitutionOf is the JSON form of in.
func InstitutionOf(in *issuer.Institution) Institution {
	return Institution{ID: in.ID, Name: textView(in.Name), Description: textView(in.Description), ImageURL: in.ImageURL,
		SCHACHome: in.SCHACHome, BRIN: in.BRIN, Type: string(in.Type), Country: in.Country, GradingTableURL: in.GradingTableURL,
		DefaultLanguage: in.DefaultLanguage, Terms: Terms{Version: in.Terms.Version, Text: textView(in.Terms.Text)},
		Version: in.Version, Created: ts(in.Created), Updated: ts(in.Updated)}
}

func (j *Institution) domain() issuer.Institution {
	return issuer.Institution{Name: j.Name.domain(), Description: j.Description.domain(), ImageURL: j.ImageURL,
		SCHACHome: j.SCHACHome, BRIN: j.BRIN, Type: issuer.InstitutionType(j.Type), Country: j.Country,
		GradingTableURL: j.GradingTableURL, DefaultLanguage: j.DefaultLanguage, Version: j.Version,
		Terms: issuer.Terms{Version: j.Terms.Version, Text: j.Terms.Text.domain()}}
}

// Group is the JSON form of an issuer group.
type Group struct {
	ID            string    `json:"id,omitempty"`
	InstitutionID string    `json:"institutionId,omitempty"`
	Name          Text      `json:"name"`
	Description   Text      `json:"description"`
	ImageURL      string    `json:"imageUrl,omitempty"`
	Archived      bool      `json:"archived"`
	Version       int64     `json:"version"`
	Created       time.Time `json:"created,omitzero"`
	Updated       time.Time `json:"updated,omitzero"`
}

// GroupOf is the JSON form of g.
func GroupOf(g *issuer.Group) Group {
	return Group{ID: g.ID, InstitutionID: g.InstitutionID, Name: textView(g.Name), Description: textView(g.Description),
		ImageURL: g.ImageURL, Archived: g.Archived, Version: g.Version, Created: ts(g.Created), Updated: ts(g.Updated)}
}

func (j *Group) domain() issuer.Group {
	return issuer.Group{Name: j.Name.domain(), Description: j.Description.domain(), ImageURL: j.ImageURL, Version: j.Version}
}

// Issuer is the JSON form of an issuer.
type Issuer struct {
	ID            string    `json:"id,omitempty"`
	InstitutionID string    `json:"institutionId,omitempty"`
	GroupID       string    `json:"groupId,omitempty"`
	Name          Text      `json:"name"`
	Description   Text      `json:"description"`
	ImageURL      string    `json:"imageUrl,omitempty"`
	URL           string    `json:"url,omitempty"`
	Email         string    `json:"email,omitempty"`
	Archived      bool      `json:"archived"`
	Version       int64     `json:"version"`
	Created       time.Time `json:"created,omitzero"`
	Updated       time.Time `json:"updated,omitzero"`
}

// IssuerOf is the JSON form of is.
func IssuerOf(is *issuer.Issuer) Issuer {
	return Issuer{ID: is.ID, InstitutionID: is.InstitutionID, GroupID: is.GroupID, Name: textView(is.Name),
		Description: textView(is.Description), ImageURL: is.ImageURL, URL: is.URL, Email: is.Email, Archived: is.Archived,
		Version: is.Version, Created: ts(is.Created), Updated: ts(is.Updated)}
}

func (j *Issuer) domain() issuer.Issuer {
	return issuer.Issuer{Name: j.Name.domain(), Description: j.Description.domain(), ImageURL: j.ImageURL, URL: j.URL,
		Email: j.Email, Version: j.Version}
}

// Criteria are how a badge class is earned.
type Criteria struct {
	URL       string `json:"url,omitempty"`
	Narrative Text   `json:"narrative,omitzero"`
}

// Alignment is a framework a badge class aligns to (ESCO, say).
type Alignment struct {
	TargetName        string `json:"targetName"`
	TargetURL         string `json:"targetUrl"`
	TargetDescription string `json:"targetDescription,omitempty"`
	TargetFramework   string `json:"targetFramework,omitempty"`
	TargetCode        string `json:"targetCode,omitempty"`
}

// QualityAssurance is a microcredential's quality assurance.
type QualityAssurance struct {
	Name        string `json:"name,omitempty"`
	URL         string `json:"url,omitempty"`
	Description string `json:"description,omitempty"`
}

// BadgeClass is the JSON form of a badge class.
type BadgeClass struct {
	ID                         string           `json:"id,omitempty"`
	InstitutionID              string           `json:"institutionId,omitempty"`
	GroupID                    string           `json:"groupId,omitempty"`
	IssuerID                   string           `json:"issuerId,omitempty"`
	Name                       Text             `json:"name"`
	Description                Text             `json:"description"`
	ImageURL                   string           `json:"imageUrl,omitempty"`
	Criteria                   Criteria         `json:"criteria"`
	Language                   string           `json:"language,omitempty"`
	LearningOutcome            Text             `json:"learningOutcome,omitzero"`
	ECTSCredits                *float64         `json:"ectsCredits,omitempty"`
	StudyLoad                  *int             `json:"studyLoad,omitempty"`
	TimeInvestment             *int             `json:"timeInvestment,omitempty"`
	EQFLevel                   *int             `json:"eqfLevel,omitempty"`
	NLQFLevel                  string           `json:"nlqfLevel,omitempty"`
	EducationProgramIdentifier string           `json:"educationProgramIdentifier,omitempty"`
	Alignments                 []Alignment      `json:"alignments,omitempty"`
	AssessmentType             string           `json:"assessmentType,omitempty"`
	AssessmentSupervised       *bool            `json:"assessmentSupervised,omitempty"`
	AssessmentIdentityVerified *bool            `json:"assessmentIdentityVerified,omitempty"`
	QualityAssurance           QualityAssurance `json:"qualityAssurance,omitzero"`
	Stackable                  *bool            `json:"stackable,omitempty"`
	Participation              string           `json:"participation,omitempty"`
	GradeAchievedRequired      bool             `json:"gradeAchievedRequired"`
	EvidenceRequired           bool             `json:"evidenceRequired"`
	NarrativeRequired          bool             `json:"narrativeRequired"`
	ExpiryDays                 int              `json:"expiryDays,omitempty"`
	Microcredential            bool             `json:"microcredential"`
	Tags                       []string         `json:"tags,omitempty"`
	Prerequisites              []string         `json:"prerequisites,omitempty"`
	State                      string           `json:"state,omitempty"`
	Version                    int64            `json:"version"`
	Created                    time.Time        `json:"created,omitzero"`
	Updated                    time.Time        `json:"updated,omitzero"`
}

// BadgeClassOf is the JSON form of bc.
func BadgeClassOf(bc *issuer.BadgeClass) BadgeClass {
	j := BadgeClass{ID: bc.ID, InstitutionID: bc.InstitutionID, GroupID: bc.GroupID, IssuerID: bc.IssuerID,
		Name: textView(bc.Name), Description: textView(bc.Description), ImageURL: bc.ImageURL,
		Criteria: Criteria{bc.Criteria.URL, textView(bc.Criteria.Narrative)}, Language: bc.Language,
		LearningOutcome: textView(bc.LearningOutcome), ECTSCredits: bc.ECTSCredits, StudyLoad: bc.StudyLoad,
		TimeInvestment: bc.TimeInvestment, EQFLevel: bc.EQFLevel, NLQFLevel: string(bc.NLQFLevel),
		EducationProgramIdentifier: bc.EducationProgramIdentifier, AssessmentType: bc.AssessmentType,
		AssessmentSupervised: bc.AssessmentSupervised, AssessmentIdentityVerified: bc.AssessmentIdentityVerified,
		QualityAssurance: QualityAssurance{bc.QualityAssurance.Name, bc.QualityAssurance.URL, bc.QualityAssurance.Description},
		Stackable:        bc.Stackable, Participation: bc.Participation, GradeAchievedRequired: bc.GradeAchievedRequired,
		EvidenceRequired: bc.EvidenceRequired, NarrativeRequired: bc.NarrativeRequired, ExpiryDays: bc.ExpiryDays,
		Microcredential: bc.Microcredential, Tags: bc.Tags, Prerequisites: bc.Prerequisites, State: string(bc.State), Version: bc.Version,
		Created: ts(bc.Created), Updated: ts(bc.Updated)}
	for _, a := range bc.Alignments {
		j.Alignments = append(j.Alignments, Alignment(a))
	}
	return j
}

func (j *BadgeClass) domain() issuer.BadgeClass {
	bc := issuer.BadgeClass{Name: j.Name.in(j.Language), Description: j.Description.in(j.Language), ImageURL: j.ImageURL,
		Criteria: issuer.Criteria{URL: j.Criteria.URL, Narrative: j.Criteria.Narrative.in(j.Language)}, Language: j.Language,
		LearningOutcome: j.LearningOutcome.in(j.Language), ECTSCredits: j.ECTSCredits, StudyLoad: j.StudyLoad,
		TimeInvestment: j.TimeInvestment, EQFLevel: j.EQFLevel, NLQFLevel: issuer.NLQF(j.NLQFLevel),
		EducationProgramIdentifier: j.EducationProgramIdentifier, AssessmentType: j.AssessmentType,
		AssessmentSupervised: j.AssessmentSupervised, AssessmentIdentityVerified: j.AssessmentIdentityVerified,
		QualityAssurance: issuer.QualityAssurance{Name: j.QualityAssurance.Name, URL: j.QualityAssurance.URL,
			Description: j.QualityAssurance.Description},
		Stackable: j.Stackable, Participation: j.Participation, GradeAchievedRequired: j.GradeAchievedRequired,
		EvidenceRequired: j.EvidenceRequired, NarrativeRequired: j.NarrativeRequired, ExpiryDays: j.ExpiryDays,
		Microcredential: j.Microcredential, Tags: j.Tags, Prerequisites: j.Prerequisites, Version: j.Version}
	for _, a := range j.Alignments {
		bc.Alignments = append(bc.Alignments, issuer.Alignment(a))
	}
	return bc
}

// Membership is the JSON form of a role someone holds at a node.
type Membership struct {
	ID            string    `json:"id"`
	InstitutionID string    `json:"institutionId"`
	Role          string    `json:"role"`
	Level         string    `json:"level"`
	NodeID        string    `json:"nodeId"`
	UserID        string    `json:"userId,omitempty"`
	Email         string    `json:"email,omitempty"`
	Pending       bool      `json:"pending"`
	InvitedBy     string    `json:"invitedBy,omitempty"`
	Version       int64     `json:"version"`
	Created       time.Time `json:"created,omitzero"`
	Updated       time.Time `json:"updated,omitzero"`
}

func membershipView(m *issuer.Membership) Membership {
	return Membership{ID: m.ID, InstitutionID: m.InstitutionID, Role: string(m.Role), Level: m.Role.Level().String(),
		NodeID: m.NodeID, UserID: m.UserID, Email: m.Email, Pending: m.Pending(), InvitedBy: m.InvitedBy,
		Version: m.Version, Created: ts(m.Created), Updated: ts(m.Updated)}
}

// Client is an API client; never its secret or the secret's hash.
type Client struct {
	ID            string    `json:"clientId"`
	InstitutionID string    `json:"institutionId"`
	Name          string    `json:"name"`
	CreatedBy     string    `json:"createdBy,omitempty"`
	Created       time.Time `json:"created"`
	LastUsed      time.Time `json:"lastUsed,omitzero"`
	Revoked       time.Time `json:"revoked,omitzero"`
	Issuers       []string  `json:"issuers,omitempty"`
	BadgeClasses  []string  `json:"badgeClasses,omitempty"`
	FreeForm      bool      `json:"freeForm"`
}

func clientView(c *auth.Client) *Client {
	return &Client{ID: c.ID, InstitutionID: c.InstitutionID, Name: c.Name, CreatedBy: c.CreatedBy,
		Created: ts(c.Created), LastUsed: ts(c.LastUsed), Revoked: ts(c.Revoked),
		Issuers: c.Scope.Issuers, BadgeClasses: c.Scope.BadgeClasses, FreeForm: c.Scope.FreeForm}
}
