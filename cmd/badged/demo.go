package main

import (
	"context"
	"fmt"
	"time"

	"github.com/badged/badged/devidp"
	"github.com/badged/badged/issuer"
)

// demoTerms are the demo institution's terms, which the demo learners
// accept to claim their direct awards.
var demoTerms = issuer.Terms{Version: "2026-1", Text: issuer.Text{
	EN: "Demo University issues this badge to you as a signed credential.\n\n" +
		"By claiming it you agree that Demo University records that you accepted it, with your account's identifiers, " +
		"and that the credential names you by your wallet's identifier and a salted hash of your email address. " +
		"You decide whether it is shared; Demo University may revoke it if it was awarded in error.\n\n" +
		"This is a demonstration: the badges it issues prove nothing.",
	NL: "Demo Universiteit geeft u deze badge als ondertekend credential.\n\n" +
		"Door hem te accepteren gaat u ermee akkoord dat Demo Universiteit vastlegt dat u hem accepteerde, met de identificaties van uw account, " +
		"en dat het credential u noemt met de identificatie van uw wallet en een gezouten hash van uw e-mailadres. " +
		"U bepaalt of het gedeeld wordt; Demo Universiteit kan het intrekken als het ten onrechte is toegekend.\n\n" +
		"Dit is een demonstratie: de badges die zij uitgeeft, bewijzen niets.",
}}

// seedDemoCatalogue gives the demo institution something to look at: a
// faculty with an issuer, three published badge classes as edubadges
// institutions write them (the first with every edubadges field), the demo teacher as the issuer's awarder, and
// direct awards waiting for the demo learners to claim.
func seedDemoCatalogue(ctx context.Context, is *issuer.Service, in *issuer.Institution) error {
	system := issuer.Actor{UserID: "system:demo", Superuser: true}
	users := devidp.DemoUsers()
	g, err := is.CreateGroup(ctx, system, issuer.Group{InstitutionID: in.ID,
		Name:        issuer.Text{EN: "Faculty of Science", NL: "Faculteit der Bètawetenschappen"},
		Description: issuer.Text{EN: "Mathematics, computer science and the natural sciences.", NL: "Wiskunde, informatica en natuurwetenschappen."}})
	if err != nil {
		return fmt.Errorf("demo group: %w", err)
	}
	iss, err := is.CreateIssuer(ctx, system, issuer.Issuer{InstitutionID: in.ID, GroupID: g.ID,
		Name:        issuer.Text{EN: "Data Science Institute", NL: "Data Science Instituut"},
		Description: issuer.Text{EN: "Courses and microcredentials in data science.", NL: "Cursussen en microcredentials in data science."},
		URL:         "https://www.university-example.org/dsi", Email: "badges@university-example.org"})
	if err != nil {
		return fmt.Errorf("demo issuer: %w", err)
	}
	if _, err := is.InviteStaff(ctx, system, users[4].Email, issuer.RoleIssuerAwarder, iss.ID); err != nil {
		return fmt.Errorf("demo awarder: %w", err)
	}
	yes := true
	ects, eqf, hours := 5.0, 6, 140
	classes := []issuer.BadgeClass{
		{
			Name:        issuer.Text{EN: "Data Science Foundations", NL: "Grondslagen van data science"},
			Description: issuer.Text{EN: "Statistics, programming in Python and data visualisation for beginners.", NL: "Statistiek, programmeren in Python en datavisualisatie voor beginners."},
			Criteria: issuer.Criteria{URL: "https://www.university-example.org/dsi/foundations",
				Narrative: issuer.Text{EN: "Pass the supervised final exam with at least a 6.0 and complete three graded lab assignments.",
					NL: "Haal het gesurveilleerde eindtentamen met minstens een 6,0 en rond drie beoordeelde practicumopdrachten af."}},
			Language: issuer.LangEN, LearningOutcome: issuer.Text{EN: "Can clean, analyse and visualise a real data set and report on it.",
				NL: "Kan een echte dataset opschonen, analyseren en visualiseren en erover rapporteren."},
			// ECTS and a study load are exclusive (edubadges' rule); the time
			// investment is the hours a learner spends besides.
			ECTSCredits: &ects, TimeInvestment: &hours, EQFLevel: &eqf, NLQFLevel: "6", EducationProgramIdentifier: "34479",
			Alignments: []issuer.Alignment{{TargetName: "Data science", TargetURL: "http://data.europa.eu/esco/skill/9a4a2b2f-0d2b-4ea6-b67d-2c6a3c1a7c43",
				TargetFramework: "ESCO", TargetCode: "9a4a2b2f-0d2b-4ea6-b67d-2c6a3c1a7c43", TargetDescription: "Analyse data to find patterns and insights."}},
			AssessmentType: "written exam", AssessmentSupervised: &yes, AssessmentIdentityVerified: &yes,
			QualityAssurance: issuer.QualityAssurance{Name: "NVAO", URL: "https://www.nvao.net/",
				Description: "Offered within an NVAO-accredited bachelor's programme."},
			Stackable: &yes, Participation: issuer.ParticipationBlended, GradeAchievedRequired: true,
			Microcredential: true, Tags: []string{"data science", "python", "microcredential"},
		},
		{
			Name:        issuer.Text{EN: "Research Integrity", NL: "Wetenschappelijke integriteit"},
			Description: issuer.Text{EN: "Took part in the research integrity workshop.", NL: "Heeft deelgenomen aan de workshop wetenschappelijke integriteit."},
			Criteria: issuer.Criteria{Narrative: issuer.Text{EN: "Attend the full workshop and discuss two dilemma cases.",
				NL: "Volg de hele workshop en bespreek twee dilemma's."}},
			Language: issuer.LangEN, Participation: issuer.ParticipationOnsite, Tags: []string{"research", "ethics"},
		},
		{
			Name:        issuer.Text{EN: "Academic Writing", NL: "Academisch schrijven"},
			Description: issuer.Text{EN: "Writes a clear, well-sourced academic text.", NL: "Schrijft een heldere, goed onderbouwde academische tekst."},
			Criteria: issuer.Criteria{Narrative: issuer.Text{EN: "Submit an essay that meets the rubric; a short motivation is required with the request.",
				NL: "Lever een essay in dat aan de rubric voldoet; bij de aanvraag hoort een korte motivatie."}},
			Language: issuer.LangEN, NarrativeRequired: true, ExpiryDays: 5 * 365, Tags: []string{"writing"},
		},
	}
	var published []*issuer.BadgeClass
	for _, bc := range classes {
		bc.InstitutionID, bc.GroupID, bc.IssuerID = in.ID, g.ID, iss.ID
		c, err := is.CreateBadgeClass(ctx, system, bc)
		if err != nil {
			return fmt.Errorf("demo badge class %s: %w", bc.Name.EN, err)
		}
		if c, err = is.PublishBadgeClass(ctx, system, c.ID, c.Version); err != nil {
			return fmt.Errorf("publish demo badge class %s: %w", bc.Name.EN, err)
		}
		published = append(published, c)
	}
	awards := []struct {
		class int
		user  devidp.User
		grade string
	}{
		{0, users[0], "8.5"},
		{1, users[0], ""},
		{1, users[1], ""},
	}
	for _, a := range awards {
		in := issuer.DirectAwardInput{
			Recipient: issuer.Recipient{Email: a.user.Email, EPPN: a.user.EPPN, Name: a.user.Name},
			Grade:     a.grade,
			Narrative: "Awarded in the demo of badged.",
		}
		if _, err := is.DirectAward(ctx, system, published[a.class].ID, []issuer.DirectAwardInput{in}, time.Time{}); err != nil {
			return fmt.Errorf("demo award: %w", err)
		}
	}
	return nil
}
