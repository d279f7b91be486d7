package keys

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/badged/badged"
)

// MasterKeySize is the size of a master key in bytes.
const MasterKeySize = 32

// Envelope layout: version (1 byte), key id (8 bytes), then the
// AES-GCM nonce (12 bytes), ciphertext and tag. The version and key id are
// authenticated as associated data along with the caller's.
const (
	envelopeV1  = 1
	keyIDSize   = 8
	headerSize  = 1 + keyIDSize
	minEnvelope = headerSize + 12 + 16
)

// Errors of [Sealer.Open]. Callers branch on ErrUnknownKey to try another
// master key while keys are being re-sealed.
var (
	// ErrUnknownKey: the envelope was sealed under another master key.
	ErrUnknownKey = errors.New("keys: sealed under a different master key")
	// ErrCorrupt: the envelope is malformed, was tampered with, or the
	// associated data differs.
	ErrCorrupt = errors.New("keys: sealed data is corrupt or was tampered with")
)

// Sealer encrypts secrets at rest under a master key. It is safe for
// concurrent use.
type Sealer struct {
	aead  cipher.AEAD
	keyID [keyIDSize]byte
}

// NewSealer returns a Sealer for the 32-byte masterKey, which it copies.
// The error is Invalid for a key of another size.
func NewSealer(masterKey []byte) (*Sealer, error) {
	if len(masterKey) != MasterKeySize {
		return nil, badged.Errorf(badged.Invalid, "the master key is %d bytes, want %d", len(masterKey), MasterKeySize)
	}
	block, err := aes.NewCipher(bytes.Clone(masterKey))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return nil, err
	}
	s := &Sealer{aead: aead}
	mac := hmac.New(sha256.New, masterKey)
	mac.Write([]byte("badged keys: master key id"))
	copy(s.keyID[:], mac.Sum(nil))
	return s, nil
}

// KeyID returns the id of the master key, as written in envelopes: 16 hex
// digits that identify the key without revealing it.
func (s *Sealer) KeyID() string { return hex.EncodeToString(s.keyID[:]) }

// Seal encrypts plain, binding associatedData (which is not stored), and
// returns a new envelope.
func (s *Sealer) Seal(plain, associatedData []byte) ([]byte, error) {
	header := make([]byte, headerSize, headerSize+s.aead.Overhead()+len(plain))
	header[0] = envelopeV1
	copy(header[1:], s.keyID[:])
	return s.aead.Seal(header, nil, plain, s.ad(header, associatedData)), nil
}

// Open decrypts an envelope from [Sealer.Seal] given the same
// associatedData. The error wraps [ErrUnknownKey] when another master key
// sealed it, and [ErrCorrupt] otherwise.
func (s *Sealer) Open(sealed, associatedData []byte) ([]byte, error) {
	if len(sealed) < minEnvelope {
		return nil, ErrCorrupt
	}
	if sealed[0] != envelopeV1 {
		return nil, errors.Join(ErrCorrupt, errors.New("unknown envelope version"))
	}
	if !hmac.Equal(sealed[1:headerSize], s.keyID[:]) {
		return nil, ErrUnknownKey
	}
	plain, err := s.aead.Open(nil, nil, sealed[headerSize:], s.ad(sealed[:headerSize], associatedData))
	if err != nil {
		return nil, ErrCorrupt
	}
	return plain, nil
}

func (s *Sealer) ad(header, associatedData []byte) []byte {
	return append(bytes.Clone(header), associatedData...)
}

// ParseMasterKey decodes a master key as the operator gives it in
// BADGED_MASTER_KEY: standard or URL-safe base64, padded or not, of 32
// bytes. The error is Invalid and never echoes the key.
func ParseMasterKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, badged.Errorf(badged.Invalid, "the master key is empty (generate one with: head -c 32 /dev/urandom | base64)")
	}
	s = strings.TrimRight(s, "=")
	enc := base64.RawStdEncoding
	if strings.ContainsAny(s, "-_") {
		enc = base64.RawURLEncoding
	}
	key, err := enc.DecodeString(s)
	if err != nil {
		return nil, badged.Errorf(badged.Invalid, "the master key is not valid base64")
	}
	if len(key) != MasterKeySize {
		return nil, badged.Errorf(badged.Invalid, "the master key is %d bytes, want %d (generate one with: head -c 32 /dev/urandom | base64)", len(key), MasterKeySize)
	}
	return key, nil
}
