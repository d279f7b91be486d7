package postgres_test

import (
	"testing"

	"github.com/badged/badged/openid4vp"
	"github.com/badged/badged/storage/storagetest"
)

func TestOpenID4VPStore(t *testing.T) {
	storagetest.RunOpenID4VP(t, func(t *testing.T) openid4vp.Store { return open(t, freshSchema(t)) })
}
