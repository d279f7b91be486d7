package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/badged/badged/did"
	"github.com/badged/badged/openid4vp"
)

// TestOpenID4VPInterop has an independent wallet, the OpenWallet
// Foundation's @openid4vc/openid4vp from npm (pinned in interop/), answer
// badged's verifier (interop/openid4vp.mjs): it resolves the request
// (fetching the signed request object and checking it against badged's
// did:web document), presents a credential it took from badged over
// OpenID4VCI (signed with Digital Bazaar's stack), and posts it; badged
// accepts it. A wrong nonce, a tampered credential, a replay (to the same
// request and to another) and a revoked credential are each refused with
// invalid_request, and the employer's page says not valid and why. It
// skips without node or interop/node_modules, and fails instead under
// CI=true.
func TestOpenID4VPInterop(t *testing.T) {
	interop, _ := filepath.Abs("../../interop")
	_, nodeErr := exec.LookPath("node")
	if _, err := os.Stat(filepath.Join(interop, "node_modules", "@openid4vc", "openid4vp")); err != nil || nodeErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("node or interop/node_modules missing (CI=true: must not skip): %v %v", nodeErr, err)
		}
		t.Skip("node or interop/node_modules missing; run `cd interop && npm ci`")
	}
	s := newStack(t, "bolt")
	awardID := issuedAward(t, s)
	// The wallet dates its presentations by the wall clock; the awarder
	// signs in again at that time, to revoke.
	s.clock.Set(time.Now().UTC())
	s.staff = s.session("staff-awarder", "awarder@uu.example.nl")

	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	holder := need(did.KeyDID(pub))
	w := &vciWallet{t: t, s: s, key: key, did: holder, kid: holder + "#" + strings.TrimPrefix(holder, "did:key:"), base: s.app.cfg.BaseURL}
	dir := t.TempDir()
	keyFile, credFile := filepath.Join(dir, "key.json"), filepath.Join(dir, "credential.json")
	keyJSON, _ := json.Marshal(map[string]string{"publicKeyMultibase": need(did.EncodeMultikey(pub)), "secretKeyMultibase": need(did.EncodeSecretMultikey(key))})
	credJSON, _ := json.Marshal(w.ldpCredential(awardID))
	if err := os.WriteFile(keyFile, keyJSON, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(credFile, credJSON, 0o600); err != nil {
		t.Fatal(err)
	}

	type answer struct {
		Status int            `json:"status"`
		Body   map[string]any `json:"body"`
	}
	var got struct {
		Version int            `json:"version"`
		Prefix  string         `json:"prefix"`
		Query   map[string]any `json:"query"`
		answer
		Replays []answer `json:"replays"`
	}
	// wallet starts a request (and another for a replay), runs the wallet
	// on it in mode, and returns the first request's view secret.
	wallet := func(t *testing.T, mode string) (view, otherView string) {
		t.Helper()
		start := func() *openid4vp.Started {
			st, err := s.app.vp.Start(context.Background(), openid4vp.Ask{Kind: openid4vp.AskAny})
			if err != nil {
				t.Fatal(err)
			}
			return st
		}
		st, other := start(), start()
		ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, "node", "openid4vp.mjs", keyFile, credFile, mode, st.URI, other.URI)
		cmd.Dir = interop
		cmd.Env = append(os.Environ(), "BADGED_BASE_URL="+s.app.cfg.BaseURL)
		out, err := cmd.Output()
		if err != nil {
			var stderr []byte
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = ee.Stderr
			}
			t.Fatalf("wallet: %v\n%s\n%s", err, out, stderr)
		}
		got.Replays = nil
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("wallet output %s: %v", out, err)
		}
		return st.View, other.View
	}
	refused := func(t *testing.T, a answer, view, why string) {
		t.Helper()
		desc, _ := a.Body["error_description"].(string)
		if a.Status != http.StatusBadRequest || a.Body["error"] != openid4vp.CodeInvalidRequest || !strings.Contains(desc, why) {
			t.Errorf("answer %d %v; want 400 invalid_request about %q", a.Status, a.Body, why)
		}
		doc := employerPage(t, s, "/verify/ask/"+view)
		if v, _ := doc.Find("#outcome").Attr("data-verdict"); v != "invalid" || !strings.Contains(doc.Find("#outcome-why").Text(), why) {
			t.Errorf("employer's page: %q, %q; want invalid, %q", v, doc.Find("#outcome-why").Text(), why)
		}
	}

	t.Run("ok/accepted", func(t *testing.T) {
		view, _ := wallet(t, "ok")
		if got.Status != http.StatusOK || got.Version != 100 || got.Prefix != "decentralized_identifier" {
			t.Fatalf("status %d %v, version %d, prefix %q", got.Status, got.Body, got.Version, got.Prefix)
		}
		if v, _ := employerPage(t, s, "/verify/ask/"+view).Find("#outcome").Attr("data-verdict"); v != "valid" {
			t.Errorf("employer's page: %q, want valid", v)
		}
	})
	t.Run("fail/wrong nonce", func(t *testing.T) {
		view, _ := wallet(t, "wrong-nonce")
		refused(t, got.answer, view, "nonce")
	})
	t.Run("fail/tampered credential", func(t *testing.T) {
		view, _ := wallet(t, "tampered")
		refused(t, got.answer, view, "does not verify")
	})
	t.Run("fail/replay", func(t *testing.T) {
		_, other := wallet(t, "replay")
		if got.Status != http.StatusOK || len(got.Replays) != 2 {
			t.Fatalf("first %d %v, %d replays", got.Status, got.Body, len(got.Replays))
		}
		if d, _ := got.Replays[0].Body["error_description"].(string); got.Replays[0].Status != http.StatusBadRequest || !strings.Contains(d, "already answered") {
			t.Errorf("replay to the same request: %d %v", got.Replays[0].Status, got.Replays[0].Body)
		}
		refused(t, got.Replays[1], other, "nonce")
	})
	t.Run("fail/revoked credential", func(t *testing.T) {
		s.call(s.staff, http.MethodPost, "/api/v1/awards/"+awardID+"/revoke", map[string]string{"reason": "Fraude"}, http.StatusOK, nil)
		view, _ := wallet(t, "ok")
		refused(t, got.answer, view, "revoked")
	})
}
