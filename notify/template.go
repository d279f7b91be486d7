package notify

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"reflect"
	"strings"
	texttemplate "text/template"
	"time"
)

// Template names an email. Each has a data type, documented on the
// constant, that [Message.Data] must hold (as a value or a pointer).
type Template string

// Templates.
const (
	TemplateBadgeReceived   Template = "badge_received"   // [BadgeReceived]
	TemplateAwardWaiting    Template = "award_waiting"    // [AwardWaiting]
	TemplateAwardReminder   Template = "award_reminder"   // [AwardReminder]
	TemplateAwardExpired    Template = "award_expired"    // [AwardExpired]
	TemplateRequestDenied   Template = "request_denied"   // [RequestDenied]
	TemplateRevoked         Template = "revoked"          // [Revoked]
	TemplateStaffInvitation Template = "staff_invitation" // [StaffInvitation]
)

// dataTypes maps each template to its data type.
var dataTypes = map[Template]reflect.Type{
	TemplateBadgeReceived:   reflect.TypeFor[BadgeReceived](),
	TemplateAwardWaiting:    reflect.TypeFor[AwardWaiting](),
	TemplateAwardReminder:   reflect.TypeFor[AwardReminder](),
	TemplateAwardExpired:    reflect.TypeFor[AwardExpired](),
	TemplateRequestDenied:   reflect.TypeFor[RequestDenied](),
	TemplateRevoked:         reflect.TypeFor[Revoked](),
	TemplateStaffInvitation: reflect.TypeFor[StaffInvitation](),
}

// AllTemplates returns every template, in a fixed order.
func AllTemplates() []Template {
	return []Template{TemplateBadgeReceived, TemplateAwardWaiting, TemplateAwardReminder, TemplateAwardExpired,
		TemplateRequestDenied, TemplateRevoked, TemplateStaffInvitation}
}

// Languages of the templates.
const (
	LangNL = "nl"
	LangEN = "en"
)

// Lang returns the template language for a language tag: "nl" for Dutch
// ("nl", "nl-BE", …), "en" for anything else.
func Lang(tag string) string {
	primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
	if primary == LangNL {
		return LangNL
	}
	return LangEN
}

// Badge is what the badge emails say about a badge class and its issuer,
// in the recipient's language.
type Badge struct {
	Name            string
	IssuerName      string
	InstitutionName string
}

// BadgeReceived is the data of [TemplateBadgeReceived]: a credential was
// issued to the learner.
type BadgeReceived struct {
	RecipientName string
	Badge         Badge
	URL           string // the badge in the learner's backpack
}

// AwardWaiting is the data of [TemplateAwardWaiting]: a direct award waits
// to be claimed.
type AwardWaiting struct {
	RecipientName string
	Badge         Badge
	ClaimURL      string
	Expires       time.Time // zero: no deadline
}

// AwardReminder is the data of [TemplateAwardReminder]: a direct award is
// still unclaimed and expires in DaysLeft days.
type AwardReminder struct {
	RecipientName string
	Badge         Badge
	ClaimURL      string
	DaysLeft      int
	Expires       time.Time
}

// AwardExpired is the data of [TemplateAwardExpired]: a direct award was
// not claimed in time.
type AwardExpired struct {
	RecipientName string
	Badge         Badge
}

// RequestDenied is the data of [TemplateRequestDenied]: an awarder denied
// the learner's request for a badge.
type RequestDenied struct {
	RecipientName string
	Badge         Badge
	Reason        string
	URL           string // where the learner can see the request
}

// Revoked is the data of [TemplateRevoked]: an issued badge was revoked.
type Revoked struct {
	RecipientName string
	Badge         Badge
	Reason        string
}

// StaffInvitation is the data of [TemplateStaffInvitation]: someone was
// given a role and must sign in to take it up.
type StaffInvitation struct {
	InviterName     string
	InstitutionName string
	Role            string // as shown to people, in the recipient's language
	Entity          string // the institution, group, issuer or badge class the role is on
	AcceptURL       string
}

//go:embed templates/*
var templateFS embed.FS

// rendered is one rendered email.
type rendered struct {
	Subject, Text, HTML string
}

type langTemplates struct {
	text *texttemplate.Template // defines "subject" and "text"
	html *htmltemplate.Template // the layout, executing "body"
}

// Templates renders the embedded templates, parsed once by
// [ParseTemplates].
type Templates struct {
	sets map[Template]map[string]langTemplates
}

// ParseTemplates parses every embedded template. It fails only when a
// template is broken or missing, which the package's tests rule out.
func ParseTemplates() (*Templates, error) {
	t := &Templates{sets: map[Template]map[string]langTemplates{}}
	for _, name := range AllTemplates() {
		t.sets[name] = map[string]langTemplates{}
		for _, lang := range []string{LangNL, LangEN} {
			funcs := map[string]any{"date": func(d time.Time) string { return formatDate(lang, d) }, "lang": func() string { return lang }}
			base := fmt.Sprintf("templates/%s.%s", name, lang)
			txt, err := texttemplate.New("").Funcs(funcs).ParseFS(templateFS, base+".txt")
			if err != nil {
				return nil, fmt.Errorf("notify: parse %s.txt: %v", base, err)
			}
			html, err := htmltemplate.New("").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", base+".html")
			if err != nil {
				return nil, fmt.Errorf("notify: parse %s.html: %v", base, err)
			}
			for _, def := range []string{"subject", "text"} {
				if txt.Lookup(def) == nil {
					return nil, fmt.Errorf("notify: %s.txt does not define %q", base, def)
				}
			}
			if html.Lookup("body") == nil || html.Lookup("layout") == nil {
				return nil, fmt.Errorf("notify: %s.html does not define \"body\"", base)
			}
			t.sets[name][lang] = langTemplates{text: txt, html: html}
		}
	}
	return t, nil
}

// render renders template name in lang (see [Lang]) with data, which must
// be the template's data type or a pointer to it.
func (t *Templates) render(name Template, lang string, data any) (*rendered, error) {
	want, ok := dataTypes[name]
	if !ok {
		return nil, fmt.Errorf("unknown template %q", name)
	}
	v := reflect.ValueOf(data)
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	if !v.IsValid() || v.Type() != want {
		return nil, fmt.Errorf("template %s takes notify.%s, not %T", name, want.Name(), data)
	}
	set := t.sets[name][Lang(lang)]
	var subject, text, html bytes.Buffer
	if err := set.text.ExecuteTemplate(&subject, "subject", v.Interface()); err != nil {
		return nil, fmt.Errorf("render %s subject: %w", name, err)
	}
	if err := set.text.ExecuteTemplate(&text, "text", v.Interface()); err != nil {
		return nil, fmt.Errorf("render %s text: %w", name, err)
	}
	if err := set.html.ExecuteTemplate(&html, "layout", v.Interface()); err != nil {
		return nil, fmt.Errorf("render %s html: %w", name, err)
	}
	return &rendered{
		// One line, whatever the data holds: a subject is a header.
		Subject: strings.Join(strings.Fields(subject.String()), " "),
		Text:    strings.TrimSpace(text.String()) + "\n",
		HTML:    html.String(),
	}, nil
}

var monthsNL = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
	"september", "oktober", "november", "december"}

func formatDate(lang string, d time.Time) string {
	if lang == LangNL {
		return fmt.Sprintf("%d %s %d", d.Day(), monthsNL[d.Month()-1], d.Year())
	}
	return d.Format("2 January 2006")
}
