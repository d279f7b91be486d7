package storagetest

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/openid4vp"
)

// RunOpenID4VP runs the conformance suite of [openid4vp.Store]. newStore
// returns a new, empty store for one subtest; it registers its own cleanup.
func RunOpenID4VP(t *testing.T, newStore func(t *testing.T) openid4vp.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s openid4vp.Store)
	}{
		{"Transaction", testVPTransaction},
		{"Purge", testVPPurge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore(t)) })
	}
}

func vpTransaction(id string, expires time.Time) *openid4vp.Transaction {
	return &openid4vp.Transaction{ID: id, Ask: openid4vp.Ask{Kind: openid4vp.AskBadgeClass, Values: []string{"https://x.example/badgeclasses/a"}, Label: "A"},
		Created: expires.Add(-10 * time.Minute), Expires: expires}
}

func testVPTransaction(t *testing.T, s openid4vp.Store) {
	ctx := context.Background()
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	want := vpTransaction("t1", now)
	if err := s.CreateTransaction(ctx, want); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateTransaction(ctx, vpTransaction("t1", now)); badged.KindOf(err) != badged.Conflict {
		t.Errorf("second create: %v, want Conflict", err)
	}
	if _, err := s.Transaction(ctx, "nope"); badged.KindOf(err) != badged.NotFound {
		t.Errorf("unknown: %v, want NotFound", err)
	}
	got, err := s.Transaction(ctx, "t1")
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("read %+v, %v; want %+v", got, err, want)
	}
	refuse := badged.Errorf(badged.Conflict, "no")
	if _, err := s.UpdateTransaction(ctx, "t1", func(tr *openid4vp.Transaction) error {
		tr.Outcome = &openid4vp.Outcome{Error: "x"}
		return refuse
	}); err != refuse {
		t.Errorf("aborted update: %v, want fn's error", err)
	}
	out := &openid4vp.Outcome{Received: now, Error: "access_denied", Description: "why", Declined: true, Result: json.RawMessage(`{"verdict":"invalid"}`)}
	if _, err := s.UpdateTransaction(ctx, "t1", func(tr *openid4vp.Transaction) error {
		if tr.Outcome != nil {
			t.Errorf("aborted update was stored: %+v", tr.Outcome)
		}
		tr.Outcome = out
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	got, err = s.Transaction(ctx, "t1")
	if err != nil || got.Outcome == nil || got.Outcome.Error != out.Error || got.Outcome.Description != out.Description || !got.Outcome.Declined ||
		!got.Outcome.Received.Equal(now) || !jsonEqual(got.Outcome.Result, out.Result) {
		t.Errorf("outcome %+v, %v; want %+v", got.Outcome, err, out)
	}
	if _, err := s.UpdateTransaction(ctx, "nope", func(*openid4vp.Transaction) error { return nil }); badged.KindOf(err) != badged.NotFound {
		t.Errorf("update unknown: %v, want NotFound", err)
	}
}

func jsonEqual(a, b json.RawMessage) bool {
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && reflect.DeepEqual(x, y)
}

func testVPPurge(t *testing.T, s openid4vp.Store) {
	ctx := context.Background()
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	for id, exp := range map[string]time.Time{"old": now.Add(-time.Hour), "new": now.Add(time.Hour)} {
		if err := s.CreateTransaction(ctx, vpTransaction(id, exp)); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.PurgeTransactions(ctx, now)
	if err != nil || n != 1 {
		t.Fatalf("purge: %d, %v; want 1", n, err)
	}
	if _, err := s.Transaction(ctx, "old"); badged.KindOf(err) != badged.NotFound {
		t.Errorf("old after purge: %v, want NotFound", err)
	}
	if _, err := s.Transaction(ctx, "new"); err != nil {
		t.Errorf("new after purge: %v", err)
	}
}
