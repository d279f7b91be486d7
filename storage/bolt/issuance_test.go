package bolt_test

import (
	"context"
	"github.com/badged/badged/lti"
	"testing"

	"github.com/badged/badged/issuance"
	"github.com/badged/badged/storage/storagetest"
	bbolt "go.etcd.io/bbolt"
)

func TestIssuanceStore(t *testing.T) {
	storagetest.RunIssuance(t, func(t *testing.T) issuance.Store { return openDB(t) })
}

// TestCredentialWithoutJWT reads a credential record written before
// issuance signed a VC-JWT too (format 1 without "jwt"): it reads with an
// empty JWT.
func TestCredentialWithoutJWT(t *testing.T) {
	const old = `{"format":1,"id":"https://badges.example.org/credentials/1","award":"a1","issuer":"iss","list":"L",` +
		`"statusList":"https://badges.example.org/status/L","statusIndex":7,"issuedAt":"2026-03-01T09:30:00Z",` +
		`"credential":{"id":"https://badges.example.org/credentials/1"}}`
	db := openWith(t, func(tx *bbolt.Tx) error {
		if err := tx.Bucket([]byte("issuance:credentials")).Put([]byte("a1"), []byte(old)); err != nil {
			return err
		}
		return tx.Bucket([]byte("idx:credentials:id")).Put([]byte("https://badges.example.org/credentials/1"), []byte("a1"))
	})
	c, err := db.CredentialByAward(context.Background(), "a1")
	if err != nil {
		t.Fatal(err)
	}
	if c.JWT != nil || c.StatusIdx != 7 || string(c.JSON) != `{"id":"https://badges.example.org/credentials/1"}` {
		t.Fatalf("old record read as %+v", c)
	}
}

func TestLTI(t *testing.T) {
	storagetest.RunLTI(t, func(t *testing.T) lti.Store { return openDB(t) })
}
