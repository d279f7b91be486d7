// Package openapi holds the OpenAPI 3.1 description of badged's JSON API
// (/api/v1, the W3C VC-API and the OAuth 2.0 token endpoint), embedded in
// the binary: [JSON] is the document web serves at /api/v1/openapi.json,
// and [Parse] reads it into the [Reference] the developers' page renders.
//
// # Adding a route
//
// The document is one file, openapi.json beside this one: a route is an
// entry under "paths" (its path template exactly as the chi route names
// it, parameters and all), one operation per method, with a tag (one of
// "tags", or a new one added there), an operationId, a summary, its
// security, parameters, request body and responses, the shared ones by
// reference to "components". The test in web (TestOpenAPIDescribesRoutes)
// walks the real router and names every API route the document lacks, and
// every operation it describes that no route serves.
package openapi

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Path is where web serves the document.
const Path = "/api/v1/openapi.json"

//go:embed openapi.json
var document []byte

// JSON returns the document, a copy.
func JSON() []byte { return bytes.Clone(document) }

// Reference is the document as people read it: its operations grouped
// by tag, in the document's order of tags and then by path.
type Reference struct {
	Title, Version, Description string
	Tags                        []Tag
	// Security describes the security schemes, by name.
	Security []Scheme
}

// Tag is a group of operations.
type Tag struct {
	Name, Description string
	Operations        []Operation
}

// Scheme is a security scheme.
type Scheme struct{ Name, Type, Description string }

// Operation is one method on one path.
type Operation struct {
	// Method is upper case (GET); Path the template (/api/v1/issuers/{issuerID}).
	Method, Path, ID, Summary, Description string
	// Security names the schemes that may authorize it, any one of
	// them; empty: public.
	Security   []string
	Parameters []Parameter
	// RequestTypes are the media types of the request body, if any, and
	// RequestExample an example of it.
	RequestTypes   []string
	RequestExample string
	Responses      []Response
	// ResponseExample is an example of the first successful answer that
	// has one.
	ResponseExample string
}

// Parameter is a path, query or header parameter.
type Parameter struct {
	Name, In, Description, Type string
	Required                    bool
}

// Response is one status an operation answers with.
type Response struct {
	Status, Description string
	Types               []string
}

// Route is an operation's method and path, "GET /api/v1/me".
func (o Operation) Route() string { return o.Method + " " + o.Path }

// The parts of the OpenAPI document that Parse reads.
type (
	doc struct {
		Info struct {
			Title, Version, Description string
		}
		Tags       []struct{ Name, Description string }
		Paths      map[string]map[string]json.RawMessage
		Components struct {
			Parameters      map[string]param
			Responses       map[string]response
			SecuritySchemes map[string]struct{ Type, Description string }
		}
		Security []map[string][]string
	}
	param struct {
		Ref         string `json:"$ref"`
		Name, In    string
		Description string
		Required    bool
		Schema      schema
	}
	schema struct {
		Ref  string          `json:"$ref"`
		Type json.RawMessage `json:"type"`
		Enum []string
	}
	response struct {
		Ref         string `json:"$ref"`
		Description string
		Content     map[string]struct {
			Example json.RawMessage
		}
	}
	operation struct {
		Tags        []string
		OperationID string `json:"operationId"`
		Summary     string
		Description string
		Security    *[]map[string][]string
		Parameters  []param
		RequestBody *struct {
			Content map[string]struct {
				Example json.RawMessage
			}
		} `json:"requestBody"`
		Responses map[string]response
	}
)

// methods are the HTTP methods of a path item, in the order the page
// lists them.
var methods = []string{"get", "put", "post", "patch", "delete"}

// Parse reads the document into its reference. It fails on a document
// that does not have the shape of OpenAPI 3.1 (a test checks the embedded
// one against the OpenAPI schema), and on what that schema lets pass: an
// operation without a known tag, a dangling reference to a parameter or
// response, or a path template whose parameters the operation does not
// declare exactly.
func Parse(b []byte) (*Reference, error) {
	var d doc
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("read the OpenAPI document: %v", err)
	}
	ref := &Reference{Title: d.Info.Title, Version: d.Info.Version, Description: d.Info.Description}
	tags := map[string]int{}
	for _, t := range d.Tags {
		tags[t.Name] = len(ref.Tags)
		ref.Tags = append(ref.Tags, Tag{Name: t.Name, Description: t.Description})
	}
	for _, name := range slices.Sorted(maps.Keys(d.Components.SecuritySchemes)) {
		s := d.Components.SecuritySchemes[name]
		ref.Security = append(ref.Security, Scheme{Name: name, Type: s.Type, Description: s.Description})
	}
	for _, path := range slices.Sorted(maps.Keys(d.Paths)) {
		item := d.Paths[path]
		for _, m := range methods {
			raw, ok := item[m]
			if !ok {
				continue
			}
			var o operation
			if err := json.Unmarshal(raw, &o); err != nil {
				return nil, fmt.Errorf("%s %s: %v", m, path, err)
			}
			op, err := d.operation(strings.ToUpper(m), path, o)
			if err != nil {
				return nil, err
			}
			if len(o.Tags) == 0 {
				return nil, fmt.Errorf("%s: no tag", op.Route())
			}
			i, ok := tags[o.Tags[0]]
			if !ok {
				return nil, fmt.Errorf("%s: tag %q is not among the document's tags", op.Route(), o.Tags[0])
			}
			ref.Tags[i].Operations = append(ref.Tags[i].Operations, op)
		}
	}
	return ref, nil
}

// operation is o, at method and path, with its references resolved.
func (d *doc) operation(method, path string, o operation) (Operation, error) {
	op := Operation{Method: method, Path: path, ID: o.OperationID, Summary: o.Summary, Description: o.Description}
	security := d.Security
	if o.Security != nil {
		security = *o.Security
	}
	for _, req := range security {
		for name := range req {
			if !slices.Contains(op.Security, name) {
				op.Security = append(op.Security, name)
			}
		}
	}
	slices.Sort(op.Security)
	for _, p := range o.Parameters {
		if p.Ref != "" {
			got, err := component(p.Ref, "parameters", d.Components.Parameters)
			if err != nil {
				return op, fmt.Errorf("%s %s: %v", method, path, err)
			}
			p = got
		}
		op.Parameters = append(op.Parameters, Parameter{Name: p.Name, In: p.In, Description: p.Description, Required: p.Required, Type: p.Schema.describe()})
	}
	var declared, templated []string
	for _, p := range op.Parameters {
		if p.In == "path" {
			declared = append(declared, p.Name)
		}
	}
	for _, seg := range strings.Split(path, "/") {
		if name, ok := strings.CutPrefix(seg, "{"); ok {
			templated = append(templated, strings.TrimSuffix(name, "}"))
		}
	}
	slices.Sort(declared)
	slices.Sort(templated)
	if !slices.Equal(declared, templated) {
		return op, fmt.Errorf("%s %s: path parameters %v declared, %v in the template", method, path, declared, templated)
	}
	if o.RequestBody != nil {
		op.RequestTypes = slices.Sorted(maps.Keys(o.RequestBody.Content))
		for _, t := range op.RequestTypes {
			if ex := o.RequestBody.Content[t].Example; len(ex) > 0 {
				op.RequestExample = example(ex)
				break
			}
		}
	}
	for _, status := range slices.Sorted(maps.Keys(o.Responses)) {
		r := o.Responses[status]
		if r.Ref != "" {
			got, err := component(r.Ref, "responses", d.Components.Responses)
			if err != nil {
				return op, fmt.Errorf("%s %s: %v", method, path, err)
			}
			r = got
		}
		op.Responses = append(op.Responses, Response{Status: status, Description: r.Description, Types: slices.Sorted(maps.Keys(r.Content))})
		for _, t := range slices.Sorted(maps.Keys(r.Content)) {
			if ex := r.Content[t].Example; len(ex) > 0 && op.ResponseExample == "" && strings.HasPrefix(status, "2") {
				op.ResponseExample = example(ex)
			}
		}
	}
	return op, nil
}

// component is what ref, a reference to one of the document's components
// of kind ("#/components/<kind>/<name>"), names among those.
func component[T any](ref, kind string, components map[string]T) (T, error) {
	name, local := strings.CutPrefix(ref, "#/components/"+kind+"/")
	c, ok := components[name]
	if !local || !ok {
		return c, fmt.Errorf("no %s %s", kind, ref)
	}
	return c, nil
}

// describe says a parameter's type in a word or two: "string",
// "integer", "one of a, b", or the referenced schema's name.
func (s schema) describe() string {
	switch {
	case len(s.Enum) > 0:
		return "one of " + strings.Join(s.Enum, ", ")
	case s.Ref != "":
		return s.Ref[strings.LastIndex(s.Ref, "/")+1:]
	}
	var t string
	if json.Unmarshal(s.Type, &t) == nil {
		return t
	}
	return "string"
}

// example is an example as the page shows it: indented JSON, or the text
// of a string example (a CSV file, say).
func example(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var b bytes.Buffer
	if json.Indent(&b, raw, "", "  ") != nil {
		return string(raw)
	}
	return b.String()
}
