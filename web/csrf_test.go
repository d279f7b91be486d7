package web

import "testing"

func TestCrossOrigin(t *testing.T) {
	e := newEnv(t)
	body := map[string]string{"name": "LMS"}
	path := "/api/v1/institutions/" + e.I.ID + "/clients"
	tests := map[string]struct {
		header, value string
		method        string
		want          int
	}{
		"fail/cross-site fetch": {"Sec-Fetch-Site", "cross-site", "POST", 403},
		"fail/foreign origin":   {"Origin", "https://evil.example", "POST", 403},
		"ok/same-origin fetch":  {"Sec-Fetch-Site", "same-origin", "POST", 201},
		"ok/no browser headers": {"", "", "POST", 201},
		"ok/cross-site GET":     {"Sec-Fetch-Site", "cross-site", "GET", 200},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var b any
			if tt.method == "POST" {
				b = body
			}
			req := e.request(instAdmin, tt.method, path, b)
			if tt.header != "" {
				req.Header.Set(tt.header, tt.value)
			}
			resp, rb := e.send(req)
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.want, rb)
			}
			if tt.want == 403 {
				problemOf(t, resp, rb)
			}
		})
	}
}
