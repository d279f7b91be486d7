package bolt_test

import (
	"testing"

	"github.com/badged/badged/audit"
	"github.com/badged/badged/notify"
	"github.com/badged/badged/storage/storagetest"
)

func TestOutboxStore(t *testing.T) {
	storagetest.RunOutbox(t, func(t *testing.T) notify.Store { return openDB(t) })
}

func TestAuditStore(t *testing.T) {
	storagetest.RunAudit(t, func(t *testing.T) audit.Store { return openDB(t) })
}
