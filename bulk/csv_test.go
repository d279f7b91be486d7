package bulk_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/badged/badged"
	"github.com/badged/badged/bulk"
)

var rules = bulk.Rules{SCHACHomes: []string{"uni.example.edu"}}

func TestParse(t *testing.T) {
	type want struct {
		row  int
		col  string
		text string // in the message
	}
	tests := []struct {
		name  string
		file  string
		rules *bulk.Rules
		rows  int
		want  []want
	}{
		{"ok/semicolon", "email;EPPN;narrative;evidence;grade\na@example.org;a@uni.example.edu;Did it;https://e.example.org/1;8\n", nil, 1, nil},
		{"ok/comma-bom-crlf", "\uFEFFEmail,Grade\r\nA@Example.org,7\r\n\r\n,\r\n", nil, 1, nil},
		{"ok/dutch", "e-mailadres;toelichting;bewijs;cijfer\na@example.org;Goed gedaan;https://e.example.org;9\n", nil, 1, nil},
		{"ok/quoted-delimiter", "email,narrative\na@example.org,\"one, two; three\"\n", nil, 1, nil},
		{"fail/wrong-delimiter", "email;eppn;grade\na@example.org,x@uni.example.edu,8\n", nil, 0, []want{{2, "", "is the delimiter ';'"}}},
		{"fail/column-count", "email,grade\na@example.org,8,extra\n", nil, 0, []want{{2, "", "3 columns, but the header has 2"}}},
		{"fail/bad-emails", "email\nnot-an-email\nBob <bob@example.org>\nok@example.org\n", nil, 0,
			[]want{{2, "email", "not a valid email"}, {3, "email", "not a valid email"}}},
		{"fail/no-identifier", "email;eppn;grade\n;;8\n", nil, 0, []want{{2, "", "no recipient"}}},
		{"fail/duplicates", "email;eppn\na@example.org;\nA@example.org;\n;x@uni.example.edu\nb@example.org;x@uni.example.edu\n", nil, 0,
			[]want{{3, "email", "same recipient as row 2"}, {5, "eppn", "same recipient as row 4"}}},
		{"fail/unknown-identifier", "eppn\nx@other.example.edu\nnoscope\n", nil, 0,
			[]want{{2, "eppn", "unknown identifier"}, {3, "eppn", "not an EPPN"}}},
		{"fail/formula-cells", "email;narrative;grade\na@example.org;\"=HYPERLINK(\"\"x\"\")\";8\nb@example.org;+1;8\nc@example.org;ok;-3\n@x@example.org;ok;8\nd@example.org;\tx;8\n", nil, 0,
			[]want{{2, "narrative", "formula"}, {3, "narrative", "formula"}, {4, "grade", "formula"}, {5, "email", "formula"}, {6, "narrative", "formula"}}},
		{"fail/invalid-utf8", "email;narrative\na@example.org;caf\xe9\nb@example.org;fine\n", nil, 0, []want{{2, "narrative", "not valid UTF-8"}}},
		{"fail/evidence", "email;evidence\na@example.org;ftp://x.example.org/f\nb@example.org;javascript:alert(1)\nc@example.org;https://ok.example.org\n", nil, 0,
			[]want{{2, "evidence", "http or https"}, {3, "evidence", "http or https"}}},
		{"fail/grade-required", "email;grade\na@example.org;\n", &bulk.Rules{GradeRequired: true}, 0, []want{{2, "grade", "required"}}},
		{"fail/narrative-evidence-required", "email\na@example.org\n", &bulk.Rules{NarrativeRequired: true, EvidenceRequired: true}, 0,
			[]want{{2, "narrative", "required"}, {2, "evidence", "required"}}},
		{"fail/unknown-column", "email;name\na@example.org;A\n", nil, 0, []want{{1, "", "unknown column"}}},
		{"fail/no-identifier-column", "narrative;grade\nx;8\n", nil, 0, []want{{1, "", "email or an eppn column"}}},
		{"fail/empty", "", nil, 0, []want{{0, "", "empty"}}},
		{"fail/header-only", "email;eppn\n", nil, 0, []want{{0, "", "no rows"}}},
		{"fail/bare-quote", "email;narrative\na@example.org;say \"hi\"\nb@example.org;x\n", nil, 0, []want{{2, "", "unreadable"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rules
			if tt.rules != nil {
				r = *tt.rules
			}
			rows, report, err := bulk.Parse(strings.NewReader(tt.file), r)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != tt.rows {
				t.Errorf("%d rows, want %d", len(rows), tt.rows)
			}
			if len(tt.want) > 0 && rows != nil {
				t.Errorf("rows returned with a report: %v", rows)
			}
			if len(report) != len(tt.want) {
				t.Fatalf("report = %+v, want %d problems", report, len(tt.want))
			}
			for i, w := range tt.want {
				p := report[i]
				if p.Row != w.row || p.Column != w.col || !strings.Contains(p.Message, w.text) {
					t.Errorf("problem %d = %+v, want row %d column %q with %q", i, p, w.row, w.col, w.text)
				}
			}
		})
	}
}

func TestParseNormalises(t *testing.T) {
	rows, report, err := bulk.Parse(strings.NewReader("\uFEFFEMAIL , Grade\n  Ann@Example.ORG , 7.5 \n"), rules)
	if err != nil || report != nil {
		t.Fatal(err, report)
	}
	if len(rows) != 1 || rows[0] != (bulk.Row{N: 2, Email: "ann@example.org", Grade: "7.5"}) {
		t.Fatalf("rows = %+v", rows)
	}
}

// endless is a file that never ends: "email\n" then rows forever.
type endless struct{ n int64 }

func (e *endless) Read(b []byte) (int, error) {
	const row = "someone.with.a.long.address@example.org\n"
	for i := range b {
		if e.n < 6 {
			b[i] = "email\n"[e.n]
		} else {
			b[i] = row[(e.n-6)%int64(len(row))]
		}
		e.n++
	}
	return len(b), nil
}

func TestParseTooLarge(t *testing.T) {
	t.Run("fail/50MB", func(t *testing.T) {
		// 50 MB of distinct rows: refused after 10 MB at most, before
		// anything else is read.
		var b bytes.Buffer
		b.WriteString("email\n")
		for i := 0; b.Len() < 50<<20; i++ {
			b.WriteString("learner")
			b.WriteString(strings.Repeat("x", 40))
			b.WriteString("@example.org\n")
		}
		r := &countReader{r: bytes.NewReader(b.Bytes())}
		start := time.Now()
		_, _, err := bulk.Parse(r, bulk.Rules{MaxRows: 1 << 30})
		if badged.KindOf(err) != badged.TooLarge || !strings.Contains(badged.MessageOf(err), "10 MB") {
			t.Fatalf("err = %v, want TooLarge about 10 MB", err)
		}
		if r.n > bulk.MaxFileBytes+64<<10 {
			t.Errorf("read %d bytes of a 50 MB file", r.n)
		}
		t.Logf("refused after reading %d bytes in %v", r.n, time.Since(start))
	})
	t.Run("fail/endless", func(t *testing.T) {
		e := &endless{}
		_, _, err := bulk.Parse(e, bulk.Rules{})
		if badged.KindOf(err) != badged.TooLarge {
			t.Fatalf("err = %v, want TooLarge", err)
		}
		if e.n > 1<<20 {
			t.Errorf("read %d bytes; the row limit should stop it sooner", e.n)
		}
	})
	t.Run("fail/rows", func(t *testing.T) {
		_, _, err := bulk.Parse(strings.NewReader("email\na@example.org\nb@example.org\nc@example.org\n"), bulk.Rules{MaxRows: 2})
		if badged.KindOf(err) != badged.TooLarge {
			t.Fatalf("err = %v, want TooLarge", err)
		}
	})
	t.Run("fail/read-error", func(t *testing.T) {
		boom := errors.New("boom")
		_, _, err := bulk.Parse(io.MultiReader(strings.NewReader("email\na@example.org\n"), &errReader{boom}), bulk.Rules{})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v, want boom", err)
		}
	})
}

type countReader struct {
	r io.Reader
	n int
}

func (c *countReader) Read(b []byte) (int, error) { n, err := c.r.Read(b); c.n += n; return n, err }

type errReader struct{ err error }

func (e *errReader) Read([]byte) (int, error) { return 0, e.err }

func TestWriteReportCSV(t *testing.T) {
	var b bytes.Buffer
	err := bulk.WriteReportCSV(&b, bulk.Report{
		{Row: 2, Column: "narrative", Message: "formula", Value: "=HYPERLINK(\"http://evil\")"},
		{Row: 3, Column: "grade", Message: "x", Value: "-3"},
		{Row: 4, Column: "email", Message: "x", Value: "@a"},
		{Row: 5, Column: "email", Message: "x", Value: "+1"},
		{Row: 6, Column: "email", Message: "x", Value: "plain"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "row,column,message,value\n2,narrative,formula,\"'=HYPERLINK(\"\"http://evil\"\")\"\n3,grade,x,'-3\n4,email,x,'@a\n5,email,x,'+1\n6,email,x,plain\n"
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestAwardID(t *testing.T) {
	if bulk.AwardID("j", 2) != bulk.AwardID("j", 2) || bulk.AwardID("j", 2) == bulk.AwardID("j", 3) || bulk.AwardID("j", 2) == bulk.AwardID("k", 2) {
		t.Fatal("AwardID is not a deterministic function of job and row")
	}
	if len(bulk.AwardID("j", 2)) != 32 {
		t.Fatal("AwardID is not 32 hex digits")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("email;eppn;narrative;evidence;grade\na@example.org;a@uni.example.edu;x;https://e.example.org;8\n"))
	f.Add([]byte("\xef\xbb\xbfemail,grade\n\"a,b\",=1\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, report, err := bulk.Parse(bytes.NewReader(b), rules)
		if err == nil && len(rows) == 0 && len(report) == 0 {
			t.Fatal("neither rows nor a report")
		}
		if len(report) > 0 && rows != nil {
			t.Fatal("rows with a report")
		}
	})
}
