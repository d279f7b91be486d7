package interop_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/badged/badged/credential"
)

// testCredential is one credential of the interop set; name is also its
// file name.
type testCredential struct {
	name string
	cred *credential.Credential
}

// validFrom is in the past and the expiries are in the future, so that both
// stacks, which judge validity against the real clock, accept the
// credentials.
var validFrom = time.Date(2025, 9, 1, 9, 30, 0, 0, time.UTC)

// credentials builds the interop set with badged's own API: every kind of
// recipient, results, evidence, expiry, alignments, badged's extension
// fields, non-ASCII text, long and awkward strings, and numbers that JSON
// and RDF canonicalization write differently. issuer is the issuer's DID.
func credentials(t *testing.T, issuer string) []testCredential {
	t.Helper()
	salts := rand.NewChaCha8([32]byte{7}) // identity salts, reproducible
	ids := 0
	ident := func(typ, value string) credential.IdentityObject {
		o, err := credential.NewIdentityObject(typ, value, salts)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	ptr := func(f float64) *float64 { return &f }
	iptr := func(n int) *int { return &n }
	bptr := func(b bool) *bool { return &b }

	achievement := func(slug, name string) credential.Achievement {
		return credential.Achievement{
			ID:          "https://badges.example.edu/achievements/" + slug,
			Name:        name,
			Description: "Awarded for completing " + name + ".",
			Criteria:    &credential.Criteria{Narrative: "Pass the final assessment of " + name + "."},
		}
	}
	profile := credential.Profile{ID: issuer, Name: "Example University", URL: "https://www.example.edu"}
	holder := credential.Recipient{DID: "did:example:holder-1"}
	email := credential.Recipient{Identifiers: []credential.IdentityObject{ident(credential.IdentityEmail, "Student.One@Example.edu")}}
	esco := credential.Alignment{
		Type:            credential.Types{credential.TypeAlignment},
		TargetName:      "data science",
		TargetURL:       "http://data.europa.eu/esco/skill/0d8ed0d1-5e8a-4b56-b3a6-2b5bbd8b8a3a",
		TargetFramework: "ESCO",
		TargetType:      "ceasn:Competency",
		TargetCode:      "S1.2.3",
	}

	type build struct {
		name        string
		achievement credential.Achievement
		issuer      *credential.Profile
		recipient   credential.Recipient
		opts        []credential.Option
	}
	builds := []build{
		{name: "did-minimal", achievement: achievement("minimal", "Minimal Badge"), recipient: holder},
		{name: "email-hashed", achievement: achievement("email", "Hashed Email Badge"), recipient: email},
		{name: "did-and-email", achievement: achievement("both", "Holder And Email"),
			recipient: credential.Recipient{DID: "did:example:holder-2", Identifiers: email.Identifiers}},
		{name: "sourcedid-and-username", achievement: achievement("ids", "Two Identifiers"),
			recipient: credential.Recipient{Identifiers: []credential.IdentityObject{
				ident(credential.IdentitySourced, "s1234567"),
				ident(credential.IdentityUserName, "urn:mace:eduid.nl:1.1:abc123@student.example.edu"),
			}}},
		{name: "results", achievement: func() credential.Achievement {
			a := achievement("graded", "Graded Course")
			a.ResultDescription = []credential.ResultDescription{{
				ID: "https://badges.example.edu/achievements/graded/results/grade", Type: credential.Types{credential.TypeResultDescription},
				Name: "Final grade", ResultType: "GradePointAverage", ValueMin: "1", ValueMax: "10", RequiredValue: "5.5",
			}}
			return a
		}(), recipient: holder, opts: []credential.Option{credential.WithResults(
			credential.Result{ResultDescription: "https://badges.example.edu/achievements/graded/results/grade", Value: "8.5"},
			credential.Result{Status: "Completed"},
		)}},
		{name: "result-alignment", achievement: achievement("aligned-result", "Result With Alignment"), recipient: email,
			opts: []credential.Option{credential.WithResults(credential.Result{AchievedLevel: "https://example.edu/levels/advanced", Alignment: []credential.Alignment{esco}})}},
		{name: "evidence-url", achievement: achievement("evidence", "Evidence Badge"), recipient: holder,
			opts: []credential.Option{credential.WithEvidence(credential.Evidence{
				ID: "https://portfolio.example.edu/s1234567/project", Name: "Capstone project", Description: "A data pipeline.", Genre: "Project", Audience: "Employers",
			})}},
		{name: "evidence-narratives", achievement: achievement("evidence-2", "Evidence Narratives"), recipient: email,
			opts: []credential.Option{credential.WithEvidence(
				credential.Evidence{Narrative: "Presented the *results* to the board.\n\n- item one\n- item two"},
				credential.Evidence{Narrative: "Peer review by two supervisors.", Name: "Review"},
			)}},
		{name: "expiry", achievement: achievement("expiring", "Expiring Certificate"), recipient: holder,
			opts: []credential.Option{credential.WithExpiry(5 * 365 * 24 * time.Hour)}},
		{name: "valid-until", achievement: achievement("valid-until", "Valid Until Badge"), recipient: email,
			opts: []credential.Option{credential.WithValidUntil(time.Date(2036, 2, 29, 23, 59, 59, 0, time.UTC))}},
		{name: "alignments", achievement: func() credential.Achievement {
			a := achievement("aligned", "Aligned Competencies")
			a.Alignment = []credential.Alignment{esco, {
				Type: credential.Types{credential.TypeAlignment}, TargetName: "Bachelor Informatica",
				TargetURL: "https://www.duo.nl/croho/56978", TargetDescription: "CROHO programme",
			}}
			return a
		}(), recipient: holder},
		{name: "ects-eqf", achievement: func() credential.Achievement {
			a := achievement("ects", "Microcredential Data Literacy")
			a.CreditsAvailable = ptr(7.5)
			a.Alignment = []credential.Alignment{credential.EQFAlignment(6), credential.NLQFAlignment("entry-2")}
			a.StudyLoad, a.TimeInvestment = iptr(210), iptr(180)
			a.OtherIdentifier = []credential.IdentifierEntry{{Type: credential.TypeIdentifierEntry, Identifier: "56978", IdentifierType: credential.IdentifierProgramme}}
			a.Microcredential = bptr(true)
			return a
		}(), recipient: email},
		{name: "assessment-ext", achievement: func() credential.Achievement {
			a := achievement("assessed", "Assessed Module")
			a.AssessmentType, a.AssessmentSupervised, a.AssessmentIdentityVerified = "written exam", bptr(true), bptr(false)
			a.QualityAssuranceName, a.QualityAssuranceURL = "NVAO", "https://www.nvao.net"
			a.QualityAssuranceDescription = "Accredited programme"
			a.Participation, a.Stackable, a.GradeAchievedRequired = "blended", bptr(true), bptr(false)
			a.LearningOutcome = "The student can design and evaluate a statistical experiment."
			a.CreditsAvailable = ptr(3) // integral: xsd:float in RDF (3.0E0), 3 in JCS
			return a
		}(), recipient: holder},
		{name: "institution-issuer", achievement: achievement("inst", "Institution Fields"), recipient: holder,
			issuer: &credential.Profile{ID: issuer, Name: "Hogeschool Voorbeeld", URL: "https://www.example.nl",
				OtherIdentifier: []credential.IdentifierEntry{
					{Type: credential.TypeIdentifierEntry, Identifier: "example.nl", IdentifierType: credential.IdentifierSchacHome},
					{Type: credential.TypeIdentifierEntry, Identifier: "00XX", IdentifierType: credential.IdentifierBRIN}},
				InstitutionType: "HBO", GradingTable: "https://www.example.nl/grading",
				Email: "badges@example.nl", Description: "Een hogeschool."}},
		{name: "parent-org", achievement: achievement("faculty", "Faculty Badge"), recipient: email,
			issuer: &credential.Profile{ID: issuer, Name: "Faculty of Science", ParentOrg: &credential.Profile{
				ID: "https://www.example.edu", Type: credential.Types{credential.TypeProfile}, Name: "Example University",
				OtherIdentifier: []credential.IdentifierEntry{{Type: credential.TypeIdentifierEntry, Identifier: "21PX", IdentifierType: credential.IdentifierBRIN}},
			}}},
		{name: "dutch-unicode", achievement: func() credential.Achievement {
			a := achievement("ecologie", "Basiscursus Ecologie – coördinatie en financiële analyse")
			a.Description = "Toegekend na de cursus ‘Ecologie’: geïnteresseerd, ruïne, reëel, café, privé."
			a.InLanguage = "nl"
			return a
		}(), recipient: credential.Recipient{Identifiers: []credential.IdentityObject{ident(credential.IdentityEmail, "Zoë.Ëlsen@Example.nl")}}},
		{name: "emoji", achievement: achievement("rocket", "Rocket Science 🚀🎓 Badge"), recipient: holder,
			opts: []credential.Option{credential.WithNarrative("Launched 3 rockets 🚀🚀🚀 and landed 1 🪂; family 👩‍👩‍👧 approved.")}},
		{name: "cjk", achievement: func() credential.Achievement {
			a := achievement("cjk", "Data 数据科学基础 データサイエンス 데이터 과학")
			a.Description = "为完成数据科学基础课程而授予。講座を修了したことを証明します。"
			a.Tag = []string{"数据", "科学", "データ"}
			return a
		}(), recipient: email},
		{name: "long-narrative", achievement: func() credential.Achievement {
			a := achievement("long", "Long Narrative Badge")
			a.Criteria = &credential.Criteria{ID: "https://badges.example.edu/criteria/long", Narrative: longNarrative()}
			return a
		}(), recipient: holder, opts: []credential.Option{credential.WithNarrative(longNarrative())}},
		{name: "awkward-strings", achievement: achievement("awkward", `Quotes "double" 'single' \backslash\ <tag> & ampersand`), recipient: email,
			opts: []credential.Option{credential.WithDescription("tab\there, newline\nthere, CR\r, U+2028\u2028 U+2029\u2029, é precomposed, e\u0301 combining, \ufeff BOM")}},
		// RDFC-1.0 writes U+0008 and U+000C as \b and \f and the other
		// control characters as \uXXXX (uppercase hex); JCS writes them all
		// as JSON escapes.
		{name: "control-chars", achievement: achievement("control", "Control Characters"), recipient: holder,
			opts: []credential.Option{credential.WithDescription("BS\b FF\f VT\v SOH\u0001 US\u001f DEL\u007f end")}},
		{name: "image-name-description", achievement: func() credential.Achievement {
			a := achievement("image", "Image Badge")
			a.Image = &credential.Image{ID: "https://badges.example.edu/images/badge.png", Type: credential.TypeImage, Caption: "The badge"}
			return a
		}(), recipient: holder, opts: []credential.Option{
			credential.WithName("Image Badge for Student One"),
			credential.WithDescription("A credential with its own name and image."),
			credential.WithImage(credential.Image{ID: "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", Type: credential.TypeImage}),
		}},
		{name: "achievement-details", achievement: func() credential.Achievement {
			a := achievement("details", "Detailed Achievement")
			a.AchievementType, a.HumanCode, a.FieldOfStudy, a.Specialization = "Course", "INFO-101", "Computer Science", "Databases"
			a.CreditsAvailable, a.Version, a.InLanguage = ptr(2.5), "2.1", "en"
			a.Tag = []string{"sql", "databases"}
			a.OtherIdentifier = []credential.IdentifierEntry{{Type: credential.TypeIdentifierEntry, Identifier: "INFO-101-2025", IdentifierType: "identifier"}}
			a.Creator = &credential.Profile{ID: "https://www.example.edu/cs", Type: credential.Types{credential.TypeProfile}, Name: "Department of Computer Science"}
			return a
		}(), recipient: holder, opts: []credential.Option{credential.WithAwardedDate(validFrom.Add(-24 * time.Hour))}},
		{name: "status", achievement: achievement("revocable", "Revocable Badge"), recipient: holder,
			opts: []credential.Option{credential.WithStatus(credential.StatusEntry{
				ID: "https://badges.example.edu/status/1#94567", Type: credential.TypeBitstringStatusEntry,
				StatusPurpose: "revocation", StatusListIndex: "94567", StatusListCredential: "https://badges.example.edu/status/1",
			})}},
		{name: "everything", achievement: func() credential.Achievement {
			a := achievement("everything", "Everything Ëverywhere 全部 🌍")
			a.Alignment = []credential.Alignment{esco}
			a.Alignment = append(a.Alignment, credential.EQFAlignment(7))
			a.Microcredential = bptr(true)
			a.CreditsAvailable = ptr(1e21) // exponent form in both JSON (1e+21) and RDF (1.0E21)
			return a
		}(), recipient: credential.Recipient{DID: "did:example:holder-3", Identifiers: email.Identifiers},
			issuer: &credential.Profile{ID: issuer, Name: "Universiteit Voorbeeld", InstitutionType: "WO",
				OtherIdentifier: []credential.IdentifierEntry{{Type: credential.TypeIdentifierEntry, Identifier: "voorbeeld.nl", IdentifierType: credential.IdentifierSchacHome}}},
			opts: []credential.Option{
				credential.WithExpiry(3 * 365 * 24 * time.Hour),
				credential.WithResults(credential.Result{Value: "A+", Alignment: []credential.Alignment{esco}}),
				credential.WithEvidence(credential.Evidence{ID: "https://example.edu/e/1", Narrative: "Zie bijlage — ‘reëel’."}),
				credential.WithNarrative("Gehaald met lof. 🎉"),
			}},
	}

	out := make([]testCredential, 0, len(builds))
	for _, b := range builds {
		iss := profile
		if b.issuer != nil {
			iss = *b.issuer
		}
		ids++
		opts := append([]credential.Option{
			credential.WithID(fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-%012d", ids)),
			credential.WithValidFrom(validFrom),
			credential.WithBaseURL(testBase),
		}, b.opts...)
		c, err := credential.New(b.achievement, iss, b.recipient, opts...)
		if err != nil {
			t.Fatalf("%s: credential.New: %v", b.name, err)
		}
		out = append(out, testCredential{b.name, c})
	}
	return out
}

// longNarrative is about 6 KB of Markdown with the characters that
// canonicalization escapes differently.
func longNarrative() string {
	var b strings.Builder
	b.WriteString("# Narrative\n\n")
	for i := range 40 {
		fmt.Fprintf(&b, "%d. The student analysed dataset %d with \"care\", wrote C:\\path\\to\\file, used <b>markup</b> & tabs\tand café ë 数据 🧪.\n", i+1, i+1)
	}
	return b.String()
}
