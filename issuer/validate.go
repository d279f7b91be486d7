package issuer

import (
	"math"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/badged/badged"
)

// Limits on field lengths, in characters.
const (
	maxName        = 255
	maxDescription = 10000
	maxShort       = 255
	maxTags        = 20
	maxTag         = 64
	maxECTS        = 999
	maxHours       = 100000
	maxExpiryDays  = 36500
)

var (
	brinRE      = regexp.MustCompile(`^[0-9A-Z]{4}$`)
	countryRE   = regexp.MustCompile(`^[A-Z]{2}$`)
	schacRE     = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$`)
	programmeRE = regexp.MustCompile(`^[0-9]{5}$`)
	languageRE  = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
)

// problems collects validation failures: what is wrong with each field.
type problems []badged.FieldError

func (p *problems) add(field, msg string) {
	*p = append(*p, badged.FieldError{Field: field, Message: msg})
}

// err returns an Invalid *badged.Error listing every problem, or nil.
func (p problems) err(what string) error {
	if len(p) == 0 {
		return nil
	}
	return badged.InvalidFields(what, p...)
}

func (p *problems) text(field string, t Text, required bool, max int) {
	if required && t.IsZero() {
		p.add(field, "required in Dutch or English")
	}
	p.length(field+".nl", t.NL, max)
	p.length(field+".en", t.EN, max)
}

// terms checks an institution's terms: the text, when set, needs a
// version, and a version needs a text.
func (p *problems) terms(t Terms) {
	p.text("terms.text", t.Text, false, maxDescription)
	p.length("terms.version", t.Version, maxShort)
	switch {
	case !t.Text.IsZero() && t.Version == "":
		p.add("terms.version", "required with the terms' text, such as 2026-1")
	case t.Text.IsZero() && t.Version != "":
		p.add("terms.text", "required in Dutch or English with a terms version")
	}
}

func (p *problems) length(field, s string, max int) {
	if !utf8.ValidString(s) {
		p.add(field, "not valid UTF-8")
	} else if n := utf8.RuneCountInString(s); n > max {
		p.add(field, "longer than the limit of "+strconv.Itoa(max)+" characters")
	}
}

// url checks an optional absolute http(s) URL.
func (p *problems) url(field, s string) {
	if s == "" {
		return
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		p.add(field, "must be an absolute http or https URL")
		return
	}
	p.length(field, s, 2048)
}

func (p *problems) email(field, s string) {
	if s == "" {
		return
	}
	if _, err := normalEmail(s); err != nil {
		p.add(field, "not a valid email address")
	}
}

// normalEmail returns the lower-cased bare address, or an Invalid error.
func normalEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || len(s) > 254 {
		return "", badged.Errorf(badged.Invalid, "%q is not a valid email address", s)
	}
	return s, nil
}

func validateInstitution(in *Institution) error {
	var p problems
	p.text("name", in.Name, true, maxName)
	p.text("description", in.Description, false, maxDescription)
	p.url("imageUrl", in.ImageURL)
	if !schacRE.MatchString(in.SCHACHome) || len(in.SCHACHome) > maxShort {
		p.add("schacHome", "required: a lower-case domain name such as university-example.org")
	}
	if in.BRIN != "" && !brinRE.MatchString(in.BRIN) {
		p.add("brin", "must be four capitals or digits, such as 21PB")
	}
	switch in.Type {
	case MBO, HBO, WO:
	default:
		p.add("type", "must be MBO, HBO or WO")
	}
	if !countryRE.MatchString(in.Country) {
		p.add("country", "required: an ISO 3166 two-letter code such as NL")
	}
	p.url("gradingTableUrl", in.GradingTableURL)
	if in.DefaultLanguage != LangNL && in.DefaultLanguage != LangEN {
		p.add("defaultLanguage", "must be nl or en")
	}
	p.terms(in.Terms)
	return p.err("institution")
}

func validateGroup(g *Group) error {
	var p problems
	p.text("name", g.Name, true, maxName)
	p.text("description", g.Description, false, maxDescription)
	p.url("imageUrl", g.ImageURL)
	return p.err("issuer group")
}

func validateIssuer(is *Issuer) error {
	var p problems
	p.text("name", is.Name, true, maxName)
	p.text("description", is.Description, false, maxDescription)
	p.url("imageUrl", is.ImageURL)
	p.url("url", is.URL)
	p.email("email", is.Email)
	return p.err("issuer")
}

// validateBadgeClass checks the form of every field that is set. A draft
// may be incomplete; see validatePublishable.
func validateBadgeClass(bc *BadgeClass) error {
	var p problems
	checkBadgeClass(&p, bc)
	return p.err("badge class")
}

func checkBadgeClass(p *problems, bc *BadgeClass) {
	p.text("name", bc.Name, true, maxName)
	p.text("description", bc.Description, false, maxDescription)
	p.url("imageUrl", bc.ImageURL)
	p.url("criteria.url", bc.Criteria.URL)
	p.text("criteria.narrative", bc.Criteria.Narrative, false, maxDescription)
	if bc.Language != "" && !languageRE.MatchString(bc.Language) {
		p.add("language", "must be a language tag such as nl or en")
	}
	p.text("learningOutcome", bc.LearningOutcome, false, maxDescription)
	if e := bc.ECTSCredits; e != nil {
		if math.IsNaN(*e) || *e < 0 || *e > maxECTS {
			p.add("ectsCredits", "must be between 0 and "+strconv.Itoa(maxECTS))
		} else if tenths := *e * 10; math.Abs(tenths-math.Round(tenths)) > 1e-9 {
			p.add("ectsCredits", "may have at most one decimal, such as 2.5")
		}
	}
	if bc.ECTSCredits != nil && bc.StudyLoad != nil {
		p.add("studyLoad", "give either ECTS credits or study load in hours, not both")
	}
	hours(p, "studyLoad", bc.StudyLoad)
	hours(p, "timeInvestment", bc.TimeInvestment)
	if l := bc.EQFLevel; l != nil && (*l < 1 || *l > 8) {
		p.add("eqfLevel", "must be 1 to 8")
	}
	if bc.NLQFLevel != "" && !bc.NLQFLevel.Valid() {
		p.add("nlqfLevel", "must be 1 to 8 or entry-1 to entry-3")
	}
	if bc.EducationProgramIdentifier != "" && !programmeRE.MatchString(bc.EducationProgramIdentifier) {
		p.add("educationProgramIdentifier", "must be a five-digit CROHO or CREBO code")
	}
	if len(bc.Alignments) > MaxAlignments {
		p.add("alignments", "at most "+strconv.Itoa(MaxAlignments)+" are allowed")
	}
	for i, a := range bc.Alignments {
		f := "alignments[" + strconv.Itoa(i) + "]"
		if strings.TrimSpace(a.TargetName) == "" {
			p.add(f+".targetName", "required")
		}
		if a.TargetURL == "" {
			p.add(f+".targetUrl", "required")
		}
		p.length(f+".targetName", a.TargetName, maxShort)
		p.url(f+".targetUrl", a.TargetURL)
		p.length(f+".targetDescription", a.TargetDescription, maxDescription)
		p.length(f+".targetFramework", a.TargetFramework, maxShort)
		p.length(f+".targetCode", a.TargetCode, maxShort)
	}
	p.length("assessmentType", bc.AssessmentType, maxShort)
	p.length("qualityAssurance.name", bc.QualityAssurance.Name, maxShort)
	p.url("qualityAssurance.url", bc.QualityAssurance.URL)
	p.length("qualityAssurance.description", bc.QualityAssurance.Description, maxDescription)
	switch bc.Participation {
	case "", ParticipationOnline, ParticipationOnsite, ParticipationBlended:
	default:
		p.add("participation", "must be online, onsite or blended")
	}
	if bc.ExpiryDays < 0 || bc.ExpiryDays > maxExpiryDays {
		p.add("expiryDays", "must be between 0 (never) and "+strconv.Itoa(maxExpiryDays))
	}
	if len(bc.Tags) > maxTags {
		p.add("tags", "at most "+strconv.Itoa(maxTags)+" are allowed")
	}
	seen := map[string]bool{}
	for i, t := range bc.Tags {
		f := "tags[" + strconv.Itoa(i) + "]"
		if strings.TrimSpace(t) == "" {
			p.add(f, "must not be empty")
		}
		p.length(f, t, maxTag)
		if seen[t] {
			p.add(f, "duplicate tag "+t)
		}
		seen[t] = true
	}
}

func hours(p *problems, field string, h *int) {
	if h != nil && (*h < 0 || *h > maxHours) {
		p.add(field, "must be between 0 and "+strconv.Itoa(maxHours)+" hours")
	}
}

// Problems lists what is wrong with bc's fields, as saving it would
// refuse them (for a form that found other problems first and shows all).
func (bc *BadgeClass) Problems() []badged.FieldError {
	c := *bc
	normalBadgeClass(&c)
	return badged.FieldsOf(validateBadgeClass(&c))
}

// PublishProblems lists what keeps bc from being published, field by
// field (none when it can be), for a page to explain before publishing.
func (bc *BadgeClass) PublishProblems() []badged.FieldError {
	return badged.FieldsOf(validatePublishable(bc))
}

// validatePublishable checks what a badge class needs before it can be
// awarded, as edubadges requires it: a language and criteria always, a
// learning outcome and an EQF or NLQF level for microcredentials, with a
// study load (ECTS or hours), an assessment type and a quality assurance
// framework.
func validatePublishable(bc *BadgeClass) error {
	var p problems
	checkBadgeClass(&p, bc)
	if bc.Language == "" {
		p.add("language", "required to publish")
	}
	if bc.Description.IsZero() {
		p.add("description", "required to publish")
	}
	if bc.Criteria.URL == "" && bc.Criteria.Narrative.IsZero() {
		p.add("criteria", "required to publish: a URL or a narrative")
	}
	if bc.Microcredential {
		if bc.LearningOutcome.IsZero() {
			p.add("learningOutcome", "required for a microcredential")
		}
		if bc.EQFLevel == nil && bc.NLQFLevel == "" {
			p.add("eqfLevel", "an EQF or NLQF level is required for a microcredential")
		}
		if bc.ECTSCredits == nil && bc.StudyLoad == nil {
			p.add("ectsCredits", "ECTS credits or a study load is required for a microcredential")
		}
		if strings.TrimSpace(bc.AssessmentType) == "" {
			p.add("assessmentType", "required for a microcredential")
		}
		if strings.TrimSpace(bc.QualityAssurance.Name) == "" {
			p.add("qualityAssurance.name", "required for a microcredential")
		}
	}
	return p.err("badge class")
}
