package credential

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// SchemaURL is the published URL of the OB 3.0 AchievementCredential JSON
// schema (VC 2.0 shape), which badged embeds.
const SchemaURL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"

// EndorsementSchemaURL is the published URL of the OB 3.0
// EndorsementCredential JSON schema; badged checks it with the
// EndorsementCredential definition inside the embedded schema.
const EndorsementSchemaURL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json"

// schemaID is the $id of the embedded copy (the json-ld/ path of the same
// schema).
const schemaID = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json-ld/ob_v3p0_achievementcredential_schema.json"

//go:embed schema/ob_v3p0_achievementcredential_schema.json
var schemaJSON []byte

// knownSchemas maps the credentialSchema ids badged can check offline to
// whether they describe an EndorsementCredential. The "any" variants are
// the VC 1.1-compatible schemas; badged reads VC 1.1 credentials as VC 2.0
// (see the package doc) and checks them with the same embedded schema.
var knownSchemas = map[string]bool{
	SchemaURL: false,
	schemaID:  false,
	"https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_anyachievementcredential_schema.json":    false,
	"https://purl.imsglobal.org/spec/ob/v3p0/schema/json-ld/ob_v3p0_anyachievementcredential_schema.json": false,
	EndorsementSchemaURL: true,
	"https://purl.imsglobal.org/spec/ob/v3p0/schema/json-ld/ob_v3p0_endorsementcredential_schema.json":    true,
	"https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_anyendorsementcredential_schema.json":    true,
	"https://purl.imsglobal.org/spec/ob/v3p0/schema/json-ld/ob_v3p0_anyendorsementcredential_schema.json": true,
}

// compiled holds the embedded schema, compiled on first use. Compiled
// schemas are safe for concurrent validation.
var compiled = sync.OnceValues(func() (schemas, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return schemas{}, fmt.Errorf("embedded OB 3.0 schema: %v", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(schemaID, doc); err != nil {
		return schemas{}, fmt.Errorf("embedded OB 3.0 schema: %v", err)
	}
	var s schemas
	if s.achievement, err = c.Compile(schemaID); err != nil {
		return schemas{}, fmt.Errorf("compile OB 3.0 schema: %v", err)
	}
	if s.endorsement, err = c.Compile(schemaID + "#/$defs/EndorsementCredential"); err != nil {
		return schemas{}, fmt.Errorf("compile OB 3.0 endorsement schema: %v", err)
	}
	return s, nil
})

type schemas struct {
	achievement, endorsement *jsonschema.Schema
}
