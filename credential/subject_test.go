package credential

import (
	"crypto/rand"
	"encoding/json"
	"testing"
)

// TestSubjectNames: a subject is named by its id (a DID, or an address
// for a mailto: id) and by what its identifiers stand for, hashed or not;
// nothing else, and never by an empty identity.
func TestSubjectNames(t *testing.T) {
	email, err := NewIdentityObject(IdentityEmail, "Anna@Example.org", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	eduID, err := NewIdentityObject("ext:eduID", "anna-123", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	doc := func(subject any) map[string]any {
		b, _ := json.Marshal(map[string]any{"credentialSubject": subject})
		var m map[string]any
		json.Unmarshal(b, &m)
		return m
	}
	hashed := doc(map[string]any{"id": "did:key:z6MkAnna", "identifier": []any{email, eduID}})
	plain := doc([]any{map[string]any{"id": "mailto:bram@example.org"},
		map[string]any{"identifier": map[string]any{"type": "IdentityObject", "hashed": false, "identityHash": "eppn@uni.example", "identityType": "ext:eppn"}}})
	for _, tt := range []struct {
		name     string
		doc      map[string]any
		identity string
		want     bool
	}{
		{"ok/did", hashed, "did:key:z6MkAnna", true},
		{"ok/hashed-email-any-case", hashed, "anna@example.org", true},
		{"ok/hashed-eduid", hashed, "anna-123", true},
		{"ok/mailto-id", plain, "Bram@example.org", true},
		{"ok/plain-identifier-second-subject", plain, "eppn@uni.example", true},
		{"fail/other-email", hashed, "bram@example.org", false},
		{"fail/other-did", hashed, "did:key:z6MkBram", false},
		{"fail/empty", hashed, "", false},
		{"fail/empty-on-plain", plain, " ", false},
		{"fail/nobody", doc(map[string]any{"type": "AchievementSubject"}), "anna@example.org", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := SubjectOf(tt.doc).Names(tt.identity); got != tt.want {
				t.Errorf("Names(%q) = %v, want %v", tt.identity, got, tt.want)
			}
		})
	}
	if !SubjectOf(doc(map[string]any{"type": "AchievementSubject"})).Empty() || SubjectOf(hashed).Empty() {
		t.Error("Empty is wrong")
	}
}
