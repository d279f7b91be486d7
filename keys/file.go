package keys

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/badged/badged"
	"github.com/badged/badged/did"
)

// Generate returns a new Ed25519 key whose seed is read from random, or
// from crypto/rand when random is nil. The error is the reader's.
func Generate(random io.Reader) (ed25519.PrivateKey, error) {
	if random == nil {
		random = rand.Reader
	}
	// Read the seed ourselves: crypto/ed25519.GenerateKey ignores its
	// reader since Go 1.26, and callers inject one for reproducible tests.
	seed := make([]byte, ed25519.SeedSize)
	if _, err := io.ReadFull(random, seed); err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// keyFile is the JSON of a key file.
type keyFile struct {
	Type                string `json:"type,omitempty"`
	PublicKeyMultibase  string `json:"publicKeyMultibase,omitempty"`
	SecretKeyMultibase  string `json:"secretKeyMultibase,omitempty"`
	PrivateKeyMultibase string `json:"privateKeyMultibase,omitempty"` // W3C vectors' name
}

// maxKeyFile bounds what ReadFile reads.
const maxKeyFile = 64 << 10

// Marshal returns the key file JSON for key. The error is Invalid when key
// is not a 64-byte Ed25519 private key.
func Marshal(key ed25519.PrivateKey) ([]byte, error) {
	secret, err := did.EncodeSecretMultikey(key)
	if err != nil {
		return nil, err
	}
	public, err := did.EncodeMultikey(key.Public())
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(keyFile{Type: "Multikey", PublicKeyMultibase: public, SecretKeyMultibase: secret}, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Parse reads key file JSON: secretKeyMultibase (or privateKeyMultibase)
// and, if present, a publicKeyMultibase that must match it. Errors are
// Invalid and never echo the secret.
func Parse(data []byte) (ed25519.PrivateKey, error) {
	var f keyFile
	d := json.NewDecoder(bytes.NewReader(data))
	if err := d.Decode(&f); err != nil {
		return nil, badged.Errorf(badged.Invalid, "the key file is not valid JSON")
	}
	if f.Type != "" && f.Type != "Multikey" {
		return nil, badged.Errorf(badged.Invalid, "the key file's type is %q, want Multikey", f.Type)
	}
	secret := f.SecretKeyMultibase
	if secret == "" {
		secret = f.PrivateKeyMultibase
	} else if f.PrivateKeyMultibase != "" && f.PrivateKeyMultibase != secret {
		return nil, badged.Errorf(badged.Invalid, "the key file holds two different secret keys")
	}
	if secret == "" {
		return nil, badged.Errorf(badged.Invalid, "the key file has no secretKeyMultibase")
	}
	key, err := did.DecodeSecretMultikey(secret)
	if err != nil {
		return nil, badged.Wrap(badged.Invalid, err, "the key file's secret key is malformed")
	}
	if f.PublicKeyMultibase != "" {
		public, err := did.EncodeMultikey(key.Public())
		if err != nil {
			return nil, err
		}
		if public != f.PublicKeyMultibase {
			return nil, badged.Errorf(badged.Invalid, "the key file's publicKeyMultibase does not match its secret key")
		}
	}
	return key, nil
}

// WriteFile writes key to a new key file at path, readable by its owner
// only (mode 0600). It refuses to replace an existing file: the error is
// then Conflict and wraps fs.ErrExist.
func WriteFile(path string, key ed25519.PrivateKey) error {
	data, err := Marshal(key)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return badged.Wrap(badged.Conflict, err, fmt.Sprintf("%s already exists; not overwriting a key file", path))
	}
	if err != nil {
		return fmt.Errorf("write key file: %w", err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("write key file %s: %w", path, err)
	}
	return nil
}

// ReadFile reads the key file at path (see [Parse]). A missing file is
// NotFound, a malformed one Invalid.
func ReadFile(path string) (ed25519.PrivateKey, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, badged.Wrap(badged.NotFound, err, fmt.Sprintf("no key file at %s", path))
	}
	if err != nil {
		return nil, fmt.Errorf("read key file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, fmt.Errorf("read key file %s: %w", path, err)
	}
	if len(data) > maxKeyFile {
		return nil, badged.Errorf(badged.Invalid, "%s is too large to be a key file", path)
	}
	key, err := Parse(data)
	if err != nil {
		var e *badged.Error
		if errors.As(err, &e) {
			return nil, &badged.Error{Kind: e.Kind, Message: path + ": " + e.Message, Err: e.Err}
		}
		return nil, err
	}
	return key, nil
}
