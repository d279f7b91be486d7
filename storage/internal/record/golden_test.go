package record

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/badged/badged/bulk"
	"github.com/badged/badged/internal/golden"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/lti"
)

// TestGoldenRecords pins the stored form of each record both stores keep
// (bbolt's values, PostgreSQL's data columns): a representative value of
// each, every field set, is encoded exactly as testdata/<kind>.json says,
// and that file reads back as the same value. A change to a domain type
// or a record that would change what is stored fails here; change the
// record deliberately (a new field, or a new Format with a reader of the
// old one), then rewrite the files with `go test -update` and review them.
func TestGoldenRecords(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 30, 0, 123000000, time.UTC)
	later := at.Add(36 * time.Hour)
	yes, no, ects, hours, eqf := true, false, 2.5, 60, 6
	records := []struct {
		kind   string
		record any // a pointer to the stored form
		domain func(data []byte) (any, error)
		want   any
	}{
		{kind: "institution", want: &issuer.Institution{ID: "inst-1", Name: issuer.Text{NL: "Universiteit", EN: "University"},
			Description: issuer.Text{EN: "A university."}, ImageURL: "https://img.example.org/u.png", SCHACHome: "uni.example.org",
			BRIN: "21PB", Type: issuer.WO, Country: "NL", GradingTableURL: "https://uni.example.org/grades", DefaultLanguage: issuer.LangNL,
			Terms: issuer.Terms{Version: "2026-1", Text: issuer.Text{NL: "Voorwaarden", EN: "Terms"}}, Version: 3, Created: at, Updated: later}},
		{kind: "group", want: &issuer.Group{ID: "group-1", InstitutionID: "inst-1", Name: issuer.Text{NL: "Bètawetenschappen", EN: "Science"},
			Description: issuer.Text{NL: "Faculteit"}, ImageURL: "https://img.example.org/g.png", Archived: true, Version: 2, Created: at, Updated: later}},
		{kind: "issuer", want: &issuer.Issuer{ID: "issuer-1", InstitutionID: "inst-1", GroupID: "group-1", Name: issuer.Text{NL: "Informatica", EN: "Computing"},
			Description: issuer.Text{EN: "The department."}, ImageURL: "https://img.example.org/i.png", URL: "https://uni.example.org/cs",
			Email: "cs@uni.example.org", Archived: false, Version: 1, Created: at, Updated: later}},
		{kind: "badgeclass", want: &issuer.BadgeClass{ID: "bc-1", InstitutionID: "inst-1", GroupID: "group-1", IssuerID: "issuer-1",
			Name: issuer.Text{NL: "Statistiek", EN: "Statistics"}, Description: issuer.Text{NL: "Basis", EN: "Basics"},
			ImageURL: "https://uni.example.org/images/x.png", Criteria: issuer.Criteria{URL: "https://uni.example.org/criteria",
				Narrative: issuer.Text{NL: "Haal het *tentamen*.", EN: "Pass the *exam*."}}, Language: issuer.LangEN,
			LearningOutcome: issuer.Text{NL: "Kan een gemiddelde berekenen.", EN: "Can compute a mean."}, ECTSCredits: &ects,
			TimeInvestment: &hours, EQFLevel: &eqf, NLQFLevel: "6", EducationProgramIdentifier: "34479",
			Alignments: []issuer.Alignment{{TargetName: "Statistics", TargetURL: "http://data.europa.eu/esco/skill/x", TargetDescription: "d",
				TargetFramework: "ESCO", TargetCode: "x"}},
			AssessmentType: "written exam", AssessmentSupervised: &yes, AssessmentIdentityVerified: &no,
			QualityAssurance: issuer.QualityAssurance{Name: "NVAO", URL: "https://www.nvao.net/", Description: "Accredited."},
			Stackable:        &yes, Participation: issuer.ParticipationBlended, GradeAchievedRequired: true, EvidenceRequired: true,
			NarrativeRequired: true, ExpiryDays: 365, Microcredential: true, Tags: []string{"statistics", "science"},
			Prerequisites: []string{"bc-0"}, State: issuer.Published, Version: 4, Created: at, Updated: later}},
		{kind: "membership", want: &issuer.Membership{ID: "m-1", InstitutionID: "inst-1", Role: issuer.RoleIssuerAwarder, NodeID: "issuer-1",
			UserID: "user-1", Email: "awarder@uni.example.org", InvitedBy: "user-0", Version: 1, Created: at, Updated: later}},
		{kind: "award", want: &issuer.Award{ID: "award-1", InstitutionID: "inst-1", GroupID: "group-1", IssuerID: "issuer-1", BadgeClassID: "bc-1",
			Kind: issuer.KindDirect, State: issuer.AwardAccepted, BundleID: "bundle-1",
			Recipient: issuer.Recipient{UserID: "learner-1", EduID: "edu-1", Email: "anna@student.example.org", EPPN: "anna@uni.example.org",
				Name: "Anna de Vries", HolderDID: "did:key:z6Mk"},
			Narrative: "Did the work.", EvidenceURLs: []string{"https://work.example.org/1"}, Grade: "8.5", AwardedBy: "user-1",
			TermsVersion: "2026-1", ScheduledFor: at, Sent: at, ClaimDeadline: later.AddDate(0, 3, 0), Claimed: later,
			Reminders: []int{62}, CredentialID: "https://badges.example.org/credentials/1", Version: 5, Created: at, Updated: later}},
		{kind: "bulkjob", want: &bulk.Job{ID: "job-1", InstitutionID: "inst-1", BadgeClassID: "bc-1", CreatedBy: "user-1", Superuser: false,
			State: bulk.Running, Total: 3, Done: 1, Report: bulk.Report{{Row: 2, Message: "not an email address"}}, ScheduledAt: at,
			LeaseOwner: "node-a", LeaseUntil: later, Version: 2, Created: at, Updated: later}},
		{kind: "ltiplatform", want: &lti.Platform{ID: "plat_1", InstitutionID: "inst-1", IssuerID: "issuer-1", Name: "Canvas",
			Issuer: "https://canvas.example.edu", ClientID: "1000", DeploymentIDs: []string{"d1", "d2"},
			JWKSURL: "https://canvas.example.edu/jwks", AuthURL: "https://canvas.example.edu/auth", TokenURL: "https://canvas.example.edu/token", Created: at}},
		{kind: "ltilink", want: &lti.Link{PlatformID: "plat_1", ContextID: "course-42", Title: "Data Science 101", BadgeClasses: []string{"bc-1"},
			Memberships: "https://canvas.example.edu/nrps/42", LineItems: "https://canvas.example.edu/ags/42/lineitems", Version: 2, Updated: later}},
	}
	for _, r := range records {
		t.Run(r.kind, func(t *testing.T) {
			stored, read := codec(r.want)
			got, err := json.MarshalIndent(stored, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", r.kind+".json")
			want := golden.Check(t, path, append(got, '\n'))
			back, err := read(want)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, r.want) {
				t.Errorf("%s reads back as\n%+v\nwant\n%+v", path, back, r.want)
			}
		})
	}
}

// codec is the stored form of a domain value, and the reader of stored
// bytes back into the domain.
func codec(v any) (stored any, read func([]byte) (any, error)) {
	switch v := v.(type) {
	case *issuer.Institution:
		return FromInstitution(v), func(b []byte) (any, error) { var r Institution; err := Decode(b, &r); return r.Domain(), err }
	case *issuer.Group:
		return FromGroup(v), func(b []byte) (any, error) { var r Group; err := Decode(b, &r); return r.Domain(), err }
	case *issuer.Issuer:
		return FromIssuer(v), func(b []byte) (any, error) { var r Issuer; err := Decode(b, &r); return r.Domain(), err }
	case *issuer.BadgeClass:
		return FromBadgeClass(v), func(b []byte) (any, error) { var r BadgeClass; err := Decode(b, &r); return r.Domain(), err }
	case *issuer.Membership:
		return FromMembership(v), func(b []byte) (any, error) { var r Membership; err := Decode(b, &r); return r.Domain(), err }
	case *issuer.Award:
		return FromAward(v), func(b []byte) (any, error) { var r Award; err := Decode(b, &r); return r.Domain(), err }
	case *bulk.Job:
		return FromJob(v), func(b []byte) (any, error) { var r BulkJob; err := Decode(b, &r); return r.Domain(), err }
	case *lti.Platform:
		return FromLTIPlatform(v), func(b []byte) (any, error) { var r LTIPlatform; err := Decode(b, &r); return r.Domain(), err }
	case *lti.Link:
		return FromLTILink(v), func(b []byte) (any, error) { var r LTILink; err := Decode(b, &r); return r.Domain(), err }
	}
	panic("no codec")
}
