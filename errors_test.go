package badged

import (
	"fmt"
	"testing"
)

func TestInvalidFields(t *testing.T) {
	err := fmt.Errorf("save: %w", InvalidFields("group", FieldError{"name", "required"}, FieldError{"imageUrl", "must be https"}))
	if KindOf(err) != Invalid || MessageOf(err) != "invalid group: name: required; imageUrl: must be https" {
		t.Errorf("kind %s, message %q", KindOf(err), MessageOf(err))
	}
	if f := FieldsOf(err); len(f) != 2 || f[1] != (FieldError{"imageUrl", "must be https"}) {
		t.Errorf("fields %+v", f)
	}
	if f := FieldsOf(Errorf(Invalid, "invalid group: name: required")); f != nil {
		t.Errorf("fields read from a message: %+v", f)
	}
}
