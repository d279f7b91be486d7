package portal

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/bulk"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/web/page"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

// uploadSlack is what a multipart form may add to a file.
const uploadSlack = 1 << 20

// jobLine is a bulk award job in a list.
type jobLine struct {
	ID, State, StateText, Created string
	Done, Total                   int
}

type csvPage struct {
	Base
	Class       badgeClassView
	ScheduledAt string
	Errors      fieldErrors
	// Report is the problems of a refused file, by row.
	Report bulk.Report
	Jobs   []jobLine
}

func (h *Handler) bulkService() error {
	if h.Bulk == nil {
		return badged.Errorf(badged.Unavailable, "awards by CSV are not configured on this server")
	}
	return nil
}

func (h *Handler) csvPage(w http.ResponseWriter, r *http.Request) (*csvPage, error) {
	if err := h.bulkService(); err != nil {
		return nil, err
	}
	p := &csvPage{Base: h.awardBase(w, r, "award"), Errors: fieldErrors{}}
	c, err := h.awardTarget(r, p.Actor, p.Lang)
	if err != nil {
		return nil, err
	}
	p.Class = c
	p.Title = p.T["awardCSVTitle"] + ": " + c.Name
	p.Scripts = []string{"/portal/static/award.js"}
	jobs, err := h.Bulk.Jobs(r.Context(), p.Actor, c.ID)
	if err != nil {
		return nil, err
	}
	for i, j := range jobs {
		if i == 10 {
			break
		}
		p.Jobs = append(p.Jobs, jobLine{ID: j.ID, State: string(j.State), StateText: p.T["awardJob_"+string(j.State)],
			Created: dateTimeText(p.Lang, j.Created), Done: j.Done, Total: j.Total})
	}
	return p, nil
}

// handleAwardCSVForm is the upload of a CSV file of learners to award
// the badge class, with its template and the last jobs.
func (h *Handler) handleAwardCSVForm(w http.ResponseWriter, r *http.Request) error {
	p, err := h.csvPage(w, r)
	if err != nil {
		return err
	}
	h.Render(w, r, http.StatusOK, awardPages["award_csv"], p)
	return nil
}

// handleAwardCSVPost submits the file to bulk.Service, which checks every
// row before anything is awarded: a file with problems comes back, 422,
// with the report of each row; a clean one becomes a job, whose page
// follows it.
func (h *Handler) handleAwardCSVPost(w http.ResponseWriter, r *http.Request) error {
	if r.ContentLength > bulk.MaxFileBytes+uploadSlack {
		return badged.Errorf(badged.TooLarge, "the file is larger than %d MB", bulk.MaxFileBytes>>20)
	}
	r.Body = http.MaxBytesReader(w, r.Body, bulk.MaxFileBytes+uploadSlack)
	p, err := h.csvPage(w, r)
	if err != nil {
		return err
	}
	refuse := func() error {
		p.Error = p.T["awardRefused"]
		h.Render(w, r, http.StatusUnprocessableEntity, awardPages["award_csv"], p)
		return nil
	}
	if err := r.ParseMultipartForm(bulk.MaxFileBytes + uploadSlack); err != nil {
		if _, over := request.OverLimit(err); over {
			return badged.Errorf(badged.TooLarge, "the file is larger than %d MB", bulk.MaxFileBytes>>20)
		}
		p.Errors.add("file", p.T["awardCSVFileMissing"])
		return refuse()
	}
	defer r.MultipartForm.RemoveAll()
	p.ScheduledAt = strings.TrimSpace(r.PostFormValue("scheduled_at"))
	scheduled := h.schedule(p.T, p.Errors, p.ScheduledAt, r.PostFormValue("tz_offset"))
	file, _, err := r.FormFile("file")
	if err != nil {
		p.Errors.add("file", p.T["awardCSVFileMissing"])
	}
	if len(p.Errors) > 0 {
		return refuse()
	}
	defer file.Close()
	job, err := h.Bulk.Submit(r.Context(), p.Actor, p.Class.ID, io.Reader(file), scheduled)
	var rej *bulk.RejectedError
	switch {
	case errors.As(err, &rej):
		p.Report = rej.Job.Report
		p.Errors.add("file", p.T["awardCSVRejected"])
		return refuse()
	case badged.KindOf(err) == badged.TooLarge:
		p.Errors.add("file", page.Sentence(badged.MessageOf(err)))
		return refuse()
	case err != nil:
		return err
	}
	page.SeeOther(w, r, "/portal/award/jobs/"+url.PathEscape(job.ID), "")
	return nil
}

// rowOutcome is what became of one row of a job.
type rowOutcome struct {
	Row                                  int
	AwardID, Recipient, State, StateText string
}

type jobPage struct {
	Base
	Job       *bulk.Job
	Class     classChoice
	StateText string
	Final     bool
	Percent   int
	Rows      []rowOutcome
	Scheduled string
}

// handleAwardJob follows a CSV job: a progress bar while it runs (a
// script polls its progress; without one the page refreshes itself),
// then what became of each row.
func (h *Handler) handleAwardJob(w http.ResponseWriter, r *http.Request) error {
	if err := h.bulkService(); err != nil {
		return err
	}
	p := jobPage{Base: h.awardBase(w, r, "award")}
	j, err := h.Bulk.Job(r.Context(), p.Actor, chi.URLParam(r, "jobID"))
	if err != nil {
		return err
	}
	p.Job, p.Final, p.StateText = j, j.State.Final(), p.T["awardJob_"+string(j.State)]
	if j.Total > 0 {
		p.Percent = 100 * j.Done / j.Total
	}
	p.Scripts = []string{"/portal/static/award.js"}
	p.Class = classChoice{ID: j.BadgeClassID, Name: j.BadgeClassID}
	if bc, err := h.Issuer.BadgeClass(r.Context(), p.Actor, j.BadgeClassID); err == nil {
		p.Class.Name = bc.Name.In(p.Lang)
	}
	p.Title = p.T["awardJobTitle"] + ": " + p.Class.Name
	p.Scheduled = dateTimeText(p.Lang, j.ScheduledAt)
	if p.Final && j.Done > 0 {
		if p.Rows, err = h.jobRows(r, p.Actor, p.T, j); err != nil {
			return err
		}
	}
	h.Render(w, r, http.StatusOK, awardPages["award_job"], p)
	return nil
}

// jobRows are the awards a job made, by the row of the file each came
// from (bulk.AwardID), in file order.
func (h *Handler) jobRows(r *http.Request, a issuer.Actor, t map[string]string, j *bulk.Job) ([]rowOutcome, error) {
	byID := map[string]*issuer.Award{}
	f := issuer.AwardFilter{Limit: 1000}
	for {
		pg, err := h.Issuer.BundleAwards(r.Context(), a, j.ID, f)
		if badged.KindOf(err) == badged.NotFound {
			break
		}
		if err != nil {
			return nil, err
		}
		for _, x := range pg.Awards {
			byID[x.ID] = x
		}
		if pg.Next.IsZero() {
			break
		}
		f.After = pg.Next
	}
	var out []rowOutcome
	// Rows are numbered from 2, the header being row 1 (bulk.Row).
	for n := 2; n < 2+j.Total; n++ {
		x, ok := byID[bulk.AwardID(j.ID, n)]
		if !ok {
			continue
		}
		out = append(out, rowOutcome{Row: n, AwardID: x.ID, Recipient: recipientText(x.Recipient), State: string(x.State),
			StateText: stateText(t, x.State)})
	}
	return out, nil
}

// jobProgress is the JSON of a job's progress, which award.js polls.
type jobProgress struct {
	State string `json:"state"`
	Text  string `json:"text"`
	Done  int    `json:"done"`
	Total int    `json:"total"`
	Final bool   `json:"final"`
}

// handleAwardJobProgress answers a job's progress as JSON.
func (h *Handler) handleAwardJobProgress(w http.ResponseWriter, r *http.Request) error {
	if err := h.bulkService(); err != nil {
		return err
	}
	j, err := h.Bulk.Job(r.Context(), request.Actor(r), chi.URLParam(r, "jobID"))
	if err != nil {
		return err
	}
	t := Text[page.LangOf(w, r)]
	w.Header().Set("Cache-Control", "no-store")
	render.JSON(w, http.StatusOK, jobProgress{State: string(j.State), Text: t["awardJob_"+string(j.State)],
		Done: j.Done, Total: j.Total, Final: j.State.Final()})
	return nil
}
