package badged

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// Cursor is a position in a list ordered by Time, then ID: newest first
// for the audit trail and the outbox (see Before), oldest first for awards
// (issuer.AwardQuery). The zero cursor is the start. Its String form is
// what the API's ?cursor= and pages' next links carry.
type Cursor struct {
	Time time.Time
	ID   string
}

// IsZero reports whether c is the start.
func (c Cursor) IsZero() bool { return c.ID == "" && c.Time.IsZero() }

// Before reports whether the position (t, id) comes after c in
// newest-first order, that is, whether it is older.
func (c Cursor) Before(t time.Time, id string) bool {
	if c.IsZero() {
		return true
	}
	return t.Before(c.Time) || t.Equal(c.Time) && id < c.ID
}

// String returns c in an opaque URL-safe form that [ParseCursor] reads;
// the zero cursor is "".
func (c Cursor) String() string {
	if c.IsZero() {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.Time.UnixNano(), 10) + "." + c.ID))
}

// ParseCursor reads the form [Cursor.String] writes. It fails with an
// Invalid *Error for anything else.
func ParseCursor(s string) (Cursor, error) {
	if s == "" {
		return Cursor{}, nil
	}
	bad := Errorf(Invalid, "invalid page cursor")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, bad
	}
	ns, id, ok := strings.Cut(string(b), ".")
	n, err := strconv.ParseInt(ns, 10, 64)
	if !ok || err != nil || id == "" {
		return Cursor{}, bad
	}
	return Cursor{Time: time.Unix(0, n).UTC(), ID: id}, nil
}
