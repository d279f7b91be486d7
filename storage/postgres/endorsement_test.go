package postgres_test

import (
	"testing"

	"github.com/badged/badged/endorsement"
	"github.com/badged/badged/storage/storagetest"
)

func TestEndorsementStore(t *testing.T) {
	storagetest.RunEndorsements(t, func(t *testing.T) endorsement.Store { return open(t, freshSchema(t)) })
}
