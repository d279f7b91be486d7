// Package statuslist owns credential status: the W3C Bitstring Status List
// (a bitstring published as a credential, one bit per issued credential),
// its StatusList2021 predecessor, and reading 1EdTech's revocation list.
//
// A [List] is the bitstring; [ListCredential] wraps it in the unsigned
// BitstringStatusListCredential an issuer signs and publishes. A verifier
// parses a credential's credentialStatus with [ParseEntry], fetches and
// verifies the list credential itself, then asks [Check] (or
// [CheckRevocationList] for a 1EdTechRevocationList) whether the bit is set.
//
// Errors about input are *badged.Error values of kind Invalid or TooLarge.
package statuslist

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"io"
	"strings"

	"github.com/badged/badged"
)

// Limits.
const (
	// MinSize is the smallest list [New] makes, in entries: 16 KiB of bits,
	// the minimum the Bitstring Status List spec sets for group privacy.
	MinSize = 131072
	// MaxBytes is the largest decompressed bitstring [Decode] accepts
	// (16,777,216 entries). Anything larger is refused as a gzip bomb.
	MaxBytes = 2 << 20
	// maxEncoded bounds the encodedList string before decoding.
	maxEncoded = 4 << 20
)

// List is a bitstring of statuses. Index 0 is the most significant bit of
// the first byte. The zero value is an empty list; use [New] or [Decode].
type List struct {
	bits []byte
}

// New returns a list of at least size entries, all unset: size is rounded
// up to [MinSize] and to a multiple of 8.
func New(size int) *List {
	size = max(size, MinSize)
	return &List{bits: make([]byte, (size+7)/8)}
}

// Len returns the number of entries in l.
func (l *List) Len() int { return len(l.bits) * 8 }

func (l *List) check(i int) error {
	if i < 0 || i >= l.Len() {
		return badged.Errorf(badged.Invalid, "status list index %d is out of range (the list has %d entries)", i, l.Len())
	}
	return nil
}

// Set sets entry i to v. The error is Invalid when i is out of range.
func (l *List) Set(i int, v bool) error {
	if err := l.check(i); err != nil {
		return err
	}
	mask := byte(0x80) >> (i % 8)
	if v {
		l.bits[i/8] |= mask
	} else {
		l.bits[i/8] &^= mask
	}
	return nil
}

// Get returns entry i. The error is Invalid when i is out of range.
func (l *List) Get(i int) (bool, error) {
	if err := l.check(i); err != nil {
		return false, err
	}
	return l.bits[i/8]&(0x80>>(i%8)) != 0, nil
}

// Encode returns the encodedList form of l: "u" (multibase base64url) then
// the unpadded base64url of the GZIP-compressed bitstring. It returns an
// error only if compression fails, which does not happen in practice.
func (l *List) Encode() (string, error) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(l.bits); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return "u" + base64.RawURLEncoding.EncodeToString(b.Bytes()), nil
}

// Decode parses an encodedList: multibase base64url ("u" prefix, as the
// Bitstring Status List spec requires) or, for StatusList2021 lists, the
// same without the multibase prefix. Padding and the standard base64
// alphabet are accepted in the legacy form.
//
// The error is Invalid for a bad encoding, another multibase, or corrupt
// GZIP, and TooLarge when the bitstring would exceed [MaxBytes].
func Decode(s string) (*List, error) {
	if len(s) > maxEncoded {
		return nil, badged.Errorf(badged.TooLarge, "the encoded status list is longer than %d bytes", maxEncoded)
	}
	var raw []byte
	var err error
	switch {
	case strings.HasPrefix(s, "u"):
		raw, err = base64.RawURLEncoding.DecodeString(s[1:])
	case strings.HasPrefix(s, "H4sI"): // base64 of the GZIP magic: a StatusList2021 list
		legacy := strings.TrimRight(s, "=")
		if strings.ContainsAny(legacy, "+/") {
			raw, err = base64.RawStdEncoding.DecodeString(legacy)
		} else {
			raw, err = base64.RawURLEncoding.DecodeString(legacy)
		}
	case s == "":
		return nil, badged.Errorf(badged.Invalid, "the encoded status list is empty")
	default:
		return nil, badged.Errorf(badged.Invalid, "the encoded status list is not multibase base64url (it must start with \"u\")")
	}
	if err != nil {
		return nil, badged.Errorf(badged.Invalid, "the encoded status list is not valid base64url: %v", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, badged.Errorf(badged.Invalid, "the status list is not GZIP compressed: %v", err)
	}
	bits, err := io.ReadAll(io.LimitReader(zr, MaxBytes+1))
	if err != nil {
		return nil, badged.Errorf(badged.Invalid, "the status list's GZIP data is corrupt: %v", err)
	}
	if len(bits) > MaxBytes {
		return nil, badged.Errorf(badged.TooLarge, "the status list is larger than %d bytes uncompressed", MaxBytes)
	}
	if len(bits) == 0 {
		return nil, badged.Errorf(badged.Invalid, "the status list is empty")
	}
	return &List{bits: bits}, nil
}
