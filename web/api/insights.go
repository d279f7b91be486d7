package api

import (
	"bytes"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/insights"
	"github.com/badged/badged/web/render"
	"github.com/badged/badged/web/request"
)

func (h *Handler) registerInsightsRoutes(r chi.Router) {
	r.Get("/institutions/{institutionID}/insights", h.handle(h.handleInsights))
}

// InsightsCounts are the award counts of insights.
type InsightsCounts struct {
	insights.Counts
	// ClaimRate is claimed / sent, null when nothing was sent.
	ClaimRate *float64 `json:"claimRate"`
}

func countsView(c insights.Counts) InsightsCounts {
	v := InsightsCounts{Counts: c}
	if r, ok := c.ClaimRate(); ok {
		v.ClaimRate = &r
	}
	return v
}

// InsightsRow is one row of insights: the counts of a month, or of a
// badge class or issuer by id and name.
type InsightsRow struct {
	Month string `json:"month"`
	ID    string `json:"id"`
	Name  string `json:"name"`
	InsightsCounts
}

// Insights are the award statistics of an institution.
type Insights struct {
	Institution string         `json:"institution"`
	Level       string         `json:"level"`
	From        string         `json:"from"`
	To          string         `json:"to"`
	Rows        []InsightsRow  `json:"rows"`
	Total       InsightsCounts `json:"total"`
}

// handleInsights answers GET /institutions/{id}/insights?from=YYYY-MM&
// to=YYYY-MM&level=institution|issuer|badgeclass, as JSON, or as CSV with
// format=csv or Accept: text/csv. Whoever may read the institution may
// read its insights (viewers included); insights.Service decides.
func (h *Handler) handleInsights(w http.ResponseWriter, r *http.Request) error {
	if h.Insights == nil {
		return badged.Errorf(badged.Unavailable, "insights are not configured")
	}
	q := r.URL.Query()
	query := insights.Query{
		InstitutionID: chi.URLParam(r, "institutionID"),
		From:          insights.Month(q.Get("from")),
		To:            insights.Month(q.Get("to")),
		Level:         insights.Level(q.Get("level")),
	}
	var format string
	switch f := q.Get("format"); f {
	case "", "json", "csv":
		format = f
	default:
		return badged.InvalidFields("query", badged.FieldError{Field: "format", Message: "not json or csv"})
	}
	if format == "" && wantsCSV(r.Header.Get("Accept")) {
		format = "csv"
	}
	rep, err := h.Insights.Report(r.Context(), request.Actor(r), query)
	if err != nil {
		return err
	}
	if format == "csv" {
		var b bytes.Buffer
		if err := rep.WriteCSV(&b); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="insights-`+string(rep.From)+`-`+string(rep.To)+`.csv"`)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		w.Write(b.Bytes())
		return nil
	}
	v := Insights{Institution: rep.InstitutionID, Level: string(rep.Level), From: string(rep.From), To: string(rep.To),
		Rows: []InsightsRow{}, Total: countsView(rep.Total)}
	for _, row := range rep.Rows {
		v.Rows = append(v.Rows, InsightsRow{Month: string(row.Month), ID: row.ID, Name: row.Name, InsightsCounts: countsView(row.Counts)})
	}
	w.Header().Set("Cache-Control", "no-store")
	render.JSON(w, http.StatusOK, v)
	return nil
}

// wantsCSV reports whether an Accept header prefers text/csv to JSON: it
// names text/csv with a q above that of any JSON type it names.
func wantsCSV(accept string) bool {
	csvQ, jsonQ := -1.0, -1.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		qv := 1.0
		if s, ok := params["q"]; ok {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				continue
			}
			qv = v
		}
		switch {
		case mt == "text/csv":
			csvQ = max(csvQ, qv)
		case mt == "application/json" || strings.HasSuffix(mt, "+json"):
			jsonQ = max(jsonQ, qv)
		}
	}
	return csvQ > 0 && csvQ > jsonQ
}
