package portal

import (
	"cmp"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/wallet"
	"github.com/badged/badged/web/page"
	"github.com/badged/badged/web/request"
)

// The badge class's page and its editor: every field of issuer.BadgeClass,
// the bilingual ones with Dutch and English side by side, refusals beside
// their fields with the input kept, and what a microcredential still needs
// before it can be published.

var badgeClassPages = page.Templates(templates, "badgeclass_page", "node_edit")

func (h *Handler) badgeClassRoutes(r chi.Router) {
	r.Get("/issuers/{issuerID}/badgeclasses/new", h.Handle(h.handleNewBadgeClass))
	r.Post("/issuers/{issuerID}/badgeclasses/preview", h.Handle(h.handlePreview))
	r.Post("/badgeclasses/{badgeClassID}/preview", h.Handle(h.handlePreview))
	r.Post("/issuers/{issuerID}/badgeclasses", h.Handle(h.handleCreateBadgeClass))
	r.Get("/badgeclasses/{badgeClassID}", h.Handle(h.handleBadgeClass))
	r.Get("/badgeclasses/{badgeClassID}/edit", h.Handle(h.handleEditBadgeClass))
	r.Post("/badgeclasses/{badgeClassID}/edit", h.Handle(h.handleUpdateBadgeClass))
	r.Post("/badgeclasses/{badgeClassID}/publish", h.Handle(h.handlePublishBadgeClass))
	r.Post("/badgeclasses/{badgeClassID}/archive", h.Handle(h.handleArchiveBadgeClass))
	r.Post("/badgeclasses/{badgeClassID}/image", h.Handle(h.handleBadgeClassImage))
}

// maxAlignmentRows is how many alignment rows the editor offers.
const maxAlignmentRows = 3

// formField is one input of the editor, as the template draws it.
type formField struct {
	ID                      string // of its input (a bilingual field's inputs: ID-nl, ID-en)
	Name, Label, Help, Kind string // Kind: text, textarea, number, url, select, checkbox, bilingual
	Value                   string
	NL, EN                  string // a bilingual field's values
	Error                   string // the refusal of this field (of either language, for bilingual ones)
	Options                 []option
	Choices                 []choice // a multiselect's options, each chosen or not
	Required                bool
}

// choice is an option of a multiselect field.
type choice struct {
	Value, Text string
	Chosen      bool
}

type option struct{ Value, Text string }

type formSection struct {
	ID, Title string
	Fields    []formField
}

// badgeClassEditPage is the editor of a node of the tree: a badge class
// or an issuer (IssuerName: the issuer a new badge class goes under).
type badgeClassEditPage struct {
	Base
	Action, Cancel string
	IssuerName     string
	Version        int64
	Sections       []formSection
	Errors         []fieldProblem // every refusal, linking to its field
	PreviewURL     string         // where static/preview.js gets the preview (badge classes only)
	Preview        *preview       // shown after the Preview button
}

// fieldProblem is a refusal in the list at the top of a refused form.
type fieldProblem struct{ Field, Label, Message string }

type badgeClassPage struct {
	Base
	BC              *issuer.BadgeClass
	Name            string
	Issuer          string
	Sections        []formSection // the fields, read-only
	MayEdit         bool
	MayAward        bool
	MayStaff        bool           // the person may see and change its staff
	Problems        []fieldProblem // what keeps a draft from being published
	Microcredential bool
	Image           template.URL // its image, or the default one drawn from its name
	MayUpload       bool         // the person may upload its image
	ImageError      string       // why an uploaded image was refused
}

// formOf lays out bc's fields in the editor's sections, with the refusals
// errs by field name (a bilingual field's nl and en errors shown at it).
func formOf(t map[string]string, bc *issuer.BadgeClass, raw url.Values, errs map[string]string, required []option) []formSection {
	f := fields{t, raw, errs}
	field := f.one
	check := func(name string, v bool) formField {
		c := field(name, "checkbox", "")
		if raw != nil {
			c.Value = raw.Get(name)
		} else if v {
			c.Value = "on"
		}
		return c
	}
	tri := func(name string, v *bool) formField {
		return field(name, "select", triValue(v), option{"", t["bc_unknown"]}, option{"yes", t["bc_yes"]}, option{"no", t["bc_no"]})
	}
	lang := field("language", "select", bc.Language)
	lang.Options = []option{{"", t["bc_choose"]}, {"nl", "Nederlands"}, {"en", "English"}}
	nlqf := field("nlqfLevel", "select", string(bc.NLQFLevel))
	nlqf.Options = []option{{"", t["bc_none"]}, {"entry-1", "1 (entree)"}, {"entry-2", "2 (entree)"}, {"entry-3", "3 (entree)"}}
	eqf := field("eqfLevel", "select", intText(bc.EQFLevel))
	eqf.Options = []option{{"", t["bc_none"]}}
	for l := 1; l <= 8; l++ {
		eqf.Options = append(eqf.Options, option{strconv.Itoa(l), strconv.Itoa(l)})
		nlqf.Options = append(nlqf.Options, option{strconv.Itoa(l), strconv.Itoa(l)})
	}
	part := field("participation", "select", bc.Participation)
	part.Options = []option{{"", t["bc_unknown"]}, {issuer.ParticipationOnline, t["bc_online"]},
		{issuer.ParticipationOnsite, t["bc_onsite"]}, {issuer.ParticipationBlended, t["bc_blended"]}}
	name := f.text("name", bc.Name, "bilingual", true)
	secs := []formSection{
		{ID: "basics", Title: t["bc_sectionBasics"], Fields: []formField{name, f.text("description", bc.Description, "bilingual-long", false), lang,
			f.text("criteria.narrative", bc.Criteria.Narrative, "bilingual-long", false), field("criteria.url", "url", bc.Criteria.URL),
			field("tags", "text", strings.Join(bc.Tags, ", "))}},
		{ID: "study", Title: t["bc_sectionStudy"], Fields: []formField{check("microcredential", bc.Microcredential),
			f.text("learningOutcome", bc.LearningOutcome, "bilingual-long", false), field("ectsCredits", "number", floatText(bc.ECTSCredits)),
			field("studyLoad", "number", intText(bc.StudyLoad)), field("timeInvestment", "number", intText(bc.TimeInvestment)),
			eqf, nlqf, field("educationProgramIdentifier", "text", bc.EducationProgramIdentifier), part, tri("stackable", bc.Stackable)}},
		{ID: "assessment", Title: t["bc_sectionAssessment"], Fields: []formField{field("assessmentType", "text", bc.AssessmentType),
			tri("assessmentSupervised", bc.AssessmentSupervised), tri("assessmentIdentityVerified", bc.AssessmentIdentityVerified),
			field("qualityAssurance.name", "text", bc.QualityAssurance.Name), field("qualityAssurance.url", "url", bc.QualityAssurance.URL),
			field("qualityAssurance.description", "textarea", bc.QualityAssurance.Description)}},
		{ID: "awarding", Title: t["bc_sectionAwarding"], Fields: []formField{check("narrativeRequired", bc.NarrativeRequired),
			check("evidenceRequired", bc.EvidenceRequired), check("gradeAchievedRequired", bc.GradeAchievedRequired),
			field("expiryDays", "number", strconv.Itoa(bc.ExpiryDays)), prerequisitesField(f, bc.Prerequisites, required)}},
	}
	align := formSection{ID: "alignments", Title: t["bc_sectionAlignments"]}
	for i := range maxAlignmentRows {
		var a issuer.Alignment
		if i < len(bc.Alignments) {
			a = bc.Alignments[i]
		}
		prefix := fmt.Sprintf("alignments[%d].", i)
		for _, a := range []struct{ name, kind, v string }{{"targetName", "text", a.TargetName}, {"targetUrl", "url", a.TargetURL},
			{"targetFramework", "text", a.TargetFramework}, {"targetCode", "text", a.TargetCode}} {
			ff := formField{ID: inputID(prefix + a.name), Name: prefix + a.name, Label: fmt.Sprintf("%s %d: %s", t["bc_alignment"], i+1, t["bc_"+a.name]),
				Kind: a.kind, Value: f.val(prefix+a.name, a.v), Error: errs[prefix+a.name]}
			align.Fields = append(align.Fields, ff)
		}
	}
	return append(secs, align)
}

// prerequisitesField is the choice of the badge classes a learner must
// hold first, among the published ones of the institution (candidates).
func prerequisitesField(f fields, held []string, candidates []option) formField {
	ff := f.one("prerequisites", "multiselect", "")
	chosen := held
	if f.raw != nil {
		chosen = f.raw["prerequisites"]
	}
	for _, c := range candidates {
		ff.Choices = append(ff.Choices, choice{Value: c.Value, Text: c.Text, Chosen: slices.Contains(chosen, c.Value)})
	}
	return ff
}

// prerequisiteCandidates are the badge classes bc may require: the
// published ones of its institution that a sees, but bc itself.
func (h *Handler) prerequisiteCandidates(ctx context.Context, a issuer.Actor, bc *issuer.BadgeClass, lang string) ([]option, error) {
	t, err := h.Issuer.Tree(ctx, a, bc.InstitutionID)
	if err != nil {
		return nil, err
	}
	var out []option
	for _, g := range t.Groups {
		for _, is := range g.Issuers {
			for _, c := range is.BadgeClasses {
				if c.State == issuer.Published && c.ID != bc.ID {
					out = append(out, option{c.ID, c.Name.In(lang) + " (" + is.Name.In(lang) + ")"})
				}
			}
		}
	}
	return out, nil
}

func nonEmpty(xs ...string) []string {
	var out []string
	for _, x := range xs {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}

func triValue(v *bool) string {
	switch {
	case v == nil:
		return ""
	case *v:
		return "yes"
	}
	return "no"
}

func intText(v *int) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(*v)
}

func floatText(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

// badgeClassOf reads the editor's form into bc (whose ID, issuer and
// version the caller sets); a value that is not even of its kind (a word
// where a number goes) is a refusal of its own, beside its field.
func badgeClassOf(t map[string]string, f url.Values) (bc issuer.BadgeClass, errs []badged.FieldError) {
	num := func(name string) *float64 {
		v := strings.TrimSpace(f.Get(name))
		if v == "" {
			return nil
		}
		n, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", "."), 64)
		if err != nil {
			errs = append(errs, badged.FieldError{Field: name, Message: t["bc_notNumber"]})
			return nil
		}
		return &n
	}
	whole := func(name string) *int {
		n := num(name)
		if n == nil {
			return nil
		}
		if *n != float64(int(*n)) {
			errs = append(errs, badged.FieldError{Field: name, Message: t["bc_notWhole"]})
			return nil
		}
		i := int(*n)
		return &i
	}
	tri := func(name string) *bool {
		switch f.Get(name) {
		case "yes":
			b := true
			return &b
		case "no":
			b := false
			return &b
		}
		return nil
	}
	bc = issuer.BadgeClass{
		Name:                       textOf(f, "name"),
		Description:                textOf(f, "description"),
		Criteria:                   issuer.Criteria{URL: strings.TrimSpace(f.Get("criteria.url")), Narrative: textOf(f, "criteria.narrative")},
		Language:                   f.Get("language"),
		LearningOutcome:            textOf(f, "learningOutcome"),
		ECTSCredits:                num("ectsCredits"),
		StudyLoad:                  whole("studyLoad"),
		TimeInvestment:             whole("timeInvestment"),
		EQFLevel:                   whole("eqfLevel"),
		NLQFLevel:                  issuer.NLQF(f.Get("nlqfLevel")),
		EducationProgramIdentifier: strings.TrimSpace(f.Get("educationProgramIdentifier")),
		AssessmentType:             f.Get("assessmentType"),
		AssessmentSupervised:       tri("assessmentSupervised"),
		AssessmentIdentityVerified: tri("assessmentIdentityVerified"),
		QualityAssurance: issuer.QualityAssurance{Name: f.Get("qualityAssurance.name"), URL: strings.TrimSpace(f.Get("qualityAssurance.url")),
			Description: f.Get("qualityAssurance.description")},
		Stackable:             tri("stackable"),
		Participation:         f.Get("participation"),
		GradeAchievedRequired: f.Get("gradeAchievedRequired") == "on",
		EvidenceRequired:      f.Get("evidenceRequired") == "on",
		NarrativeRequired:     f.Get("narrativeRequired") == "on",
		Microcredential:       f.Get("microcredential") == "on",
		Prerequisites:         f["prerequisites"],
	}
	if d := whole("expiryDays"); d != nil {
		bc.ExpiryDays = *d
	}
	defer func() {
		if len(errs) > 0 { // the rest of the form's refusals too, all at once
			errs = append(errs, bc.Problems()...)
		}
	}()
	for tag := range strings.SplitSeq(f.Get("tags"), ",") {
		if tag = strings.TrimSpace(tag); tag != "" {
			bc.Tags = append(bc.Tags, tag)
		}
	}
	for i := range maxAlignmentRows {
		prefix := fmt.Sprintf("alignments[%d].", i)
		a := issuer.Alignment{TargetName: strings.TrimSpace(f.Get(prefix + "targetName")), TargetURL: strings.TrimSpace(f.Get(prefix + "targetUrl")),
			TargetFramework: strings.TrimSpace(f.Get(prefix + "targetFramework")), TargetCode: strings.TrimSpace(f.Get(prefix + "targetCode"))}
		if a != (issuer.Alignment{}) {
			bc.Alignments = append(bc.Alignments, a)
		}
	}
	return bc, errs
}

var alignmentField = regexp.MustCompile(`^alignments\[(\d+)\]\.(\w+)$`)

// problemsOf are the refusals as the form lists them, each linked to its
// field, and by field name for the fields themselves.
func problemsOf(t map[string]string, errs []badged.FieldError) ([]fieldProblem, map[string]string) {
	var list []fieldProblem
	byField := map[string]string{}
	for _, e := range errs {
		field := e.Field
		base, _ := bilingual(field)
		label := cmp.Or(t["bc_"+field], t["bc_"+base], field)
		if m := alignmentField.FindStringSubmatch(field); m != nil {
			n, _ := strconv.Atoi(m[1])
			label = fmt.Sprintf("%s %d: %s", t["bc_alignment"], n+1, t["bc_"+m[2]])
		}
		msg := page.Sentence(e.Message)
		if byField[field] != "" {
			byField[field] += " " + msg
		} else {
			byField[field] = msg
		}
		list = append(list, fieldProblem{Field: fieldID(field), Label: label, Message: msg})
	}
	return list, byField
}

// inputID is the HTML id of a field's input.
func inputID(name string) string {
	return "f-" + strings.NewReplacer(".", "-", "[", "-", "]", "").Replace(name)
}

// bilingualFields are the fields edited in Dutch and English side by side.
var bilingualFields = map[string]bool{"name": true, "description": true, "terms.text": true,
	"criteria.narrative": true, "learningOutcome": true}

// bilingual splits a field name into its base and language ("terms.text.nl"
// is "terms.text" in "nl"); lang is empty for a field that is not
// bilingual, or a bilingual one as a whole.
func bilingual(field string) (base, lang string) {
	if i := strings.LastIndexByte(field, '.'); i > 0 && bilingualFields[field[:i]] && (field[i+1:] == "nl" || field[i+1:] == "en") {
		return field[:i], field[i+1:]
	}
	return field, ""
}

// fieldID is the id a refusal of field links to: for a bilingual field,
// the input of its language, or its Dutch one.
func fieldID(field string) string {
	base, lang := bilingual(field)
	if bilingualFields[base] {
		return inputID(base) + "-" + cmp.Or(lang, "nl")
	}
	return inputID(field)
}

// classEditor is the editor page of bc with the input raw and the
// refusals errs: a new badge class of issuer is, or (is nil) the stored
// badge class old as edited.
func (h *Handler) classEditor(w http.ResponseWriter, r *http.Request, is *issuer.Issuer, old, bc *issuer.BadgeClass, raw url.Values, errs []badged.FieldError) (*badgeClassEditPage, error) {
	p := &badgeClassEditPage{Base: h.base(w, r, "overview")}
	candidates, err := h.prerequisiteCandidates(r.Context(), actorOf(r), bc, p.Lang)
	if err != nil {
		return nil, err
	}
	var byField map[string]string
	p.Errors, byField = problemsOf(p.T, errs)
	p.Sections = formOf(p.T, bc, raw, byField, candidates)
	if old == nil {
		p.Title, p.IssuerName = p.T["bc_newTitle"], is.Name.In(p.Lang)
		p.Action, p.Cancel = "/portal/issuers/"+is.ID+"/badgeclasses", "/portal"
	} else {
		p.Title, p.Version = p.T["bc_editTitle"]+": "+old.Name.In(p.Lang), bc.Version
		p.Action, p.Cancel = "/portal/badgeclasses/"+old.ID+"/edit", "/portal/badgeclasses/"+old.ID
	}
	if h.Previews != nil {
		p.PreviewURL = strings.TrimSuffix(p.Action, "/edit") + "/preview"
		p.Scripts = append(p.Scripts, "/portal/static/preview.js")
	}
	return p, nil
}

// saveClass ends a post of the editor: with the Preview button, the editor
// again with the preview of bc as typed; else save (create or update) bc
// and go to its page, or show the editor with the refusals. errs are the
// form's own refusals (a word where a number goes).
func (h *Handler) saveClass(w http.ResponseWriter, r *http.Request, is *issuer.Issuer, old *issuer.BadgeClass, bc issuer.BadgeClass, errs []badged.FieldError) error {
	ctx, a := r.Context(), actorOf(r)
	if r.PostForm.Get("preview") != "" && h.Previews != nil {
		p, err := h.classEditor(w, r, is, old, &bc, r.PostForm, nil)
		if err != nil {
			return err
		}
		if p.Preview, err = h.preview(ctx, a, &bc, p.Lang); err != nil {
			return err
		}
		h.Render(w, r, http.StatusOK, badgeClassPages["node_edit"], p)
		return nil
	}
	saved := old
	if len(errs) == 0 {
		var err error
		if old == nil {
			saved, err = h.Issuer.CreateBadgeClass(ctx, a, bc)
		} else {
			_, err = h.Issuer.UpdateBadgeClass(ctx, a, bc)
		}
		if errs = badged.FieldsOf(err); err != nil && len(errs) == 0 {
			return err
		}
	}
	if len(errs) > 0 {
		p, err := h.classEditor(w, r, is, old, &bc, r.PostForm, errs)
		if err != nil {
			return err
		}
		h.Render(w, r, http.StatusUnprocessableEntity, badgeClassPages["node_edit"], p)
		return nil
	}
	done := ""
	if old != nil {
		done = "saved"
	}
	page.SeeOther(w, r, "/portal/badgeclasses/"+saved.ID, done)
	return nil
}

func (h *Handler) handleNewBadgeClass(w http.ResponseWriter, r *http.Request) error {
	is, err := h.Issuer.Issuer(r.Context(), actorOf(r), chi.URLParam(r, "issuerID"))
	if err != nil {
		return err
	}
	if err := h.Issuer.MayCreate(r.Context(), actorOf(r), issuer.LevelIssuer, is.ID); err != nil {
		return err
	}
	p, err := h.classEditor(w, r, is, nil, &issuer.BadgeClass{InstitutionID: is.InstitutionID, Language: issuer.LangNL}, nil, nil)
	if err != nil {
		return err
	}
	h.Render(w, r, http.StatusOK, badgeClassPages["node_edit"], p)
	return nil
}

func (h *Handler) handleCreateBadgeClass(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badged.Errorf(badged.Invalid, "the form cannot be read")
	}
	is, err := h.Issuer.Issuer(r.Context(), actorOf(r), chi.URLParam(r, "issuerID"))
	if err != nil {
		return err
	}
	bc, errs := badgeClassOf(Text[page.LangOf(w, r)], r.PostForm)
	bc.IssuerID, bc.InstitutionID = is.ID, is.InstitutionID
	return h.saveClass(w, r, is, nil, bc, errs)
}

func (h *Handler) handleEditBadgeClass(w http.ResponseWriter, r *http.Request) error {
	bc, err := h.Issuer.BadgeClass(r.Context(), actorOf(r), chi.URLParam(r, "badgeClassID"))
	if err != nil {
		return err
	}
	if err := h.Issuer.MayUpdateBadgeClass(r.Context(), actorOf(r), bc.ID); err != nil {
		return err
	}
	p, err := h.classEditor(w, r, nil, bc, bc, nil, nil)
	if err != nil {
		return err
	}
	h.Render(w, r, http.StatusOK, badgeClassPages["node_edit"], p)
	return nil
}

func (h *Handler) handleUpdateBadgeClass(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badged.Errorf(badged.Invalid, "the form cannot be read")
	}
	old, err := h.Issuer.BadgeClass(r.Context(), actorOf(r), chi.URLParam(r, "badgeClassID"))
	if err != nil {
		return err
	}
	bc, errs := badgeClassOf(Text[page.LangOf(w, r)], r.PostForm)
	bc.ID, bc.IssuerID, bc.InstitutionID, bc.ImageURL = old.ID, old.IssuerID, old.InstitutionID, old.ImageURL
	bc.Version, _ = strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
	return h.saveClass(w, r, nil, old, bc, errs)
}

// handleBadgeClass shows a badge class as the learner will see it, its
// state and what the person may do with it; for a draft, what still keeps
// it from being published.
func (h *Handler) handleBadgeClass(w http.ResponseWriter, r *http.Request) error {
	p, err := h.badgeClassPage(w, r)
	if err != nil {
		return err
	}
	h.Render(w, r, http.StatusOK, badgeClassPages["badgeclass_page"], p)
	return nil
}

// handleBadgeClassImage makes the uploaded file (the form's "image": PNG,
// JPEG or SVG) the badge class's image: read at most badgeimage.MaxBytes,
// decoded within the pixel limits, SVG sanitized, stored and served by
// badged. A refused image is said beside the upload on the badge class's
// page; nothing else changes.
func (h *Handler) handleBadgeClassImage(w http.ResponseWriter, r *http.Request) error {
	id, a := chi.URLParam(r, "badgeClassID"), actorOf(r)
	if err := h.Issuer.MayUpdateBadgeClass(r.Context(), a, id); err != nil {
		return err
	}
	if h.Uploads == nil {
		return badged.Errorf(badged.Unavailable, "badge images are not configured")
	}
	imageURL, err := h.upload(r)
	if err == nil {
		var bc *issuer.BadgeClass
		if bc, err = h.Issuer.BadgeClass(r.Context(), a, id); err == nil {
			bc.ImageURL = imageURL
			_, err = h.Issuer.UpdateBadgeClass(r.Context(), a, *bc)
		}
	}
	switch k := badged.KindOf(err); {
	case err == nil:
		page.SeeOther(w, r, "/portal/badgeclasses/"+id, "imageSaved")
		return nil
	case k == badged.Invalid || k == badged.TooLarge:
		p, perr := h.badgeClassPage(w, r)
		if perr != nil {
			return perr
		}
		p.ImageError = page.Sentence(badged.MessageOf(err))
		h.Render(w, r, http.StatusUnprocessableEntity, badgeClassPages["badgeclass_page"], p)
		return nil
	default:
		return err
	}
}

// upload reads the form's file "image" into the uploads, part by part, so
// that nothing but the image is read into memory.
func (h *Handler) upload(r *http.Request) (string, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return "", badged.Errorf(badged.Invalid, "choose an image file to upload")
	}
	for {
		part, err := mr.NextPart()
		if err != nil {
			return "", badged.Errorf(badged.Invalid, "choose an image file to upload")
		}
		if part.FormName() == "image" && part.FileName() != "" {
			return h.Uploads.Put(r.Context(), part, r.Host)
		}
	}
}

func (h *Handler) badgeClassPage(w http.ResponseWriter, r *http.Request) (*badgeClassPage, error) {
	a := actorOf(r)
	bc, err := h.Issuer.BadgeClass(r.Context(), a, chi.URLParam(r, "badgeClassID"))
	if err != nil {
		return nil, err
	}
	p := &badgeClassPage{Base: h.base(w, r, "overview"), BC: bc, Name: bc.Name.In(page.LangOf(w, r))}
	p.Title = p.Name
	p.MayEdit = h.Issuer.MayUpdateBadgeClass(r.Context(), a, bc.ID) == nil
	p.MayAward = bc.State == issuer.Published && h.Issuer.MayAward(r.Context(), a, bc.IssuerID) == nil
	p.MayStaff = h.Issuer.MayAdministrateUsers(r.Context(), a, issuer.LevelBadgeClass, bc.ID) == nil
	if is, err := h.Issuer.Issuer(r.Context(), a, bc.IssuerID); err == nil {
		p.Issuer = is.Name.In(p.Lang)
	}
	candidates, err := h.prerequisiteCandidates(r.Context(), a, bc, p.Lang)
	if err != nil {
		return nil, err
	}
	p.Sections = formOf(p.T, bc, nil, nil, candidates)
	if bc.State == issuer.Draft {
		p.Problems, _ = problemsOf(p.T, bc.PublishProblems())
	}
	switch r.URL.Query().Get("done") {
	case "saved":
		p.Notice = p.T["bc_saved"]
	case "imageSaved":
		p.Notice = p.T["bc_imageSaved"]
	}
	p.Image = page.ImageURL(wallet.Summary{Name: p.Name, Image: bc.ImageURL})
	p.MayUpload = p.MayEdit && h.Uploads != nil && bc.State != issuer.Archived
	return p, nil
}

// actorOf is the person of a portal request as the issuer service knows
// them.
func actorOf(r *http.Request) issuer.Actor {
	if p := request.Principal(r); p != nil {
		return p.Actor()
	}
	return issuer.Actor{}
}

// handlePublishBadgeClass publishes a draft; a refusal lists what is
// missing on the badge class's page.
func (h *Handler) handlePublishBadgeClass(w http.ResponseWriter, r *http.Request) error {
	return h.setState(w, r, h.Issuer.PublishBadgeClass)
}

func (h *Handler) handleArchiveBadgeClass(w http.ResponseWriter, r *http.Request) error {
	return h.setState(w, r, h.Issuer.ArchiveBadgeClass)
}

func (h *Handler) setState(w http.ResponseWriter, r *http.Request, change func(ctx context.Context, a issuer.Actor, id string, version int64) (*issuer.BadgeClass, error)) error {
	if err := r.ParseForm(); err != nil {
		return badged.Errorf(badged.Invalid, "the form cannot be read")
	}
	id := chi.URLParam(r, "badgeClassID")
	version, _ := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
	if _, err := change(r.Context(), actorOf(r), id, version); err != nil {
		if len(badged.FieldsOf(err)) > 0 {
			// The page lists what is missing.
			page.SeeOther(w, r, "/portal/badgeclasses/"+id, "")
			return nil
		}
		return err
	}
	page.SeeOther(w, r, "/portal/badgeclasses/"+id, "")
	return nil
}
