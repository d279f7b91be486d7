package portal

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/badged/badged"
	"github.com/badged/badged/insights"
	"github.com/badged/badged/web/page"
)

// Insights (insights.go): what happened to an institution's awards over a
// period of months, from the insights service: the claim rate, awards per
// month and per badge class as charts drawn on the server (SVG, each with
// its title, description and the same numbers as a table), and the report
// as CSV. Everyone who may read the institution sees them.

var insightsPages = page.Templates(templates, "insights")

func (h *Handler) insightsRoutes(r chi.Router) {
	r.Get("/insights", h.Handle(h.handleInsights))
	r.Get("/insights.csv", h.Handle(h.handleInsightsCSV))
}

// chart is a bar chart drawn as SVG: bars across (Vertical, one per month)
// or down (one per badge class, its name above it).
type chart struct {
	ID, Title, Desc string
	Width, Height   int
	Vertical        bool
	Bars            []bar
}

// bar is one bar with its label and value, placed in the chart.
type bar struct {
	Label          string
	Value          int
	X, Y, W, H     float64
	LabelX, LabelY float64 // where the label is written
	ValueX, ValueY float64 // where the value is written
}

// Chart geometry, in SVG units.
const (
	chartWidth = 640
	monthPlot  = 160 // the height of the tallest month's bar
	classRow   = 40  // the height of one badge class's row
)

// monthChart draws one bar per month, its height the awards made that
// month.
func monthChart(id, title, desc string, labels []string, values []int) chart {
	c := chart{ID: id, Title: title, Desc: desc, Width: chartWidth, Height: monthPlot + 60, Vertical: true}
	top := max(slices.Max(append(values, 1)), 1)
	slot := float64(chartWidth-20) / float64(max(len(values), 1))
	w := slot * 0.6
	for i, v := range values {
		h := float64(v) / float64(top) * monthPlot
		x := 10 + float64(i)*slot + (slot-w)/2
		y := 20 + monthPlot - h
		c.Bars = append(c.Bars, bar{Label: labels[i], Value: v, X: x, Y: y, W: w, H: h,
			LabelX: x + w/2, LabelY: 20 + monthPlot + 18, ValueX: x + w/2, ValueY: y - 4})
	}
	return c
}

// classChart draws one bar per badge class, its length the awards made.
func classChart(id, title, desc string, labels []string, values []int) chart {
	c := chart{ID: id, Title: title, Desc: desc, Width: chartWidth, Height: classRow*len(values) + 10}
	top := max(slices.Max(append(values, 1)), 1)
	plot := float64(chartWidth - 60)
	for i, v := range values {
		y := float64(i*classRow) + 20
		w := float64(v) / float64(top) * plot
		c.Bars = append(c.Bars, bar{Label: labels[i], Value: v, X: 0, Y: y, W: w, H: 14,
			LabelX: 0, LabelY: y - 4, ValueX: w + 6, ValueY: y + 12})
	}
	return c
}

// insightsRow is one line of a table under a chart.
type insightsRow struct {
	Label   string
	Counts  insights.Counts
	Awarded int    // sent to be claimed, or approved on request
	Rate    string // the claim rate, or "–" when nothing was sent
}

// rowOf is the table line of c.
func rowOf(label string, c insights.Counts) insightsRow {
	return insightsRow{Label: label, Counts: c, Awarded: c.Sent + c.Approved, Rate: rate(c)}
}

type insightsPage struct {
	Base
	Institutions         []option // to choose from, when the person works for several
	InstitutionID        string
	From, To             string
	Errors               map[string]string
	Total                insightsRow
	Months, Classes      chart
	MonthRows, ClassRows []insightsRow
	CSV                  string
}

// rate writes a claim rate as a percentage.
func rate(c insights.Counts) string {
	if r, ok := c.ClaimRate(); ok {
		return strconv.FormatFloat(r*100, 'f', 0, 64) + "%"
	}
	return "–"
}

// insightsQuery reads the page's query: the institution (the person's
// first by default), and the months, each refused beside its field.
func (h *Handler) insightsQuery(p *insightsPage, r *http.Request) (insights.Query, error) {
	ids, err := h.institutionIDs(r.Context(), p.Actor)
	if err != nil {
		return insights.Query{}, err
	}
	if len(ids) == 0 {
		return insights.Query{}, badged.Errorf(badged.Forbidden, "you work for no institution")
	}
	q := r.URL.Query()
	p.InstitutionID, p.Institutions = h.institutionChoice(r, p.Actor, p.Lang, ids)
	p.From, p.To = q.Get("from"), q.Get("to")
	p.Errors = map[string]string{}
	iq := insights.Query{InstitutionID: p.InstitutionID, Level: insights.LevelBadgeClass}
	for _, f := range []struct {
		name, v string
		dst     *insights.Month
	}{{"from", p.From, &iq.From}, {"to", p.To, &iq.To}} {
		if f.v == "" {
			continue
		}
		m, err := insights.ParseMonth(f.v)
		if err != nil {
			p.Errors[f.name] = p.T["insightsBadMonth"]
			continue
		}
		*f.dst = m
	}
	return iq, nil
}

func (h *Handler) handleInsights(w http.ResponseWriter, r *http.Request) error {
	p := &insightsPage{Base: h.base(w, r, "insights")}
	p.Title = p.T["insightsTitle"]
	if h.Insights == nil {
		return badged.Errorf(badged.Unavailable, "insights are not available")
	}
	q, err := h.insightsQuery(p, r)
	if err != nil {
		return err
	}
	status := http.StatusOK
	var rep *insights.Report
	if len(p.Errors) == 0 {
		rep, err = h.Insights.Report(r.Context(), p.Actor, q)
		if badged.KindOf(err) == badged.Invalid {
			p.Errors["to"] = page.Sentence(badged.MessageOf(err))
		} else if err != nil {
			return err
		}
	}
	if len(p.Errors) > 0 {
		status = http.StatusUnprocessableEntity
		rep, err = h.Insights.Report(r.Context(), p.Actor, insights.Query{InstitutionID: p.InstitutionID, Level: insights.LevelBadgeClass})
		if err != nil {
			return err
		}
	} else {
		p.From, p.To = string(rep.From), string(rep.To)
	}
	h.fillInsights(p, rep)
	v := url.Values{"institution": {p.InstitutionID}, "from": {string(rep.From)}, "to": {string(rep.To)}}
	p.CSV = "/portal/insights.csv?" + v.Encode()
	h.Render(w, r, status, insightsPages["insights"], p)
	return nil
}

// fillInsights turns a report per badge class and month into the page's
// charts and tables: per month (every month of the period, empty ones
// too) and per badge class (most awarded first).
func (h *Handler) fillInsights(p *insightsPage, rep *insights.Report) {
	t := p.T
	p.Total = rowOf(t["insightsTotal"], rep.Total)
	byMonth := map[insights.Month]insights.Counts{}
	names, byClass := map[string]string{}, map[string]insights.Counts{}
	for _, row := range rep.Rows {
		c := byMonth[row.Month]
		c.Plus(row.Counts)
		byMonth[row.Month] = c
		cc := byClass[row.ID]
		cc.Plus(row.Counts)
		byClass[row.ID], names[row.ID] = cc, row.Name
	}
	var labels []string
	var values []int
	for m := rep.From; m <= rep.To; m = insights.MonthOf(m.Start().AddDate(0, 1, 0)) {
		row := rowOf(string(m), byMonth[m])
		p.MonthRows = append(p.MonthRows, row)
		labels, values = append(labels, string(m)[2:]), append(values, row.Awarded)
	}
	p.Months = monthChart("chart-months", t["insightsMonthsTitle"],
		fmt.Sprintf(t["insightsMonthsDesc"], rep.From, rep.To, p.Total.Awarded), labels, values)
	for id, c := range byClass {
		p.ClassRows = append(p.ClassRows, rowOf(names[id], c))
	}
	slices.SortFunc(p.ClassRows, func(a, b insightsRow) int {
		if d := b.Awarded - a.Awarded; d != 0 {
			return d
		}
		return cmp.Compare(a.Label, b.Label)
	})
	labels, values = nil, nil
	for _, row := range p.ClassRows {
		labels, values = append(labels, row.Label), append(values, row.Awarded)
	}
	p.Classes = classChart("chart-classes", t["insightsClassesTitle"],
		fmt.Sprintf(t["insightsClassesDesc"], len(p.ClassRows)), labels, values)
}

// handleInsightsCSV sends the report per badge class and month as CSV.
func (h *Handler) handleInsightsCSV(w http.ResponseWriter, r *http.Request) error {
	p := &insightsPage{Base: h.base(w, r, "insights")}
	if h.Insights == nil {
		return badged.Errorf(badged.Unavailable, "insights are not available")
	}
	q, err := h.insightsQuery(p, r)
	if err != nil {
		return err
	}
	if len(p.Errors) > 0 {
		return badged.Errorf(badged.Invalid, "from and to are months of the form YYYY-MM")
	}
	rep, err := h.Insights.Report(r.Context(), p.Actor, q)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="insights-%s-%s.csv"`, rep.From, rep.To))
	return rep.WriteCSV(w)
}
