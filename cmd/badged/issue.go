package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/badged/badged/credential"
	"github.com/badged/badged/credential/dataintegrity"
	"github.com/badged/badged/credential/jose"
	"github.com/badged/badged/did"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/keys"
)

// Formats `badged issue` writes.
const (
	formatRDFC = "di-rdfc"
	formatJCS  = "di-jcs"
	formatJWT  = "jwt"
)

func runIssue(ctx context.Context, args []string, env *environment) error {
	fs := newFlagSet(env, "issue", "--key FILE [--format di-rdfc|di-jcs|jwt] CREDENTIAL.json",
		`Signs the credential in CREDENTIAL.json ("-" for stdin) and prints it: JSON for
the Data Integrity formats, the compact token for jwt.

If the issuer has no id, the key's did:key becomes the issuer id; without
validFrom, now is used; without an id, a urn:uuid is given. A credential that
is not valid Open Badges 3.0 (or VC 2.0, for other credentials) on the VC 2.0
data model, or that uses a term no context defines, is refused with the
reasons, and nothing is signed.`)
	keyFile := fs.String("key", "", "the signing key file, as `badged keys generate` writes it (required)")
	format := fs.String("format", formatRDFC, "di-rdfc (Data Integrity eddsa-rdfc-2022), di-jcs (eddsa-jcs-2022) or jwt (VC-JWT, EdDSA)")
	vm := fs.String("verification-method", "", "the verification method to name in the proof (default: the issuer DID or URL + #<multikey>, or the did:key)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *keyFile == "" || fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("issue: give --key FILE and one credential file")
	}
	if *format != formatRDFC && *format != formatJCS && *format != formatJWT {
		return fmt.Errorf("issue: --format must be di-rdfc, di-jcs or jwt, not %q", *format)
	}
	key, err := keys.ReadFile(*keyFile)
	if err != nil {
		return fmt.Errorf("issue: %w", err)
	}
	raw, err := readInput(env, fs.Arg(0), 1<<20)
	if err != nil {
		return fmt.Errorf("issue: %w", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("issue: %s is not a JSON object: %v", fs.Arg(0), err)
	}
	if _, ok := doc["proof"]; ok {
		return fmt.Errorf("issue: the credential already has a proof; give it unsigned")
	}
	keyDID, err := did.KeyDID(key.Public())
	if err != nil {
		return err
	}
	issuerID := completeCredential(doc, keyDID, time.Now())

	var problems []credential.Problem
	if isOpenBadge(doc) {
		problems = credential.Validate(doc)
	} else {
		problems = credential.ValidateVC(doc)
	}
	if len(problems) > 0 {
		var b strings.Builder
		for _, p := range problems {
			fmt.Fprintf(&b, "\n  %s", p)
		}
		return fmt.Errorf("issue: the credential is refused, nothing was signed:%s", b.String())
	}
	cfg, err := loadConfig(env.getenv)
	if err != nil {
		return err
	}
	loader, err := cfg.contextLoader(cfg.BaseURL)
	if err != nil {
		return fmt.Errorf("issue: %w", err)
	}
	proc := jsonld.New(loader)
	if err := proc.Check(doc); err != nil {
		return fmt.Errorf("issue: the credential is refused, nothing was signed: %v", err)
	}

	method := *vm
	if method == "" {
		method = defaultVerificationMethod(issuerID, keyDID)
	}
	switch *format {
	case formatJWT:
		token, err := jose.Sign(doc, key, method, jose.OBJWT)
		if err != nil {
			return fmt.Errorf("issue: %w", err)
		}
		_, err = fmt.Fprintln(env.stdout, token)
		return err
	default:
		suite := dataintegrity.RDFC
		if *format == formatJCS {
			suite = dataintegrity.JCS
		}
		signed, err := dataintegrity.New(proc).Sign(doc, key, dataintegrity.Options{Cryptosuite: suite, VerificationMethod: method})
		if err != nil {
			return fmt.Errorf("issue: %w", err)
		}
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(signed)
	}
}

// completeCredential fills in what `badged issue` promises to: the issuer
// id (the key's did:key), validFrom (now) and an id. It returns the issuer id.
func completeCredential(doc map[string]any, keyDID string, now time.Time) string {
	switch is := doc["issuer"].(type) {
	case nil:
		doc["issuer"] = map[string]any{"id": keyDID, "type": []any{"Profile"}}
	case map[string]any:
		if id, _ := is["id"].(string); id == "" {
			is["id"] = keyDID
		}
	}
	if _, ok := doc["validFrom"]; !ok {
		if _, v1 := doc["issuanceDate"]; !v1 {
			doc["validFrom"] = now.UTC().Format(time.RFC3339)
		}
	}
	if _, ok := doc["id"]; !ok {
		if id, err := credential.NewID(rand.Reader); err == nil {
			doc["id"] = id
		}
	}
	switch is := doc["issuer"].(type) {
	case string:
		return is
	case map[string]any:
		id, _ := is["id"].(string)
		return id
	}
	return ""
}

// defaultVerificationMethod names the key the way its issuer publishes it:
// did:key:z…#z… for a did:key issuer, <issuer DID>#<multikey> for other DIDs
// (badged's did:web documents name keys so), and the OB 3.0 form
// <issuer URL>#<multikey> for https issuers.
func defaultVerificationMethod(issuerID, keyDID string) string {
	multikey := strings.TrimPrefix(keyDID, "did:key:")
	switch {
	case issuerID == keyDID || issuerID == "":
		return keyDID + "#" + multikey
	case strings.HasPrefix(issuerID, "did:") || strings.HasPrefix(issuerID, "https://"):
		return issuerID + "#" + multikey
	}
	return keyDID + "#" + multikey
}

func isOpenBadge(doc map[string]any) bool {
	var types []any
	switch t := doc["type"].(type) {
	case string:
		types = []any{t}
	case []any:
		types = t
	}
	for _, t := range types {
		switch t {
		case credential.TypeOpenBadgeCredential, credential.TypeAchievementCredential, credential.TypeEndorsementCredential:
			return true
		}
	}
	return false
}

// readInput reads a file, or stdin for "-", refusing more than limit bytes.
func readInput(env *environment, name string, limit int64) ([]byte, error) {
	var r io.Reader
	if name == "-" {
		r = env.stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, limit)
	}
	return b, nil
}
