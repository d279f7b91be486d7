package did_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/badged/badged"
	"github.com/badged/badged/did"
)

func TestWebDIDAndURL(t *testing.T) {
	tests := []struct {
		host string
		path []string
		did  string
		url  string
	}{
		{"example.com", nil, "did:web:example.com", "https://example.com/.well-known/did.json"},
		{"example.com", []string{"u", "alice"}, "did:web:example.com:u:alice", "https://example.com/u/alice/did.json"},
		{"example.com:8443", nil, "did:web:example.com%3A8443", "https://example.com:8443/.well-known/did.json"},
		{"badges.example.edu:3000", []string{"issuers", "42"}, "did:web:badges.example.edu%3A3000:issuers:42", "https://badges.example.edu:3000/issuers/42/did.json"},
		{"example.com", []string{"a b", "c:d"}, "did:web:example.com:a%20b:c%3Ad", "https://example.com/a%20b/c:d/did.json"},
		{"dc.1edtech.org", []string{"wellspring2022", "wellspring-portal", "org", "da1e96e9-afcc-4eed-b9a2-2ddf7353214c"},
			"did:web:dc.1edtech.org:wellspring2022:wellspring-portal:org:da1e96e9-afcc-4eed-b9a2-2ddf7353214c",
			"https://dc.1edtech.org/wellspring2022/wellspring-portal/org/da1e96e9-afcc-4eed-b9a2-2ddf7353214c/did.json"},
	}
	for _, tt := range tests {
		t.Run(tt.did, func(t *testing.T) {
			if got := did.WebDID(tt.host, tt.path...); got != tt.did {
				t.Errorf("WebDID = %s, want %s", got, tt.did)
			}
			got, err := did.WebURL(tt.did)
			if err != nil || got != tt.url {
				t.Errorf("WebURL = %s, %v; want %s", got, err, tt.url)
			}
		})
	}
}

func TestWebURLErrors(t *testing.T) {
	for _, in := range []string{
		"did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
		"did:web:",
		"did:web:example.com#key-1",
		"did:web:example.com?x=1",
		"did:web:example.com/x",
		"did:web:example.com::x",
		"did:web:example.com:x:",
		"did:web:example.com:..",
		"did:web:example.com:a%2Fb",
		"did:web:127.0.0.1",
		"did:web:%5B%3A%3A1%5D%3A443",
		"did:web:example.com%3A0",
		"did:web:example.com%3A99999",
		"did:web:example.com%3Ahttp",
		"did:web:user%40example.com",
		"did:web:exa_mple.com",
		"did:web:-example.com",
		"did:web:example.com%zz",
	} {
		t.Run(in, func(t *testing.T) {
			u, err := did.WebURL(in)
			if err == nil {
				t.Fatalf("WebURL = %s, want an error", u)
			}
			wantKind(t, err, badged.Invalid, "")
		})
	}
}

func TestWebDocument(t *testing.T) {
	id := did.WebDID("badges.example.edu", "issuers", "42")
	oldPub, _, _ := ed25519.GenerateKey(rand.Reader)
	olderEC, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	newPub, _, _ := ed25519.GenerateKey(rand.Reader)
	current, err := did.NewMultikeyMethod(id, newPub)
	if err != nil {
		t.Fatal(err)
	}
	old, _ := did.NewMultikeyMethod(id, oldPub)
	older, _ := did.NewMultikeyMethod(id, &olderEC.PublicKey)
	older.ID = "#key-1" // relative ids are made absolute
	older.Controller = ""

	doc, err := did.WebDocument(id, current, old, older)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	json.Unmarshal(b, &got)
	if got["id"] != id {
		t.Errorf("id = %v", got["id"])
	}
	if fmt.Sprint(got["@context"]) != "[https://www.w3.org/ns/did/v1 https://w3id.org/security/multikey/v1]" {
		t.Errorf("@context = %v", got["@context"])
	}
	wantIDs := fmt.Sprint([]any{current.ID, old.ID, id + "#key-1"})
	if fmt.Sprint(got["assertionMethod"]) != wantIDs {
		t.Errorf("assertionMethod = %v, want %v", got["assertionMethod"], wantIDs)
	}
	if fmt.Sprint(got["authentication"]) != fmt.Sprint([]any{current.ID}) {
		t.Errorf("authentication = %v", got["authentication"])
	}
	if _, ok := got["controller"]; ok {
		t.Error("document has a controller")
	}
	vms := got["verificationMethod"].([]any)
	if len(vms) != 3 {
		t.Fatalf("%d verification methods", len(vms))
	}
	third := vms[2].(map[string]any)
	if third["id"] != id+"#key-1" || third["controller"] != id || third["type"] != "Multikey" {
		t.Errorf("third method = %v", third)
	}

	// The document read back gives every key.
	var back did.Document
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	for _, want := range []struct {
		id  string
		pub interface{ Equal(crypto.PublicKey) bool }
	}{{current.ID, newPub}, {old.ID, oldPub}, {id + "#key-1", &olderEC.PublicKey}} {
		vm, ok := back.Method(want.id)
		if !ok || !back.HasAssertionMethod(want.id) {
			t.Fatalf("method %s missing", want.id)
		}
		pub, err := vm.PublicKey()
		if err != nil || !want.pub.Equal(pub) {
			t.Errorf("%s: PublicKey = %v, %v", want.id, pub, err)
		}
	}
}

func TestWebDocumentErrors(t *testing.T) {
	id := did.WebDID("example.com")
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	good, _ := did.NewMultikeyMethod(id, pub)
	other, _ := did.NewMultikeyMethod("did:web:other.example", pub)
	tests := []struct {
		name    string
		did     string
		current did.VerificationMethod
		retired []did.VerificationMethod
		msg     string
	}{
		{"fail/not did:web", "did:key:z6Mk", good, nil, "is not a did:web"},
		{"fail/method of another DID", id, other, nil, "is not in did:web:example.com"},
		{"fail/no fragment", id, with(good, func(vm *did.VerificationMethod) { vm.ID = id + "#" }), nil, "is not in"},
		{"fail/other controller", id, with(good, func(vm *did.VerificationMethod) { vm.Controller = "did:web:other.example" }), nil, "controller"},
		{"fail/not Multikey", id, with(good, func(vm *did.VerificationMethod) { vm.Type = "JsonWebKey" }), nil, "want Multikey"},
		{"fail/bad key", id, with(good, func(vm *did.VerificationMethod) { vm.PublicKeyMultibase = "z6Mk" }), nil, "key type 0x46 is not supported"},
		{"fail/duplicate", id, good, []did.VerificationMethod{good}, "listed twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := did.WebDocument(tt.did, tt.current, tt.retired...)
			wantKind(t, err, badged.Invalid, tt.msg)
		})
	}
}

func with(vm did.VerificationMethod, f func(*did.VerificationMethod)) did.VerificationMethod {
	f(&vm)
	return vm
}

func ExampleWebURL() {
	id := did.WebDID("badges.example.edu:8443", "issuers", "42")
	u, _ := did.WebURL(id)
	fmt.Println(id)
	fmt.Println(u)
	// Output:
	// did:web:badges.example.edu%3A8443:issuers:42
	// https://badges.example.edu:8443/issuers/42/did.json
}
