package bolt

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"reflect"
	"testing"
	"time"
)

// TestPackCredential checks that a packed credential record reads back
// exactly (the VC-JWT byte for byte), that it is much smaller than the
// record in JSON, that a token whose payload would not encode back the
// same is kept whole, and that records written before packing still read.
func TestPackCredential(t *testing.T) {
	pretty, err := os.ReadFile("../../testdata/credential-3kb.json")
	if err != nil {
		t.Fatal(err)
	}
	var compact bytes.Buffer // as issuance stores it
	if err := json.Compact(&compact, pretty); err != nil {
		t.Fatal(err)
	}
	doc := compact.Bytes()
	b64 := base64.RawURLEncoding.EncodeToString
	jwt := b64([]byte(`{"alg":"EdDSA","kid":"did:web:x#key-1","typ":"vc+jwt"}`)) + "." + b64(doc) + "." + b64([]byte("a signature of 64 bytes, more or less, as Ed25519 gives........"))
	base := credentialRecord{
		Format: issuanceFormat, ID: "https://badges.example.edu/credentials/1", AwardID: "a1", IssuerID: "iss",
		ListID: "L", StatusList: "https://badges.example.edu/status/L", StatusIdx: 42,
		IssuedAt: time.Date(2026, 12, 5, 17, 0, 0, 0, time.UTC), JSON: json.RawMessage(doc),
	}
	for name, token := range map[string]string{
		"vc-jwt":               jwt,
		"no jwt":               "",
		"padded payload":       b64([]byte(`{}`)) + "." + base64.URLEncoding.EncodeToString(doc) + ".c2ln",
		"not a compact JWS":    "a.b",
		"payload not base64":   "eyJ9.!!!.c2ln",
		"a dot in a signature": "eyJ9.e30.c2ln.more",
	} {
		t.Run(name, func(t *testing.T) {
			r := base
			r.JWT = token
			packed, err := packCredential(r)
			if err != nil {
				t.Fatal(err)
			}
			var got credentialRecord
			if err := decodeCredential(packed, "a1", &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, r) {
				t.Fatalf("read back differs:\n got %+v\nwant %+v", got, r)
			}
			plain, _ := json.Marshal(r)
			if name == "vc-jwt" && len(packed) > len(plain)/3 {
				t.Errorf("packed %d bytes of %d in JSON, want a third at most", len(packed), len(plain))
			}
		})
	}

	// A record stored in JSON, as before packing, reads as it is.
	r := base
	r.JWT = jwt
	plain, _ := json.Marshal(r)
	var got credentialRecord
	if err := decodeCredential(plain, "a1", &got); err != nil || !reflect.DeepEqual(got, r) {
		t.Fatalf("a JSON record read back as %+v, %v", got, err)
	}
	// A packed record whose deflated part is damaged is refused.
	packed, _ := packCredential(r)
	if err := decodeCredential(packed[:len(packed)/2], "a1", &got); err == nil {
		t.Error("a truncated packed record was read")
	}
}
