package endorsement_test

import (
	"context"
	"testing"

	"github.com/badged/badged/endorsement"
	"github.com/badged/badged/issuer"
)

// BenchmarkCreate measures one endorsement: checks, an eddsa-rdfc-2022
// signature, a status list index and two bbolt writes.
func BenchmarkCreate(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	root := issuer.Actor{UserID: "root", Superuser: true}
	for b.Loop() {
		en, err := e.svc.Create(ctx, e.alice, endorsement.Request{IssuerID: e.ownBC.IssuerID, BadgeClassID: e.bc.ID, Comment: "Well assessed."})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if _, err := e.svc.Revoke(ctx, root, en.ID, en.Version, ""); err != nil { // frees the subject for the next
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
