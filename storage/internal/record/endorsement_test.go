package record

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/badged/badged/endorsement"
)

// endorsementV1 is an endorsement record as format 1 writes it; both
// stores keep this JSON.
const endorsementV1 = `{"format":1,"id":"e1","version":2,"created":"2026-05-01T09:00:00Z","updated":"2026-05-01T10:00:00Z",` +
	`"institution":"uni","issuer":"math","target":"credential","badgeClass":"drawing",` +
	`"credential":"https://badges.example.edu/credentials/c1","endorsedInstitution":"poly",` +
	`"subject":"https://badges.example.edu/credentials/c1","comment":"Impressive.","state":"accepted",` +
	`"signedId":"https://badges.example.edu/credentials/e","signed":"eyJpZCI6ImUifQ==","createdBy":"alice",` +
	`"decidedBy":"bob","decided":"2026-05-01T10:00:00Z"}`

// TestEndorsementFormat1 pins the stored form of an endorsement: format 1
// reads back as written, and the domain value writes the same JSON.
func TestEndorsementFormat1(t *testing.T) {
	var r Endorsement
	if err := Decode([]byte(endorsementV1), &r); err != nil {
		t.Fatal(err)
	}
	e := r.Domain()
	at := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	if e.ID != "e1" || e.Version != 2 || e.Target != endorsement.TargetCredential || e.State != endorsement.Accepted ||
		e.BadgeClassID != "drawing" || e.CredentialID != "https://badges.example.edu/credentials/c1" ||
		e.EndorsedInstitutionID != "poly" || string(e.Credential) != `{"id":"e"}` || !e.Decided.Equal(at) || e.DecidedBy != "bob" {
		t.Fatalf("read as %+v", e)
	}
	out, err := json.Marshal(FromEndorsement(e))
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != endorsementV1 {
		t.Errorf("written as\n%s\nwant\n%s", out, endorsementV1)
	}
}
