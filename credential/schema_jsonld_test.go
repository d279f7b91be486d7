package credential_test

import (
	"testing"

	"github.com/badged/badged/contexts"
	"github.com/badged/badged/credential"
	"github.com/badged/badged/jsonld"
)

// TestCredentialSchemaIsSoundJSONLD: a credential naming the OB schema must
// still canonicalize, so it can be signed with eddsa-rdfc-2022.
func TestCredentialSchemaIsSoundJSONLD(t *testing.T) {
	c, err := credential.New(
		credential.Achievement{ID: "https://example.edu/a/1", Name: "A", Description: "d", Criteria: &credential.Criteria{Narrative: "n"}},
		credential.Profile{ID: "https://example.edu", Name: "Example"},
		credential.Recipient{DID: "did:example:123"},
		credential.WithCredentialSchema(credential.CredentialSchema{ID: credential.SchemaURL, Type: credential.TypeJSONSchemaValidator}),
	)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := c.Map()
	if err != nil {
		t.Fatal(err)
	}
	if ps := credential.Validate(doc); !credential.Valid(ps) {
		t.Fatalf("Validate: %v", ps)
	}
	if _, err := jsonld.New(contexts.NewLoader()).Canonicalize(doc); err != nil {
		t.Fatal(err)
	}
}
