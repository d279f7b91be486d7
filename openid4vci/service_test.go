package openid4vci_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"net/http"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/badged/badged/did"
	"github.com/badged/badged/openid4vci"
	"github.com/badged/badged/storage/bolt"
	gojose "github.com/go-jose/go-jose/v4"
)

const issuerURL = "https://badged.example"

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newService(t testing.TB) (*openid4vci.Service, *clock) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "badged.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := &clock{t: time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC)}
	return openid4vci.New(db, issuerURL, did.NewResolver(http.DefaultClient), openid4vci.WithClock(c.now)), c
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	var pe *openid4vci.Error
	if !errors.As(err, &pe) || pe.Code != code {
		t.Fatalf("%s: error %v, want %s", what, err, code)
	}
}

// proofJWT signs a proof of possession with key; kid "" embeds the jwk.
func proofJWT(t testing.TB, key crypto.Signer, alg gojose.SignatureAlgorithm, kid string, claims string) string {
	t.Helper()
	opts := (&gojose.SignerOptions{}).WithType(openid4vci.ProofType)
	jwk := gojose.JSONWebKey{Key: key}
	if kid == "" {
		opts.EmbedJWK = true
	} else {
		jwk.KeyID = kid
	}
	s, err := gojose.NewSigner(gojose.SigningKey{Algorithm: alg, Key: jwk}, opts)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := s.Sign([]byte(claims))
	if err != nil {
		t.Fatal(err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRedeem(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		run  func(t *testing.T, s *openid4vci.Service, c *clock)
	}{
		{"ok/with tx code, then reuse refused", func(t *testing.T, s *openid4vci.Service, c *clock) {
			o := offer(t, s, true)
			tok, err := s.Redeem(ctx, o.Code, o.TxCode)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Authorize(ctx, tok.AccessToken)
			if err != nil || got.AwardID != "award-1" {
				t.Fatalf("Authorize = %+v, %v", got, err)
			}
			_, err = s.Redeem(ctx, o.Code, o.TxCode)
			wantCode(t, "reuse", err, openid4vci.CodeInvalidGrant)
			c.t = c.t.Add(openid4vci.TokenLifetime)
			_, err = s.Authorize(ctx, tok.AccessToken)
			wantCode(t, "expired token", err, openid4vci.CodeInvalidToken)
		}},
		{"ok/without tx code", func(t *testing.T, s *openid4vci.Service, c *clock) {
			o := offer(t, s, false)
			if _, err := s.Redeem(ctx, o.Code, ""); err != nil {
				t.Fatal(err)
			}
		}},
		{"fail/expired code", func(t *testing.T, s *openid4vci.Service, c *clock) {
			o := offer(t, s, true)
			c.t = c.t.Add(openid4vci.CodeLifetime)
			_, err := s.Redeem(ctx, o.Code, o.TxCode)
			wantCode(t, "expired", err, openid4vci.CodeInvalidGrant)
		}},
		{"fail/unknown code", func(t *testing.T, s *openid4vci.Service, c *clock) {
			_, err := s.Redeem(ctx, "nope", "")
			wantCode(t, "unknown", err, openid4vci.CodeInvalidGrant)
		}},
		{"fail/missing tx code", func(t *testing.T, s *openid4vci.Service, c *clock) {
			o := offer(t, s, true)
			_, err := s.Redeem(ctx, o.Code, "")
			wantCode(t, "missing", err, openid4vci.CodeInvalidRequest)
		}},
		{"fail/wrong tx codes lock the offer", func(t *testing.T, s *openid4vci.Service, c *clock) {
			o := offer(t, s, true)
			wrong := "000000"
			if wrong == o.TxCode {
				wrong = "111111"
			}
			for i := 0; i < openid4vci.MaxTxAttempts; i++ {
				_, err := s.Redeem(ctx, o.Code, wrong)
				wantCode(t, "wrong tx code", err, openid4vci.CodeInvalidGrant)
			}
			// Locked: even the right code is refused now.
			_, err := s.Redeem(ctx, o.Code, o.TxCode)
			wantCode(t, "locked", err, openid4vci.CodeInvalidGrant)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c := newService(t)
			tt.run(t, s, c)
		})
	}
}

func offer(t *testing.T, s *openid4vci.Service, tx bool) *openid4vci.NewOffer {
	t.Helper()
	o, err := s.CreateOffer(context.Background(), "award-1", tx)
	if err != nil {
		t.Fatal(err)
	}
	if tx != (len(o.TxCode) == openid4vci.TxCodeLength) {
		t.Fatalf("tx code %q", o.TxCode)
	}
	doc, err := s.OfferDocument(context.Background(), o.Ref)
	if err != nil || doc["credential_issuer"] != issuerURL {
		t.Fatalf("OfferDocument = %v, %v", doc, err)
	}
	return o
}

func TestHolders(t *testing.T) {
	ctx := context.Background()
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	keyDID, _ := did.KeyDID(edKey.Public())
	jwkDID, _ := did.JWKDID(ecKey.Public())
	ecJWKDID := jwkDID
	keyKid := keyDID + "#" + keyDID[len("did:key:"):]
	jwkKid := jwkDID + "#0"
	claims := func(s *openid4vci.Service, c *clock, aud string, iat time.Time) string {
		n, err := s.Nonce(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return `{"aud":"` + aud + `","iat":` + itoa(iat.Unix()) + `,"nonce":"` + n + `"}`
	}
	tests := []struct {
		name   string
		proofs func(s *openid4vci.Service, c *clock) []string
		want   []string // holders, or nil when refused
		code   string
	}{
		{"ok/did:key EdDSA", func(s *openid4vci.Service, c *clock) []string {
			return []string{proofJWT(t, edKey, gojose.EdDSA, keyKid, claims(s, c, issuerURL, c.t))}
		}, []string{keyDID}, ""},
		{"ok/did:jwk ES256", func(s *openid4vci.Service, c *clock) []string {
			return []string{proofJWT(t, ecKey, gojose.ES256, jwkKid, claims(s, c, issuerURL, c.t))}
		}, []string{jwkDID}, ""},
		{"ok/batch with jwk header", func(s *openid4vci.Service, c *clock) []string {
			cl := claims(s, c, issuerURL, c.t)
			return []string{proofJWT(t, edKey, gojose.EdDSA, keyKid, cl), proofJWT(t, ecKey, gojose.ES256, "", cl)}
		}, []string{keyDID, ecJWKDID}, ""},
		{"fail/wrong audience", func(s *openid4vci.Service, c *clock) []string {
			return []string{proofJWT(t, edKey, gojose.EdDSA, keyKid, claims(s, c, "https://evil.example", c.t))}
		}, nil, openid4vci.CodeInvalidProof},
		{"fail/stale nonce", func(s *openid4vci.Service, c *clock) []string {
			cl := claims(s, c, issuerURL, c.t.Add(openid4vci.NonceLifetime))
			c.t = c.t.Add(openid4vci.NonceLifetime)
			return []string{proofJWT(t, edKey, gojose.EdDSA, keyKid, cl)}
		}, nil, openid4vci.CodeInvalidNonce},
		{"fail/nonce used twice", func(s *openid4vci.Service, c *clock) []string {
			p := proofJWT(t, edKey, gojose.EdDSA, keyKid, claims(s, c, issuerURL, c.t))
			if _, err := s.Holders(ctx, []string{p}); err != nil {
				t.Fatal(err)
			}
			return []string{p}
		}, nil, openid4vci.CodeInvalidNonce},
		{"fail/unknown nonce", func(s *openid4vci.Service, c *clock) []string {
			return []string{proofJWT(t, edKey, gojose.EdDSA, keyKid, `{"aud":"`+issuerURL+`","iat":`+itoa(c.t.Unix())+`,"nonce":"x"}`)}
		}, nil, openid4vci.CodeInvalidNonce},
		{"fail/old iat", func(s *openid4vci.Service, c *clock) []string {
			return []string{proofJWT(t, edKey, gojose.EdDSA, keyKid, claims(s, c, issuerURL, c.t.Add(-time.Hour)))}
		}, nil, openid4vci.CodeInvalidProof},
		{"fail/kid of another key", func(s *openid4vci.Service, c *clock) []string {
			return []string{proofJWT(t, ecKey, gojose.ES256, keyKid, claims(s, c, issuerURL, c.t))}
		}, nil, openid4vci.CodeInvalidProof},
		{"fail/no proof", func(s *openid4vci.Service, c *clock) []string { return nil }, nil, openid4vci.CodeInvalidProof},
		{"fail/not a JWT", func(s *openid4vci.Service, c *clock) []string { return []string{"a.b.c"} }, nil, openid4vci.CodeInvalidProof},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c := newService(t)
			got, err := s.Holders(ctx, tt.proofs(s, c))
			if tt.code != "" {
				wantCode(t, "Holders", err, tt.code)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("holders %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("holder %d = %s, want %s", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
