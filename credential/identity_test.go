package credential

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestHashIdentityVector(t *testing.T) {
	// The OB 3.0 spec's IdentityHash example, cross-checked with
	// printf '%s' 'a@example.comKosher' | sha256sum.
	const want = "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
	if got := HashIdentity("a@example.com", "Kosher"); got != want {
		t.Fatalf("HashIdentity = %s, want %s", got, want)
	}
}

func TestIdentityObject(t *testing.T) {
	salt := bytes.Repeat([]byte{7}, saltBytes)
	o, err := NewIdentityObject(IdentityEmail, "Student@Example.edu ", bytes.NewReader(salt))
	if err != nil {
		t.Fatal(err)
	}
	if o.Type != TypeIdentityObject || !o.Hashed || o.Salt != strings.Repeat("07", saltBytes) {
		t.Fatalf("unexpected %+v", o)
	}
	if o.IdentityHash != HashIdentity("student@example.edu", o.Salt) {
		t.Fatal("email not lowercased before hashing")
	}
	tests := map[string]struct {
		o        IdentityObject
		identity string
		want     bool
	}{
		"ok/exact":              {o, "student@example.edu", true},
		"ok/email-case":         {o, "STUDENT@example.EDU", true},
		"fail/other":            {o, "other@example.edu", false},
		"ok/mixed-case-foreign": {IdentityObject{Hashed: true, IdentityType: IdentityEmail, IdentityHash: HashIdentity("A@example.com", "s"), Salt: "s"}, "A@example.com", true},
		"ok/spec-vector":        {IdentityObject{Hashed: true, IdentityType: IdentityEmail, IdentityHash: "sha256$B5809D8A92F8858436D7E6B87C12EBC0AE1EAC4BAECC2C0B913AEE2C922EF399", Salt: "Kosher"}, "a@example.com", true},
		"ok/unhashed":           {IdentityObject{IdentityType: IdentityEmail, IdentityHash: "a@example.com"}, "A@Example.com", true},
		"fail/unhashed-id-case": {IdentityObject{IdentityType: IdentitySourced, IdentityHash: "abc"}, "ABC", false},
		"fail/sourced-case":     {IdentityObject{Hashed: true, IdentityType: IdentitySourced, IdentityHash: HashIdentity("abc", "s"), Salt: "s"}, "ABC", false},
		"fail/md5":              {IdentityObject{Hashed: true, IdentityType: IdentityEmail, IdentityHash: "md5$00000000000000000000000000000000"}, "a@example.com", false},
		"fail/garbage":          {IdentityObject{Hashed: true, IdentityType: IdentityEmail, IdentityHash: "nodollar"}, "a@example.com", false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := tt.o.Matches(tt.identity); got != tt.want {
				t.Errorf("Matches(%q) = %v, want %v", tt.identity, got, tt.want)
			}
		})
	}
}

func TestNewIdentityObjectErrors(t *testing.T) {
	if _, err := NewIdentityObject("", "x", bytes.NewReader(make([]byte, 32))); err == nil {
		t.Error("accepted an empty identity type")
	}
	if _, err := NewIdentityObject(IdentityEmail, "x", bytes.NewReader(nil)); err == nil {
		t.Error("no error when the randomness fails")
	} else if !errors.Is(err, io.EOF) {
		t.Errorf("err = %v, want it to wrap io.EOF", err)
	}
}
