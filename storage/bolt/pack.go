package bolt

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/badged/badged"
	bolt "go.etcd.io/bbolt"
)

// Credential records are large (a signed credential in two forms, some
// 8 KB), and a bbolt commit rewrites whole leaves, each of which holds at
// least two records: a credential cost its commit some six pages. So they
// are stored packed: deflated, with the VC-JWT's payload, which repeats
// the credential, decoded beside it, where the compressor finds the
// repeat (about 1.7 KB in all). Records written before are read as they
// are.

// packedMark is the first byte of a packed record; a JSON record starts
// with '{'.
const packedMark = 0x01

var (
	deflaters = sync.Pool{New: func() any {
		w, _ := flate.NewWriter(nil, flate.BestSpeed) // a valid level: no error
		return w
	}}
	inflaters sync.Pool
)

// packCredential encodes r packed: packedMark, then deflated, the record
// in JSON with the VC-JWT's header and signature in place of the token,
// a newline (which the JSON has none of), and the JWT's payload decoded.
// A VC-JWT that would not read back the same (not three parts of
// unpadded base64url) is kept whole in the record.
func packCredential(r credentialRecord) ([]byte, error) {
	var payload []byte
	if header, body, signature, ok := splitJWT(r.JWT); ok {
		r.JWT, r.JWTHeader, r.JWTSignature = "", header, signature
		payload = body
	}
	rec, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode credential %s: %w", r.ID, err)
	}
	var buf bytes.Buffer
	buf.WriteByte(packedMark)
	w := deflaters.Get().(*flate.Writer)
	defer deflaters.Put(w)
	w.Reset(&buf)
	for _, part := range [][]byte{rec, {'\n'}, payload} {
		if _, err := w.Write(part); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// splitJWT returns the header, decoded payload and signature of a compact
// JWS whose payload encodes back to the same text.
func splitJWT(jwt string) (header string, payload []byte, signature string, ok bool) {
	header, rest, ok1 := strings.Cut(jwt, ".")
	body, signature, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || header == "" || signature == "" || strings.Contains(signature, ".") {
		return "", nil, "", false
	}
	payload, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil || base64.RawURLEncoding.EncodeToString(payload) != body {
		return "", nil, "", false
	}
	return header, payload, signature, true
}

// getCredential reads the credential record of award awardID.
func getCredential(tx *bolt.Tx, awardID string, r *credentialRecord) error {
	data := tx.Bucket(bktCredentials).Get([]byte(awardID))
	if data == nil {
		return notFound("credential of award", awardID)
	}
	return decodeCredential(data, awardID, r)
}

// decodeCredential decodes a credential record, packed or not.
func decodeCredential(data []byte, awardID string, r *credentialRecord) error {
	if len(data) == 0 || data[0] != packedMark {
		return decode(data, "credential of award", awardID, issuanceFormat, r)
	}
	plain, err := inflate(data[1:])
	if err != nil {
		return badged.Wrap(badged.Internal, fmt.Errorf("credential of award %s: %v", awardID, err), "stored record unreadable")
	}
	rec, payload, _ := bytes.Cut(plain, []byte{'\n'})
	if err := decode(rec, "credential of award", awardID, issuanceFormat, r); err != nil {
		return err
	}
	if r.JWTHeader != "" {
		r.JWT = r.JWTHeader + "." + base64.RawURLEncoding.EncodeToString(payload) + "." + r.JWTSignature
		r.JWTHeader, r.JWTSignature = "", ""
	}
	return nil
}

func inflate(data []byte) ([]byte, error) {
	src := bytes.NewReader(data)
	r, _ := inflaters.Get().(io.ReadCloser)
	if r == nil {
		r = flate.NewReader(src)
	} else if err := r.(flate.Resetter).Reset(src, nil); err != nil {
		return nil, err
	}
	defer inflaters.Put(r)
	return io.ReadAll(r)
}
