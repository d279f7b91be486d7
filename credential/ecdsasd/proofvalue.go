package ecdsasd

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
)

// Sizes of the parts of a derived proof value (vc-di-ecdsa 3.5.8
// parseDerivedProofValue).
const (
	signatureSize = 64 // P-256 ECDSA, IEEE P1363 r||s
	publicKeySize = 35 // multikey p256-pub: 0x80 0x24 and a compressed point
	labelSize     = 32 // an HMAC-SHA-256 digest
)

// Proof value headers: the CBOR tag numbers 0x5d00 and 0x5d01, written
// before the CBOR array.
var (
	baseHeader    = [3]byte{0xd9, 0x5d, 0x00}
	derivedHeader = [3]byte{0xd9, 0x5d, 0x01}
)

// maxProofValue bounds the proof values decoded (characters). A derived
// proof carries 64 bytes a disclosed statement; a million characters is
// over ten thousand statements, far more than any credential has.
const maxProofValue = 1 << 20

// derived is a parsed derived proof value.
type derived struct {
	baseSignature    []byte
	publicKey        []byte            // multikey bytes of the proof-scoped key
	signatures       [][]byte          // one a non-mandatory statement, in order
	labelMap         map[string]string // "c14nN" -> "u" + base64url(HMAC digest)
	mandatoryIndexes []int
}

// parseDerived implements parseDerivedProofValue and decompressLabelMap:
// "u" + base64url-no-pad of the header 0xd9 0x5d 0x01 and a CBOR array of
// [baseSignature, publicKey, signatures, compressedLabelMap,
// mandatoryIndexes]. The CBOR must be exactly that: definite lengths, no
// tags (the spec forbids them), nothing after the array.
func parseDerived(proofValue string) (*derived, error) {
	if proofValue == "" {
		return nil, malformed("the proofValue is empty")
	}
	if len(proofValue) > maxProofValue {
		return nil, malformed("the proofValue is longer than %d characters", maxProofValue)
	}
	if proofValue[0] != 'u' {
		return nil, malformed("the proofValue is not multibase base64url (an ecdsa-sd-2023 proofValue starts with u)")
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(proofValue[1:])
	if err != nil {
		return nil, malformed("the proofValue is not valid base64url without padding")
	}
	if len(raw) < 3 {
		return nil, malformed("the proofValue is too short to hold an ecdsa-sd-2023 header")
	}
	switch [3]byte(raw[:3]) {
	case derivedHeader:
	case baseHeader:
		return nil, malformed("the proof is an ecdsa-sd-2023 base proof: a base proof must be derived before it is shown to a verifier")
	default:
		return nil, malformed("the proofValue does not start with the ecdsa-sd-2023 derived proof header (0xd9 0x5d 0x01)")
	}
	d := &cborReader{b: raw[3:]}
	out, err := d.derived()
	if err != nil {
		return nil, err
	}
	if len(d.b) != 0 {
		return nil, malformed("the proofValue has %d bytes after its CBOR array", len(d.b))
	}
	return out, nil
}

// cborReader decodes the few CBOR forms a derived proof value uses.
type cborReader struct {
	b []byte
}

// CBOR major types.
const (
	majorUint  = 0
	majorBytes = 2
	majorArray = 4
	majorMap   = 5
	majorTag   = 6
)

var majorNames = [8]string{"an unsigned integer", "a negative integer", "a byte string", "a text string", "an array", "a map", "a tag", "a simple value or float"}

// head reads an item's initial byte and argument.
func (d *cborReader) head(what string) (major byte, arg uint64, err error) {
	if len(d.b) == 0 {
		return 0, 0, malformed("the proofValue ends before %s", what)
	}
	major, info := d.b[0]>>5, d.b[0]&0x1f
	d.b = d.b[1:]
	var n int
	switch {
	case info < 24:
		return major, uint64(info), nil
	case info == 24:
		n = 1
	case info == 25:
		n = 2
	case info == 26:
		n = 4
	case info == 27:
		n = 8
	case info == 31:
		return 0, 0, malformed("%s has an indefinite length in the proofValue's CBOR", what)
	default:
		return 0, 0, malformed("%s is not well-formed CBOR", what)
	}
	if len(d.b) < n {
		return 0, 0, malformed("the proofValue ends inside %s", what)
	}
	for _, c := range d.b[:n] {
		arg = arg<<8 | uint64(c)
	}
	d.b = d.b[n:]
	return major, arg, nil
}

// expect reads the head of an item that must be of the given major type.
func (d *cborReader) expect(want byte, what string) (uint64, error) {
	major, arg, err := d.head(what)
	if err != nil {
		return 0, err
	}
	if major == majorTag {
		return 0, malformed("%s is CBOR-tagged; ecdsa-sd-2023 forbids CBOR tags", what)
	}
	if major != want {
		return 0, malformed("%s is %s, not %s", what, majorNames[major], majorNames[want])
	}
	return arg, nil
}

// count reads the head of an array or map and checks its length against
// the bytes left (each entry takes at least min bytes), so that a hostile
// length cannot make us allocate.
func (d *cborReader) count(major byte, min int, what string) (int, error) {
	n, err := d.expect(major, what)
	if err != nil {
		return 0, err
	}
	if n > uint64(len(d.b)/min) {
		return 0, malformed("%s claims %d entries, more than the proofValue holds", what, n)
	}
	return int(n), nil
}

// bytes reads a byte string of exactly size bytes.
func (d *cborReader) bytes(size int, what string) ([]byte, error) {
	n, err := d.expect(majorBytes, what)
	if err != nil {
		return nil, err
	}
	if n != uint64(size) {
		if n > uint64(len(d.b)) {
			return nil, malformed("the proofValue ends inside %s", what)
		}
		return nil, malformed("%s holds %d bytes; it must hold %d", what, n, size)
	}
	if len(d.b) < size {
		return nil, malformed("the proofValue ends inside %s", what)
	}
	out := d.b[:size:size]
	d.b = d.b[size:]
	return out, nil
}

func (d *cborReader) uint(what string) (int, error) {
	n, err := d.expect(majorUint, what)
	if err != nil {
		return 0, err
	}
	if n > math.MaxInt32 {
		return 0, malformed("%s (%d) is out of range", what, n)
	}
	return int(n), nil
}

func (d *cborReader) derived() (*derived, error) {
	n, err := d.count(majorArray, 1, "the proofValue's CBOR array")
	if err != nil {
		return nil, err
	}
	if n != 5 {
		return nil, malformed("the proofValue's CBOR array has %d elements; a derived proof has 5 (base signature, public key, signatures, label map, mandatory indexes)", n)
	}
	out := &derived{}
	if out.baseSignature, err = d.bytes(signatureSize, "the base signature"); err != nil {
		return nil, err
	}
	if out.publicKey, err = d.bytes(publicKeySize, "the proof-scoped public key"); err != nil {
		return nil, err
	}
	if out.publicKey[0] != 0x80 || out.publicKey[1] != 0x24 {
		return nil, malformed("the proof-scoped public key is not a P-256 multikey (0x80 0x24 header)")
	}

	n, err = d.count(majorArray, 1+signatureSize, "the statement signatures")
	if err != nil {
		return nil, err
	}
	out.signatures = make([][]byte, n)
	for i := range out.signatures {
		if out.signatures[i], err = d.bytes(signatureSize, fmt.Sprintf("statement signature %d", i+1)); err != nil {
			return nil, err
		}
	}

	n, err = d.count(majorMap, 2+labelSize, "the label map")
	if err != nil {
		return nil, err
	}
	out.labelMap = make(map[string]string, n)
	enc := base64.RawURLEncoding
	for range n {
		k, err := d.uint("a label map key")
		if err != nil {
			return nil, err
		}
		key := "c14n" + strconv.Itoa(k)
		v, err := d.bytes(labelSize, "the label of _:"+key)
		if err != nil {
			return nil, err
		}
		if _, dup := out.labelMap[key]; dup {
			return nil, malformed("the label map has _:%s twice", key)
		}
		out.labelMap[key] = "u" + enc.EncodeToString(v)
	}

	n, err = d.count(majorArray, 1, "the mandatory indexes")
	if err != nil {
		return nil, err
	}
	out.mandatoryIndexes = make([]int, n)
	for i := range out.mandatoryIndexes {
		if out.mandatoryIndexes[i], err = d.uint("a mandatory index"); err != nil {
			return nil, err
		}
	}
	return out, nil
}
