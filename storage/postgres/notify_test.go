package postgres_test

import (
	"testing"

	"github.com/badged/badged/notify"
	"github.com/badged/badged/storage/storagetest"
)

func TestOutboxStore(t *testing.T) {
	storagetest.RunOutbox(t, func(t *testing.T) notify.Store { return open(t, freshSchema(t)) })
}
