package wallet_test

import (
	"testing"

	"github.com/badged/badged/verifier"
	"github.com/badged/badged/wallet"
)

// TestStateOf: only a set status bit is revoked (or suspended), a failed
// signature is invalid whatever else failed, and a credential that could
// not be fully checked is unchecked, never revoked.
func TestStateOf(t *testing.T) {
	check := func(id string, v verifier.Verdict) verifier.Check {
		return verifier.Check{ID: id, Verdict: v, Message: "m"}
	}
	tests := []struct {
		name string
		res  *verifier.Result
		want string
	}{
		{"ok/valid", &verifier.Result{Verified: true, Verdict: verifier.Valid}, ""},
		{"ok/no result", nil, ""},
		{"unchecked/status list unreachable", &verifier.Result{Verdict: verifier.Indeterminate,
			Checks: []verifier.Check{check(verifier.CheckProof, verifier.Pass), check(verifier.CheckStatus, verifier.Unchecked)}}, wallet.StateUnchecked},
		{"unchecked/key unreachable", &verifier.Result{Verdict: verifier.Indeterminate,
			Checks: []verifier.Check{check(verifier.CheckProof, verifier.Unchecked), check(verifier.CheckSigner, verifier.Unchecked)}}, wallet.StateUnchecked},
		{"revoked/bit set", &verifier.Result{Verdict: verifier.Invalid, Status: verifier.StatusRevoked,
			Checks: []verifier.Check{check(verifier.CheckProof, verifier.Pass), check(verifier.CheckStatus, verifier.Fail)}}, wallet.StateRevoked},
		{"revoked/and expired", &verifier.Result{Verdict: verifier.Invalid, Status: verifier.StatusRevoked,
			Checks: []verifier.Check{check(verifier.CheckValidity, verifier.Fail), check(verifier.CheckStatus, verifier.Fail)}}, wallet.StateRevoked},
		{"suspended/bit set", &verifier.Result{Verdict: verifier.Invalid, Status: verifier.StatusSuspended,
			Checks: []verifier.Check{check(verifier.CheckStatus, verifier.Fail)}}, wallet.StateSuspended},
		{"expired/dates only", &verifier.Result{Verdict: verifier.Invalid,
			Checks: []verifier.Check{check(verifier.CheckProof, verifier.Pass), check(verifier.CheckValidity, verifier.Fail)}}, wallet.StateExpired},
		{"expired/with a status list unreachable", &verifier.Result{Verdict: verifier.Invalid,
			Checks: []verifier.Check{check(verifier.CheckValidity, verifier.Fail), check(verifier.CheckStatus, verifier.Unchecked)}}, wallet.StateExpired},
		{"invalid/altered", &verifier.Result{Verdict: verifier.Invalid,
			Checks: []verifier.Check{check(verifier.CheckProof, verifier.Fail)}}, wallet.StateInvalid},
		{"invalid/altered, whatever its list says", &verifier.Result{Verdict: verifier.Invalid, Status: verifier.StatusRevoked,
			Checks: []verifier.Check{check(verifier.CheckProof, verifier.Fail), check(verifier.CheckStatus, verifier.Fail)}}, wallet.StateInvalid},
		{"invalid/status entry that does not match its list", &verifier.Result{Verdict: verifier.Invalid,
			Checks: []verifier.Check{check(verifier.CheckStatus, verifier.Fail)}}, wallet.StateInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := wallet.StateOf(tt.res); got != tt.want {
				t.Errorf("StateOf = %q, want %q", got, tt.want)
			}
		})
	}
}
