package web

import "testing"

func TestRequireJSON(t *testing.T) {
	e := newEnv(t)
	path := "/api/v1/institutions/" + e.I.ID + "/groups"
	tests := map[string]struct {
		ct   string
		want int
	}{
		"fail/form":       {"application/x-www-form-urlencoded", 415},
		"fail/none":       {"", 415},
		"fail/text":       {"text/plain", 415},
		"ok/json":         {"application/json", 201},
		"ok/json charset": {"application/json; charset=utf-8", 201},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			req := e.request(instAdmin, "POST", path, `{"name":{"en":"G"}}`)
			req.Header.Set("Content-Type", tt.ct)
			if tt.ct == "" {
				req.Header.Del("Content-Type")
			}
			resp, body := e.send(req)
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.want, body)
			}
			if tt.want == 415 {
				problemOf(t, resp, body)
			}
		})
	}
}
