package credential

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"strconv"
	"strings"

	"github.com/multiformats/go-multibase"
)

// Check ids of the rules [ValidateIssuable] adds.
const (
	CheckTermsOfUse      = "termsOfUse"      // termsOfUse entries
	CheckRefreshService  = "refreshService"  // refreshService entries
	CheckRelatedResource = "relatedResource" // relatedResource entries and their digests
	CheckID              = "id"              // ids that must be URLs
)

// ValidateIssuable checks the VC 2.0 rules an issuer must meet before it
// signs doc, beyond those of [Validate] and [ValidateVC] (which a verifier
// applies to credentials in the wild): every termsOfUse, evidence,
// refreshService, credentialSchema and credentialStatus entry has a type;
// credentialSubject is not empty; every relatedResource entry has an id
// that is a URL, no two share one, and each carries a digestSRI or a
// digestMultibase that is well formed; the ids of the credential, its
// subjects and those entries are URLs. It returns nil when it finds
// nothing. It is safe for concurrent use.
func ValidateIssuable(doc map[string]any) []Problem {
	var v validator
	v.issuable(doc)
	return v.problems
}

func (v *validator) issuable(doc map[string]any) {
	typed := func(name, check string) {
		v.objects(doc, name, check, func(path string, m map[string]any) {
			if types, ok := typesOf(m["type"]); !ok || len(types) == 0 {
				v.errorf(check, path+"/type", "every %s entry needs a type", name)
			}
			v.idURL(path, m)
		})
	}
	typed("termsOfUse", CheckTermsOfUse)
	typed("evidence", CheckEvidence)
	typed("refreshService", CheckRefreshService)
	typed("credentialSchema", CheckSchema)
	typed("credentialStatus", CheckStatus)

	switch cs := doc["credentialSubject"].(type) {
	case map[string]any:
		if len(cs) == 0 {
			v.errorf(CheckSubject, "/credentialSubject", "credentialSubject is empty: it needs at least one claim or an id")
		}
		v.idURL("/credentialSubject", cs)
	case []any:
		for i, s := range cs {
			m, _ := s.(map[string]any)
			path := "/credentialSubject/" + strconv.Itoa(i)
			if m != nil && len(m) == 0 {
				v.errorf(CheckSubject, path, "a credentialSubject is empty: it needs at least one claim or an id")
			}
			v.idURL(path, m)
		}
	}

	seen := map[string]string{}
	v.objects(doc, "relatedResource", CheckRelatedResource, func(path string, r map[string]any) {
		id, _ := r["id"].(string)
		switch {
		case id == "":
			v.errorf(CheckRelatedResource, path+"/id", "a relatedResource needs an id")
		case !isURI(id):
			v.errorf(CheckRelatedResource, path+"/id", "a relatedResource's id must be a URL")
		case seen[id] != "":
			v.errorf(CheckRelatedResource, path+"/id", "relatedResource ids must be unique; %s is also at %s", id, seen[id])
		default:
			seen[id] = path
		}
		sri, hasSRI := r["digestSRI"]
		mb, hasMB := r["digestMultibase"]
		if !hasSRI && !hasMB {
			v.errorf(CheckRelatedResource, path, "a relatedResource needs a digestSRI or a digestMultibase")
		}
		if hasSRI {
			if s, _ := sri.(string); !validSRI(s) {
				v.errorf(CheckRelatedResource, path+"/digestSRI", "digestSRI must be a Subresource Integrity digest (sha256-, sha384- or sha512- and the base64 of the hash)")
			}
		}
		if hasMB {
			if !validDigestsMultibase(mb) {
				v.errorf(CheckRelatedResource, path+"/digestMultibase", "digestMultibase must be a multibase-encoded multihash, or a list of them")
			}
		}
	})
}

// idURL reports an id of m that is present and not a URL.
func (v *validator) idURL(path string, m map[string]any) {
	if m == nil {
		return
	}
	id, ok := m["id"]
	if !ok {
		return
	}
	if s, _ := id.(string); !isURI(s) {
		v.errorf(CheckID, path+"/id", "an id must be a URL")
	}
}

// validSRI reports whether s is one or more W3C Subresource Integrity
// digests (space separated), each of a known hash and the right length.
func validSRI(s string) bool {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return false
	}
	for _, f := range fields {
		alg, b64, ok := strings.Cut(f, "-")
		if !ok {
			return false
		}
		b64, _, _ = strings.Cut(b64, "?") // SRI options
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return false
		}
		var size int
		switch alg {
		case "sha256":
			size = sha256.Size
		case "sha384":
			size = sha512.Size384
		case "sha512":
			size = sha512.Size
		default:
			return false
		}
		if len(raw) != size {
			return false
		}
	}
	return true
}

// validDigestsMultibase reports whether a digestMultibase value is what
// Data Integrity 2.6 allows: one multibase-encoded multihash, or a list
// of them.
func validDigestsMultibase(v any) bool {
	list, ok := v.([]any)
	if !ok {
		s, _ := v.(string)
		return validDigestMultibase(s)
	}
	for _, e := range list {
		if s, _ := e.(string); !validDigestMultibase(s) {
			return false
		}
	}
	return len(list) > 0
}

// validDigestMultibase reports whether s is a multibase string whose bytes
// are a multihash: a varint hash code, a varint digest length, and a
// digest of that length.
func validDigestMultibase(s string) bool {
	_, raw, err := multibase.Decode(s)
	if err != nil || len(raw) == 0 {
		return false
	}
	_, n := binary.Uvarint(raw)
	if n <= 0 {
		return false
	}
	size, m := binary.Uvarint(raw[n:])
	if m <= 0 || size == 0 {
		return false
	}
	return uint64(len(raw[n+m:])) == size
}
