package bolt_test

import (
	"testing"

	"github.com/badged/badged/auth"
	"github.com/badged/badged/storage/storagetest"
)

func TestAuthStore(t *testing.T) {
	storagetest.RunAuth(t, func(t *testing.T) auth.Store { return openDB(t) })
}
