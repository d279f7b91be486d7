package credential

import (
	"strings"

	"github.com/badged/badged/jsonld"
)

// Subject is whom a credential document names as its subject: the ids
// and the identifiers of its credentialSubject (one, or each of a list),
// as [SubjectOf] reads them.
type Subject struct {
	IDs         []string         // credentialSubject.id: a DID, a URL, a mailto: address
	Identifiers []IdentityObject // credentialSubject.identifier
	Name        string           // credentialSubject.name, when the issuer wrote one (the first)
}

// SubjectOf reads the subject of a credential document as encoding/json
// decodes it. What is not an object, or not a string where one is due, is
// skipped: a document that names nobody gives the zero Subject.
func SubjectOf(doc map[string]any) Subject {
	var s Subject
	for _, subj := range jsonld.List(doc["credentialSubject"]) {
		m, ok := subj.(map[string]any)
		if !ok {
			continue
		}
		if id, ok := m["id"].(string); ok && id != "" {
			s.IDs = append(s.IDs, id)
		}
		if n, ok := m["name"].(string); ok && s.Name == "" {
			s.Name = n
		}
		for _, raw := range jsonld.List(m["identifier"]) {
			o, ok := raw.(map[string]any)
			if !ok {
				continue
			}
			var io IdentityObject
			io.Type, _ = o["type"].(string)
			io.IdentityHash, _ = o["identityHash"].(string)
			io.IdentityType, _ = o["identityType"].(string)
			io.Salt, _ = o["salt"].(string)
			io.Hashed, _ = o["hashed"].(bool)
			s.Identifiers = append(s.Identifiers, io)
		}
	}
	return s
}

// Empty reports whether s names nobody: no id and no identifier (a name
// alone identifies nobody).
func (s Subject) Empty() bool { return len(s.IDs) == 0 && len(s.Identifiers) == 0 }

// Names reports whether identity is whom s names: one of its ids (a DID or
// URL as given, or an email address given for a mailto: id, ignoring case),
// or the identity one of its identifiers stands for
// ([IdentityObject.Matches]: a hashed email address, eduID, EPPN...). An
// empty identity names nobody.
func (s Subject) Names(identity string) bool {
	if strings.TrimSpace(identity) == "" {
		return false
	}
	for _, id := range s.IDs {
		if id == identity || strings.EqualFold(strings.TrimPrefix(id, "mailto:"), identity) {
			return true
		}
	}
	for _, o := range s.Identifiers {
		if o.Matches(identity) {
			return true
		}
	}
	return false
}
