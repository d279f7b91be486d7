package main

import (
	"context"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/sha256"
	"log/slog"
	"net/http"
	"time"

	"github.com/badged/badged/did"
	"github.com/badged/badged/issuance"
	"github.com/badged/badged/openid4vp"
	"github.com/badged/badged/web"
)

// withOpenID4VP adds the OpenID4VP verifier to api: its request objects are
// signed with a key derived from the master key, so that every node signs
// with the one key its did:web document publishes; the backpack checks
// requests with badged's own key in memory and any other through the
// egress guard.
func withOpenID4VP(api *web.API, st openid4vp.Store, mk []byte, base string, iss *issuance.Service, client *http.Client, now func() time.Time) (*openid4vp.Service, error) {
	seed, err := hkdf.Key(sha256.New, mk, nil, "badged openid4vp request key", ed25519.SeedSize)
	if err != nil {
		return nil, err
	}
	vp, err := openid4vp.New(st, base, ed25519.NewKeyFromSeed(seed), api.Verifier, openid4vp.WithClock(now))
	if err != nil {
		return nil, err
	}
	api.OpenID4VP, api.CredentialName = vp, iss
	api.RequestKeys = vp.OwnKeys(did.NewResolver(client, did.WithNow(now)))
	return vp, nil
}

// purgeTransactions removes expired OpenID4VP transactions every interval
// until ctx ends.
func purgeTransactions(ctx context.Context, vp *openid4vp.Service, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		switch n, err := vp.Purge(ctx); {
		case err != nil && ctx.Err() == nil:
			log.Error("purging expired presentation requests failed", "err", err)
		case n > 0:
			log.Info("purged expired presentation requests", "transactions", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
