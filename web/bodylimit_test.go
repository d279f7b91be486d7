package web

import (
	"strings"
	"testing"
)

func TestLimitBody(t *testing.T) {
	e := newEnv(t)
	e.srv.MaxBodyBytes = 1 << 10
	defer func() { e.srv.MaxBodyBytes = DefaultMaxBodyBytes }()
	big := `{"name":{"en":"` + strings.Repeat("x", 2<<10) + `"}}`
	path := "/api/v1/institutions/" + e.I.ID + "/groups"
	t.Run("fail/declared length", func(t *testing.T) {
		resp, body := e.do(instAdmin, "POST", path, big)
		if p := problemOf(t, resp, body); p.Status != 413 {
			t.Errorf("%+v", p)
		}
	})
	t.Run("fail/chunked", func(t *testing.T) {
		req := e.request(instAdmin, "POST", path, nil)
		req.Header.Set("Content-Type", "application/json")
		req.Body, req.ContentLength = readCloser(big)
		req.ContentLength = -1
		resp, body := e.send(req)
		if p := problemOf(t, resp, body); p.Status != 413 {
			t.Errorf("%+v", p)
		}
	})
	t.Run("ok/small", func(t *testing.T) {
		if resp, body := e.do(instAdmin, "POST", path, `{"name":{"en":"Small"}}`); resp.StatusCode != 201 {
			t.Errorf("%s %s", resp.Status, body)
		}
	})
}
