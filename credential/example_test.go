package credential_test

import (
	"bytes"
	"fmt"
	"time"

	"github.com/badged/badged/credential"
)

func ExampleNew() {
	// Deterministic clock and randomness for the example; production code
	// passes time.Now and crypto/rand.Reader (the defaults).
	now := func() time.Time { return time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC) }
	rand := bytes.NewReader(make([]byte, 64))

	email, err := credential.NewIdentityObject(credential.IdentityEmail, "student@example.edu", rand)
	if err != nil {
		panic(err)
	}
	ects, hours := 2.5, 70
	c, err := credential.New(
		credential.Achievement{
			ID:          "https://badges.example.edu/achievements/1",
			Name:        "Data Science Basics",
			Description: "Basic data science skills.",
			Criteria:    &credential.Criteria{Narrative: "Pass the final assignment."},
			// OB 3.0's own properties where one fits...
			CreditsAvailable: &ects,
			Alignment:        []credential.Alignment{credential.EQFAlignment(6)},
			// ...and badged's v2 context, served by the deployment, for the rest.
			StudyLoad: &hours,
		},
		credential.Profile{ID: "https://badges.example.edu/issuers/1", Name: "Example University"},
		credential.Recipient{Identifiers: []credential.IdentityObject{email}},
		credential.WithClock(now), credential.WithRand(rand), credential.WithExpiry(365*24*time.Hour),
		credential.WithBaseURL("https://badges.example.edu"),
	)
	if err != nil {
		panic(err)
	}
	doc, _ := c.Map()
	fmt.Println(c.Context)
	fmt.Println(c.ID, c.ValidFrom, c.ValidUntil)
	fmt.Println(email.Matches("Student@Example.edu"), len(credential.Validate(doc)))
	// Output:
	// [https://www.w3.org/ns/credentials/v2 https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json https://badges.example.edu/ns/badged/v2]
	// urn:uuid:00000000-0000-4000-8000-000000000000 2026-09-01T12:00:00Z 2027-09-01T12:00:00Z
	// true 0
}
