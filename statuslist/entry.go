package statuslist

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/badged/badged"
)

// Status entry types.
const (
	TypeBitstring      = "BitstringStatusListEntry"
	TypeStatusList2021 = "StatusList2021Entry"
	TypeRevocationList = "1EdTechRevocationList"
)

// Status purposes.
const (
	PurposeRevocation = "revocation"
	PurposeSuspension = "suspension"
)

// ErrUnsupported is wrapped by [ParseEntry]'s error for a credentialStatus
// of a type this package does not know, so a verifier can warn rather
// than fail.
var ErrUnsupported = errors.New("unsupported credentialStatus type")

// Entry is one credentialStatus of a credential.
type Entry struct {
	ID      string // the entry's id, if any
	Type    string // TypeBitstring, TypeStatusList2021 or TypeRevocationList
	Purpose string // statusPurpose; empty for TypeRevocationList
	Index   int    // statusListIndex
	// ListCredential is the URL of the status list credential, or for a
	// 1EdTechRevocationList the URL of the revocation list (its id).
	ListCredential string
}

// ParseEntry reads a credential's credentialStatus as decoded by
// encoding/json (numbers as float64 or json.Number): one object or an
// array of them.
//
// The error is Invalid when a member is missing or malformed, and wraps
// [ErrUnsupported] for a type other than the three this package knows.
func ParseEntry(v any) ([]Entry, error) {
	switch v := v.(type) {
	case map[string]any:
		e, err := parseEntry(v)
		if err != nil {
			return nil, err
		}
		return []Entry{e}, nil
	case []any:
		if len(v) == 0 {
			return nil, badged.Errorf(badged.Invalid, "credentialStatus is an empty array")
		}
		entries := make([]Entry, 0, len(v))
		for i, item := range v {
			m, ok := item.(map[string]any)
			if !ok {
				return nil, badged.Errorf(badged.Invalid, "credentialStatus[%d] is not an object", i)
			}
			e, err := parseEntry(m)
			if err != nil {
				return nil, err
			}
			entries = append(entries, e)
		}
		return entries, nil
	default:
		return nil, badged.Errorf(badged.Invalid, "credentialStatus is neither an object nor an array")
	}
}

func parseEntry(m map[string]any) (Entry, error) {
	var e Entry
	if id, ok := m["id"]; ok {
		s, ok := id.(string)
		if !ok {
			return e, badged.Errorf(badged.Invalid, "credentialStatus id is not a string")
		}
		e.ID = s
	}
	types := stringOrList(m["type"])
	switch {
	case slices.Contains(types, TypeBitstring):
		e.Type = TypeBitstring
	case slices.Contains(types, TypeStatusList2021):
		e.Type = TypeStatusList2021
	case slices.Contains(types, TypeRevocationList):
		e.Type = TypeRevocationList
		if e.ID == "" {
			return e, badged.Errorf(badged.Invalid, "a 1EdTechRevocationList credentialStatus has no id")
		}
		e.ListCredential = e.ID
		return e, nil
	case len(types) == 0:
		return e, badged.Errorf(badged.Invalid, "credentialStatus has no type")
	default:
		return e, badged.Wrap(badged.Invalid, ErrUnsupported, "credentialStatus type "+strconv.Quote(types[0])+" is not supported")
	}

	purpose, ok := m["statusPurpose"].(string)
	if !ok || purpose == "" {
		return e, badged.Errorf(badged.Invalid, "credentialStatus has no statusPurpose")
	}
	e.Purpose = purpose
	list, ok := m["statusListCredential"].(string)
	if !ok || list == "" {
		return e, badged.Errorf(badged.Invalid, "credentialStatus has no statusListCredential")
	}
	e.ListCredential = list
	if size, ok := m["statusSize"]; ok {
		if n, err := index(size); err != nil || n != 1 {
			return e, badged.Errorf(badged.Invalid, "credentialStatus statusSize other than 1 is not supported")
		}
	}
	idx, err := index(m["statusListIndex"])
	if err != nil {
		return e, err
	}
	e.Index = idx
	return e, nil
}

// index reads a statusListIndex: a string of decimal digits or a JSON
// number, not negative and within a list of [MaxBytes].
func index(v any) (int, error) {
	var n float64
	switch v := v.(type) {
	case string:
		i, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return 0, badged.Errorf(badged.Invalid, "statusListIndex %q is not a non-negative integer", v)
		}
		n = float64(i)
	case float64:
		n = v
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return 0, badged.Errorf(badged.Invalid, "statusListIndex %s is not a number", v)
		}
		n = f
	case nil:
		return 0, badged.Errorf(badged.Invalid, "credentialStatus has no statusListIndex")
	default:
		return 0, badged.Errorf(badged.Invalid, "statusListIndex is neither a string nor a number")
	}
	if n < 0 || n != math.Trunc(n) || n >= MaxBytes*8 {
		return 0, badged.Errorf(badged.Invalid, "statusListIndex %v is not a valid index", n)
	}
	return int(n), nil
}

// stringOrList returns v as a list of strings when it is a string or an
// array of strings, ignoring other members.
func stringOrList(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, item := range v {
			if s, ok := item.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case []string:
		return v
	}
	return nil
}

// ListCredential returns the unsigned BitstringStatusListCredential that
// publishes l at id: VC 2.0, issued by issuer, valid from validFrom, whose
// subject (id+"#list") carries the purpose and the encoded list.
func ListCredential(id, issuer string, purpose string, l *List, validFrom time.Time) map[string]any {
	encoded, err := l.Encode()
	if err != nil {
		// GZIP into a bytes.Buffer cannot fail.
		panic("statuslist: encode: " + err.Error())
	}
	return map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2"},
		"id":        id,
		"type":      []any{"VerifiableCredential", "BitstringStatusListCredential"},
		"issuer":    issuer,
		"validFrom": validFrom.UTC().Format(time.RFC3339),
		"credentialSubject": map[string]any{
			"id":            id + "#list",
			"type":          "BitstringStatusList",
			"statusPurpose": purpose,
			"encodedList":   encoded,
		},
	}
}

// Check reads entry's bit from listCredential, the status list credential
// fetched from entry.ListCredential whose proof the caller has verified.
// It checks that the credential is a list of the entry's kind
// (BitstringStatusListCredential, or StatusList2021Credential for a
// StatusList2021Entry) and that its statusPurpose matches the entry's.
// set is true when the credential is revoked or suspended, per the purpose.
//
// The error is Invalid when the list credential is malformed, its purpose
// differs, or the index is outside the list; TooLarge for a bitstring over
// [MaxBytes].
func Check(entry Entry, listCredential map[string]any) (set bool, err error) {
	return CheckWith(entry, listCredential, Decode)
}

// CheckWith is [Check] with the bitstring decoded by decode, such as a
// caller's remembered [Decode] of the same list.
func CheckWith(entry Entry, listCredential map[string]any, decode func(encoded string) (*List, error)) (set bool, err error) {
	credType, subjectType := "BitstringStatusListCredential", "BitstringStatusList"
	switch entry.Type {
	case TypeBitstring:
	case TypeStatusList2021:
		credType, subjectType = "StatusList2021Credential", "StatusList2021"
	default:
		return false, badged.Errorf(badged.Invalid, "a %s credentialStatus is not checked against a status list", entry.Type)
	}
	if !slices.Contains(stringOrList(listCredential["type"]), credType) {
		return false, badged.Errorf(badged.Invalid, "the status list credential is not a %s", credType)
	}
	subject, ok := listCredential["credentialSubject"].(map[string]any)
	if !ok {
		return false, badged.Errorf(badged.Invalid, "the status list credential has no credentialSubject object")
	}
	if !slices.Contains(stringOrList(subject["type"]), subjectType) {
		return false, badged.Errorf(badged.Invalid, "the status list's credentialSubject is not a %s", subjectType)
	}
	if !slices.Contains(stringOrList(subject["statusPurpose"]), entry.Purpose) {
		return false, badged.Errorf(badged.Invalid, "the status list's purpose is not %q, the credential's statusPurpose", entry.Purpose)
	}
	encoded, ok := subject["encodedList"].(string)
	if !ok {
		return false, badged.Errorf(badged.Invalid, "the status list credential has no encodedList")
	}
	l, err := decode(encoded)
	if err != nil {
		return false, err
	}
	return l.Get(entry.Index)
}

// CheckRevocationList reports whether doc, the 1EdTech revocation list
// fetched from entry.ListCredential, revokes the credential with id
// credentialID. The document holds "revokedCredentials": an array of
// objects with the revoked credential's "id", an optional "revoked"
// (true when absent) and an optional "revocationReason", returned as
// reason.
//
// The error is Invalid when entry is not a 1EdTechRevocationList, or doc
// or credentialID is malformed.
func CheckRevocationList(entry Entry, credentialID string, doc map[string]any) (revoked bool, reason string, err error) {
	if entry.Type != TypeRevocationList {
		return false, "", badged.Errorf(badged.Invalid, "a %s credentialStatus is not checked against a 1EdTech revocation list", entry.Type)
	}
	if credentialID == "" {
		return false, "", badged.Errorf(badged.Invalid, "the credential has no id to look up in its revocation list")
	}
	list, ok := doc["revokedCredentials"]
	if !ok {
		return false, "", badged.Errorf(badged.Invalid, "the revocation list has no revokedCredentials")
	}
	items, ok := list.([]any)
	if !ok {
		return false, "", badged.Errorf(badged.Invalid, "the revocation list's revokedCredentials is not an array")
	}
	for _, item := range items {
		m, ok := item.(map[string]any)
		if !ok {
			return false, "", badged.Errorf(badged.Invalid, "the revocation list holds an entry that is not an object")
		}
		if id, _ := m["id"].(string); id != credentialID {
			continue
		}
		if r, ok := m["revoked"]; ok {
			b, ok := r.(bool)
			if !ok {
				return false, "", badged.Errorf(badged.Invalid, "the revocation list's revoked member is not a boolean")
			}
			if !b {
				continue
			}
		}
		reason, _ = m["revocationReason"].(string)
		return true, reason, nil
	}
	return false, "", nil
}
