package record

import (
	"time"

	"github.com/badged/badged/bulk"
)

// BulkJob is the stored form of bulk.Job, shared by the adapters.
type BulkJob struct {
	Meta
	InstitutionID string         `json:"institution"`
	BadgeClassID  string         `json:"badgeClass"`
	CreatedBy     string         `json:"createdBy"`
	Superuser     bool           `json:"superuser,omitempty"`
	State         string         `json:"state"`
	Total         int            `json:"total"`
	Done          int            `json:"done"`
	Report        []bulk.Problem `json:"report,omitempty"`
	ScheduledAt   time.Time      `json:"scheduledAt,omitzero"`
	LeaseOwner    string         `json:"leaseOwner,omitempty"`
	LeaseUntil    time.Time      `json:"leaseUntil,omitzero"`
}

// FromJob returns the stored form of j.
func FromJob(j *bulk.Job) *BulkJob {
	return &BulkJob{
		Meta:          Meta{Format: Format, ID: j.ID, Version: j.Version, Created: j.Created, Updated: j.Updated},
		InstitutionID: j.InstitutionID, BadgeClassID: j.BadgeClassID, CreatedBy: j.CreatedBy, Superuser: j.Superuser,
		State: string(j.State), Total: j.Total, Done: j.Done, Report: j.Report, ScheduledAt: j.ScheduledAt,
		LeaseOwner: j.LeaseOwner, LeaseUntil: j.LeaseUntil,
	}
}

// Domain returns the bulk.Job r stores.
func (r *BulkJob) Domain() *bulk.Job {
	return &bulk.Job{
		ID: r.ID, InstitutionID: r.InstitutionID, BadgeClassID: r.BadgeClassID, CreatedBy: r.CreatedBy, Superuser: r.Superuser,
		State: bulk.State(r.State), Total: r.Total, Done: r.Done, Report: r.Report, ScheduledAt: r.ScheduledAt,
		LeaseOwner: r.LeaseOwner, LeaseUntil: r.LeaseUntil, Version: r.Version, Created: r.Created, Updated: r.Updated,
	}
}
