package verifier_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/badged/badged/credential/dataintegrity"
	"github.com/badged/badged/credential/jose"
	"github.com/badged/badged/did"
	"github.com/badged/badged/verifier"
)

// switchingKeys resolves every verification method to the key it holds
// now: an issuer whose DID document changed between two verifications.
type switchingKeys struct{ key atomic.Pointer[did.Key] }

func (s *switchingKeys) ResolveKey(_ context.Context, vm string) (*did.Key, error) {
	k := *s.key.Load()
	k.ID = vm
	return &k, nil
}

func (s *switchingKeys) use(sg signer) {
	s.key.Store(&did.Key{VerificationMethod: sg.vm, PublicKey: sg.key.Public(), Controller: sg.vm.Controller})
}

// TestContentMemo: a credential verified again is judged as the first
// time whatever changed meanwhile: the key its proof names (an issuer that
// replaced its key), its content, or the time (a proof that expired).
func TestContentMemo(t *testing.T) {
	e := newNegEnv(t)
	var keys switchingKeys
	now := negClock()
	v := verifier.New(e.ld, &keys, verifier.WithClock(func() time.Time { return now }))
	ctx := context.Background()
	proofFails := func(t *testing.T, res *verifier.Result) {
		t.Helper()
		if c, _ := res.Check(verifier.CheckProof); res.Verified || c.Verdict != verifier.Fail {
			t.Errorf("want a failed proof:\n%s", describe(res))
		}
	}
	verifies := func(t *testing.T, res *verifier.Result) {
		t.Helper()
		if c, _ := res.Check(verifier.CheckProof); c.Verdict != verifier.Pass {
			t.Errorf("want a valid proof:\n%s", describe(res))
		}
	}

	for _, suite := range []string{dataintegrity.RDFC, dataintegrity.JCS} {
		t.Run(suite, func(t *testing.T) {
			in := marshal(t, e.signDI(t, e.cred(t, issuedBy(scienceDID)), e.science, suite))
			keys.use(e.science)
			verifies(t, v.Verify(ctx, in))
			verifies(t, v.Verify(ctx, in))
			keys.use(e.other) // the same method now names another key
			proofFails(t, v.Verify(ctx, in))
			keys.use(e.science)
			verifies(t, v.Verify(ctx, in))

			tampered := e.signDI(t, e.cred(t, issuedBy(scienceDID)), e.science, suite)
			tampered["name"] = "Another badge"
			proofFails(t, v.Verify(ctx, marshal(t, tampered)))
		})
	}

	t.Run("vc-jwt", func(t *testing.T) {
		token := signJWT(t, e.cred(t, issuedBy(scienceDID)), e.science.key, e.science.vm.ID, jose.OBJWT)
		keys.use(e.science)
		verifies(t, v.Verify(ctx, []byte(token)))
		keys.use(e.other)
		proofFails(t, v.Verify(ctx, []byte(token)))
	})

	t.Run("expires", func(t *testing.T) {
		keys.use(e.science)
		signed := signWith(t, e.suite, e.cred(t, issuedBy(scienceDID)), e.science,
			dataintegrity.Options{Cryptosuite: dataintegrity.RDFC, Expires: now.Add(time.Hour)})
		in := marshal(t, signed)
		verifies(t, v.Verify(ctx, in))
		defer func(then time.Time) { now = then }(now)
		now = now.Add(2 * time.Hour)
		proofFails(t, v.Verify(ctx, in))
	})
}
