package issuer

import "errors"

// A Stamp is the version at which a stored record was read for a write
// that depends on it: the store makes the write only while the record
// still has that version, and otherwise refuses it with Conflict and
// [ErrStale]. It lets a writer keep what it read (a badge class, a key
// ring) across writes without its credentials ever stating what has
// changed since.
type Stamp struct {
	Kind    StampKind
	ID      string
	Version int64
}

// StampKind is the kind of record a [Stamp] names.
type StampKind string

// The kinds of record a write can depend on.
const (
	StampInstitution StampKind = "institution"
	StampGroup       StampKind = "group"
	StampIssuer      StampKind = "issuer"
	StampBadgeClass  StampKind = "badge_class"
	StampKeyRing     StampKind = "key_ring" // an institution's signing keys, by institution ID
)

// ErrStale is what a store's refusal of a write wraps when a record the
// write was prepared from (a [Stamp]) has another version now.
var ErrStale = errors.New("a record the write was prepared from has changed")

// Stamps returns the versions of the four records of l.
func (l Lineage) Stamps() []Stamp {
	return []Stamp{
		{StampInstitution, l.Institution.ID, l.Institution.Version},
		{StampGroup, l.Group.ID, l.Group.Version},
		{StampIssuer, l.Issuer.ID, l.Issuer.Version},
		{StampBadgeClass, l.BadgeClass.ID, l.BadgeClass.Version},
	}
}
