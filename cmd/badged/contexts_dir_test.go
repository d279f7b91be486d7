package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestContextsDir: BADGED_CONTEXTS_DIR adds an operator's contexts, each
// pinned by its SHA-256 in the directory's manifest, to what badged issues
// and verifies with; without it the context is unknown (never fetched),
// and a file that does not match its pin stops badged.
func TestContextsDir(t *testing.T) {
	const ctxURL = "https://badges.example.edu/ns/shoes/v1"
	const ctxBody = `{"@context": {"@protected": true, "shoeSize": "https://badges.example.edu/ns/shoes#shoeSize"}}`
	sum := sha256.Sum256([]byte(ctxBody))
	mkdir := func(t *testing.T, pin string) string {
		t.Helper()
		dir := t.TempDir()
		manifest := `{"contexts": [{"url": "` + ctxURL + `", "file": "shoes-v1.jsonld", "sha256": "` + pin + `"}]}`
		if err := os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(manifest), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "shoes-v1.jsonld"), []byte(ctxBody), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	good := mkdir(t, hex.EncodeToString(sum[:]))
	bad := mkdir(t, strings.Repeat("ab", 32))

	work := t.TempDir()
	keyFile := filepath.Join(work, "issuer.key")
	if _, err := badged(t, "", "keys", "generate", "--out", keyFile); err != nil {
		t.Fatal(err)
	}
	credFile := filepath.Join(work, "credential.json")
	writeJSON(t, credFile, map[string]any{
		"@context":          []any{"https://www.w3.org/ns/credentials/v2", ctxURL},
		"type":              []any{"VerifiableCredential"},
		"issuer":            map[string]any{}, // the key's did:key
		"credentialSubject": map[string]any{"id": "did:example:learner", "shoeSize": 44},
	})
	runEnv := func(dir, stdin string, args ...string) (string, error) {
		var out strings.Builder
		env := func(k string) string {
			if k == "BADGED_CONTEXTS_DIR" {
				return dir
			}
			return ""
		}
		err := run(context.Background(), args, env, strings.NewReader(stdin), &out)
		return out.String(), err
	}

	t.Run("fail/unknown-without-dir", func(t *testing.T) {
		_, err := runEnv("", "", "issue", "--key", keyFile, credFile)
		if err == nil || !strings.Contains(err.Error(), ctxURL) {
			t.Fatalf("issue with an unknown context: %v", err)
		}
	})
	t.Run("fail/digest-mismatch", func(t *testing.T) {
		_, err := runEnv(bad, "", "issue", "--key", keyFile, credFile)
		if err == nil || !strings.Contains(err.Error(), "BADGED_CONTEXTS_DIR") || !strings.Contains(err.Error(), "pins") {
			t.Fatalf("issue with a context that does not match its pin: %v", err)
		}
		err = run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir()},
			func(k string) string {
				if k == "BADGED_CONTEXTS_DIR" {
					return bad
				}
				return ""
			}, nil, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "BADGED_CONTEXTS_DIR") {
			t.Fatalf("serve with a context that does not match its pin: %v", err)
		}
	})
	t.Run("ok/issued-and-verified-with-dir", func(t *testing.T) {
		signed, err := runEnv(good, "", "issue", "--key", keyFile, credFile)
		if err != nil {
			t.Fatal(err)
		}
		out, err := runEnv(good, signed, "verify", "-")
		if err != nil || !strings.HasPrefix(out, "-: VALID") {
			t.Fatalf("verify with the directory: %v\n%s", err, out)
		}
		if out, err := runEnv("", signed, "verify", "-"); err == nil {
			t.Fatalf("verified without the context:\n%s", out)
		}
	})
}
