package issuer_test

import (
	"testing"

	"github.com/badged/badged/issuer"
)

// TestTransitions checks every (state, trigger) pair against the state
// machine written out here independently: a pair not listed must be
// refused.
func TestTransitions(t *testing.T) {
	want := map[issuer.AwardState]map[issuer.Trigger]issuer.AwardState{
		issuer.AwardRequested: {issuer.TriggerApprove: issuer.AwardAccepted, issuer.TriggerDeny: issuer.AwardDenied},
		issuer.AwardScheduled: {issuer.TriggerSend: issuer.AwardSent, issuer.TriggerDelete: issuer.AwardDeleted},
		issuer.AwardSent: {
			issuer.TriggerClaim: issuer.AwardAccepted, issuer.TriggerReject: issuer.AwardRejected,
			issuer.TriggerExpire: issuer.AwardExpired, issuer.TriggerDelete: issuer.AwardDeleted,
		},
		issuer.AwardAccepted: {issuer.TriggerRevoke: issuer.AwardRevoked},
	}
	final := map[issuer.AwardState]bool{
		issuer.AwardDenied: true, issuer.AwardRejected: true, issuer.AwardExpired: true,
		issuer.AwardRevoked: true, issuer.AwardDeleted: true,
	}
	if len(issuer.AwardStates) != 9 || len(issuer.Triggers) != 8 {
		t.Fatalf("%d states and %d triggers: update this test", len(issuer.AwardStates), len(issuer.Triggers))
	}
	for _, s := range issuer.AwardStates {
		if !s.Valid() {
			t.Errorf("%s is not valid", s)
		}
		if s.Final() != final[s] {
			t.Errorf("%s: Final = %v", s, s.Final())
		}
		for _, tr := range issuer.Triggers {
			to, ok := s.Next(tr)
			wantTo, wantOK := want[s][tr]
			if ok != wantOK || to != wantTo {
				t.Errorf("%s --%s--> %q, %v; want %q, %v", s, tr, to, ok, wantTo, wantOK)
			}
			if ok && !to.Valid() {
				t.Errorf("%s --%s--> unknown state %q", s, tr, to)
			}
		}
	}
	if _, ok := issuer.AwardState("bogus").Next(issuer.TriggerClaim); ok {
		t.Error("an unknown state has a transition")
	}
}

func TestLearnerMatches(t *testing.T) {
	l := issuer.Learner{UserID: "u1", EduID: "edu-1", Emails: []string{"Me@Example.org", "me@student.example"}, EPPNs: []string{"me@uni.example"}}
	for name, tc := range map[string]struct {
		r    issuer.Recipient
		want bool
	}{
		"ok/user":         {issuer.Recipient{UserID: "u1"}, true},
		"ok/eduID":        {issuer.Recipient{EduID: "edu-1"}, true},
		"ok/email":        {issuer.Recipient{Email: "me@example.org"}, true},
		"ok/emailCase":    {issuer.Recipient{Email: "ME@EXAMPLE.ORG"}, true},
		"ok/secondEmail":  {issuer.Recipient{Email: "me@student.example"}, true},
		"ok/eppn":         {issuer.Recipient{EPPN: "me@uni.example"}, true},
		"ok/anyOne":       {issuer.Recipient{Email: "other@example.org", EPPN: "me@uni.example"}, true},
		"fail/none":       {issuer.Recipient{}, false},
		"fail/otherEmail": {issuer.Recipient{Email: "you@example.org"}, false},
		"fail/otherUser":  {issuer.Recipient{UserID: "u2", EduID: "edu-2"}, false},
		"fail/emptyMatch": {issuer.Recipient{UserID: "", EPPN: ""}, false},
	} {
		t.Run(name, func(t *testing.T) {
			if got := l.Matches(tc.r); got != tc.want {
				t.Errorf("Matches(%+v) = %v", tc.r, got)
			}
		})
	}
	if (issuer.Learner{}).Matches(issuer.Recipient{}) {
		t.Error("empty learner matches empty recipient")
	}
}
