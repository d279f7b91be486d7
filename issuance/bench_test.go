package issuance_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
)

// BenchmarkIssue issues one credential per iteration on bbolt (a file in
// b.TempDir): index allocation, signing (eddsa-rdfc-2022) and storing.
// Issue 3 asks for 10,000 in under 60 s, i.e. under 6 ms each.
func BenchmarkIssue(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	e.issue(b, e.request("warm-up")) // creates the key ring and the status list
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := e.svc.Issue(ctx, e.request(fmt.Sprint("award-", i))); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkIssueParallel is BenchmarkIssue from GOMAXPROCS goroutines, as
// a bulk award job with workers would run.
func BenchmarkIssueParallel(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	e.issue(b, e.request("warm-up"))
	b.ReportAllocs()
	var n atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := e.svc.Issue(ctx, e.request(fmt.Sprint("award-", n.Add(1)))); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
