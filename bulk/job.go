package bulk

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/badged/badged"
)

// State is where a [Job] is in its life.
type State string

// Job states. A job is validating while its file is read, then rejected
// (final, nothing applied) or queued; a worker moves it to running, then
// done, or failed when awarding became impossible (the badge class was
// archived, the submitter lost the award permission).
const (
	Validating State = "validating"
	Rejected   State = "rejected"
	Queued     State = "queued"
	Running    State = "running"
	Done       State = "done"
	Failed     State = "failed"
)

// Final reports whether no worker will change a job in state s.
func (s State) Final() bool { return s == Rejected || s == Done || s == Failed }

// Job is one bulk direct award: a checked file of rows, awarded by a
// [Worker]. Its ID is also the BundleID of its awards.
type Job struct {
	ID            string
	InstitutionID string
	BadgeClassID  string
	// CreatedBy is the issuer user ID of the submitter, as whom the
	// worker awards; Superuser says the submitter was a platform
	// administrator.
	CreatedBy   string
	Superuser   bool
	State       State
	Total       int    // rows in the file
	Done        int    // rows awarded: the first Done rows, in file order
	Report      Report // the file's problems (rejected), or why the job failed
	ScheduledAt time.Time
	// LeaseOwner and LeaseUntil say which worker holds a running job and
	// until when; another may take it over after that.
	LeaseOwner string
	LeaseUntil time.Time
	Version    int64
	Created    time.Time
	Updated    time.Time
}

// AwardID returns the ID of the award made from row n of job jobID: the
// same every time, so that redoing a row creates nothing new.
func AwardID(jobID string, n int) string {
	h := sha256.Sum256([]byte("badged bulk award\x00" + jobID + "\x00" + strconv.Itoa(n)))
	return hex.EncodeToString(h[:16])
}

// Store keeps jobs and their rows. Storage adapters implement it; all of
// them pass storage/storagetest.RunBulk.
//
// Error contract: a job that does not exist gives a [badged.NotFound]
// *badged.Error; CreateJob fails with [badged.Conflict] when the ID
// exists. Lists are empty, not an error, when nothing matches.
type Store interface {
	// CreateJob stores j at Version 1 with its rows, all or nothing.
	CreateJob(ctx context.Context, j *Job, rows []Row) error
	Job(ctx context.Context, id string) (*Job, error)
	// Jobs lists the jobs of a badge class, newest first.
	Jobs(ctx context.Context, badgeClassID string) ([]*Job, error)
	// JobRows returns up to limit rows of job id, in file order, starting
	// after the first skip rows.
	JobRows(ctx context.Context, id string, skip, limit int) ([]Row, error)
	// ClaimJob leases to owner, until now+lease, the oldest job that is
	// queued, or running with a lease that ended before now, and sets it
	// running. Several processes may call it at once: each job goes to
	// one. It returns nil, nil when no job is waiting.
	ClaimJob(ctx context.Context, owner string, now time.Time, lease time.Duration) (*Job, error)
	// UpdateJob stores the State, Done, Report, LeaseUntil and Updated of
	// j, provided owner still holds its lease (or it is not leased), the
	// stored job is at j.Version and not final, and increments j.Version.
	// It fails with [badged.Conflict] when owner lost the lease, the job
	// changed since j was read, or it is already final. Setting a final
	// state deletes the job's rows in the same transaction.
	UpdateJob(ctx context.Context, j *Job, owner string) error
}

// LeaseResetter is a [Store] that only one process can use at a time, such
// as a bbolt file: every lease it holds when a worker starts belongs to a
// process that is gone, and ResetLeases ends them, so that running jobs
// resume at once instead of after their lease.
type LeaseResetter interface {
	ResetLeases(ctx context.Context) error
}

// The lease rule, one for every store: a worker claims a job that is
// queued, or running with its lease run out; it then holds it until its
// lease ends, and only its own updates of the version it read apply.

// Claimable reports whether a worker may claim j at now.
func (j *Job) Claimable(now time.Time) bool {
	return j.State == Queued || (j.State == Running && j.LeaseUntil.Before(now))
}

// Claim makes j the owner's, running, for lease from now.
func (j *Job) Claim(owner string, now time.Time, lease time.Duration) {
	j.State, j.LeaseOwner, j.LeaseUntil, j.Updated = Running, owner, now.Add(lease), now
	j.Version++
}

// Apply applies update, a change the worker owner made to the version of
// j it read, to j as stored: Conflict when another worker holds j, or j
// changed since or ended. A final state ends the lease.
func (j *Job) Apply(update *Job, owner string) error {
	if j.LeaseOwner != "" && j.LeaseOwner != owner {
		return badged.Errorf(badged.Conflict, "bulk award %s is being worked on by another worker", j.ID)
	}
	if j.Version != update.Version || j.State.Final() {
		return badged.Errorf(badged.Conflict, "bulk award %s was changed by another worker", j.ID)
	}
	j.State, j.Done, j.Report, j.LeaseUntil, j.Updated = update.State, update.Done, update.Report, update.LeaseUntil, update.Updated
	if j.State.Final() {
		j.LeaseOwner, j.LeaseUntil = "", time.Time{}
	}
	j.Version++
	return nil
}
