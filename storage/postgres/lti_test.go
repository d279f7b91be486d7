package postgres_test

import (
	"testing"

	"github.com/badged/badged/lti"
	"github.com/badged/badged/storage/storagetest"
)

func TestLTI(t *testing.T) {
	storagetest.RunLTI(t, func(t *testing.T) lti.Store { return open(t, freshSchema(t)) })
}
