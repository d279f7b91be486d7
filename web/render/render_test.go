package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/badged/badged"
)

// TestProblems: a handler's error is written once, as a problem whose
// status comes from its kind, with its field errors as "errors"; an
// internal one is logged and never sent.
func TestProblems(t *testing.T) {
	for name, tc := range map[string]struct {
		err    error
		status int
		fields []FieldProblem
		logged bool
	}{
		"ok/no-error":      {nil, http.StatusOK, nil, false},
		"fail/not-found":   {badged.Errorf(badged.NotFound, "gone"), http.StatusNotFound, nil, false},
		"fail/fields":      {badged.InvalidFields("group", badged.FieldError{Field: "name", Message: "required"}), http.StatusBadRequest, []FieldProblem{{Field: "name", Detail: "required"}}, false},
		"fail/status":      {&StatusError{Status: http.StatusUnsupportedMediaType, Kind: "unsupported_media_type", Detail: "send JSON"}, http.StatusUnsupportedMediaType, nil, false},
		"fail/internal":    {errors.New("secret detail"), http.StatusInternalServerError, nil, true},
		"fail/unknownKind": {badged.Errorf("strange", "odd"), http.StatusInternalServerError, nil, false},
	} {
		t.Run(name, func(t *testing.T) {
			var log bytes.Buffer
			h := Problems(slog.New(slog.NewTextHandler(&log, nil)), func(w http.ResponseWriter, r *http.Request) error {
				return tc.err
			})
			w := httptest.NewRecorder()
			h(w, httptest.NewRequest("GET", "/x", nil))
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d", w.Code, tc.status)
			}
			if tc.err == nil {
				if w.Body.Len() != 0 {
					t.Errorf("a body without an error: %s", w.Body)
				}
				return
			}
			var p Problem
			if w.Header().Get("Content-Type") != "application/problem+json" || json.Unmarshal(w.Body.Bytes(), &p) != nil || p.Status != tc.status {
				t.Fatalf("%q %s", w.Header().Get("Content-Type"), w.Body)
			}
			if len(p.Errors) != len(tc.fields) || len(p.Errors) > 0 && p.Errors[0] != tc.fields[0] {
				t.Errorf("errors %+v, want %+v", p.Errors, tc.fields)
			}
			if strings.Contains(w.Body.String(), "secret detail") {
				t.Error("an internal error's detail was sent")
			}
			if logged := strings.Contains(log.String(), "internal error"); logged != tc.logged {
				t.Errorf("logged %v: %s", logged, log.String())
			}
		})
	}
}
