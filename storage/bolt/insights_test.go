package bolt_test

import (
	"testing"

	"github.com/badged/badged/storage/storagetest"
)

func TestInsightsStore(t *testing.T) {
	storagetest.RunInsights(t, func(t *testing.T) storagetest.InsightsStore { return openDB(t) })
}
