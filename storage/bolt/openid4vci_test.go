package bolt_test

import (
	"testing"

	"github.com/badged/badged/openid4vci"
	"github.com/badged/badged/storage/storagetest"
)

func TestOpenID4VCIStore(t *testing.T) {
	storagetest.RunOpenID4VCI(t, func(t *testing.T) openid4vci.Store { return newStore(t).(openid4vci.Store) })
}
