package web

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestRecoverer: a panicking handler gives a problem+json 500, not a
// plain-text page, and the server keeps serving.
func TestRecoverer(t *testing.T) {
	s := NewServer("test", slog.New(slog.NewTextHandler(io.Discard, nil)), API{})
	h := s.recoverer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/x", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q", ct)
	}
	var p struct {
		Status int
		Detail string
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != 500 {
		t.Errorf("body %q: %v", rec.Body.String(), err)
	}
	if p.Detail == "boom" || p.Detail == "panic: boom" {
		t.Errorf("the panic value leaked to the client: %q", p.Detail)
	}
}
