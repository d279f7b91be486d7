package lti

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	gojose "github.com/go-jose/go-jose/v4"

	"github.com/badged/badged"
	"github.com/badged/badged/cache"
	"github.com/badged/badged/egress"
)

// jwksTTL is how long a platform's key set is used before it is fetched
// again; a token signed by a key not in it fetches it at once.
const jwksTTL = 5 * time.Minute

// maxJWKS bounds a platform's key set.
const maxJWKS = 256 << 10

// jwksCache holds the platforms' key sets, in the one LRU cache.
type jwksCache struct {
	lru *cache.LRU[string, *gojose.JSONWebKeySet]
}

func newJWKSCache() *jwksCache {
	return &jwksCache{lru: cache.New[string, *gojose.JSONWebKeySet](64).Named("lti_platform_keys")}
}

// get returns the key set at url, fetched through client (the egress
// guard) when not cached or when fresh is set.
func (c *jwksCache) get(ctx context.Context, client *http.Client, url string, fresh bool, now time.Time) (*gojose.JSONWebKeySet, error) {
	if !fresh {
		if e, ok := c.lru.Get(url, now, time.Time{}); ok {
			return e.Value, nil
		}
	}
	body, _, err := egress.Fetch(ctx, client, url, maxJWKS, "application/json")
	if err != nil {
		return nil, badged.Wrap(badged.Unavailable, err, "the platform's keys ("+url+") could not be fetched: "+badged.MessageOf(err))
	}
	var set gojose.JSONWebKeySet
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, badged.Errorf(badged.Unavailable, "the platform's keys (%s) are not a JSON Web Key Set", url)
	}
	c.lru.Put(url, &set, now, now.Add(jwksTTL))
	return &set, nil
}

// loadToolKey returns the function that gives the tool's RSA key: created
// (2048 bits, sealed by the master key) the first time, read once, kept.
func (s *Service) loadToolKey() func(ctx context.Context) (*rsa.PrivateKey, error) {
	var (
		mu  sync.Mutex
		key *rsa.PrivateKey
	)
	return func(ctx context.Context) (*rsa.PrivateKey, error) {
		mu.Lock()
		defer mu.Unlock()
		if key != nil {
			return key, nil
		}
		sealed, err := s.store.ToolKey(ctx, func() ([]byte, error) {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				return nil, err
			}
			der, err := x509.MarshalPKCS8PrivateKey(k)
			if err != nil {
				return nil, err
			}
			return s.sealer.Seal(der, []byte("lti tool key"))
		})
		if err != nil {
			return nil, fmt.Errorf("lti tool key: %w", err)
		}
		der, err := s.sealer.Open(sealed, []byte("lti tool key"))
		if err != nil {
			return nil, fmt.Errorf("lti tool key: %w", err)
		}
		k, err := x509.ParsePKCS8PrivateKey(der)
		if err != nil {
			return nil, fmt.Errorf("lti tool key: %w", err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("lti tool key: not an RSA key")
		}
		key = rk
		return key, nil
	}
}

// toolJWK is the tool's public key as a JWK, with its kid (the SHA-256
// of its public key, hex).
func (s *Service) toolJWK(ctx context.Context) (*rsa.PrivateKey, gojose.JSONWebKey, error) {
	k, err := s.toolKey(ctx)
	if err != nil {
		return nil, gojose.JSONWebKey{}, err
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		return nil, gojose.JSONWebKey{}, err
	}
	sum := sha256.Sum256(der)
	return k, gojose.JSONWebKey{Key: &k.PublicKey, KeyID: hex.EncodeToString(sum[:8]), Algorithm: string(gojose.RS256), Use: "sig"}, nil
}

// JWKS is the tool's public key set, which platforms register.
func (s *Service) JWKS(ctx context.Context) (*gojose.JSONWebKeySet, error) {
	_, jwk, err := s.toolJWK(ctx)
	if err != nil {
		return nil, err
	}
	return &gojose.JSONWebKeySet{Keys: []gojose.JSONWebKey{jwk}}, nil
}

// Config is the tool's configuration, as LTI Dynamic Registration's
// tool configuration describes a tool: what an administrator pastes into
// the platform's registration form.
func (s *Service) Config() map[string]any {
	return map[string]any{
		"application_type":           "web",
		"client_name":                "badged",
		"response_types":             []string{"id_token"},
		"grant_types":                []string{"implicit", "client_credentials"},
		"initiate_login_uri":         s.base + LoginPath,
		"redirect_uris":              []string{s.base + LaunchPath},
		"jwks_uri":                   s.base + JWKSPath,
		"token_endpoint_auth_method": "private_key_jwt",
		"scope":                      scopes,
		"https://purl.imsglobal.org/spec/lti-tool-configuration": map[string]any{
			"domain":          hostOf(s.base),
			"target_link_uri": s.base + LaunchPath,
			"claims":          []string{"iss", "sub", "name", "email"},
			"messages":        []map[string]any{{"type": "LtiResourceLinkRequest", "target_link_uri": s.base + LaunchPath, "label": "badged"}},
		},
	}
}
