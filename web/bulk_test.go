package web

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/badged/badged/bulk"
	"github.com/badged/badged/issuer"
	"github.com/badged/badged/web/api"
)

func TestBulkUpload(t *testing.T) {
	e := newEnv(t)
	e.set(func(a *API) {
		a.Bulk = bulk.NewService(e.db, e.is)
	})
	e.publishB()
	path := "/api/v1/badgeclasses/" + e.B.ID + "/bulk-awards"
	send := func(t *testing.T, ct string, body io.Reader, length int64) (*http.Response, []byte) {
		t.Helper()
		e.t = t
		req := e.request(bcAward, http.MethodPost, path, nil)
		req.Body, req.ContentLength = io.NopCloser(body), length
		req.Header.Set("Content-Type", ct)
		return e.send(req)
	}
	t.Run("ok/text-csv", func(t *testing.T) {
		file := "email;EPPN;narrative;evidence;grade\na@example.org;a@i.example.edu;Did it;https://e.example.org;8\n"
		resp, body := send(t, "text/csv", strings.NewReader(file), int64(len(file)))
		var job api.BulkJob
		if resp.StatusCode != http.StatusAccepted || json.Unmarshal(body, &job) != nil || job.State != bulk.Queued || job.Total != 1 {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		if loc := resp.Header.Get("Location"); loc != "/api/v1/bulk-awards/"+job.ID {
			t.Errorf("Location %q", loc)
		}
		_, body = e.do(viewer, http.MethodGet, "/api/v1/bulk-awards/"+job.ID, nil)
		if !strings.Contains(string(body), `"total": 1`) {
			t.Errorf("progress: %s", body)
		}
	})
	t.Run("ok/multipart", func(t *testing.T) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		mw.WriteField("scheduledAt", time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
		fw, _ := mw.CreateFormFile("file", "awards.csv")
		io.WriteString(fw, "email\nm@example.org\n")
		mw.Close()
		resp, body := send(t, mw.FormDataContentType(), &b, int64(b.Len()))
		if resp.StatusCode != http.StatusAccepted || !strings.Contains(string(body), "scheduledAt") {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
	})
	t.Run("fail/rejected-422", func(t *testing.T) {
		file := "email;narrative\nbad-email;x\nb@example.org;=cmd|' /C calc'!A0\nb@example.org;ok\n"
		resp, body := send(t, "text/csv", strings.NewReader(file), int64(len(file)))
		var p api.RejectedProblem
		if resp.StatusCode != http.StatusUnprocessableEntity || resp.Header.Get("Content-Type") != "application/problem+json" ||
			json.Unmarshal(body, &p) != nil || len(p.Report) != 2 || p.Job.State != bulk.Rejected {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		// The exported report escapes the formula it quotes.
		resp, csv := e.do(bcAward, http.MethodGet, "/api/v1/bulk-awards/"+p.Job.ID+"/report", nil)
		if resp.StatusCode != 200 || !strings.Contains(string(csv), ",'=cmd") {
			t.Fatalf("report export: %d %s", resp.StatusCode, csv)
		}
		if as, _ := e.db.Awards(t.Context(), issuer.AwardQuery{BadgeClassID: e.B.ID}); len(as) != 0 {
			t.Fatalf("%d awards after a rejected file", len(as))
		}
	})
	t.Run("fail/50MB-declared", func(t *testing.T) {
		start := time.Now()
		big := io.MultiReader(strings.NewReader("email\n"), io.LimitReader(repeat('a'), 50<<20-6))
		resp, body := send(t, "text/csv", big, 50<<20)
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		t.Logf("refused in %v", time.Since(start))
	})
	t.Run("fail/50MB-chunked", func(t *testing.T) {
		big := io.MultiReader(strings.NewReader("email\n"), io.LimitReader(repeat('a'), 50<<20))
		resp, body := send(t, "text/csv", big, -1)
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
	})
	t.Run("fail/media-type", func(t *testing.T) {
		resp, _ := send(t, "application/pdf", strings.NewReader("x"), 1)
		if resp.StatusCode != http.StatusUnsupportedMediaType {
			t.Fatalf("%d", resp.StatusCode)
		}
	})
}

type repeat byte

func (r repeat) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = byte(r)
	}
	return len(b), nil
}
