package web

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/badged/badged/verifier"
)

// TestVerifyPresentationFromDigitalBazaar posts, as the VC Data Model 2.0
// test suite does, a presentation Digital Bazaar's stack made with a
// credential it signed inside (issue #9): it verifies, credential and
// all; the same with the credential changed does not.
func TestVerifyPresentationFromDigitalBazaar(t *testing.T) {
	// The vector was signed on 2026-12-04: verified the day after, so that
	// its proof is not in the future of the verifier's clock.
	e := newVerifyEnvAt(t, false, func() time.Time { return time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC) })
	body, err := os.ReadFile("../testdata/vectors/presentations/vp-presentation-vc-ok.json")
	if err != nil {
		t.Fatal(err)
	}
	resp, out := post(t, e.ts, "/presentations/verify", body)
	v := decodeVerify(t, resp, out)
	if !v.Verified || v.Kind != "presentation" || failedOf(v)[verifier.CheckHolder] {
		t.Errorf("verified %v kind %q: %s", v.Verified, v.Kind, out)
	}
	if len(v.Credentials) != 1 || !v.Credentials[0].Verified {
		t.Errorf("the presented credential: %s", out)
	}

	changed := bytes.Replace(body, []byte(`"id": "did:example:subject"`), []byte(`"id": "did:example:someone-else"`), 1)
	if bytes.Equal(changed, body) {
		t.Fatal("the vector has no credentialSubject id to change")
	}
	resp, out = post(t, e.ts, "/presentations/verify", changed)
	var got struct{ Verified bool }
	if err := json.Unmarshal(out, &got); err != nil || got.Verified {
		t.Errorf("status %d: a presentation whose credential was changed: %s", resp.StatusCode, out)
	}
}
