package insights

import (
	"encoding/csv"
	"io"
	"strconv"
)

// WriteCSV writes r as CSV: a header, one line per row, and a last line
// "total". Every cell that a spreadsheet would read as a formula (starting
// with = + - @, a tab or a carriage return) gets a leading single quote, so
// that a badge class named "=HYPERLINK(…)" stays text ([EscapeCell]).
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := []string{"month", "level", "id", "name"}
	for _, m := range Measures {
		head = append(head, string(m))
	}
	head = append(head, "claim_rate")
	if err := cw.Write(head); err != nil {
		return err
	}
	line := func(month, id, name string, c Counts) error {
		rec := []string{month, string(r.Level), id, name}
		for _, m := range Measures {
			rec = append(rec, strconv.Itoa(c.Get(m)))
		}
		rate := ""
		if v, ok := c.ClaimRate(); ok {
			rate = strconv.FormatFloat(v, 'f', 4, 64)
		}
		rec = append(rec, rate)
		for i := range rec {
			rec[i] = EscapeCell(rec[i])
		}
		return cw.Write(rec)
	}
	for _, row := range r.Rows {
		if err := line(string(row.Month), row.ID, row.Name, row.Counts); err != nil {
			return err
		}
	}
	if err := line("total", "", "", r.Total); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// EscapeCell returns s with a leading single quote when a spreadsheet
// would take it for a formula: when it starts with = + - @, a tab or a
// carriage return (OWASP's advice against CSV injection).
func EscapeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
