package bulk

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/badged/badged"
	"github.com/badged/badged/issuer"
)

// Limits of a file.
const (
	// MaxFileBytes is the largest file accepted: 10 MB.
	MaxFileBytes = 10 << 20
	// maxProblems bounds a report: past it, one more problem says so.
	maxProblems = 1000
	maxValue    = 80 // bytes of a cell quoted in a problem
	maxText     = 10000
	maxShort    = 255
	maxURL      = 2048
)

// Column names, as the header row gives them.
const (
	ColEmail     = "email"
	ColEPPN      = "eppn"
	ColNarrative = "narrative"
	ColEvidence  = "evidence"
	ColGrade     = "grade"
)

// Columns maps each accepted header (lower case, trimmed) to its column:
// edubadges' names, spelled-out variants and Dutch ones.
var Columns = map[string]string{
	"email": ColEmail, "e-mail": ColEmail, "mail": ColEmail, "emailadres": ColEmail, "e-mailadres": ColEmail,
	"email address": ColEmail,
	"eppn":          ColEPPN, "edupersonprincipalname": ColEPPN,
	"narrative": ColNarrative, "toelichting": ColNarrative, "verhaal": ColNarrative,
	"evidence": ColEvidence, "evidence url": ColEvidence, "bewijs": ColEvidence, "bewijs url": ColEvidence,
	"grade": ColGrade, "cijfer": ColGrade, "resultaat": ColGrade,
}

// Row is one recipient of a file.
type Row struct {
	N         int    `json:"row"` // its row number: the header is row 1
	Email     string `json:"email,omitempty"`
	EPPN      string `json:"eppn,omitempty"`
	Narrative string `json:"narrative,omitempty"`
	Evidence  string `json:"evidence,omitempty"`
	Grade     string `json:"grade,omitempty"`
}

// Problem is what is wrong with one cell, one row, or (Row 0) the file.
type Problem struct {
	Row     int    `json:"row"`
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
	// Value is the offending cell, cut to 80 bytes, when there is one.
	Value string `json:"value,omitempty"`
}

// Report lists the problems of a file, by row; empty for a clean file.
type Report []Problem

// Rules are what the badge class and institution ask of every row.
type Rules struct {
	// SCHACHomes are the SCHAC homes an EPPN may be scoped to; empty
	// accepts any.
	SCHACHomes        []string
	GradeRequired     bool
	NarrativeRequired bool
	EvidenceRequired  bool
	// MaxRows is the most rows accepted; 0 means [issuer.MaxDirectAwards].
	MaxRows int
}

// RulesFor returns the rules of awarding bc of institution in.
func RulesFor(bc *issuer.BadgeClass, in *issuer.Institution) Rules {
	r := Rules{GradeRequired: bc.GradeAchievedRequired, NarrativeRequired: bc.NarrativeRequired, EvidenceRequired: bc.EvidenceRequired}
	if in != nil && in.SCHACHome != "" {
		r.SCHACHomes = []string{in.SCHACHome}
	}
	return r
}

type reporter struct {
	r    Report
	full bool
}

func (p *reporter) add(row int, col, msg, value string) {
	if p.full {
		return
	}
	if len(p.r) == maxProblems {
		p.r = append(p.r, Problem{Message: "more than " + strconv.Itoa(maxProblems) + " problems; fix these first"})
		p.full = true
		return
	}
	if len(value) > maxValue {
		value = strings.ToValidUTF8(value[:maxValue], "\uFFFD") + "…"
	} else {
		value = strings.ToValidUTF8(value, "\uFFFD")
	}
	p.r = append(p.r, Problem{Row: row, Column: col, Message: msg, Value: value})
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}

// errTooLarge is returned by Parse for a file over the limits.
func errTooLarge(format string, args ...any) error {
	return badged.Errorf(badged.TooLarge, format, args...)
}

// Parse reads a file and checks every row against rules. It returns the
// rows and an empty report for a clean file; with any problem, the report
// lists them all and the rows are not to be applied. Rows whose cells are
// all empty are skipped. A file over [MaxFileBytes] or over the row limit
// fails with a [badged.TooLarge] error as soon as the limit is passed,
// without reading the rest; a read error is returned as is.
func Parse(r io.Reader, rules Rules) ([]Row, Report, error) {
	maxRows := rules.MaxRows
	if maxRows <= 0 {
		maxRows = issuer.MaxDirectAwards
	}
	cr := &countingReader{r: io.LimitReader(r, MaxFileBytes+1)}
	br := bufio.NewReaderSize(cr, 64<<10)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	head, _ := br.Peek(64 << 10) // the header line, within 64 KiB
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	comma := delimiter(head)
	cv := csv.NewReader(br)
	cv.Comma, cv.FieldsPerRecord, cv.ReuseRecord = comma, -1, true

	var p reporter
	tooLarge := func() error {
		if cr.n > MaxFileBytes {
			return errTooLarge("the file is larger than %d MB", MaxFileBytes>>20)
		}
		return nil
	}
	header, err := cv.Read()
	if err := tooLarge(); err != nil {
		return nil, nil, err
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.Is(err, io.EOF) {
			p.add(0, "", "the file is empty; it needs a header row: email;eppn;narrative;evidence;grade", "")
			return nil, p.r, nil
		}
		if !errors.As(err, &pe) {
			return nil, nil, err
		}
		p.add(1, "", fmt.Sprintf("unreadable header row: %v", pe.Err), "")
		return nil, p.r, nil
	}
	cols, ok := columns(&p, header)
	if !ok {
		return nil, p.r, nil
	}

	var (
		rows []Row
		seen = map[string]int{}
		n    = 1 // row number of the last record read
	)
	for {
		rec, err := cv.Read()
		if err := tooLarge(); err != nil {
			return nil, nil, err
		}
		if errors.Is(err, io.EOF) {
			break
		}
		n++
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, nil, err
			}
			p.add(n, "", fmt.Sprintf("unreadable (line %d, column %d): %v", pe.Line, pe.Column, pe.Err), "")
			continue
		}
		if blank(rec) {
			n--
			continue
		}
		if len(rows) >= maxRows {
			return nil, nil, errTooLarge("the file has more than %d rows; split it", maxRows)
		}
		if len(rec) != len(cols) {
			msg := fmt.Sprintf("%d columns, but the header has %d", len(rec), len(cols))
			if len(rec) == 1 && len(cols) > 1 {
				msg += fmt.Sprintf(": is the delimiter %q, as in the header?", comma)
			}
			p.add(n, "", msg, strings.Join(rec, string(comma)))
			rows = append(rows, Row{N: n})
			continue
		}
		row := Row{N: n}
		valid := true
		for i, col := range cols {
			v := rec[i]
			if !utf8.ValidString(v) {
				p.add(n, col, "not valid UTF-8: save the file as UTF-8", v)
				valid = false
				continue
			}
			if formula(v) {
				p.add(n, col, "starts with "+strconv.QuoteRune(rune(strings.TrimSpace(v)[0]))+", which a spreadsheet runs as a formula: remove it", v)
				valid = false
				continue
			}
			v = strings.TrimSpace(v)
			switch col {
			case ColEmail:
				row.Email = v
			case ColEPPN:
				row.EPPN = v
			case ColNarrative:
				row.Narrative = v
			case ColEvidence:
				row.Evidence = v
			case ColGrade:
				row.Grade = v
			}
		}
		if valid {
			check(&p, rules, &row, seen)
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 && len(p.r) == 0 {
		p.add(0, "", "the file has a header but no rows", "")
	}
	if len(p.r) > 0 {
		return nil, p.r, nil
	}
	return rows, nil, nil
}

// delimiter returns ';' when the header line has more semicolons than
// commas outside quotes, else ','.
func delimiter(line []byte) rune {
	var semi, comma int
	quoted := false
	for _, b := range line {
		switch {
		case b == '"':
			quoted = !quoted
		case quoted:
		case b == ';':
			semi++
		case b == ',':
			comma++
		}
	}
	if semi > comma {
		return ';'
	}
	return ','
}

// columns maps the header's cells to column names.
func columns(p *reporter, header []string) ([]string, bool) {
	cols := make([]string, len(header))
	ok, have := true, map[string]bool{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		col, known := Columns[name]
		switch {
		case !utf8.ValidString(h):
			p.add(1, "", "the header is not valid UTF-8: save the file as UTF-8", h)
			ok = false
		case name == "" && len(header) > 1:
			p.add(1, "", fmt.Sprintf("column %d has no name", i+1), "")
			ok = false
		case !known:
			p.add(1, "", "unknown column: use email, eppn, narrative, evidence and grade, separated by ; or ,", h)
			ok = false
		case have[col]:
			p.add(1, col, "the column appears twice", h)
			ok = false
		}
		have[col], cols[i] = true, col
	}
	if ok && !have[ColEmail] && !have[ColEPPN] {
		p.add(1, "", "the header needs an email or an eppn column", strings.Join(header, ","))
		ok = false
	}
	return cols, ok
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// formula reports whether a spreadsheet would take v for a formula.
func formula(v string) bool {
	if v != "" && (v[0] == '\t' || v[0] == '\r') {
		return true
	}
	v = strings.TrimSpace(v)
	return v != "" && strings.ContainsRune("=+-@", rune(v[0]))
}

// check adds the problems of a row whose cells are readable, and
// normalises its email.
func check(p *reporter, rules Rules, row *Row, seen map[string]int) {
	n := row.N
	if row.Email == "" && row.EPPN == "" {
		p.add(n, "", "no recipient: give an email or an EPPN", "")
	}
	if row.Email != "" {
		e := strings.ToLower(row.Email)
		a, err := mail.ParseAddress(e)
		if err != nil || a.Address != e || a.Name != "" || len(e) > 254 {
			p.add(n, ColEmail, "not a valid email address", row.Email)
		} else {
			row.Email = e
			dup(p, seen, n, ColEmail, "e:"+e, row.Email)
		}
	}
	if row.EPPN != "" {
		user, scope, ok := strings.Cut(row.EPPN, "@")
		switch {
		case !ok || user == "" || scope == "" || strings.ContainsAny(scope, "@ ") || len(row.EPPN) > maxShort:
			p.add(n, ColEPPN, "not an EPPN (user@institution-domain)", row.EPPN)
		case len(rules.SCHACHomes) > 0 && !homeOf(rules.SCHACHomes, scope):
			p.add(n, ColEPPN, "unknown identifier: an EPPN of "+scope+", not of this institution ("+strings.Join(rules.SCHACHomes, ", ")+")", row.EPPN)
		default:
			dup(p, seen, n, ColEPPN, "p:"+row.EPPN, row.EPPN)
		}
	}
	if rules.NarrativeRequired && row.Narrative == "" {
		p.add(n, ColNarrative, "required for this badge", "")
	}
	if utf8.RuneCountInString(row.Narrative) > maxText {
		p.add(n, ColNarrative, "longer than "+strconv.Itoa(maxText)+" characters", "")
	}
	if rules.EvidenceRequired && row.Evidence == "" {
		p.add(n, ColEvidence, "required for this badge", "")
	}
	if row.Evidence != "" {
		u, err := url.Parse(row.Evidence)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(row.Evidence) > maxURL {
			p.add(n, ColEvidence, "not an absolute http or https URL", row.Evidence)
		}
	}
	if rules.GradeRequired && row.Grade == "" {
		p.add(n, ColGrade, "required for this badge", "")
	}
	if utf8.RuneCountInString(row.Grade) > maxShort {
		p.add(n, ColGrade, "longer than "+strconv.Itoa(maxShort)+" characters", row.Grade)
	}
}

func dup(p *reporter, seen map[string]int, n int, col, key, value string) {
	if first, ok := seen[key]; ok {
		p.add(n, col, "the same recipient as row "+strconv.Itoa(first), value)
		return
	}
	seen[key] = n
}

func homeOf(homes []string, scope string) bool {
	for _, h := range homes {
		if strings.EqualFold(h, scope) {
			return true
		}
	}
	return false
}

// Escape returns v safe to put in a CSV cell that a spreadsheet opens: a
// value a spreadsheet would run as a formula gets a leading single quote.
func Escape(v string) string {
	if v != "" && (strings.ContainsRune("=+-@\t\r", rune(v[0]))) {
		return "'" + v
	}
	return v
}

// WriteReportCSV writes report as CSV (row, column, message, value), with
// every cell escaped by [Escape]. It returns the writer's error.
func WriteReportCSV(w io.Writer, report Report) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"row", "column", "message", "value"})
	for _, p := range report {
		cw.Write([]string{strconv.Itoa(p.Row), Escape(p.Column), Escape(p.Message), Escape(p.Value)})
	}
	cw.Flush()
	return cw.Error()
}
