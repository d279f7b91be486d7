package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/badged/badged"
	"github.com/badged/badged/web/request"
)

// decode reads the JSON body of r into v, refusing unknown fields,
// trailing data and a body over the size limit.
func decode(r *http.Request, what string, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if dec.Decode(&struct{}{}) != io.EOF {
			return badged.InvalidFields(what, badged.FieldError{Field: "body", Message: "holds more than one JSON value"})
		}
		return nil
	}
	var (
		ute *json.UnmarshalTypeError
		se  *json.SyntaxError
	)
	limit, over := request.OverLimit(err)
	switch {
	case over:
		return badged.Errorf(badged.TooLarge, "the request body is larger than %d bytes", limit)
	case errors.Is(err, io.EOF):
		return badged.InvalidFields(what, badged.FieldError{Field: "body", Message: "empty; send a JSON object"})
	case errors.As(err, &ute):
		return badged.InvalidFields(what, badged.FieldError{Field: ute.Field, Message: "must be " + ute.Type.String()})
	case errors.As(err, &se):
		return badged.InvalidFields(what, badged.FieldError{Field: "body", Message: fmt.Sprintf("not JSON (at byte %d)", se.Offset)})
	}
	return badged.InvalidFields(what, badged.FieldError{Field: "body", Message: fmt.Sprintf("%v", err)}) // unknown field, or cut short
}

// versionBody is the body of a state change of a versioned record.
type versionBody struct {
	Version *int64 `json:"version"`
}

func decodeVersion(r *http.Request) (int64, error) {
	var b versionBody
	if err := decode(r, "request", &b); err != nil {
		return 0, err
	}
	if b.Version == nil {
		return 0, badged.InvalidFields("request", badged.FieldError{Field: "version", Message: "required: the version you last read"})
	}
	return *b.Version, nil
}

func queryVersion(r *http.Request) (int64, error) {
	v, err := strconv.ParseInt(r.URL.Query().Get("version"), 10, 64)
	if err != nil {
		return 0, badged.InvalidFields("request", badged.FieldError{Field: "version", Message: "required in the query: the version you last read"})
	}
	return v, nil
}
