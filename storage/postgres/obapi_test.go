package postgres_test

import (
	"testing"

	"github.com/badged/badged/obapi"
	"github.com/badged/badged/storage/storagetest"
)

func TestOBAPIStore(t *testing.T) {
	storagetest.RunOBAPI(t, func(t *testing.T) obapi.Store { return open(t, freshSchema(t)) })
}
