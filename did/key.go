package did

import (
	"crypto"
	"strings"

	"github.com/badged/badged"
)

// KeyDID returns the did:key of pub: "did:key:" and its multikey
// ("did:key:z6Mk..." for Ed25519, "did:key:zDn..." for P-256). Its one
// verification method is the DID with the multikey as fragment,
// "did:key:z6Mk...#z6Mk...". Keys other than Ed25519 and P-256 are an error
// of kind badged.Invalid.
func KeyDID(pub crypto.PublicKey) (string, error) {
	mk, err := EncodeMultikey(pub)
	if err != nil {
		return "", err
	}
	return "did:key:" + mk, nil
}

// keyDocument returns the document of a did:key, derived from the DID as
// the did:key specification describes (without the X25519 keyAgreement key
// it derives for Ed25519, which badged has no use for).
func keyDocument(did string) (*Document, error) {
	mk := strings.TrimPrefix(did, "did:key:")
	if _, err := DecodeMultikey(mk); err != nil {
		return nil, badged.Errorf(badged.Invalid, "did:key %s: %s", short(did), badged.MessageOf(err))
	}
	vm := VerificationMethod{ID: did + "#" + mk, Type: "Multikey", Controller: did, PublicKeyMultibase: mk}
	return &Document{
		Context:            []any{ContextDIDv1, ContextMultikey},
		ID:                 did,
		VerificationMethod: []VerificationMethod{vm},
		AssertionMethod:    []MethodRef{{ID: vm.ID}},
		Authentication:     []MethodRef{{ID: vm.ID}},
	}, nil
}
