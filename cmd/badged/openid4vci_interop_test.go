package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/badged/badged/openid4vci"
)

// TestOpenID4VCIInterop has an independent wallet, the OpenWallet
// Foundation's @openid4vc/openid4vci from npm (pinned in interop/), take a
// credential of each configuration from a running server with the
// pre-authorized code and a transaction code (interop/openid4vci.mjs);
// badged's verifier must accept each, bound to the wallet's did:jwk, and
// the wallet's second redemption of the code must be refused with
// invalid_grant. It skips without node or interop/node_modules, and fails
// instead under CI=true.
func TestOpenID4VCIInterop(t *testing.T) {
	interop, _ := filepath.Abs("../../interop")
	_, nodeErr := exec.LookPath("node")
	if _, err := os.Stat(filepath.Join(interop, "node_modules", "@openid4vc", "openid4vci")); err != nil || nodeErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("node or interop/node_modules missing (CI=true: must not skip): %v %v", nodeErr, err)
		}
		t.Skip("node or interop/node_modules missing; run `cd interop && npm ci`")
	}
	s := newStack(t, "bolt")
	awardID := issuedAward(t, s)
	// The wallet dates its proofs by the wall clock.
	s.clock.Set(time.Now().UTC())
	for _, cfg := range openid4vci.Configurations {
		t.Run(cfg.ID, func(t *testing.T) {
			o, err := s.app.vci.CreateOffer(context.Background(), awardID, true)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, "node", "openid4vci.mjs", o.URI, o.TxCode, cfg.ID)
			cmd.Dir = interop
			out, err := cmd.Output()
			if err != nil {
				var stderr []byte
				if ee, ok := err.(*exec.ExitError); ok {
					stderr = ee.Stderr
				}
				t.Fatalf("wallet: %v\n%s\n%s", err, out, stderr)
			}
			var got struct {
				Holder      string `json:"holder"`
				Credentials []any  `json:"credentials"`
				ReuseError  string `json:"reuseError"`
				Version     string `json:"version"`
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("wallet output %s: %v", out, err)
			}
			t.Logf("wallet saw metadata version %s", got.Version)
			if len(got.Credentials) != 1 {
				t.Fatalf("credentials %v", got.Credentials)
			}
			raw, ok := got.Credentials[0].(string)
			if (cfg.Format == openid4vci.FormatJWT) != ok {
				t.Fatalf("%s credential is %T", cfg.Format, got.Credentials[0])
			}
			if !ok {
				b, _ := json.Marshal(got.Credentials[0])
				raw = string(b)
			}
			res := s.verify([]byte(raw))
			if subject, _ := res.Credential["credentialSubject"].(map[string]any); subject["id"] != got.Holder {
				t.Errorf("credentialSubject.id = %v, want the wallet's %s", subject["id"], got.Holder)
			}
			if got.ReuseError != openid4vci.CodeInvalidGrant {
				t.Errorf("second redemption: %q, want %s", got.ReuseError, openid4vci.CodeInvalidGrant)
			}
		})
	}
}
