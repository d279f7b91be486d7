package badged

import (
	"errors"
	"fmt"
	"slices"
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

func TestMessagesOf(t *testing.T) {
	for name, tc := range map[string]struct {
		err  error
		want []string
	}{
		"ok/one":    {Errorf(Conflict, "changed"), []string{"changed"}},
		"ok/joined": {errors.Join(Errorf(Conflict, "changed"), fmt.Errorf("db: down")), []string{"changed", "internal error"}},
	} {
		t.Run(name, func(t *testing.T) {
			if got := MessagesOf(tc.err); !slices.Equal(got, tc.want) {
				t.Errorf("MessagesOf = %q, want %q", got, tc.want)
			}
		})
	}
}
