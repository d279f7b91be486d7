package storagetest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/bulk"
	"github.com/badged/badged/issuer"
)

// BulkStore is a store of the hierarchy, awards and bulk award jobs.
type BulkStore interface {
	issuer.Store
	bulk.Store
}

// RunBulk runs the suite of [bulk.Store], and bulk awards end to end on
// it through the issuer service. newStore returns a new, empty store for
// one subtest; it registers its own cleanup.
func RunBulk(t *testing.T, newStore func(t *testing.T) BulkStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s BulkStore)
	}{
		{"Jobs", testBulkJobs},
		{"Claim", testBulkClaim},
		{"ClaimConcurrently", testBulkClaimConcurrently},
		{"LeaseLost", testBulkLeaseLost},
		{"StaleWorkerAfterDone", testBulkStaleWorkerAfterDone},
		{"DoneDeletesRows", testBulkDoneDeletesRows},
		{"Award1000", testBulkAward1000},
		{"RejectedAppliesNothing", testBulkRejected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore(t)) })
	}
}

func bulkJob(id, badgeClass string, created time.Time, total int) *bulk.Job {
	return &bulk.Job{ID: id, InstitutionID: "i1", BadgeClassID: badgeClass, CreatedBy: "staff1", State: bulk.Queued,
		Total: total, Created: created, Updated: created}
}

func bulkRows(n int) []bulk.Row {
	rows := make([]bulk.Row, n)
	for i := range rows {
		rows[i] = bulk.Row{N: i + 2, Email: fmt.Sprintf("s%d@example.org", i), Narrative: "Did it.", Evidence: "https://example.org/e", Grade: "8"}
	}
	return rows
}

func testBulkJobs(t *testing.T, s BulkStore) {
	ctx := context.Background()
	j := bulkJob("j1", "b1", t0, 5)
	must(t, s.CreateJob(ctx, j, bulkRows(5)))
	if j.Version != 1 {
		t.Fatalf("version %d, want 1", j.Version)
	}
	wantKind(t, s.CreateJob(ctx, bulkJob("j1", "b1", t0, 0), nil), badged.Conflict)
	rej := bulkJob("j2", "b1", t0.Add(time.Second), 0)
	rej.State, rej.Report = bulk.Rejected, bulk.Report{{Row: 3, Column: "email", Message: "bad", Value: "=1"}}
	must(t, s.CreateJob(ctx, rej, nil))

	got, err := s.Job(ctx, "j1")
	must(t, err)
	same(t, got, j)
	got, err = s.Job(ctx, "j2")
	must(t, err)
	same(t, got.Report, rej.Report)
	_, err = s.Job(ctx, "nope")
	wantKind(t, err, badged.NotFound)

	list, err := s.Jobs(ctx, "b1")
	must(t, err)
	if len(list) != 2 || list[0].ID != "j2" || list[1].ID != "j1" {
		t.Fatalf("Jobs = %v, want j2, j1", ids(list, func(j *bulk.Job) string { return j.ID }))
	}
	if list, _ := s.Jobs(ctx, "other"); len(list) != 0 {
		t.Fatalf("Jobs(other) = %d jobs", len(list))
	}
	rows, err := s.JobRows(ctx, "j1", 2, 2)
	must(t, err)
	same(t, rows, bulkRows(5)[2:4])
	rows, err = s.JobRows(ctx, "j1", 4, 10)
	must(t, err)
	same(t, rows, bulkRows(5)[4:])
	if rows, _ := s.JobRows(ctx, "j2", 0, 10); len(rows) != 0 {
		t.Fatalf("rows of a rejected job: %d", len(rows))
	}
}

func testBulkClaim(t *testing.T, s BulkStore) {
	ctx := context.Background()
	must(t, s.CreateJob(ctx, bulkJob("j1", "b1", t0, 1), bulkRows(1)))
	must(t, s.CreateJob(ctx, bulkJob("j2", "b1", t0.Add(time.Second), 1), bulkRows(1)))
	now := t0.Add(time.Hour)
	j, err := s.ClaimJob(ctx, "w1", now, time.Minute)
	must(t, err)
	if j == nil || j.ID != "j1" || j.State != bulk.Running || j.LeaseOwner != "w1" || !j.LeaseUntil.Equal(now.Add(time.Minute)) {
		t.Fatalf("first claim = %+v, want j1 running for w1", j)
	}
	j2, err := s.ClaimJob(ctx, "w2", now, time.Minute)
	must(t, err)
	if j2 == nil || j2.ID != "j2" {
		t.Fatalf("second claim = %+v, want j2", j2)
	}
	if j3, err := s.ClaimJob(ctx, "w3", now.Add(30*time.Second), time.Minute); err != nil || j3 != nil {
		t.Fatalf("third claim = %+v, %v; want none while leases last", j3, err)
	}
	// w1 finishes j1; w2's lease on j2 ends and w3 takes it over.
	j.Done, j.State, j.Updated = 1, bulk.Done, now
	must(t, s.UpdateJob(ctx, j, "w1"))
	j3, err := s.ClaimJob(ctx, "w3", now.Add(2*time.Minute), time.Minute)
	must(t, err)
	if j3 == nil || j3.ID != "j2" || j3.LeaseOwner != "w3" {
		t.Fatalf("claim after the lease = %+v, want j2 for w3", j3)
	}
	if j4, _ := s.ClaimJob(ctx, "w4", now.Add(2*time.Minute), time.Minute); j4 != nil {
		t.Fatalf("a done job was claimed: %+v", j4)
	}
	got, err := s.Job(ctx, "j1")
	must(t, err)
	if got.State != bulk.Done || got.Done != 1 || got.LeaseOwner != "" {
		t.Fatalf("done job = %+v", got)
	}
}

func testBulkClaimConcurrently(t *testing.T, s BulkStore) {
	ctx := context.Background()
	const jobs, workers = 6, 12
	for i := range jobs {
		must(t, s.CreateJob(ctx, bulkJob(fmt.Sprintf("j%d", i), "b1", t0.Add(time.Duration(i)*time.Second), 1), bulkRows(1)))
	}
	var (
		mu  sync.Mutex
		got = map[string]string{}
		wg  sync.WaitGroup
	)
	for w := range workers {
		wg.Go(func() {
			owner := fmt.Sprintf("w%d", w)
			j, err := s.ClaimJob(ctx, owner, t0.Add(time.Hour), time.Minute)
			if err != nil {
				t.Error(err)
				return
			}
			if j == nil {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if prev, ok := got[j.ID]; ok {
				t.Errorf("job %s claimed by %s and %s", j.ID, prev, owner)
			}
			got[j.ID] = owner
		})
	}
	wg.Wait()
	if len(got) != jobs {
		t.Fatalf("%d jobs claimed, want %d", len(got), jobs)
	}
}

func testBulkLeaseLost(t *testing.T, s BulkStore) {
	ctx := context.Background()
	must(t, s.CreateJob(ctx, bulkJob("j1", "b1", t0, 2), bulkRows(2)))
	j, err := s.ClaimJob(ctx, "w1", t0, time.Minute)
	must(t, err)
	if _, err := s.ClaimJob(ctx, "w2", t0.Add(2*time.Minute), time.Minute); err != nil {
		t.Fatal(err)
	}
	j.Done = 1
	wantKind(t, s.UpdateJob(ctx, j, "w1"), badged.Conflict)
	got, err := s.Job(ctx, "j1")
	must(t, err)
	if got.Done != 0 || got.LeaseOwner != "w2" {
		t.Fatalf("after a lost lease: %+v", got)
	}
}

// testBulkStaleWorkerAfterDone: w1's lease ends, w2 claims the job and
// finishes it; w1's late progress must not revive it.
func testBulkStaleWorkerAfterDone(t *testing.T, s BulkStore) {
	ctx := context.Background()
	must(t, s.CreateJob(ctx, bulkJob("j1", "b1", t0, 2), bulkRows(2)))
	j1, err := s.ClaimJob(ctx, "w1", t0, time.Minute)
	must(t, err)
	j2, err := s.ClaimJob(ctx, "w2", t0.Add(2*time.Minute), time.Minute)
	must(t, err)
	if j2 == nil || j2.ID != "j1" {
		t.Fatalf("claim after the lease = %+v, want j1", j2)
	}
	j2.Done, j2.State, j2.Updated = 2, bulk.Done, t0.Add(2*time.Minute)
	must(t, s.UpdateJob(ctx, j2, "w2"))

	j1.Done, j1.Updated, j1.LeaseUntil = 1, t0.Add(3*time.Minute), t0.Add(4*time.Minute)
	wantKind(t, s.UpdateJob(ctx, j1, "w1"), badged.Conflict)
	// Even with the current version, a final job does not change.
	cur, err := s.Job(ctx, "j1")
	must(t, err)
	cur.State, cur.Done = bulk.Running, 1
	wantKind(t, s.UpdateJob(ctx, cur, "w1"), badged.Conflict)

	got, err := s.Job(ctx, "j1")
	must(t, err)
	if got.State != bulk.Done || got.Done != 2 || got.LeaseOwner != "" {
		t.Fatalf("after a stale worker's update: %+v", got)
	}
	if j, err := s.ClaimJob(ctx, "w3", t0.Add(time.Hour), time.Minute); err != nil || j != nil {
		t.Fatalf("claim after done = %+v, %v; want none", j, err)
	}
}

// testBulkDoneDeletesRows: the rows, personal data, go with the job's
// final update; a running job keeps them.
func testBulkDoneDeletesRows(t *testing.T, s BulkStore) {
	ctx := context.Background()
	must(t, s.CreateJob(ctx, bulkJob("j1", "b1", t0, 3), bulkRows(3)))
	must(t, s.CreateJob(ctx, bulkJob("j2", "b1", t0.Add(time.Second), 2), bulkRows(2)))
	for _, st := range []bulk.State{bulk.Done, bulk.Failed} {
		j, err := s.ClaimJob(ctx, "w1", t0.Add(time.Hour), time.Minute)
		must(t, err)
		if j == nil {
			t.Fatal("no job to claim")
		}
		j.Done, j.Updated = 1, t0.Add(time.Hour)
		must(t, s.UpdateJob(ctx, j, "w1"))
		if rows, err := s.JobRows(ctx, j.ID, 0, 0); err != nil || len(rows) != j.Total {
			t.Fatalf("rows of running job %s: %d, %v; want %d", j.ID, len(rows), err, j.Total)
		}
		j.Done, j.State = j.Total, st
		must(t, s.UpdateJob(ctx, j, "w1"))
		if rows, err := s.JobRows(ctx, j.ID, 0, 0); err != nil || len(rows) != 0 {
			t.Fatalf("rows of %s job %s: %d, %v; want none", st, j.ID, len(rows), err)
		}
		got, err := s.Job(ctx, j.ID)
		must(t, err)
		if got.State != st || got.Done != j.Total {
			t.Fatalf("%s job = %+v", st, got)
		}
	}
}

// dropProgress is a store whose UpdateJob stores nothing, as when a worker
// crashes before storing its progress.
type dropProgress struct{ BulkStore }

func (dropProgress) UpdateJob(context.Context, *bulk.Job, string) error { return nil }

// bulkTree creates the tree with badge class b1 published, and returns an
// issuer service and a bulk service on s.
func bulkTree(t *testing.T, s BulkStore) (*issuer.Service, *bulk.Service) {
	t.Helper()
	ctx := context.Background()
	tree(t, s)
	bc, err := s.BadgeClass(ctx, "b1")
	must(t, err)
	bc.State = issuer.Published
	must(t, s.UpdateBadgeClass(ctx, bc))
	is := issuer.NewService(s)
	return is, bulk.NewService(s, is)
}

var bulkRoot = issuer.Actor{UserID: "root", Superuser: true}

func bulkCSV(n int) string {
	var b strings.Builder
	b.WriteString("email;EPPN;narrative;evidence;grade\n")
	for i := range n {
		fmt.Fprintf(&b, "learner%d@example.org;l%d@i1.example.org;Did the work;https://example.org/e/%d;8\n", i, i, i)
	}
	return b.String()
}

func bundleCount(t *testing.T, s BulkStore, bundle string) int {
	t.Helper()
	as, err := s.Awards(context.Background(), issuer.AwardQuery{BundleID: bundle})
	must(t, err)
	seen := map[string]bool{}
	for _, a := range as {
		if seen[a.Recipient.Email] {
			t.Fatalf("%s awarded twice", a.Recipient.Email)
		}
		seen[a.Recipient.Email] = true
	}
	return len(as)
}

func testBulkAward1000(t *testing.T, s BulkStore) {
	ctx := context.Background()
	is, bs := bulkTree(t, s)
	job, err := bs.Submit(ctx, bulkRoot, "b1", strings.NewReader(bulkCSV(1000)), time.Time{})
	must(t, err)
	if job.State != bulk.Queued || job.Total != 1000 {
		t.Fatalf("submitted job = %+v", job)
	}

	// A first worker awards every row but crashes before storing its
	// progress: the job stays running, with its rows, under its lease.
	now := time.Now().UTC()
	crashed := bulk.NewWorker(dropProgress{s}, is, bulk.WithBatch(300), bulk.WithLease(time.Minute),
		bulk.WithClock(func() time.Time { return now }))
	if worked, err := crashed.RunOnce(ctx); err != nil || !worked {
		t.Fatalf("first run: %v, %v", worked, err)
	}
	if n := bundleCount(t, s, job.ID); n != 1000 {
		t.Fatalf("%d awards in the bundle, want 1000", n)
	}
	got, err := s.Job(ctx, job.ID)
	must(t, err)
	if got.State != bulk.Running || got.Done != 0 {
		t.Fatalf("job after the crash: %s, %d done", got.State, got.Done)
	}

	// Once the lease ends another worker processes it again: still 1,000
	// awards.
	w := bulk.NewWorker(s, is, bulk.WithBatch(300), bulk.WithClock(func() time.Time { return now.Add(2 * time.Minute) }))
	start := time.Now()
	worked, err := w.RunOnce(ctx)
	must(t, err)
	if !worked {
		t.Fatal("the worker found no job")
	}
	t.Logf("1,000 rows awarded in %v", time.Since(start).Round(time.Millisecond))
	got, err = bs.Job(ctx, bulkRoot, job.ID)
	must(t, err)
	if got.State != bulk.Done || got.Done != 1000 {
		t.Fatalf("job after the worker: %s, %d done", got.State, got.Done)
	}
	if n := bundleCount(t, s, job.ID); n != 1000 {
		t.Fatalf("%d awards in the bundle after processing twice, want 1000", n)
	}
	a, err := s.Award(ctx, bulk.AwardID(job.ID, 2))
	must(t, err)
	if a.Recipient.Email != "learner0@example.org" || a.Recipient.EPPN != "l0@i1.example.org" || a.Grade != "8" || a.State != issuer.AwardSent {
		t.Fatalf("award of row 2 = %+v", a)
	}
	if rows, err := s.JobRows(ctx, job.ID, 0, 0); err != nil || len(rows) != 0 {
		t.Fatalf("rows of the done job: %d, %v; want none", len(rows), err)
	}
	if worked, _ := w.RunOnce(ctx); worked {
		t.Fatal("a done job was processed again")
	}
}

func testBulkRejected(t *testing.T, s BulkStore) {
	ctx := context.Background()
	is, bs := bulkTree(t, s)
	file := bulkCSV(10) + "not-an-email;;x;https://example.org;8\n"
	_, err := bs.Submit(ctx, bulkRoot, "b1", strings.NewReader(file), time.Time{})
	wantKind(t, err, badged.Invalid)
	jobs, err := s.Jobs(ctx, "b1")
	must(t, err)
	if len(jobs) != 1 || jobs[0].State != bulk.Rejected || len(jobs[0].Report) != 1 || jobs[0].Report[0].Row != 12 {
		t.Fatalf("jobs after a rejected file = %+v", jobs)
	}
	if worked, err := bulk.NewWorker(s, is).RunOnce(ctx); worked || err != nil {
		t.Fatalf("a rejected job was processed: %v", err)
	}
	as, err := s.Awards(ctx, issuer.AwardQuery{BadgeClassID: "b1"})
	must(t, err)
	if len(as) != 0 {
		t.Fatalf("%d awards from a rejected file", len(as))
	}
}
