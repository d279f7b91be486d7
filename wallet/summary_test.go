package wallet_test

import (
	"encoding/json"
	"testing"

	"github.com/badged/badged/wallet"
)

// TestSummarizeLevels: ECTS, EQF and NLQF are read from OB 3.0's own
// properties (creditsAvailable, alignment by targetFramework), and from
// the fields of badged's v1 context in credentials issued before.
func TestSummarizeLevels(t *testing.T) {
	tests := map[string]string{
		"ok/ob 3.0": `{"creditsAvailable": 2.5, "alignment": [
			{"type": ["Alignment"], "targetName": "ESCO", "targetUrl": "http://data.europa.eu/esco/skill/x", "targetFramework": "ESCO", "targetCode": "9"},
			{"type": ["Alignment"], "targetName": "EQF level 6", "targetUrl": "https://europass.europa.eu/en/description-eight-eqf-levels",
			 "targetFramework": "European Qualifications Framework", "targetCode": "6"},
			{"type": ["Alignment"], "targetName": "NLQF instroomniveau 1", "targetUrl": "https://www.nlqf.nl/nlqf-niveaus",
			 "targetFramework": "Nederlands Kwalificatieraamwerk (NLQF)", "targetCode": "entry-1"}]}`,
		"ok/badged v1": `{"ectsCredits": 2.5, "eqfLevel": 6, "nlqfLevel": "entry-1"}`,
		"ok/one alignment object": `{"creditsAvailable": 2.5, "nlqfLevel": "entry-1", "alignment": {"type": ["Alignment"], "targetName": "EQF level 6",
			"targetUrl": "https://europass.europa.eu/en/description-eight-eqf-levels", "targetFramework": "European Qualifications Framework", "targetCode": "6"}}`,
	}
	for name, achievement := range tests {
		t.Run(name, func(t *testing.T) {
			var doc map[string]any
			if err := json.Unmarshal([]byte(`{"credentialSubject": {"achievement": `+achievement+`}}`), &doc); err != nil {
				t.Fatal(err)
			}
			s := wallet.Summarize(doc)
			if s.ECTS == nil || *s.ECTS != 2.5 || s.EQFLevel == nil || *s.EQFLevel != 6 || s.NLQFLevel != "entry-1" {
				t.Errorf("ECTS %v, EQF %v, NLQF %q; want 2.5, 6, entry-1", s.ECTS, s.EQFLevel, s.NLQFLevel)
			}
		})
	}
}
