package login

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
	"time"
)

// flow is what the login cookie carries between [Service.Begin] and
// [Service.Finish].
type flow struct {
	Provider string    `json:"p"`
	State    string    `json:"s"`
	Nonce    string    `json:"n"`
	Verifier string    `json:"v"` // the PKCE code verifier
	Next     string    `json:"r"`
	Expires  time.Time `json:"e"`
}

// flowAAD binds sealed flows to their purpose and format.
var flowAAD = []byte("badged login flow v1")

// sealer encrypts and authenticates flows, and remembers the states it has
// seen finish so that a flow finishes at most once.
type sealer struct {
	aead cipher.AEAD
	rand io.Reader

	mu   sync.Mutex
	used map[string]time.Time // state → expiry of its flow
}

func newSealer(key []byte, r io.Reader) (*sealer, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("login: the flow key must be 32 bytes, not %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead, rand: r, used: map[string]time.Time{}}, nil
}

func (s *sealer) seal(f *flow) (string, error) {
	plain, err := json.Marshal(f)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := io.ReadFull(s.rand, nonce); err != nil {
		return "", fmt.Errorf("login: random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(s.aead.Seal(nonce, nonce, plain, flowAAD)), nil
}

// open decrypts a sealed flow; it fails for anything this sealer did not
// seal, and for a flow that has expired.
func (s *sealer) open(sealed string, now time.Time) (*flow, error) {
	b, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil || len(b) < s.aead.NonceSize() {
		return nil, errFlow
	}
	plain, err := s.aead.Open(nil, b[:s.aead.NonceSize()], b[s.aead.NonceSize():], flowAAD)
	if err != nil {
		return nil, errFlow
	}
	var f flow
	if err := json.Unmarshal(plain, &f); err != nil {
		return nil, errFlow
	}
	if !now.Before(f.Expires) {
		return nil, errFlowExpired
	}
	return &f, nil
}

// spend marks the flow's state as finished; it reports false when it
// already was.
func (s *sealer) spend(f *flow, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for st, exp := range s.used {
		if !now.Before(exp) {
			delete(s.used, st)
		}
	}
	if _, ok := s.used[f.State]; ok {
		return false
	}
	s.used[f.State] = f.Expires
	return true
}

// sameString compares two secrets in constant time.
func sameString(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// SafeNext returns next when it is a path on this server (starting with a
// single slash, no scheme, host, backslash or control character), else
// "/". It keeps a redirect after sign-in from leaving the site.
func SafeNext(next string) string {
	if next == "" || len(next) > 2000 || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\") {
		return "/"
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}

func randomString(r io.Reader, n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("login: random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
