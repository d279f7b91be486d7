package postgres_test

import (
	"testing"

	"github.com/badged/badged/badgeimage"
	"github.com/badged/badged/storage/storagetest"
)

func TestImageStore(t *testing.T) {
	storagetest.RunImages(t, func(t *testing.T) badgeimage.Store { return open(t, freshSchema(t)) })
}
