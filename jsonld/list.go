package jsonld

import (
	"bytes"
	"encoding/json"
)

// JSON-LD lets one value stand for a list of one: "type": "X" is
// "type": ["X"]. These read such values either way, for every package
// that reads credentials, DID documents and presentations.

// List returns a JSON value as a list: itself when it is one, nil for
// nil, else the one value it is.
func List(v any) []any {
	switch l := v.(type) {
	case nil:
		return nil
	case []any:
		return l
	}
	return []any{v}
}

// DecodeOneOrMany decodes raw, a JSON value or an array of them, into the
// slice *dst; absent or null leaves *dst as it is.
func DecodeOneOrMany[T any](raw json.RawMessage, dst *[]T) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil
	}
	if raw[0] == '[' {
		return json.Unmarshal(raw, dst)
	}
	var one T
	if err := json.Unmarshal(raw, &one); err != nil {
		return err
	}
	*dst = []T{one}
	return nil
}
