// Package render writes what web's handlers answer: JSON, and every error
// as an RFC 9457 problem (application/problem+json) whose status comes from
// the error's [badged.Kind] through one table.
package render

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/badged/badged"
	"github.com/badged/badged/web/request"
)

// statusOf maps each kind of error to its HTTP status: the one table
// (see [Status]).
var statusOf = map[badged.Kind]int{
	badged.Invalid:      http.StatusBadRequest,
	badged.NotFound:     http.StatusNotFound,
	badged.Conflict:     http.StatusConflict,
	badged.Unauthorized: http.StatusUnauthorized,
	badged.Forbidden:    http.StatusForbidden,
	badged.TooLarge:     http.StatusRequestEntityTooLarge,
	badged.Unavailable:  http.StatusServiceUnavailable,
	badged.Internal:     http.StatusInternalServerError,
}

// Status is the HTTP status of an error of kind k: 500 for a kind the
// table does not know.
func Status(k badged.Kind) int {
	if s, ok := statusOf[k]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// ProblemType is the prefix of the type URI of each problem; the kind
// follows it, e.g. "urn:badged:problem:forbidden".
const ProblemType = "urn:badged:problem:"

// Problem is an RFC 9457 problem detail, as the API sends every error.
type Problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail,omitempty"`
	Instance  string         `json:"instance,omitempty"`
	RequestID string         `json:"requestId,omitempty"`
	Errors    []FieldProblem `json:"errors,omitempty"` // the invalid fields, for an invalid request
}

// FieldProblem says what is wrong with one field of a request: a
// [badged.FieldError] as the problem's "errors" member sends it.
type FieldProblem struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

// StatusError is an HTTP-level refusal that has no badged.Kind, such as
// an unsupported media type.
type StatusError struct {
	Status int
	Kind   string
	Detail string
}

func (e *StatusError) Error() string { return e.Detail }

// Error sends err as application/problem+json. Its status comes from
// [Status]; only Internal errors are logged, to log when it is not nil,
// and their detail is never sent.
func Error(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	p := Problem{Instance: r.URL.Path, RequestID: request.ID(r.Context())}
	var se *StatusError
	if errors.As(err, &se) {
		p.Type, p.Status, p.Detail = ProblemType+se.Kind, se.Status, se.Detail
	} else {
		kind := badged.KindOf(err)
		p.Type, p.Status, p.Detail = ProblemType+string(kind), Status(kind), badged.MessageOf(err)
		if kind == badged.Invalid {
			p.Errors = fieldProblems(err)
		}
		if kind == badged.Internal && log != nil {
			log.Error("internal error", "method", r.Method, "path", r.URL.Path, "request_id", p.RequestID, "err", err)
		}
	}
	p.Title = http.StatusText(p.Status)
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(p)
}

// fieldProblems lists the invalid fields of an error ([badged.FieldsOf]).
func fieldProblems(err error) []FieldProblem {
	var out []FieldProblem
	for _, f := range badged.FieldsOf(err) {
		out = append(out, FieldProblem{Field: f.Field, Detail: f.Message})
	}
	return out
}

// HandlerFunc is a handler that returns its error instead of writing it:
// [Problems] writes it, once for every handler.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Problems returns f as an http.HandlerFunc that sends f's error, if any,
// as a problem ([Error]), logging an internal one to log.
func Problems(log *slog.Logger, f HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := f(w, r); err != nil {
			Error(w, r, log, err)
		}
	}
}

// JSON sends v as indented JSON with status.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// ETag is a strong ETag of body: a hash of its bytes.
func ETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}
