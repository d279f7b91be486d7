package openapi_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/badged/badged/web/openapi"
)

// docURL is where the tests place the document among the schemas.
const docURL = "https://badged.test/openapi.json"

// compiler is a compiler holding the OpenAPI 3.1 schemas (testdata/oas-3.1,
// from OAI/OpenAPI-Specification, the 2022-10-07 release; see README
// there) and the document at docURL.
func compiler(t *testing.T) *jsonschema.Compiler {
	t.Helper()
	c := jsonschema.NewCompiler()
	files, err := filepath.Glob("testdata/oas-3.1/*.json")
	if err != nil || len(files) != 4 {
		t.Fatalf("the OpenAPI schemas: %v, %d files", err, len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if err := c.AddResource(v.(map[string]any)["$id"].(string), v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(openapi.JSON()))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource(docURL, doc); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestDocumentIsValid validates the document against the OpenAPI 3.1
// schema with schema validation (schema-base: every schema in it must be a
// schema of the OpenAPI dialect), and compiles every component schema,
// which resolves each of their references.
func TestDocumentIsValid(t *testing.T) {
	c := compiler(t)
	sch, err := c.Compile("https://spec.openapis.org/oas/3.1/schema-base/2022-10-07")
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := jsonschema.UnmarshalJSON(bytes.NewReader(openapi.JSON()))
	if err := sch.Validate(doc); err != nil {
		t.Fatalf("the document is not valid OpenAPI 3.1: %v", err)
	}
	schemas := doc.(map[string]any)["components"].(map[string]any)["schemas"].(map[string]any)
	for name := range schemas {
		if _, err := c.Compile(docURL + "#/components/schemas/" + name); err != nil {
			t.Errorf("schema %s: %v", name, err)
		}
	}
}

// TestExamplesMatchSchemas validates every example of the document (of a
// request body or a response, as the developers' page shows them) against
// the schema beside it.
func TestExamplesMatchSchemas(t *testing.T) {
	c := compiler(t)
	doc, _ := jsonschema.UnmarshalJSON(bytes.NewReader(openapi.JSON()))
	n := 0
	for path, item := range doc.(map[string]any)["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			op := op.(map[string]any)
			at := []string{"paths", path, method}
			var contents [][]string
			if rb, ok := op["requestBody"].(map[string]any); ok {
				for mt := range rb["content"].(map[string]any) {
					contents = append(contents, append(slices.Clone(at), "requestBody", "content", mt))
				}
			}
			for status, r := range op["responses"].(map[string]any) {
				for mt := range mapOf(r.(map[string]any)["content"]) {
					contents = append(contents, append(slices.Clone(at), "responses", status, "content", mt))
				}
			}
			for _, keys := range contents {
				media := lookup(doc, keys)
				ex, ok := media["example"]
				if !ok {
					continue
				}
				n++
				sch, err := c.Compile(docURL + "#" + pointer(append(keys, "schema")...))
				if err != nil {
					t.Fatal(err)
				}
				if err := sch.Validate(ex); err != nil {
					t.Errorf("%s %s: the example of %s does not match its schema: %v", strings.ToUpper(method), path, strings.Join(keys[3:], " "), err)
				}
			}
		}
	}
	if n < 20 {
		t.Errorf("%d examples checked", n)
	}
}

func mapOf(v any) map[string]any { m, _ := v.(map[string]any); return m }

// lookup is the object at keys in doc.
func lookup(doc any, keys []string) map[string]any {
	for _, k := range keys {
		doc = mapOf(doc)[k]
	}
	return mapOf(doc)
}

// pointer is the JSON pointer of the path of keys.
func pointer(keys ...string) string {
	var b strings.Builder
	for _, k := range keys {
		b.WriteString("/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(k))
	}
	return b.String()
}

// TestDocumentIsValidRejects shows that the validation has teeth: a
// document with an operation that has no responses, or a schema that is
// not one, fails it.
func TestDocumentIsValidRejects(t *testing.T) {
	c := compiler(t)
	sch, err := c.Compile("https://spec.openapis.org/oas/3.1/schema-base/2022-10-07")
	if err != nil {
		t.Fatal(err)
	}
	for name, change := range map[string]func(string) string{
		"fail/operation without responses": func(s string) string {
			return strings.Replace(s, `"responses": {`, `"responzes": {`, 1)
		},
		"fail/schema type not a type": func(s string) string {
			return strings.Replace(s, `"type": "object"`, `"type": "thing"`, 1)
		},
	} {
		t.Run(name, func(t *testing.T) {
			changed := change(string(openapi.JSON()))
			doc, err := jsonschema.UnmarshalJSON(strings.NewReader(changed))
			if err != nil {
				t.Fatal(err)
			}
			if sch.Validate(doc) == nil {
				t.Error("the changed document validates")
			}
		})
	}
}

func TestParse(t *testing.T) {
	ref, err := openapi.Parse(openapi.JSON())
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	n := 0
	for _, tag := range ref.Tags {
		if len(tag.Operations) == 0 {
			t.Errorf("tag %q has no operations", tag.Name)
		}
		for _, op := range tag.Operations {
			n++
			if op.Summary == "" || op.ID == "" {
				t.Errorf("%s: no summary or operationId", op.Route())
			}
			if other, ok := ids[op.ID]; ok {
				t.Errorf("%s and %s share operationId %s", op.Route(), other, op.ID)
			}
			ids[op.ID] = op.Route()
			if len(op.Security) > 0 && !hasStatus(op, "401") {
				t.Errorf("%s needs a caller but describes no 401", op.Route())
			}
		}
	}
	if n < 80 {
		t.Errorf("%d operations, want the API's 80 and more", n)
	}
	for _, bad := range []struct{ name, old, new string }{
		{"fail/undeclared path parameter", `"name": "issuerID",`, `"name": "issuer",`},
		{"fail/unknown tag", "\"Caller\"\n", "\"Callers\"\n"},
		{"fail/dangling response", `"#/components/responses/NotFound"`, `"#/components/responses/Gone"`},
	} {
		t.Run(bad.name, func(t *testing.T) {
			changed := strings.Replace(string(openapi.JSON()), bad.old, bad.new, 1)
			if changed == string(openapi.JSON()) {
				t.Fatalf("the document has no %q", bad.old)
			}
			if _, err := openapi.Parse([]byte(changed)); err == nil {
				t.Error("Parse accepts it")
			}
		})
	}
}

func hasStatus(op openapi.Operation, status string) bool {
	for _, r := range op.Responses {
		if r.Status == status {
			return true
		}
	}
	return false
}

func ExampleParse() {
	ref, err := openapi.Parse(openapi.JSON())
	if err != nil {
		panic(err)
	}
	for _, tag := range ref.Tags {
		if tag.Name != "Caller" {
			continue
		}
		for _, op := range tag.Operations {
			fmt.Println(op.Route(), "—", op.Summary, op.Security)
		}
	}
	// Output: GET /api/v1/me — Who the caller is [apiToken clientCredentials sessionCookie]
}
