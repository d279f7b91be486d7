package bolt_test

import (
	"testing"

	"github.com/badged/badged/login"
	"github.com/badged/badged/storage/storagetest"
)

func TestLoginStore(t *testing.T) {
	storagetest.RunLogin(t, func(t *testing.T) login.Store { return openDB(t) })
}
