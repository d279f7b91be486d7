package postgres_test

import (
	"testing"

	"github.com/badged/badged/storage/storagetest"
)

func TestBulkStore(t *testing.T) {
	storagetest.RunBulk(t, func(t *testing.T) storagetest.BulkStore { return open(t, freshSchema(t)) })
}
