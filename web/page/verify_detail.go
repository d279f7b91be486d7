package page

import (
	"regexp"
	"strings"
)

// The verifier's check messages are English, for the API, the CLI and
// logs. A Dutch page says the common ones in Dutch: detailNL matches each
// finding of a message (findings are joined by "; ") against the known
// patterns of the verifier's messages; a message with any finding it does
// not know stays English, and the page says so on its "Technical details"
// label (and marks it lang="en"). TestDetailNL pins the patterns to what
// the verifier says for real credentials, so a change of wording there
// shows up as English, never as a wrong translation.
var detailNL = []struct {
	re *regexp.Regexp
	nl string
}{
	{regexp.MustCompile(`^read as a JSON-LD credential$`), "gelezen als JSON-LD-credential"},
	{regexp.MustCompile(`^read as a JSON-LD verifiable presentation$`), "gelezen als JSON-LD-presentatie"},
	{regexp.MustCompile(`^read as a (\S+) credential \((\S+)\)$`), "gelezen als $1-credential ($2)"},
	{regexp.MustCompile(`^conforms to the Open Badges 3\.0 JSON schema$`), "voldoet aan het JSON-schema van Open Badges 3.0"},
	{regexp.MustCompile(`^not an Open Badge: the VC 2\.0 rules apply$`), "geen Open Badge: de regels van VC 2.0 gelden"},
	{regexp.MustCompile(`^as the standard requires$`), "zoals de standaard voorschrijft"},
	{regexp.MustCompile(`^every term is defined by a known context and every IRI is absolute$`), "elke term is gedefinieerd in een bekende context en elke IRI is absoluut"},
	{regexp.MustCompile(`^the proof \((\S+)\) is a valid signature by (\S+)$`), "de handtekening ($1) is geldig en gezet door $2"},
	{regexp.MustCompile(`^proof (\d+) \((\S+)\) is a valid signature by (\S+)$`), "handtekening $1 ($2) is geldig en gezet door $3"},
	{regexp.MustCompile(`^a valid (\S+) signature by (\S+)$`), "een geldige $1-handtekening, gezet door $2"},
	{regexp.MustCompile(`^the key is one (\S+) lists for issuing credentials$`), "de sleutel is er een die $1 vermeldt voor het uitgeven van credentials"},
	{regexp.MustCompile(`^valid until (\S+)$`), "geldig tot $1"},
	{regexp.MustCompile(`^valid now, with no end date$`), "nu geldig, zonder einddatum"},
	{regexp.MustCompile(`^expired: (\S+) is (\S+)$`), "verlopen: $1 is $2"},
	{regexp.MustCompile(`^not yet valid: (\S+) is (\S+)$`), "nog niet geldig: $1 is $2"},
	{regexp.MustCompile(`^not revoked$`), "niet ingetrokken"},
	{regexp.MustCompile(`^not revoked \(status list (\S+), entry (\d+)\)$`), "niet ingetrokken (statuslijst $1, positie $2)"},
	{regexp.MustCompile(`^not suspended \(status list (\S+), entry (\d+)\)$`), "niet opgeschort (statuslijst $1, positie $2)"},
	{regexp.MustCompile(`^the credential has no status entry: it cannot be revoked$`), "het credential heeft geen statusvermelding: het kan niet worden ingetrokken"},
	{regexp.MustCompile(`^revoked by the issuer$`), "ingetrokken door de uitgever"},
	{regexp.MustCompile(`^revoked by the issuer: (.+)$`), "ingetrokken door de uitgever: $1"},
	{regexp.MustCompile(`^suspended by the issuer$`), "opgeschort door de uitgever"},
	{regexp.MustCompile(`^the issuer's key could not be fetched$`), "de sleutel van de uitgever kon niet worden opgehaald"},
	{regexp.MustCompile(`^no verified (proof|signature)$`), "geen geldige handtekening"},
	{regexp.MustCompile(`^the credential has no proof: nothing shows who issued it$`), "het credential heeft geen handtekening: niets laat zien wie het uitgaf"},
	{regexp.MustCompile(`^no proof badged can check verifies the credential$`), "geen handtekening die badged kan controleren, klopt met het credential"},
	{regexp.MustCompile(`^the document's type does not include VerifiableCredential$`), "het type van het document bevat geen VerifiableCredential"},
	{regexp.MustCompile(`^the input is not valid JSON: it ends too early \(a brace, bracket or quote is not closed\)$`), "de invoer is geen geldige JSON: hij houdt te vroeg op (een accolade, haak of aanhalingsteken is niet gesloten)"},
	{regexp.MustCompile(`^the input is not valid JSON: unexpected character at line (\d+), column (\d+)$`), "de invoer is geen geldige JSON: onverwacht teken op regel $1, kolom $2"},
	{regexp.MustCompile(`^the input is not a JSON object$`), "de invoer is geen JSON-object"},
	{regexp.MustCompile(`^the input is not a JSON credential, a JWT, or a PNG or SVG image with a credential$`), "de invoer is geen JSON-credential, geen JWT en geen PNG- of SVG-afbeelding met een credential"},
}

// checkDetail is a verifier message as the detail of a check on a page in
// lang: a Sentence, in Dutch on a Dutch page when every finding in it is
// known (see detailNL), else in English. It returns the language the
// detail is in.
func checkDetail(lang, msg string) (detail, detailLang string) {
	if msg == "" {
		return "", ""
	}
	if lang != "nl" {
		return Sentence(msg), "en"
	}
	parts := strings.Split(msg, "; ")
	for i, part := range parts {
		translated := false
		for _, d := range detailNL {
			if d.re.MatchString(part) {
				parts[i], translated = d.re.ReplaceAllString(part, d.nl), true
				break
			}
		}
		if !translated {
			return Sentence(msg), "en"
		}
	}
	return Sentence(strings.Join(parts, "; ")), "nl"
}
