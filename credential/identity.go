package credential

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/badged/badged"
)

// Identity types badged writes. OB 3.0 lists more (IdentifierTypeEnum) and
// allows "ext:" values; any of them may be passed to [NewIdentityObject].
const (
	IdentityEmail    = "emailAddress"
	IdentitySourced  = "sourcedId"
	IdentityUserName = "userName" // e.g. an eduID subject or EPPN
)

// HashIdentity returns the OB 3.0 IdentityHash of identity salted with salt:
// "sha256$" followed by the lowercase hex SHA-256 of the UTF-8 bytes of
// identity+salt (the salt is appended, as the spec defines). An empty salt
// gives the unsalted hash.
//
// The spec's example: HashIdentity("a@example.com", "Kosher") is
// "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399".
func HashIdentity(identity, salt string) string {
	sum := sha256.Sum256([]byte(identity + salt))
	return "sha256$" + hex.EncodeToString(sum[:])
}

// saltBytes is the entropy of a salt: 128 bits, hex-encoded.
const saltBytes = 16

// NewIdentityObject returns a hashed IdentityObject for identity, with a
// fresh random salt read from rand. Email addresses (identityType
// emailAddress) are lowercased and trimmed before hashing, so that
// [IdentityObject.Matches] can compare them case-insensitively. It returns
// an Invalid *badged.Error if identityType or identity is empty, and the
// error of rand if it fails.
func NewIdentityObject(identityType, identity string, rand io.Reader) (IdentityObject, error) {
	if identityType == "" || identity == "" {
		return IdentityObject{}, badged.Errorf(badged.Invalid, "an identifier needs a type and a value")
	}
	b := make([]byte, saltBytes)
	if _, err := io.ReadFull(rand, b); err != nil {
		return IdentityObject{}, fmt.Errorf("read salt: %w", err)
	}
	salt := hex.EncodeToString(b)
	return IdentityObject{
		Type:         TypeIdentityObject,
		Hashed:       true,
		IdentityHash: HashIdentity(normalizeIdentity(identityType, identity), salt),
		IdentityType: identityType,
		Salt:         salt,
	}, nil
}

// IdentityObject identifies a recipient without a DID, usually by a salted
// hash of an email address or an institution's identifier.
type IdentityObject struct {
	Type         string `json:"type"` // "IdentityObject"
	Hashed       bool   `json:"hashed"`
	IdentityHash string `json:"identityHash"`
	IdentityType string `json:"identityType"`
	Salt         string `json:"salt,omitempty"`
}

// Matches reports whether identity is the identity o stands for. A hashed
// o is compared as its hash; only sha256 is accepted (OB 3.0 also allows
// md5, which badged does not trust). An unhashed o compares identityHash
// with identity directly. Comparisons run in constant time in
// the length of the hash.
//
// Email addresses match case-insensitively and ignoring surrounding space:
// mail systems treat them so, OB 2 issuers hashed them lowercased, and
// [NewIdentityObject] lowercases before hashing. Both the identity as given
// and its lowercase form are tried, so a hash of a mixed-case address made
// by another issuer still matches its exact spelling.
func (o IdentityObject) Matches(identity string) bool {
	candidates := []string{identity}
	if n := normalizeIdentity(o.IdentityType, identity); n != identity {
		candidates = append(candidates, n)
	}
	ok := false
	for _, c := range candidates {
		if o.matchesExactly(c) {
			ok = true
		}
	}
	return ok
}

func (o IdentityObject) matchesExactly(identity string) bool {
	if !o.Hashed {
		want := o.IdentityHash
		if o.IdentityType == IdentityEmail {
			want = normalizeIdentity(IdentityEmail, want)
			identity = normalizeIdentity(IdentityEmail, identity)
		}
		return subtle.ConstantTimeCompare([]byte(want), []byte(identity)) == 1
	}
	alg, hexSum, ok := strings.Cut(o.IdentityHash, "$")
	if !ok || !strings.EqualFold(alg, "sha256") {
		return false
	}
	got := HashIdentity(identity, o.Salt)[len("sha256$"):]
	return subtle.ConstantTimeCompare([]byte(strings.ToLower(hexSum)), []byte(got)) == 1
}

func normalizeIdentity(identityType, identity string) string {
	if identityType == IdentityEmail {
		return strings.ToLower(strings.TrimSpace(identity))
	}
	return identity
}
