package bolt_test

import (
	"testing"

	"github.com/badged/badged/storage/storagetest"
	"github.com/badged/badged/wallet"
)

func TestWalletStore(t *testing.T) {
	storagetest.RunWallet(t, func(t *testing.T) wallet.Store { return openDB(t) })
}
