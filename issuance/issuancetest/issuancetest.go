// Package issuancetest sets up credential issuance on real parts for the
// tests of issuance and of the packages built on it: a fresh bbolt file,
// a sealer, badged's JSON-LD processor and a verifier that reads the
// server's own DID documents and status lists in-process, as a serving
// badged does.
package issuancetest

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/badged/badged/contexts"
	"github.com/badged/badged/did"
	"github.com/badged/badged/egress"
	"github.com/badged/badged/issuance"
	"github.com/badged/badged/jsonld"
	"github.com/badged/badged/keys"
	"github.com/badged/badged/storage/bolt"
	"github.com/badged/badged/verifier"
)

// Open opens a bbolt store in t's temporary directory (closed when t
// ends) and returns it with a sealer of a fixed master key and the
// JSON-LD processor of a deployment at base (badged's v2 context at its
// own URL, as cfg.contextLoader makes it).
func Open(t testing.TB, base string) (*bolt.DB, *keys.Sealer, *jsonld.Processor) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "badged.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sealer, err := keys.NewSealer(bytes.Repeat([]byte{42}, keys.MasterKeySize))
	if err != nil {
		t.Fatal(err)
	}
	loader, err := contexts.NewLoader().WithBase(base)
	if err != nil {
		t.Fatal(err)
	}
	return db, sealer, jsonld.New(loader)
}

// Verifier returns a verifier whose clock says now: it reads svc's own
// DIDs and status lists in-process, and anything else through the real
// egress policy.
func Verifier(ld *jsonld.Processor, svc *issuance.Service, now time.Time) *verifier.Verifier {
	client := egress.NewClient(egress.DefaultPolicy())
	return verifier.New(ld, svc.OwnKeys(did.NewResolver(client)),
		verifier.WithStatus(svc.OwnLists(verifier.HTTPFetcher{Client: client})),
		verifier.WithClock(func() time.Time { return now }))
}
