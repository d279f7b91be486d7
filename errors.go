// Package badged holds what every part of badged shares: the error type
// that carries a kind for the web layer and a message for people.
//
// The domain lives in its own packages: credential (Open Badges 3.0 and
// VC 2.0 types and proofs), did, verifier, and the issuing and wallet
// services. cmd/badged wires them together.
package badged

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies an [Error] so the web layer can choose a status code and
// the CLI an exit message without parsing text.
type Kind string

// Kinds of error.
const (
	Invalid      Kind = "invalid"      // the input is wrong; Message says how
	NotFound     Kind = "not_found"    // the thing asked for does not exist
	Conflict     Kind = "conflict"     // the change clashes with current state
	Unauthorized Kind = "unauthorized" // the caller is not known
	Forbidden    Kind = "forbidden"    // the caller may not do this
	TooLarge     Kind = "too_large"    // the input exceeds a limit
	Unavailable  Kind = "unavailable"  // a dependency (network, store) failed
	Internal     Kind = "internal"     // a bug or an unexpected failure
)

// Error is badged's error. Message is shown to people; Err is the cause,
// logged but never shown when Kind is Internal. An Invalid error may say
// what is wrong with each field of the input in Fields, as data (the API
// sends them as a problem's "errors", a form shows each at its field).
type Error struct {
	Kind    Kind
	Message string
	Fields  []FieldError
	Err     error
}

// FieldError says what is wrong with one field of an input.
type FieldError struct {
	Field   string // its path in the input: "name", "terms.version", "rows.3.email"
	Message string
}

// InvalidFields returns an Invalid *Error about the input what with the problem
// of each field; its message lists them: "invalid what: field: message;
// field: message".
func InvalidFields(what string, fields ...FieldError) *Error {
	var b strings.Builder
	b.WriteString("invalid " + what + ": ")
	for i, f := range fields {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.Field + ": " + f.Message)
	}
	return &Error{Kind: Invalid, Message: b.String(), Fields: fields}
}

// Errorf returns an *Error of the given kind with a formatted message.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error of the given kind and message caused by err.
func Wrap(kind Kind, err error, message string) *Error {
	return &Error{Kind: kind, Message: message, Err: err}
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of the first *Error in err's chain, or Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// FieldsOf returns the field errors of the first *Error in err's chain, or
// nil.
func FieldsOf(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// MessageOf returns the message meant for people: the *Error's message, or
// "internal error" when err is not an *Error or is Internal.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Kind != Internal {
		return e.Message
	}
	return "internal error"
}

// MessagesOf returns the [MessageOf] of each error err joins (errors.Join),
// or of err itself when it joins none.
func MessagesOf(err error) []string {
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return []string{MessageOf(err)}
	}
	var out []string
	for _, e := range j.Unwrap() {
		out = append(out, MessageOf(e))
	}
	return out
}
