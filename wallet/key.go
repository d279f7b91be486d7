package wallet

import (
	"context"
	"crypto/ed25519"
	"fmt"

	"github.com/badged/badged"
	"github.com/badged/badged/did"
	"github.com/badged/badged/keys"
)

func keyAD(userID string) []byte { return []byte("badged wallet key v1 " + userID) }

// HolderDID returns the did:key of the user's wallet, creating its key on
// first use, so that issuance can name the holder as
// credentialSubject.id. Errors: Unauthorized without a user ID; the
// store's.
func (s *Service) HolderDID(ctx context.Context, userID string) (string, error) {
	k, err := s.walletKey(ctx, userID)
	if err != nil {
		return "", err
	}
	return k.DID, nil
}

// walletKey returns the user's key, creating it when there is none; when
// two calls race, the first stored wins.
func (s *Service) walletKey(ctx context.Context, userID string) (*Key, error) {
	if userID == "" {
		return nil, badged.Errorf(badged.Unauthorized, "sign in first")
	}
	k, err := s.store.WalletKey(ctx, userID)
	if err == nil {
		return k, nil
	}
	if badged.KindOf(err) != badged.NotFound {
		return nil, fmt.Errorf("wallet key of %s: %w", userID, err)
	}
	priv, err := keys.Generate(s.rand)
	if err != nil {
		return nil, err
	}
	id, err := did.KeyDID(priv.Public())
	if err != nil {
		return nil, err
	}
	sealed, err := s.sealer.Seal(priv.Seed(), keyAD(userID))
	if err != nil {
		return nil, fmt.Errorf("seal wallet key: %w", err)
	}
	k = &Key{UserID: userID, DID: id, Sealed: sealed, Created: s.timestamp()}
	if err := s.store.CreateWalletKey(ctx, k); err != nil {
		if badged.KindOf(err) == badged.Conflict {
			return s.store.WalletKey(ctx, userID)
		}
		return nil, fmt.Errorf("store wallet key: %w", err)
	}
	return k, nil
}

// signer unseals the user's wallet key.
func (s *Service) signer(ctx context.Context, userID string) (ed25519.PrivateKey, *Key, error) {
	k, err := s.walletKey(ctx, userID)
	if err != nil {
		return nil, nil, err
	}
	seed, err := s.sealer.Open(k.Sealed, keyAD(userID))
	if err != nil {
		return nil, nil, badged.Wrap(badged.Internal, err, "the wallet key cannot be unsealed with the configured master key")
	}
	if len(seed) != ed25519.SeedSize {
		return nil, nil, badged.Errorf(badged.Internal, "the wallet key of %s is corrupt", userID)
	}
	return ed25519.NewKeyFromSeed(seed), k, nil
}
