package web

import (
	"bytes"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/badged/badged"
	"github.com/badged/badged/web/api"
	"github.com/badged/badged/web/render"
)

func TestProblem(t *testing.T) {
	e := newEnv(t)
	t.Run("fail/forbidden", func(t *testing.T) {
		resp, body := e.do(learner, "GET", "/api/v1/institutions/"+e.I.ID, nil)
		p := problemOf(t, resp, body)
		if p.Status != 403 || p.Type != render.ProblemType+"forbidden" || p.Title != "Forbidden" || p.Instance != "/api/v1/institutions/"+e.I.ID {
			t.Errorf("%+v", p)
		}
	})
	t.Run("fail/validation lists fields", func(t *testing.T) {
		resp, body := e.do(instAdmin, "POST", "/api/v1/institutions/"+e.I.ID+"/groups", map[string]any{"imageUrl": "ftp://x"})
		p := problemOf(t, resp, body)
		if p.Status != 400 || len(p.Errors) < 2 {
			t.Fatalf("%+v", p)
		}
		fields := map[string]bool{}
		for _, f := range p.Errors {
			fields[f.Field] = f.Detail != ""
		}
		if !fields["name"] || !fields["imageUrl"] {
			t.Errorf("field problems %+v", p.Errors)
		}
	})
	t.Run("fail/unknown field", func(t *testing.T) {
		resp, body := e.do(instAdmin, "POST", "/api/v1/institutions/"+e.I.ID+"/groups", `{"name":{"en":"x"},"nmae":1}`)
		if p := problemOf(t, resp, body); p.Status != 400 || len(p.Errors) != 1 {
			t.Errorf("%+v", p)
		}
	})
	t.Run("fail/stale version", func(t *testing.T) {
		resp, body := e.do(instAdmin, "POST", "/api/v1/groups/"+e.G.ID+"/archive", map[string]int{"version": 99})
		if p := problemOf(t, resp, body); p.Status != 409 {
			t.Errorf("%+v", p)
		}
	})
	t.Run("fail/unknown route", func(t *testing.T) {
		resp, body := e.do(instAdmin, "GET", "/api/v1/nope", nil)
		if p := problemOf(t, resp, body); p.Status != 404 {
			t.Errorf("%+v", p)
		}
	})
	t.Run("fail/internal is logged, not shown", func(t *testing.T) {
		var log bytes.Buffer
		s := &Server{Log: slog.New(slog.NewTextHandler(&log, nil))}
		w := httptest.NewRecorder()
		s.writeError(w, httptest.NewRequest("GET", "/x", nil), badged.Wrap(badged.Internal, badged.Errorf(badged.Internal, "secret detail"), "boom"))
		if w.Code != 500 || strings.Contains(w.Body.String(), "secret detail") || !strings.Contains(log.String(), "secret detail") {
			t.Errorf("%d %s / log %s", w.Code, w.Body, log.String())
		}
		log.Reset()
		s.writeError(httptest.NewRecorder(), httptest.NewRequest("GET", "/x", nil), badged.Errorf(badged.NotFound, "gone"))
		if log.Len() != 0 {
			t.Errorf("a NotFound was logged: %s", log.String())
		}
	})
}

func TestPagination(t *testing.T) {
	e := newEnv(t)
	for _, n := range []string{"A", "B", "C", "D", "E"} {
		if resp, body := e.do(instAdmin, "POST", "/api/v1/institutions/"+e.I.ID+"/groups", map[string]any{"name": map[string]string{"en": n}}); resp.StatusCode != 201 {
			t.Fatalf("%s %s", resp.Status, body)
		}
	}
	var names []string
	path := "/api/v1/institutions/" + e.I.ID + "/groups?limit=2"
	for pages := 0; path != ""; pages++ {
		if pages > 5 {
			t.Fatal("too many pages")
		}
		resp, body := e.do(instAdmin, "GET", path, nil)
		var p api.Page[api.Group]
		if resp.StatusCode != 200 || jsonUnmarshal(body, &p) != nil {
			t.Fatalf("%s %s", resp.Status, body)
		}
		for _, g := range p.Items {
			names = append(names, g.Name.EN)
		}
		link := resp.Header.Get("Link")
		if (p.Next == "") != (link == "") {
			t.Fatalf("next %q but Link %q", p.Next, link)
		}
		path = ""
		if link != "" {
			if !strings.HasSuffix(link, `>; rel="next"`) || !strings.Contains(link, "cursor="+p.Next) {
				t.Fatalf("Link %q", link)
			}
			path = strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`)
		}
	}
	if got := strings.Join(names, ""); got != "FacultyABCDE" {
		t.Errorf("pages gave %q", got)
	}
	for name, q := range map[string]string{"fail/limit": "?limit=0", "fail/big limit": "?limit=1000", "fail/cursor": "?cursor=bm9wZQ"} {
		t.Run(name, func(t *testing.T) {
			resp, body := e.do(instAdmin, "GET", "/api/v1/institutions/"+e.I.ID+"/groups"+q, nil)
			if p := problemOf(t, resp, body); p.Status != 400 || len(p.Errors) != 1 {
				t.Errorf("%+v", p)
			}
		})
	}
}
