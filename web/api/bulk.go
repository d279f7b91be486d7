package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/bulk"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

// registerBulkRoutes serves bulk direct awards: the upload of a CSV file,
// which is checked whole and answered with 202 and the queued job, or 422
// with the per-row report of a rejected file; and the progress of jobs.
func (h *Handler) registerBulkRoutes(r chi.Router) {
	r.Post("/badgeclasses/{badgeClassID}/bulk-awards", h.handle(h.handleSubmitBulk))
	r.Get("/badgeclasses/{badgeClassID}/bulk-awards", h.handle(h.handleBulkJobs))
	r.Get("/bulk-awards/{jobID}", h.handle(h.handleBulkJob))
	r.Get("/bulk-awards/{jobID}/report", h.handle(h.handleBulkReport))
}

// IsBulkUpload reports whether r is an upload of a bulk award file, which
// may be larger than other bodies (its handler bounds it) and need not be
// JSON.
func IsBulkUpload(r *http.Request) bool { return isBadgeClassUpload(r, "bulk-awards") }

// IsUpload reports whether r uploads a file (a bulk award file or a badge
// class's image), whose handler bounds the body and which need not be JSON.
func IsUpload(r *http.Request) bool { return IsBulkUpload(r) || isImageUpload(r) }

// isBadgeClassUpload reports whether r posts to
// /api/v1/badgeclasses/{badgeClassID}/{what}.
func isBadgeClassUpload(r *http.Request, what string) bool {
	if r.Method != http.MethodPost {
		return false
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/api/v1/badgeclasses/")
	if !ok {
		return false
	}
	id, tail, _ := strings.Cut(rest, "/")
	return id != "" && strings.TrimSuffix(tail, "/") == what
}

// requireJSONOrUpload is requireJSON for every request but an upload: a
// bulk award file may also be text/csv or multipart/form-data, an image is
// its own bytes.
func (h *Handler) requireJSONOrUpload(next http.Handler) http.Handler {
	strict := h.RequireJSON(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if IsUpload(r) {
			next.ServeHTTP(w, r)
			return
		}
		strict.ServeHTTP(w, r)
	})
}

// uploadSlack is what a multipart or JSON envelope may add to a file.
const uploadSlack = 1 << 20

// BulkJob is the JSON form of a bulk direct-award job and its report.
type BulkJob struct {
	ID           string      `json:"id"`
	BadgeClassID string      `json:"badgeClassId"`
	CreatedBy    string      `json:"createdBy"`
	State        bulk.State  `json:"state"`
	Total        int         `json:"total"`
	Done         int         `json:"done"`
	Report       bulk.Report `json:"report"`
	ScheduledAt  *time.Time  `json:"scheduledAt,omitempty"`
	Created      time.Time   `json:"created"`
	Updated      time.Time   `json:"updated"`
	// BundleID is the bundle of the job's awards: the job ID.
	BundleID string `json:"bundleId"`
}

func bulkJobView(j *bulk.Job) BulkJob {
	v := BulkJob{ID: j.ID, BadgeClassID: j.BadgeClassID, CreatedBy: j.CreatedBy, State: j.State, Total: j.Total,
		Done: j.Done, Report: j.Report, Created: j.Created, Updated: j.Updated, BundleID: j.ID}
	if v.Report == nil {
		v.Report = bulk.Report{}
	}
	if !j.ScheduledAt.IsZero() {
		v.ScheduledAt = &j.ScheduledAt
	}
	return v
}

// bulkUploadJSON is the JSON form of an upload, for systems.
type bulkUploadJSON struct {
	CSV         string     `json:"csv"`
	ScheduledAt *time.Time `json:"scheduledAt"`
}

// handleSubmitBulk takes the file as the body (text/csv), as the "file"
// part of multipart/form-data, or as the "csv" member of a JSON object;
// scheduledAt (RFC 3339) comes from the query, a form field or the JSON.
func (h *Handler) handleSubmitBulk(w http.ResponseWriter, r *http.Request) error {
	if h.Bulk == nil {
		return badged.Errorf(badged.Unavailable, "bulk awards are not configured")
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	max := int64(bulk.MaxFileBytes + uploadSlack)
	if request.IsJSON(mt) {
		max = 2*bulk.MaxFileBytes + uploadSlack // escaping may double a file
	}
	if r.ContentLength > max {
		return badged.Errorf(badged.TooLarge, "the file is larger than %d MB", bulk.MaxFileBytes>>20)
	}
	r.Body = http.MaxBytesReader(w, r.Body, max)
	var (
		file      io.Reader
		scheduled time.Time
		err       error
	)
	if v := r.URL.Query().Get("scheduledAt"); v != "" {
		if scheduled, err = time.Parse(time.RFC3339, v); err != nil {
			return badged.InvalidFields("bulk award", badged.FieldError{Field: "scheduledAt", Message: "must be an RFC 3339 time"})
		}
	}
	switch {
	case mt == "text/csv" || mt == "text/plain" || mt == "application/csv":
		file = r.Body
	case mt == "multipart/form-data":
		mr, err := r.MultipartReader()
		if err != nil {
			return badged.InvalidFields("bulk award", badged.FieldError{Field: "body", Message: "not multipart/form-data"})
		}
		for {
			part, err := mr.NextPart()
			if err != nil {
				return uploadError(err, "no file part: send the CSV as the form field \"file\"")
			}
			if part.FormName() == "scheduledAt" {
				b, _ := io.ReadAll(io.LimitReader(part, 100))
				if scheduled, err = time.Parse(time.RFC3339, strings.TrimSpace(string(b))); err != nil {
					return badged.InvalidFields("bulk award", badged.FieldError{Field: "scheduledAt", Message: "must be an RFC 3339 time"})
				}
				continue
			}
			if part.FormName() == "file" {
				file = part
				break
			}
		}
	case request.IsJSON(mt):
		var in bulkUploadJSON
		if err := decode(r, "bulk award", &in); err != nil {
			return err
		}
		file = strings.NewReader(in.CSV)
		if in.ScheduledAt != nil {
			scheduled = *in.ScheduledAt
		}
	default:
		return &render.StatusError{Status: http.StatusUnsupportedMediaType, Kind: "unsupported_media_type",
			Detail: "send the file as text/csv, as the field \"file\" of multipart/form-data, or as {\"csv\": …} in JSON"}
	}
	job, err := h.Bulk.Submit(r.Context(), request.Actor(r), chi.URLParam(r, "badgeClassID"), file, scheduled)
	var rej *bulk.RejectedError
	switch {
	case errors.As(err, &rej):
		h.writeRejected(w, r, rej.Job)
		return nil
	case err != nil:
		return uploadError(err, "")
	}
	w.Header().Set("Location", "/api/v1/bulk-awards/"+job.ID)
	render.JSON(w, http.StatusAccepted, bulkJobView(job))
	return nil
}

// uploadError turns a body cut at the limit into TooLarge, and a body
// that ended early into Invalid with msg.
func uploadError(err error, msg string) error {
	_, over := request.OverLimit(err)
	switch {
	case over:
		return badged.Errorf(badged.TooLarge, "the file is larger than %d MB", bulk.MaxFileBytes>>20)
	case msg != "" && errors.Is(err, io.EOF):
		return badged.InvalidFields("bulk award", badged.FieldError{Field: "file", Message: msg})
	}
	return err
}

// RejectedProblem is the problem of a rejected file: every row's problems
// in report, and the stored job.
type RejectedProblem struct {
	render.Problem
	Report bulk.Report `json:"report"`
	Job    BulkJob     `json:"job"`
}

func (h *Handler) writeRejected(w http.ResponseWriter, r *http.Request, j *bulk.Job) {
	p := RejectedProblem{
		Problem: render.Problem{Type: render.ProblemType + "rejected_file", Title: http.StatusText(http.StatusUnprocessableEntity),
			Status: http.StatusUnprocessableEntity, Instance: r.URL.Path, RequestID: request.ID(r.Context()),
			Detail: (&bulk.RejectedError{Job: j}).Error()},
		Report: j.Report, Job: bulkJobView(j),
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(p)
}

func (h *Handler) bulkService() error {
	if h.Bulk == nil {
		return badged.Errorf(badged.Unavailable, "bulk awards are not configured")
	}
	return nil
}

func (h *Handler) handleBulkJobs(w http.ResponseWriter, r *http.Request) error {
	if err := h.bulkService(); err != nil {
		return err
	}
	jobs, err := h.Bulk.Jobs(r.Context(), request.Actor(r), chi.URLParam(r, "badgeClassID"))
	if err != nil {
		return err
	}
	return writePage(w, r, jobs, func(j *bulk.Job) string { return j.ID }, bulkJobView)
}

func (h *Handler) handleBulkJob(w http.ResponseWriter, r *http.Request) error {
	if err := h.bulkService(); err != nil {
		return err
	}
	j, err := h.Bulk.Job(r.Context(), request.Actor(r), chi.URLParam(r, "jobID"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	render.JSON(w, http.StatusOK, bulkJobView(j))
	return nil
}

// handleBulkReport exports a job's report as CSV, every cell escaped
// against spreadsheet formulas.
func (h *Handler) handleBulkReport(w http.ResponseWriter, r *http.Request) error {
	if err := h.bulkService(); err != nil {
		return err
	}
	j, err := h.Bulk.Job(r.Context(), request.Actor(r), chi.URLParam(r, "jobID"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="bulk-award-`+j.ID+`-report.csv"`)
	bulk.WriteReportCSV(w, j.Report)
	return nil
}
